/**
 * Why a workload has no pods at all: it does not exist, it is scaled to zero, or its controller cannot create pods
 * (PodSecurity admission, quota, a missing ServiceAccount).
 *
 * A pod that was never created has no status to read, so the walk would stop at "Service has no endpoints"; the
 * controller's FailedCreate events and conditions hold the real reason, and the PodSecurity checker names the
 * exact fields to change.
 */
import { checkRestricted } from '../../pod-security';
import { DiagnosisContext, eventLine, explain, Explanation, kubectl } from '../cause';
import { KubeObject } from '../types';

/** The newest FailedCreate message of a controller: its events first, then a `ReplicaFailure` condition. */
function failedCreate(ctx: DiagnosisContext, controller: KubeObject): { message: string; evidence: string[] } | undefined {
  const event = ctx.dump.latestEvent(controller.kind, controller.metadata.name, ['FailedCreate']);
  if (event?.message) return { message: event.message, evidence: [eventLine(event)] };
  const cond = (controller.status?.conditions ?? []).find((c: any) => c.type === 'ReplicaFailure' && c.status === 'True');
  if (cond?.message) return { message: cond.message, evidence: [`${controller.kind}/${controller.metadata.name} condition ReplicaFailure: ${cond.message}`] };
  return undefined;
}

/** The pod template a controller creates pods from (Deployment, ReplicaSet, StatefulSet, Job). */
function templateOf(controller: KubeObject): { metadata?: any; spec?: any } | undefined {
  return controller.spec?.template;
}

/** Explains a controller whose pods are rejected at creation, starting with a hop for the workload. */
export function explainFailedCreate(ctx: DiagnosisContext, workload: KubeObject, controller: KubeObject): Explanation | undefined {
  const failure = failedCreate(ctx, controller);
  if (!failure) return undefined;
  const hop = `${workload.kind} ${workload.metadata.name} has no pods: ${controller.kind} ${controller.metadata.name} FailedCreate`;
  const podSecurity = /violates PodSecurity "([^"]+)": ([\s\S]*)$/.exec(failure.message);
  if (podSecurity) {
    const template = templateOf(controller) ?? templateOf(workload);
    const violations = template ? checkRestricted(template.spec ?? {}, template.metadata ?? {}) : [];
    return explain([hop, `PodSecurity "${podSecurity[1]}" rejects the pod: ${podSecurity[2].trim()}`], {
      id: `podsecurity:${workload.kind}/${workload.metadata.name}`, severity: 'stuck',
      summary: `the namespace enforces PodSecurity "${podSecurity[1]}" and the pods of ${workload.kind} ${workload.metadata.name} violate it (${podSecurity[2].trim()}), so none is created`,
      confirm: `${kubectl(ctx, `describe ${controller.kind.toLowerCase()} ${controller.metadata.name}`)}; kubectl get namespace ${ctx.dump.namespace} --show-labels`,
      fix: `remove what the policy forbids from ${workload.kind} ${workload.metadata.name} (the synthesized manifests pass "restricted"; a patch or override added it) and re-apply`,
      evidence: [...failure.evidence, ...violations.map((v) => `restricted check: ${v}`)],
    });
  }
  return explain([hop, failure.message], {
    id: `failed-create:${workload.kind}/${workload.metadata.name}`, severity: 'stuck',
    summary: `${controller.kind} ${controller.metadata.name} cannot create pods: ${failure.message}`,
    confirm: kubectl(ctx, `describe ${controller.kind.toLowerCase()} ${controller.metadata.name}`),
    fix: /exceeded quota/.test(failure.message)
      ? `raise the ResourceQuota of namespace ${ctx.dump.namespace} or lower the requests (kubectl -n ${ctx.dump.namespace} describe resourcequota)`
      : /serviceaccount/i.test(failure.message)
        ? 're-apply the synthesized manifests, which contain the ServiceAccount'
        : 'act on the FailedCreate message',
    evidence: failure.evidence,
  });
}

/** The Deployment or StatefulSet that should run a component's pods: by name, else by its pod label. */
function workloadNamed(ctx: DiagnosisContext, name: string): KubeObject | undefined {
  for (const kind of ['Deployment', 'StatefulSet']) {
    const byName = ctx.dump.get(kind, name);
    if (byName) return byName;
    const byLabel = ctx.dump.all(kind).find((w) => w.spec?.template?.metadata?.labels?.['app.kubernetes.io/name'] === name);
    if (byLabel) return byLabel;
  }
  return undefined;
}

/** Explains why a component (by workload name) has no pods at all. */
export function explainNoPods(ctx: DiagnosisContext, workloadName: string): Explanation {
  const workload = workloadNamed(ctx, workloadName);
  if (!workload) {
    return explain([`no Deployment or StatefulSet ${workloadName} in namespace ${ctx.dump.namespace}`], {
      id: `workload-missing:${workloadName}`, severity: 'stuck',
      summary: `${workloadName} is not deployed: there is no Deployment or StatefulSet ${workloadName} in namespace ${ctx.dump.namespace}`,
      confirm: kubectl(ctx, 'get deployments,statefulsets'),
      fix: 'apply the synthesized manifests (kubectl apply -k dist/<variant>); if you disabled the component, the components that wait for it must be disabled too',
      evidence: [],
    });
  }
  if (workload.spec?.replicas === 0) {
    return explain([`${workload.kind} ${workload.metadata.name} is scaled to 0 replicas`], {
      id: `scaled-to-zero:${workload.metadata.name}`, severity: 'stuck',
      summary: `${workload.kind} ${workload.metadata.name} is scaled to 0, so everything that waits for it waits forever`,
      confirm: kubectl(ctx, `get ${workload.kind.toLowerCase()} ${workload.metadata.name}`),
      fix: kubectl(ctx, `scale ${workload.kind.toLowerCase()} ${workload.metadata.name} --replicas=1`),
      evidence: [],
    });
  }
  const controller = workload.kind === 'Deployment' ? ctx.dump.newestReplicaSetOf(workload) ?? workload : workload;
  const failed = explainFailedCreate(ctx, workload, controller) ?? (controller !== workload ? explainFailedCreate(ctx, workload, workload) : undefined);
  if (failed) return failed;
  const conditions = (workload.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
  return explain([`${workload.kind} ${workload.metadata.name} has no pods`], {
    id: `no-pods:${workload.metadata.name}`, severity: 'stuck',
    summary: `${workload.kind} ${workload.metadata.name} wants ${workload.spec?.replicas ?? 1} replica(s) but has no pods, and no event says why`,
    confirm: kubectl(ctx, `describe ${workload.kind.toLowerCase()} ${workload.metadata.name}`),
    fix: 'check that kube-controller-manager runs (k3s: the k3s server process) and read the workload\'s events',
    evidence: conditions,
  });
}
