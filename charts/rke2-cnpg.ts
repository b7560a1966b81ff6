import { Chart, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterProfile } from '../lib/cluster/profile';
import { SizePreset } from '../lib/contract/types';
import { KasmVersion } from '../lib/contract/version';
import { KasmUpgradeBackupOptions } from '../lib/control-plane/upgrade';
import { KasmControlPlane } from '../lib/control-plane/control-plane';
import { assertHostname, assertPlainObject, fail } from '../lib/core/validation';
import { CnpgBackupOptions } from '../lib/database/cnpg-backup';
import { CnpgDatabase } from '../lib/database/cnpg-database';
import { BackendVerification, KasmIngressRoute } from '../lib/ingress/ingress-route';
import { TraefikTimeouts } from '../lib/ingress/traefik-timeouts';
import { KasmAlerts } from '../lib/doctor/alerts';
import { KasmScaling, KasmScalingOptions } from '../lib/scaling/kasm-scaling';
import { EgressRule } from '../lib/security/egress';
import { KasmOnboarding } from '../lib/onboarding/kasm-onboarding';
import { addOnboarding, databaseMaxConnections, withEgress, afterInstallControlPlaneProps, afterInstallSecurityInputs, KasmAfterInstallProps, rdpEntryPointOf } from './after-install';
import { KasmSecurity } from '../lib/security/kasm-security';
import { KasmNamespace } from '../lib/security/namespace';
import { CertManagerIssuerKind, TlsSource } from '../lib/security/sources';

/** Props for {@link Rke2Cnpg}. */
export interface Rke2CnpgProps extends KasmAfterInstallProps {
  /** Public host name users browse to (its certificate comes from cert-manager). @default - none: required */
  readonly hostname?: string;
  /** More host names. @default [] */
  readonly alternativeHostnames?: readonly string[];
  /** Kasm release. @default KasmVersion.V1_18_1 */
  readonly version?: KasmVersion;
  /**
   * The release the running deployment has, when `version` upgrades it (docs/upgrades.md). Remove it after the upgrade.
   * @default - no upgrade
   */
  readonly upgradeFrom?: KasmVersion;
  /** Where the pre-upgrade dump is kept. @default - 20 GiB on the cluster's default StorageClass */
  readonly upgradeBackup?: KasmUpgradeBackupOptions;
  /** Namespace of the control plane. @default 'kasm' */
  readonly namespace?: string;
  /** Namespace of the CloudNativePG Cluster. @default 'database' */
  readonly databaseNamespace?: string;
  /** The cluster. @default ClusterProfile.rke2() */
  readonly cluster?: ClusterProfile;
  /** Name of the CloudNativePG Cluster (its Services are `<name>-rw`, `<name>-ro`). @default 'kasm-db' */
  readonly databaseClusterName?: string;
  /** PostgreSQL instances. @default 3 */
  readonly databaseInstances?: number;
  /** Volume of each instance. @default Size.gibibytes(50) */
  readonly databaseStorage?: Size;
  /** Nodes the instances run on. @default { 'workload-type': 'database' } */
  readonly databaseNodeSelector?: Readonly<Record<string, string>>;
  /** CloudNativePG backups. @default - volume snapshots nightly at 02:00, 7 kept */
  readonly databaseBackup?: CnpgBackupOptions;
  /** Resource preset. @default SizePreset.MEDIUM */
  readonly size?: SizePreset;
  /** HPA, PDBs, spread. @default - as KasmScaling's defaults */
  readonly scaling?: KasmScalingOptions;
  /** cert-manager issuer of the public certificate (the seed issues from Vault through cert-manager). @default 'vault-issuer' */
  readonly ingressIssuerName?: string;
  /** @default CertManagerIssuerKind.CLUSTER_ISSUER */
  readonly ingressIssuerKind?: CertManagerIssuerKind;
  /** How Traefik checks the proxy's certificate. @default BackendVerification.verify() */
  readonly backendVerification?: BackendVerification;
  /** Idle timeout of desktop streams, at the proxy and at Traefik. @default Duration.minutes(30) */
  readonly sessionTimeout?: Duration;
  /** Write the rke2-traefik HelmChartConfig (once per cluster). @default true */
  readonly configureTraefikTimeouts?: boolean;
  /** Address ranges of the Kasm agents. @default - the private ranges 10/8, 172.16/12, 192.168/16 */
  readonly agentCidrs?: readonly string[];
  /** Address ranges of RDP/VNC/SSH servers. @default [] (closed) */
  readonly serverCidrs?: readonly string[];
  /** Outbound traffic beyond the graph. @default [] (closed) */
  readonly egress?: readonly EgressRule[];
  /** A PrometheusRule alerting on the stuck states `diagnose` explains (needs the Prometheus operator). @default true */
  readonly alerts?: boolean;
}

/**
 * Kasm on RKE2 with a three-instance CloudNativePG Cluster in namespace `database`, a Traefik IngressRoute to the
 * proxy's HTTPS port through a ServersTransport that verifies the proxy's certificate, a cert-manager Certificate for
 * the public host names, 1800 s stream timeouts on RKE2's packaged Traefik, and KasmScaling's medium preset.
 * Better than the seed it replaces: no `insecureSkipVerify`, and no password in git (the database password is
 * generated in the cluster and copied into the database's namespace).
 */
export class Rke2Cnpg extends Chart {
  public readonly database: CnpgDatabase;
  public readonly controlPlane: KasmControlPlane;
  public readonly ingress: KasmIngressRoute;
  public readonly security: KasmSecurity;
  public readonly scaling: KasmScaling;
  public readonly traefikTimeouts?: TraefikTimeouts;
  public readonly onboarding: KasmOnboarding;

  constructor(scope: Construct, id: string, props: Rke2CnpgProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    assertPlainObject('Rke2Cnpg', 'props', props);
    if (props.hostname === undefined) fail('Rke2Cnpg', 'hostname', undefined, 'is required: the public host name users browse to, e.g. \'kasm.example.com\'');
    assertHostname('Rke2Cnpg', 'hostname', props.hostname);
    const version = props.version ?? KasmVersion.V1_18_1;
    const cluster = props.cluster ?? ClusterProfile.rke2();
    const namespace = new KasmNamespace(this, 'Namespace', { namespace: props.namespace ?? 'kasm', version });
    this.database = new CnpgDatabase(this, 'Database', {
      version,
      namespace: props.databaseNamespace,
      clusterName: props.databaseClusterName,
      controlPlaneNamespace: namespace.namespace,
      cluster,
      instances: props.databaseInstances,
      storage: props.databaseStorage ?? Size.gibibytes(50),
      nodeSelector: props.databaseNodeSelector,
      backup: props.databaseBackup ?? {},
      maxConnections: databaseMaxConnections(version, props.size ?? SizePreset.MEDIUM, props.zones, props.databaseMaxConnections),
    });
    this.controlPlane = new KasmControlPlane(this, 'ControlPlane', {
      ...afterInstallControlPlaneProps(props, props.hostname),
      database: this.database,
      namespace: namespace.namespace,
      size: props.size ?? SizePreset.MEDIUM,
      cluster,
      sessionTimeout: props.sessionTimeout,
      upgradeFrom: props.upgradeFrom,
      upgradeBackup: props.upgradeBackup,
    });
    this.ingress = new KasmIngressRoute(this, 'Ingress', {
      controlPlane: this.controlPlane,
      hostname: props.hostname,
      alternativeHostnames: props.alternativeHostnames,
      backendVerification: props.backendVerification,
    });
    const afterInstall = afterInstallSecurityInputs(this, 'Rke2Cnpg', props, this.controlPlane, this.ingress.controller, props.hostname);
    if (props.configureTraefikTimeouts ?? true) {
      this.traefikTimeouts = new TraefikTimeouts(this, 'TraefikTimeouts', { cluster, sessionTimeout: props.sessionTimeout, rdpEntryPoint: rdpEntryPointOf('Rke2Cnpg', props) });
    }
    this.security = new KasmSecurity(this, 'Security', {
      controlPlane: this.controlPlane,
      frontDoor: this.ingress,
      ingressTls: TlsSource.certManager({
        issuerName: props.ingressIssuerName ?? 'vault-issuer',
        issuerKind: props.ingressIssuerKind ?? CertManagerIssuerKind.CLUSTER_ISSUER,
      }),
      agentCidrs: props.agentCidrs ?? ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
      serverCidrs: props.serverCidrs,
      egress: withEgress(props.egress, afterInstall.egress),
      exposures: afterInstall.exposures,
    });
    this.onboarding = addOnboarding(this, props, this.controlPlane, this.ingress, `Rke2Cnpg: Kasm ${version.version} in namespace ${this.controlPlane.namespace}`);
    this.scaling = new KasmScaling(this, 'Scaling', { ...(props.scaling ?? {}), controlPlane: this.controlPlane });
    if (props.alerts ?? true) new KasmAlerts(this, 'Alerts', { namespace: namespace.namespace, name: this.controlPlane.name });
  }
}
