/**
 * Kasm 1.19.0's web tier as the official `charts/kasm-helm` 1.1190.x runs it: the proxy with its 1.1190 route set,
 * the api and the manager, once per zone (https://github.com/kasmtech/kasm-helm, `charts/kasm-helm/templates/`).
 * [read] marks a fact taken from a template, [inference] our reasoning, [decision] where we differ on purpose.
 */
import { HEALTH_PATHS, httpCheck, PORTS, tcpCheck } from '../../ports';
import { UPSTREAMS } from '../../routes';
import {
  ComponentContract, ComponentId, DerivedValue, EnvContract, ProxyRoute, ProxyUpstream, ScalingMode, SecretKey, TlsRole,
} from '../../types';
import {
  derived, image, KASM_UID, lit, ownHostname, secret, SERVICES, zoneTemplate,
} from './common';

/** The `POSTGRES_*` set 1.19.0 passes to api and manager [read: api-deployment, manager-deployment]. */
const POSTGRES_ENV: EnvContract[] = [
  derived('POSTGRES_HOST', DerivedValue.DB_HOST),
  derived('POSTGRES_PORT', DerivedValue.DB_PORT),
  derived('POSTGRES_DB', DerivedValue.DB_NAME),
  derived('POSTGRES_USER', DerivedValue.DB_USER),
  lit('POSTGRES_POOL_SIZE', '10'),
  lit('POSTGRES_MAX_OVERFLOW', '20'),
  lit('KASM_DB_SSL', 'true'),
  secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD),
];

export const proxy: ComponentContract = {
  id: ComponentId.PROXY,
  serviceName: SERVICES.proxy,
  zoneServiceName: zoneTemplate('proxy'),
  workloadName: 'kasm-proxy',
  image: image('proxy'),
  ports: [
    { name: 'proxy-pt-http', port: PORTS.proxyHttp, exposed: true },
    { name: 'proxy-pt-https', port: PORTS.proxyHttps, exposed: true },
  ],
  env: [],
  // [decision] The chart's readiness is `nginx -t`, which passes while nothing is served; ours asks nginx itself.
  readiness: httpCheck(PORTS.proxyHttp, '/checkvalid'),
  liveness: tcpCheck(PORTS.proxyHttp),
  runAsUser: KASM_UID,
  writablePaths: [
    { path: '/var/cache/nginx', sizeLimit: '1Gi' },
    { path: '/var/log/external/nginx', sizeLimit: '256Mi' },
    { path: '/run', sizeLimit: '16Mi' },
  ],
  // The Secret's ca.crt verifies the TLS hops to the gateways' sidecars (`/remoteDesktopGateway`, `/rpc`).
  tlsMounts: [{
    role: TlsRole.PROXY, certPath: '/etc/ssl/certs/kasm_nginx.crt', keyPath: '/etc/ssl/private/kasm_nginx.key', caPath: '/etc/ssl/certs/kasm_internal_ca.crt', mode: 0o440,
  }],
  scaling: ScalingMode.HORIZONTAL,
};

export const api: ComponentContract = {
  id: ComponentId.API,
  serviceName: SERVICES.api,
  zoneServiceName: zoneTemplate('api'),
  workloadName: 'kasm-api',
  image: image('api'),
  ports: [
    { name: 'api-pt', port: PORTS.api, exposed: true },
    // [read] 1.1190.6: liveness has its own port, which the Service does not publish.
    { name: 'api-liveness-pt', port: PORTS.apiLiveness, exposed: false },
  ],
  env: [
    // [read] api-deployment.yaml@0cfce10: quiets the api's own deprecation noise in its logs.
    lit('PYTHONWARNINGS', 'ignore:datetime.datetime.utcnow:DeprecationWarning'),
    derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME),
    ...POSTGRES_ENV,
    lit('KASM_EPHEMERAL', 'true'),
    lit('SERVER_ID', 'auto'),
    ownHostname('api'),
    // [read] api-deployment.yaml@0cfce10, 1.1190.6: https by default, the scheme the api uses to reach the gateways'
    // registered addresses (their TLS sidecars on 9000-9002); the manager stays http. The template's own comment
    // says http suits gateways inside the cluster; its value is https, which the TLS sidecars serve.
    lit('SERVER_INTERNAL_SCHEMA', 'https'),
    lit('KASM_THREAD_POOL', '20'),
    lit('KASM_THREAD_POOL_LOG_INTERVAL', '0'),
  ],
  readiness: httpCheck(PORTS.api, HEALTH_PATHS.api),
  // [decision] TCP on api-pt, which works with both images: chart 1.1190.6 moved liveness to HTTP /livez on 8081 "to
  // match the api image's new liveness settings" (CHANGELOG.md@029e7e0) with `1.19.0-rolling` images (images.txt@b8e6c00);
  // api-deployment.yaml@0cfce10 probes TCP api-pt. Whether the pinned `1.19.0` tag serves /livez is unverified, and a
  // liveness probe on a missing endpoint restarts the api for ever; readiness still asks /api/__healthcheck.
  liveness: tcpCheck(PORTS.api),
  runAsUser: KASM_UID,
  writablePaths: [{ path: '/tmp', sizeLimit: '256Mi' }],
  tlsMounts: [],
  scaling: ScalingMode.HORIZONTAL,
};

export const manager: ComponentContract = {
  id: ComponentId.MANAGER,
  serviceName: SERVICES.manager,
  zoneServiceName: zoneTemplate('manager'),
  workloadName: 'kasm-manager',
  image: image('manager'),
  // [read] The constant port name is `manager-pt` (the R line's `zn<idx>-manager-pt` is gone).
  ports: [{ name: 'manager-pt', port: PORTS.manager, exposed: true }],
  env: [
    lit('LOG_LEVEL', 'INFO'),
    derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME),
    ...POSTGRES_ENV,
    lit('KASM_EPHEMERAL', 'true'),
    lit('SERVER_ID', 'auto'),
    ownHostname('manager'),
    lit('SERVER_INTERNAL_SCHEMA', 'http'),
    lit('MANAGER_ID', 'auto'),
  ],
  readiness: httpCheck(PORTS.manager, HEALTH_PATHS.component),
  liveness: tcpCheck(PORTS.manager),
  runAsUser: KASM_UID,
  writablePaths: [{ path: '/tmp', sizeLimit: '1Gi' }],
  tlsMounts: [],
  scaling: ScalingMode.HORIZONTAL,
};


/** The manager's draining marker, which the chart's `/health` reports [read: proxy-configmaps.yaml@4c04e02]. */
const DRAINING_FILE = '/opt/kasm/current/tmp/manager/kasm_manager_draining';

/** The proxy's upstream blocks: only the api and the manager; the gateways are reached per session. */
export const PROXY_UPSTREAMS: ProxyUpstream[] = [
  { name: UPSTREAMS.api, component: ComponentId.API, ports: [PORTS.api] },
  { name: UPSTREAMS.manager, component: ComponentId.MANAGER, ports: [PORTS.manager] },
];

/**
 * The proxy's 1.1190 route set [read: proxy-configmaps.yaml@4c04e02, @3957bde]. The guac and RDP routes of 1.18 are
 * gone: the gateways' sidecars serve them at the addresses the gateways register, and `/desktop/` reaches those
 * addresses as the api answers `/kasm_connect` [inference]. RDP over HTTPS goes to the session's own pod, looked up
 * through the api as `@3957bde` does (`@4c04e02` has no RDP route at all, which leaves RD Gateway clients behind the
 * front door nowhere to go); the hop is verified against the internal CA with the pod's own name.
 *
 * [inference] In Kubernetes the draining file lives in the manager's pod, never the proxy's, so `/health` answers ok
 * as the chart's does; it is here because load balancers configured for the chart ask it.
 */
function routeTable(): { routes: ProxyRoute[]; owners: Record<string, ComponentId> } {
  const owned: [ProxyRoute, ComponentId][] = [
    [{ kind: 'health', location: '= /health', drainingFile: DRAINING_FILE }, ComponentId.PROXY],
    [{ kind: 'ok', location: '= /checkvalid' }, ComponentId.PROXY],
    [{ kind: 'service', location: '/api/admin/', upstream: UPSTREAMS.api, forwardedPort: true, hsts: true }, ComponentId.API],
    [{ kind: 'service', location: '/api/', upstream: UPSTREAMS.api, forwardedPort: true, hsts: true }, ComponentId.API],
    [{ kind: 'service', location: '/manager_api/', upstream: UPSTREAMS.manager, upstreamPath: '/' }, ComponentId.MANAGER],
    [{ kind: 'service', location: '/api/subscriptions/', upstream: UPSTREAMS.api, cors: 'subscriptions', hsts: true }, ComponentId.API],
    [{ kind: 'authSubrequest', location: '/kasm_connect', component: ComponentId.API, port: PORTS.api, path: '/api/kasm_connect/', passCookies: true }, ComponentId.API],
    [{ kind: 'agentSession', location: '/desktop/', authLocation: '/kasm_connect', stripPrefix: '/desktop/', dynamicScheme: true, bearer: false }, ComponentId.API],
    [{ kind: 'corsPreflight', location: '/_options_response' }, ComponentId.PROXY],
    [{ kind: 'static', location: '/', root: '/srv/www', workspaceRewrites: true }, ComponentId.PROXY],
    [{ kind: 'authSubrequest', location: '/remote_desktop_lookup', component: ComponentId.API, port: PORTS.api, path: '/api/remote_desktop_lookup/', passCookies: false }, ComponentId.RDP_HTTPS_GATEWAY],
    [{ kind: 'podLookup', location: '/remoteDesktopGateway', authLocation: '/remote_desktop_lookup', component: ComponentId.RDP_HTTPS_GATEWAY, headerPrefix: 'rdp_connect' }, ComponentId.RDP_HTTPS_GATEWAY],
    [{ kind: 'podLookup', location: '/rpc', authLocation: '/remote_desktop_lookup', component: ComponentId.RDP_HTTPS_GATEWAY, headerPrefix: 'rdp_connect', timeoutSeconds: 3600 }, ComponentId.RDP_HTTPS_GATEWAY],
  ];
  const owners: Record<string, ComponentId> = {};
  for (const [route, owner] of owned) owners[route.location] = owner;
  return { routes: owned.map(([route]) => route), owners };
}

export const PROXY_ROUTES = routeTable();
