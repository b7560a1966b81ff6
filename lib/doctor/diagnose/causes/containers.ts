/**
 * Why a container of a scheduled pod does not run or is not ready: image pulls, configuration errors, crashes,
 * OOM kills, volumes that cannot be mounted, failing readiness probes.
 *
 * Reads the container's current state first and uses events only to add detail, because a dump's events are
 * also the history of a first install (FailedMount before the generator ran) and must not be mistaken for now.
 */
import { DiagnosisContext, eventLine, explain, Explanation, kubectl, podHop, prepend, Walk, workloadText } from '../cause';
import { neverStarted } from '../pod-status';
import { ContainerStatus, KubeObject } from '../types';
import { explainImagePull } from './image-pull';
import { explainForbidden, parseForbidden } from './rbac';
import { brokenSpecRefs, explainMissingRef, parseMissingRef, stillMissing } from './secrets';

type Terminated = NonNullable<NonNullable<ContainerStatus['state']>['terminated']>;

/** Known error lines and what to do about them, so a crash message ends in a concrete fix. */
const CRASH_HINTS: { pattern: RegExp; fix: string }[] = [
  {
    pattern: /private key file .* has group or world access/i,
    fix: 'PostgreSQL refuses a key file others can read: set the mode of the TLS Secret volume that holds it (spec.template.spec.volumes[].secret.defaultMode) '
      + 'to 0640 (decimal 416) with the key owned by root, or 0600 (384) when the postgres user owns it; the synthesized manifests set 0640, so a patch or override changed it',
  },
  {
    pattern: /HTTP 403|forbidden/i,
    fix: 'the ServiceAccount lacks a permission: re-apply the Role and RoleBinding from the synthesized manifests (kubectl apply -k dist/<variant>), then delete the Job so it runs again',
  },
  {
    pattern: /password authentication failed/i,
    fix: 'the database keeps the password it was initialised with: put that password back into the Secret, or (new install, no data) delete the database PVC so it initialises again',
  },
  { pattern: /Read-only file system/i, fix: 'the image writes to a path that is not mounted writable: add it to the component\'s writable paths (an emptyDir)' },
  { pattern: /[Pp]ermission denied/, fix: 'the image expects another user or file mode: compare runAsUser/fsGroup with the image\'s user' },
];

/** The fix a known error line calls for, if the message contains one. */
export function crashHint(message: string): string | undefined {
  return CRASH_HINTS.find((h) => h.pattern.test(message))?.fix;
}

/** Lines that only add detail to the error before them (postgres's DETAIL/HINT, stack frames). */
const DETAIL_LINE = /^(\S+\s+\S+\s+\S+\s+\[\d+\]\s+)?(DETAIL|HINT|CONTEXT|STATEMENT|LOCATION):|^\s*at\s|^\s*\.\.\./;

/**
 * The line of a message that says why: the last FATAL/PANIC line, else the last line that is not a DETAIL, HINT or
 * stack frame following its error (postgres logs `FATAL: private key ... has group or world access`, then a DETAIL).
 */
export function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter((l) => l);
  const fatal = lines.filter((l) => /\b(FATAL|PANIC):/.test(l)).slice(-1)[0];
  return fatal ?? lines.filter((l) => !DETAIL_LINE.test(l)).slice(-1)[0] ?? lines.slice(-1)[0] ?? '';
}

function memoryLimitOf(spec: any): string | undefined {
  return spec?.resources?.limits?.memory;
}

/** For a key file rejected for its mode: the Secret volume and the mode it has now, in the fix. */
function keyModeHint(pod: KubeObject, workload: string, message: string): string | undefined {
  const file = /private key file "([^"]+)" has group or world access/.exec(message)?.[1];
  if (!file) return undefined;
  const mount = (pod.spec?.containers ?? []).flatMap((c: any) => c.volumeMounts ?? []).find((m: any) => m.mountPath === file);
  const volume = (pod.spec?.volumes ?? []).find((v: any) => v.name === mount?.name && v.secret);
  if (!volume) return undefined;
  const mode = typeof volume.secret.defaultMode === 'number' ? `0${volume.secret.defaultMode.toString(8)}` : '0644 (the default)';
  return `PostgreSQL refuses the key ${file} because its mode ${mode} lets others read it: set defaultMode of the Secret volume `
    + `'${volume.name}' (${workload}, spec.template.spec.volumes[name=${volume.name}].secret.defaultMode) to 0640 (decimal 416), re-apply and let the pod restart; `
    + 'the synthesized manifests set 0640, so a patch or override changed it';
}

/** Explains a container that was OOM-killed or exits with an error, from its termination record. */
function explainTermination(ctx: DiagnosisContext, pod: KubeObject, spec: any, status: ContainerStatus, t: Terminated, init: boolean): Explanation {
  const container = status.name;
  const what = `${init ? 'init container' : 'container'} ${container}`;
  const workload = workloadText(ctx, pod);
  const restarts = status.restartCount > 0 ? `, ${status.restartCount} restarts` : '';
  const state = status.state?.waiting?.reason ?? t.reason ?? 'Error';
  const logs = kubectl(ctx, `logs ${pod.metadata.name} -c ${container}${status.state?.terminated ? '' : ' --previous'}`);
  if (t.reason === 'OOMKilled') {
    const limit = memoryLimitOf(spec) ?? 'its memory limit';
    const component = ctx.topology.componentOf(pod);
    return explain([podHop(pod, `${what} was OOMKilled (limit ${limit}${restarts})`)], {
      id: `oomkilled:${workload}/${container}`, severity: 'stuck',
      summary: `${what} of ${workload} is killed for using more memory than its limit ${limit} (OOMKilled${restarts})`,
      confirm: kubectl(ctx, `get pod ${pod.metadata.name} -o jsonpath='{.status.containerStatuses[?(@.name=="${container}")].lastState.terminated.reason}'`),
      fix: `raise the memory limit of ${workload}${component ? ` (components.${component}.resources.memoryLimit, or a larger size preset)` : ''}, re-synthesize and re-apply`,
      evidence: [`${container}: terminated OOMKilled, exit code ${t.exitCode}, finished ${t.finishedAt ?? '?'}`],
    });
  }
  const message = (t.message ?? '').trim();
  const exit = t.signal ? `signal ${t.signal}` : `exit code ${t.exitCode}`;
  const said = message ? `: ${lastLine(message)}` : '';
  const hop = podHop(pod, `${what} exits with ${exit}${said}${restarts ? ` (${state}${restarts})` : ''}`);
  const forbidden = parseForbidden(message, pod);
  const job = ctx.dump.jobNameOf(pod);
  const rerun = job ? `kubectl -n ${ctx.dump.namespace} delete job ${job} and re-apply the manifests so it runs again` : `kubectl -n ${ctx.dump.namespace} delete pod ${pod.metadata.name} so it starts again`;
  const pinned = forbidden && explainForbidden(ctx, forbidden, rerun, `${container}: ${lastLine(message)}`);
  if (pinned) return explain([hop, ...pinned.hops], pinned.cause);
  const hint = keyModeHint(pod, workload, message) ?? crashHint(message);
  return explain([hop], {
    id: `crash:${workload}/${container}`, severity: 'stuck',
    summary: `${what} of ${workload} ${status.state?.waiting?.reason === 'CrashLoopBackOff' ? 'keeps crashing' : 'failed'}: ${exit}${said || ' (no termination message: its log has the reason)'}`,
    confirm: logs,
    fix: hint ?? `read the log (${logs}) and fix what it reports`,
    evidence: [
      `${container}: ${t.reason ?? 'terminated'} ${exit}${message ? `, message: ${message}` : ''}`,
      ...ctx.dump.eventsFor('Pod', pod.metadata.name).filter((e) => e.reason === 'BackOff').slice(-1).map(eventLine),
    ],
  });
}

/** Explains a container that has never been started: a broken Secret/ConfigMap reference or a sandbox failure. */
export function explainNotCreated(ctx: DiagnosisContext, walk: Walk, pod: KubeObject, containers: readonly any[]): Explanation | undefined {
  const broken = brokenSpecRefs(ctx, pod, containers);
  const fromEvents = ctx.dump.eventsFor('Pod', pod.metadata.name)
    .filter((e) => e.reason === 'FailedMount' || e.reason === 'Failed')
    .map((e) => parseMissingRef(e.message ?? ''))
    .filter((r): r is NonNullable<typeof r> => !!r && stillMissing(ctx, r));
  const ref = broken[0] ?? fromEvents[0];
  if (ref) {
    const what = ref.key ? `${ref.kind} ${ref.name} has no key "${ref.key}"` : `${ref.kind} ${ref.name} not found`;
    return prepend([podHop(pod, `cannot start: ${what}`)], explainMissingRef(ctx, walk, ref, `pod ${pod.metadata.name}`));
  }
  const sandbox = ctx.dump.latestEvent('Pod', pod.metadata.name, ['FailedCreatePodSandBox']);
  if (sandbox) {
    return explain([podHop(pod, 'the runtime cannot create the pod sandbox')], {
      id: `sandbox:${pod.spec?.nodeName ?? 'node'}`, severity: 'stuck',
      summary: `the container runtime on ${pod.spec?.nodeName ?? 'the node'} cannot create pod sandboxes (network/CNI): ${lastLine(sandbox.message ?? '')}`,
      confirm: kubectl(ctx, `describe pod ${pod.metadata.name}`),
      fix: 'check the CNI pods in kube-system (kubectl -n kube-system get pods) and the node\'s containerd log',
      evidence: [eventLine(sandbox)],
    });
  }
  return undefined;
}

/** Explains one container that keeps its pod from being Ready; undefined when its state says nothing useful. */
export function explainContainer(ctx: DiagnosisContext, walk: Walk, pod: KubeObject, spec: any, status: ContainerStatus | undefined, init: boolean): Explanation | undefined {
  const waiting = status?.state?.waiting;
  const container = spec?.name ?? status?.name;
  const what = `${init ? 'init container' : 'container'} ${container}`;
  switch (waiting?.reason) {
    case 'ErrImagePull':
    case 'ImagePullBackOff':
    case 'InvalidImageName':
      return explainImagePull(ctx, pod, spec, status, init);
    case 'CreateContainerConfigError': {
      const ref = parseMissingRef(waiting.message ?? '');
      if (ref) return prepend([podHop(pod, `${what} cannot start: ${waiting.message}`)], explainMissingRef(ctx, walk, ref, `${what} of ${pod.metadata.name}`));
      break;
    }
    case 'CreateContainerError':
    case 'RunContainerError':
    case 'StartError':
      return explain([podHop(pod, `${what} cannot be started: ${lastLine(waiting.message ?? waiting.reason)}`)], {
        id: `container-start:${workloadText(ctx, pod)}/${container}`, severity: 'stuck',
        summary: `the runtime cannot start ${what} of ${workloadText(ctx, pod)}: ${lastLine(waiting.message ?? waiting.reason)}`,
        confirm: kubectl(ctx, `describe pod ${pod.metadata.name}`),
        fix: 'correct the command, mounts or securityContext the message names',
        evidence: [`${container}: ${waiting.reason}: ${waiting.message ?? ''}`],
      });
    default:
      break;
  }
  const terminated = status?.state?.terminated ?? (waiting?.reason === 'CrashLoopBackOff' ? status?.lastState?.terminated : undefined);
  if (status && terminated && (terminated.exitCode !== 0 || terminated.reason === 'OOMKilled')) {
    return explainTermination(ctx, pod, spec, status, terminated, init);
  }
  if (neverStarted(status)) return explainNotCreated(ctx, walk, pod, init ? [spec] : [...(pod.spec?.initContainers ?? []), spec]);
  if (status?.state?.running && !status.ready && !init) return explainUnready(ctx, pod, container, status);
  return undefined;
}

/** A running container whose readiness probe fails: the newest Unhealthy event says what the probe saw. */
function explainUnready(ctx: DiagnosisContext, pod: KubeObject, container: string, status: ContainerStatus): Explanation {
  const probe = [...ctx.dump.eventsFor('Pod', pod.metadata.name)].reverse()
    .find((e) => e.reason === 'Unhealthy' && (!e.involvedObject.fieldPath || e.involvedObject.fieldPath.includes(`{${container}}`)));
  const said = probe ? lastLine(probe.message ?? '') : 'no probe failure recorded';
  const lastTerm = status.lastState?.terminated;
  return explain([podHop(pod, `container ${container} runs but is not ready: ${said}`)], {
    id: `unready:${workloadText(ctx, pod)}/${container}`, severity: 'stuck',
    summary: `container ${container} of ${workloadText(ctx, pod)} runs but its readiness probe fails: ${said}`,
    confirm: kubectl(ctx, `logs ${pod.metadata.name} -c ${container} --tail=50`),
    fix: 'read the log for why the service does not answer its health check (its own dependencies, configuration)',
    evidence: [...(probe ? [eventLine(probe)] : []), ...(lastTerm ? [`${container} last terminated: ${lastTerm.reason ?? ''} exit code ${lastTerm.exitCode}`] : [])],
  });
}
