/**
 * Kasm Workspaces 1.19.0, as the official `charts/kasm-helm` 1.1190.x deploys it
 * (https://github.com/kasmtech/kasm-helm, `charts/kasm-helm/templates/`: api-, manager-, guac-statefulset, db-upgrade-job, `_helpers.tpl`).
 *
 * Facts are the chart's; [read] marks one taken from a template, [inference] our reasoning, [decision] where we differ
 * on purpose. Names are the chart's for release `kasm` and the single zone `default` (`<rel>-api-<zone>`): 1.19's
 * images take every name from env (`SERVER_HOSTNAME`, `API_HOSTNAME`, `POSTGRES_HOST`), so the names are data here
 * like in every other release.
 */
import { commonEdges } from '../graph';
import { HEALTH_PATHS, httpCheck, PORTS, tcpCheck } from '../ports';
import { rdpGatewayConfigFile } from '../rdp-gateway-config';
import { proxyRoutes, proxyUpstreams } from '../routes';
import { resources, sized } from '../sizing';
import {
  ComponentContract, ComponentId, DbInitMode, DerivedValue, EnvContract, KasmContract, ReadinessCheck, ScalingMode, SecretKey, SizePreset,
  TlsRole,
} from '../types';

const TAG = '1.19.0';
const KASM_UID = 1000;
/** kasmweb/postgres is built on the Alpine postgres image, whose `postgres` user is 70 (the chart's db securityContext). */
const POSTGRES_UID = 70;
const RELEASE = 'kasm';
const ZONE = 'default';

const lit = (name: string, value: string): EnvContract => ({ name, source: { kind: 'literal', value } });
const secret = (name: string, key: SecretKey): EnvContract => ({ name, source: { kind: 'secret', key } });
const derived = (name: string, from: DerivedValue): EnvContract => ({ name, source: { kind: 'derived', from } });

const SERVICES = {
  api: `${RELEASE}-api-${ZONE}`,
  manager: `${RELEASE}-manager-${ZONE}`,
  proxy: `${RELEASE}-proxy-${ZONE}`,
  db: `${RELEASE}-db`,
} as const;

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

/** How guac and the RDP gateways reach the api in 1.19: through the proxy's HTTP port (1.1190.5) [read]. */
const API_THROUGH_PROXY: EnvContract[] = [
  lit('API_SCHEMA', 'http'),
  lit('API_HOSTNAME', SERVICES.proxy),
  lit('API_PORT', String(PORTS.proxyHttp)),
];

const image = (name: string) => ({ repository: `kasmweb/${name}`, tag: TAG });
/** `<rel>-<component>-<zone>` [read: _helpers.tpl]: the zone's own host name, which the component registers. */
const zoneTemplate = (component: string) => `${RELEASE}-${component}-{zone}`;
const ownHostname = (component: string): EnvContract => ({ name: 'SERVER_HOSTNAME', source: { kind: 'template', template: `${RELEASE}-${component}-\${${DerivedValue.ZONE_SLUG}}` } });

const proxy: ComponentContract = {
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
  tlsMounts: [{ role: TlsRole.PROXY, certPath: '/etc/ssl/certs/kasm_nginx.crt', keyPath: '/etc/ssl/private/kasm_nginx.key', mode: 0o440 }],
  scaling: ScalingMode.HORIZONTAL,
};

const api: ComponentContract = {
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
    derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME),
    ...POSTGRES_ENV,
    lit('KASM_EPHEMERAL', 'true'),
    lit('SERVER_ID', 'auto'),
    ownHostname('api'),
    // [decision] http: the chart's own readiness probe speaks plain HTTP to api-pt, and NetworkPolicies confine the
    // internal traffic; 1.1190.6 defaults to https, which needs certificates this entry does not model [inference].
    lit('SERVER_INTERNAL_SCHEMA', 'http'),
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

const manager: ComponentContract = {
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

/*
 * [decision] The gateways. The 1.1190.x chart puts an nginx sidecar in front of each gateway (9000, 9001, 9002) that
 * re-serves the routes our proxy already serves (/guac_connect/..., /vm_connect, the RDP gateway paths), so the
 * gateways advertise the sidecar's port. This entry keeps the 1.18 shape: the proxy routes straight to the
 * gateways' own ports, which the chart's sidecars reach on the same pod [read: guac-nginx-configmap upstreams
 * 127.0.0.1:3000-3004]; the gateways advertise those ports. [inference] The gateways listen on all interfaces, as
 * the 1.18.1 images do.
 */
const guac: ComponentContract = {
  id: ComponentId.GUAC,
  serviceName: 'kasm-guac',
  workloadName: 'kasm-guac',
  image: image('kasm-guac'),
  ports: [
    { name: 'guac-pt', port: PORTS.guac, exposed: true },
    ...PORTS.guacd.map((port, i) => ({ name: `guacd-${i + 1}`, port, exposed: true })),
  ],
  env: [
    lit('CLUSTER_SIZE', String(PORTS.guacd.length)),
    secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
    derived('ZONE', DerivedValue.ZONE_NAME),
    lit('SERVER_ADDRESS', 'kasm-guac'),
    lit('SERVER_PORT', String(PORTS.guac)),
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
};

const gatewayEnv = (port: number): EnvContract[] => [
  derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME),
  secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
  ...API_THROUGH_PROXY,
  lit('API_REFRESH_INTERVAL', '30'),
  lit('SERVER_ID', 'auto'),
  lit('SERVER_PORT', String(port)),
  // [read] rdp-gateway-deployment.yaml@23b0604, rdp-https-gateway-statefulset.yaml@0af9a50: the gateways' loops.
  lit('SERVER_THREADS', '10'),
  lit('SESSION_WATCH_INTERVAL', '60'),
  lit('KEEPALIVE_LOOP_INTERVAL', '30'),
  lit('FORWARD_LOGS', 'true'),
  lit('KASM_EPHEMERAL', 'true'),
];

const rdpGateway: ComponentContract = {
  id: ComponentId.RDP_GATEWAY,
  serviceName: 'kasm-rdp-gateway',
  workloadName: 'kasm-rdp-gateway',
  image: image('rdp-gateway'),
  ports: [
    { name: 'rdp-gw-pt', port: PORTS.rdpGateway, exposed: true },
    { name: 'rdp-native', port: PORTS.rdpNative, exposed: true },
  ],
  env: [...gatewayEnv(PORTS.rdpGateway), lit('SERVER_HOSTNAME', 'kasm-rdp-gateway'), lit('PROXY_PORT', String(PORTS.rdpNative))],
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
};

const rdpHttpsGateway: ComponentContract = {
  id: ComponentId.RDP_HTTPS_GATEWAY,
  serviceName: 'kasm-rdp-https-gateway',
  workloadName: 'kasm-rdp-https-gateway',
  image: image('rdp-https-gateway'),
  ports: [{ name: 'rdp-https-gw-pt', port: PORTS.rdpHttpsGateway, exposed: true }],
  env: [...gatewayEnv(PORTS.rdpHttpsGateway), lit('SERVER_HOSTNAME', 'kasm-rdp-https-gateway'), lit('PROXY_PORT', String(PORTS.rdpNative))],
  readiness: httpCheck(PORTS.rdpHttpsGateway, HEALTH_PATHS.rdpHttpsGateway, 'HTTPS'),
  liveness: tcpCheck(PORTS.rdpHttpsGateway),
  runAsUser: KASM_UID,
  writablePaths: [
    { path: '/opt/kasm/current/log', sizeLimit: '150Mi' },
    { path: '/tmp', sizeLimit: '150Mi' },
  ],
  tlsMounts: [{ role: TlsRole.RDP, certPath: '/opt/rdpgw/server.pem', keyPath: '/opt/rdpgw/key.pem', mode: 0o440 }],
  scaling: ScalingMode.PER_POD,
};

/**
 * [decision] PGDATA is named by the PostgreSQL major: a database upgraded from 1.18.1 (PostgreSQL 14, `pgdata`) starts
 * PostgreSQL 16 in a new directory of the same volume, restores the dump there and keeps the old directory until the
 * user removes it; the StatefulSet, its Service and its PVC keep their names (the chart renames the StatefulSet per
 * release, which is how its upgrades lost databases).
 */
const PGDATA = '/var/lib/postgresql/data/pg16';

const db: ComponentContract = {
  id: ComponentId.DB,
  // [decision] `kasm-db`, the chart's `<rel>-db` Service; the StatefulSet keeps this name too (not `<rel>-db-1-19-0`).
  serviceName: SERVICES.db,
  workloadName: 'kasm-db',
  image: image('postgres'),
  ports: [{ name: 'db-pt', port: PORTS.postgres, exposed: true }],
  env: [
    derived('POSTGRES_DB', DerivedValue.DB_NAME),
    derived('POSTGRES_USER', DerivedValue.DB_USER),
    secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD),
    lit('PGDATA', PGDATA),
  ],
  readiness: { kind: 'exec', command: ['/bin/sh', '-c', 'psql -d "$POSTGRES_DB" -U "$POSTGRES_USER" -c "SELECT 1" >/dev/null'] },
  // [read] 1.19 gives pg_isready 10 s.
  liveness: { kind: 'exec', command: ['/bin/sh', '-c', `pg_isready --port=${PORTS.postgres} -t 10`] },
  runAsUser: POSTGRES_UID,
  writablePaths: [
    { path: '/var/run/postgresql', sizeLimit: '16Mi' },
    { path: '/tmp', sizeLimit: '256Mi' },
  ],
  tlsMounts: [{ role: TlsRole.DB, certPath: '/etc/ssl/certs/db_server.crt', keyPath: '/etc/ssl/certs/db_server.key', mode: 0o640 }],
  args: [
    'postgres',
    '-c', 'config_file=/var/lib/postgresql/conf/postgresql.conf',
    '-c', 'hba_file=/var/lib/postgresql/conf/pg_hba.conf',
  ],
  scaling: ScalingMode.FIXED,
};

const routes = proxyRoutes({ workspaceRewrites: true, share: false });

const dev = {
  [ComponentId.PROXY]: sized(1, resources('50m', '64Mi', '500m', '256Mi')),
  [ComponentId.API]: sized(1, resources('100m', '256Mi', '1000m', '1Gi')),
  [ComponentId.MANAGER]: sized(1, resources('50m', '128Mi', '500m', '512Mi')),
  [ComponentId.GUAC]: sized(1, resources('100m', '128Mi', '1000m', '512Mi')),
  [ComponentId.RDP_GATEWAY]: sized(1, resources('25m', '64Mi', '500m', '256Mi')),
  [ComponentId.RDP_HTTPS_GATEWAY]: sized(1, resources('25m', '64Mi', '500m', '256Mi')),
  [ComponentId.DB]: sized(1, resources('100m', '256Mi', '1000m', '1Gi')),
};

/** The chart's presets (`charts/kasm-helm`: replicas and resources per `deploymentSize`). */
function preset(replicas: number, size: 'small' | 'medium' | 'large') {
  const large = size === 'large';
  const guacCpu = { small: '1000m', medium: '1500m', large: '2000m' }[size];
  const guacMemLimit = { small: '1Gi', medium: '2Gi', large: '4Gi' }[size];
  const rdpCpu = { small: '500m', medium: '1000m', large: '1500m' }[size];
  const db = { small: resources('750m', '512Mi', '750m', '512Mi'), medium: resources('1500m', '2048Mi', '1500m', '2048Mi'), large: resources('4000m', '8192Mi', '4000m', '8192Mi') }[size];
  return {
    [ComponentId.PROXY]: sized(replicas, resources('500m', '512Mi', '500m', size === 'small' ? '512Mi' : '1Gi')),
    [ComponentId.API]: sized(replicas, resources('500m', large ? '1Gi' : '512Mi', '500m', large ? '2Gi' : '1Gi')),
    [ComponentId.MANAGER]: sized(replicas, resources('500m', large ? '1Gi' : '512Mi', '500m', large ? '2Gi' : '1Gi')),
    [ComponentId.GUAC]: sized(replicas, resources(guacCpu, large ? '1Gi' : '512Mi', guacCpu, guacMemLimit)),
    [ComponentId.RDP_GATEWAY]: sized(1, resources(rdpCpu, '512Mi', rdpCpu, '512Mi')),
    [ComponentId.RDP_HTTPS_GATEWAY]: sized(replicas, resources(rdpCpu, '512Mi', rdpCpu, '512Mi')),
    [ComponentId.DB]: sized(1, db),
  };
}

/** The Kasm 1.19.0 contract. */
export const KASM_1_19_0: KasmContract = {
  version: TAG,
  components: {
    [ComponentId.PROXY]: proxy,
    [ComponentId.API]: api,
    [ComponentId.MANAGER]: manager,
    [ComponentId.GUAC]: guac,
    [ComponentId.RDP_GATEWAY]: rdpGateway,
    [ComponentId.RDP_HTTPS_GATEWAY]: rdpHttpsGateway,
    [ComponentId.DB]: db,
  },
  database: {
    component: db,
    databaseName: 'kasm',
    user: 'kasmapp',
    // [read] "self-hosted PostgreSQL Database v16"; the upgrade's version wait loops until the major is 16.
    postgresMajorVersion: 16,
    // [read] 200 / 400 x zones / 600 x zones; dev is ours (one pod each of api and manager: 60 at most).
    maxConnectionsPerZone: { [SizePreset.DEV]: 100, [SizePreset.SMALL]: 200, [SizePreset.MEDIUM]: 400, [SizePreset.LARGE]: 600 },
    // [read] db-configmap.yaml@0af9a50: timeouts for runaway statements and abandoned transactions; keepalives that
    // notice a dead peer within ~90 s (1.1190.2 changed them for long autoscale queries).
    serverSettings: {
      statement_timeout: '900000',
      idle_in_transaction_session_timeout: '300000',
      tcp_keepalives_idle: '60',
      tcp_keepalives_interval: '10',
      tcp_keepalives_count: '3',
    },
    dataMountPath: '/var/lib/postgresql/data',
    pgdata: PGDATA,
    configDir: '/var/lib/postgresql/conf',
  },
  dbInit: {
    image: image('api'),
    mode: DbInitMode.IMAGE_STARTUP_SCRIPT,
    // [read] db-init-job.yaml@1fdbc54: up to 12 rounds of startup.sh, each checking the zones and alembic at head.
    untilMigrationHead: true,
    // [read] db-init-job: SERVER_HOSTNAME is `<rel>-api` (no zone).
    env: [
      lit('SERVER_HOSTNAME', `${RELEASE}-api`),
      lit('POST_DB_INIT_EXIT', 'true'),
      lit('DB_AUTO_INITIALIZE', 'true'),
      derived('POSTGRES_HOST', DerivedValue.DB_HOST),
      derived('POSTGRES_PORT', DerivedValue.DB_PORT),
      derived('POSTGRES_DB', DerivedValue.DB_NAME),
      derived('POSTGRES_USER', DerivedValue.DB_USER),
      secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD),
      secret('DEFAULT_ADMIN_PASSWORD', SecretKey.ADMIN_PASSWORD),
      secret('DEFAULT_MANAGER_TOKEN', SecretKey.MANAGER_TOKEN),
      secret('DEFAULT_REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
      secret('DEFAULT_USER_PASSWORD', SecretKey.USER_PASSWORD),
    ],
    writablePaths: [
      { path: '/tmp', sizeLimit: '256Mi' },
      { path: '/opt/kasm/current/log', sizeLimit: '256Mi' },
    ],
    runAsUser: KASM_UID,
  },
  proxy: {
    httpPort: PORTS.proxyHttp,
    httpsPort: PORTS.proxyHttps,
    upstreams: proxyUpstreams(false),
    routes: routes.routes,
    routeOwners: routes.owners,
    configDir: '/etc/nginx/conf.d',
    servicesDir: '/etc/nginx/conf.d/services.d',
    staticRoot: '/srv/www',
  },
  edges: commonEdges({ share: false, gatewaysCallApiThroughProxy: true, databaseReady: ReadinessCheck.DATABASE_MIGRATED }),
  secretKeys: [SecretKey.ADMIN_PASSWORD, SecretKey.USER_PASSWORD, SecretKey.DB_PASSWORD, SecretKey.MANAGER_TOKEN, SecretKey.SERVICE_TOKEN],
  tlsRoles: {
    [TlsRole.PROXY]: [ComponentId.PROXY],
    [TlsRole.RDP]: [ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY],
    [TlsRole.DB]: [ComponentId.DB],
  },
  sizing: {
    [SizePreset.DEV]: dev,
    [SizePreset.SMALL]: preset(1, 'small'),
    [SizePreset.MEDIUM]: preset(2, 'medium'),
    [SizePreset.LARGE]: preset(3, 'large'),
  },
  // [read] proxy nginx worker processes 2/6/12.
  proxyWorkers: { [SizePreset.DEV]: 1, [SizePreset.SMALL]: 2, [SizePreset.MEDIUM]: 6, [SizePreset.LARGE]: 12 },
  // [read] Every init container, Job and CronJob of the 1.19 chart runs kasmweb/api (curl, psql, pg_isready, alembic).
  waitImages: {
    [ReadinessCheck.HTTP_HEALTHY]: image('api'),
    [ReadinessCheck.POSTGRES_ACCEPTING]: image('api'),
    [ReadinessCheck.DATABASE_SEEDED]: image('api'),
    [ReadinessCheck.DATABASE_MIGRATED]: image('api'),
  },
  optionalComponents: [ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY],
  // [read] The 1.1190.7 preseed writes `kasmZones[].upstream_auth_address` into the zone; [inference] the preseed's
  // zone keys are the `zones` table's columns (`zone_name`, `upstream_auth_address`).
  seedsZoneSettings: true,
  upgrade: {
    // [inference] Kasm documents upgrades from the previous release; 1.16.0 must go through 1.18.1 first.
    from: ['1.18.1'],
    // [read] db-upgrade-job: the api image migrates the schema in place.
    migrateCommand: [
      'python3', '/src/api_server/server.pyc', '--upgrade-database',
      '--cfg', '/opt/kasm/current/conf/app/api/api.app.config.yaml',
      '--alembic-config', '/src/database/migration/alembic.ini',
    ],
  },
};
