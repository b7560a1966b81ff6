/**
 * The container and component side of a release's contract: what each image expects (ports, env, probes, writable
 * paths, TLS files) and how a component runs (workload kind, sidecars, scaling). Re-exported by `./types`.
 */
import type { ProxyRoute, ProxyUpstream } from './proxy-types';
import type { ComponentId, SecretKey, TlsRole } from './types';

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
  /**
   * The host name native RDP clients are sent to: a KasmRdpExposure's `hostname` when RDP is published with one, else
   * the RDP gateway's Service name (the 1.19 chart's `SERVER_HOSTNAME`, `kasm.rdpAccessURL` or the Service).
   */
  RDP_ACCESS_HOSTNAME = 'rdpAccessHostname',
}

/** One env var of a container, in the order the container receives it. */
export interface EnvContract {
  readonly name: string;
  readonly source: EnvSource;
}

/** A TLS Secret mounted into a component: which file each key becomes. */
export interface TlsMountContract {
  readonly role: TlsRole;
  readonly certPath: string;
  readonly keyPath: string;
  /** File mode of both files; PostgreSQL rejects a key readable by others. */
  readonly mode: number;
  /**
   * Where the Secret's `ca.crt` (the internal CA that issued it) is mounted, for a container that verifies its own
   * TLS hops to other components against that CA.
   * @default - not mounted
   */
  readonly caPath?: string;
}

/** A path the component writes to; backed by an emptyDir so the root filesystem can stay read-only. */
export interface WritablePathContract {
  readonly path: string;
  /** emptyDir size limit, e.g. '256Mi'. */
  readonly sizeLimit: string;
}

/** A configuration file the image reads, mounted read-only from a ConfigMap the control plane writes. */
export interface ConfigFileContract {
  /** Absolute path in the container; the file alone is mounted (subPath), the rest of its folder stays the image's. */
  readonly path: string;
  /** The file's text. */
  readonly content: string;
}

/** How a health endpoint is probed. */
export type HealthCheck =
  | { readonly kind: 'http'; readonly port: number; readonly path: string; readonly scheme: 'HTTP' | 'HTTPS' }
  | { readonly kind: 'tcp'; readonly port: number }
  | { readonly kind: 'exec'; readonly command: readonly string[] };

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
  /**
   * The nginx configuration this sidecar runs (the 1.19 gateways' TLS sidecars), generated into a ConfigMap of its
   * own and mounted over the image's `/etc/nginx/nginx.conf` and `conf.d`.
   * @default - the image's own configuration
   */
  readonly nginx?: NginxSidecarContract;
}

/**
 * The routes of a gateway's nginx sidecar: one TLS listener (the sidecar's first port, its first TLS mount) in front
 * of the gateway's own ports on loopback. Routes and upstreams name components like the proxy's do; the pod's own
 * component is reached on 127.0.0.1, any other through its Service with the TLS hop verified.
 */
export interface NginxSidecarContract {
  readonly upstreams: readonly ProxyUpstream[];
  readonly routes: readonly ProxyRoute[];
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
   * Why a {@link ScalingMode.FIXED} component runs exactly one pod, in the error that refuses more.
   * @default 'this component keeps state in memory and runs as exactly 1 replica'
   */
  readonly singleReplicaReason?: string;
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
   * Files mounted into the main container from a ConfigMap of the component's own (`<workloadName>-files`).
   * @default [] (the image's own files)
   */
  readonly configFiles?: readonly ConfigFileContract[];
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
