/**
 * Who a connection starts from or goes to: pods in a namespace, address ranges, or anywhere (narrowed by port).
 *
 * The dependency graph, the cluster profile and the typed egress hatch all name their peers with these types, and
 * the NetworkPolicies are rendered from them.
 */
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

  /** RKE2's packaged Traefik (`ingress-controller: traefik`; namespace `kube-system`, `app.kubernetes.io/name: rke2-traefik`). */
  public static rke2Traefik(): NetworkPeer {
    return NetworkPeer.pods('kube-system', { 'app.kubernetes.io/name': 'rke2-traefik' }, 'traefik');
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

/**
 * An address inside a CIDR flow end that none of its exceptions cover: what the doctor uses to stand for "an agent"
 * or "a server" when it evaluates the policies. `undefined` when every address is excepted.
 */
export function sampleAddress(end: FlowEnd): string | undefined {
  if (end.kind !== 'cidrs') return undefined;
  for (const block of end.blocks) {
    const [net, bits] = block.cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const base = ipv4(net);
    for (let offset = size > 2 ? 1 : 0; offset < size; offset += Math.max(1, Math.floor(size / 64))) {
      const ip = [24, 16, 8, 0].map((shift) => ((base + offset) >>> shift) & 255).join('.');
      if (!(block.except ?? []).some((e) => cidrContains(e, `${ip}/32`))) return ip;
    }
  }
  return undefined;
}
