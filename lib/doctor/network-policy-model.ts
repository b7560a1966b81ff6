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

/** A container port as declared in a pod spec; named ports in policies resolve against these. */
export interface NamedPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
}

/** The L4 protocols NetworkPolicy can match. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

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

/** A Kubernetes label selector (matchLabels AND matchExpressions). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

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

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * Whether `labels` satisfy `selector`, with Kubernetes semantics.
 *
 * Exported because tests also need selector matching for Services and PodDisruptionBudgets. An empty selector
 * (`{}`) matches everything; `NotIn` and `DoesNotExist` match when the key is absent.
 */
export function matchesSelector(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, expr.key);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(labels[expr.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expr.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        throw new Error(`unknown label selector operator '${expr.operator}'`);
    }
  }
  return true;
}

/** Parses a dotted-quad IPv4 address to an unsigned 32-bit number; throws on IPv6 or malformed input. */
export function parseIpv4(ip: string): number {
  if (ip.includes(':')) {
    throw new Error(`IPv6 address '${ip}' is not supported by this NetworkPolicy model (IPv4 only)`);
  }
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) throw new Error(`'${ip}' is not a valid IPv4 address`);
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) throw new Error(`'${ip}' is not a valid IPv4 address`);
  return ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
}

interface Cidr {
  text: string;
  network: number;
  prefix: number;
}

function parseCidr(cidr: string): Cidr {
  const slash = cidr.indexOf('/');
  if (slash < 0) throw new Error(`'${cidr}' is not a CIDR (missing '/prefix')`);
  const addr = parseIpv4(cidr.slice(0, slash));
  const prefixText = cidr.slice(slash + 1);
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    throw new Error(`'${cidr}' has an invalid prefix length`);
  }
  const prefix = Number(prefixText);
  return { text: cidr, network: (addr & maskOf(prefix)) >>> 0, prefix };
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function cidrHas(cidr: Cidr, ip: number): boolean {
  return ((ip & maskOf(cidr.prefix)) >>> 0) === cidr.network;
}

/** Whether an IPv4 address lies inside an IPv4 CIDR; exported so tests can reason about ipBlocks directly. */
export function ipv4InCidr(ip: string, cidr: string): boolean {
  return cidrHas(parseCidr(cidr), parseIpv4(ip));
}

interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: Cidr; except: Cidr[] };
}

interface PortSpec {
  protocol: Protocol;
  port?: number | string;
  endPort?: number;
}

interface Rule {
  /** undefined = every peer (the field was missing or empty). */
  peers?: Peer[];
  /** undefined = every port (the field was missing or empty). */
  ports?: PortSpec[];
}

interface Policy {
  id: string;
  namespace: string;
  podSelector: LabelSelector;
  ingressIsolating: boolean;
  egressIsolating: boolean;
  ingress: Rule[];
  egress: Rule[];
}

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

function flatten(manifests: any[]): any[] {
  const out: any[] = [];
  for (const m of manifests) {
    if (!m || typeof m !== 'object') continue;
    if (typeof m.kind === 'string' && m.kind.endsWith('List') && Array.isArray(m.items)) {
      out.push(...flatten(m.items));
    } else {
      out.push(m);
    }
  }
  return out;
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

function parsePolicy(m: any): Policy {
  const namespace: string = m.metadata?.namespace ?? 'default';
  const id = `${namespace}/${m.metadata?.name ?? '?'}`;
  const fail = (msg: string): never => {
    throw new Error(`NetworkPolicy ${id}: ${msg}`);
  };
  const spec = m.spec ?? {};
  const ingressList: any[] = spec.ingress ?? [];
  const egressList: any[] = spec.egress ?? [];
  // API defaulting: an empty/missing policyTypes means Ingress, plus Egress when spec.egress has rules.
  let types: string[] = spec.policyTypes ?? [];
  if (types.length === 0) types = egressList.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const t of types) if (t !== 'Ingress' && t !== 'Egress') fail(`unknown policyType '${t}'`);
  const cidrAt = (text: unknown, where: string): Cidr => {
    if (typeof text !== 'string') return fail(`${where}: must be a CIDR string`);
    try {
      return parseCidr(text);
    } catch (err) {
      return fail(`${where}: ${(err as Error).message}`);
    }
  };
  const selector = (s: any, where: string): LabelSelector => {
    const sel: LabelSelector = s ?? {};
    for (const e of sel.matchExpressions ?? []) {
      if (!SELECTOR_OPERATORS.includes(e.operator)) fail(`${where}: unknown operator '${e.operator}'`);
      const n = e.values?.length ?? 0;
      if ((e.operator === 'In' || e.operator === 'NotIn') && n === 0) fail(`${where}: ${e.operator} needs values`);
      if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && n > 0) {
        fail(`${where}: ${e.operator} must not have values`);
      }
    }
    return sel;
  };
  const parseRule = (r: any, where: string, peerField: 'from' | 'to'): Rule => {
    const rawPeers: any[] = r?.[peerField] ?? [];
    const rawPorts: any[] = r?.ports ?? [];
    const peers = rawPeers.map((p, i): Peer => {
      const at = `${where}.${peerField}[${i}]`;
      const hasSelector = p.podSelector != null || p.namespaceSelector != null;
      if (p.ipBlock != null) {
        if (hasSelector) fail(`${at}: ipBlock cannot be combined with podSelector/namespaceSelector`);
        const cidr = cidrAt(p.ipBlock.cidr, `${at}.ipBlock.cidr`);
        const except = ((p.ipBlock.except ?? []) as unknown[]).map((e, j) => {
          const ex = cidrAt(e, `${at}.ipBlock.except[${j}]`);
          if (ex.prefix <= cidr.prefix || !cidrHas(cidr, ex.network)) {
            fail(`${at}.ipBlock.except[${j}]: '${ex.text}' must be a strict subset of cidr '${cidr.text}'`);
          }
          return ex;
        });
        return { ipBlock: { cidr, except } };
      }
      if (!hasSelector) fail(`${at}: must specify a peer (podSelector, namespaceSelector or ipBlock)`);
      return {
        podSelector: p.podSelector == null ? undefined : selector(p.podSelector, `${at}.podSelector`),
        namespaceSelector: p.namespaceSelector == null
          ? undefined : selector(p.namespaceSelector, `${at}.namespaceSelector`),
      };
    });
    const ports = rawPorts.map((p, i): PortSpec => {
      const at = `${where}.ports[${i}]`;
      const protocol: Protocol = p.protocol ?? 'TCP';
      if (!PROTOCOLS.includes(protocol)) fail(`${at}: unknown protocol '${p.protocol}'`);
      const port = p.port;
      if (port !== undefined && typeof port !== 'number' && typeof port !== 'string') fail(`${at}: invalid port`);
      if (typeof port === 'number' && (!Number.isInteger(port) || port < 1 || port > 65535)) {
        fail(`${at}: port ${port} out of range`);
      }
      if (p.endPort !== undefined) {
        if (typeof port !== 'number') fail(`${at}: endPort requires a numeric port`);
        if (typeof p.endPort !== 'number' || p.endPort < port || p.endPort > 65535) {
          fail(`${at}: endPort ${p.endPort} must be between port ${port} and 65535`);
        }
      }
      return { protocol, port, endPort: p.endPort };
    });
    return { peers: peers.length > 0 ? peers : undefined, ports: ports.length > 0 ? ports : undefined };
  };
  return {
    id,
    namespace,
    podSelector: selector(spec.podSelector, 'spec.podSelector'),
    ingressIsolating: types.includes('Ingress'),
    egressIsolating: types.includes('Egress'),
    ingress: ingressList.map((r, i) => parseRule(r, `ingress[${i}]`, 'from')),
    egress: egressList.map((r, i) => parseRule(r, `egress[${i}]`, 'to')),
  };
}
