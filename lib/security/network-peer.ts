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
    // An except covering a whole range would leave it admitting nothing, and Kubernetes refuses it (an except must lie
    // strictly inside its cidr): dropping it instead would open the very range it was meant to close.
    except.forEach((e, i) => cidrs.forEach((cidr, j) => {
      if (cidrContains(e, cidr)) {
        fail('NetworkPeer', `except[${i}]`, e, `covers all of cidrs[${j}] '${cidr}', which would then admit no address; `
          + `pass exceptions strictly inside the ranges (a longer prefix than /${cidr.split('/')[1]}), or leave '${cidr}' out of cidrs`);
      }
    }));
    return new NetworkPeer({
      kind: 'cidrs',
      name,
      blocks: cidrs.map((cidr) => ({ cidr, except: except.filter((e) => cidrContains(cidr, e)) })),
    });
  }

  /**
   * Address ranges outside the cluster, minus `except` and the cluster's own ranges, for a prop `owner prop` the user set.
   * @throws KasmConfigError when a range lies inside a cluster range (it would then admit no address at all).
   */
  public static outsideCluster(owner: string, prop: string, cidrs: readonly string[], clusterCidrs: readonly string[], name: string, except: readonly string[] = []): NetworkPeer {
    cidrs.forEach((c, i) => {
      assertCidr(owner, `${prop}[${i}]`, c);
      const cluster = clusterCidrs.find((k) => cidrContains(k, c));
      if (cluster !== undefined) {
        fail(owner, `${prop}[${i}]`, c, [`lies inside the cluster's own range '${cluster}' (`, { typescript: 'ClusterProfile clusterCidrs', values: 'cluster.clusterCidrs' },
          '), which policies never open by address; pass ranges outside the cluster, and name in-cluster peers with ',
          { typescript: 'NetworkPeer.pods(namespace, labels)', values: 'namespace and podLabels' }]);
      }
    });
    return NetworkPeer.cidrs(cidrs, [...new Set([...except, ...clusterCidrs])], name);
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

function dotted(ip: number): string {
  return [24, 16, 8, 0].map((shift) => (ip >>> shift) & 255).join('.');
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
    const first = ipv4(net);
    const last = first + 2 ** (32 - Number(bits)) - 1;
    // Prefer a host address over the network address, then walk past each exception that covers the candidate.
    for (const start of last - first > 1 ? [first + 1, first] : [first]) {
      const ip = firstFree(start, last, block.except ?? []);
      if (ip !== undefined) return dotted(ip);
    }
  }
  return undefined;
}

/**
 * The lowest address from `start` to `last` that no exception covers. Each step jumps past the exception covering the
 * candidate, so the candidate only grows and no exception is met twice: at most one step per exception, then done.
 */
function firstFree(start: number, last: number, except: readonly string[]): number | undefined {
  let ip = start;
  while (ip <= last) {
    const covering = except.find((e) => cidrContains(e, `${dotted(ip)}/32`));
    if (covering === undefined) return ip;
    ip = ipv4(covering.split('/')[0]) + 2 ** (32 - Number(covering.split('/')[1]));
  }
  return undefined;
}
