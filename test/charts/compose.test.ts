/**
 * One composition: a setting every variant shares has the same effect in each (same check, same default, same
 * objects), because it is read in one place (charts/compose.ts).
 */
import { App, Chart, Duration, Testing } from 'cdk8s';
import { K3sDev, K3sProd, Rke2Cnpg } from '../../charts';
import { KasmConfigError } from '../../lib';
import { Manifest } from '../support/manifests';

type Build = (props: Record<string, unknown>) => Chart;
const VARIANTS: readonly [string, Build][] = [
  ['K3sDev', (p) => new K3sDev(Testing.app(), 'v', p as any)],
  ['K3sProd', (p) => new K3sProd(Testing.app(), 'v', { hostname: 'kasm.example.com', ...p } as any)],
  ['Rke2Cnpg', (p) => new Rke2Cnpg(Testing.app(), 'v', { hostname: 'kasm.example.com', ...p } as any)],
];
const synth = (chart: Chart) => Testing.synth(chart) as Manifest[];
const caught = (f: () => unknown): KasmConfigError => {
  try { f(); } catch (e) { if (e instanceof KasmConfigError) return e; throw e; }
  throw new Error('no error');
};

describe.each(VARIANTS)('%s', (owner, build) => {
  test('alerts must be a boolean, checked by the variant, and false leaves the PrometheusRule out', () => {
    expect(caught(() => build({ alerts: 'yes' })).fields).toMatchObject({ owner, prop: 'alerts', value: 'yes' });
    expect(synth(build({ alerts: false })).some((m) => m.kind === 'PrometheusRule')).toBe(false);
    expect(synth(build({ alerts: true })).some((m) => m.kind === 'PrometheusRule')).toBe(true);
  });

  test('agentCidrs defaults to the private ranges, the cluster\'s own cut out, the same in every variant', () => {
    const agentPolicy = (ms: Manifest[]) => JSON.stringify(ms.filter((m) => m.kind === 'NetworkPolicy').map((m) => m.spec).filter((s) => JSON.stringify(s).includes('192.168.0.0/16')));
    expect(agentPolicy(synth(build({})))).toBe(agentPolicy(synth(build({ agentCidrs: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }))));
  });

  test('sessionTimeout reaches the proxy and Traefik alike', () => {
    const text = JSON.stringify(synth(build({ sessionTimeout: Duration.minutes(45) })));
    expect(text).toContain('2700s');
  });

  test('a hostname that is not a host name is refused by the variant', () => {
    expect(caught(() => build({ hostname: 'not a host' })).fields).toMatchObject({ owner, prop: 'hostname' });
  });

});

test.each([K3sDev, K3sProd, Rke2Cnpg])('%p: props that are not an object are refused by name, not with a TypeError', (Variant) => {
  expect(caught(() => new Variant(new App(), 'v', 'oops' as any)).fields).toMatchObject({ prop: 'props', value: 'oops' });
});

test('production variants require the host name, with the same field', () => {
  for (const Variant of [K3sProd, Rke2Cnpg]) {
    const e = caught(() => new Variant(new App(), 'v', {}));
    expect(e.fields).toMatchObject({ prop: 'hostname', value: undefined });
  }
});
