/** The `frontDoor` values keys: a values file builds the Gateway API front door, and a refused setting names its key. */
import * as yaml from 'js-yaml';
import { App, Testing } from 'cdk8s';
import { variantFromValues } from '../../cli/values/variant';
import { parseValues } from '../../cli/values/values-file';
import { ValuesVariant } from '../../charts/spec/language';

function synthFrom(variant: ValuesVariant, doc: unknown) {
  const values = parseValues(yaml.dump(doc), 'values.yaml', variant);
  const app: App = Testing.app();
  variantFromValues(variant, values, 'values.yaml').build(app);
  return app.charts.flatMap((c) => Testing.synth(c));
}

const message = (fn: () => unknown): string => {
  try { fn(); } catch (e) { return (e as Error).message; }
  throw new Error('accepted');
};

test('frontDoor.kind gateway with parentRefs attaches HTTPRoutes to the named Gateway', () => {
  const objects = synthFrom('rke2-cnpg', {
    hostname: 'kasm.example.com',
    frontDoor: { kind: 'gateway', gateway: { implementation: 'envoyGateway', parentRefs: [{ name: 'eg', namespace: 'edge' }], gatewayPods: { namespace: 'edge', podLabels: { app: 'envoy' } } } },
  });
  const route = objects.find((o) => o.kind === 'HTTPRoute')!;
  expect(route.spec.parentRefs[0]).toEqual(expect.objectContaining({ name: 'eg', namespace: 'edge' }));
  expect(objects.some((o) => o.kind === 'IngressRoute')).toBe(false);
  const proxyIn = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'kasm-proxy-ingress')!;
  expect(JSON.stringify(proxyIn.spec.ingress)).toContain('"app":"envoy"');
});

test('frontDoor.gateway.create builds the Gateway; the default kind keeps the Ingress', () => {
  expect(synthFrom('k3s-dev', { frontDoor: { kind: 'gateway', gateway: { create: {} } } }).some((o) => o.kind === 'Gateway')).toBe(true);
  expect(synthFrom('k3s-dev', { frontDoor: { kind: 'ingress' } }).some((o) => o.kind === 'Ingress')).toBe(true);
});

test('refusals name the values key', () => {
  expect(message(() => synthFrom('k3s-dev', { frontDoor: { kind: 'gateway' } }))).toMatch(/frontDoor\.gateway/);
  expect(message(() => synthFrom('k3s-dev', { frontDoor: { kind: 'gateway', gateway: { implementation: 'cilium', parentRefs: [{ name: 'gw' }] } } })))
    .toMatch(/frontDoor\.gateway\.implementation[\s\S]*BackendTLSPolicy/);
  expect(message(() => synthFrom('k3s-dev', { frontDoor: { kind: 'gateway', gateway: { backendCa: { kind: 'Secret', name: 'ca' }, parentRefs: [{ name: 'gw' }] } } })))
    .toMatch(/frontDoor\.gateway\.backendCa\.kind/);
});
