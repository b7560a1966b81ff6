/**
 * Kasm Workspaces 1.16.0, as the official `kasm-single-zone` chart deploys it (https://github.com/kasmtech/kasm-helm, branch `release/1.16.0`).
 *
 * 1.16 hard-codes the database host `db`, port 5432, user `kasmapp` and database `kasm` in its images, ships Kasm
 * Share with Redis, and names its Services without zone suffixes. Choices marked [decision] are ours.
 */
import { commonEdges } from '../graph';
import { HEALTH_PATHS, httpCheck, PORTS, tcpCheck } from '../ports';
import { proxyRoutes, proxyUpstreams } from '../routes';
import { resources, sized } from '../sizing';
import {
  ComponentContract, ComponentId, ScalingMode, DbInitMode, DerivedValue, EnvContract, KasmContract, ReadinessCheck, ResourceContract,
  SecretKey, SizePreset, TlsRole,
} from '../types';

const TAG = '1.16.0';
const KASM_UID = 1000;
const POSTGRES_UID = 70;
/** The official redis image's `redis` user. */
const REDIS_UID = 999;

const lit = (name: string, value: string): EnvContract => ({ name, source: { kind: 'literal', value } });
const secret = (name: string, key: SecretKey): EnvContract => ({ name, source: { kind: 'secret', key } });
const derived = (name: string, from: DerivedValue): EnvContract => ({ name, source: { kind: 'derived', from } });
const image = (name: string) => ({ repository: `kasmweb/${name}`, tag: TAG });

/** [decision] The chart's `redis:5-alpine` floats; 5.0.14 is the last 5.x release. */
const REDIS_IMAGE = { repository: 'redis', tag: '5.0.14-alpine' };
/** The chart's wait image, already pinned there. */
const CURL_IMAGE = { repository: 'alpine/curl', tag: '8.8.0' };

const proxy: ComponentContract = {
  id: ComponentId.PROXY,
  serviceName: 'kasm-proxy',
  workloadName: 'kasm-proxy',
  image: image('proxy'),
  ports: [
    { name: 'kasm-proxy-port', port: PORTS.proxyHttp, exposed: true },
    // The 1.16 chart publishes 8443 without declaring it; we declare it so NetworkPolicies and probes can name it.
    { name: 'kasm-proxy-tls', port: PORTS.proxyHttps, exposed: true },
  ],
  env: [],
  readiness: httpCheck(PORTS.proxyHttp, '/checkvalid'),
  liveness: tcpCheck(PORTS.proxyHttp),
  runAsUser: KASM_UID,
  writablePaths: [
    { path: '/var/cache/nginx', sizeLimit: '1Gi' },
    { path: '/var/log/external/nginx', sizeLimit: '256Mi' },
    { path: '/run', sizeLimit: '16Mi' },
  ],
  // The Secret's ca.crt: the proxy verifies its TLS hop to the RDP-over-HTTPS gateway against the internal CA.
  tlsMounts: [{
    role: TlsRole.PROXY, certPath: '/etc/ssl/certs/kasm_nginx.crt', keyPath: '/etc/ssl/private/kasm_nginx.key', caPath: '/etc/ssl/certs/kasm_internal_ca.crt', mode: 0o440,
  }],
  scaling: ScalingMode.HORIZONTAL,
};

const api: ComponentContract = {
  id: ComponentId.API,
  serviceName: 'kasm-api',
  workloadName: 'kasm-api',
  image: image('api'),
  ports: [{ name: 'kasm-api-pt', port: PORTS.api, exposed: true }],
  env: [lit('DB_AUTO_INITIALIZE', 'false'), secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD)],
  readiness: httpCheck(PORTS.api, HEALTH_PATHS.api),
  liveness: tcpCheck(PORTS.api),
  runAsUser: KASM_UID,
  writablePaths: [{ path: '/tmp', sizeLimit: '256Mi' }],
  tlsMounts: [],
  scaling: ScalingMode.HORIZONTAL,
};

const manager: ComponentContract = {
  id: ComponentId.MANAGER,
  serviceName: 'kasm-manager',
  workloadName: 'kasm-manager',
  image: image('manager'),
  ports: [{ name: 'kasm-manager-pt', port: PORTS.manager, exposed: true }],
  env: [secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD)],
  readiness: httpCheck(PORTS.manager, HEALTH_PATHS.component),
  liveness: tcpCheck(PORTS.manager),
  runAsUser: KASM_UID,
  writablePaths: [{ path: '/tmp', sizeLimit: '1Gi' }],
  tlsMounts: [],
  scaling: ScalingMode.HORIZONTAL,
};

const guac: ComponentContract = {
  id: ComponentId.GUAC,
  serviceName: 'kasm-guac',
  workloadName: 'kasm-guac',
  image: image('kasm-guac'),
  ports: [
    { name: 'kasm-guac-pt', port: PORTS.guac, exposed: true },
    ...PORTS.guacd.map((port, i) => ({ name: `guacd-${i + 1}`, port, exposed: true })),
  ],
  // The 1.16 chart hard-codes ZONE=default (it ignores the zone name); [decision] we pass the zone name, default 'default'.
  env: [
    lit('CLUSTER_SIZE', String(PORTS.guacd.length)),
    secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
    derived('ZONE', DerivedValue.ZONE_NAME),
  ],
  readiness: httpCheck(PORTS.guac, HEALTH_PATHS.component),
  liveness: tcpCheck(PORTS.guac),
  runAsUser: KASM_UID,
  writablePaths: [
    { path: '/tmp', sizeLimit: '1Gi' },
    { path: '/opt/kasm/current/tmp/guac', sizeLimit: '1Gi' },
    { path: '/opt/kasm/current/log', sizeLimit: '256Mi' },
  ],
  tlsMounts: [],
  scaling: ScalingMode.PER_POD,
};

const rdpGateway: ComponentContract = {
  id: ComponentId.RDP_GATEWAY,
  serviceName: 'rdp-gateway',
  workloadName: 'rdp-gateway',
  image: image('rdp-gateway'),
  ports: [
    { name: 'rdp-gateway-pt', port: PORTS.rdpGateway, exposed: true },
    { name: 'rdp-native', port: PORTS.rdpNative, exposed: true },
  ],
  env: [derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME), secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN)],
  readiness: httpCheck(PORTS.rdpGateway, HEALTH_PATHS.component),
  liveness: tcpCheck(PORTS.rdpGateway),
  runAsUser: KASM_UID,
  writablePaths: [
    { path: '/usr/local/etc/rdpproxy/var', sizeLimit: '150Mi' },
    { path: '/opt/kasm/current/log', sizeLimit: '150Mi' },
    { path: '/tmp', sizeLimit: '150Mi' },
  ],
  tlsMounts: [{ role: TlsRole.RDP, certPath: '/usr/local/etc/rdpproxy/rdpproxy.crt', keyPath: '/usr/local/etc/rdpproxy/rdpproxy.key', mode: 0o440 }],
  scaling: ScalingMode.PER_POD,
};

const rdpHttpsGateway: ComponentContract = {
  id: ComponentId.RDP_HTTPS_GATEWAY,
  serviceName: 'rdp-https-gateway',
  workloadName: 'rdp-https-gw',
  image: image('rdp-https-gateway'),
  ports: [{ name: 'rdp-https-gw-pt', port: PORTS.rdpHttpsGateway, exposed: true }],
  env: [derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME), secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN)],
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

const share: ComponentContract = {
  id: ComponentId.SHARE,
  serviceName: 'kasm-share',
  workloadName: 'kasm-share',
  image: image('share'),
  ports: [{ name: 'kasm-share-pt', port: PORTS.share, exposed: true }],
  env: [
    secret('REDIS_PASSWORD', SecretKey.REDIS_PASSWORD),
    lit('REDIS_HOST', 'kasm-redis'),
    lit('SHARE_ID', 'auto'),
    lit('SERVER_HOSTNAME', 'kasm-share'),
    secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD),
  ],
  readiness: tcpCheck(PORTS.share),
  liveness: tcpCheck(PORTS.share),
  runAsUser: KASM_UID,
  // [decision] The chart mounts nothing writable for share; /tmp is cheap insurance for a python service.
  writablePaths: [{ path: '/tmp', sizeLimit: '256Mi' }],
  tlsMounts: [],
  scaling: ScalingMode.PER_POD,
};

const redis: ComponentContract = {
  id: ComponentId.REDIS,
  serviceName: 'kasm-redis',
  workloadName: 'kasm-redis',
  image: REDIS_IMAGE,
  ports: [{ name: 'kasm-redis-pt', port: PORTS.redis, exposed: true }],
  env: [secret('REDIS_PASSWORD', SecretKey.REDIS_PASSWORD)],
  readiness: { kind: 'exec', command: ['/bin/sh', '-c', 'redis-cli -p 6379 --no-auth-warning -a "$REDIS_PASSWORD" ping | grep -q PONG'] },
  liveness: tcpCheck(PORTS.redis),
  runAsUser: REDIS_UID,
  // Share keeps only transient state in redis: persistence is off and /data is scratch space.
  writablePaths: [{ path: '/data', sizeLimit: '256Mi' }],
  tlsMounts: [],
  args: ['redis-server', '--requirepass', '$(REDIS_PASSWORD)', '--save', '', '--appendonly', 'no'],
  scaling: ScalingMode.FIXED,
};

const db: ComponentContract = {
  id: ComponentId.DB,
  serviceName: 'db',
  workloadName: 'kasm-db',
  image: image('postgres'),
  ports: [{ name: 'kasm-db-pt', port: PORTS.postgres, exposed: true }],
  env: [
    derived('POSTGRES_DB', DerivedValue.DB_NAME),
    derived('POSTGRES_USER', DerivedValue.DB_USER),
    secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD),
    lit('PGDATA', '/var/lib/postgresql/data/pgdata'),
  ],
  readiness: { kind: 'exec', command: ['/bin/sh', '-c', 'psql -d "$POSTGRES_DB" -U "$POSTGRES_USER" -c "SELECT 1" >/dev/null'] },
  liveness: { kind: 'exec', command: ['/bin/sh', '-c', `pg_isready --port=${PORTS.postgres} -t 5`] },
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

const routes = proxyRoutes({ workspaceRewrites: false, share: true });

const r = (cpuReq: string, cpuLim: string, memLim: string, ephLim = '2Gi'): ResourceContract => ({
  ...resources(cpuReq, '64Mi', cpuLim, memLim), ephemeralStorageLimit: ephLim,
});

/**
 * The official presets (the chart's `kasmApp.deploymentSize` resources and replicas). [decision] guac has no CPU limit there;
 * ours uses the 1.18.1 figures so every container has one.
 */
function preset(size: 'small' | 'medium' | 'large') {
  const pick = <T>(s: T, m: T, l: T): T => (size === 'small' ? s : size === 'medium' ? m : l);
  return {
    [ComponentId.PROXY]: sized(pick(2, 2, 4), r(pick('100m', '150m', '150m'), pick('250m', '500m', '750m'), pick('128Mi', '192Mi', '512Mi'), pick('1Gi', '2Gi', '5Gi'))),
    [ComponentId.API]: sized(pick(3, 3, 6), r(pick('150m', '150m', '300m'), pick('250m', '500m', '1000m'), pick('192Mi', '384Mi', '512Mi'))),
    [ComponentId.MANAGER]: sized(pick(2, 2, 4), r(pick('150m', '150m', '300m'), pick('350m', '500m', '1000m'), pick('192Mi', '256Mi', '512Mi'))),
    [ComponentId.GUAC]: sized(pick(1, 2, 3), r(pick('250m', '500m', '750m'), pick('1000m', '1500m', '2000m'), pick('256Mi', '512Mi', '768Mi'))),
    [ComponentId.RDP_GATEWAY]: sized(pick(1, 1, 3), r(pick('100m', '150m', '150m'), pick('200m', '300m', '500m'), pick('128Mi', '256Mi', '512Mi'))),
    [ComponentId.RDP_HTTPS_GATEWAY]: sized(pick(1, 1, 3), r(pick('100m', '150m', '150m'), pick('200m', '300m', '500m'), pick('128Mi', '256Mi', '512Mi'))),
    [ComponentId.SHARE]: sized(pick(1, 2, 3), r(pick('100m', '100m', '200m'), pick('200m', '300m', '400m'), pick('128Mi', '256Mi', '384Mi'))),
    [ComponentId.REDIS]: sized(1, r('100m', pick('200m', '300m', '500m'), pick('128Mi', '256Mi', '512Mi'))),
    [ComponentId.DB]: sized(1, resources(pick('500m', '512m', '512m'), pick('128Mi', '512Mi', '2048Mi'), pick('750m', '1500m', '4000m'), pick('384Mi', '2048Mi', '8192Mi'))),
  };
}

/** The Kasm 1.16.0 contract. */
export const KASM_1_16_0: KasmContract = {
  version: TAG,
  components: {
    [ComponentId.PROXY]: proxy,
    [ComponentId.API]: api,
    [ComponentId.MANAGER]: manager,
    [ComponentId.GUAC]: guac,
    [ComponentId.RDP_GATEWAY]: rdpGateway,
    [ComponentId.RDP_HTTPS_GATEWAY]: rdpHttpsGateway,
    [ComponentId.SHARE]: share,
    [ComponentId.REDIS]: redis,
    [ComponentId.DB]: db,
  },
  database: {
    component: db,
    databaseName: 'kasm',
    user: 'kasmapp',
    // [decision] Not stated for 1.16 (reference §4.1: unknown); the next charts name 14, so CloudNativePG uses 14.
    postgresMajorVersion: 14,
    // The 1.16 api and manager images read the database host from their own config files: always `db`.
    fixedClientHost: 'db',
    dataMountPath: '/var/lib/postgresql/data',
    pgdata: '/var/lib/postgresql/data/pgdata',
    configDir: '/var/lib/postgresql/conf',
  },
  dbInit: {
    image: image('api'),
    mode: DbInitMode.MOUNTED_SEED_SCRIPT,
    env: [
      // 1.16's images hard-code these; the seed script reads them, so they are passed explicitly.
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
    upstreams: proxyUpstreams(true),
    routes: routes.routes,
    routeOwners: routes.owners,
    configDir: '/etc/nginx/conf.d',
    servicesDir: '/etc/nginx/conf.d/services.d',
    staticRoot: '/srv/www',
  },
  edges: commonEdges({ share: true }),
  secretKeys: [
    SecretKey.ADMIN_PASSWORD, SecretKey.USER_PASSWORD, SecretKey.DB_PASSWORD, SecretKey.MANAGER_TOKEN, SecretKey.SERVICE_TOKEN,
    SecretKey.REDIS_PASSWORD,
  ],
  tlsRoles: {
    [TlsRole.PROXY]: [ComponentId.PROXY],
    [TlsRole.RDP]: [ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY],
    [TlsRole.DB]: [ComponentId.DB],
  },
  sizing: {
    [SizePreset.DEV]: {
      [ComponentId.PROXY]: sized(1, resources('50m', '64Mi', '500m', '256Mi')),
      [ComponentId.API]: sized(1, resources('100m', '256Mi', '1000m', '768Mi')),
      [ComponentId.MANAGER]: sized(1, resources('50m', '128Mi', '500m', '512Mi')),
      [ComponentId.GUAC]: sized(1, resources('100m', '128Mi', '1000m', '512Mi')),
      [ComponentId.RDP_GATEWAY]: sized(1, resources('25m', '64Mi', '500m', '256Mi')),
      [ComponentId.RDP_HTTPS_GATEWAY]: sized(1, resources('25m', '64Mi', '500m', '256Mi')),
      [ComponentId.SHARE]: sized(1, resources('25m', '64Mi', '250m', '256Mi')),
      [ComponentId.REDIS]: sized(1, resources('25m', '32Mi', '250m', '128Mi')),
      [ComponentId.DB]: sized(1, resources('100m', '256Mi', '1000m', '1Gi')),
    },
    [SizePreset.SMALL]: preset('small'),
    [SizePreset.MEDIUM]: preset('medium'),
    [SizePreset.LARGE]: preset('large'),
  },
  proxyWorkers: { [SizePreset.DEV]: 1, [SizePreset.SMALL]: 2, [SizePreset.MEDIUM]: 6, [SizePreset.LARGE]: 12 },
  waitImages: {
    [ReadinessCheck.HTTP_HEALTHY]: CURL_IMAGE,
    [ReadinessCheck.TCP_OPEN]: CURL_IMAGE,
    [ReadinessCheck.POSTGRES_ACCEPTING]: image('api'),
    [ReadinessCheck.DATABASE_SEEDED]: image('api'),
    [ReadinessCheck.REDIS_PONG]: REDIS_IMAGE,
  },
  optionalComponents: [ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY, ComponentId.SHARE],
};
