/**
 * What a detector hands back to the walk: the cause it found and the hops that lead there.
 *
 * Detectors stay small and independent when they share one result shape and one way of writing hops and
 * commands; the walk only prepends the hops of the pods that wait on each other.
 */
import { DumpIndex } from './dump';
import { podStatusText } from './pod-status';
import { KasmTopology } from './topology';
import { KubeObject, Severity } from './types';
import { NetworkPolicyModel } from '../network-policy-model';

/** A root cause as a detector finds it; `diagnose` groups the pods that reach the same `id`. */
export interface Cause {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly confirm: string;
  readonly fix: string;
  readonly evidence: readonly string[];
  /** Namespace the cause lives in, when it is not the diagnosed one (set by the walk). */
  readonly namespace?: string;
}

/** The hops from one object down to its root cause, the cause last. */
export interface Explanation {
  readonly hops: readonly string[];
  readonly cause: Cause;
}

/** Everything a detector may read; built once per diagnosis. */
export interface DiagnosisContext {
  /** The dump seen from the namespace being explained (the diagnosed one, or one the walk followed an edge into). */
  readonly dump: DumpIndex;
  /** The diagnosed namespace, where Kasm's own pods run. */
  readonly home: string;
  readonly topology: KasmTopology;
  /** Undefined when the dump's NetworkPolicies could not be parsed (the report's notes say why). */
  readonly policies?: NetworkPolicyModel;
}

/** A `kubectl` command scoped to the diagnosed namespace. */
export function kubectl(ctx: DiagnosisContext, args: string): string {
  return `kubectl -n ${ctx.dump.namespace} ${args}`;
}

/** An object's name as hops and summaries print it: `ns/name` outside the diagnosed namespace. */
export function where(ctx: DiagnosisContext, name: string): string {
  return ctx.dump.namespace === ctx.home ? name : `${ctx.dump.namespace}/${name}`;
}

/** The same context seen from another namespace (same dump, policies and topology). */
export function inNamespace(ctx: DiagnosisContext, namespace: string): DiagnosisContext {
  return namespace === ctx.dump.namespace ? ctx : { ...ctx, dump: ctx.dump.in(namespace) };
}

/** A hop for a pod: `<name> <STATUS>: <why>`, the STATUS as `kubectl get pods` prints it. */
export function podHop(pod: KubeObject, why: string): string {
  return `${pod.metadata.name} ${podStatusText(pod)}: ${why}`;
}

/** An explanation that starts at this object. */
export function explain(hops: readonly string[], cause: Cause): Explanation {
  return { hops, cause };
}

/** A cause found in namespace `ns` (not the diagnosed one) that says so: its `namespace`, and its summary names it. */
export function locate(cause: Cause, ns: string, home: string): Cause {
  if (ns === home || cause.namespace) return cause;
  return { ...cause, namespace: ns, summary: cause.summary.includes(`namespace ${ns}`) ? cause.summary : `in namespace ${ns}: ${cause.summary}` };
}

/** The same explanation with more hops in front (the pods that wait on the explained one). */
export function prepend(hops: readonly string[], e: Explanation): Explanation {
  return { hops: [...hops, ...e.hops], cause: e.cause };
}

/** An event as one evidence line: `<Kind>/<name> <reason> (xN): <message>`. */
export function eventLine(e: { reason?: string; message?: string; count?: number | null; involvedObject: { kind: string; name: string } }): string {
  const times = e.count && e.count > 1 ? ` (x${e.count})` : '';
  return `event ${e.involvedObject.kind}/${e.involvedObject.name} ${e.reason ?? ''}${times}: ${(e.message ?? '').trim()}`;
}

/** The Deployment/StatefulSet/Job a pod belongs to, as `Kind name`, for fix texts. */
export function workloadText(ctx: DiagnosisContext, pod: KubeObject): string {
  const w = ctx.dump.workloadOf(pod);
  return w ? `${w.kind} ${w.metadata.name}` : `the workload of pod ${pod.metadata.name}`;
}

/** The walk, as detectors that lead to another object (a Secret's generator Job, a Job's pod) call back into it. */
export interface Walk {
  /** Explains why a pod is not Ready (memoized, cycle-safe). */
  pod(pod: KubeObject): Explanation;
  /** Explains why a Job has not completed; undefined when it has. */
  job(job: KubeObject): Explanation | undefined;
}
