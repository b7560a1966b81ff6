/**
 * A made-up release in the shape of Kasm's development line (chart 1.1200.0-develop in https://github.com/kasmtech/kasm-helm,
 * `charts/kasm-helm/templates/connection-proxy-statefulset.yaml`):
 * guac and both RDP gateways merged into one `kasm-connection-proxy-default` StatefulSet behind a headless Service,
 * each pod registering its own address. It is 1.19.0 with that one change, written only as data: the tests that
 * synthesize it show the model takes the merge as a new contract entry, with no construct change and no public API
 * break. Ports and names follow the develop templates; the tag is invented (no such release exists).
 */
import { HEALTH_PATHS, httpCheck, PORTS, tcpCheck } from '../../lib/contract/ports';
import { KASM_1_19_0 } from '../../lib/contract/releases/v1_19_0';
import {
  ComponentContract, ComponentId, DependencyEdge, DerivedValue, EnvContract, ExternalPeer, KasmContract, PodField, ProxyUpstream,
  ScalingMode, SecretKey, SizePreset, SizingContract, TlsRole, WorkloadKind,
} from '../../lib/contract/types';
import { resources, sized } from '../../lib/contract/sizing';

const TAG = '1.20.0-dev.1';
const SERVICE = 'kasm-connection-proxy-default';
const MERGED = [ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY];
const image = (name: string) => ({ repository: `kasmweb/${name}`, tag: TAG });
const lit = (name: string, value: string): EnvContract => ({ name, source: { kind: 'literal', value } });

/** The pod's own address, `<pod>.<headless service>.<namespace>.svc.<cluster domain>` ([C] SERVER_ADDRESS). */
const POD_ADDRESS_ENV: EnvContract[] = [
  { name: 'HOSTNAME', source: { kind: 'field', fieldPath: PodField.POD_NAME } },
  { name: 'POD_NAMESPACE', source: { kind: 'field', fieldPath: PodField.POD_NAMESPACE } },
  { name: 'SERVER_ADDRESS', source: { kind: 'template', template: `$(HOSTNAME).${SERVICE}.$(POD_NAMESPACE).svc.\${${DerivedValue.CLUSTER_DOMAIN}}` } },
];
const REGISTRATION: EnvContract[] = [
  { name: 'REGISTRATION_TOKEN', source: { kind: 'secret', key: SecretKey.SERVICE_TOKEN } },
  lit('API_SCHEMA', 'http'),
  lit('API_HOSTNAME', 'kasm-proxy-default'),
  lit('API_PORT', String(PORTS.proxyHttp)),
];
const small = resources('100m', '128Mi', '1000m', '512Mi');

export const CONNECTION_PROXY: ComponentContract = {
  id: ComponentId.CONNECTION_PROXY,
  serviceName: SERVICE,
  workloadName: 'kasm-connection-proxy',
  workloadKind: WorkloadKind.STATEFUL_SET,
  image: image('proxy'),
  ports: [{ name: 'cp-nginx-pt', port: PORTS.proxyHttps, exposed: true }],
  env: [],
  readiness: httpCheck(PORTS.proxyHttps, HEALTH_PATHS.rdpHttpsGateway, 'HTTPS'),
  liveness: tcpCheck(PORTS.proxyHttps),
  runAsUser: 1000,
  writablePaths: [{ path: '/var/cache/nginx', sizeLimit: '256Mi' }, { path: '/run', sizeLimit: '16Mi' }],
  tlsMounts: [{ role: TlsRole.RDP, certPath: '/etc/ssl/certs/kasm_nginx.crt', keyPath: '/etc/ssl/private/kasm_nginx.key', mode: 0o440 }],
  scaling: ScalingMode.PER_POD,
  sidecars: [
    {
      name: 'guac',
      image: image('kasm-guac'),
      ports: [{ name: 'cp-guac-pt', port: PORTS.guac, exposed: true }, ...PORTS.guacd.map((port, i) => ({ name: `cp-guacd-${i + 1}`, port, exposed: true }))],
      env: [lit('CLUSTER_SIZE', String(PORTS.guacd.length)), ...REGISTRATION, { name: 'ZONE', source: { kind: 'derived', from: DerivedValue.ZONE_NAME } }, ...POD_ADDRESS_ENV, lit('SERVER_PORT', String(PORTS.proxyHttps))],
      readiness: httpCheck(PORTS.guac, HEALTH_PATHS.component),
      liveness: tcpCheck(PORTS.guac),
      writablePaths: [{ path: '/tmp', sizeLimit: '1Gi' }, { path: '/opt/kasm/current/log', sizeLimit: '256Mi' }],
      tlsMounts: [],
      resources: small,
    },
    {
      name: 'rdp-gateway',
      image: image('rdp-gateway'),
      ports: [{ name: 'cp-rdp-gw-pt', port: PORTS.rdpGateway, exposed: true }, { name: 'cp-rdp-drct-pt', port: PORTS.rdpNative, exposed: true }],
      env: [...REGISTRATION, ...POD_ADDRESS_ENV, lit('PROXY_PORT', String(PORTS.rdpNative)), lit('SERVER_PORT', String(PORTS.proxyHttps))],
      readiness: httpCheck(PORTS.rdpGateway, HEALTH_PATHS.component),
      liveness: tcpCheck(PORTS.rdpGateway),
      writablePaths: [{ path: '/usr/local/etc/rdpproxy/var', sizeLimit: '1Gi' }, { path: '/tmp', sizeLimit: '256Mi' }],
      tlsMounts: [{ role: TlsRole.RDP, certPath: '/usr/local/etc/rdpproxy/rdpproxy.crt', keyPath: '/usr/local/etc/rdpproxy/rdpproxy.key', mode: 0o440 }],
      resources: small,
    },
    {
      name: 'rdp-https-gateway',
      image: image('rdp-https-gateway'),
      ports: [{ name: 'cp-rdp-tls-pt', port: PORTS.rdpHttpsGateway, exposed: true }],
      env: [...REGISTRATION, lit('SERVER_PORT', String(PORTS.proxyHttps))],
      readiness: httpCheck(PORTS.rdpHttpsGateway, HEALTH_PATHS.rdpHttpsGateway, 'HTTPS'),
      liveness: tcpCheck(PORTS.rdpHttpsGateway),
      writablePaths: [{ path: '/tmp', sizeLimit: '150Mi' }],
      tlsMounts: [{ role: TlsRole.RDP, certPath: '/opt/rdpgw/server.pem', keyPath: '/opt/rdpgw/key.pem', mode: 0o440 }],
      resources: small,
    },
  ],
};

/** 1.19's gateway sidecars' ports, which the merged pod serves on its one nginx port. */
const SIDECAR_PORTS: readonly number[] = [9000, 9001, 9002];

/** Each merged component's edges, now the connection proxy's, once each; and the proxy reaching its nginx. */
function mergedEdges(edges: readonly DependencyEdge[]): DependencyEdge[] {
  const to = (end: ComponentId | ExternalPeer) => (MERGED.includes(end as ComponentId) ? ComponentId.CONNECTION_PROXY : end);
  const seen = new Set<string>();
  const out: DependencyEdge[] = [];
  for (const e of [...edges, { from: ComponentId.PROXY, to: ComponentId.CONNECTION_PROXY, port: PORTS.proxyHttps, purpose: 'routes sessions to the connection proxy nginx' }]) {
    const edge = { ...e, from: to(e.from), to: to(e.to), port: SIDECAR_PORTS.includes(e.port) ? PORTS.proxyHttps : e.port };
    // A gateway calling another gateway (rdp-gateway's vm_disconnect forward) stays inside the merged pod.
    if (edge.from === edge.to) continue;
    const key = `${edge.from}>${edge.to}:${edge.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(edge);
  }
  return out;
}

function mergedSizing(preset: Readonly<Partial<Record<ComponentId, SizingContract>>>): Partial<Record<ComponentId, SizingContract>> {
  const out = Object.fromEntries(Object.entries(preset).filter(([id]) => !MERGED.includes(id as ComponentId)));
  return { ...out, [ComponentId.CONNECTION_PROXY]: sized(preset[ComponentId.GUAC]!.replicas, resources('100m', '64Mi', '500m', '256Mi')) };
}

const base = KASM_1_19_0;
const components = Object.fromEntries(Object.entries(base.components).filter(([id]) => !MERGED.includes(id as ComponentId)));

/** The made-up development release. */
export const CONNECTION_PROXY_RELEASE: KasmContract = {
  ...base,
  version: TAG,
  components: { ...components, [ComponentId.CONNECTION_PROXY]: CONNECTION_PROXY },
  proxy: {
    ...base.proxy,
    upstreams: base.proxy.upstreams.map((u): ProxyUpstream => (MERGED.includes(u.component) ? { ...u, component: ComponentId.CONNECTION_PROXY } : u)),
    routes: base.proxy.routes.map((r) => ('component' in r && MERGED.includes(r.component) ? { ...r, component: ComponentId.CONNECTION_PROXY } : r)),
    routeOwners: Object.fromEntries(Object.entries(base.proxy.routeOwners).map(([loc, owner]) => [loc, MERGED.includes(owner) ? ComponentId.CONNECTION_PROXY : owner])),
  },
  edges: mergedEdges(base.edges),
  tlsRoles: { ...base.tlsRoles, [TlsRole.RDP]: [ComponentId.CONNECTION_PROXY] },
  sizing: {
    [SizePreset.DEV]: mergedSizing(base.sizing[SizePreset.DEV]),
    [SizePreset.SMALL]: mergedSizing(base.sizing[SizePreset.SMALL]),
    [SizePreset.MEDIUM]: mergedSizing(base.sizing[SizePreset.MEDIUM]),
    [SizePreset.LARGE]: mergedSizing(base.sizing[SizePreset.LARGE]),
  },
  optionalComponents: [],
  upgrade: undefined,
};
