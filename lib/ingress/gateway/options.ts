/**
 * KasmGateway's options and the checks that turn them into a plan, separate from the objects it writes: the
 * implementation's row decides what is refused (no backend TLS verification, no route for native RDP, a CA object the
 * implementation cannot read, gateway pods no NetworkPolicy can select), with the prop, the value and what is accepted.
 */
import { Duration } from 'cdk8s';
import { IKasmControlPlane } from '../../control-plane/interface';
import { assertDnsLabel, assertDnsSubdomain, assertInteger, assertOneOf, assertPlainObject, fail } from '../../core/validation';
import { NetworkPeer } from '../../security/network-peer';
import {
  CaObjectKind, GATEWAY_IMPLEMENTATIONS, GatewayImplementation, GatewayImplementationId, serves,
} from './implementations';

/** A Gateway (and optionally one of its listeners) the routes attach to. */
export interface GatewayParentRef {
  /** Name of the Gateway. */
  readonly name: string;
  /** Namespace of the Gateway. @default - the control plane's namespace */
  readonly namespace?: string;
  /** Listener of the Gateway the HTTPRoute attaches to. @default - every listener that admits HTTPRoutes */
  readonly sectionName?: string;
}

/** A Gateway KasmGateway creates, for clusters where no platform team owns one. */
export interface KasmGatewayCreateOptions {
  /** GatewayClass of the Gateway. @default - the implementation's usual class (traefik, cilium, eg, nginx, istio) */
  readonly gatewayClassName?: string;
  /** Name of the Gateway. @default '<name>' (the instance name, e.g. 'kasm') */
  readonly name?: string;
  /** Namespace of the Gateway; a ReferenceGrant lets it read the certificate Secret from the control plane's namespace. @default - the control plane's namespace */
  readonly namespace?: string;
  /** Port of the HTTPS listener. @default - the implementation's (443; Traefik's websecure entrypoint 8443) */
  readonly httpsPort?: number;
}

/** Native RDP through the Gateway (a TCPRoute to the RDP gateway's 3389). */
export interface KasmGatewayRdpOptions {
  /** Listener of the Gateway that accepts the TCPRoute. @default 'rdp' */
  readonly sectionName?: string;
  /** Port of that listener (created Gateways; Traefik: its rdp entrypoint's port). @default 3389 */
  readonly port?: number;
  /** Host name RDP clients connect to, for NOTES.md. @default - the front door's host name */
  readonly hostname?: string;
}

/** The CA a BackendTLSPolicy verifies the proxy's certificate against (PEM in key `ca.crt`). */
export interface GatewayBackendCa {
  /** ConfigMap (Gateway API core) or Secret (some implementations). */
  readonly kind: CaObjectKind;
  /** Name of the object in the control plane's namespace. */
  readonly name: string;
}

/** How the front door reaches the deployment through Gateway API. */
export interface KasmGatewayOptions {
  /** The implementation that serves the Gateway (what it supports decides what is emitted or refused). @default GatewayImplementationId.TRAEFIK */
  readonly implementation?: GatewayImplementationId;
  /** Attach to these existing Gateways (the platform team's); give this or `create`. @default - none */
  readonly parentRefs?: readonly GatewayParentRef[];
  /** Create a Gateway with an HTTPS listener (and an RDP listener when `rdp` is set); give this or `parentRefs`. @default - none */
  readonly create?: KasmGatewayCreateOptions;
  /** The pods that connect to the proxy (the NetworkPolicies admit exactly them). @default - the implementation's gateway pods */
  readonly gatewayPods?: NetworkPeer;
  /** CA the gateway verifies the proxy against. @default - Secret `<name>-internal-ca` where the implementation reads Secrets, else ConfigMap `<name>-internal-ca` (NOTES.md says how to fill it) */
  readonly backendCa?: GatewayBackendCa;
  /** Publish native RDP through a TCPRoute. @default - not published */
  readonly rdp?: KasmGatewayRdpOptions;
}

/** What KasmGateway builds, after every check. */
export interface GatewayPlan {
  readonly implementation: GatewayImplementation;
  /** The Gateways the routes attach to (the created one, or the given ones). */
  readonly parents: readonly { readonly name: string; readonly namespace: string; readonly sectionName?: string }[];
  readonly create?: { readonly name: string; readonly namespace: string; readonly className: string; readonly httpsPort: number };
  readonly pods: NetworkPeer;
  readonly backendCa: GatewayBackendCa;
  readonly rdp?: { readonly sectionName: string; readonly port: number; readonly hostname?: string };
  readonly timeoutSeconds: number;
}

/** Checks the options against the implementation's row and resolves the defaults. */
export function planGateway(owner: string, cp: IKasmControlPlane, options: KasmGatewayOptions, sessionTimeout: Duration | undefined): GatewayPlan {
  assertPlainObject(owner, 'gateway', options, true);
  const id = options.implementation ?? GatewayImplementationId.TRAEFIK;
  assertOneOf(owner, 'implementation', id, Object.values(GatewayImplementationId));
  const impl = GATEWAY_IMPLEMENTATIONS[id];
  if (options.rdp !== undefined && !serves(impl.tcpRoute)) {
    fail(owner, 'rdp', options.rdp, `cannot be routed by ${impl.name}: native RDP needs a TCPRoute (its first bytes are not a TLS ClientHello, so a TLSRoute has no SNI to match), `
      + `and ${impl.name} serves none (${impl.sources[0]}); use ${Object.values(GATEWAY_IMPLEMENTATIONS).filter((i) => serves(i.tcpRoute) && i.backendTlsCaKinds.length > 0).map((i) => i.id).join(', ')}, or publish RDP with a LoadBalancer instead (KasmRdpExposure; in a variant, rdp.kind: loadBalancer)`);
  }
  if (impl.backendTlsCaKinds.length === 0) {
    fail(owner, 'implementation', id, `cannot verify the proxy's certificate: ${impl.name} does not implement BackendTLSPolicy (${impl.sources[0]}), `
      + `so the gateway would reach the proxy unverified; use ${verifying().join(', ')}, or the Traefik front door (KasmIngressRoute)`);
  }
  const hasParents = options.parentRefs !== undefined;
  if (hasParents === (options.create !== undefined)) {
    fail(owner, hasParents ? 'create' : 'parentRefs', hasParents ? options.create : undefined,
      hasParents ? 'is set together with parentRefs; attach to existing Gateways (parentRefs) or create one (create), not both'
        : 'is required: attach to the platform\'s Gateway with parentRefs: [{ name, namespace }], or create one with create: { gatewayClassName }');
  }
  let create: GatewayPlan['create'];
  let parents: GatewayPlan['parents'];
  if (options.create !== undefined) {
    assertPlainObject(owner, 'create', options.create, true);
    const c = options.create;
    const name = c.name ?? cp.name;
    assertDnsLabel(owner, 'create.name', name);
    const namespace = c.namespace ?? cp.namespace;
    assertDnsLabel(owner, 'create.namespace', namespace);
    const className = c.gatewayClassName ?? impl.gatewayClassName;
    assertDnsSubdomain(owner, 'create.gatewayClassName', className);
    const httpsPort = c.httpsPort ?? impl.httpsListenerPort;
    assertInteger(owner, 'create.httpsPort', httpsPort, 1, 65535);
    create = { name, namespace, className, httpsPort };
    parents = [{ name, namespace, sectionName: 'https' }];
  } else {
    if (!Array.isArray(options.parentRefs) || options.parentRefs.length === 0) {
      fail(owner, 'parentRefs', options.parentRefs, 'is not a non-empty list; pass [{ name, namespace }] of the Gateway to attach to');
    }
    parents = options.parentRefs.map((p, i) => {
      assertPlainObject(owner, `parentRefs[${i}]`, p, true);
      assertDnsSubdomain(owner, `parentRefs[${i}].name`, p.name);
      const namespace = p.namespace ?? cp.namespace;
      assertDnsLabel(owner, `parentRefs[${i}].namespace`, namespace);
      if (p.sectionName !== undefined) assertDnsLabel(owner, `parentRefs[${i}].sectionName`, p.sectionName);
      return { name: p.name, namespace, sectionName: p.sectionName };
    });
  }
  const pods = options.gatewayPods ?? podsOf(owner, impl, cp, parents[0]);
  if (!(pods instanceof NetworkPeer) || pods.end.kind !== 'pods') fail(owner, 'gatewayPods', pods, 'is not the gateway\'s pods; pass NetworkPeer.pods(namespace, labels)');
  const backendCa = options.backendCa ?? { kind: impl.backendTlsCaKinds.includes('Secret') ? 'Secret' : 'ConfigMap', name: `${cp.name}-internal-ca` };
  assertPlainObject(owner, 'backendCa', backendCa, true);
  assertDnsSubdomain(owner, 'backendCa.name', backendCa.name);
  if (!impl.backendTlsCaKinds.includes(backendCa.kind)) {
    fail(owner, 'backendCa.kind', backendCa.kind, `is not a CA object ${impl.name} reads in a BackendTLSPolicy (${impl.sources[0]}); accepted: ${impl.backendTlsCaKinds.join(', ')}`);
  }
  let rdp: GatewayPlan['rdp'];
  if (options.rdp !== undefined) {
    assertPlainObject(owner, 'rdp', options.rdp, true);
    const sectionName = options.rdp.sectionName ?? 'rdp';
    assertDnsLabel(owner, 'rdp.sectionName', sectionName);
    const port = options.rdp.port ?? 3389;
    assertInteger(owner, 'rdp.port', port, 1, 65535);
    if (options.rdp.hostname !== undefined) assertDnsSubdomain(owner, 'rdp.hostname', options.rdp.hostname);
    rdp = { sectionName, port, hostname: options.rdp.hostname };
  }
  const timeoutSeconds = (sessionTimeout ?? Duration.minutes(30)).toSeconds();
  // Gateway API durations take at most five digits per unit.
  assertInteger(owner, 'sessionTimeout (seconds)', timeoutSeconds, 60, 99999);
  return { implementation: impl, parents, create, pods, backendCa, rdp, timeoutSeconds };
}

/** The implementations that verify a backend's certificate. */
function verifying(): string[] {
  return Object.values(GATEWAY_IMPLEMENTATIONS).filter((i) => i.backendTlsCaKinds.length > 0).map((i) => i.id);
}

/** The gateway pods of the implementation's row, for the Gateway the routes attach to first. */
function podsOf(owner: string, impl: GatewayImplementation, cp: IKasmControlPlane, gateway: { name: string; namespace: string }): NetworkPeer {
  const rule = impl.pods;
  if (rule.kind === 'clusterIngressController') return cp.cluster.ingressController;
  if (rule.kind === 'unselectable') fail(owner, 'gatewayPods', undefined, `is required for ${impl.name}: ${rule.why}`);
  const fill = (s: string) => s.replace(/\{gateway\.name\}/g, gateway.name).replace(/\{gateway\.namespace\}/g, gateway.namespace);
  return NetworkPeer.pods(fill(rule.namespace), Object.fromEntries(Object.entries(rule.labels).map(([k, v]) => [k, fill(v)])), `${impl.id}-gateway`);
}

/** A Gateway API duration, e.g. 1800 -> '1800s'. */
export function gatewayDuration(seconds: number): string {
  return `${seconds}s`;
}

