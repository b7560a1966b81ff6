/**
 * What each Gateway API implementation can do for Kasm, as data with its sources: which routes it serves, whether
 * it verifies a backend's certificate (BackendTLSPolicy) and from which CA objects, and which pods connect to the
 * backends (for the NetworkPolicies). KasmGateway reads only this table, so adding an implementation is one entry.
 */

/** Gateway API implementations KasmGateway knows. */
export enum GatewayImplementationId {
  /** Traefik Proxy's Kubernetes Gateway provider (packaged with K3s and RKE2). */
  TRAEFIK = 'traefik',
  /** Cilium's Gateway API (Envoy embedded in the Cilium agent). */
  CILIUM = 'cilium',
  /** Envoy Gateway. */
  ENVOY_GATEWAY = 'envoyGateway',
  /** NGINX Gateway Fabric. */
  NGINX_GATEWAY_FABRIC = 'nginxGatewayFabric',
  /** Istio's Gateway API support (automated gateway deployments). */
  ISTIO = 'istio',
}

/** How far an implementation serves a route kind. */
export enum RouteSupport {
  /** Served as the Gateway API standard channel defines it. */
  SUPPORTED = 'supported',
  /** Served only when the implementation's experimental switch is on (see `note`). */
  EXPERIMENTAL = 'experimental',
  /** Not served. */
  NONE = 'none',
}

/** Objects a BackendTLSPolicy's `caCertificateRefs` may name (ConfigMap is Gateway API core; Secret is implementation-specific). */
export type CaObjectKind = 'ConfigMap' | 'Secret';

/** Which pods open the connections to the backends. */
export type GatewayPodsRule =
  /** The cluster's packaged ingress controller (ClusterProfile.ingressController): one Traefik serves every Gateway. */
  | { readonly kind: 'clusterIngressController' }
  /**
   * Pods the implementation deploys per Gateway. `namespace` is a fixed namespace or `{gateway.namespace}`; label values
   * may contain `{gateway.name}` and `{gateway.namespace}`.
   */
  | { readonly kind: 'perGateway'; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
  /** No pod label a NetworkPolicy can select (traffic leaves from the node with a special identity). */
  | { readonly kind: 'unselectable'; readonly why: string };

/** One implementation as KasmGateway needs it. */
export interface GatewayImplementation {
  readonly id: GatewayImplementationId;
  /** Display name. */
  readonly name: string;
  /** The GatewayClass its installation usually creates (used when KasmGateway creates a Gateway without a class name). */
  readonly gatewayClassName: string;
  readonly httpRoute: RouteSupport;
  readonly tlsRoute: RouteSupport;
  readonly tcpRoute: RouteSupport;
  /** HTTPRoute `timeouts.request` / `backendRequest` honoured, so desktop streams outlive the default. */
  readonly httpRouteTimeouts: boolean;
  /** CA objects a BackendTLSPolicy may name; empty when BackendTLSPolicy is not implemented. */
  readonly backendTlsCaKinds: readonly CaObjectKind[];
  /** Listener port of the HTTPS listener on a Gateway KasmGateway creates. */
  readonly httpsListenerPort: number;
  readonly pods: GatewayPodsRule;
  /** Public documentation the row is taken from. */
  readonly sources: readonly string[];
  /** What to know beyond the columns. */
  readonly note: string;
}

/** The table (checked against each project's documentation, URLs in `sources`). */
export const GATEWAY_IMPLEMENTATIONS: Readonly<Record<GatewayImplementationId, GatewayImplementation>> = {
  [GatewayImplementationId.TRAEFIK]: {
    id: GatewayImplementationId.TRAEFIK,
    name: 'Traefik',
    gatewayClassName: 'traefik',
    httpRoute: RouteSupport.SUPPORTED,
    tlsRoute: RouteSupport.SUPPORTED,
    tcpRoute: RouteSupport.EXPERIMENTAL,
    httpRouteTimeouts: true,
    backendTlsCaKinds: ['ConfigMap'],
    // Traefik's Gateway listeners must use an entrypoint's own port: the chart's websecure entrypoint listens on 8443.
    httpsListenerPort: 8443,
    pods: { kind: 'clusterIngressController' },
    sources: [
      'https://doc.traefik.io/traefik/reference/install-configuration/providers/kubernetes/kubernetes-gateway/',
      'https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/gateway-api/',
    ],
    note: 'The provider is off by default (providers.kubernetesGateway.enabled); TCPRoute is watched only with '
      + 'providers.kubernetesGateway.experimentalChannel, which Traefik documents as needing the experimental-channel CRDs. '
      + 'Listener ports must equal entrypoint ports (websecure 8443, rdp 3389).',
  },
  [GatewayImplementationId.CILIUM]: {
    id: GatewayImplementationId.CILIUM,
    name: 'Cilium',
    gatewayClassName: 'cilium',
    httpRoute: RouteSupport.SUPPORTED,
    tlsRoute: RouteSupport.SUPPORTED,
    tcpRoute: RouteSupport.NONE,
    httpRouteTimeouts: true,
    backendTlsCaKinds: [],
    httpsListenerPort: 443,
    pods: { kind: 'unselectable', why: 'Cilium\'s Envoy runs in the node\'s Cilium agent and reaches backends with the reserved:ingress identity, which a Kubernetes NetworkPolicy cannot select' },
    sources: ['https://docs.cilium.io/en/stable/network/servicemesh/gateway-api/gateway-api/'],
    note: 'No BackendTLSPolicy and no TCPRoute; admitting its traffic needs a CiliumNetworkPolicy (fromEntities: ingress).',
  },
  [GatewayImplementationId.ENVOY_GATEWAY]: {
    id: GatewayImplementationId.ENVOY_GATEWAY,
    name: 'Envoy Gateway',
    gatewayClassName: 'eg',
    httpRoute: RouteSupport.SUPPORTED,
    tlsRoute: RouteSupport.SUPPORTED,
    tcpRoute: RouteSupport.SUPPORTED,
    httpRouteTimeouts: true,
    backendTlsCaKinds: ['ConfigMap', 'Secret'],
    httpsListenerPort: 443,
    pods: {
      kind: 'perGateway',
      namespace: 'envoy-gateway-system',
      labels: { 'gateway.envoyproxy.io/owning-gateway-name': '{gateway.name}', 'gateway.envoyproxy.io/owning-gateway-namespace': '{gateway.namespace}' },
    },
    sources: [
      'https://gateway.envoyproxy.io/docs/tasks/security/backend-tls/',
      'https://gateway.envoyproxy.io/docs/tasks/traffic/tcp-routing/',
      'https://gateway.envoyproxy.io/docs/tasks/operations/deployment-mode/',
    ],
    note: 'Envoy proxies run in the controller\'s namespace (envoy-gateway-system) by default; pass gatewayPods for the Gateway-namespace deployment mode.',
  },
  [GatewayImplementationId.NGINX_GATEWAY_FABRIC]: {
    id: GatewayImplementationId.NGINX_GATEWAY_FABRIC,
    name: 'NGINX Gateway Fabric',
    gatewayClassName: 'nginx',
    httpRoute: RouteSupport.SUPPORTED,
    tlsRoute: RouteSupport.EXPERIMENTAL,
    tcpRoute: RouteSupport.EXPERIMENTAL,
    httpRouteTimeouts: false,
    backendTlsCaKinds: ['ConfigMap'],
    httpsListenerPort: 443,
    pods: { kind: 'perGateway', namespace: '{gateway.namespace}', labels: { 'gateway.networking.k8s.io/gateway-name': '{gateway.name}' } },
    sources: [
      'https://docs.nginx.com/nginx-gateway-fabric/overview/gateway-api-compatibility/',
    ],
    note: 'TLSRoute and TCPRoute need the experimental features enabled at install; HTTPRoute timeouts are not listed as supported, '
      + 'so KasmGateway leaves them out and NOTES.md says to raise the stream timeouts with NGF\'s own settings.',
  },
  [GatewayImplementationId.ISTIO]: {
    id: GatewayImplementationId.ISTIO,
    name: 'Istio',
    gatewayClassName: 'istio',
    httpRoute: RouteSupport.SUPPORTED,
    tlsRoute: RouteSupport.SUPPORTED,
    tcpRoute: RouteSupport.SUPPORTED,
    httpRouteTimeouts: true,
    backendTlsCaKinds: ['ConfigMap'],
    httpsListenerPort: 443,
    pods: { kind: 'perGateway', namespace: '{gateway.namespace}', labels: { 'gateway.networking.k8s.io/gateway-name': '{gateway.name}' } },
    sources: [
      'https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/',
    ],
    note: 'Automated deployment: the gateway pods run in the Gateway\'s namespace, labelled with its name. Mesh mTLS is not configured here.',
  },
};

/** Whether a route kind can be used at all (supported, or behind the implementation's experimental switch). */
export function serves(support: RouteSupport): boolean {
  return support !== RouteSupport.NONE;
}
