/**
 * What the constructs need to know about the cluster they run on, in one place.
 *
 * Before this existed, the DNS address, the cluster CIDRs, the ingress controller, the StorageClass and the name of
 * the Traefik HelmChartConfig were five unrelated props with K3s defaults that nothing cross-checked; an RKE2 user
 * had to find and change each. A profile is passed once and every construct reads it.
 */
import { NetworkPeer } from '../security/network-peer';
import {
  assertCidr, assertDnsLabel, assertDnsSubdomain, assertInteger, assertIpv4, assertPlainObject, cidrContainsIp, fail, show,
} from '../core/validation';

/** Everything a {@link ClusterProfile} carries; `ClusterProfile.custom()` takes all of it. */
export interface ClusterProfileProps {
  /** Short name for messages and docs, e.g. 'k3s'. */
  readonly name: string;
  /** IP of the cluster DNS Service; nginx resolves agent host names through it. */
  readonly dnsServiceIp: string;
  /** The cluster DNS pods every pod may query on port 53. */
  readonly dns: NetworkPeer;
  /** Pod and Service CIDRs; removed from agent and server ranges so "the LAN" never means "every pod". */
  readonly clusterCidrs: readonly string[];
  /** The ingress controller pods allowed to reach the proxy. */
  readonly ingressController: NetworkPeer;
  /** IngressClass of the bundled controller. */
  readonly ingressClassName: string;
  /** StorageClass for volumes when a construct is not told otherwise. */
  readonly defaultStorageClass: string;
  /** Name of the HelmChartConfig (in kube-system) that configures the packaged Traefik. @default - no packaged Traefik */
  readonly traefikHelmChartConfigName?: string;
  /** Ports of the Kubernetes API server as pods reach it (the `kubernetes` Service and the node port). @default [443, 6443] */
  readonly apiServerPorts?: readonly number[];
  /** Cluster DNS domain, for fully qualified Service names in certificates and addresses. @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** Changes to a built-in profile; unset fields keep the distribution's defaults. */
export interface ClusterProfileOverrides {
  /** @default - the distribution's `10.43.0.10` */
  readonly dnsServiceIp?: string;
  /** @default - the distribution's `10.42.0.0/16` (pods) and `10.43.0.0/16` (Services) */
  readonly clusterCidrs?: readonly string[];
  /** @default - the distribution's bundled Traefik */
  readonly ingressController?: NetworkPeer;
  /** @default 'traefik' */
  readonly ingressClassName?: string;
  /** @default - 'local-path' on K3s, 'longhorn' on RKE2 */
  readonly defaultStorageClass?: string;
  /** @default [443, 6443] */
  readonly apiServerPorts?: readonly number[];
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
}

/** K3s and RKE2 share these defaults (`--cluster-cidr`, `--service-cidr`, `--cluster-dns`). */
const K3S_FAMILY = {
  dnsServiceIp: '10.43.0.10',
  clusterCidrs: ['10.42.0.0/16', '10.43.0.0/16'],
  apiServerPorts: [443, 6443],
  clusterDomain: 'cluster.local',
} as const;

/**
 * The cluster a deployment targets: K3s, RKE2 or a custom description.
 *
 * Built-in profiles carry each distribution's documented defaults; a cluster started with other `--cluster-cidr`,
 * `--service-cidr` or `--cluster-dns` flags passes overrides, and the profile checks they agree with each other.
 */
export class ClusterProfile {
  /** K3s: bundled Traefik (HelmChartConfig `traefik`), CoreDNS, the `local-path` provisioner. */
  public static k3s(overrides: ClusterProfileOverrides = {}): ClusterProfile {
    return ClusterProfile.build('ClusterProfile.k3s', {
      name: 'k3s',
      ...K3S_FAMILY,
      dns: NetworkPeer.kubeDns(),
      ingressController: NetworkPeer.k3sTraefik(),
      ingressClassName: 'traefik',
      defaultStorageClass: 'local-path',
      traefikHelmChartConfigName: 'traefik',
    }, overrides);
  }

  /**
   * RKE2 with its packaged Traefik (`ingress-controller: traefik`, HelmChartConfig `rke2-traefik`). RKE2 ships no
   * storage provisioner; the default StorageClass is Longhorn, which Rancher installs.
   */
  public static rke2(overrides: ClusterProfileOverrides = {}): ClusterProfile {
    return ClusterProfile.build('ClusterProfile.rke2', {
      name: 'rke2',
      ...K3S_FAMILY,
      // RKE2's rke2-coredns pods keep the upstream `k8s-app: kube-dns` label.
      dns: NetworkPeer.kubeDns(),
      ingressController: NetworkPeer.rke2Traefik(),
      ingressClassName: 'traefik',
      defaultStorageClass: 'longhorn',
      traefikHelmChartConfigName: 'rke2-traefik',
    }, overrides);
  }

  /** Any other cluster, described in full. */
  public static custom(props: ClusterProfileProps): ClusterProfile {
    assertPlainObject('ClusterProfile.custom', 'props', props);
    return new ClusterProfile('ClusterProfile.custom', props);
  }

  private static build(owner: string, base: ClusterProfileProps, overrides: ClusterProfileOverrides): ClusterProfile {
    assertPlainObject(owner, 'overrides', overrides);
    const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    return new ClusterProfile(owner, { ...base, ...defined });
  }

  public readonly name: string;
  public readonly dnsServiceIp: string;
  public readonly dns: NetworkPeer;
  public readonly clusterCidrs: readonly string[];
  public readonly ingressController: NetworkPeer;
  public readonly ingressClassName: string;
  public readonly defaultStorageClass: string;
  /** `undefined` when the cluster has no packaged Traefik to configure. */
  public readonly traefikHelmChartConfigName?: string;
  public readonly apiServerPorts: readonly number[];
  public readonly clusterDomain: string;

  private constructor(owner: string, props: ClusterProfileProps) {
    if (typeof props.name !== 'string' || props.name.length === 0) fail(owner, 'name', props.name, 'is required: a short name such as \'k3s\'');
    assertIpv4(owner, 'dnsServiceIp', props.dnsServiceIp);
    if (!Array.isArray(props.clusterCidrs) || props.clusterCidrs.length === 0) {
      fail(owner, 'clusterCidrs', props.clusterCidrs, 'is not accepted; pass the pod and Service CIDRs, e.g. [\'10.42.0.0/16\', \'10.43.0.0/16\']');
    }
    props.clusterCidrs.forEach((c, i) => assertCidr(owner, `clusterCidrs[${i}]`, c));
    if (!props.clusterCidrs.some((c) => cidrContainsIp(c, props.dnsServiceIp))) {
      fail(owner, 'dnsServiceIp', props.dnsServiceIp, `is outside every cluster CIDR (${props.clusterCidrs.map(show).join(', ')}); `
        + 'the DNS Service IP comes from the Service CIDR, so one of them is wrong');
    }
    for (const prop of ['dns', 'ingressController'] as const) {
      const peer = props[prop];
      if (!(peer instanceof NetworkPeer)) fail(owner, prop, peer, 'is not a NetworkPeer; use NetworkPeer.pods(namespace, labels)');
      if (peer.end.kind !== 'pods') fail(owner, prop, peer.end.name, 'must be pods in a namespace (NetworkPeer.pods), not addresses');
    }
    assertDnsSubdomain(owner, 'ingressClassName', props.ingressClassName);
    assertDnsSubdomain(owner, 'defaultStorageClass', props.defaultStorageClass);
    if (props.traefikHelmChartConfigName !== undefined) assertDnsLabel(owner, 'traefikHelmChartConfigName', props.traefikHelmChartConfigName);
    const apiServerPorts = props.apiServerPorts ?? [443, 6443];
    if (!Array.isArray(apiServerPorts) || apiServerPorts.length === 0) {
      fail(owner, 'apiServerPorts', apiServerPorts, 'is not accepted; pass the API server ports pods use (K3s and RKE2: [443, 6443])');
    }
    apiServerPorts.forEach((p, i) => assertInteger(owner, `apiServerPorts[${i}]`, p, 1, 65535));
    const clusterDomain = props.clusterDomain ?? 'cluster.local';
    assertDnsSubdomain(owner, 'clusterDomain', clusterDomain);

    this.name = props.name;
    this.dnsServiceIp = props.dnsServiceIp;
    this.dns = props.dns;
    this.clusterCidrs = [...props.clusterCidrs];
    this.ingressController = props.ingressController;
    this.ingressClassName = props.ingressClassName;
    this.defaultStorageClass = props.defaultStorageClass;
    this.traefikHelmChartConfigName = props.traefikHelmChartConfigName;
    this.apiServerPorts = [...apiServerPorts];
    this.clusterDomain = clusterDomain;
  }
}
