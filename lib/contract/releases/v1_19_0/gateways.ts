/**
 * Kasm 1.19.0's gateways as the official `charts/kasm-helm` 1.1190.x runs them (https://github.com/kasmtech/kasm-helm):
 * guac and rdp-https-gateway as StatefulSets whose pods register their own DNS names, rdp-gateway as one pod, and
 * each with an nginx TLS sidecar (`kasmweb/proxy`) in front of the app on loopback: guac on 9000, rdp-gateway on
 * 9001, rdp-https-gateway on 9002. The sidecars' routes are the chart's sidecar ConfigMaps'; every TLS hop they make
 * to another component is verified against the internal CA.
 */
import { HEALTH_PATHS, httpCheck, PORTS, tcpCheck } from '../../ports';
import { UPSTREAMS } from '../../routes';
import { rdpGatewayConfigFile } from '../../rdp-gateway-config';
import { resources } from '../../sizing';
import {
  ComponentContract, ComponentId, DependencyEdge, DerivedValue, EnvContract, ExternalPeer, PodField, ScalingMode, SecretKey,
  SidecarContract, TlsMountContract, TlsRole, WorkloadKind,
} from '../../types';
import {
  API_THROUGH_PROXY, derived, image, KASM_UID, lit, secret, SERVICES,
} from './common';

/** The sidecars' listeners [read: guac-nginx-configmap.yaml@4c04e02, rdp-gateway-deployment.yaml@23b0604, rdp-https-gateway-nginx-configmap.yaml@4c04e02]. */
export const SIDECAR_PORTS = { guac: 9000, rdpGateway: 9001, rdpHttpsGateway: 9002 } as const;

/**
 * The sidecars' certificate: the RDP role's Secret, which the chart mounts into every gateway (one Secret for all), with
 * its `ca.crt` for the hops a sidecar verifies. The RDP role's certificate carries every gateway's Service names and,
 * for a StatefulSet, `*.<headless Service>.<namespace>.svc...` (lib/security/certificates.ts).
 */
const SIDECAR_TLS: TlsMountContract = {
  role: TlsRole.RDP, certPath: '/etc/nginx/ssl/tls.crt', keyPath: '/etc/nginx/ssl/tls.key', caPath: '/etc/nginx/ssl/ca.crt', mode: 0o440,
};

/**
 * [decision] The chart sizes its sidecars with an `nginx-sidecar` preset whose figures the available templates do not
 * show; ours are the dev proxy's, which an nginx serving one gateway needs at most.
 */
const SIDECAR_RESOURCES = resources('25m', '32Mi', '500m', '256Mi');

/** The kasmweb/proxy image's writable paths: the main proxy's, and the chart's sidecars' `/var/log/nginx`. */
const NGINX_WRITABLE = [
  { path: '/var/cache/nginx', sizeLimit: '256Mi' },
  { path: '/var/log/external/nginx', sizeLimit: '64Mi' },
  { path: '/var/log/nginx', sizeLimit: '64Mi' },
  { path: '/run', sizeLimit: '16Mi' },
];

function nginxSidecar(name: string, port: { name: string; port: number }, readiness: SidecarContract['readiness'], nginx: SidecarContract['nginx']): SidecarContract {
  return {
    name,
    image: image('proxy'),
    ports: [{ ...port, exposed: true }],
    env: [],
    readiness,
    liveness: tcpCheck(port.port),
    writablePaths: NGINX_WRITABLE,
    tlsMounts: [SIDECAR_TLS],
    resources: SIDECAR_RESOURCES,
    nginx,
  };
}

/** `<pod>.<headless Service>.<namespace>.svc.<cluster domain>`, the address a StatefulSet pod registers [read]. */
function podAddress(name: string, service: string): EnvContract[] {
  return [
    { name: 'POD_NAMESPACE', source: { kind: 'field', fieldPath: PodField.POD_NAMESPACE } },
    { name: 'HOSTNAME', source: { kind: 'field', fieldPath: PodField.POD_NAME } },
    { name, source: { kind: 'template', template: `$(HOSTNAME).${service}.$(POD_NAMESPACE).svc.\${${DerivedValue.CLUSTER_DOMAIN}}` } },
  ];
}

/*
 * guac [read: guac-statefulset.yaml@e4e1fe7, guac-nginx-configmap.yaml@4c04e02]. The app keeps its ports 3000-3004 on
 * the pod (the kubelet's probes use them) but nothing else calls them: the Service publishes only the sidecar.
 * [decision] The manager's `/guac/...` calls get exactly the three locations the chart's comment names, each with the
 * prefix stripped, rather than the chart's catch-all `location /guac/`: nothing else under /guac/ is served.
 */
const guacSidecar = nginxSidecar('guac-nginx', { name: 'guac-nginx-pt', port: SIDECAR_PORTS.guac },
  // [decision] HTTPS: the chart's `health.http` against a TLS listener would never pass.
  httpCheck(SIDECAR_PORTS.guac, '/guac/__healthcheck', 'HTTPS'), {
    upstreams: [{ name: UPSTREAMS.guacd, component: ComponentId.GUAC, ports: PORTS.guacd }],
    routes: [
      { kind: 'direct', location: '/guac_connect/vnc/', component: ComponentId.GUAC, port: PORTS.guac, path: '/', longLived: true },
      { kind: 'guacLoopback', location: '/guac_connect/vnc/vnc.htmlguaclite', target: 'backend' },
      { kind: 'authSubrequest', location: '/vm_connect', component: ComponentId.GUAC, port: PORTS.guac, path: '/vm_connect', passCookies: false },
      ...['uploads', 'downloads', 'api'].map((what) => ({
        kind: 'agentSession' as const, location: `/guac_connect/${what}/`, authLocation: '/vm_connect', stripPrefix: `/guac_connect/${what}/`, dynamicScheme: false, bearer: true,
      })),
      { kind: 'direct', location: '/guac_login', component: ComponentId.GUAC, port: PORTS.guac, path: '/guac_login' },
      ...['__healthcheck', 'vm_disconnect', 'api/v1/support_bundle_request'].map((p) => ({
        kind: 'direct' as const, location: `/guac/${p}`, component: ComponentId.GUAC, port: PORTS.guac, path: `/${p}`,
      })),
    ],
  });

export const guac: ComponentContract = {
  id: ComponentId.GUAC,
  serviceName: SERVICES.guac,
  workloadName: 'kasm-guac',
  workloadKind: WorkloadKind.STATEFUL_SET,
  image: image('kasm-guac'),
  ports: [
    { name: 'guac-pt', port: PORTS.guac, exposed: false },
    ...PORTS.guacd.map((port, i) => ({ name: `guacd-${i + 1}`, port, exposed: false })),
  ],
  env: [
    lit('CLUSTER_SIZE', String(PORTS.guacd.length)),
    secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
    derived('ZONE', DerivedValue.ZONE_NAME),
    ...podAddress('SERVER_ADDRESS', SERVICES.guac),
    lit('SERVER_PORT', String(SIDECAR_PORTS.guac)),
    ...API_THROUGH_PROXY,
    lit('KASM_EPHEMERAL', 'true'),
  ],
  readiness: httpCheck(PORTS.guac, HEALTH_PATHS.component),
  liveness: tcpCheck(PORTS.guac),
  runAsUser: KASM_UID,
  // [decision] The chart keeps guac's /tmp on a 10Gi recordings PVC; session recordings are off by default, so an
  // emptyDir serves, as in 1.18.1.
  writablePaths: [
    { path: '/tmp', sizeLimit: '1Gi' },
    { path: '/opt/kasm/current/tmp/guac', sizeLimit: '256Mi' },
    { path: '/opt/kasm/current/log', sizeLimit: '256Mi' },
  ],
  tlsMounts: [],
  scaling: ScalingMode.PER_POD,
  sidecars: [guacSidecar],
};

const gatewayEnv = (port: number): EnvContract[] => [
  derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME),
  secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
  ...API_THROUGH_PROXY,
  lit('API_REFRESH_INTERVAL', '30'),
  lit('SERVER_ID', 'auto'),
  lit('SERVER_PORT', String(port)),
  lit('PROXY_PORT', String(PORTS.rdpNative)),
  // [read] rdp-gateway-deployment.yaml@23b0604, rdp-https-gateway-statefulset.yaml@0af9a50: the gateways' loops.
  lit('SERVER_THREADS', '10'),
  lit('SESSION_WATCH_INTERVAL', '60'),
  lit('KEEPALIVE_LOOP_INTERVAL', '30'),
  lit('FORWARD_LOGS', 'true'),
  lit('KASM_EPHEMERAL', 'true'),
];

/*
 * rdp-gateway [read: rdp-gateway-deployment.yaml@23b0604]. The chart is ambiguous on the sidecar's listener:
 * rdp-gateway-nginx-configmap.yaml@3957bde and @61a998a have `listen 9001` without ssl, while the deployment @23b0604
 * mounts the certificate into the sidecar and probes it over HTTPS; the api reaches it with SERVER_INTERNAL_SCHEMA
 * https. [decision] TLS, which is what the api's https expects. `/guac/vm_disconnect` is forwarded to guac's sidecar
 * as `@3957bde` does (the KASM-8502 workaround; `@61a998a` answers 200 itself), over verified TLS where the chart
 * speaks plain http to guac's TLS port.
 */
const rdpGatewaySidecar = nginxSidecar('rdp-gateway-nginx', { name: 'rdp-gw-nginx-pt', port: SIDECAR_PORTS.rdpGateway },
  httpCheck(SIDECAR_PORTS.rdpGateway, HEALTH_PATHS.component, 'HTTPS'), {
    upstreams: [],
    routes: [
      { kind: 'direct', location: '= /__healthcheck', component: ComponentId.RDP_GATEWAY, port: PORTS.rdpGateway, path: HEALTH_PATHS.component },
      { kind: 'direct', location: '/rdp-gateway/', component: ComponentId.RDP_GATEWAY, port: PORTS.rdpGateway, path: '/' },
      { kind: 'direct', location: '/guac/vm_disconnect', component: ComponentId.GUAC, port: SIDECAR_PORTS.guac, path: '/guac/vm_disconnect', scheme: 'https' },
    ],
  });

export const rdpGateway: ComponentContract = {
  id: ComponentId.RDP_GATEWAY,
  serviceName: SERVICES.rdpGateway,
  workloadName: 'kasm-rdp-gateway',
  image: image('rdp-gateway'),
  ports: [
    { name: 'rdp-gw-pt', port: PORTS.rdpGateway, exposed: false },
    { name: 'rdp-native', port: PORTS.rdpNative, exposed: true },
  ],
  // [read] SERVER_HOSTNAME: the address native RDP clients are given (`kasm.rdpAccessURL`), else the Service name.
  env: [...gatewayEnv(SIDECAR_PORTS.rdpGateway), derived('SERVER_HOSTNAME', DerivedValue.RDP_ACCESS_HOSTNAME)],
  readiness: httpCheck(PORTS.rdpGateway, HEALTH_PATHS.component),
  liveness: tcpCheck(PORTS.rdpGateway),
  runAsUser: KASM_UID,
  writablePaths: [
    { path: '/usr/local/etc/rdpproxy/var', sizeLimit: '1Gi' },
    { path: '/opt/kasm/current/log', sizeLimit: '256Mi' },
    { path: '/tmp', sizeLimit: '256Mi' },
  ],
  tlsMounts: [{ role: TlsRole.RDP, certPath: '/usr/local/etc/rdpproxy/rdpproxy.crt', keyPath: '/usr/local/etc/rdpproxy/rdpproxy.key', mode: 0o440 }],
  // [read] rdp-gateway-deployment.yaml@23b0604 mounts passthrough.app.config.yaml from a ConfigMap, as 1.18.1 does.
  configFiles: [rdpGatewayConfigFile()],
  // [read] rdp-gateway-deployment.yaml@23b0604 fails the render above 1 replica; native RDP clients are sent to the
  // one address the gateway registers, so a second pod behind the Service would get half of them with no session.
  scaling: ScalingMode.FIXED,
  singleReplicaReason: 'Kasm\'s rdp-gateway runs as 1 replica (the official chart refuses "Multi-replica rdp-gateway is not supported": native RDP clients are sent to the one address it registers)',
  sidecars: [rdpGatewaySidecar],
};

/*
 * rdp-https-gateway [read: rdp-https-gateway-statefulset.yaml@0af9a50, rdp-https-gateway-nginx-configmap.yaml@4c04e02,
 * @5b79370]: the sidecar re-serves the app's RDP-over-HTTPS routes and answers `/guac/vm_disconnect` itself (both
 * versions `return 200`). The hop to the app on loopback is verified with the Service's name, which the RDP
 * certificate the app serves carries (the chart turns verification off).
 */
const rdpHttpsSidecar = nginxSidecar('rdp-https-gateway-nginx', { name: 'rdp-tls-ngnx-pt', port: SIDECAR_PORTS.rdpHttpsGateway },
  // [read] The chart's sidecar readiness is TCP: the app's own readiness asks its health path.
  tcpCheck(SIDECAR_PORTS.rdpHttpsGateway), {
    upstreams: [],
    routes: [
      { kind: 'direct', location: '/rdp-https-gateway/', component: ComponentId.RDP_HTTPS_GATEWAY, port: PORTS.rdpHttpsGateway, path: '', scheme: 'https', longLived: true },
      { kind: 'direct', location: '/remoteDesktopGateway', component: ComponentId.RDP_HTTPS_GATEWAY, port: PORTS.rdpHttpsGateway, path: '', scheme: 'https', longLived: true },
      { kind: 'direct', location: '/rpc', component: ComponentId.RDP_HTTPS_GATEWAY, port: PORTS.rdpHttpsGateway, path: '', scheme: 'https', timeoutSeconds: 3600 },
      { kind: 'ok', location: '/guac/vm_disconnect' },
      { kind: 'direct', location: '= /__healthcheck', component: ComponentId.RDP_HTTPS_GATEWAY, port: PORTS.rdpHttpsGateway, path: HEALTH_PATHS.component, scheme: 'https' },
    ],
  });

export const rdpHttpsGateway: ComponentContract = {
  id: ComponentId.RDP_HTTPS_GATEWAY,
  serviceName: SERVICES.rdpHttpsGateway,
  workloadName: 'kasm-rdp-https-gateway',
  workloadKind: WorkloadKind.STATEFUL_SET,
  image: image('rdp-https-gateway'),
  ports: [{ name: 'rdp-https-gw-pt', port: PORTS.rdpHttpsGateway, exposed: false }],
  env: [...gatewayEnv(SIDECAR_PORTS.rdpHttpsGateway), ...podAddress('SERVER_HOSTNAME', SERVICES.rdpHttpsGateway)],
  readiness: httpCheck(PORTS.rdpHttpsGateway, HEALTH_PATHS.rdpHttpsGateway, 'HTTPS'),
  liveness: tcpCheck(PORTS.rdpHttpsGateway),
  runAsUser: KASM_UID,
  writablePaths: [
    { path: '/opt/kasm/current/log', sizeLimit: '150Mi' },
    { path: '/tmp', sizeLimit: '150Mi' },
  ],
  tlsMounts: [{ role: TlsRole.RDP, certPath: '/opt/rdpgw/server.pem', keyPath: '/opt/rdpgw/key.pem', mode: 0o440 }],
  scaling: ScalingMode.PER_POD,
  sidecars: [rdpHttpsSidecar],
};

/**
 * The gateways' edges in 1.19: who reaches the sidecars. The apps' own ports are called only on loopback (and by the
 * kubelet's probes), so no edge ends there. [inference] The chart's NetworkPolicies (networkpolicies.yaml@d606931)
 * admit the proxy to all three gateways; the api reaches them at the addresses they register (SERVER_INTERNAL_SCHEMA).
 */
export function gatewayEdges(common: readonly DependencyEdge[]): DependencyEdge[] {
  const gateways: readonly string[] = [ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY];
  const kept = common.filter((e) => !(e.from === ComponentId.PROXY && gateways.includes(e.to)));
  return [
    ...kept,
    { from: ComponentId.API, to: ComponentId.GUAC, port: SIDECAR_PORTS.guac, purpose: 'calls guac at its registered address (SERVER_INTERNAL_SCHEMA https)' },
    { from: ComponentId.API, to: ComponentId.RDP_GATEWAY, port: SIDECAR_PORTS.rdpGateway, purpose: 'calls the rdp-gateway at its registered address' },
    { from: ComponentId.API, to: ComponentId.RDP_HTTPS_GATEWAY, port: SIDECAR_PORTS.rdpHttpsGateway, purpose: 'calls the rdp-https-gateway at its registered address' },
    // [read] guac-nginx-configmap.yaml@4c04e02: "control-plane calls the manager makes to the guac app under /guac/".
    { from: ComponentId.MANAGER, to: ComponentId.GUAC, port: SIDECAR_PORTS.guac, purpose: 'health checks and support bundles through /guac/' },
    { from: ComponentId.PROXY, to: ComponentId.GUAC, port: SIDECAR_PORTS.guac, purpose: 'routes /desktop/ sessions to guac\'s registered address' },
    { from: ComponentId.PROXY, to: ComponentId.RDP_GATEWAY, port: SIDECAR_PORTS.rdpGateway, purpose: 'routes /desktop/ sessions to the rdp-gateway\'s registered address' },
    { from: ComponentId.PROXY, to: ComponentId.RDP_HTTPS_GATEWAY, port: SIDECAR_PORTS.rdpHttpsGateway, purpose: 'routes /remoteDesktopGateway and /rpc to the session\'s pod' },
    { from: ComponentId.RDP_GATEWAY, to: ComponentId.GUAC, port: SIDECAR_PORTS.guac, purpose: 'forwards /guac/vm_disconnect to guac (KASM-8502)' },
    // The guac sidecar's upload, download and api routes stream from the session's agent, as the proxy's did in 1.18.
    { from: ComponentId.GUAC, to: ExternalPeer.AGENTS, port: PORTS.agentHttps, purpose: 'streams file transfers from agents' },
  ];
}
