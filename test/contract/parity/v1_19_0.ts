/**
 * What the official chart sets for Kasm 1.19.0, per component, as data: https://github.com/kasmtech/kasm-helm,
 * `charts/kasm-helm/` (release line 1.1190.x), each fact with the file@commit it was read in. The parity test checks
 * every fact against what the constructs synthesize; `KNOWN_DIFFERENCES` lists where we differ today, with the row of
 * the gaps table it belongs to, so each fix deletes a line and any other drift fails.
 *
 * Values: a literal; `*` = present with any value; `~<regex>`; `{service}` stands for the component's own Service name
 * (names are gap row 9, cosmetic, and not what these facts check).
 */

/** A component as the parity test finds it: by the `app.kubernetes.io/component` label. */
export type ParityComponent = 'proxy' | 'api' | 'manager' | 'guac' | 'rdp-gateway' | 'rdp-https-gateway' | 'db' | 'db-init';

/** One fact the chart sets. */
export interface ParityFact {
  readonly component: ParityComponent;
  /** `main` is the component's own container; `nginx` the TLS sidecar the 1.1190.x chart puts beside a gateway. */
  readonly container: 'main' | 'nginx';
  /** image; port (key: number, value: name or `*`); env; probe (key: liveness/readiness); workload; route (a location of
   * the container's nginx configuration); setting (a line of the pod's configuration files); script (the Job's program). */
  readonly kind: 'image' | 'port' | 'env' | 'probe' | 'workload' | 'route' | 'setting' | 'script';
  readonly key: string;
  readonly value: string;
  /** `charts/kasm-helm/<file>@<commit>` in kasmtech/kasm-helm. */
  readonly source: string;
}

/** A fact we do not meet today: the gaps-table row (or `decision`, a difference on purpose) and why. */
export interface KnownDifference {
  readonly id: string;
  readonly row: string;
  readonly reason: string;
}

/** The id a fact is listed under: `<component>.<container>.<kind>.<key>`. */
export const factId = (f: ParityFact): string => `${f.component}.${f.container}.${f.kind}.${f.key}`;

const T = 'charts/kasm-helm/templates';
const SRC = {
  images: 'charts/kasm-helm/images.txt@b8e6c00',
  helpers: `${T}/_helpers.tpl@029e7e0`,
  changelog: 'charts/kasm-helm/CHANGELOG.md@029e7e0',
  api: `${T}/api-deployment.yaml@0cfce10`,
  manager: `${T}/manager-deployment.yaml@0af9a50`,
  proxy: `${T}/proxy-deployment.yaml@0af9a50`,
  proxyConf: `${T}/proxy-configmaps.yaml@4c04e02`,
  guac: `${T}/guac-statefulset.yaml@e4e1fe7`,
  guacNginx: `${T}/guac-nginx-configmap.yaml@4c04e02`,
  rdpGw: `${T}/rdp-gateway-deployment.yaml@23b0604`,
  rdpGwNginx: `${T}/rdp-gateway-nginx-configmap.yaml@3957bde`,
  rdpHttps: `${T}/rdp-https-gateway-statefulset.yaml@0af9a50`,
  rdpHttpsNginx: `${T}/rdp-https-gateway-nginx-configmap.yaml@4c04e02`,
  dbConf: `${T}/db-configmap.yaml@0af9a50`,
  dbInit: `${T}/db-init-job.yaml@1fdbc54`,
} as const;

const f = (component: ParityComponent, container: 'main' | 'nginx', kind: ParityFact['kind'], key: string, value: string, source: string): ParityFact =>
  ({ component, container, kind, key, value, source });
const env = (component: ParityComponent, pairs: Record<string, string>, source: string): ParityFact[] =>
  Object.entries(pairs).map(([key, value]) => f(component, 'main', 'env', key, value, source));

const POSTGRES = { POSTGRES_HOST: 'kasm-db', POSTGRES_PORT: '5432', POSTGRES_DB: 'kasm', POSTGRES_USER: 'kasmapp', POSTGRES_POOL_SIZE: '10', POSTGRES_MAX_OVERFLOW: '20', KASM_DB_SSL: 'true', POSTGRES_PASSWORD: 'secret:db-password' };
const API_VIA_PROXY = { API_SCHEMA: 'http', API_HOSTNAME: 'kasm-proxy-default', API_PORT: '8080' };
const GATEWAY_LOOPS = { SERVER_THREADS: '10', SESSION_WATCH_INTERVAL: '60', KEEPALIVE_LOOP_INTERVAL: '30', FORWARD_LOGS: 'true' };
/** The address a StatefulSet pod registers: its own name under the headless Service. */
const POD_ADDRESS = '$(HOSTNAME).{service}.$(POD_NAMESPACE).svc.cluster.local';

/** Kasm 1.19.0 as the 1.1190.x chart deploys it. */
export const PARITY_1_19_0: readonly ParityFact[] = [
  // proxy
  f('proxy', 'main', 'image', 'image', 'kasmweb/proxy:1.19.0', SRC.images),
  f('proxy', 'main', 'port', '8080', 'proxy-pt-http', SRC.helpers),
  f('proxy', 'main', 'port', '8443', 'proxy-pt-https', SRC.helpers),
  f('proxy', 'main', 'probe', 'liveness', 'tcp:8080', SRC.proxy),
  f('proxy', 'main', 'probe', 'readiness', 'exec:nginx -t', SRC.proxy),
  ...['/health', '/checkvalid', '/api/admin/', '/api/', '/manager_api/', '/api/subscriptions/', '/kasm_connect', '/desktop/', '/_options_response', '/']
    .map((loc) => f('proxy', 'main', 'route', loc, 'present', SRC.proxyConf)),
  f('proxy', 'main', 'setting', 'resolver', '~^\\s*resolver \\S+', SRC.proxyConf),

  // api
  f('api', 'main', 'image', 'image', 'kasmweb/api:1.19.0', SRC.images),
  f('api', 'main', 'port', '8080', 'api-pt', SRC.helpers),
  f('api', 'main', 'port', '8081', 'api-liveness-pt', SRC.changelog),
  ...env('api', {
    ...POSTGRES, PYTHONWARNINGS: 'ignore:datetime.datetime.utcnow:DeprecationWarning', SERVER_ZONE_NAME: 'default', KASM_EPHEMERAL: 'true', SERVER_ID: 'auto', SERVER_HOSTNAME: 'kasm-api-default',
    SERVER_INTERNAL_SCHEMA: 'https', KASM_THREAD_POOL: '20', KASM_THREAD_POOL_LOG_INTERVAL: '0',
  }, SRC.api),
  f('api', 'main', 'probe', 'liveness', 'http:8081/livez', SRC.changelog),
  f('api', 'main', 'probe', 'readiness', 'http:8080/api/__healthcheck', SRC.api),

  // manager
  f('manager', 'main', 'image', 'image', 'kasmweb/manager:1.19.0', SRC.images),
  f('manager', 'main', 'port', '8181', 'manager-pt', SRC.helpers),
  ...env('manager', {
    LOG_LEVEL: 'INFO', SERVER_ZONE_NAME: 'default', ...POSTGRES, KASM_EPHEMERAL: 'true', SERVER_ID: 'auto',
    SERVER_HOSTNAME: 'kasm-manager-default', SERVER_INTERNAL_SCHEMA: 'http', MANAGER_ID: 'auto',
  }, SRC.manager),
  f('manager', 'main', 'probe', 'liveness', 'tcp:8181', SRC.manager),
  f('manager', 'main', 'probe', 'readiness', 'http:8181/__healthcheck', SRC.manager),

  // guac: a StatefulSet registering each pod's own name on the TLS sidecar's 9000
  f('guac', 'main', 'image', 'image', 'kasmweb/kasm-guac:1.19.0', SRC.images),
  f('guac', 'main', 'workload', 'kind', 'StatefulSet', SRC.guac),
  ...['3000', '3001', '3002', '3003', '3004'].map((port) => f('guac', 'main', 'port', port, '*', SRC.guac)),
  ...env('guac', {
    CLUSTER_SIZE: '4', REGISTRATION_TOKEN: 'secret:service-token', ZONE: 'default', SERVER_ADDRESS: POD_ADDRESS, SERVER_PORT: '9000',
    ...API_VIA_PROXY, KASM_EPHEMERAL: 'true',
  }, SRC.guac),
  f('guac', 'main', 'probe', 'liveness', 'tcp:3000', SRC.guac),
  f('guac', 'main', 'probe', 'readiness', 'http:3000/__healthcheck', SRC.guac),
  f('guac', 'nginx', 'image', 'image', 'kasmweb/proxy:1.19.0', SRC.guac),
  f('guac', 'nginx', 'port', '9000', '*', SRC.guacNginx),
  f('guac', 'nginx', 'setting', 'listen', '~listen 9000 ssl', SRC.guacNginx),
  ...['/guac/__healthcheck', '/guac/vm_disconnect', '/guac/api/v1/support_bundle_request']
    .map((loc) => f('guac', 'nginx', 'route', loc, 'present', SRC.guacNginx)),

  // rdp-gateway: one replica, registering the Service name (or the public RDP address) on the sidecar's 9001
  f('rdp-gateway', 'main', 'image', 'image', 'kasmweb/rdp-gateway:1.19.0', SRC.images),
  f('rdp-gateway', 'main', 'port', '5555', '*', SRC.rdpGw),
  f('rdp-gateway', 'main', 'port', '3389', '*', SRC.rdpGw),
  f('rdp-gateway', 'main', 'workload', 'maxReplicas', '1', SRC.rdpGw),
  ...env('rdp-gateway', {
    SERVER_ZONE_NAME: 'default', REGISTRATION_TOKEN: 'secret:service-token', ...API_VIA_PROXY, API_REFRESH_INTERVAL: '30', SERVER_ID: 'auto',
    SERVER_HOSTNAME: '{service}', SERVER_PORT: '9001', PROXY_PORT: '3389', ...GATEWAY_LOOPS, KASM_EPHEMERAL: 'true',
  }, SRC.rdpGw),
  f('rdp-gateway', 'main', 'probe', 'liveness', 'tcp:5555', SRC.rdpGw),
  f('rdp-gateway', 'main', 'probe', 'readiness', 'http:5555/__healthcheck', SRC.rdpGw),
  f('rdp-gateway', 'nginx', 'image', 'image', 'kasmweb/proxy:1.19.0', SRC.rdpGw),
  f('rdp-gateway', 'nginx', 'port', '9001', '*', SRC.rdpGwNginx),
  f('rdp-gateway', 'nginx', 'setting', 'listen', '~listen 9001 ssl', SRC.rdpGwNginx),
  f('rdp-gateway', 'nginx', 'route', '/guac/vm_disconnect', 'present', SRC.rdpGwNginx),

  // rdp-https-gateway: a StatefulSet registering each pod's own name on the sidecar's 9002
  f('rdp-https-gateway', 'main', 'image', 'image', 'kasmweb/rdp-https-gateway:1.19.0', SRC.images),
  f('rdp-https-gateway', 'main', 'workload', 'kind', 'StatefulSet', SRC.rdpHttps),
  ...env('rdp-https-gateway', {
    SERVER_ZONE_NAME: 'default', REGISTRATION_TOKEN: 'secret:service-token', ...API_VIA_PROXY, SERVER_ID: 'auto',
    SERVER_HOSTNAME: POD_ADDRESS, SERVER_PORT: '9002', PROXY_PORT: '3389', ...GATEWAY_LOOPS, KASM_EPHEMERAL: 'true',
  }, SRC.rdpHttps),
  f('rdp-https-gateway', 'nginx', 'image', 'image', 'kasmweb/proxy:1.19.0', SRC.rdpHttps),
  f('rdp-https-gateway', 'nginx', 'port', '9002', '*', SRC.rdpHttpsNginx),
  f('rdp-https-gateway', 'nginx', 'setting', 'listen', '~listen 9002 ssl', SRC.rdpHttpsNginx),
  f('rdp-https-gateway', 'nginx', 'route', '/guac/vm_disconnect', 'present', SRC.rdpHttpsNginx),

  // database
  f('db', 'main', 'image', 'image', 'kasmweb/postgres:1.19.0', SRC.images),
  f('db', 'main', 'port', '5432', 'db-pt', SRC.helpers),
  f('db', 'main', 'probe', 'liveness', 'exec:pg_isready --port=5432 -t 10', SRC.helpers),
  f('db', 'main', 'probe', 'readiness', '~^exec:.*psql .*SELECT 1', SRC.helpers),
  ...[['statement_timeout', '900000'], ['idle_in_transaction_session_timeout', '300000'], ['tcp_keepalives_idle', '60'],
    ['tcp_keepalives_interval', '10'], ['tcp_keepalives_count', '3']]
    .map(([key, value]) => f('db', 'main', 'setting', key, `~^${key} = ${value}$`, SRC.dbConf)),

  // db-init: the api image's seed, retried, verified against the zones and the migration head
  f('db-init', 'main', 'image', 'image', 'kasmweb/api:1.19.0', SRC.dbInit),
  ...Object.entries({ SERVER_HOSTNAME: 'kasm-api', POST_DB_INIT_EXIT: 'true', DB_AUTO_INITIALIZE: 'true', DEFAULT_REGISTRATION_TOKEN: 'secret:service-token', DEFAULT_MANAGER_TOKEN: 'secret:manager-token' })
    .map(([key, value]) => f('db-init', 'main', 'env', key, value, SRC.dbInit)),
  f('db-init', 'main', 'script', 'startup.sh', '~/usr/bin/startup\\.sh', SRC.dbInit),
  f('db-init', 'main', 'script', 'alembic head', '~alembic[^\\n]*current[\\s\\S]*\\(head\\)', SRC.dbInit),
];

const gap = (row: string, reason: string, ...ids: string[]): KnownDifference[] => ids.map((id) => ({ id, row, reason }));

/** Where we differ from the chart today; a fix deletes its line (a line that no longer differs fails the test). */
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  ...gap('decision', '`nginx -t` passes while nothing is served; ours asks nginx for /checkvalid', 'proxy.main.probe.readiness'),
  ...gap('6', 'TCP on api-pt: works whether or not the pinned 1.19.0 tag serves /livez (decision in the entry)', 'api.main.probe.liveness'),
];
