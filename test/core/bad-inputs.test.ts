/**
 * Inputs a user types by mistake that used to synthesize silently: certificate durations cert-manager refuses or
 * Go cannot parse, ports 0 or out of range inside host:port strings, RDP on the front door's entry points,
 * credentials in a committed repository URL, text that is not Unicode, an agent range of the whole Internet.
 * Each is a KasmConfigError naming owner, prop and value (or a finding, or a warning), for typed callers and the
 * values file alike.
 */
import { Duration, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import * as yaml from 'js-yaml';
import { K3sDev } from '../../charts/k3s-dev';
import { parseValues } from '../../cli/values/values-file';
import { valuesWarnings } from '../../cli/synth';
import { variantFromValues } from '../../cli/values/variant';
import { KasmConfigError } from '../../lib/core/config-error';
import { renderNotes } from '../../lib/core/notes';
import { runDoctor } from '../../lib/doctor/app-doctor';
import { assertRepoUrl } from '../../lib/gitops/gitops-manifests';
import { KasmRdpExposure } from '../../lib/ingress/rdp-exposure';
import { KasmSecurity, TlsSource } from '../../lib';

const errorOf = (run: () => unknown): KasmConfigError => {
  try { run(); } catch (err) {
    if (err instanceof KasmConfigError) return err;
    throw err;
  }
  throw new Error('accepted');
};

/** A K3s-dev control plane with a second KasmSecurity-free chart, to hang one construct on. */
const k3sDev = () => new K3sDev(Testing.app(), 'dev');
const valuesError = (doc: unknown, variant: 'k3s-dev' | 'k3s-prod' = 'k3s-dev') => errorOf(() => parseValues(yaml.dump(doc), 'v.yaml', variant)).message;

describe('certificate durations: what cert-manager accepts and Go parses', () => {
  const security = (options: Partial<Parameters<typeof TlsSource.certManager>[0]>) => {
    const chart = k3sDev();
    return errorOf(() => new KasmSecurity(chart, 'more', {
      controlPlane: chart.controlPlane, tls: TlsSource.certManager({ issuerName: 'ca', ...options }),
    })).fields!;
  };

  test.each([
    ['duration below 1h', { duration: Duration.minutes(30), renewBefore: Duration.minutes(10) }, 'tls.duration', '0.5h', /minimum certificate duration of 1h/],
    ['renewBefore below 5m', { duration: Duration.hours(2), renewBefore: Duration.minutes(1) }, 'tls.renewBefore', '1m', /minimum renewBefore of 5m/],
    ['duration beyond Go', { duration: Duration.days(200_000) }, 'tls.duration', '4800000h', /Go durations end at 2562047h/],
    ['renewBefore not below duration', { duration: Duration.hours(2), renewBefore: Duration.hours(2) }, 'tls.renewBefore', '2h', /must be shorter than duration/],
  ])('%s', (_name, options, prop, value, problem) => {
    const fields = security(options);
    expect([fields.owner, fields.prop, fields.value]).toEqual(['KasmSecurity', prop, value]);
    expect(fields.problem.join('')).toMatch(problem);
  });

  test('the values file refuses the same, naming its key', () => {
    const values = parseValues(yaml.dump({ secrets: { tls: { source: 'certManager', certManager: { issuerName: 'ca', duration: '30m', renewBefore: '10m' } } } }), 'v.yaml', 'k3s-dev');
    const err = errorOf(() => variantFromValues('k3s-dev', values, 'v.yaml').build(Testing.app()));
    expect(err.message).toMatch(/^v\.yaml: .*duration: '0\.5h' is below cert-manager's minimum certificate duration of 1h/);
  });
});

describe('ports inside host:port strings', () => {
  test.each([
    [{ images: { registry: 'registry.example.com:0/kasm' } }, /images\.registry: 'registry\.example\.com:0\/kasm' has port 0, outside 1-65535/],
    [{ images: { registry: 'registry.example.com:99999' } }, /images\.registry: 'registry\.example\.com:99999' has port 99999, outside 1-65535/],
    [{ upstreamAuthAddress: 'https://kasm.example.com:0' }, /upstreamAuthAddress: 'https:\/\/kasm\.example\.com:0' has port 0/],
  ])('%j', (doc, message) => {
    expect(valuesError(doc)).toMatch(message);
  });

  test('a registry with a port in range is accepted', () => {
    expect(parseValues('images: {registry: "registry.example.com:5000/kasm"}\n', 'v.yaml', 'k3s-dev').images.registry).toBe('registry.example.com:5000/kasm');
  });
});

describe('RDP on Traefik cannot take the front door\'s entry points', () => {
  test.each([
    [{ port: 443 }, 'port', 443],
    [{ port: 80 }, 'port', 80],
    [{ entryPoint: 'websecure' }, 'entryPoint', 'websecure'],
  ])('%j', (props, prop, value) => {
    const chart = k3sDev();
    const fields = errorOf(() => new KasmRdpExposure(chart, 'rdp2', { controlPlane: chart.controlPlane, ...props })).fields!;
    expect([fields.owner, fields.prop, fields.value]).toEqual(['KasmRdpExposure', prop, value]);
  });
});

describe('credentials in the GitOps repository URL', () => {
  test.each([
    'https://user:ghp_s3cret@github.com/acme/platform.git',
    'https://ghp_s3cret@github.com/acme/platform.git',
    'ssh://git:ghp_s3cret@github.com/acme/platform.git',
  ])('%s is refused, and the secret is not echoed', (url) => {
    const err = errorOf(() => assertRepoUrl('GitOps', 'repoUrl', url));
    expect(err.fields!.prop).toBe('repoUrl');
    expect(err.message).toMatch(/carries credentials, which would be committed/);
    expect(err.message).not.toContain('s3cret');
    expect(valuesError({ gitops: { repoUrl: url } })).not.toContain('s3cret');
  });

  test.each(['https://github.com/acme/platform.git', 'ssh://git@github.com/acme/platform.git', 'git@github.com:acme/platform.git'])('%s is accepted', (url) => {
    expect(() => assertRepoUrl('GitOps', 'repoUrl', url)).not.toThrow();
  });
});

test('text that is not Unicode (a lone surrogate) is a finding, not a broken manifest', () => {
  const chart = k3sDev();
  new k8s.KubeConfigMap(chart, 'bad', { metadata: { name: 'bad', namespace: 'kasm' }, data: { note: 'caf\uD800e' } });
  const findings = runDoctor(chart).filter((f) => f.rule === 'api-limits');
  expect(findings.map((f) => [f.path, f.problem])).toEqual([['dev/bad', expect.stringMatching(/data\.note holds text that is not valid Unicode/)]]);
});

describe('an agent range of the whole Internet is allowed, with a warning', () => {
  test('NOTES.md warns', () => {
    const notes = renderNotes(new K3sDev(Testing.app(), 'dev', { agentCidrs: ['0.0.0.0/0'] }), 'x')!;
    expect(notes).toMatch(/\*\*Warning:\*\* the agent ranges include `0\.0\.0\.0\/0`: any address on the Internet/);
    expect(renderNotes(k3sDev(), 'x')).not.toMatch(/Warning/);
  });

  test('synth --values warns on stderr', () => {
    expect(valuesWarnings({ network: { agentCidrs: ['10.0.0.0/8', '0.0.0.0/0'] } }, 'v.yaml')).toEqual([
      expect.stringMatching(/^v\.yaml: network\.agentCidrs: 0\.0\.0\.0\/0 admits agents from anywhere on the Internet/),
    ]);
    expect(valuesWarnings({ network: { agentCidrs: ['10.0.0.0/8'] } }, 'v.yaml')).toEqual([]);
  });
});

describe('values-file errors speak values, not TypeScript', () => {
  const build = (doc: unknown) => errorOf(() => variantFromValues('k3s-dev', parseValues(yaml.dump(doc), 'v.yaml', 'k3s-dev'), 'v.yaml').build(Testing.app())).message;

  test('two zones on a release that takes one', () => {
    const message = build({ version: '1.18.1', zones: [{ name: 'default' }, { name: 'b' }] });
    expect(message).toMatch(/use version: '1\.19\.0', or keep one zone/);
    expect(message).not.toMatch(/KasmVersion/);
  });

  test('an egress range inside the cluster', () => {
    const message = build({ network: { egress: [{ from: ['api'], to: { cidrs: ['10.42.1.0/24'] }, ports: [443] }] } });
    expect(message).toMatch(/\(cluster\.clusterCidrs\).* name in-cluster peers with namespace and podLabels/);
    expect(message).not.toMatch(/NetworkPeer|ClusterProfile/);
  });
});
