/**
 * Why a pod is not scheduled: unbound claims, too little CPU or memory, taints, node selectors, cordoned nodes.
 *
 * The scheduler says it all in one sentence ("0/1 nodes are available: 1 Insufficient memory. preemption: ...");
 * parsing it and checking it against the dump's Nodes turns that sentence into the node and the number to change.
 */
import { DiagnosisContext, eventLine, explain, Explanation, kubectl, podHop, prepend, workloadText } from '../cause';
import { podCondition } from '../pod-status';
import { KubeObject } from '../types';
import { explainPendingClaim, unboundClaimsOf, volumeOf } from './storage';

/** One reason of a scheduler message: how many nodes gave it, the reason, and the part as the scheduler wrote it. */
export interface SchedulerReason {
  readonly nodes?: number;
  readonly reason: string;
  readonly text: string;
}

/** Splits "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {k: v}. preemption: ..." */
export function parseSchedulerMessage(message: string): SchedulerReason[] {
  const body = message.replace(/\s*preemption:[\s\S]*$/, '');
  const listed = /nodes are available: ([\s\S]*)$/.exec(body)?.[1] ?? body;
  return listed
    .replace(/\.\s*$/, '')
    .split(/,\s+(?=\d+ )|\.\s+(?=\d+ )/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const m = /^(\d+) ([\s\S]+)$/.exec(part);
      return m ? { nodes: Number(m[1]), reason: m[2], text: part } : { reason: part, text: part };
    });
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** The value of a Kubernetes quantity ('250m' -> 0.25, '1Gi' -> 1073741824); 0 when unreadable. */
export function quantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q));
  if (!m) return 0;
  const factor = BINARY[m[2]] ?? DECIMAL[m[2]];
  return factor === undefined ? 0 : Number(m[1]) * factor;
}

/** A memory amount as people write it ('768Mi', '1.5Gi'). */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${Number((bytes / 2 ** 30).toFixed(1))}Gi`;
  return `${Math.round(bytes / 2 ** 20)}Mi`;
}

/** What the scheduler counts for a pod: the larger of the summed containers and the largest init container. */
export function podRequest(pod: KubeObject, resource: string): number {
  const req = (c: any) => quantity(c?.resources?.requests?.[resource]);
  const containers = (pod.spec?.containers ?? []).reduce((n: number, c: any) => n + req(c), 0);
  const inits = Math.max(0, ...(pod.spec?.initContainers ?? []).map(req));
  return Math.max(containers, inits);
}

function amount(resource: string, value: number): string {
  return resource === 'memory' || resource === 'ephemeral-storage' ? formatBytes(value) : `${Number(value.toFixed(3))}`;
}

function taintText(t: any): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** Condition taints the node lifecycle controller sets; they describe the node's state, not a choice. */
const CONDITION_TAINTS: Record<string, string> = {
  'node.kubernetes.io/not-ready': 'is NotReady',
  'node.kubernetes.io/unreachable': 'is unreachable',
  'node.kubernetes.io/disk-pressure': 'is low on disk (DiskPressure)',
  'node.kubernetes.io/memory-pressure': 'is low on memory (MemoryPressure)',
  'node.kubernetes.io/pid-pressure': 'is low on process IDs (PIDPressure)',
  'node.kubernetes.io/unschedulable': 'is cordoned',
};

/** The scheduler's latest word on a pod: the PodScheduled condition, else its newest FailedScheduling event. */
function schedulerMessage(ctx: DiagnosisContext, pod: KubeObject): string | undefined {
  const cond = podCondition(pod, 'PodScheduled');
  if (cond?.status === 'False' && cond.message) return cond.message;
  return ctx.dump.latestEvent('Pod', pod.metadata.name, ['FailedScheduling'])?.message;
}

/** Explains a pod that has no node yet; storage first, because an unbound claim also blocks scheduling. */
export function explainUnscheduled(ctx: DiagnosisContext, pod: KubeObject): Explanation {
  const message = schedulerMessage(ctx, pod);
  const reasons = message ? parseSchedulerMessage(message) : [];
  const name = pod.metadata.name;
  const evidence = [...(message ? [`scheduler: ${message}`] : []), ...ctx.dump.eventsFor('Pod', name).filter((e) => e.reason === 'FailedScheduling').slice(-1).map(eventLine)];
  const hopWhy = reasons[0] ? `FailedScheduling, ${reasons[0].text}` : 'not scheduled yet';

  for (const claim of unboundClaimsOf(ctx, pod)) {
    const e = explainPendingClaim(ctx, claim.name, claim.pvc, name);
    if (e) return prepend([podHop(pod, message ? hopWhy : `waits for PVC ${claim.name} to be bound before it can be scheduled`)], e);
  }

  const byKind = (re: RegExp) => reasons.find((r) => re.test(r.reason));
  const insufficient = byKind(/^Insufficient /);
  if (insufficient) {
    const resource = insufficient.reason.replace(/^Insufficient /, '');
    const requested = podRequest(pod, resource);
    const nodes = ctx.dump.all('Node').map((n) => `${n.metadata.name} allocatable ${resource} ${amount(resource, quantity(n.status?.allocatable?.[resource]))}`);
    return explain([podHop(pod, `FailedScheduling, ${insufficient.text}`), `no node has ${amount(resource, requested)} ${resource} unrequested`], {
      id: `insufficient:${resource}`, severity: 'stuck',
      summary: `no node has room for ${name}: it requests ${amount(resource, requested)} ${resource} and the scheduler reports Insufficient ${resource} on ${insufficient.nodes ?? 'every'} node(s)`,
      confirm: 'kubectl describe nodes | grep -A 8 "Allocated resources"',
      fix: `free ${resource} on a node, add a node, or lower the requests of ${workloadText(ctx, pod)} (the KasmControlPlane size preset or components.<id>.resources), re-synthesize and re-apply`,
      evidence: [...evidence, ...nodes],
    });
  }
  const taint = byKind(/untolerated taint/);
  if (taint) {
    const key = /\{([^:}]+)/.exec(taint.reason)?.[1]?.trim() ?? 'unknown';
    const tainted = ctx.dump.all('Node').flatMap((n) => (n.spec?.taints ?? []).filter((t: any) => t.key === key).map((t: any) => ({ node: n.metadata.name, t })));
    const where = tainted.map(({ node, t }) => `${node} (${taintText(t)})`).join(', ') || `${taint.nodes ?? 'some'} node(s)`;
    const state = CONDITION_TAINTS[key];
    const fix = state
      ? `the node ${state}: fix the node (kubectl describe node ${tainted[0]?.node ?? '<node>'}, Conditions); the taint goes away with the condition`
      : `remove the taint if it is not meant for Kasm (kubectl taint nodes ${tainted[0]?.node ?? '<node>'} ${key}-), or give the Kasm workloads a matching toleration`;
    return explain([podHop(pod, `FailedScheduling, ${taint.text}`), `taint ${key} on ${where}`], {
      id: `taint:${key}`, severity: 'stuck',
      summary: `the taint ${key} on ${where} keeps ${name} off the node, and no node without it is available`,
      confirm: 'kubectl get nodes -o custom-columns=NAME:.metadata.name,TAINTS:.spec.taints',
      fix,
      evidence,
    });
  }
  const selector = byKind(/node affinity\/selector|node\(s\) didn't match/);
  if (selector) {
    const nodeSelector = pod.spec?.nodeSelector ?? {};
    const wanted = Object.entries(nodeSelector).map(([k, v]) => `${k}=${v}`).join(',');
    const what = wanted ? `nodeSelector ${wanted}` : 'its node affinity';
    return explain([podHop(pod, `FailedScheduling, ${selector.text}`), `no node matches ${what}`], {
      id: `node-selector:${workloadText(ctx, pod)}`, severity: 'stuck',
      summary: `no node matches ${what} of ${name}`,
      confirm: `kubectl get nodes --show-labels${wanted ? ` -l ${wanted}` : ''}`,
      fix: wanted
        ? `label a node (kubectl label node <node> ${wanted.split(',').join(' ')}) or remove the selector from ${workloadText(ctx, pod)}`
        : `relax the node affinity of ${workloadText(ctx, pod)} or label a node to match it`,
      evidence: [...evidence, ...ctx.dump.all('Node').map((n) => `node ${n.metadata.name} labels: ${Object.entries(n.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`)],
    });
  }
  const cordoned = byKind(/were unschedulable/);
  if (cordoned) {
    const nodes = ctx.dump.all('Node').filter((n) => n.spec?.unschedulable).map((n) => n.metadata.name);
    return explain([podHop(pod, `FailedScheduling, ${cordoned.text}`), `node(s) ${nodes.join(', ') || '?'} cordoned`], {
      id: 'nodes-cordoned', severity: 'stuck',
      summary: `every node that could run ${name} is cordoned (${nodes.join(', ') || 'see kubectl get nodes'})`,
      confirm: 'kubectl get nodes',
      fix: `uncordon a node when its maintenance is over: kubectl uncordon ${nodes[0] ?? '<node>'}`,
      evidence,
    });
  }
  const affinityConflict = byKind(/volume node affinity conflict/);
  if (affinityConflict) {
    const pv = unboundClaimsOf(ctx, pod).length === 0 ? volumeOfPod(ctx, pod) : undefined;
    const pinned = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.join(',') ?? 'another node';
    return explain([podHop(pod, `FailedScheduling, ${affinityConflict.text}`), `PV ${pv?.metadata.name ?? '?'} lives on ${pinned}`], {
      id: `volume-node-affinity:${pv?.metadata.name ?? name}`, severity: 'stuck',
      summary: `the volume of ${name} (PV ${pv?.metadata.name ?? '?'}) is local to ${pinned}, which cannot run the pod`,
      confirm: `kubectl get pv ${pv?.metadata.name ?? ''} -o jsonpath='{.spec.nodeAffinity}'; kubectl get nodes`,
      fix: `bring node ${pinned} back; a local volume cannot move (restore from a backup onto a new claim if the node is gone for good)`,
      evidence,
    });
  }
  return explain([podHop(pod, hopWhy)], {
    id: `unschedulable:${workloadText(ctx, pod)}`, severity: 'stuck',
    summary: message ? `the scheduler cannot place ${name}: ${message}` : `${name} has not been scheduled and the scheduler left no message (is a scheduler running?)`,
    confirm: kubectl(ctx, `describe pod ${name}`),
    fix: message ? 'act on the scheduler message above (see `kubectl describe pod`, Events)' : 'check the scheduler: kubectl -n kube-system get pods',
    evidence,
  });
}

function volumeOfPod(ctx: DiagnosisContext, pod: KubeObject): KubeObject | undefined {
  for (const v of pod.spec?.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    const pv = claim ? volumeOf(ctx, claim) : undefined;
    if (pv) return pv;
  }
  return undefined;
}
