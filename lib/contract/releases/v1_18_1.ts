/**
 * Kasm Workspaces 1.18.1, as the official `charts/kasm` 1.1181.x deploys it (https://github.com/kasmtech/kasm-helm, `charts/kasm/`).
 *
 * Service names, ports, port names, env and paths are the chart's; the choices marked [decision] are ours where
 * the chart leaves a fact open (a template we could not read at 1.1181.x, or a value the images decide).
 */
import { commonEdges } from '../graph';
import { HEALTH_PATHS, httpCheck, PORTS, tcpCheck } from '../ports';
import { rdpGatewayConfigFile } from '../rdp-gateway-config';
import { proxyRoutes, proxyUpstreams } from '../routes';
import { resources, sized } from '../sizing';
import {
  ComponentContract, ComponentId, ScalingMode, DbInitMode, DerivedValue, EnvContract, KasmContract, ReadinessCheck, SecretKey, SizePreset,
  TlsRole,
} from '../types';

const TAG = '1.18.1';
const KASM_UID = 1000;
/** The kasmweb/postgres image is built on the Alpine postgres image, whose `postgres` user is 70. */
const POSTGRES_UID = 70;

const lit = (name: string, value: string): EnvContract => ({ name, source: { kind: 'literal', value } });
const secret = (name: string, key: SecretKey): EnvContract => ({ name, source: { kind: 'secret', key } });
const derived = (name: string, from: DerivedValue): EnvContract => ({ name, source: { kind: 'derived', from } });

/** The `POSTGRES_*` set 1.18.1 passes to every database client. */
const POSTGRES_ENV: EnvContract[] = [
  derived('POSTGRES_HOST', DerivedValue.DB_HOST),
  derived('POSTGRES_PORT', DerivedValue.DB_PORT),
  derived('POSTGRES_DB', DerivedValue.DB_NAME),
  derived('POSTGRES_USER', DerivedValue.DB_USER),
  secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD),
];

const image = (name: string) => ({ repository: `kasmweb/${name}`, tag: TAG });

const proxy: ComponentContract = {
  id: ComponentId.PROXY,
  serviceName: 'kasm-proxy-default',
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
  ports: [{ name: 'api-pt', port: PORTS.api, exposed: true }],
  env: [
    lit('START_SERVICES', 'true'),
    // Kasm reads this as "running in Kubernetes"; it overrides the kubelet's variable, exactly as the chart does.
    lit('KUBERNETES_SERVICE_HOST', 'true'),
    ...POSTGRES_ENV,
  ],
  readiness: httpCheck(PORTS.api, HEALTH_PATHS.api),
  liveness: tcpCheck(PORTS.api),
  runAsUser: KASM_UID,
  // [decision] The chart's api container runs with a writable root by accident (§2.6 bug); 1.19 mounts /tmp, so do we.
  writablePaths: [{ path: '/tmp', sizeLimit: '256Mi' }],
  tlsMounts: [],
  scaling: ScalingMode.HORIZONTAL,
};

const manager: ComponentContract = {
  id: ComponentId.MANAGER,
  serviceName: 'kasm-manager-default',
  workloadName: 'kasm-manager',
  image: image('manager'),
  ports: [{ name: 'zn0-manager-pt', port: PORTS.manager, exposed: true }],
  env: [lit('LOG_LEVEL', 'INFO'), derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME), ...POSTGRES_ENV],
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
    { name: 'guac-pt', port: PORTS.guac, exposed: true },
    ...PORTS.guacd.map((port, i) => ({ name: `guacd-${i + 1}`, port, exposed: true })),
  ],
  env: [
    lit('CLUSTER_SIZE', String(PORTS.guacd.length)),
    secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
    derived('ZONE', DerivedValue.ZONE_NAME),
    lit('KUBERNETES_SERVICE_HOST', 'true'),
    lit('SERVER_ADDRESS', 'kasm-guac'),
    lit('SERVER_PORT', String(PORTS.guac)),
  ],
  readiness: httpCheck(PORTS.guac, HEALTH_PATHS.component),
  liveness: tcpCheck(PORTS.guac),
  runAsUser: KASM_UID,
  // [decision] The chart mounts the log emptyDir read-only, which defeats its purpose; ours is writable.
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
  serviceName: 'kasm-rdp-gateway',
  workloadName: 'kasm-rdp-gateway',
  image: image('rdp-gateway'),
  ports: [
    { name: 'rdp-gw-pt', port: PORTS.rdpGateway, exposed: true },
    // [decision] rdpproxy's native listener; the 1.16 Service publishes it, the 1.18.1 one is unverified.
    { name: 'rdp-native', port: PORTS.rdpNative, exposed: true },
  ],
  env: [
    derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME),
    secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
    lit('KUBERNETES_SERVICE_HOST', 'true'),
  ],
  readiness: httpCheck(PORTS.rdpGateway, HEALTH_PATHS.component),
  liveness: tcpCheck(PORTS.rdpGateway),
  runAsUser: KASM_UID,
  writablePaths: [
    { path: '/usr/local/etc/rdpproxy/var', sizeLimit: '1Gi' },
    { path: '/opt/kasm/current/log', sizeLimit: '256Mi' },
    { path: '/tmp', sizeLimit: '256Mi' },
  ],
  tlsMounts: [{ role: TlsRole.RDP, certPath: '/usr/local/etc/rdpproxy/rdpproxy.crt', keyPath: '/usr/local/etc/rdpproxy/rdpproxy.key', mode: 0o440 }],
  // The chart mounts passthrough.app.config.yaml from a ConfigMap (rdp-gateway-deployment.yaml@00b104b).
  configFiles: [rdpGatewayConfigFile()],
  scaling: ScalingMode.PER_POD,
};

const rdpHttpsGateway: ComponentContract = {
  id: ComponentId.RDP_HTTPS_GATEWAY,
  serviceName: 'kasm-rdp-https-gateway',
  workloadName: 'kasm-rdp-https-gateway',
  image: image('rdp-https-gateway'),
  ports: [{ name: 'rdp-https-gw-pt', port: PORTS.rdpHttpsGateway, exposed: true }],
  env: [
    derived('SERVER_ZONE_NAME', DerivedValue.ZONE_NAME),
    secret('REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
    lit('KUBERNETES_SERVICE_HOST', 'true'),
  ],
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

const db: ComponentContract = {
  id: ComponentId.DB,
  serviceName: 'kasm-db',
  workloadName: 'kasm-db',
  image: image('postgres'),
  ports: [{ name: 'db-pt', port: PORTS.postgres, exposed: true }],
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
  // [decision] Point postgres at our configuration explicitly instead of trusting the image's CMD to do it.
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
  [ComponentId.API]: sized(1, resources('100m', '256Mi', '1000m', '768Mi')),
  [ComponentId.MANAGER]: sized(1, resources('50m', '128Mi', '500m', '512Mi')),
  [ComponentId.GUAC]: sized(1, resources('100m', '128Mi', '1000m', '512Mi')),
  [ComponentId.RDP_GATEWAY]: sized(1, resources('25m', '64Mi', '500m', '256Mi')),
  [ComponentId.RDP_HTTPS_GATEWAY]: sized(1, resources('25m', '64Mi', '500m', '256Mi')),
  [ComponentId.DB]: sized(1, resources('100m', '256Mi', '1000m', '1Gi')),
};

/** Sizing for the official presets (`charts/kasm`: the `_helpers.tpl` resource presets and the replicas per `deploymentSize`). */
function preset(replicas: number, proxyReplicas: number, guacCpu: string, rdpCpu: string, dbRes: ReturnType<typeof resources>) {
  return {
    [ComponentId.PROXY]: sized(proxyReplicas, resources('150m', '64Mi', '500m', '512Mi')),
    [ComponentId.API]: sized(replicas, resources('150m', '64Mi', '500m', '512Mi')),
    [ComponentId.MANAGER]: sized(replicas, resources('150m', '64Mi', '500m', '512Mi')),
    [ComponentId.GUAC]: sized(replicas, resources('500m', '64Mi', guacCpu, '512Mi')),
    [ComponentId.RDP_GATEWAY]: sized(replicas, resources('150m', '64Mi', rdpCpu, '512Mi')),
    [ComponentId.RDP_HTTPS_GATEWAY]: sized(replicas, resources('150m', '64Mi', rdpCpu, '512Mi')),
    [ComponentId.DB]: sized(1, dbRes),
  };
}

/** The Kasm 1.18.1 contract. */
export const KASM_1_18_1: KasmContract = {
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
    // The chart's external-database text asks for PostgreSQL 14; the kasmweb/postgres image's major is not stated.
    postgresMajorVersion: 14,
    dataMountPath: '/var/lib/postgresql/data',
    pgdata: '/var/lib/postgresql/data/pgdata',
    configDir: '/var/lib/postgresql/conf',
  },
  dbInit: {
    image: image('api'),
    mode: DbInitMode.IMAGE_STARTUP_SCRIPT,
    env: [
      lit('POST_DB_INIT_EXIT', 'true'),
      lit('DB_AUTO_INITIALIZE', 'true'),
      ...POSTGRES_ENV,
      secret('DEFAULT_ADMIN_PASSWORD', SecretKey.ADMIN_PASSWORD),
      secret('DEFAULT_MANAGER_TOKEN', SecretKey.MANAGER_TOKEN),
      secret('DEFAULT_REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
      secret('DEFAULT_USER_PASSWORD', SecretKey.USER_PASSWORD),
    ],
    // [inference] The seed copies default_properties.yaml to /tmp; the log directory is where Kasm's python writes.
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
  edges: commonEdges({ share: false }),
  secretKeys: [SecretKey.ADMIN_PASSWORD, SecretKey.USER_PASSWORD, SecretKey.DB_PASSWORD, SecretKey.MANAGER_TOKEN, SecretKey.SERVICE_TOKEN],
  tlsRoles: {
    [TlsRole.PROXY]: [ComponentId.PROXY],
    [TlsRole.RDP]: [ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY],
    [TlsRole.DB]: [ComponentId.DB],
  },
  sizing: {
    [SizePreset.DEV]: dev,
    [SizePreset.SMALL]: preset(1, 1, '1000m', '500m', resources('500m', '128Mi', '750m', '512Mi')),
    [SizePreset.MEDIUM]: preset(2, 2, '1500m', '1000m', resources('512m', '512Mi', '1500m', '2048Mi')),
    [SizePreset.LARGE]: preset(3, 4, '2000m', '1500m', resources('512m', '2048Mi', '4000m', '8192Mi')),
  },
  proxyWorkers: { [SizePreset.DEV]: 1, [SizePreset.SMALL]: 2, [SizePreset.MEDIUM]: 6, [SizePreset.LARGE]: 12 },
  // 1.18.1 runs every wait loop in the api image, which has curl, psql and pg_isready.
  waitImages: {
    [ReadinessCheck.HTTP_HEALTHY]: image('api'),
    [ReadinessCheck.POSTGRES_ACCEPTING]: image('api'),
    [ReadinessCheck.DATABASE_SEEDED]: image('api'),
  },
  optionalComponents: [ComponentId.GUAC, ComponentId.RDP_GATEWAY, ComponentId.RDP_HTTPS_GATEWAY],
};

