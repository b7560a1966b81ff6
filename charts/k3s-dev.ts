import { Chart, Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterProfile } from '../lib/cluster/profile';
import { SizePreset } from '../lib/contract/types';
import { KasmVersion } from '../lib/contract/version';
import { KasmControlPlane } from '../lib/control-plane/control-plane';
import { KasmDatabase } from '../lib/database/kasm-database';
import { KasmIngress } from '../lib/ingress/kasm-ingress';
import { TraefikTimeouts } from '../lib/ingress/traefik-timeouts';
import { KasmSecurity } from '../lib/security/kasm-security';
import { KasmNamespace } from '../lib/security/namespace';
import { EgressRule } from '../lib/security/egress';
import { CredentialSource, TlsSource } from '../lib/security/sources';
import { assertPlainObject, assertSize } from '../lib/core/validation';

/** Props for {@link K3sDev}. */
export interface K3sDevProps {
  /** Kasm release. @default KasmVersion.V1_18_1 */
  readonly version?: KasmVersion;
  /** Namespace of the control plane. @default 'kasm' */
  readonly namespace?: string;
  /** Instance name; prefixes Secret and ConfigMap names. @default 'kasm' */
  readonly name?: string;
  /** Host name users browse to. @default 'kasm.local' */
  readonly hostname?: string;
  /** More host names for the same deployment. @default [] */
  readonly alternativeHostnames?: readonly string[];
  /** The cluster: DNS address, CIDRs, ingress controller, StorageClass, Traefik HelmChartConfig. @default ClusterProfile.k3s() */
  readonly cluster?: ClusterProfile;
  /** StorageClass of the database volume. @default - the cluster profile's (K3s's built-in `local-path`) */
  readonly storageClassName?: string;
  /** Size of the database volume. @default Size.gibibytes(10) */
  readonly databaseStorage?: Size;
  /** Resource preset; `dev` fits a 2 vCPU / 4 GiB box next to K3s's own pods. @default SizePreset.DEV */
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
  /** Source of the TLS certificates. @default TlsSource.generated() */
  readonly tls?: TlsSource;
  /** Address ranges of the Kasm agents; the cluster's own CIDRs are cut out. @default - the private ranges 10/8, 172.16/12, 192.168/16 */
  readonly agentCidrs?: readonly string[];
  /** Address ranges of the RDP/VNC/SSH servers users connect to. @default [] (closed) */
  readonly serverCidrs?: readonly string[];
  /** Outbound traffic beyond the dependency graph: identity providers, SMTP, registries, cloud APIs. @default [] (closed) */
  readonly egress?: readonly EgressRule[];
}

/**
 * Kasm on a single-node K3s box for development: Kasm's own PostgreSQL on `local-path`, one replica of each
 * component sized to fit 2 vCPU / 4 GiB, and K3s's bundled Traefik in front.
 */
export class K3sDev extends Chart {
  public readonly database: KasmDatabase;
  public readonly controlPlane: KasmControlPlane;
  public readonly ingress: KasmIngress;
  public readonly security: KasmSecurity;
  public readonly traefikTimeouts?: TraefikTimeouts;

  constructor(scope: Construct, id: string, props: K3sDevProps = {}) {
    // No chart-level namespace: cdk8s would stamp it onto cluster-scoped objects too; every construct sets its own.
    super(scope, id, { disableResourceNameHashes: true });
    assertPlainObject('K3sDev', 'props', props);
    const version = props.version ?? KasmVersion.V1_18_1;
    const name = props.name ?? 'kasm';
    const ns = new KasmNamespace(this, 'Namespace', { namespace: props.namespace ?? 'kasm', name, version });
    if (props.databaseStorage !== undefined) assertSize('K3sDev', 'databaseStorage', props.databaseStorage);
    const size = props.size ?? SizePreset.DEV;
    const cluster = props.cluster ?? ClusterProfile.k3s();
    this.database = new KasmDatabase(this, 'Database', {
      version,
      name,
      namespace: ns.namespace,
      cluster,
      storageClassName: props.storageClassName,
      storage: props.databaseStorage,
      size,
      imageRegistry: props.imageRegistry,
      imagePullSecrets: props.imagePullSecrets,
    });
    this.controlPlane = new KasmControlPlane(this, 'ControlPlane', {
      database: this.database,
      name,
      size,
      cluster,
      zoneName: props.zoneName,
      imageRegistry: props.imageRegistry,
      imagePullSecrets: props.imagePullSecrets,
      sessionTimeout: props.sessionTimeout,
    });
    this.ingress = new KasmIngress(this, 'Ingress', {
      controlPlane: this.controlPlane,
      hostname: props.hostname ?? 'kasm.local',
      alternativeHostnames: props.alternativeHostnames,
    });
    if (props.configureTraefikTimeouts ?? true) {
      this.traefikTimeouts = new TraefikTimeouts(this, 'TraefikTimeouts', { cluster, sessionTimeout: props.sessionTimeout });
    }
    this.security = new KasmSecurity(this, 'Security', {
      controlPlane: this.controlPlane,
      frontDoor: this.ingress,
      credentials: props.credentials,
      tls: props.tls,
      // A dev box's agents usually sit on the LAN; the cluster's own CIDRs are excluded (KasmSecurity clusterCidrs).
      agentCidrs: props.agentCidrs ?? ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
      serverCidrs: props.serverCidrs,
      egress: props.egress,
    });
  }
}
