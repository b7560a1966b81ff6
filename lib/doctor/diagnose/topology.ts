/**
 * The contract's dependency graph, mapped onto the live objects of a dump.
 *
 * A stuck pod names what it waits for only through its init container (`wait-for-<workload>`); the release
 * contract turns that name into the target's Service, pod labels and graph edge, so the walk follows the same data
 * that generated the wait loops instead of guessing from object names.
 */
import { KasmVersion } from '../../contract/version';
import { ComponentContract, ComponentId, DependencyEdge, ExternalPeer, ReadinessCheck } from '../../contract/types';
import { DumpIndex } from './dump';
import { KubeObject } from './types';
import { compareText } from '../../core/order';

/** Label keys the constructs put on every pod (kept in step with lib/core/metadata.ts). */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const VERSION_LABEL = 'app.kubernetes.io/version';
/** The label CloudNativePG puts on every pod of a Cluster. */
export const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';

/** The release diagnose falls back to when no pod says which one it runs. */
export const DEFAULT_VERSION = KasmVersion.V1_18_1;

/** Name suffix of the wait loop that waits for the database (the control plane names it `wait-for-database`). */
const DATABASE_WAIT_TARGET = 'database';

/** What one `wait-for-*` init container waits for. */
export interface WaitTarget {
  /** Init container name, e.g. `wait-for-kasm-api`. */
  readonly container: string;
  /** The component waited for; the database is `ComponentId.DB` whether it is our StatefulSet or a CNPG Cluster. */
  readonly target: ComponentId;
  /** Service name the loop connects to, read from its script (falls back to the contract). */
  readonly host: string;
  /** Namespace of that Service when the script names one (`kasm-db-rw.database.svc`); else the pod's own. */
  readonly namespace?: string;
  /** The whole host name when it is not a cluster Service name (an external database, `db.example.com`). */
  readonly external?: string;
  readonly port: number;
  /** The contract edge, when the waiting pod's component is known. */
  readonly edge?: DependencyEdge;
}

/** kebab-case of a component id, as the `app.kubernetes.io/component` label carries it ('dbInit' -> 'db-init'). */
function componentLabelOf(id: ComponentId): string {
  return id.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Where a wait script connects: a Service (and its namespace, when named) or an external host, and the port. */
export interface ScriptTarget {
  readonly host: string;
  readonly port: number;
  readonly namespace?: string;
  readonly external?: string;
}

/**
 * Reads a host name as cluster DNS: `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]` are Services; anything else with
 * dots (`db.example.com`) is outside the cluster.
 */
export function serviceOfHost(host: string): { host: string; namespace?: string; external?: string } {
  const labels = host.split('.');
  if (labels.length === 1) return { host };
  if (labels.length === 2 || labels[2] === 'svc') return { host: labels[0], namespace: labels[1] };
  return { host: labels[0], external: host };
}

/** Host and port a wait script connects to (curl URL, psql/pg_isready flags, nc or redis-cli arguments). */
export function scriptTarget(script: string): ScriptTarget | undefined {
  const patterns = [
    /https?:\/\/([A-Za-z0-9.-]+):(\d+)/,
    /--host=["']?([A-Za-z0-9.-]+)["']?\s+--port=["']?(\d+)/,
    /\bnc -z(?: -w \d+)? ([A-Za-z0-9.-]+) (\d+)/,
    /redis-cli -h ([A-Za-z0-9.-]+) -p (\d+)/,
  ];
  for (const re of patterns) {
    const m = re.exec(script);
    if (m) return { ...serviceOfHost(m[1]), port: Number(m[2]) };
  }
  return undefined;
}

/** The dependency graph of one release, resolved against a dump. */
export class KasmTopology {
  /**
   * Picks the release from the pods' `app.kubernetes.io/version` label (the most common supported value).
   *
   * Returns a note when it had to fall back, so the report says which graph it walked and why.
   */
  static detect(pods: readonly KubeObject[], override?: string): { topology: KasmTopology; note?: string } {
    if (override) return { topology: new KasmTopology(KasmVersion.of(override, 'diagnose', 'kasmVersion')) };
    const counts = new Map<string, number>();
    for (const p of pods) {
      const v = p.metadata.labels?.[VERSION_LABEL];
      if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
    const supported = ranked.find(([v]) => KasmVersion.ALL.some((k) => k.version === v));
    if (supported) return { topology: new KasmTopology(KasmVersion.of(supported[0])) };
    const seen = ranked.map(([v]) => v);
    const note = seen.length === 0
      ? `no pod carries ${VERSION_LABEL}; walked the Kasm ${DEFAULT_VERSION.version} dependency graph`
      : `pods carry ${VERSION_LABEL} ${seen.join(', ')}, none of them supported (${KasmVersion.ALL.map((k) => k.version).join(', ')}); `
        + `walked the Kasm ${DEFAULT_VERSION.version} dependency graph`;
    return { topology: new KasmTopology(DEFAULT_VERSION), note };
  }

  constructor(public readonly version: KasmVersion) {}

  private get components(): ComponentContract[] {
    return Object.values(this.version.contract.components).filter((c): c is ComponentContract => !!c);
  }

  /** The contract of a component, or undefined (db-init has none of its own). */
  contractOf(id: ComponentId): ComponentContract | undefined {
    return this.version.contract.components[id] ?? (id === ComponentId.DB ? this.version.contract.database.component : undefined);
  }

  /** Which component a pod belongs to, from its name label (or CloudNativePG's cluster label for the database). */
  componentOf(pod: KubeObject): ComponentId | undefined {
    const labels = pod.metadata.labels ?? {};
    const byName = this.components.find((c) => c.workloadName === labels[NAME_LABEL]);
    if (byName) return byName.id;
    if (labels[COMPONENT_LABEL] === componentLabelOf(ComponentId.DB_INIT)) return ComponentId.DB_INIT;
    if (labels[CNPG_CLUSTER_LABEL]) return ComponentId.DB;
    return undefined;
  }

  /** The name users know a component by: its workload name ('kasm-api'), or 'db-init'. */
  displayName(id: ComponentId): string {
    return this.contractOf(id)?.workloadName ?? componentLabelOf(id);
  }

  /** Pods of a component, restricted to one instance when given (two Kasm instances may share a namespace). */
  podsOf(dump: DumpIndex, id: ComponentId, instance?: string): KubeObject[] {
    const instanceMatch = (p: KubeObject) => !instance || p.metadata.labels?.[INSTANCE_LABEL] === undefined || p.metadata.labels[INSTANCE_LABEL] === instance;
    return dump.pods().filter((p) => this.componentOf(p) === id && instanceMatch(p));
  }

  /** Ordering for picking the chain to show: the component closest to the user (the proxy) first. */
  rank(id: ComponentId | undefined): number {
    const order = [...this.components.map((c) => c.id), ComponentId.DB_INIT];
    const i = id === undefined ? -1 : order.indexOf(id);
    return i < 0 ? order.length : i;
  }

  /** The contract edge `from -> to` that a wait loop stands for (the one with `waitFor`), or any edge between them. */
  edgeBetween(from: ComponentId, to: ComponentId, port?: number): DependencyEdge | undefined {
    const edges = this.version.contract.edges.filter((e) => e.from === from && e.to === to);
    return edges.find((e) => e.waitFor && (port === undefined || e.port === port)) ?? edges.find((e) => port === undefined || e.port === port);
  }

  /** Edges whose both ends are in-namespace components (external peers are out of a namespace dump's reach). */
  componentEdges(): DependencyEdge[] {
    const external = Object.values(ExternalPeer) as string[];
    return this.version.contract.edges.filter((e) => !external.includes(e.from) && !external.includes(e.to));
  }

  /** What a `wait-for-*` init container of a pod waits for; undefined for other init containers. */
  waitTarget(pod: KubeObject, initContainer: any): WaitTarget | undefined {
    const name: string = initContainer?.name ?? '';
    if (!name.startsWith('wait-for-')) return undefined;
    const suffix = name.slice('wait-for-'.length);
    const target = suffix === DATABASE_WAIT_TARGET
      ? ComponentId.DB
      : this.components.find((c) => `wait-for-${c.workloadName}`.slice(0, 63) === name)?.id;
    if (!target) return undefined;
    const from = this.componentOf(pod);
    const script = [...(initContainer.command ?? []), ...(initContainer.args ?? [])].join(' ');
    const parsed = scriptTarget(script);
    const contractPort = from ? this.edgeBetween(from, target)?.port : undefined;
    const port = parsed?.port ?? contractPort ?? this.contractOf(target)?.ports[0]?.port ?? 0;
    const edge = from ? this.edgeBetween(from, target, port) : undefined;
    return {
      container: name, target, host: parsed?.host ?? this.contractOf(target)?.serviceName ?? suffix, port, edge,
      ...(parsed?.namespace ? { namespace: parsed.namespace } : {}), ...(parsed?.external ? { external: parsed.external } : {}),
    };
  }

  /** Whether a wait loop also needs the db-init Job to have seeded the schema. */
  static needsSeed(wait: WaitTarget): boolean {
    return wait.edge?.waitFor === ReadinessCheck.DATABASE_SEEDED;
  }
}
