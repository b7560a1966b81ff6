/**
 * The shapes `diagnose` reads from a cluster dump and the report it returns.
 *
 * Object types are deliberately loose (only the fields diagnose reads are named): a dump comes from whatever API
 * server and kubectl version the user has, and a missing field must degrade an explanation, not crash it.
 */

/** An owner reference, as controllers write them. */
export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

/** The metadata fields diagnose reads. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly uid?: string;
}

/** Any Kubernetes object of a dump; `spec` and `status` stay untyped because their shape depends on the kind. */
export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: any;
  readonly status?: any;
  readonly [field: string]: any;
}

/** One of the three states the kubelet reports for a container. */
export interface ContainerState {
  readonly waiting?: { readonly reason?: string; readonly message?: string };
  readonly running?: { readonly startedAt?: string };
  readonly terminated?: {
    readonly exitCode: number;
    readonly reason?: string;
    readonly message?: string;
    readonly signal?: number;
    readonly startedAt?: string;
    readonly finishedAt?: string;
  };
}

/** A container status as the kubelet writes it into `status.containerStatuses` and `initContainerStatuses`. */
export interface ContainerStatus {
  readonly name: string;
  readonly image?: string;
  readonly containerID?: string;
  readonly ready: boolean;
  readonly started?: boolean;
  readonly restartCount: number;
  readonly state?: ContainerState;
  readonly lastState?: ContainerState;
}

/** A pod condition (`PodScheduled`, `Initialized`, `Ready`, ...). */
export interface PodCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

/** A core/v1 Event, recorded either by a core/v1 client (`count`) or an events.k8s.io one (`eventTime`). */
export interface KubeEvent extends KubeObject {
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number | null;
  readonly involvedObject: { readonly kind: string; readonly name: string; readonly fieldPath?: string };
}

/** Whether a finding stops pods from becoming Ready, or breaks traffic while every pod looks Ready. */
export type Severity = 'stuck' | 'degraded';

/** The overall verdict; `stuck` wins over `degraded`. */
export type DiagnosisStatus = 'healthy' | 'stuck' | 'degraded';

/** A pod a root cause keeps from being Ready, with the STATUS kubectl shows for it. */
export interface AffectedPod {
  readonly name: string;
  readonly status: string;
}

/** One root cause, with the chain from the stuck pod the user looks at down to the cause. */
export interface RootCause {
  /** Stable identifier of the cause, e.g. `storageclass-missing:local-path`; the same cause always has the same id. */
  readonly id: string;
  /** Namespace the cause lives in: the diagnosed one, or one the walk followed an edge into (`database` for CNPG). */
  readonly namespace: string;
  readonly severity: Severity;
  /** One sentence naming the cause. */
  readonly summary: string;
  /** Hops from the most dependent stuck pod to the cause, each `<subject> <state>: <why>`. */
  readonly chain: readonly string[];
  /** Every pod this cause keeps from being Ready, sorted by name. */
  readonly affectedPods: readonly AffectedPod[];
  /** A command that shows the cause with the user's own eyes. */
  readonly confirm: string;
  /** The command or change that removes the cause. */
  readonly fix: string;
  /** Messages from the dump (statuses, events) the cause was read from. */
  readonly evidence: readonly string[];
}

/** What `diagnose` returns: stable (sorted) so that two runs over the same dump print the same bytes. */
export interface DiagnosisReport {
  /**
   * Version of this shape; bumped when a field is removed or changes meaning. Added fields keep it (readers ignore
   * what they do not know): RootCause.namespace came with version 1 unchanged, documented in docs/troubleshooting.md.
   */
  readonly schemaVersion: 1;
  readonly namespace: string;
  /** The Kasm release whose dependency graph was walked. */
  readonly kasmVersion: string;
  readonly status: DiagnosisStatus;
  /** Stuck causes first, then by number of affected pods (most first), then by id. */
  readonly rootCauses: readonly RootCause[];
  /** Pods that are Ready, or finished their Job; sorted. */
  readonly healthyPods: readonly string[];
  /** Jobs that reached `Complete`; sorted. */
  readonly completedJobs: readonly string[];
  /** Things diagnose could not check or chose to ignore, e.g. a version it fell back from. */
  readonly notes: readonly string[];
}

/** Options of {@link diagnose}. */
export interface DiagnoseOptions {
  /**
   * Namespace Kasm runs in; objects of other namespaces in the dump are ignored.
   * @default the namespace most pods of the dump are in
   */
  readonly namespace?: string;
  /**
   * Kasm release whose contract (dependency graph, names) is used.
   * @default the pods' `app.kubernetes.io/version` label, or 1.18.1 when no pod carries a supported one
   */
  readonly kasmVersion?: string;
  /**
   * Whether kube-system's HelmChartConfigs were fetched, so that finding none is itself a finding.
   * @default false: the Traefik timeout check runs only when the dump holds at least one HelmChartConfig
   */
  readonly helmChartConfigsFetched?: boolean;
}
