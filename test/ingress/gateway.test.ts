/** KasmGateway: props -> Gateway API objects, the implementation table's refusals, and the rules the policies get. */
import { Duration, Testing } from 'cdk8s';
import {
  ComponentId, GATEWAY_IMPLEMENTATIONS, GatewayImplementationId, KasmConfigError, KasmControlPlane, KasmDatabase, KasmGateway, KasmGatewayProps,
  KasmVersion, NetworkPeer, RouteSupport,
} from '../../lib';
import { validateManifests } from '../../lib/doctor/schema-validator';
import { all, find, synth } from '../support/manifests';

function build(props: Partial<KasmGatewayProps> = {}, version = KasmVersion.V1_18_1) {
  const chart = Testing.chart();
  const database = new KasmDatabase(chart, 'db', { version });
  const controlPlane = new KasmControlPlane(chart, 'cp', { database });
  const gateway = new KasmGateway(chart, 'gateway', { controlPlane, hostname: 'kasm.example.com', parentRefs: [{ name: 'shared', namespace: 'gateways' }], ...props } as KasmGatewayProps);
  return { manifests: synth(chart), gateway };
}

const error = (fn: () => unknown): KasmConfigError => {
  try { fn(); } catch (e) { if (e instanceof KasmConfigError) return e; throw e; }
  throw new Error('no KasmConfigError');
};

describe('KasmGateway attached to an existing Gateway', () => {
  const { manifests, gateway } = build({ alternativeHostnames: ['desktops.example.com'] });

  test('every object is valid against the Gateway API v1.6.1 CRDs (strict) and no Gateway is created', () => {
    expect(validateManifests(manifests)).toEqual([]);
    expect(all(manifests, 'Gateway')).toEqual([]);
    expect(all(manifests, 'ReferenceGrant')).toEqual([]);
  });

  test('the HTTPRoute sends every host and path to the proxy\'s HTTPS port through the given parent', () => {
    const route = find(manifests, 'HTTPRoute', 'kasm');
    expect(route.spec.hostnames).toEqual(['kasm.example.com', 'desktops.example.com']);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateways' }]);
    for (const rule of route.spec.rules) expect(rule.backendRefs).toEqual([{ group: '', kind: 'Service', name: 'kasm-proxy-default', port: 8443 }]);
    const web = route.spec.rules.find((r: any) => r.name === 'web');
    expect(web.matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
  });

  test('stream paths keep their timeouts: the session timeout, and the route table\'s own for /rpc', () => {
    const rules = find(manifests, 'HTTPRoute', 'kasm').spec.rules;
    const timeoutOf = (path: string) => rules.find((r: any) => r.matches.some((m: any) => m.path.value === path)).timeouts;
    expect(timeoutOf('/')).toEqual({ request: '1800s', backendRequest: '1800s' });
    expect(timeoutOf('/remoteDesktopGateway')).toEqual({ request: '1800s', backendRequest: '1800s' });
    expect(timeoutOf('/guac_connect/vnc/')).toEqual({ request: '1800s', backendRequest: '1800s' });
    expect(timeoutOf('/rpc')).toEqual({ request: '3600s', backendRequest: '3600s' });
    const longer = find(build({ sessionTimeout: Duration.hours(2) }).manifests, 'HTTPRoute', 'kasm').spec.rules;
    expect(longer.find((r: any) => r.name === 'web').timeouts.request).toBe('7200s');
  });

  test('the BackendTLSPolicy verifies the proxy against the internal CA with the Service\'s DNS name', () => {
    const policy = find(manifests, 'BackendTLSPolicy', 'kasm-proxy');
    expect(policy.spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'kasm-proxy-default' }],
      // Traefik reads the core kind only, so the CA is a ConfigMap of the same name (NOTES.md says how to fill it).
      validation: { hostname: 'kasm-proxy-default.kasm.svc', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'kasm-internal-ca' }] },
    });
    expect(gateway.serverName).toBe('kasm-proxy-default.kasm.svc');
  });

  test('an implementation that reads Secrets verifies against the generated CA Secret itself', () => {
    const { manifests: m } = build({ implementation: GatewayImplementationId.ENVOY_GATEWAY });
    expect(find(m, 'BackendTLSPolicy', 'kasm-proxy').spec.validation.caCertificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'kasm-internal-ca' }]);
  });

  test('the front door the policies admit is the implementation\'s gateway pods, on the proxy\'s HTTPS port', () => {
    expect(gateway.controller.end).toEqual(expect.objectContaining({ kind: 'pods', namespace: 'kube-system', selector: { 'app.kubernetes.io/name': 'traefik' } }));
    expect(gateway.backendPort).toBe(8443);
    const envoy = build({ implementation: GatewayImplementationId.ENVOY_GATEWAY }).gateway.controller.end;
    expect(envoy).toEqual(expect.objectContaining({
      namespace: 'envoy-gateway-system',
      selector: { 'gateway.envoyproxy.io/owning-gateway-name': 'shared', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateways' },
    }));
    const istio = build({ implementation: GatewayImplementationId.ISTIO }).gateway.controller.end;
    expect(istio).toEqual(expect.objectContaining({ namespace: 'gateways', selector: { 'gateway.networking.k8s.io/gateway-name': 'shared' } }));
    const given = NetworkPeer.pods('edge', { app: 'my-gateway' });
    expect(build({ gatewayPods: given }).gateway.controller).toBe(given);
  });

  test('no RDP unless asked: no TCPRoute and no inbound flow', () => {
    expect(all(manifests, 'TCPRoute')).toEqual([]);
    expect(gateway.inbound).toEqual([]);
  });

  test('RDP: a TCPRoute to the RDP gateway\'s 3389 on the rdp listener, and the flow the policies admit', () => {
    const { manifests: m, gateway: g } = build({ rdp: {} });
    const tcp = find(m, 'TCPRoute', 'kasm-rdp');
    expect(tcp.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared', namespace: 'gateways', sectionName: 'rdp' }]);
    expect(tcp.spec.rules).toEqual([{ backendRefs: [{ name: 'kasm-rdp-gateway', port: 3389 }] }]);
    expect(g.inbound).toEqual([expect.objectContaining({ component: ComponentId.RDP_GATEWAY, port: 3389, from: g.controller })]);
    expect(validateManifests(m)).toEqual([]);
  });
});

describe('KasmGateway creating its Gateway', () => {
  test('in the control plane\'s namespace: HTTPS listener with the front door\'s certificate, routes from the same namespace', () => {
    const { manifests } = build({ parentRefs: undefined, create: {}, rdp: {} });
    expect(validateManifests(manifests)).toEqual([]);
    const gw = find(manifests, 'Gateway', 'kasm');
    expect(gw.spec.gatewayClassName).toBe('traefik');
    // Traefik's listeners use its entrypoints' ports: websecure 8443, rdp 3389.
    expect(gw.spec.listeners.map((l: any) => [l.name, l.protocol, l.port])).toEqual([['https', 'HTTPS', 8443], ['rdp', 'TCP', 3389]]);
    expect(gw.spec.listeners[0].tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'kasm-ingress-tls' }] });
    expect(gw.spec.listeners[0].allowedRoutes.namespaces).toEqual({ from: 'Same' });
    expect(find(manifests, 'HTTPRoute', 'kasm').spec.parentRefs[0]).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'kasm', namespace: 'kasm', sectionName: 'https' });
    expect(all(manifests, 'ReferenceGrant')).toEqual([]);
  });

  test('in another namespace: a ReferenceGrant for exactly the certificate Secret, and routes admitted from Kasm\'s namespace only', () => {
    const { manifests } = build({ parentRefs: undefined, implementation: GatewayImplementationId.ISTIO, create: { namespace: 'edge', name: 'public' } });
    expect(validateManifests(manifests)).toEqual([]);
    const gw = find(manifests, 'Gateway', 'public');
    expect(gw.metadata.namespace).toBe('edge');
    expect(gw.spec.gatewayClassName).toBe('istio');
    expect(gw.spec.listeners[0].port).toBe(443);
    expect(gw.spec.listeners[0].tls.certificateRefs).toEqual([{ group: '', kind: 'Secret', name: 'kasm-ingress-tls', namespace: 'kasm' }]);
    expect(gw.spec.listeners[0].allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchLabels: { 'kubernetes.io/metadata.name': 'kasm' } } });
    const grant = find(manifests, 'ReferenceGrant', 'kasm-gateway-certificate');
    expect(grant.metadata.namespace).toBe('kasm');
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'edge' }], to: [{ group: '', kind: 'Secret', name: 'kasm-ingress-tls' }] });
  });
});

describe('refused at synth, naming the prop, the value and what is accepted', () => {
  test('an implementation that cannot verify the proxy\'s certificate', () => {
    const e = error(() => build({ implementation: GatewayImplementationId.CILIUM }));
    expect(e.fields).toEqual(expect.objectContaining({ owner: 'KasmGateway', prop: 'implementation', value: 'cilium' }));
    expect(e.message).toMatch(/does not implement BackendTLSPolicy.*use traefik, envoyGateway, nginxGatewayFabric, istio/);
  });

  test('native RDP on an implementation without TCPRoute', () => {
    const e = error(() => build({ implementation: GatewayImplementationId.CILIUM, rdp: {} }));
    expect(e.fields).toEqual(expect.objectContaining({ prop: 'rdp' }));
    expect(e.message).toMatch(/needs a TCPRoute.*Cilium serves none/);
  });

  test('a CA object the implementation does not read', () => {
    const e = error(() => build({ backendCa: { kind: 'Secret', name: 'my-ca' } }));
    expect(e.fields).toEqual(expect.objectContaining({ prop: 'backendCa.kind', value: 'Secret' }));
    expect(e.message).toMatch(/accepted: ConfigMap/);
  });

  test('neither or both of parentRefs and create; an unknown implementation', () => {
    expect(error(() => build({ parentRefs: undefined })).fields).toEqual(expect.objectContaining({ prop: 'parentRefs' }));
    expect(error(() => build({ create: {} })).fields).toEqual(expect.objectContaining({ prop: 'create' }));
    expect(error(() => build({ parentRefs: [] })).message).toMatch(/non-empty list/);
    expect(error(() => build({ parentRefs: [{ name: 'Bad_Name' }] })).fields).toEqual(expect.objectContaining({ prop: 'parentRefs[0].name' }));
    expect(error(() => build({ implementation: 'haproxy' as GatewayImplementationId })).fields).toEqual(expect.objectContaining({ prop: 'implementation', value: 'haproxy' }));
  });
});

test('the implementation table cites a public source for every row and is consistent with its refusals', () => {
  for (const impl of Object.values(GATEWAY_IMPLEMENTATIONS)) {
    expect(impl.sources.length).toBeGreaterThan(0);
    for (const s of impl.sources) expect(s).toMatch(/^https:\/\/[a-z0-9.-]+\//);
    expect(impl.httpRoute).toBe(RouteSupport.SUPPORTED);
  }
  expect(Object.keys(GATEWAY_IMPLEMENTATIONS).sort()).toEqual(Object.values(GatewayImplementationId).sort());
});
