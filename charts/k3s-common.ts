/**
 * What the K3s variants have in common: Kasm's own PostgreSQL (KasmDatabase), the packaged Traefik through an Ingress
 * (KasmIngress), the settings that go with them (instance name, images, storage, secret sources, nodes, backups), and
 * the profile that hands them to the one composition (compose.ts).
 */
import { Chart, Size } from 'cdk8s';
import { ClusterProfile } from '../lib/cluster/profile';
import { SizePreset } from '../lib/contract/types';
import { assertBoolean, assertPlainObject, assertSize } from '../lib/core/validation';
import { KasmDatabaseBackupOptions } from '../lib/database/backup';
import { KasmDatabase } from '../lib/database/kasm-database';
import { KasmIngress } from '../lib/ingress/kasm-ingress';
import { k3sSystemReservation, NodePool } from '../lib/planner/fit';
import { assertNodePools } from '../lib/planner/node-pools';
import { KasmScalingOptions } from '../lib/scaling/kasm-scaling';
import { CredentialSource, TlsSource } from '../lib/security/sources';
import { KasmVariantProps, VariantProfile } from './compose';

/** Props every K3s variant shares. */
export interface KasmK3sProps extends KasmVariantProps {
  /** Instance name; prefixes Secret and ConfigMap names. @default 'kasm' */
  readonly name?: string;
  /** StorageClass of the database volume. @default - the cluster profile's (K3s's built-in `local-path`) */
  readonly storageClassName?: string;
  /** Size of the database volume. @default - Size.gibibytes(10) in k3s-dev, 50 GiB in k3s-prod */
  readonly databaseStorage?: Size;
  /** Kasm zone name. @default 'default' */
  readonly zoneName?: string;
  /** Registry mirror for air-gapped clusters. @default - Docker Hub */
  readonly imageRegistry?: string;
  /** Secrets for pulling from that mirror, on every pod. @default [] */
  readonly imagePullSecrets?: readonly string[];
  /** Source of the credentials Secret. @default CredentialSource.generated() */
  readonly credentials?: CredentialSource;
  /** Source of the internal TLS certificates. @default TlsSource.generated() */
  readonly tls?: TlsSource;
  /** The nodes the variant runs on; synth fails when the pods at maximum replicas do not fit. @default - 1 × 2 vCPU / 4 GiB (k3s-dev), 3 × 8 vCPU / 16 GiB (k3s-prod) */
  readonly nodes?: readonly NodePool[];
  /** Run the capacity check at synth. @default true */
  readonly checkCapacity?: boolean;
  /** Database backups (pg_dump CronJob with retention, restore Job). @default - none in k3s-dev; nightly, 7 kept, in k3s-prod */
  readonly backup?: KasmDatabaseBackupOptions;
}

/** A K3s variant's own defaults, for {@link k3sProfile}. */
export interface K3sVariantDefaults {
  readonly owner: string;
  /** @default - none: `hostname` is required */
  readonly hostname?: string;
  readonly size: SizePreset;
  readonly databaseStorage: Size;
  readonly cluster: ClusterProfile;
  /** Nodes the variant is sized for. */
  readonly nodes: readonly NodePool[];
  /** Backups unless the user says otherwise. @default - none */
  readonly backup?: KasmDatabaseBackupOptions;
  readonly alerts: boolean;
  /** Source of the ingress certificate. @default - the same as `tls` */
  readonly ingressTls?: TlsSource;
  /** HPA, PDBs and spread. @default - none */
  readonly scaling?: KasmScalingOptions;
}

/** The profile of a K3s variant: Kasm's PostgreSQL, the Traefik Ingress, the capacity check on K3s's reservation. */
export function k3sProfile(props: KasmK3sProps, defaults: K3sVariantDefaults): VariantProfile<KasmDatabase, KasmIngress> {
  assertPlainObject(defaults.owner, 'props', props);
  if (props.databaseStorage !== undefined) assertSize(defaults.owner, 'databaseStorage', props.databaseStorage);
  assertBoolean(defaults.owner, 'checkCapacity', props.checkCapacity);
  const nodes = props.nodes ?? defaults.nodes;
  assertNodePools(defaults.owner, 'nodes', nodes);
  const name = props.name ?? 'kasm';
  return {
    owner: defaults.owner,
    hostname: defaults.hostname,
    size: defaults.size,
    cluster: defaults.cluster,
    alerts: defaults.alerts,
    name,
    database: (chart: Chart, c) => new KasmDatabase(chart, 'Database', {
      version: c.version,
      name,
      namespace: c.namespace.namespace,
      cluster: c.cluster,
      storageClassName: props.storageClassName,
      storage: props.databaseStorage ?? defaults.databaseStorage,
      size: c.size,
      maxConnections: c.maxConnections,
      imageRegistry: props.imageRegistry,
      imagePullSecrets: props.imagePullSecrets,
      backup: props.backup ?? defaults.backup,
      upgradeFrom: props.upgradeFrom,
    }),
    frontDoor: (chart, controlPlane, hostname) => new KasmIngress(chart, 'Ingress', { controlPlane, hostname, alternativeHostnames: props.alternativeHostnames }),
    controlPlane: { zoneName: props.zoneName, imageRegistry: props.imageRegistry, imagePullSecrets: props.imagePullSecrets },
    credentials: props.credentials,
    tls: props.tls,
    ingressTls: defaults.ingressTls,
    scaling: defaults.scaling,
    capacity: (props.checkCapacity ?? true)
      ? { nodes, reservation: (database) => k3sSystemReservation(database.storageClassName === 'longhorn') }
      : undefined,
  };
}
