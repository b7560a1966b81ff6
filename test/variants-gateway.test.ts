/**
 * The Gateway API front door in every variant (`frontDoor: { kind: 'gateway' }`): strictly valid against Kubernetes
 * and the Gateway API v1.6.1 CRDs, in place of the Traefik front door, with the HelmChartConfig readable and NOTES.md
 * saying how to reach it. The published variants keep the Traefik front door, so dist/ does not change.
 */
import * as yaml from 'js-yaml';
import { App, Testing } from 'cdk8s';
import { K3sDev } from '../charts';
import { KasmConfigError, RdpExposureKind, Variant } from '../lib';
import { GATEWAY_MATRIX } from './support/gateway-matrix';
import { renderNotes } from '../lib/core/notes';
import { validateManifests } from '../lib/doctor/schema-validator';
import { Manifest } from './support/manifests';

function build(variant: Variant): { app: App; manifests: Manifest[] } {
  const app = Testing.app();
  variant.build(app);
  return { app, manifests: app.charts.flatMap((c) => Testing.synth(c)) as Manifest[] };
}

describe.each(GATEWAY_MATRIX.map((v) => [v.name, v] as const))('%s', (name, variant) => {
  const { app, manifests } = build(variant);
  const kinds = manifests.map((m) => m.kind);

  test('every object passes strict schema validation (Kubernetes 1.27 and 1.33, and the CRDs)', () => {
    expect(validateManifests(manifests)).toEqual([]);
  });

  test('the Gateway API objects replace the Traefik front door', () => {
    expect(kinds).toEqual(expect.arrayContaining(['HTTPRoute', 'BackendTLSPolicy']));
    for (const traefik of ['Ingress', 'IngressRoute', 'ServersTransport', 'IngressRouteTCP']) expect(kinds).not.toContain(traefik);
    expect(kinds.includes('TCPRoute')).toBe(name.includes('RDP'));
    expect(kinds.includes('Gateway')).toBe(name.includes('creating'));
  });

  test('the HelmChartConfig is readable YAML, keeps the stream timeouts, and turns on Traefik\'s Gateway provider only for Traefik', () => {
    const values = yaml.load(manifests.find((m) => m.kind === 'HelmChartConfig')!.spec.valuesContent) as any;
    expect(values.ports.websecure.transport.respondingTimeouts.readTimeout).toBe('1800s');
    const traefik = !name.includes('Envoy');
    expect(values.providers?.kubernetesGateway?.enabled).toBe(traefik ? true : undefined);
    expect(values.providers?.kubernetesGateway?.experimentalChannel).toBe(traefik && name.includes('RDP') ? true : undefined);
    // The Gateway's RDP listener is Traefik's rdp entrypoint; on Envoy Gateway Traefik gets no rdp entrypoint.
    expect(values.ports.rdp === undefined).toBe(!(traefik && name.includes('RDP')));
  });

  test('NOTES.md says how to reach the deployment through the Gateway', () => {
    const notes = renderNotes(app.charts[0], 'x')!;
    expect(notes).toContain('## Reach Kasm through the Gateway');
    expect(notes).toMatch(/kubectl -n \S+ get gateway \S+ -o jsonpath='\{\.status\.addresses\[\*\]\.value\}'/);
    expect(notes).toContain('get backendtlspolicy kasm-proxy');
  });
});

test('frontDoor is checked by key, value and what is accepted', () => {
  const err = (props: object) => { try { new K3sDev(Testing.app(), 'x', props); } catch (e) { return e as KasmConfigError; } throw new Error('accepted'); };
  expect(err({ frontDoor: { kind: 'gateways' } }).fields).toEqual(expect.objectContaining({ owner: 'K3sDev', prop: 'frontDoor.kind', value: 'gateways' }));
  expect(err({ frontDoor: { kind: 'gateway' } }).fields).toEqual(expect.objectContaining({ prop: 'frontDoor.gateway' }));
  expect(err({ frontDoor: { kind: 'ingress', gateway: {} } }).fields).toEqual(expect.objectContaining({ prop: 'frontDoor.gateway' }));
});

test('RDP through a LoadBalancer stays a LoadBalancer behind a Gateway front door', () => {
  const { manifests } = build({ name: 'lb', build: (app) => new K3sDev(app, 'lb', {
    rdp: { kind: RdpExposureKind.LOAD_BALANCER }, frontDoor: { kind: 'gateway', gateway: { parentRefs: [{ name: 'gw' }] } },
  }) });
  expect(manifests.filter((m) => m.kind === 'TCPRoute')).toEqual([]);
  expect(manifests.find((m) => m.kind === 'Service' && m.metadata.name === 'kasm-rdp')!.spec.type).toBe('LoadBalancer');
});
