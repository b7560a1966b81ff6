import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterProfile } from '../lib/cluster/profile';
import { SizePreset } from '../lib/contract/types';
import { KasmControlPlane } from '../lib/control-plane/control-plane';
import { CnpgBackupOptions } from '../lib/database/cnpg-backup';
import { CnpgDatabase } from '../lib/database/cnpg-database';
import { BackendVerification, KasmIngressRoute } from '../lib/ingress/ingress-route';
import { KasmGateway } from '../lib/ingress/gateway/kasm-gateway';
import { IKasmFrontDoor } from '../lib/ingress/interface';
import { TraefikTimeouts } from '../lib/ingress/traefik-timeouts';
import { KasmOnboarding } from '../lib/onboarding/kasm-onboarding';
import { KasmScaling, KasmScalingOptions } from '../lib/scaling/kasm-scaling';
import { KasmSecurity } from '../lib/security/kasm-security';
import { buildFromSpec, Rke2CnpgSpec } from './spec/install-spec';
import { composeKasm, KasmVariantProps, publicCertificate, PublicCertificateProps } from './compose';

/** Props for {@link Rke2Cnpg}; its public certificate comes from 'vault-issuer' (Vault through cert-manager) unless `ingressIssuerName` says otherwise. */
export interface Rke2CnpgProps extends KasmVariantProps, PublicCertificateProps {
  /** Namespace of the CloudNativePG Cluster. @default 'database' */
  readonly databaseNamespace?: string;
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
  /** HPA, PDBs, spread. @default - as KasmScaling's defaults */
  readonly scaling?: KasmScalingOptions;
  /** How Traefik checks the proxy's certificate. @default BackendVerification.verify() */
  readonly backendVerification?: BackendVerification;
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
  /** The variant's Traefik front door; undefined when `frontDoor` chose the Gateway API one. */
  public readonly ingress?: KasmIngressRoute;
  /** The Gateway API front door, when `frontDoor` chose it. */
  public readonly gateway?: KasmGateway;
  /** The front door built, whichever it is. */
  public readonly frontDoor: IKasmFrontDoor;
  public readonly security: KasmSecurity;
  public readonly scaling: KasmScaling;
  public readonly traefikTimeouts?: TraefikTimeouts;
  public readonly onboarding: KasmOnboarding;

  /**
   * The variant from an install spec: plain data shaped like a values file (`database: { storage: { size: '50Gi' } }`),
   * checked and mapped onto the props as `cdk8s-kasm synth --values` does; errors name the key path.
   * @param source what errors call the spec, e.g. its file name
   */
  public static fromSpec(scope: Construct, id: string, spec: Rke2CnpgSpec, source = 'spec'): Rke2Cnpg {
    return buildFromSpec('rke2-cnpg', spec, source, (props) => new Rke2Cnpg(scope, id, props));
  }

  constructor(scope: Construct, id: string, props: Rke2CnpgProps = {}) {
    super(scope, id, { disableResourceNameHashes: true });
    const built = composeKasm(this, props, {
      owner: 'Rke2Cnpg',
      size: SizePreset.MEDIUM,
      cluster: ClusterProfile.rke2(),
      alerts: true,
      database: (chart, c) => new CnpgDatabase(chart, 'Database', {
        version: c.version,
        namespace: props.databaseNamespace,
        clusterName: props.databaseClusterName,
        controlPlaneNamespace: c.namespace.namespace,
        cluster: c.cluster,
        instances: props.databaseInstances,
        storage: props.databaseStorage ?? Size.gibibytes(50),
        nodeSelector: props.databaseNodeSelector,
        backup: props.databaseBackup ?? {},
        maxConnections: c.maxConnections,
      }),
      frontDoor: (chart, controlPlane, hostname) => new KasmIngressRoute(chart, 'Ingress', {
        controlPlane,
        hostname,
        alternativeHostnames: props.alternativeHostnames,
        backendVerification: props.backendVerification,
      }),
      ingressTls: publicCertificate(props, 'vault-issuer'),
      scaling: props?.scaling ?? {},
    });
    this.database = built.database;
    this.controlPlane = built.controlPlane;
    this.ingress = built.ingress;
    this.gateway = built.gateway;
    this.frontDoor = built.frontDoor;
    this.security = built.security;
    this.scaling = built.scaling!;
    this.traefikTimeouts = built.traefikTimeouts;
    this.onboarding = built.onboarding;
  }
}
