/**
 * Which edges of the dependency graph the cluster's live NetworkPolicies do not admit.
 *
 * A denied edge with a wait loop leaves a pod in `Init:` forever although its target is Ready; a denied edge
 * without one (proxy -> guacd) breaks sessions while every pod looks fine. The offline NetworkPolicy evaluator
 * answers both from the dump, with the policies that isolate each side.
 */
import { ComponentId, DependencyEdge } from '../../../contract/types';
import { PodEndpoint } from '../../network-policy-model';
import { Cause, DiagnosisContext, explain, Explanation } from '../cause';
import { isPodReady } from '../pod-status';
import { KubeObject } from '../types';

/** A pod as the NetworkPolicy evaluator sees it: labels and the container ports of its spec. */
export function endpointOf(pod: KubeObject): PodEndpoint {
  const ports = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((c: any) => (c.ports ?? [])
    .map((p: any) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })));
  return { kind: 'pod', namespace: pod.metadata.namespace ?? 'default', labels: { ...(pod.metadata.labels ?? {}) }, ports, name: pod.metadata.name };
}

/**
 * `kubectl describe` of the isolating policies, one command per namespace: an edge into the database namespace is
 * isolated on its egress side in Kasm's namespace and on its ingress side in the database's.
 */
export function describePolicies(qualified: readonly string[], fallback: string): string {
  const byNs = new Map<string, Set<string>>();
  for (const q of qualified) {
    const [ns, name] = q.includes('/') ? q.split('/', 2) : [fallback, q];
    byNs.set(ns, (byNs.get(ns) ?? new Set()).add(name));
  }
  if (byNs.size === 0) byNs.set(fallback, new Set());
  return [...byNs.entries()].sort(([a], [b]) => (a === fallback ? -1 : b === fallback ? 1 : a < b ? -1 : 1))
    .map(([ns, names]) => `kubectl -n ${ns} describe networkpolicy${[...names].map((n) => ` ${n}`).join('')}`).join('; ');
}

/** The cause for one edge between two pods, or undefined when the policies admit it (or could not be read). */
export function deniedEdge(ctx: DiagnosisContext, from: KubeObject, to: KubeObject, edge: DependencyEdge): Cause | undefined {
  const model = ctx.policies;
  if (!model) return undefined;
  const source = endpointOf(from);
  const target = endpointOf(to);
  const verdict = model.isAllowed(source, target, edge.port);
  if (verdict.allowed) return undefined;
  const fromName = ctx.topology.displayName(edge.from as ComponentId);
  const toName = ctx.topology.displayName(edge.to as ComponentId);
  const egressDenied = verdict.reason.includes('egress: no egress rule');
  const ingressDenied = verdict.reason.includes('ingress: no ingress rule');
  const sides = [
    ...(egressDenied ? [`egress of ${fromName} (isolated by ${model.policiesSelecting(source, 'egress').join(', ')})`] : []),
    ...(ingressDenied ? [`ingress of ${toName} (isolated by ${model.policiesSelecting(target, 'ingress').join(', ')})`] : []),
  ];
  const isolating = [...(egressDenied ? model.policiesSelecting(source, 'egress') : []), ...(ingressDenied ? model.policiesSelecting(target, 'ingress') : [])];
  const namespaces = [...new Set([source.namespace, target.namespace])];
  const rules = [
    ...(egressDenied ? [`an egress rule on ${fromName}'s policy to pods app.kubernetes.io/name=${toName} on port ${edge.port}`] : []),
    ...(ingressDenied ? [`an ingress rule on ${toName}'s policy from pods app.kubernetes.io/name=${fromName} on port ${edge.port}`] : []),
  ];
  return {
    id: `networkpolicy:${fromName}->${toName}:${edge.port}`,
    severity: edge.waitFor ? 'stuck' : 'degraded',
    summary: `the NetworkPolicies of ${namespaces.length === 1 ? 'namespace' : 'namespaces'} ${namespaces.join(' and ')} do not admit ${fromName} -> ${toName}:${edge.port} (${edge.purpose}): no rule allows the ${sides.join(' nor the ')}`,
    confirm: describePolicies(isolating, ctx.home),
    fix: `re-apply the synthesized NetworkPolicies (kubectl apply -k dist/<variant>), or, if they were changed on purpose, add ${rules.join(' and ')}`,
    evidence: [verdict.reason],
  };
}

/**
 * Every in-namespace contract edge whose both ends have pods and which the live policies deny.
 *
 * Uses a Ready pod of each end when there is one, so a finding reflects the pods that serve traffic.
 */
export function deniedEdges(ctx: DiagnosisContext): Explanation[] {
  const found: Explanation[] = [];
  const seen = new Set<string>();
  for (const edge of ctx.topology.componentEdges()) {
    const pick = (pods: KubeObject[]) => pods.find(isPodReady) ?? pods[0];
    const from = pick(ctx.topology.podsOf(ctx.dump, edge.from as ComponentId));
    const to = pick(ctx.topology.podsOf(ctx.dump, edge.to as ComponentId));
    if (!from || !to) continue;
    const cause = deniedEdge(ctx, from, to, edge);
    if (!cause || seen.has(cause.id)) continue;
    seen.add(cause.id);
    found.push(explain([`${from.metadata.name} -> ${to.metadata.name}:${edge.port} (${edge.purpose}) is denied by NetworkPolicy`], cause));
  }
  return found;
}
