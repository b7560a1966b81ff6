/**
 * The runtime contract of one Kasm Workspaces release, as data.
 *
 * Kasm's containers find each other by Service name, read fixed env var names and expect files at fixed
 * paths, so every construct, the nginx configuration, the wait loops, the NetworkPolicies and the doctor are
 * derived from this one model instead of repeating literals. Facts come from `shared/reference/` (the official
 * charts); where a fact was marked [inference] there, the contract entry says what we decided and why.
 */

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

/** A container image reference pinned to an exact tag. */
export interface ImageRef {
  readonly repository: string;
  readonly tag: string;
}

/** One TCP port of a component. */
export interface PortContract {
  /** IANA_SVC_NAME (at most 15 characters), used on the container and the Service. */
  readonly name: string;
  readonly port: number;
  /** Whether the Service publishes this port. */
  readonly exposed: boolean;
}

/** Where the value of one env var comes from. */
export type EnvSource =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'secret'; readonly key: SecretKey }
  /** A value resolved at synth time from another part of the contract (e.g. the database Service name). */
  | { readonly kind: 'derived'; readonly from: DerivedValue }
  /** A field of the pod itself (the Downward API), e.g. `metadata.name` for a StatefulSet pod's own host name. */
  | { readonly kind: 'field'; readonly fieldPath: PodField }
  /**
   * Text with derived values filled in: `${clusterDomain}` and the other {@link DerivedValue} names in `${...}`; the
   * `$(VAR)` references Kubernetes expands from earlier env vars stay as written (a per-pod address needs both).
   */
  | { readonly kind: 'template'; readonly template: string };

/** Pod fields a contract may read through the Downward API. */
export enum PodField {
  POD_NAME = 'metadata.name',
  POD_NAMESPACE = 'metadata.namespace',
  POD_IP = 'status.podIP',
}

/** Values that depend on the deployment rather than on the release (kept symbolic in the contract). */
export enum DerivedValue {
  DB_HOST = 'dbHost',
  DB_PORT = 'dbPort',
  DB_NAME = 'dbName',
  DB_USER = 'dbUser',
  ZONE_NAME = 'zoneName',
  /** The cluster's DNS domain (`cluster.local` unless the ClusterProfile says otherwise). */
  CLUSTER_DOMAIN = 'clusterDomain',
  /** The zone's name as Kasm puts it in object names: lower case, each run of other characters one '-'. */
  ZONE_SLUG = 'zoneSlug',
}

/** One env var of a container, in the order the container receives it. */
export interface EnvContract {
  readonly name: string;
  readonly source: EnvSource;
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
  /** The RDP gateways (rdpproxy and the RDP-over-HTTPS gateway share one certificate). */
  RDP = 'rdp',
  /** PostgreSQL, which refuses non-TLS connections from other pods. */
  DB = 'db',
}

/** A TLS Secret mounted into a component: which file each key becomes. */
export interface TlsMountContract {
  readonly role: TlsRole;
  readonly certPath: string;
  readonly keyPath: string;
  /** File mode of both files; PostgreSQL rejects a key readable by others. */
  readonly mode: number;
}

/** A path the component writes to; backed by an emptyDir so the root filesystem can stay read-only. */
export interface WritablePathContract {
  readonly path: string;
  /** emptyDir size limit, e.g. '256Mi'. */
  readonly sizeLimit: string;
}

/** How a health endpoint is probed. */
export type HealthCheck =
  | { readonly kind: 'http'; readonly port: number; readonly path: string; readonly scheme: 'HTTP' | 'HTTPS' }
  | { readonly kind: 'tcp'; readonly port: number }
  | { readonly kind: 'exec'; readonly command: readonly string[] };

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

/** Resource requests and limits of one container, as Kubernetes quantities. */
export interface ResourceContract {
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
  readonly ephemeralStorageRequest: string;
  readonly ephemeralStorageLimit: string;
}

/** Replica count and resources of a component for one size preset. */
export interface SizingContract {
  readonly replicas: number;
  readonly resources: ResourceContract;
}

/** What one container of a component's pod needs, as its image expects it (the main container and each sidecar). */
export interface ContainerContract {
  readonly image: ImageRef;
  /** Container ports in declaration order; the main container's first is the component's main port. */
  readonly ports: readonly PortContract[];
  readonly env: readonly EnvContract[];
  readonly readiness: HealthCheck;
  readonly liveness: HealthCheck;
  readonly writablePaths: readonly WritablePathContract[];
  readonly tlsMounts: readonly TlsMountContract[];
  /**
   * Container command override.
   * @default - the image's entrypoint and command
   */
  readonly args?: readonly string[];
}

/**
 * A further container in a component's pod, next to the main one (the connection proxy runs guac and both RDP
 * gateways beside its nginx). It shares the pod's user, network and Service; its ports join the pod's.
 */
export interface SidecarContract extends ContainerContract {
  /** Container name, unique in the pod (a DNS label). */
  readonly name: string;
  /**
   * Requests and limits of this container in every size preset: the preset scales the component by replicas, and
   * `components.<id>.resources` sizes the main container only.
   */
  readonly resources: ResourceContract;
}

/** The Kubernetes workload a component runs as. */
export enum WorkloadKind {
  /** Interchangeable pods behind a ClusterIP Service (every component of the shipped releases). */
  DEPLOYMENT = 'Deployment',
  /**
   * Pods with stable names behind a headless Service of the same name, so each is reachable as
   * `<pod>.<service>.<namespace>.svc.<cluster domain>` (Kasm's connection proxy registers that address per pod).
   */
  STATEFUL_SET = 'StatefulSet',
}

/** Everything one component needs, as the images expect it: its main container, and how it runs. */
export interface ComponentContract extends ContainerContract {
  readonly id: ComponentId;
  /** Name of the Service other components call; the images hard-code it. */
  readonly serviceName: string;
  /** Workload and pod label name (`app.kubernetes.io/name`), and the main container's name. */
  readonly workloadName: string;
  /** The Kubernetes-internal user and group the image is built to run as (every container of the pod). */
  readonly runAsUser: number;
  /** How the component may run more than one pod. */
  readonly scaling: ScalingMode;
  /**
   * The workload kind; a StatefulSet gets a headless Service under `serviceName`.
   * @default WorkloadKind.DEPLOYMENT
   */
  readonly workloadKind?: WorkloadKind;
  /**
   * The component runs once per zone (api, manager and proxy in 1.19), under this Service name with `{zone}` standing
   * for the zone's slug; every zone's workload is `<workloadName>-<zone>` except the first zone's, which keeps
   * `workloadName`.
   * @default - one instance, shared by every zone
   */
  readonly zoneServiceName?: string;
  /**
   * Containers beside the main one, in pod order.
   * @default [] (one container per pod)
   */
  readonly sidecars?: readonly SidecarContract[];
}

/** How a component may scale; KasmScaling and the replica checks read it. */
export enum ScalingMode {
  /** Stateless behind its Service: any number of replicas, and an HPA may change it (api, manager, proxy). */
  HORIZONTAL = 'horizontal',
  /**
   * Several pods are fine, but each registers itself with the api and holds live sessions behind one ClusterIP
   * Service, so the count is set by hand and never by an HPA, which would cut sessions on scale-in (guac, the RDP
   * gateways, share).
   */
  PER_POD = 'perPod',
  /** Exactly one pod (the database, redis). */
  FIXED = 'fixed',
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
  readonly dataMountPath: string;
  /** PGDATA, a subdirectory of the data mount so initdb never meets `lost+found`. */
  readonly pgdata: string;
  readonly configDir: string;
}

/** The db-init Job. */
export interface DbInitContract {
  readonly image: ImageRef;
  readonly mode: DbInitMode;
  readonly env: readonly EnvContract[];
  readonly writablePaths: readonly WritablePathContract[];
  readonly runAsUser: number;
}

/** One nginx location of the proxy; see `lib/proxy-config.ts` for how each kind is rendered. */
export type ProxyRoute =
  /** Pass to a component's upstream (a named upstream block with keepalive). */
  | {
    readonly kind: 'service';
    readonly location: string;
    readonly upstream: string;
    /** Path appended to the upstream, e.g. '/' to strip the location prefix. */
    readonly upstreamPath?: string;
    readonly scheme?: 'http' | 'https';
    /** Forward the original scheme and port, which Kasm uses to build desktop URLs. */
    readonly forwardedPort?: boolean;
    /** Idle timeout of long-lived (websocket, RDP) connections; unset keeps nginx's 60 s. */
    readonly longLived?: boolean;
    readonly timeoutSeconds?: number;
    readonly cors?: 'subscriptions';
    readonly hsts?: boolean;
  }
  /** An internal auth_request subrequest target. */
  | { readonly kind: 'authSubrequest'; readonly location: string; readonly component: ComponentId; readonly port: number; readonly path: string; readonly passCookies: boolean }
  /** A location whose upstream (a desktop on an agent) is chosen by an auth subrequest's answer headers. */
  | { readonly kind: 'agentSession'; readonly location: string; readonly authLocation: string; readonly stripPrefix: string; readonly dynamicScheme: boolean; readonly bearer: boolean }
  /** Guacamole links that loop back into the proxy's own HTTP listener or into the guacd backends. */
  | { readonly kind: 'guacLoopback'; readonly location: string; readonly target: 'loopback' | 'backend' }
  /** A direct pass to `<component service>:<port><path>` without an upstream block. */
  | { readonly kind: 'direct'; readonly location: string; readonly component: ComponentId; readonly port: number; readonly path: string; readonly longLived?: boolean }
  | { readonly kind: 'corsPreflight'; readonly location: string }
  | { readonly kind: 'ok'; readonly location: string }
  | { readonly kind: 'static'; readonly location: string; readonly root: string; readonly workspaceRewrites: boolean };

/** An nginx upstream block of the proxy. */
export interface ProxyUpstream {
  readonly name: string;
  readonly component: ComponentId;
  readonly ports: readonly number[];
}

/** The proxy's nginx configuration, as data. */
export interface ProxyContract {
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly upstreams: readonly ProxyUpstream[];
  readonly routes: readonly ProxyRoute[];
  /** The component each route depends on, so a disabled component drops its routes. */
  readonly routeOwners: Readonly<Record<string, ComponentId>>;
  readonly configDir: string;
  readonly servicesDir: string;
  readonly staticRoot: string;
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
