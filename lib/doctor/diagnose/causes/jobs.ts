/**
 * Why a Job has not completed: it failed (backoff limit, deadline), its pod is stuck, or its pods are rejected.
 *
 * Two Jobs gate a Kasm install (the secret-generator before everything, db-init before the api), and a failed Job
 * leaves no pod to look at; its conditions, events and last pod's termination message are all that is left.
 */
import { DiagnosisContext, eventLine, explain, Explanation, kubectl, prepend, Walk } from '../cause';
import { isPodSucceeded, podStatusText } from '../pod-status';
import { KubeObject } from '../types';
import { crashHint, lastLine } from './containers';
import { explainForbidden, parseForbidden } from './rbac';
import { explainFailedCreate } from './workloads';
import { compareText } from '../../../core/order';

/** What the Job is for, in words users know from the guides. */
export function jobRole(job: KubeObject): string {
  if (/-secret-generator(-[0-9a-f]+)?$/.test(job.metadata.name)) return 'secret-generator';
  if (/-db-init-/.test(job.metadata.name) || job.metadata.labels?.['app.kubernetes.io/component'] === 'db-init') return 'db-init';
  return job.metadata.name;
}

/** Whether the Job reached `Complete`. */
export function isJobComplete(job: KubeObject): boolean {
  return (job.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True');
}

/** The `Failed` condition of a Job, when it has given up. */
export function jobFailure(job: KubeObject): { reason: string; message: string } | undefined {
  const c = (job.status?.conditions ?? []).find((x: any) => x.type === 'Failed' && x.status === 'True');
  return c ? { reason: c.reason ?? 'Failed', message: c.message ?? '' } : undefined;
}

/** Pods of a Job, oldest first. */
export function jobPods(ctx: DiagnosisContext, job: KubeObject): KubeObject[] {
  return ctx.dump.pods()
    .filter((p) => ctx.dump.jobNameOf(p) === job.metadata.name)
    .sort((a, b) => compareText(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? '') || compareText(a.metadata.name, b.metadata.name));
}

/** The newest non-zero termination among a Job's pods: the message the user needs. */
function lastFailure(pods: readonly KubeObject[]): { pod: KubeObject; container: string; exitCode: number; message: string } | undefined {
  for (const pod of [...pods].reverse()) {
    for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
      const t = s.state?.terminated?.exitCode ? s.state.terminated : s.lastState?.terminated?.exitCode ? s.lastState.terminated : undefined;
      if (t) return { pod, container: s.name, exitCode: t.exitCode, message: (t.message ?? '').trim() };
    }
  }
  return undefined;
}

/** Explains a Job that has not completed; undefined when it has. */
export function explainJob(ctx: DiagnosisContext, walk: Walk, job: KubeObject): Explanation | undefined {
  if (isJobComplete(job)) return undefined;
  const name = job.metadata.name;
  const role = jobRole(job);
  const pods = jobPods(ctx, job);
  const failure = jobFailure(job);
  const rerun = `kubectl -n ${ctx.dump.namespace} delete job ${name} and re-apply the manifests so it runs again`;
  if (failure) {
    const last = lastFailure(pods);
    const said = last?.message ? `: ${lastLine(last.message)}` : '';
    const hops = [`Job ${name} Failed: ${failure.reason}, ${failure.message}`];
    if (last) hops.push(`${last.pod.metadata.name} ${podStatusText(last.pod)}: container ${last.container} exited with code ${last.exitCode}${said}`);
    const forbidden = last?.message ? parseForbidden(last.message, last.pod) : undefined;
    const pinned = forbidden && explainForbidden(ctx, forbidden, rerun, `${last!.pod.metadata.name}/${last!.container}: ${lastLine(last!.message)}`);
    if (pinned) return explain([...hops, ...pinned.hops], pinned.cause);
    const hint = last?.message ? crashHint(last.message) : undefined;
    return explain(hops, {
      id: `job-failed:${name}`, severity: 'stuck',
      summary: `the ${role} Job ${name} failed (${failure.reason})${said || (last ? ` with exit code ${last.exitCode} and no termination message` : ': its pods are gone, and their logs with them')}`,
      confirm: kubectl(ctx, `describe job ${name}`),
      fix: hint ? `${hint}; then ${rerun}`
        : last ? `read the error (${kubectl(ctx, `logs ${last.pod.metadata.name} -c ${last.container}`)}), fix it, then ${rerun}`
          : `run it again to see the error: ${rerun}, and follow ${kubectl(ctx, `logs -f job/${name}`)}; fix what it reports`,
      evidence: [
        ...ctx.dump.eventsFor('Job', name).filter((e) => e.type === 'Warning').slice(-2).map(eventLine),
        ...(last?.message ? [`${last.pod.metadata.name}/${last.container}: ${last.message}`] : []),
      ],
    });
  }
  const active = pods.filter((p) => !isPodSucceeded(p) && p.status?.phase !== 'Failed');
  const stuck = active[active.length - 1];
  if (stuck) return prepend([`Job ${name} has not completed (the ${role} step)`], walk.pod(stuck));
  const rejected = explainFailedCreate(ctx, job, job);
  if (rejected) return rejected;
  return explain([`Job ${name} has not completed and has no running pod`], {
    id: `job-stalled:${name}`, severity: 'stuck',
    summary: `the ${role} Job ${name} has not completed and has no running pod${job.spec?.suspend ? ' (it is suspended)' : ''}`,
    confirm: kubectl(ctx, `describe job ${name}`),
    fix: job.spec?.suspend ? kubectl(ctx, `patch job ${name} -p '{"spec":{"suspend":false}}'`) : rerun,
    evidence: ctx.dump.eventsFor('Job', name).slice(-2).map(eventLine),
  });
}
