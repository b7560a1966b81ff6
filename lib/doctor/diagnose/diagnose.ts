/**
 * `diagnose(dump, options)`: from a dump of a Kasm namespace to its root causes, as a pure function.
 *
 * Pure so the same code serves the live mode, `--from DUMP.json`, and the tests' recorded and built dumps; the
 * CLI only reads input and prints what this returns.
 */
import { NetworkPolicyModel } from '../network-policy-model';
import { DiagnosisContext, Explanation, inNamespace, locate } from './cause';
import { isJobComplete, jobPods } from './causes/jobs';
import { deniedEdges } from './causes/network';
import { explainCnpgCluster, isCnpgCluster } from './causes/cnpg';
import { frontDoorFindings, ingressControllers } from './causes/front-door';
import { traefikTimeoutFinding } from './causes/platform';
import { explainNoPods } from './causes/workloads';
import { dominantNamespace, DumpError, DumpIndex, dumpItems, namespacesOf } from './dump';
import { isPodReady, isPodSucceeded, podStatusText } from './pod-status';
import { KasmTopology } from './topology';
import { AffectedPod, DiagnoseOptions, DiagnosisReport, DiagnosisStatus, KubeObject, RootCause } from './types';
import { DependencyWalk } from './walk';
import { compareText } from '../../core/order';

/** One explained starting point: a stuck pod, or an object that is broken without a pod of its own. */
interface Entry {
  readonly pod?: KubeObject;
  readonly explanation: Explanation;
}

/** Most evidence lines one root cause carries; more would bury the ones that matter. */
const MAX_EVIDENCE = 12;

/** Whether a pod is fine: Ready, finished, or a leftover of a Job that completed anyway. */
function isFine(dump: DumpIndex, pod: KubeObject): boolean {
  if (isPodReady(pod) || isPodSucceeded(pod)) return true;
  const job = dump.jobNameOf(pod) ? dump.get('Job', dump.jobNameOf(pod)!) : undefined;
  return !!job && isJobComplete(job);
}

/** A Failed pod a ReplicaSet left behind (evicted, node shut down): history, as the ReplicaSet replaced it. */
function isLeftover(pod: KubeObject): boolean {
  return pod.status?.phase === 'Failed' && (pod.metadata.ownerReferences ?? []).some((r) => r.kind === 'ReplicaSet');
}

function buildContext(dump: DumpIndex, topology: KasmTopology, notes: string[]): DiagnosisContext {
  try {
    return { dump, home: dump.namespace, topology, policies: new NetworkPolicyModel([...dump.everywhere('NetworkPolicy'), ...dump.all('Namespace')]) };
  } catch (err) {
    notes.push(`the NetworkPolicies could not be evaluated: ${(err as Error).message}`);
    return { dump, home: dump.namespace, topology };
  }
}

/** The chain to show for a group: from the pod nearest the user (the proxy first), the longest chain on a tie. */
function representative(entries: readonly Entry[], topology: KasmTopology): Entry {
  const score = (e: Entry) => [e.pod ? 0 : 1, topology.rank(e.pod ? topology.componentOf(e.pod) : undefined), -e.explanation.hops.length];
  return [...entries].sort((a, b) => {
    const [sa, sb] = [score(a), score(b)];
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i] - sb[i];
    return compareText(a.pod?.metadata.name ?? '', b.pod?.metadata.name ?? '');
  })[0];
}

function group(entries: readonly Entry[], topology: KasmTopology, home: string): RootCause[] {
  const byId = new Map<string, Entry[]>();
  for (const e of entries) byId.set(e.explanation.cause.id, [...(byId.get(e.explanation.cause.id) ?? []), e]);
  const causes = [...byId.values()].map((members): RootCause => {
    const rep = representative(members, topology);
    const affected = new Map<string, AffectedPod>();
    for (const m of members) if (m.pod) affected.set(m.pod.metadata.name, { name: m.pod.metadata.name, status: podStatusText(m.pod) });
    const evidence = [...new Set(members.flatMap((m) => m.explanation.cause.evidence))].slice(0, MAX_EVIDENCE);
    const c = rep.explanation.cause;
    return {
      id: c.id,
      namespace: c.namespace ?? home,
      severity: members.some((m) => m.explanation.cause.severity === 'stuck') ? 'stuck' : 'degraded',
      summary: c.summary,
      chain: rep.explanation.hops,
      affectedPods: [...affected.values()].sort((a, b) => compareText(a.name, b.name)),
      confirm: c.confirm,
      fix: c.fix,
      evidence,
    };
  });
  return causes.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'stuck' ? -1 : 1)
    || b.affectedPods.length - a.affectedPods.length || compareText(a.id, b.id));
}

/** Workloads that want pods and have none (their pods are rejected at creation, or they were scaled away). */
function workloadsWithoutPods(dump: DumpIndex): KubeObject[] {
  return [...dump.all('Deployment'), ...dump.all('StatefulSet')].filter((w) => {
    if ((w.spec?.replicas ?? 1) === 0) return false;
    const selector: Record<string, string> = w.spec?.selector?.matchLabels ?? {};
    return Object.keys(selector).length > 0 && dump.podsWithLabels(selector).length === 0;
  });
}

/**
 * Diagnoses a dump: every pod that is not Ready is walked to its root cause; pods that share a cause are grouped.
 *
 * @param dump a `v1` `List` as the dump command writes it (or an array of objects)
 * @throws DumpError when the dump is not a list of Kubernetes objects, or holds nothing of the namespace asked for
 */
export function diagnose(dump: unknown, options: DiagnoseOptions = {}): DiagnosisReport {
  const items = dumpItems(dump);
  const namespace = options.namespace ?? dominantNamespace(items);
  if (!namespace) throw new DumpError('the dump holds no pods and no namespace was given; pass -n NAMESPACE');
  if (!items.some((o) => o.metadata.namespace === namespace)) {
    throw new DumpError(`the dump holds no objects of namespace '${namespace}'; namespaces in it: ${namespacesOf(items).join(', ') || 'none'}`);
  }
  const index = new DumpIndex(items, namespace);
  const notes: string[] = [];
  const detected = KasmTopology.detect(index.pods(), options.kasmVersion);
  if (detected.note) notes.push(detected.note);
  const ctx = buildContext(index, detected.topology, notes);
  if (index.all('Node').length === 0 && index.all('StorageClass').length === 0) {
    notes.push('the dump has no Nodes and no StorageClasses (the cluster-wide part of the dump command is missing): storage and scheduling causes are less certain');
  }
  const deleting = index.all('Pod').filter((p) => p.metadata.deletionTimestamp);
  if (deleting.length > 0) notes.push(`ignored ${deleting.length} pod(s) being deleted (Terminating): ${deleting.map((p) => p.metadata.name).join(', ')}`);
  const leftovers = index.pods().filter(isLeftover);
  if (leftovers.length > 0) notes.push(`ignored ${leftovers.length} Failed pod(s) a ReplicaSet already replaced: ${leftovers.map((p) => p.metadata.name).join(', ')}`);

  const walk = new DependencyWalk(ctx);
  const entries: Entry[] = [];
  const stuckPods = index.pods().filter((p) => !isFine(index, p) && !isLeftover(p));
  for (const pod of stuckPods) entries.push({ pod, explanation: walk.pod(pod) });
  for (const w of workloadsWithoutPods(index)) entries.push({ explanation: explainNoPods(ctx, w.metadata.name) });
  for (const job of index.all('Job')) {
    const active = jobPods(ctx, job).some((p) => !isFine(index, p));
    const e = active ? undefined : walk.job(job);
    if (e) entries.push({ explanation: e });
  }
  for (const cluster of index.everywhere('Cluster').filter(isCnpgCluster)) {
    const ns = cluster.metadata.namespace ?? namespace;
    const e = explainCnpgCluster(inNamespace(ctx, ns), walk, cluster);
    if (e) entries.push({ explanation: { hops: e.hops, cause: locate(e.cause, ns, namespace) } });
  }
  for (const e of deniedEdges(ctx)) entries.push({ explanation: { hops: e.hops, cause: { ...e.cause, severity: 'degraded' } } });
  // The front door is a finding of its own (front-door.ts says why): degraded unless its cause also stops Kasm pods.
  for (const e of frontDoorFindings(ctx, walk)) entries.push({ explanation: { hops: e.hops, cause: { ...e.cause, severity: 'degraded' } } });
  const controllers = ingressControllers(ctx).map((c) => c.name);
  const traefik = traefikTimeoutFinding(ctx, options.helmChartConfigsFetched ?? false, controllers);
  if (traefik) entries.push({ explanation: traefik });

  const rootCauses = group(entries, detected.topology, namespace);
  const affected = new Set(rootCauses.flatMap((c) => c.affectedPods.map((p) => p.name)));
  const status: DiagnosisStatus = rootCauses.some((c) => c.severity === 'stuck') ? 'stuck' : rootCauses.length > 0 ? 'degraded' : 'healthy';
  return {
    schemaVersion: 1,
    namespace,
    kasmVersion: detected.topology.version.version,
    status,
    rootCauses,
    healthyPods: index.pods().filter((p) => isFine(index, p) && !affected.has(p.metadata.name)).map((p) => p.metadata.name),
    completedJobs: index.all('Job').filter(isJobComplete).map((j) => j.metadata.name),
    notes: notes.sort(),
  };
}
