/**
 * NetworkPolicies derived from a list of flows (the dependency graph plus DNS and the API server), never written
 * by hand: default deny for every pod of the namespace, then one allow rule per flow on exactly its port, on the
 * egress side of the source and the ingress side of the destination.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SyncWave, waveAnnotation } from '../core/metadata';
import { assertCidr, assertDnsLabel, assertLabels, fail } from '../core/validation';

/** Label key every namespace carries with its own name (Kubernetes 1.22+). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** One end of a flow. */
export type FlowEnd =
  /** Pods selected by labels in a namespace. */
  | { readonly kind: 'pods'; readonly name: string; readonly namespace: string; readonly selector: Readonly<Record<string, string>> }
  /** Addresses outside the cluster. */
  | { readonly kind: 'cidrs'; readonly name: string; readonly blocks: readonly { readonly cidr: string; readonly except?: readonly string[] }[] }
  /** Any destination (used for the API server, whose address differs per cluster), narrowed by port only. */
  | { readonly kind: 'anywhere'; readonly name: string };

/** A connection the deployment needs. */
export interface Flow {
  readonly from: FlowEnd;
  readonly to: FlowEnd;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly purpose: string;
}

/**
 * Pods, addresses or a namespace that the policies allow traffic from or to (ingress controller, DNS, agents).
 */
export class NetworkPeer {
  /**
   * Pods with `podLabels` in namespace `namespace`.
   * @throws KasmConfigError when the namespace or a label is not valid.
   */
  public static pods(namespace: string, podLabels: Readonly<Record<string, string>>, name = 'peer'): NetworkPeer {
    assertDnsLabel('NetworkPeer', 'namespace', namespace);
    assertLabels('NetworkPeer', 'podLabels', podLabels);
    if (Object.keys(podLabels).length === 0) fail('NetworkPeer', 'podLabels', podLabels, 'is empty; name the pods (an empty selector would admit every pod of the namespace)');
    return new NetworkPeer({ kind: 'pods', name, namespace, selector: podLabels });
  }

  /**
   * IPv4 address ranges outside the cluster, each optionally minus sub-ranges (e.g. the cluster's own CIDRs).
   * @throws KasmConfigError when a CIDR is malformed.
   */
  public static cidrs(cidrs: readonly string[], except: readonly string[] = [], name = 'cidrs'): NetworkPeer {
    if (cidrs.length === 0) fail('NetworkPeer', 'cidrs', cidrs, 'is empty; pass at least one CIDR such as \'192.168.10.0/24\'');
    cidrs.forEach((c, i) => assertCidr('NetworkPeer', `cidrs[${i}]`, c));
    except.forEach((c, i) => assertCidr('NetworkPeer', `except[${i}]`, c));
    return new NetworkPeer({
      kind: 'cidrs',
      name,
      blocks: cidrs.map((cidr) => ({ cidr, except: except.filter((e) => cidrContains(cidr, e) && e !== cidr) })),
    });
  }

  /** K3s's bundled Traefik (namespace `kube-system`, `app.kubernetes.io/name: traefik`). */
  public static k3sTraefik(): NetworkPeer {
    return NetworkPeer.pods('kube-system', { 'app.kubernetes.io/name': 'traefik' }, 'traefik');
  }

  /** RKE2's bundled ingress-nginx (namespace `kube-system`, `app.kubernetes.io/name: rke2-ingress-nginx`). */
  public static rke2IngressNginx(): NetworkPeer {
    return NetworkPeer.pods('kube-system', { 'app.kubernetes.io/name': 'rke2-ingress-nginx' }, 'ingress-nginx');
  }

  /** CoreDNS as K3s and RKE2 label it (namespace `kube-system`, `k8s-app: kube-dns`). */
  public static kubeDns(): NetworkPeer {
    return NetworkPeer.pods('kube-system', { 'k8s-app': 'kube-dns' }, 'kube-dns');
  }

  private constructor(public readonly end: FlowEnd) {}
}

function ipv4(ip: string): number {
  return ip.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
}

/** Whether CIDR `outer` contains CIDR `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
  const [oa, op] = outer.split('/');
  const [ia, ip] = inner.split('/');
  const oPrefix = Number(op);
  if (Number(ip) < oPrefix) return false;
  const mask = oPrefix === 0 ? 0 : (~0 << (32 - oPrefix)) >>> 0;
  return ((ipv4(oa) & mask) >>> 0) === ((ipv4(ia) & mask) >>> 0);
}

/** A NetworkPolicy peer for a flow end, seen from a policy in `namespace`. */
function peer(end: FlowEnd, namespace: string): k8s.NetworkPolicyPeer[] | undefined {
  switch (end.kind) {
    case 'pods':
      return [{
        podSelector: { matchLabels: { ...end.selector } },
        ...(end.namespace !== namespace ? { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: end.namespace } } } : {}),
      }];
    case 'cidrs':
      return end.blocks.map((b) => ({ ipBlock: { cidr: b.cidr, ...(b.except && b.except.length > 0 ? { except: [...b.except] } : {}) } }));
    case 'anywhere':
      return undefined;
  }
}

const key = (end: FlowEnd) => (end.kind === 'pods' ? `${end.namespace}/${end.name}` : end.name);

/** Props for {@link KasmNetworkPolicies}. */
export interface KasmNetworkPoliciesProps {
  readonly namespace: string;
  /** Prefix of the policy names. */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly flows: readonly Flow[];
}

/**
 * The namespace's NetworkPolicies: `<name>-default-deny` for every pod, then per pod group one egress and one
 * ingress policy whose rules are exactly the flows that start or end there.
 */
export class KasmNetworkPolicies extends Construct {
  public readonly policies: k8s.KubeNetworkPolicy[] = [];

  constructor(scope: Construct, id: string, props: KasmNetworkPoliciesProps) {
    super(scope, id);
    const meta = (name: string, annotations: Record<string, string> = {}) => ({
      name, namespace: props.namespace, labels: { ...props.labels }, annotations: { ...waveAnnotation(SyncWave.NAMESPACE), ...annotations },
    });
    this.policies.push(new k8s.KubeNetworkPolicy(this, 'default-deny', {
      metadata: meta(`${props.name}-default-deny`),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    }));

    const local = (end: FlowEnd): end is Extract<FlowEnd, { kind: 'pods' }> => end.kind === 'pods' && end.namespace === props.namespace;
    const groups = new Map<string, { end: Extract<FlowEnd, { kind: 'pods' }>; egress: Flow[]; ingress: Flow[] }>();
    const group = (end: Extract<FlowEnd, { kind: 'pods' }>) => {
      const k = key(end);
      if (!groups.has(k)) groups.set(k, { end, egress: [], ingress: [] });
      return groups.get(k)!;
    };
    for (const f of props.flows) {
      if (local(f.from)) group(f.from).egress.push(f);
      if (local(f.to)) group(f.to).ingress.push(f);
    }

    const describe = (flows: Flow[]) => flows.map((f) => `${key(f.from)} -> ${key(f.to)}:${f.port}/${f.protocol} (${f.purpose})`).join('; ');
    for (const [, g] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const selector = { matchLabels: { ...g.end.selector } };
      const base = g.end.name;
      for (const direction of ['egress', 'ingress'] as const) {
        const flows = g[direction];
        if (flows.length === 0) continue;
        const rules = flows.map((f) => {
          const other = peer(direction === 'egress' ? f.to : f.from, props.namespace);
          const ports = [{ protocol: f.protocol, port: k8s.IntOrString.fromNumber(f.port) }];
          return direction === 'egress' ? { ...(other ? { to: other } : {}), ports } : { ...(other ? { from: other } : {}), ports };
        });
        this.policies.push(new k8s.KubeNetworkPolicy(this, `${base}-${direction}`, {
          metadata: meta(`${props.name}-${base}-${direction}`, { 'kasm.cdk8s.io/flows': describe(flows) }),
          spec: {
            podSelector: selector,
            policyTypes: [direction === 'egress' ? 'Egress' : 'Ingress'],
            ...(direction === 'egress' ? { egress: rules } : { ingress: rules }),
          },
        }));
      }
    }
  }
}
