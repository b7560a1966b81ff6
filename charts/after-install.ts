/**
 * What every variant adds after the control plane is wired (issue: agents, RDP and single sign-on without hand work):
 * the Upstream Auth address, the trusted CA bundle, RDP exposure, identity providers and NOTES.md, with the same
 * props and defaults in each variant.
 */
import { Chart } from 'cdk8s';
import { TrustedCaBundle } from '../lib/control-plane/props';
import { KasmControlPlane } from '../lib/control-plane/control-plane';
import type { KasmZone } from '../lib/control-plane/zones';
import { SizePreset } from '../lib/contract/types';
import { KasmVersion } from '../lib/contract/version';
import { assertPlainObject } from '../lib/core/validation';
import { IKasmFrontDoor } from '../lib/ingress/interface';
import { IKasmExposure, KasmRdpExposure, RdpExposureKind } from '../lib/ingress/rdp-exposure';
import { TraefikTcpEntryPoint } from '../lib/ingress/traefik-timeouts';
import { KasmOnboarding } from '../lib/onboarding/kasm-onboarding';
import { addIdentityProviderNotes, IdentityProvider, identityProviderEgress } from '../lib/security/identity-providers';
import { EgressRule } from '../lib/security/egress';
import { NetworkPeer } from '../lib/security/network-peer';

/** How a variant publishes native RDP. */
export interface VariantRdpOptions {
  /** @default RdpExposureKind.TRAEFIK_TCP (an `rdp` entrypoint on 3389 in the packaged Traefik) */
  readonly kind?: RdpExposureKind;
  /** Port RDP clients connect to. @default 3389 */
  readonly port?: number;
  /** Client ranges admitted (LOAD_BALANCER only; Traefik's own Service is shared). @default ['0.0.0.0/0'] */
  readonly clientCidrs?: readonly string[];
  /** Host name RDP clients connect to, for NOTES.md. @default - the variant's hostname */
  readonly hostname?: string;
}

/** Props every variant takes for the steps after the install. */
export interface KasmAfterInstallProps {
  /**
   * Where agents reach Kasm to authenticate session traffic (the zone's Upstream Auth address), an https URL.
   * @default - `https://<hostname>` (agents outside the cluster come through the front door)
   */
  readonly upstreamAuthAddress?: string;
  /** Private CAs the api and manager trust (SSO or LDAP behind a corporate CA). @default - none */
  readonly trustedCaBundle?: TrustedCaBundle;
  /** Identity providers the api may reach (OIDC, SAML, LDAP), by address. @default [] (closed) */
  readonly identityProviders?: readonly IdentityProvider[];
  /** Publish native RDP on 3389. @default - not published (RDP over HTTPS still works through the front door) */
  readonly rdp?: VariantRdpOptions;
  /** Zones, each with its own api, manager and proxy (Kasm 1.19.0); the first is `default`. @default - one zone, `default` */
  readonly zones?: readonly KasmZone[];
  /**
   * The database's `max_connections`; synth says when the pools at the HPA maximum need more.
   * @default - the release's figure for the preset times the zones (Kasm 1.19.0: 200 / 400 / 600 per zone), else 100
   */
  readonly databaseMaxConnections?: number;
}

/** The control-plane props the after-install settings imply. */
export function afterInstallControlPlaneProps(props: KasmAfterInstallProps, hostname: string): {
  upstreamAuthAddress: string; trustedCaBundle?: TrustedCaBundle; zones?: readonly KasmZone[];
} {
  return { upstreamAuthAddress: props.upstreamAuthAddress ?? `https://${hostname}`, trustedCaBundle: props.trustedCaBundle, zones: props.zones };
}

/** The Traefik entrypoint to declare when RDP goes through Traefik. */
export function rdpEntryPointOf(owner: string, props: KasmAfterInstallProps): TraefikTcpEntryPoint | undefined {
  if (props.rdp === undefined) return undefined;
  assertPlainObject(owner, 'rdp', props.rdp, true);
  return (props.rdp.kind ?? RdpExposureKind.TRAEFIK_TCP) === RdpExposureKind.TRAEFIK_TCP ? { name: 'rdp', port: props.rdp.port ?? 3389 } : undefined;
}

/** The RDP exposure and the identity providers' egress, which KasmSecurity must know. */
export function afterInstallSecurityInputs(chart: Chart, owner: string, props: KasmAfterInstallProps, cp: KasmControlPlane, controller: NetworkPeer, hostname: string): {
  exposures: IKasmExposure[]; egress: EgressRule[];
} {
  const exposures: IKasmExposure[] = [];
  if (props.rdp !== undefined) {
    const kind = props.rdp.kind ?? RdpExposureKind.TRAEFIK_TCP;
    exposures.push(new KasmRdpExposure(chart, 'Rdp', kind === RdpExposureKind.TRAEFIK_TCP
      ? { controlPlane: cp, kind, controller, port: props.rdp.port, clientCidrs: props.rdp.clientCidrs, hostname: props.rdp.hostname ?? hostname }
      : { controlPlane: cp, kind, port: props.rdp.port, clientCidrs: props.rdp.clientCidrs, hostname: props.rdp.hostname ?? hostname }));
  }
  return { exposures, egress: identityProviderEgress(owner, 'identityProviders', props.identityProviders) };
}

/** NOTES.md and the onboarding ConfigMap. */
export function addOnboarding(chart: Chart, props: KasmAfterInstallProps, cp: KasmControlPlane, frontDoor: IKasmFrontDoor, title: string): KasmOnboarding {
  const ca = cp.trustedCaBundle;
  addIdentityProviderNotes(chart, props.identityProviders ?? [],
    ca ? `the ${ca.configMapName !== undefined ? `ConfigMap \`${ca.configMapName}\`` : `Secret \`${ca.secretName}\``} (key \`${ca.key ?? 'ca.crt'}\`)` : undefined);
  return new KasmOnboarding(chart, 'Onboarding', { controlPlane: cp, frontDoor, title });
}

/** The user's egress rules plus the identity providers'; a value that is not a list goes through as is, so KasmSecurity names it. */
export function withEgress(egress: readonly EgressRule[] | undefined, extra: readonly EgressRule[]): readonly EgressRule[] | undefined {
  if (egress !== undefined && !Array.isArray(egress)) return egress;
  return [...(egress ?? []), ...extra];
}

/**
 * The database's `max_connections` for the release's preset times the zones (each zone's api and manager hold their
 * own pools, as Kasm's 1.19 chart sizes it); `undefined` where the release has no figure (the database's default).
 */
export function databaseMaxConnections(version: KasmVersion, size: SizePreset, zones: readonly KasmZone[] | undefined, given?: number): number | undefined {
  // A version that is not a KasmVersion (plain data) is refused, by name, by the database construct.
  if (given !== undefined || !(version instanceof KasmVersion)) return given;
  const perZone = version.contract.database.maxConnectionsPerZone?.[size];
  return perZone === undefined ? undefined : perZone * Math.max(1, Array.isArray(zones) ? zones.length : 1);
}
