/**
 * The walk from a stuck pod along the contract's dependency graph to the root cause.
 *
 * A pod in `Init:0/4` is only ever a symptom: its first unfinished `wait-for-*` init container names the
 * dependency it waits for, and the walk repeats that on the dependency's pods until it meets a pod (or claim,
 * Job, policy) that is stuck for a reason of its own. Results are memoized per object, and an object met again
 * on the current path ends the walk as a cycle instead of recursing forever.
 */
import { ComponentId } from '../../contract/types';
import { DiagnosisContext, explain, Explanation, kubectl, podHop, prepend, Walk } from './cause';
import { explainContainer, explainNotCreated } from './causes/containers';
import { explainJob, isJobComplete, jobRole } from './causes/jobs';
import { deniedEdge } from './causes/network';
import { cnpgClusterForHost, explainCnpgCluster } from './causes/platform';
import { explainUnscheduled } from './causes/scheduling';
import { explainNoPods } from './causes/workloads';
import { blockingInitContainer, isPodReady, isPodSucceeded, neverStarted, podCondition, unreadyContainers } from './pod-status';
import { CNPG_CLUSTER_LABEL, INSTANCE_LABEL, KasmTopology, WaitTarget } from './topology';
import { KubeObject } from './types';
import { compareText } from '../../core/order';

/** Waiting reasons that are the init container's own fault, not the dependency's. */
const OWN_FAULTS = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'];

/** The memoized, cycle-safe walk; detectors call back into it through {@link Walk}. */
export class DependencyWalk implements Walk {
  private readonly memo = new Map<string, Explanation | undefined>();
  private readonly onPath: string[] = [];

  constructor(private readonly ctx: DiagnosisContext) {}

  pod(pod: KubeObject): Explanation {
    return this.visit(`Pod/${pod.metadata.name}`, () => this.explainPod(pod))!;
  }

  job(job: KubeObject): Explanation | undefined {
    return this.visit(`Job/${job.metadata.name}`, () => explainJob(this.ctx, this, job));
  }

  private visit(key: string, run: () => Explanation | undefined): Explanation | undefined {
    if (this.memo.has(key)) return this.memo.get(key);
    if (this.onPath.includes(key)) return this.cycle(key);
    this.onPath.push(key);
    try {
      const result = run();
      this.memo.set(key, result);
      return result;
    } finally {
      this.onPath.pop();
    }
  }

  private cycle(key: string): Explanation {
    const loop = [...this.onPath.slice(this.onPath.indexOf(key)), key].map((k) => k.split('/')[1]);
    return explain([`${loop[0]} is waited for by its own dependency`], {
      id: `cycle:${[...loop].slice(0, -1).sort().join(',')}`, severity: 'stuck',
      summary: `a wait cycle: ${loop.join(' waits for ')}; none of them can start first`,
      confirm: kubectl(this.ctx, 'get pods'),
      fix: 'remove one wait of the cycle (a patch added a wait-for init container the contract does not have), re-synthesize and re-apply',
      evidence: [],
    });
  }

  private explainPod(pod: KubeObject): Explanation {
    const jobName = this.ctx.dump.jobNameOf(pod);
    const job = jobName ? this.ctx.dump.get('Job', jobName) : undefined;
    if (pod.status?.phase === 'Failed' && job) {
      const viaJob = this.job(job);
      if (viaJob) return viaJob;
    }
    const scheduled = !!pod.spec?.nodeName || podCondition(pod, 'PodScheduled')?.status === 'True';
    if (!scheduled) return explainUnscheduled(this.ctx, pod);

    const blocking = blockingInitContainer(pod);
    if (blocking) {
      const wait = this.ctx.topology.waitTarget(pod, blocking.spec);
      const ownFault = OWN_FAULTS.includes(blocking.status?.state?.waiting?.reason ?? '');
      if (wait && !ownFault && !neverStarted(blocking.status)) return this.dependency(pod, wait);
      const own = explainContainer(this.ctx, this, pod, blocking.spec, blocking.status, true);
      if (own) return own;
      return this.unknown(pod, `init container ${blocking.spec.name} has not started`);
    }
    const unready = unreadyContainers(pod);
    for (const { spec, status } of unready) {
      const e = explainContainer(this.ctx, this, pod, spec, status, false);
      if (e) return e;
    }
    const notCreated = unready.length > 0 ? explainNotCreated(this.ctx, this, pod, pod.spec?.containers ?? []) : undefined;
    return notCreated ?? this.unknown(pod, unready.length > 0 ? `container ${unready[0].spec.name} is not ready` : 'not Ready');
  }

  /** A pod whose wait loop has not passed: explain the dependency, through its pods, Jobs, Cluster or policies. */
  private dependency(pod: KubeObject, wait: WaitTarget): Explanation {
    const { ctx } = this;
    const seeded = KasmTopology.needsSeed(wait);
    const isDb = wait.target === ComponentId.DB;
    const endpoints = ctx.dump.endpointsOf(wait.host);
    const cluster = isDb ? cnpgClusterForHost(ctx, wait.host) : undefined;
    const instance = pod.metadata.labels?.[INSTANCE_LABEL];
    const targets = cluster
      ? ctx.dump.podsWithLabels({ [CNPG_CLUSTER_LABEL]: cluster.metadata.name })
      : ctx.topology.podsOf(ctx.dump, wait.target, instance);
    const ready = targets.filter(isPodReady);
    const readyEndpoints = endpoints?.ready ?? ready.length;
    const hop = podHop(pod, isDb
      ? `init container ${wait.container} waits for the database (${wait.host}:${wait.port}) ${seeded ? 'to be seeded' : 'to accept connections'}`
      : `init container ${wait.container} waits for Service ${wait.host}, which has ${readyEndpoints > 0 ? `${readyEndpoints} ready endpoint(s)` : 'no ready endpoints'}`);

    if (cluster) {
      const unhealthy = explainCnpgCluster(ctx, this, cluster);
      if (unhealthy) return prepend([hop], unhealthy);
    }
    if (readyEndpoints === 0 || ready.length === 0) {
      const stuck = targets.filter((p) => !isPodReady(p) && !isPodSucceeded(p));
      if (stuck.length > 0) return prepend([hop], this.pod(stuck[0]));
      if (targets.length === 0) return prepend([hop], explainNoPods(ctx, ctx.topology.displayName(wait.target)));
      return prepend([hop], this.serviceMismatch(wait, ready));
    }
    if (seeded) {
      const dbInit = this.dbInitJob();
      if (dbInit && !isJobComplete(dbInit)) {
        const viaJob = this.job(dbInit);
        if (viaJob) return prepend([hop, `the database is up; the ${jobRole(dbInit)} Job ${dbInit.metadata.name} has not seeded it`], viaJob);
      }
    }
    const edge = wait.edge;
    const source = ctx.topology.componentOf(pod);
    if (edge && source) {
      const denied = deniedEdge(ctx, pod, ready[0], edge);
      if (denied) return explain([hop, `NetworkPolicy denies ${pod.metadata.name} -> ${ready[0].metadata.name}:${edge.port}`], denied);
    }
    return explain([hop], {
      id: `wait-fails:${pod.metadata.name}/${wait.container}`, severity: 'stuck',
      summary: `${wait.container} of ${pod.metadata.name} still fails although ${wait.host} has ready pods and the NetworkPolicies admit the connection`,
      confirm: kubectl(ctx, `logs ${pod.metadata.name} -c ${wait.container} --tail=20`),
      fix: isDb && seeded
        ? 'the wait loop logs in as the Kasm user: check that the database password in the Secret matches the one the database was initialised with'
        : `read the wait loop's log: it prints what ${wait.host} answers`,
      evidence: [],
    });
  }

  /** Target pods are Ready but the Service has no ready endpoint: the Service is missing or selects other pods. */
  private serviceMismatch(wait: WaitTarget, ready: KubeObject[]): Explanation {
    const service = this.ctx.dump.get('Service', wait.host);
    const selector = Object.entries(service?.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return explain([service ? `Service ${wait.host} selects ${selector || 'nothing'}, which matches no Ready pod` : `Service ${wait.host} does not exist`], {
      id: `service:${wait.host}`, severity: 'stuck',
      summary: service
        ? `Service ${wait.host} has no ready endpoints although ${ready.map((p) => p.metadata.name).join(', ')} ${ready.length === 1 ? 'is' : 'are'} Ready: its selector ${selector || '(none)'} or ports do not match them`
        : `Service ${wait.host} does not exist, so nothing that waits for it can start`,
      confirm: kubectl(this.ctx, `get service,endpoints ${wait.host} -o wide`),
      fix: 're-apply the synthesized Service (kubectl apply -k dist/<variant>); a patch changed its selector or removed it',
      evidence: ready.map((p) => `${p.metadata.name} labels: ${Object.entries(p.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`),
    });
  }

  private dbInitJob(): KubeObject | undefined {
    return this.ctx.dump.all('Job')
      .filter((j) => jobRole(j) === 'db-init')
      .sort((a, b) => compareText(b.metadata.creationTimestamp ?? '', a.metadata.creationTimestamp ?? '') || compareText(a.metadata.name, b.metadata.name))[0];
  }

  private unknown(pod: KubeObject, what: string): Explanation {
    const last = this.ctx.dump.eventsFor('Pod', pod.metadata.name).slice(-1)[0];
    return explain([podHop(pod, what)], {
      id: `unexplained:${pod.metadata.name}`, severity: 'stuck',
      summary: `${pod.metadata.name} is not Ready and the dump does not say why${last ? ` (last event: ${last.reason}: ${last.message})` : ''}`,
      confirm: kubectl(this.ctx, `describe pod ${pod.metadata.name}`),
      fix: 'read the pod\'s events and logs; if they show a state diagnose should know, attach a dump to a bug report',
      evidence: last ? [`${last.reason}: ${last.message}`] : [],
    });
  }
}
