/**
 * The runtime contract of one Kasm Workspaces release, as data.
 *
 * Kasm's containers find each other by Service name, read fixed env var names and expect files at fixed
 * paths, so every construct, the nginx configuration, the wait loops, the NetworkPolicies and the doctor are
 * derived from this one model instead of repeating literals. Facts come from Kasm's official charts
 * (https://github.com/kasmtech/kasm-helm); where the charts leave a fact open, the contract entry says what we decided and why ([decision]).
 */
import type {
  ComponentContract, EnvContract, ImageRef, SizingContract, WritablePathContract,
} from './component-types';
import type { ProxyContract } from './proxy-types';

export * from './component-types';
export * from './proxy-types';

/** Every component a Kasm control plane can have; a version lists the ones it ships. */
export enum ComponentId {
  PROXY = 'proxy',
  API = 'api',
  MANAGER = 'manager',
  GUAC = 'guac',
  RDP_GATEWAY = 'rdpGateway',
  RDP_HTTPS_GATEWAY = 'rdpHttpsGateway',
  SHARE = 'share',
  REDIS = 'redis',
  DB = 'db',
  DB_INIT = 'dbInit',
  /** The database backup and restore Jobs (present when backups are configured). */
  DB_BACKUP = 'dbBackup',
  /** The pre-upgrade dump Job (present while a deployment is upgraded between releases). */
  DB_UPGRADE = 'dbUpgrade',
  /**
   * Kasm's development line (chart 1.1200.0-develop): guac and both RDP gateways in one StatefulSet behind one nginx
   * on 8443. No shipped release has it yet; a contract entry that lists it deploys it with no construct change.
   */
  CONNECTION_PROXY = 'connectionProxy',
}

/** Peers outside the Kasm namespace that the dependency graph needs to name. */
export enum ExternalPeer {
  /** Kasm agents and the desktop sessions they host; they run outside the cluster. */
  AGENTS = 'agents',
  /** The ingress controller that forwards browser traffic to the proxy. */
  INGRESS_CONTROLLER = 'ingressController',
  /** Fixed servers Kasm connects users to over RDP, VNC or SSH (through guac and the RDP gateways). */
  SERVERS = 'servers',
}

/** Keys of the `<name>-secrets` Secret, as the Kasm images and the db-init seed expect them. */
export enum SecretKey {
  ADMIN_PASSWORD = 'admin-password',
  USER_PASSWORD = 'user-password',
  DB_PASSWORD = 'db-password',
  MANAGER_TOKEN = 'manager-token',
  SERVICE_TOKEN = 'service-token',
  REDIS_PASSWORD = 'redis-password',
}

/** Roles of the TLS certificates inside the control plane; each role is one `kubernetes.io/tls` Secret. */
export enum TlsRole {
  /** The proxy's 8443 listener. */
  PROXY = 'proxy',
  /**
   * The connection gateways: rdpproxy and the RDP-over-HTTPS gateway share one certificate, and from 1.19 the
   * gateways' nginx sidecars (guac's included) serve it too, with the StatefulSets' per-pod names.
   */
  RDP = 'rdp',
  /** PostgreSQL, which refuses non-TLS connections from other pods. */
  DB = 'db',
}

/**
 * What "ready" means for a dependency, i.e. how a wait loop checks it.
 *
 * Every check fails on errors and times out each attempt: the official chart's `curl` loops accept any HTTP
 * answer (even a 500) and can hang for minutes on a silent drop, which is how pods end up in `Init:1/5`.
 */
export enum ReadinessCheck {
  /** `curl --fail` on the target's health path: a 2xx/3xx answer within the attempt timeout. */
  HTTP_HEALTHY = 'httpHealthy',
  /** `pg_isready`: the server accepts connections (no authentication). */
  POSTGRES_ACCEPTING = 'postgresAccepting',
  /** `psql` as the Kasm user finds a row in `zones`: server up, password right and db-init done. */
  DATABASE_SEEDED = 'databaseSeeded',
  /** `redis-cli ping` answers PONG with the password. */
  REDIS_PONG = 'redisPong',
  /** A TCP connection opens within the attempt timeout (for components without an HTTP health path). */
  TCP_OPEN = 'tcpOpen',
  /**
   * DATABASE_SEEDED, then Kasm's own alembic reports the schema at `(head)`: the seed and every migration of this
   * release are done (what the 1.19 chart's `db-is-ready` waits for before api and manager start).
   */
  DATABASE_MIGRATED = 'databaseMigrated',
}

/** One edge of the dependency graph: `from` opens connections to `to` on `port`. */
export interface DependencyEdge {
  readonly from: ComponentId | ExternalPeer;
  readonly to: ComponentId | ExternalPeer;
  /** Destination port number (on the pod, i.e. the container port). */
  readonly port: number;
  /** Why the edge exists, shown in doctor reports and test names. */
  readonly purpose: string;
  /** When set, `from` must not start before this check passes: an init container waits for it. */
  readonly waitFor?: ReadinessCheck;
}

/** How the db-init Job seeds the database. */
export enum DbInitMode {
  /** Run the api image's own `/usr/bin/startup.sh` with `DB_AUTO_INITIALIZE=true` and `POST_DB_INIT_EXIT=true`. */
  IMAGE_STARTUP_SCRIPT = 'imageStartupScript',
  /** Run a seed script of ours (mounted from a ConfigMap), as the 1.16 chart had to. */
  MOUNTED_SEED_SCRIPT = 'mountedSeedScript',
}

/** How a release moves an existing database onto its schema (the api image's migration). */
export interface UpgradeContract {
  /** Releases this one may be upgraded from directly; anything else needs an intermediate upgrade. */
  readonly from: readonly string[];
  /** The api image's command that migrates a database of an older release to this release's schema. */
  readonly migrateCommand: readonly string[];
}

/** The database side of the contract. */
export interface DatabaseContract {
  readonly component: ComponentContract;
  readonly databaseName: string;
  readonly user: string;
  /** Major PostgreSQL version the Kasm release supports (CloudNativePG images are chosen by it). */
  readonly postgresMajorVersion: number;
  /**
   * Host name the release's api and manager use whatever the env says (1.16.0: `db`, read from their baked-in
   * configuration); `undefined` when they honour `POSTGRES_HOST`. A database under another name then needs an alias
   * Service of this name in the control plane's namespace.
   */
  readonly fixedClientHost?: string;
  /**
   * `max_connections` per size preset and zone, where the release's pools need more than PostgreSQL's 100 (1.19's api
   * and manager each hold a pool of 10 plus 20 overflow).
   * @default - 100 in every preset
   */
  readonly maxConnectionsPerZone?: Readonly<Record<SizePreset, number>>;
  /**
   * Server settings the release's chart sets (`postgresql.conf` lines, CloudNativePG `parameters`); they replace ours.
   * @default {} - ours only
   */
  readonly serverSettings?: Readonly<Record<string, string>>;
  readonly dataMountPath: string;
  /** PGDATA, a subdirectory of the data mount so initdb never meets `lost+found`. */
  readonly pgdata: string;
  readonly configDir: string;
}

/** The db-init Job. */
export interface DbInitContract {
  readonly image: ImageRef;
  readonly mode: DbInitMode;
  /**
   * Retry the seed and succeed only with the schema at alembic head (the 1.19 chart's db-init).
   * @default false - one run, then a zone row
   */
  readonly untilMigrationHead?: boolean;
  readonly env: readonly EnvContract[];
  readonly writablePaths: readonly WritablePathContract[];
  readonly runAsUser: number;
}

/** Size presets a release defines. */
export enum SizePreset {
  /** Ours: fits a 2 vCPU / 4 GiB single-node K3s box next to K3s's own pods. */
  DEV = 'dev',
  SMALL = 'small',
  MEDIUM = 'medium',
  LARGE = 'large',
}

/** The full contract of one Kasm release. */
export interface KasmContract {
  readonly version: string;
  readonly components: Readonly<Partial<Record<ComponentId, ComponentContract>>>;
  readonly database: DatabaseContract;
  readonly dbInit: DbInitContract;
  readonly proxy: ProxyContract;
  readonly edges: readonly DependencyEdge[];
  /** Keys `<name>-secrets` must hold for this release. */
  readonly secretKeys: readonly SecretKey[];
  /** SANs (short Service names) each TLS role must carry; namespace-qualified forms are added at synth. */
  readonly tlsRoles: Readonly<Partial<Record<TlsRole, readonly ComponentId[]>>>;
  readonly sizing: Readonly<Record<SizePreset, Readonly<Partial<Record<ComponentId, SizingContract>>>>>;
  /** nginx worker processes per size preset. */
  readonly proxyWorkers: Readonly<Record<SizePreset, number>>;
  /** Image each kind of wait loop runs in (it must carry curl, psql, pg_isready or redis-cli accordingly). */
  readonly waitImages: Readonly<Partial<Record<ReadinessCheck, ImageRef>>>;
  /** Components that may be switched off, and what depends on them. */
  readonly optionalComponents: readonly ComponentId[];
  /**
   * Whether this library writes the zone's Upstream Auth address into the database (db-init, after the seed): true
   * where Kasm's own chart seeds the zone's `upstream_auth_address` (1.19's preseed), so the column is known.
   * @default false - the address is only written into NOTES.md and the onboarding ConfigMap for the admin UI
   */
  readonly seedsZoneSettings?: boolean;
  /**
   * How an existing deployment of an older release is upgraded to this one; `undefined` when this library offers
   * no upgrade into this release.
   * @default - no supported upgrade path
   */
  readonly upgrade?: UpgradeContract;
}
