/**
 * The `frontDoor` choice every variant has: the profile's own Traefik front door (the default), or a Gateway API
 * front door (KasmGateway) in its place, with native RDP through the Gateway and Traefik's Gateway provider turned on
 * when the implementation is the packaged Traefik.
 */
import { Chart, Duration } from 'cdk8s';
import { KasmControlPlane } from '../lib/control-plane/control-plane';
import { assertOneOf, assertPlainObject, fail } from '../lib/core/validation';
import { GatewayImplementationId, RouteSupport } from '../lib/ingress/gateway/implementations';
import { KasmGateway } from '../lib/ingress/gateway/kasm-gateway';
import { KasmGatewayOptions } from '../lib/ingress/gateway/options';
import { RdpExposureKind } from '../lib/ingress/rdp-exposure';
import { TraefikGatewayApi, TraefikTcpEntryPoint } from '../lib/ingress/traefik-timeouts';
import { VariantRdpOptions } from './after-install';

/** Which front door a variant builds. */
export type FrontDoorChoice =
  /** The variant's Traefik front door (Ingress on K3s, IngressRoute on RKE2). */
  | { readonly kind: 'ingress' }
  /** A Gateway API front door (HTTPRoute, BackendTLSPolicy, TCPRoute for RDP). */
  | { readonly kind: 'gateway'; readonly gateway: KasmGatewayOptions };

/** The Gateway settings when the choice is 'gateway', else undefined (the profile's front door). */
export function gatewayChoice(owner: string, choice: FrontDoorChoice | undefined): KasmGatewayOptions | undefined {
  if (choice === undefined) return undefined;
  assertPlainObject(owner, 'frontDoor', choice, true);
  assertOneOf(owner, 'frontDoor.kind', choice.kind, ['ingress', 'gateway']);
  if (choice.kind === 'ingress') {
    if ((choice as { gateway?: unknown }).gateway !== undefined) fail(owner, 'frontDoor.gateway', (choice as { gateway?: unknown }).gateway, 'is set but frontDoor.kind is ingress; set kind: gateway or remove it');
    return undefined;
  }
  if (choice.gateway === undefined) fail(owner, 'frontDoor.gateway', undefined, 'is required when frontDoor.kind is gateway; pass parentRefs: [{ name, namespace }] or create: { gatewayClassName }');
  return choice.gateway;
}

/** Whether native RDP goes through the Gateway (the variant's rdp with kind traefikTcp, the default) rather than a LoadBalancer. */
export function rdpThroughGateway(rdp: VariantRdpOptions | undefined): boolean {
  return rdp !== undefined && (rdp.kind ?? RdpExposureKind.TRAEFIK_TCP) === RdpExposureKind.TRAEFIK_TCP;
}

/** The Gateway API front door of a variant, with the variant's host names, session timeout and RDP settings. */
export function buildGateway(chart: Chart, cp: KasmControlPlane, hostname: string, options: KasmGatewayOptions,
  shared: { alternativeHostnames?: readonly string[]; sessionTimeout?: Duration; rdp?: VariantRdpOptions }): KasmGateway {
  const rdp = options.rdp ?? (rdpThroughGateway(shared.rdp) ? { port: shared.rdp!.port, hostname: shared.rdp!.hostname } : undefined);
  return new KasmGateway(chart, 'Gateway', {
    ...options, rdp, controlPlane: cp, hostname, alternativeHostnames: shared.alternativeHostnames, sessionTimeout: shared.sessionTimeout,
  });
}

/** What the packaged Traefik's HelmChartConfig adds for a Gateway front door it serves (none for other implementations). */
export function traefikGatewaySettings(gateway: KasmGateway | undefined, rdpEntryPoint: TraefikTcpEntryPoint | undefined): {
  gatewayApi?: TraefikGatewayApi; rdpEntryPoint?: TraefikTcpEntryPoint;
} {
  if (gateway === undefined) return { rdpEntryPoint };
  if (gateway.plan.implementation.id !== GatewayImplementationId.TRAEFIK) return {};
  const tcp = gateway.tcpRoute !== undefined;
  return {
    gatewayApi: { experimentalChannel: tcp && gateway.plan.implementation.tcpRoute === RouteSupport.EXPERIMENTAL },
    // The Gateway's RDP listener is Traefik's rdp entrypoint, on the same port.
    rdpEntryPoint: tcp ? { name: 'rdp', port: gateway.plan.rdp!.port } : undefined,
  };
}
