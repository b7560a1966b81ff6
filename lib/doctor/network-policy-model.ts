/**
 * An offline evaluator of Kubernetes NetworkPolicy (networking.k8s.io/v1) semantics.
 *
 * Tests run it over synthesized manifests to prove who may talk to whom without a cluster or a CNI. It follows
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ and the API field documentation:
 *
 * - A pod is isolated for a direction when a policy in its namespace selects it and lists that direction in
 *   `policyTypes`; a connection needs the egress side of the source AND the ingress side of the destination.
 * - Allow rules of all policies selecting a pod are a union; there are no deny rules.
 * - A named port resolves against the destination pod's container ports, for ingress and egress rules alike.
 *
 * Deliberate limits (all documented where they apply): `ipBlock` only matches external endpoints; traffic from
 * the node (kubelet probes, hostNetwork pods) is not modelled; only the core NetworkPolicy kind is read (no
 * Cilium/Calico/AdminNetworkPolicy); IPv4 only. Manifests the API server would reject (an empty peer, an
 * `ipBlock` mixed with selectors, an `except` outside its `cidr`, `endPort` with a named port, an unknown
 * selector operator) make the constructor throw, so a broken manifest cannot masquerade as a deny.
 */

import { podSpecsOf } from './pod-security';
import {
  cidrHas, flatten, matchesSelector, parseIpv4, parsePolicy, Peer, Policy, PortSpec, Protocol, PROTOCOLS,
} from './network-policy-parse';

export { ipv4InCidr, matchesSelector, parseIpv4 } from './network-policy-parse';
export type { LabelSelector, Protocol } from './network-policy-parse';

/** A container port as declared in a pod spec; named ports in policies resolve against these. */
export interface NamedPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
}

/** A pod as NetworkPolicy sees it: a namespace, labels and (for named ports) its container ports. */
export interface PodEndpoint {
  kind: 'pod';
  namespace: string;
  labels: Record<string, string>;
  ports?: NamedPort[];
  /** Used in `reason` texts only. */
  name?: string;
}

/** A peer outside the cluster, identified by its IPv4 address; only `ipBlock` peers can match it. */
export interface ExternalEndpoint {
  kind: 'external';
  ip: string;
  /** Used in `reason` texts only. */
  name?: string;
}

/** Either side of a connection. */
export type Endpoint = PodEndpoint | ExternalEndpoint;

/** A namespace the caller declares in addition to the manifests, e.g. kube-system with its labels. */
export interface ExtraNamespace {
  name: string;
  labels?: Record<string, string>;
}

/** The verdict for one connection; `reason` names the admitting rules or the side that blocked it. */
export interface Verdict {
  allowed: boolean;
  reason: string;
}

/** The label every namespace carries automatically since Kubernetes 1.22; namespaceSelectors commonly use it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export type Direction = 'ingress' | 'egress';

interface SideResult {
  ok: boolean;
  text: string;
}

/**
 * Evaluates NetworkPolicies from a manifest set for arbitrary source/destination pairs.
 *
 * The one place tests ask "may X reach Y on port P"; building it once per manifest set validates every policy up
 * front, so a malformed policy fails loudly instead of silently denying.
 */
export class NetworkPolicyModel {
  private readonly policies: Policy[];
  /** The policies of each namespace: a policy only ever selects pods of its own namespace. */
  private readonly policiesByNamespace = new Map<string, Policy[]>();
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly manifests: any[];

  constructor(manifests: any[], extraNamespaces: ExtraNamespace[] = []) {
    this.manifests = flatten(manifests);
    for (const m of this.manifests) {
      if (m.kind === 'Namespace' && m.apiVersion === 'v1' && m.metadata?.name) {
        this.namespaceLabels.set(m.metadata.name, { ...(m.metadata.labels ?? {}) });
      }
    }
    for (const ns of extraNamespaces) {
      this.namespaceLabels.set(ns.name, { ...(this.namespaceLabels.get(ns.name) ?? {}), ...(ns.labels ?? {}) });
    }
    this.policies = this.manifests
      .filter((m) => m.kind === 'NetworkPolicy' && m.apiVersion === 'networking.k8s.io/v1')
      .map(parsePolicy);
    for (const p of this.policies) {
      const inNamespace = this.policiesByNamespace.get(p.namespace) ?? [];
      inNamespace.push(p);
      this.policiesByNamespace.set(p.namespace, inNamespace);
    }
  }

  /**
   * Labels of a namespace: those of its Namespace object or extra declaration, plus the automatic name label.
   *
   * A namespace nobody declared still exists for selection purposes with only the automatic label.
   */
  labelsOfNamespace(name: string): Record<string, string> {
    return { ...(this.namespaceLabels.get(name) ?? {}), [NAMESPACE_NAME_LABEL]: name };
  }

  /**
   * Every pod template in Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and bare Pods.
   *
   * Lets a test sweep all workload pairs instead of hand-writing labels. `workload` is `Kind/namespace/name`;
   * a workload without `metadata.namespace` is placed in `default`, as the API server would. Ports include
   * init containers (sidecars serve ports too).
   */
  podEndpoints(): (PodEndpoint & { workload: string })[] {
    return podSpecsOf(this.manifests).map(({ workload, namespace, spec, metadata }) => {
      const ports: NamedPort[] = [];
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        for (const p of c?.ports ?? []) {
          ports.push({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' });
        }
      }
      return { kind: 'pod', namespace, labels: { ...(metadata.labels ?? {}) }, ports, name: workload, workload };
    });
  }

  /** Names (`namespace/name`) of the policies that select a pod for the given direction. */
  policiesSelecting(pod: PodEndpoint, direction: Direction): string[] {
    return this.isolating(pod, direction).map((p) => p.id);
  }

  /**
   * Whether `from` may open a connection to `to` on `port`/`protocol`.
   *
   * `port` may be a number or a container port name of the destination pod. The reason always states the egress
   * and the ingress verdict, naming the admitting policy and rule or the policies that isolate without allowing.
   */
  isAllowed(from: Endpoint, to: Endpoint, port: number | string, protocol: Protocol = 'TCP'): Verdict {
    if (!PROTOCOLS.includes(protocol)) throw new Error(`unknown protocol '${protocol}'`);
    validateEndpoint(from);
    validateEndpoint(to);
    const portNumber = resolveRequestedPort(to, port, protocol);
    const portText = typeof port === 'string' && !/^\d+$/.test(port)
      ? `${port}(${portNumber})/${protocol}`
      : `${portNumber}/${protocol}`;
    const egress = this.side('egress', from, to, portNumber, protocol);
    const ingress = this.side('ingress', to, from, portNumber, protocol);
    const allowed = egress.ok && ingress.ok;
    const reason = `${describe(from)} -> ${describe(to)} on ${portText}: ${allowed ? 'ALLOWED' : 'DENIED'}; `
      + `egress: ${egress.text}; ingress: ${ingress.text}`;
    return { allowed, reason };
  }

  private isolating(pod: PodEndpoint, direction: Direction): Policy[] {
    return (this.policiesByNamespace.get(pod.namespace) ?? []).filter((p) => (direction === 'ingress' ? p.ingressIsolating : p.egressIsolating)
      && matchesSelector(p.podSelector, pod.labels));
  }

  /**
   * Evaluates one side. For egress, `subject` is the source and `peer` the destination; for ingress the reverse.
   * The destination pod (for named ports) is always the ingress subject / egress peer.
   */
  private side(direction: Direction, subject: Endpoint, peer: Endpoint, port: number, protocol: Protocol): SideResult {
    if (subject.kind === 'external') {
      return {
        ok: true,
        text: `${direction === 'egress' ? 'source' : 'destination'} is external, NetworkPolicy does not apply`,
      };
    }
    const policies = this.isolating(subject, direction);
    if (policies.length === 0) {
      return { ok: true, text: `${describe(subject)} is not isolated for ${direction} (no policy selects it)` };
    }
    const destination = direction === 'egress' ? peer : subject;
    for (const policy of policies) {
      const rules = direction === 'egress' ? policy.egress : policy.ingress;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i];
        if (rule.peers && !rule.peers.some((p) => this.peerMatches(p, policy.namespace, peer))) continue;
        if (rule.ports && !rule.ports.some((p) => portMatches(p, port, protocol, destination))) continue;
        return { ok: true, text: `allowed by NetworkPolicy ${policy.id} ${direction}[${i}]` };
      }
    }
    const names = policies.map((p) => p.id).join(', ');
    return {
      ok: false,
      text: `no ${direction} rule allows it; ${describe(subject)} is isolated for ${direction} by ${names}`,
    };
  }

  /**
   * Whether a peer element matches an endpoint.
   *
   * Choice: an `ipBlock` never matches an in-cluster pod. Pod IPs depend on the cluster's pod CIDR and CNI, so
   * whether `0.0.0.0/0` (or a private range) covers a pod is cluster-dependent; modelling pods as unmatched makes
   * results deterministic and conservative (a policy that relies on an ipBlock to reach pods is reported as
   * denying). Selector peers, conversely, never match external endpoints.
   */
  private peerMatches(peer: Peer, policyNamespace: string, endpoint: Endpoint): boolean {
    if (peer.ipBlock) {
      if (endpoint.kind !== 'external') return false;
      const ip = parseIpv4(endpoint.ip);
      return cidrHas(peer.ipBlock.cidr, ip) && !peer.ipBlock.except.some((e) => cidrHas(e, ip));
    }
    if (endpoint.kind !== 'pod') return false;
    if (peer.namespaceSelector) {
      if (!matchesSelector(peer.namespaceSelector, this.labelsOfNamespace(endpoint.namespace))) return false;
    } else if (endpoint.namespace !== policyNamespace) {
      return false;
    }
    return peer.podSelector ? matchesSelector(peer.podSelector, endpoint.labels) : true;
  }
}

function describe(e: Endpoint): string {
  if (e.name) return e.name;
  if (e.kind === 'external') return `external ${e.ip}`;
  const labels = Object.entries(e.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return `pod ${e.namespace}/{${labels}}`;
}

function validateEndpoint(e: Endpoint): void {
  if (e.kind === 'external') parseIpv4(e.ip);
  else if (e.kind !== 'pod') throw new Error(`unknown endpoint kind '${(e as any).kind}'`);
}

function resolveRequestedPort(to: Endpoint, port: number | string, protocol: Protocol): number {
  if (typeof port === 'number' || /^\d+$/.test(port)) {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`port ${port} is out of range 1-65535`);
    return n;
  }
  const resolved = to.kind === 'pod' ? namedPortNumber(to, port, protocol) : undefined;
  if (resolved === undefined) {
    throw new Error(`named port '${port}'/${protocol} does not exist on destination ${describe(to)}`);
  }
  return resolved;
}

function namedPortNumber(pod: PodEndpoint, name: string, protocol: Protocol): number | undefined {
  return (pod.ports ?? []).find((p) => p.name === name && (p.protocol ?? 'TCP') === protocol)?.containerPort;
}

function portMatches(spec: PortSpec, port: number, protocol: Protocol, destination: Endpoint): boolean {
  if (spec.protocol !== protocol) return false;
  if (spec.port === undefined) return true;
  if (typeof spec.port === 'string') {
    // Named ports resolve on the destination pod; an external destination has no named ports.
    if (destination.kind !== 'pod') return false;
    return namedPortNumber(destination, spec.port, protocol) === port;
  }
  const end = spec.endPort ?? spec.port;
  return port >= spec.port && port <= end;
}
