/**
 * What KasmSecurity needs from whatever brings browser traffic to the proxy (a Traefik Ingress on K3s, an
 * IngressRoute with a verifying ServersTransport on RKE2), so security does not depend on one implementation.
 */
import { IConstruct } from 'constructs';
import { NetworkPeer } from '../security/network-peer';

/** How the front door talks to the proxy. */
export enum BackendScheme {
  /** Plain HTTP to the proxy's 8080; TLS ends at the ingress controller. */
  HTTP = 'HTTP',
  /** HTTPS to the proxy's 8443, verified against the internal CA. */
  HTTPS = 'HTTPS',
}

/** The public entrance of one control plane. */
export interface IKasmFrontDoor extends IConstruct {
  /** Host names users browse to; the ingress certificate carries all of them. */
  readonly hostnames: readonly string[];
  /** `kubernetes.io/tls` Secret of the host names. */
  readonly tlsSecretName: string;
  /** The controller pods that connect to the proxy (the NetworkPolicies admit exactly them). */
  readonly controller: NetworkPeer;
  /** Proxy port the controller connects to. */
  readonly backendPort: number;
  readonly backendScheme: BackendScheme;
}
