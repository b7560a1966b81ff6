/**
 * What every K3s variant composes the same way: namespace, database, control plane, Traefik front door, timeouts
 * and security. Variants differ in defaults and in what they add (scaling, backups, cert-manager); the shared part
 * lives here so a fix lands in every variant at once.
 */
import { Chart, Duration, Size } from 'cdk8s';
import { ClusterProfile } from '../lib/cluster/profile';
import { SizePreset } from '../lib/contract/types';
import { KasmVersion } from '../lib/contract/version';
import { KasmUpgradeBackupOptions } from '../lib/control-plane/upgrade';
import { manifestsOf, rememberWhileUnchanged } from '../lib/core/validation-memo';
import { KasmControlPlane } from '../lib/control-plane/control-plane';
import { assertBoolean, assertHostname, assertPlainObject, assertSize } from '../lib/core/validation';
import { assertNodePools } from '../lib/planner/node-pools';
import { fitPods, formatFit, k3sSystemReservation, NodePool, podsAtMaximum } from '../lib/planner/fit';
import { KasmDatabaseBackupOptions } from '../lib/database/backup';
import { KasmDatabase } from '../lib/database/kasm-database';
import { KasmAlerts } from '../lib/doctor/alerts';
import { KasmIngress } from '../lib/ingress/kasm-ingress';
import { TraefikTimeouts } from '../lib/ingress/traefik-timeouts';
import { EgressRule } from '../lib/security/egress';
import { KasmSecurity } from '../lib/security/kasm-security';
import { KasmNamespace } from '../lib/security/namespace';
import { CredentialSource, TlsSource } from '../lib/security/sources';
import { addOnboarding, afterInstallControlPlaneProps, databaseMaxConnections, afterInstallSecurityInputs, KasmAfterInstallProps, rdpEntryPointOf, withEgress } from './after-install';
import { KasmOnboarding } from '../lib/onboarding/kasm-onboarding';

/** Props every K3s variant shares. */
export interface KasmK3sProps extends KasmAfterInstallProps {
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
  /** Instance name; prefixes Secret and ConfigMap names. @default 'kasm' */
  readonly name?: string;
  /** Host name users browse to. @default - 'kasm.local' (k3s-dev); required in production variants */
  readonly hostname?: string;
  /** More host names for the same deployment. @default [] */
  readonly alternativeHostnames?: readonly string[];
  /** The cluster: DNS address, CIDRs, ingress controller, StorageClass, Traefik HelmChartConfig. @default ClusterProfile.k3s() */
  readonly cluster?: ClusterProfile;
  /** StorageClass of the database volume. @default - the cluster profile's (K3s's built-in `local-path`) */
  readonly storageClassName?: string;
  /** Size of the database volume. @default - Size.gibibytes(10) in k3s-dev, 50 GiB in k3s-prod */
  readonly databaseStorage?: Size;
  /** Resource preset. @default - SizePreset.DEV in k3s-dev (fits 2 vCPU / 4 GiB), SizePreset.MEDIUM in k3s-prod */
  readonly size?: SizePreset;
  /** Kasm zone name. @default 'default' */
  readonly zoneName?: string;
  /** Registry mirror for air-gapped clusters. @default - Docker Hub */
  readonly imageRegistry?: string;
  /** Secrets for pulling from that mirror, on every pod. @default [] */
  readonly imagePullSecrets?: readonly string[];
  /** Write the HelmChartConfig that raises the packaged Traefik's timeouts for desktop streams (once per cluster). @default true */
  readonly configureTraefikTimeouts?: boolean;
  /** Idle timeout of desktop streams, at the proxy and at Traefik. @default Duration.minutes(30) */
  readonly sessionTimeout?: Duration;
  /** Source of the credentials Secret. @default CredentialSource.generated() */
  readonly credentials?: CredentialSource;
  /** Source of the internal TLS certificates. @default TlsSource.generated() */
  readonly tls?: TlsSource;
  /** Address ranges of the Kasm agents; the cluster's own CIDRs are cut out. @default - the private ranges 10/8, 172.16/12, 192.168/16 */
  readonly agentCidrs?: readonly string[];
  /** Address ranges of the RDP/VNC/SSH servers users connect to. @default [] (closed) */
  readonly serverCidrs?: readonly string[];
  /** Outbound traffic beyond the dependency graph: identity providers, SMTP, registries, cloud APIs. @default [] (closed) */
  readonly egress?: readonly EgressRule[];
  /** The nodes the variant runs on; synth fails when the pods at maximum replicas do not fit. @default - 1 × 2 vCPU / 4 GiB (k3s-dev), 3 × 4 vCPU / 8 GiB (k3s-prod) */
  readonly nodes?: readonly NodePool[];
  /** Run the capacity check at synth. @default true */
  readonly checkCapacity?: boolean;
  /** A PrometheusRule alerting on the stuck states `diagnose` explains (needs the Prometheus operator). @default - off in k3s-dev, on in k3s-prod */
  readonly alerts?: boolean;
  /** Database backups (pg_dump CronJob with retention, restore Job). @default - none in k3s-dev; nightly, 7 kept, in k3s-prod */
  readonly backup?: KasmDatabaseBackupOptions;
}

/** The variant's own defaults and additions, for {@link composeK3s}. */
export interface K3sVariantDefaults {
  readonly owner: string;
  readonly hostname?: string;
  readonly size: SizePreset;
  readonly databaseStorage: Size;
  readonly cluster: ClusterProfile;
  /** Source of the ingress certificate. @default - the same as `tls` */
  readonly ingressTls?: TlsSource;
  /** Nodes the variant is sized for. */
  readonly nodes: readonly NodePool[];
  /** Backups unless the user says otherwise. @default - none */
  readonly backup?: KasmDatabaseBackupOptions;
  /** Alerts unless the user says otherwise. @default false */
  readonly alerts?: boolean;
}

/** The constructs of one K3s deployment. */
export interface K3sComposition {
  readonly namespace: KasmNamespace;
  readonly database: KasmDatabase;
  readonly controlPlane: KasmControlPlane;
  readonly ingress: KasmIngress;
  readonly security: KasmSecurity;
  readonly traefikTimeouts?: TraefikTimeouts;
  readonly onboarding: KasmOnboarding;
}

/** Build the shared constructs into `chart`. */
export function composeK3s(chart: Chart, props: KasmK3sProps, defaults: K3sVariantDefaults): K3sComposition {
  assertPlainObject(defaults.owner, 'props', props);
  const version = props.version ?? KasmVersion.V1_18_1;
  const name = props.name ?? 'kasm';
  const namespace = new KasmNamespace(chart, 'Namespace', { namespace: props.namespace ?? 'kasm', name, version });
  if (props.databaseStorage !== undefined) assertSize(defaults.owner, 'databaseStorage', props.databaseStorage);
  const size = props.size ?? defaults.size;
  const cluster = props.cluster ?? defaults.cluster;
  const database = new KasmDatabase(chart, 'Database', {
    version,
    name,
    namespace: namespace.namespace,
    cluster,
    storageClassName: props.storageClassName,
    storage: props.databaseStorage ?? defaults.databaseStorage,
    size,
    maxConnections: databaseMaxConnections(version, size, props.zones, props.databaseMaxConnections),
    imageRegistry: props.imageRegistry,
    imagePullSecrets: props.imagePullSecrets,
    backup: props.backup ?? defaults.backup,
  });
  const hostname = (props.hostname ?? defaults.hostname) as string;
  // Checked here: the default Upstream Auth address is built from it before the front door checks it.
  assertHostname(defaults.owner, 'hostname', hostname);
  const controlPlane = new KasmControlPlane(chart, 'ControlPlane', {
    ...afterInstallControlPlaneProps(props, hostname),
    database,
    name,
    size,
    cluster,
    zoneName: props.zoneName,
    imageRegistry: props.imageRegistry,
    imagePullSecrets: props.imagePullSecrets,
    sessionTimeout: props.sessionTimeout,
    upgradeFrom: props.upgradeFrom,
    upgradeBackup: props.upgradeBackup,
  });
  const ingress = new KasmIngress(chart, 'Ingress', {
    controlPlane,
    hostname,
    alternativeHostnames: props.alternativeHostnames,
  });
  const afterInstall = afterInstallSecurityInputs(chart, defaults.owner, props, controlPlane, ingress.controller, hostname);
  const traefikTimeouts = (props.configureTraefikTimeouts ?? true)
    ? new TraefikTimeouts(chart, 'TraefikTimeouts', { cluster, sessionTimeout: props.sessionTimeout, rdpEntryPoint: rdpEntryPointOf(defaults.owner, props) })
    : undefined;
  const security = new KasmSecurity(chart, 'Security', {
    controlPlane,
    frontDoor: ingress,
    credentials: props.credentials,
    tls: props.tls,
    ingressTls: defaults.ingressTls,
    // Agents usually sit on the LAN; the cluster's own CIDRs are cut out of these ranges.
    agentCidrs: props.agentCidrs ?? ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
    serverCidrs: props.serverCidrs,
    egress: withEgress(props.egress, afterInstall.egress),
    exposures: afterInstall.exposures,
  });
  const onboarding = addOnboarding(chart, props, controlPlane, ingress, `${defaults.owner}: Kasm ${version.version} in namespace ${controlPlane.namespace}`);
  assertBoolean(defaults.owner, 'alerts', props.alerts);
  if (props.alerts ?? defaults.alerts ?? false) {
    new KasmAlerts(chart, 'Alerts', { namespace: namespace.namespace, name });
  }
  const nodes = props.nodes ?? defaults.nodes;
  assertNodePools(defaults.owner, 'nodes', nodes);
  assertBoolean(defaults.owner, 'checkCapacity', props.checkCapacity);
  if (props.checkCapacity ?? true) {
    chart.node.addValidation({
      validate: () => rememberWhileUnchanged(chart, chart, () => {
        const manifests = manifestsOf(chart).map((o) => o.manifest);
        const pods = podsAtMaximum(manifests);
        const result = fitPods(pods, nodes, k3sSystemReservation(database.storageClassName === 'longhorn'));
        return result.fits ? [] : [`[capacity] ${defaults.owner} does not fit its nodes (${nodes.map((n) => `${n.count} × ${n.cpu} CPU / ${n.memory}`).join(' + ')}) `
          + `with every component at its maximum replicas. Add nodes (nodes prop), lower replicas or the HPA maximum, or a smaller preset.\n${formatFit(result, pods)}`];
      }),
    });
  }
  return { namespace, database, controlPlane, ingress, security, traefikTimeouts, onboarding };
}
