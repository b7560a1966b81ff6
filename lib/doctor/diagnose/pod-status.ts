/**
 * Pod status classification: what kubectl's STATUS column says, whether a pod is fine, and which container holds
 * it back.
 *
 * Chains start with the STATUS the user already saw in `kubectl get pods`, so it is computed the way kubectl's
 * table printer does (k8s.io/kubernetes pkg/printers/internalversion `printPod`), not re-invented.
 */
import { ContainerStatus, KubeObject, PodCondition } from './types';

/** A pod's condition of one type. */
export function podCondition(pod: KubeObject, type: string): PodCondition | undefined {
  return (pod.status?.conditions as PodCondition[] | undefined)?.find((c) => c.type === type);
}

/** Whether the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/** Whether every container ran to completion (a Job pod that is done). */
export function isPodSucceeded(pod: KubeObject): boolean {
  return pod.status?.phase === 'Succeeded';
}

function initStatuses(pod: KubeObject): ContainerStatus[] {
  return pod.status?.initContainerStatuses ?? [];
}

function containerStatuses(pod: KubeObject): ContainerStatus[] {
  return pod.status?.containerStatuses ?? [];
}

/** Sidecars (init containers with `restartPolicy: Always`) keep running and do not block initialisation. */
function isSidecar(pod: KubeObject, name: string): boolean {
  return (pod.spec?.initContainers ?? []).some((c: any) => c.name === name && c.restartPolicy === 'Always');
}

function terminatedText(t: NonNullable<NonNullable<ContainerStatus['state']>['terminated']>, prefix: string): string {
  if (t.reason) return `${prefix}${t.reason}`;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode}`;
}

/** The STATUS column of `kubectl get pods` for this pod. */
export function podStatusText(pod: KubeObject): string {
  let reason: string = pod.status?.reason || pod.status?.phase || 'Unknown';
  if ((pod.status?.conditions ?? []).some((c: PodCondition) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) {
    reason = 'SchedulingGated';
  }
  const total = (pod.spec?.initContainers ?? []).length;
  let initializing = false;
  for (const [i, c] of initStatuses(pod).entries()) {
    const t = c.state?.terminated;
    const w = c.state?.waiting;
    if (t && t.exitCode === 0) continue;
    if (isSidecar(pod, c.name) && c.started) continue;
    if (t) {
      reason = terminatedText(t, 'Init:');
    } else if (w?.reason && w.reason !== 'PodInitializing') {
      reason = `Init:${w.reason}`;
    } else {
      reason = `Init:${i}/${total}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || podCondition(pod, 'Initialized')?.status === 'True') {
    let hasRunning = false;
    for (const c of [...containerStatuses(pod)].reverse()) {
      const t = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (t) reason = terminatedText(t, '');
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = isPodReady(pod) ? 'Running' : 'NotReady';
  }
  if (pod.metadata.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

/** The init container that holds a pod back, with its spec; undefined once the pod is initialized. */
export function blockingInitContainer(pod: KubeObject): { spec: any; status?: ContainerStatus; index: number } | undefined {
  if (podCondition(pod, 'Initialized')?.status === 'True') return undefined;
  const specs: any[] = pod.spec?.initContainers ?? [];
  for (const [index, spec] of specs.entries()) {
    const status = initStatuses(pod).find((s) => s.name === spec.name);
    if (status?.state?.terminated?.exitCode === 0) continue;
    if (spec.restartPolicy === 'Always' && status?.started) continue;
    return { spec, status, index };
  }
  return undefined;
}

/** Main containers that are not ready, with their specs, in spec order. */
export function unreadyContainers(pod: KubeObject): { spec: any; status?: ContainerStatus }[] {
  const specs: any[] = pod.spec?.containers ?? [];
  return specs
    .map((spec) => ({ spec, status: containerStatuses(pod).find((s) => s.name === spec.name) }))
    .filter(({ status }) => !status?.ready);
}

/** Whether a container has never been started (no container ID): volumes or config were never set up. */
export function neverStarted(status: ContainerStatus | undefined): boolean {
  return !status || (!status.containerID && !status.state?.running && !status.state?.terminated);
}
