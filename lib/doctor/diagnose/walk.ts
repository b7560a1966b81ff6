/**
 * The walk from a stuck pod along the contract's dependency graph to the root cause.
 *
 * A pod in `Init:0/4` is only ever a symptom: its first unfinished `wait-for-*` init container names the
 * dependency it waits for, and the walk repeats that on the dependency's pods until it meets a pod (or claim,
 * Job, policy) that is stuck for a reason of its own. Results are memoized per object, and an object met again
 * on the current path ends the walk as a cycle instead of recursing forever.
 */
import { ComponentId } from '../../contract/types';
import { DiagnosisContext, explain, Explanation, inNamespace, kubectl, locate, podHop, prepend, Walk } from './cause';
import { explainContainer, explainNotCreated } from './causes/containers';
import { explainJob, isJobComplete, jobRole } from './causes/jobs';
import { deniedEdge } from './causes/network';
import { cnpgClusterForHost, explainCnpgCluster } from './causes/cnpg';
import { explainExternalWait, explainMissingNamespace } from './causes/elsewhere';
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
    return this.visit(this.key(pod), () => this.qualify(pod, this.explainPod(this.ctxOf(pod), pod)))!;
  }

  job(job: KubeObject): Explanation | undefined {
    const e = this.visit(this.key(job), () => explainJob(this.ctxOf(job), this, job));
    return e && this.qualify(job, e);
  }

  /** The context of the namespace an object lives in. */
  private ctxOf(obj: KubeObject): DiagnosisContext {
    return inNamespace(this.ctx, obj.metadata.namespace ?? this.ctx.home);
  }

  private key(obj: KubeObject): string {
    return `${obj.kind}/${obj.metadata.namespace ?? this.ctx.home}/${obj.metadata.name}`;
  }

  /**
   * Names the namespace of what the walk found outside the diagnosed one: the object's own hop becomes `ns/name`,
   * and a cause found there says its namespace.
   */
  private qualify(obj: KubeObject, e: Explanation): Explanation {
    const ns = obj.metadata.namespace ?? this.ctx.home;
    if (ns === this.ctx.home) return e;
    const name = obj.metadata.name;
    const hops = e.hops.map((h, i) => (i === 0 && h.startsWith(`${name} `) ? `${ns}/${h}` : h));
    return { hops, cause: locate(e.cause, ns, this.ctx.home) };
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
    const loop = [...this.onPath.slice(this.onPath.indexOf(key)), key].map((k) => k.split('/').slice(2).join('/'));
    return explain([`${loop[0]} is waited for by its own dependency`], {
      id: `cycle:${[...loop].slice(0, -1).sort().join(',')}`, severity: 'stuck',
      summary: `a wait cycle: ${loop.join(' waits for ')}; none of them can start first`,
      confirm: kubectl(this.ctx, 'get pods'),
      fix: 'remove one wait of the cycle (a patch added a wait-for init container the contract does not have), re-synthesize and re-apply',
      evidence: [],
    });
  }

  private explainPod(ctx: DiagnosisContext, pod: KubeObject): Explanation {
    const jobName = ctx.dump.jobNameOf(pod);
    const job = jobName ? ctx.dump.get('Job', jobName) : undefined;
    if (pod.status?.phase === 'Failed' && job) {
      const viaJob = this.job(job);
      if (viaJob) return viaJob;
    }
    const scheduled = !!pod.spec?.nodeName || podCondition(pod, 'PodScheduled')?.status === 'True';
    if (!scheduled) return explainUnscheduled(ctx, pod);

    const blocking = blockingInitContainer(pod);
    if (blocking) {
      const wait = ctx.topology.waitTarget(pod, blocking.spec);
      const ownFault = OWN_FAULTS.includes(blocking.status?.state?.waiting?.reason ?? '');
      if (wait && !ownFault && !neverStarted(blocking.status)) return this.dependency(ctx, pod, wait, blocking.status);
      const own = explainContainer(ctx, this, pod, blocking.spec, blocking.status, true);
      if (own) return own;
      return this.unknown(ctx, pod, `init container ${blocking.spec.name} has not started`);
    }
    const unready = unreadyContainers(pod);
    for (const { spec, status } of unready) {
      const e = explainContainer(ctx, this, pod, spec, status, false);
      if (e) return e;
    }
    const notCreated = unready.length > 0 ? explainNotCreated(ctx, this, pod, pod.spec?.containers ?? []) : undefined;
    return notCreated ?? this.unknown(ctx, pod, unready.length > 0 ? `container ${unready[0].spec.name} is not ready` : 'not Ready');
  }

  /** A pod whose wait loop has not passed: explain the dependency, through its pods, Jobs, Cluster or policies. */
  private dependency(podCtx: DiagnosisContext, pod: KubeObject, wait: WaitTarget, status: any): Explanation {
    const seeded = KasmTopology.needsSeed(wait);
    const isDb = wait.target === ComponentId.DB;
    const targetNs = wait.namespace ?? podCtx.dump.namespace;
    const ctx = inNamespace(podCtx, targetNs);
    const service = `${wait.external ?? wait.host}${targetNs !== podCtx.dump.namespace ? `.${targetNs}` : ''}`;
    const waitsFor = isDb
      ? `init container ${wait.container} waits for the database (${service}:${wait.port}) ${seeded ? 'to be seeded' : 'to accept connections'}`
      : `init container ${wait.container} waits for Service ${service}`;
    if (wait.external) return prepend([podHop(pod, waitsFor)], explainExternalWait(podCtx, pod, wait, status));
    if (targetNs !== podCtx.dump.namespace && !ctx.dump.hasNamespace(targetNs)) {
      return prepend([podHop(pod, waitsFor)], explainMissingNamespace(podCtx, targetNs, service));
    }
    const endpoints = ctx.dump.endpointsOf(wait.host);
    const cluster = isDb ? cnpgClusterForHost(ctx, wait.host) : undefined;
    const instance = pod.metadata.labels?.[INSTANCE_LABEL];
    const targets = cluster
      ? ctx.dump.podsWithLabels({ [CNPG_CLUSTER_LABEL]: cluster.metadata.name })
      : ctx.topology.podsOf(ctx.dump, wait.target, instance);
    const ready = targets.filter(isPodReady);
    const readyEndpoints = endpoints?.ready ?? ready.length;
    const hop = podHop(pod, isDb ? waitsFor : `${waitsFor}, which has ${readyEndpoints > 0 ? `${readyEndpoints} ready endpoint(s)` : 'no ready endpoints'}`);

    if (cluster) {
      const unhealthy = explainCnpgCluster(ctx, this, cluster);
      if (unhealthy) return prepend([hop], unhealthy);
    }
    if (readyEndpoints === 0 || ready.length === 0) {
      const stuck = targets.filter((p) => !isPodReady(p) && !isPodSucceeded(p));
      if (stuck.length > 0) return prepend([hop], this.pod(stuck[0]));
      if (targets.length === 0) return prepend([hop], explainNoPods(ctx, ctx.topology.displayName(wait.target)));
      return prepend([hop], this.serviceMismatch(ctx, wait, ready));
    }
    if (seeded) {
      const dbInit = this.dbInitJob(podCtx);
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
      confirm: kubectl(podCtx, `logs ${pod.metadata.name} -c ${wait.container} --tail=20`),
      fix: isDb && seeded
        ? 'the wait loop logs in as the Kasm user: check that the database password in the Secret matches the one the database was initialised with'
        : `read the wait loop's log: it prints what ${wait.host} answers`,
      evidence: [],
    });
  }

  /** Target pods are Ready but the Service has no ready endpoint: the Service is missing or selects other pods. */
  private serviceMismatch(ctx: DiagnosisContext, wait: WaitTarget, ready: KubeObject[]): Explanation {
    const service = ctx.dump.get('Service', wait.host);
    const selector = Object.entries(service?.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return explain([service ? `Service ${wait.host} selects ${selector || 'nothing'}, which matches no Ready pod` : `Service ${wait.host} does not exist`], {
      id: `service:${wait.host}`, severity: 'stuck',
      summary: service
        ? `Service ${wait.host} has no ready endpoints although ${ready.map((p) => p.metadata.name).join(', ')} ${ready.length === 1 ? 'is' : 'are'} Ready: its selector ${selector || '(none)'} or ports do not match them`
        : `Service ${wait.host} does not exist, so nothing that waits for it can start`,
      confirm: kubectl(ctx, `get service,endpoints ${wait.host} -o wide`),
      fix: 're-apply the synthesized Service (kubectl apply -k dist/<variant>); a patch changed its selector or removed it',
      evidence: ready.map((p) => `${p.metadata.name} labels: ${Object.entries(p.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}`),
    });
  }

  private dbInitJob(ctx: DiagnosisContext): KubeObject | undefined {
    return ctx.dump.all('Job')
      .filter((j) => jobRole(j) === 'db-init')
      .sort((a, b) => compareText(b.metadata.creationTimestamp ?? '', a.metadata.creationTimestamp ?? '') || compareText(a.metadata.name, b.metadata.name))[0];
  }

  private unknown(ctx: DiagnosisContext, pod: KubeObject, what: string): Explanation {
    const last = ctx.dump.eventsFor('Pod', pod.metadata.name).slice(-1)[0];
    return explain([podHop(pod, what)], {
      id: `unexplained:${pod.metadata.name}`, severity: 'stuck',
      summary: `${pod.metadata.name} is not Ready and the dump does not say why${last ? ` (last event: ${last.reason}: ${last.message})` : ''}`,
      confirm: kubectl(ctx, `describe pod ${pod.metadata.name}`),
      fix: 'read the pod\'s events and logs; if they show a state diagnose should know, attach a dump to a bug report',
      evidence: last ? [`${last.reason}: ${last.message}`] : [],
    });
  }
}
