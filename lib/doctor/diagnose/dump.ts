/**
 * Reads a dump (one `v1` `List`, as the dump command or the live mode writes it) and indexes its objects.
 *
 * Every detector asks the same questions (this pod's events, that Service's endpoints, the keys of a Secret), so
 * they are answered once here instead of each detector scanning the item list.
 */
import { KubeEvent, KubeObject } from './types';
import { compareText } from '../../core/order';

/** A dump that cannot be read; the CLI prints the message and exits 2. */
export class DumpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpError';
  }
}

/** Kinds that live outside namespaces; the dump command fetches them with the cluster-wide call. */
const CLUSTER_SCOPED = new Set(['StorageClass', 'Node', 'PersistentVolume', 'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'GatewayClass']);

/** Kinds fetched from other namespaces on purpose (Traefik's HelmChartConfig lives in kube-system). */
const CROSS_NAMESPACE = new Set(['HelmChartConfig']);

/** Items of a dump, accepting a `List`, a bare array, or nested `*List` documents. */
export function dumpItems(json: unknown): KubeObject[] {
  const out: KubeObject[] = [];
  const visit = (value: unknown, where: string, depth = 0): void => {
    if (depth > 8) throw new DumpError(`${where} nests Lists more than 8 deep; is this a dump made by the dump command?`);
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`, depth + 1));
      return;
    }
    if (!value || typeof value !== 'object') throw new DumpError(`${where} is not a Kubernetes object`);
    const obj = value as KubeObject;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray((obj as any).items)) {
      visit((obj as any).items, `${where}.items`, depth + 1);
      return;
    }
    if (typeof obj.kind !== 'string' || !obj.metadata || typeof obj.metadata.name !== 'string') {
      throw new DumpError(`${where} has no kind or metadata.name; is this a dump made by the dump command?`);
    }
    checkFields(obj, where);
    out.push(obj);
  };
  visit(json, 'dump');
  return out;
}

/** Fields the detectors read as strings, objects or arrays, each checked so a wrong type is a clear DumpError. */
const FIELD_TYPES: [string, 'string' | 'object' | 'array' | 'number'][] = [
  ['metadata.namespace', 'string'], ['metadata.labels', 'object'], ['metadata.annotations', 'object'], ['metadata.ownerReferences', 'array'],
  ['metadata.creationTimestamp', 'string'], ['status.phase', 'string'], ['status.conditions', 'array'], ['status.containerStatuses', 'array'],
  ['status.initContainerStatuses', 'array'], ['spec.containers', 'array'], ['spec.initContainers', 'array'], ['spec.volumes', 'array'],
  ['status.readyInstances', 'number'], ['spec.instances', 'number'], ['reason', 'string'], ['message', 'string'], ['involvedObject', 'object'],
  ['involvedObject.kind', 'string'], ['involvedObject.name', 'string'], ['subsets', 'array'], ['data', 'object'],
];

function typeOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

/** Throws a DumpError naming the first field of an object whose type is not the one the detectors read. */
function checkFields(obj: KubeObject, where: string): void {
  for (const [path, expected] of FIELD_TYPES) {
    let value: any = obj;
    for (const key of path.split('.')) value = value !== null && typeof value === 'object' ? value[key] : undefined;
    if (value === undefined || value === null || typeOf(value) === expected) continue;
    const shown = typeof value === 'object' ? typeOf(value) : JSON.stringify(value).slice(0, 40);
    throw new DumpError(`${where}.${path} is ${typeOf(value) === 'array' || typeOf(value) === 'object' ? 'an' : 'a'} ${typeOf(value)} (${shown}), expected ${expected === 'array' || expected === 'object' ? 'an' : 'a'} ${expected}`);
  }
}

/** The time an event last happened, whichever client recorded it. */
export function eventTime(e: KubeEvent): string {
  return e.lastTimestamp ?? e.series?.lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
}

/** The namespace most pods of a dump are in (ties: alphabetical), or undefined for a dump without pods. */
export function dominantNamespace(items: readonly KubeObject[]): string | undefined {
  const counts = new Map<string, number>();
  for (const o of items) {
    if (o.kind === 'Pod' && o.metadata.namespace) counts.set(o.metadata.namespace, (counts.get(o.metadata.namespace) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0]?.[0];
}

/** Namespaces of a dump's namespaced objects, sorted; for "no objects in namespace X" messages. */
export function namespacesOf(items: readonly KubeObject[]): string[] {
  return [...new Set(items.map((o) => o.metadata.namespace).filter((n): n is string => !!n))].sort();
}

/** Every object of a dump, indexed once by namespace, kind and name; shared by the namespaces' views. */
class DumpStore {
  readonly lists = new Map<string, KubeObject[]>();
  readonly byName = new Map<string, KubeObject>();
  readonly events = new Map<string, KubeEvent[]>();
  readonly namespaces = new Set<string>();

  /** Linear in the dump: each object is appended once (never copied into a new list), each list sorted once. */
  constructor(items: readonly KubeObject[]) {
    for (const o of items) {
      const ns = CLUSTER_SCOPED.has(o.kind) ? '' : o.metadata.namespace ?? '';
      if (ns) this.namespaces.add(ns);
      if (o.kind === 'Event') {
        const e = o as KubeEvent;
        push(this.events, eventKey(ns, e.involvedObject?.kind, e.involvedObject?.name), e);
        continue;
      }
      push(this.lists, listKey(ns, o.kind), o);
      const key = nameKey(ns, o.kind, o.metadata.name);
      if (!this.byName.has(key)) this.byName.set(key, o);
    }
    for (const list of this.lists.values()) list.sort((a, b) => compareText(a.metadata.name, b.metadata.name));
    for (const list of this.events.values()) {
      const keyed = list.map((e) => ({ e, t: eventTime(e) }));
      keyed.sort((a, b) => compareText(a.t, b.t) || compareText(a.e.metadata.name, b.e.metadata.name));
      keyed.forEach((k, i) => { list[i] = k.e; });
    }
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
const listKey = (ns: string, kind: string) => `${ns}\u0000${kind}`;
const nameKey = (ns: string, kind: string, name: string) => `${ns}\u0000${kind}\u0000${name}`;
const eventKey = (ns: string, kind: unknown, name: unknown) => `${ns}\u0000${String(kind)}\u0000${String(name)}`;

/** The objects of one namespace (plus cluster-scoped ones), indexed for the detectors; `in(ns)` views another. */
export class DumpIndex {
  private readonly store: DumpStore;
  private readonly views = new Map<string, DumpIndex>();

  constructor(items: readonly KubeObject[] | DumpStore, public readonly namespace: string) {
    this.store = items instanceof DumpStore ? items : new DumpStore(items);
  }

  /** The same dump seen from another namespace (the database's, the front door's); cached per namespace. */
  in(namespace: string): DumpIndex {
    if (namespace === this.namespace) return this;
    let view = this.views.get(namespace);
    if (!view) {
      view = new DumpIndex(this.store, namespace);
      this.views.set(namespace, view);
    }
    return view;
  }

  /** Whether the dump holds any object of a namespace (a dump made for one namespace holds nothing of the others). */
  hasNamespace(namespace: string): boolean {
    return this.store.namespaces.has(namespace);
  }

  /** Namespaces the dump holds objects of, sorted. */
  namespaces(): string[] {
    return [...this.store.namespaces].sort();
  }

  /** Objects of one kind, sorted by name (cluster-scoped kinds: the cluster's; HelmChartConfig: every namespace's). */
  all(kind: string): readonly KubeObject[] {
    if (CROSS_NAMESPACE.has(kind)) return this.everywhere(kind);
    return this.store.lists.get(listKey(CLUSTER_SCOPED.has(kind) ? '' : this.namespace, kind)) ?? [];
  }

  /** Objects of one kind in every namespace of the dump, by namespace then name. */
  everywhere(kind: string): KubeObject[] {
    return ['', ...this.namespaces()].flatMap((ns) => this.store.lists.get(listKey(ns, kind)) ?? []);
  }

  /** One object by kind and name. */
  get(kind: string, name: string): KubeObject | undefined {
    return this.store.byName.get(nameKey(CLUSTER_SCOPED.has(kind) ? '' : this.namespace, kind, name));
  }

  /** Events about one object, oldest first. */
  eventsFor(kind: string, name: string): readonly KubeEvent[] {
    return this.store.events.get(eventKey(this.namespace, kind, name)) ?? [];
  }

  /** The newest event about an object with one of the reasons, if any. */
  latestEvent(kind: string, name: string, reasons: readonly string[]): KubeEvent | undefined {
    const events = this.eventsFor(kind, name);
    for (let i = events.length - 1; i >= 0; i--) if (reasons.includes(events[i].reason ?? '')) return events[i];
    return undefined;
  }

  /** Pods that are not being deleted, sorted by name. */
  pods(): readonly KubeObject[] {
    return this.all('Pod').filter((p) => !p.metadata.deletionTimestamp);
  }

  /** Pods carrying every given label. */
  podsWithLabels(labels: Readonly<Record<string, string>>): KubeObject[] {
    return this.pods().filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v));
  }

  /** The controller (ownerReference with `controller: true`) of an object, looked up in the dump. */
  controllerOf(obj: KubeObject): KubeObject | undefined {
    const ref = obj.metadata.ownerReferences?.find((r) => r.controller) ?? obj.metadata.ownerReferences?.[0];
    return ref ? this.get(ref.kind, ref.name) : undefined;
  }

  /** The top-level workload of a pod: its Deployment (through the ReplicaSet), StatefulSet or Job. */
  workloadOf(pod: KubeObject): KubeObject | undefined {
    const owner = this.controllerOf(pod);
    if (owner?.kind === 'ReplicaSet') return this.controllerOf(owner) ?? owner;
    return owner;
  }

  /** Name of the Job that owns a pod, if any (read from the reference, so it works when the Job is gone). */
  jobNameOf(pod: KubeObject): string | undefined {
    return pod.metadata.ownerReferences?.find((r) => r.kind === 'Job')?.name;
  }

  /** Ready and not-ready endpoint addresses of a Service; undefined when the dump has no Endpoints object for it. */
  endpointsOf(service: string): { ready: number; notReady: number } | undefined {
    const ep = this.get('Endpoints', service);
    if (!ep) return undefined;
    const subsets: any[] = ep.subsets ?? [];
    return {
      ready: subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0),
      notReady: subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0),
    };
  }

  /** Key names of a Secret (the dump keeps names only), or undefined when the Secret does not exist. */
  secretKeys(name: string): string[] | undefined {
    const secret = this.get('Secret', name);
    return secret ? Object.keys({ ...(secret.data ?? {}), ...(secret.stringData ?? {}) }).sort() : undefined;
  }

  /** Key names of a ConfigMap, or undefined when it does not exist. */
  configMapKeys(name: string): string[] | undefined {
    const cm = this.get('ConfigMap', name);
    return cm ? Object.keys({ ...(cm.data ?? {}), ...(cm.binaryData ?? {}) }).sort() : undefined;
  }

  /** The newest ReplicaSet a Deployment owns (highest `deployment.kubernetes.io/revision`). */
  newestReplicaSetOf(deployment: KubeObject): KubeObject | undefined {
    const owned = this.all('ReplicaSet').filter((rs) => rs.metadata.ownerReferences?.some((r) => r.kind === 'Deployment' && r.name === deployment.metadata.name));
    const revision = (rs: KubeObject) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
    return owned.sort((a, b) => revision(b) - revision(a) || compareText(a.metadata.name, b.metadata.name))[0];
  }
}
