/**
 * What KasmSecurity needs from whatever brings browser traffic to the proxy (a Traefik Ingress on K3s, an
 * IngressRoute with a verifying ServersTransport on RKE2), so security does not depend on one implementation.
 */
import { IConstruct } from 'constructs';
import { assertHostname, assertUnique, fail } from '../core/validation';
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

/** An IKasmFrontDoor as a plain-data caller might pass it. */
export function assertFrontDoor(owner: string, prop: string, value: unknown): void {
  const v = value as Partial<IKasmFrontDoor> | null;
  const ok = v !== null && typeof v === 'object' && Array.isArray(v.hostnames) && typeof v.tlsSecretName === 'string'
    && v.controller instanceof NetworkPeer && Number.isInteger(v.backendPort) && Object.values(BackendScheme).includes(v.backendScheme as BackendScheme);
  if (!ok) fail(owner, prop, value, 'is not a front door; pass a KasmIngress (or another IKasmFrontDoor)');
}

/** The host name and its alternatives, each checked, none twice (every front door takes them the same way). */
export function frontDoorHostnames(owner: string, hostname: string, alternativeHostnames: readonly string[] | undefined): string[] {
  assertHostname(owner, 'hostname', hostname);
  const alternatives = alternativeHostnames ?? [];
  if (!Array.isArray(alternatives)) fail(owner, 'alternativeHostnames', alternatives, 'is not a list; pass an array of host names');
  alternatives.forEach((h, i) => assertHostname(owner, `alternativeHostnames[${i}]`, h));
  const all = [hostname, ...alternatives];
  assertUnique(owner, 'hostname/alternativeHostnames', all);
  return all;
}
