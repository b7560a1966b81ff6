/**
 * The one composition of the constructs: namespace, database, control plane, front door, timeouts, security,
 * onboarding, scaling, alerts and the capacity check, in that order, for every variant. A variant is a profile:
 * its defaults and the parts that are truly its own (which database, which front door, which public certificate).
 * A setting read here behaves the same in every variant that has it.
 */
import { Chart, Duration } from 'cdk8s';
import { ClusterProfile } from '../lib/cluster/profile';
import { SizePreset } from '../lib/contract/types';
import { KasmVersion } from '../lib/contract/version';
import { KasmControlPlane } from '../lib/control-plane/control-plane';
import { KasmControlPlaneProps } from '../lib/control-plane/props';
import { KasmUpgradeBackupOptions } from '../lib/control-plane/upgrade';
import { addFindingCheck } from '../lib/core/findings';
import { assertBoolean, assertHostname, assertPlainObject, fail } from '../lib/core/validation';
import { manifestsOf, rememberWhileUnchanged } from '../lib/core/validation-memo';
import { IKasmDatabase } from '../lib/database/interface';
import { KasmAlerts } from '../lib/doctor/alerts';
import { KasmGateway } from '../lib/ingress/gateway/kasm-gateway';
import { IKasmFrontDoor } from '../lib/ingress/interface';
import { TraefikTimeouts } from '../lib/ingress/traefik-timeouts';
import { KasmOnboarding } from '../lib/onboarding/kasm-onboarding';
import { fitPods, formatFit, NodePool, podsAtMaximum, SystemReservation } from '../lib/planner/fit';
import { KasmScaling, KasmScalingOptions } from '../lib/scaling/kasm-scaling';
import { EgressRule } from '../lib/security/egress';
import { KasmSecurity } from '../lib/security/kasm-security';
import { KasmNamespace } from '../lib/security/namespace';
import { NetworkPeer } from '../lib/security/network-peer';
import { CertManagerIssuerKind, CredentialSource, TlsSource } from '../lib/security/sources';
import { addOnboarding, afterInstallControlPlaneProps, afterInstallSecurityInputs, databaseMaxConnections, KasmAfterInstallProps, rdpEntryPointOf, withEgress } from './after-install';
import { buildGateway, FrontDoorChoice, gatewayChoice, rdpThroughGateway, traefikGatewaySettings } from './front-door';

/** Agents usually sit on the LAN; the cluster's own CIDRs are cut out of these ranges. */
export const DEFAULT_AGENT_CIDRS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** The settings every variant has, read once, here. */
export interface KasmVariantProps extends KasmAfterInstallProps {
  /** Kasm release. @default KasmVersion.V1_19_0 */
  readonly version?: KasmVersion;
  /**
   * The release the running deployment has, when `version` upgrades it (docs: upgrades). Remove it after the upgrade.
   * @default - no upgrade
   */
  readonly upgradeFrom?: KasmVersion;
  /** Where the pre-upgrade dump is kept. @default - 20 GiB on the cluster's default StorageClass */
  readonly upgradeBackup?: KasmUpgradeBackupOptions;
  /** Namespace of the control plane. @default 'kasm' */
  readonly namespace?: string;
  /** Host name users browse to. @default - 'kasm.local' (k3s-dev); required in production variants */
  readonly hostname?: string;
  /** More host names for the same deployment. @default [] */
  readonly alternativeHostnames?: readonly string[];
  /** The cluster: DNS address, CIDRs, ingress controller, StorageClass, Traefik HelmChartConfig. @default - ClusterProfile.k3s() on K3s variants, ClusterProfile.rke2() on RKE2 */
  readonly cluster?: ClusterProfile;
  /** Resource preset. @default - SizePreset.DEV in k3s-dev (fits 2 vCPU / 4 GiB), SizePreset.MEDIUM otherwise */
  readonly size?: SizePreset;
  /** Write the HelmChartConfig that raises the packaged Traefik's timeouts for desktop streams (once per cluster). @default true */
  readonly configureTraefikTimeouts?: boolean;
  /** Idle timeout of desktop streams, at the proxy and at Traefik. @default Duration.minutes(30) */
  readonly sessionTimeout?: Duration;
  /** Address ranges of the Kasm agents; the cluster's own CIDRs are cut out. @default - the private ranges 10/8, 172.16/12, 192.168/16 */
  readonly agentCidrs?: readonly string[];
  /** Address ranges of the RDP/VNC/SSH servers users connect to. @default [] (closed) */
  readonly serverCidrs?: readonly string[];
  /** Outbound traffic beyond the dependency graph: identity providers, SMTP, registries, cloud APIs. @default [] (closed) */
  readonly egress?: readonly EgressRule[];
  /** A PrometheusRule alerting on the stuck states `diagnose` explains (needs the Prometheus operator). @default - off in k3s-dev, on in k3s-prod and rke2-cnpg */
  readonly alerts?: boolean;
  /** Per-component replicas, resources and pod settings over the size preset. @default - the preset's, for every component */
  readonly components?: KasmControlPlaneProps['components'];
  /**
   * The front door: the variant's Traefik one, or a Gateway API one (KasmGateway) in its place (docs/gateway-api.md).
   * @default { kind: 'ingress' }
   */
  readonly frontDoor?: FrontDoorChoice;
}

/** The public certificate of a production variant, from a cert-manager issuer. */
export interface PublicCertificateProps {
  /** cert-manager issuer of the public host names' certificate. @default - the variant's ('letsencrypt-prod' on k3s-prod, 'vault-issuer' on rke2-cnpg) */
  readonly ingressIssuerName?: string;
  /** Kind of that issuer. @default CertManagerIssuerKind.CLUSTER_ISSUER */
  readonly ingressIssuerKind?: CertManagerIssuerKind;
}

/** The public certificate's source: the given issuer, else the variant's default ClusterIssuer. */
export function publicCertificate(props: PublicCertificateProps | undefined, defaultIssuer: string): TlsSource {
  return TlsSource.certManager({
    issuerName: props?.ingressIssuerName ?? defaultIssuer,
    issuerKind: props?.ingressIssuerKind ?? CertManagerIssuerKind.CLUSTER_ISSUER,
  });
}

/** What the composition tells a profile's parts about the install being built. */
export interface CompositionContext {
  readonly owner: string;
  readonly version: KasmVersion;
  readonly namespace: KasmNamespace;
  readonly cluster: ClusterProfile;
  readonly size: SizePreset;
  readonly maxConnections: number | undefined;
}

/** A front door as the composition needs it: the plug point, and the pods it runs as (for the policies). */
export interface ComposedFrontDoor extends IKasmFrontDoor {
  readonly controller: NetworkPeer;
}

/** A variant: its defaults, and the parts that are its own. */
export interface VariantProfile<D extends IKasmDatabase, F extends ComposedFrontDoor> {
  /** The name errors give the variant, e.g. 'K3sProd'. */
  readonly owner: string;
  /** Host name when the props give none; undefined makes `hostname` required. */
  readonly hostname?: string;
  readonly size: SizePreset;
  readonly cluster: ClusterProfile;
  readonly alerts: boolean;
  /** The instance name (prefix of Secrets and ConfigMaps). @default 'kasm' */
  readonly name?: string;
  /** The database the control plane uses. */
  database(chart: Chart, context: CompositionContext): D;
  /** The front door in front of the proxy. */
  frontDoor(chart: Chart, controlPlane: KasmControlPlane, hostname: string): F;
  /** Props of the control plane that only this variant sets (zone name, images). @default - none */
  readonly controlPlane?: { readonly zoneName?: string; readonly imageRegistry?: string; readonly imagePullSecrets?: readonly string[] };
  /** Sources of the credentials and of the certificates. @default - generated in the cluster */
  readonly credentials?: CredentialSource;
  readonly tls?: TlsSource;
  /** Source of the public certificate. @default - the same as `tls` */
  readonly ingressTls?: TlsSource;
  /** HPA, PDBs and spread. @default - none (one replica per component, no HPA) */
  readonly scaling?: KasmScalingOptions;
  /** Synth fails when the pods at their maximum replicas do not fit these nodes (checked by the profile). @default - no capacity check */
  readonly capacity?: { readonly nodes: readonly NodePool[]; readonly reservation: (database: D) => SystemReservation };
}

/** The constructs of one install. */
export interface Composition<D extends IKasmDatabase, F extends ComposedFrontDoor> {
  readonly namespace: KasmNamespace;
  readonly database: D;
  readonly controlPlane: KasmControlPlane;
  /** The front door built: the profile's, or the Gateway API one. */
  readonly frontDoor: F | KasmGateway;
  /** The profile's front door, when it was chosen. */
  readonly ingress?: F;
  /** The Gateway API front door, when it was chosen. */
  readonly gateway?: KasmGateway;
  readonly security: KasmSecurity;
  readonly traefikTimeouts?: TraefikTimeouts;
  readonly onboarding: KasmOnboarding;
  readonly scaling?: KasmScaling;
}

/** Builds one install into `chart` from the shared settings and the variant's profile. */
export function composeKasm<D extends IKasmDatabase, F extends ComposedFrontDoor>(chart: Chart, props: KasmVariantProps, profile: VariantProfile<D, F>): Composition<D, F> {
  const owner = profile.owner;
  assertPlainObject(owner, 'props', props);
  const hostname = props.hostname ?? profile.hostname;
  if (hostname === undefined) {
    fail(owner, 'hostname', undefined, 'is required: the public host name users browse to, e.g. \'kasm.example.com\' (its certificate comes from cert-manager)');
  }
  // Checked here: the default Upstream Auth address is built from it before the front door checks it.
  assertHostname(owner, 'hostname', hostname);
  assertBoolean(owner, 'alerts', props.alerts);
  const version = props.version ?? KasmVersion.V1_19_0;
  const size = props.size ?? profile.size;
  const cluster = props.cluster ?? profile.cluster;
  const namespace = new KasmNamespace(chart, 'Namespace', { namespace: props.namespace ?? 'kasm', name: profile.name, version });
  const maxConnections = databaseMaxConnections(version, size, props.zones, props.databaseMaxConnections);
  const database = profile.database(chart, { owner, version, namespace, cluster, size, maxConnections });
  const controlPlane = new KasmControlPlane(chart, 'ControlPlane', {
    ...afterInstallControlPlaneProps(props, hostname),
    ...profile.controlPlane,
    database,
    name: profile.name,
    namespace: namespace.namespace,
    size,
    cluster,
    sessionTimeout: props.sessionTimeout,
    components: props.components,
    upgradeFrom: props.upgradeFrom,
    upgradeBackup: props.upgradeBackup,
  });
  const gatewayOptions = gatewayChoice(owner, props.frontDoor);
  const gateway = gatewayOptions === undefined ? undefined
    : buildGateway(chart, controlPlane, hostname, gatewayOptions, { alternativeHostnames: props.alternativeHostnames, sessionTimeout: props.sessionTimeout, rdp: props.rdp });
  const ingress = gateway === undefined ? profile.frontDoor(chart, controlPlane, hostname) : undefined;
  const frontDoor = gateway ?? ingress!;
  // Native RDP through the Gateway is the Gateway's own exposure (its TCPRoute), not a Traefik IngressRouteTCP.
  const rdpByGateway = gateway !== undefined && rdpThroughGateway(props.rdp);
  const afterInstall = afterInstallSecurityInputs(chart, owner, rdpByGateway ? { ...props, rdp: undefined } : props, controlPlane, frontDoor.controller, hostname);
  if (gateway !== undefined && gateway.inbound.length > 0) afterInstall.exposures.push(gateway);
  const traefik = traefikGatewaySettings(gateway, rdpEntryPointOf(owner, props));
  const traefikTimeouts = (props.configureTraefikTimeouts ?? true)
    ? new TraefikTimeouts(chart, 'TraefikTimeouts', { cluster, sessionTimeout: props.sessionTimeout, ...traefik })
    : undefined;
  const security = new KasmSecurity(chart, 'Security', {
    controlPlane,
    frontDoor,
    credentials: profile.credentials,
    tls: profile.tls,
    ingressTls: profile.ingressTls,
    agentCidrs: props.agentCidrs ?? DEFAULT_AGENT_CIDRS,
    serverCidrs: props.serverCidrs,
    egress: withEgress(props.egress, afterInstall.egress),
    exposures: afterInstall.exposures,
  });
  const onboarding = addOnboarding(chart, props, controlPlane, frontDoor, `${owner}: Kasm ${version.version} in namespace ${controlPlane.namespace}`);
  const scaling = profile.scaling === undefined ? undefined : new KasmScaling(chart, 'Scaling', { ...profile.scaling, controlPlane });
  if (props.alerts ?? profile.alerts) new KasmAlerts(chart, 'Alerts', { namespace: namespace.namespace, name: controlPlane.name });
  if (profile.capacity !== undefined) addCapacityCheck(chart, owner, profile.capacity.nodes, profile.capacity.reservation(database));
  return { namespace, database, controlPlane, frontDoor, ingress, gateway, security, traefikTimeouts, onboarding, scaling };
}

/** Synth fails when the pods at their maximum replicas do not fit `nodes`, with the table that says where. */
function addCapacityCheck(chart: Chart, owner: string, nodes: readonly NodePool[], reservation: SystemReservation): void {
  addFindingCheck(chart, () => rememberWhileUnchanged(chart, chart, () => {
    const pods = podsAtMaximum(manifestsOf(chart).map((o) => o.manifest));
    const result = fitPods(pods, nodes, reservation);
    return result.fits ? [] : [{
      rule: 'capacity',
      object: chart.node.path,
      message: `${owner} does not fit its nodes (${nodes.map((n) => `${n.count} × ${n.cpu} CPU / ${n.memory}`).join(' + ')}) with every component at its maximum replicas`,
      fix: 'add nodes (nodes prop), lower replicas or the HPA maximum, or a smaller preset',
      detail: formatFit(result, pods),
    }];
  }));
}
