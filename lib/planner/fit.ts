/**
 * Does a variant fit the nodes it declares? The requests of every long-running pod at its maximum replicas (an HPA's
 * maxReplicas, not today's count) are packed onto the nodes after K3s's own system pods and per-node overhead, the
 * way the scheduler would place them by requests. A variant that does not fit fails synth with a table instead of
 * leaving pods Pending on the day the HPA scales out.
 */
import { quantityValue } from '../core/validation';
import { compareText } from '../core/order';

/** A group of identical nodes. */
export interface NodePool {
  /** How many nodes. */
  readonly count: number;
  /** CPU of each node, e.g. '4'. */
  readonly cpu: string;
  /** Memory of each node, e.g. '8Gi'. */
  readonly memory: string;
}

/** What the cluster itself takes before Kasm's pods. */
export interface SystemReservation {
  /** CPU and memory the K3s process and kubelet use on each node (not visible to the scheduler, but real). */
  readonly perNodeCpu: number;
  readonly perNodeMemory: number;
  /** Packaged pods that run once per cluster (CoreDNS, metrics-server), by their requests. */
  readonly clusterPods: readonly { readonly name: string; readonly cpu: number; readonly memory: number }[];
  /** Fraction of each node's CPU a storage system reserves (Longhorn's instance manager: 12 %). */
  readonly perNodeCpuFraction: number;
}

const MI = 1024 * 1024;

/** K3s's own footprint: the server/agent process, CoreDNS and metrics-server requests as K3s ships them. */
export function k3sSystemReservation(longhorn: boolean): SystemReservation {
  return {
    perNodeCpu: 0.25,
    perNodeMemory: 512 * MI,
    clusterPods: [
      { name: 'coredns', cpu: 0.1, memory: 70 * MI },
      { name: 'metrics-server', cpu: 0.1, memory: 70 * MI },
    ],
    // Longhorn reserves "Guaranteed Instance Manager CPU", 12 % of every node by default.
    perNodeCpuFraction: longhorn ? 0.12 : 0,
  };
}

/** One pod to place: its owner and effective requests (max of the containers' sum and any init container). */
export interface PodRequest {
  readonly name: string;
  readonly cpu: number;
  readonly memory: number;
}

function requestOf(containers: any[] | undefined, resource: 'cpu' | 'memory'): number[] {
  return (containers ?? []).map((c) => {
    const q = c?.resources?.requests?.[resource];
    return typeof q === 'string' ? quantityValue(q) : typeof q === 'number' ? q : 0;
  });
}

/** The long-running pods of a manifest set at their maximum replicas (Jobs are one-shot and excluded). */
export function podsAtMaximum(manifests: readonly any[]): PodRequest[] {
  const hpaMax = new Map<string, number>();
  for (const m of manifests) {
    if (m.kind === 'HorizontalPodAutoscaler') hpaMax.set(`${m.metadata?.namespace}/${m.spec?.scaleTargetRef?.kind}/${m.spec?.scaleTargetRef?.name}`, m.spec?.maxReplicas ?? 1);
  }
  const pods: PodRequest[] = [];
  for (const m of manifests) {
    let template: any;
    let replicas = 1;
    if (m.kind === 'Deployment' || m.kind === 'StatefulSet') {
      template = m.spec?.template;
      replicas = hpaMax.get(`${m.metadata?.namespace}/${m.kind}/${m.metadata?.name}`) ?? m.spec?.replicas ?? 1;
    } else if (m.kind === 'CronJob') {
      template = m.spec?.jobTemplate?.spec?.template;
    } else {
      continue;
    }
    const spec = template?.spec ?? {};
    const effective = (r: 'cpu' | 'memory') => Math.max(requestOf(spec.containers, r).reduce((a, b) => a + b, 0), ...requestOf(spec.initContainers, r), 0);
    for (let i = 0; i < replicas; i++) pods.push({ name: `${m.kind}/${m.metadata?.name}`, cpu: effective('cpu'), memory: effective('memory') });
  }
  return pods;
}

/** The outcome of packing pods onto nodes. */
export interface FitResult {
  readonly fits: boolean;
  /** Per node: what it offers after the system, and what was placed. */
  readonly nodes: readonly { readonly cpu: number; readonly memory: number; readonly usedCpu: number; readonly usedMemory: number; readonly pods: string[] }[];
  readonly unplaced: readonly PodRequest[];
}

/** First-fit decreasing by memory, then CPU: what the scheduler achieves at best with requests alone. */
export function fitPods(pods: readonly PodRequest[], pools: readonly NodePool[], system: SystemReservation): FitResult {
  const nodes = pools.flatMap((p) => Array.from({ length: p.count }, () => {
    const cpu = quantityValue(p.cpu);
    return { cpu: cpu * (1 - system.perNodeCpuFraction) - system.perNodeCpu, memory: quantityValue(p.memory) - system.perNodeMemory, usedCpu: 0, usedMemory: 0, pods: [] as string[] };
  }));
  const all = [...system.clusterPods.map((p) => ({ ...p, name: `system/${p.name}` })), ...pods]
    .sort((a, b) => b.memory - a.memory || b.cpu - a.cpu || compareText(a.name, b.name));
  const unplaced: PodRequest[] = [];
  for (const pod of all) {
    const node = nodes.find((n) => n.usedCpu + pod.cpu <= n.cpu + 1e-9 && n.usedMemory + pod.memory <= n.memory);
    if (!node) { unplaced.push(pod); continue; }
    node.usedCpu += pod.cpu;
    node.usedMemory += pod.memory;
    node.pods.push(pod.name);
  }
  return { fits: unplaced.length === 0, nodes, unplaced };
}

const cpuText = (v: number) => `${Math.round(v * 1000)}m`;
const memText = (v: number) => `${Math.round(v / MI)}Mi`;

/** A readable table of requests against capacity. */
export function formatFit(result: FitResult, pods: readonly PodRequest[]): string {
  const lines = ['node  cpu (used/available)  memory (used/available)  pods'];
  result.nodes.forEach((n, i) => {
    lines.push(`${String(i + 1).padEnd(4)}  ${`${cpuText(n.usedCpu)}/${cpuText(n.cpu)}`.padEnd(21)}  ${`${memText(n.usedMemory)}/${memText(n.memory)}`.padEnd(23)}  ${n.pods.length}`);
  });
  const total = (r: 'cpu' | 'memory') => pods.reduce((a, p) => a + p[r], 0);
  lines.push(`all Kasm pods at maximum replicas: ${cpuText(total('cpu'))} CPU, ${memText(total('memory'))} memory`);
  if (result.unplaced.length > 0) {
    lines.push(`no room for: ${result.unplaced.map((p) => `${p.name} (${cpuText(p.cpu)}, ${memText(p.memory)})`).join(', ')}`);
  }
  return lines.join('\n');
}
