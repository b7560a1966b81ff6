/**
 * Kasm's database as a CloudNativePG `Cluster`, in a namespace of its own: instances spread over database nodes,
 * bootstrapped with Kasm's database, owner and extension, its password generated in the cluster and never in git,
 * and the NetworkPolicies of its namespace (exactly the flows CloudNativePG and Kasm's clients need).
 */
import { Construct } from 'constructs';
import {
  Cluster, ClusterSpecAffinityTolerations, ClusterSpecBootstrapInitdb, ClusterSpecResourcesLimits, ClusterSpecResourcesRequests,
} from '../../imports/cnpg-cluster-postgresql.cnpg.io';
import { ClusterProfile } from '../cluster/profile';
import { SizePreset } from '../contract/types';
import { KasmVersion } from '../contract/version';
import { instanceLabels, KEEP_DATA_ANNOTATIONS, runtimeLabels, SyncWave, waveAnnotation } from '../core/metadata';
import {
  assertBoolean, assertCpu, assertDnsLabel, assertDnsSubdomain, assertInteger, assertKasmNamespace, assertLabels, assertMemory,
  assertPlainObject, assertSize, fail,
} from '../core/validation';
import { sizeSpelled } from '../core/config-error';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { Flow, FlowEnd, NetworkPeer } from '../security/network-peer';
import { KasmNamespace } from '../security/namespace';
import { assertSecrets, IKasmSecrets, KasmSecrets } from '../security/secrets';
import { Size, SizeRoundingBehavior } from 'cdk8s';
import { CnpgBackupOptions, CnpgScheduledBackup } from './cnpg-backup';
import { IKasmDatabase, PasswordMirror } from './interface';

/** PostgreSQL images per major version, pinned (CloudNativePG's system images, which include Barman Cloud). */
export const CNPG_IMAGES: Readonly<Record<number, string>> = {
  14: 'ghcr.io/cloudnative-pg/postgresql:14.22-202602261636-system-bookworm',
  16: 'ghcr.io/cloudnative-pg/postgresql:16.13-202602261637-system-bookworm',
};

/** Props for {@link CnpgDatabase}. */
export interface CnpgDatabaseProps {
  /** Kasm release; its contract decides the PostgreSQL major, database and owner. @default KasmVersion.V1_18_1 */
  readonly version?: KasmVersion;
  /**
   * PostgreSQL `max_connections` (a Cluster parameter); the control plane's synth-time check says when its pools need more.
   * @default - the release's medium figure (Kasm 1.19.0: 400), else CloudNativePG's 100
   */
  readonly maxConnections?: number;
  /** Name of the Cluster (and prefix of its Services, `<name>-rw`). @default 'kasm-db' */
  readonly clusterName?: string;
  /** Namespace of the Cluster, created here with Pod Security restricted and default deny. @default 'database' */
  readonly namespace?: string;
  /** Namespace of the Kasm control plane, whose clients reach the database. @default 'kasm' */
  readonly controlPlaneNamespace?: string;
  /** Instance name of the control plane (labels, Secret names). @default 'kasm' */
  readonly name?: string;
  /** Secret names of the control plane; the password lives in its credentials Secret. @default KasmSecrets.fromExisting({ name }) */
  readonly secrets?: IKasmSecrets;
  /** The cluster: default StorageClass and domain. @default ClusterProfile.rke2() */
  readonly cluster?: ClusterProfile;
  /** PostgreSQL instances (one primary, the rest replicas). An odd count keeps a majority when a node fails. @default 3 */
  readonly instances?: number;
  /** PostgreSQL major version; must be the one the Kasm release needs. @default - the release's (14 for 1.18.1) */
  readonly postgresMajorVersion?: number;
  /** Image of the instances, pinned. @default - CNPG_IMAGES for the major version */
  readonly imageName?: string;
  /** Size of each instance's volume. @default Size.gibibytes(20) */
  readonly storage?: Size;
  /** StorageClass of the volumes. @default - the cluster profile's (Longhorn on RKE2) */
  readonly storageClassName?: string;
  /** Nodes the instances run on. @default { 'workload-type': 'database' } */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Taints the instances tolerate (e.g. a dedicated database node pool). @default [] */
  readonly tolerations?: readonly ClusterSpecAffinityTolerations[];
  /** Never run two instances on one node (instances stay Pending if nodes run out). @default false (preferred) */
  readonly requiredAntiAffinity?: boolean;
  /** CPU and memory requests and limits of each instance. @default - 500m/1Gi requested, 2/2Gi limit */
  readonly cpuRequest?: string;
  /** @default '2' */
  readonly cpuLimit?: string;
  /** @default '1Gi' */
  readonly memoryRequest?: string;
  /** @default '2Gi' */
  readonly memoryLimit?: string;
  /** ScheduledBackup of the Cluster. @default - no backups */
  readonly backup?: CnpgBackupOptions;
}

/** CloudNativePG's operator pods, which reach every instance's status port. */
export const CNPG_OPERATOR = NetworkPeer.pods('cnpg-system', { 'app.kubernetes.io/name': 'cloudnative-pg' }, 'cnpg-operator');
const STATUS_PORT = 8000;
const POSTGRES_PORT = 5432;

/** Kasm's database on CloudNativePG, in its own namespace. */
export class CnpgDatabase extends Construct implements IKasmDatabase {
  public readonly version: KasmVersion;
  /** The server's `max_connections`. */
  public readonly maxConnections: number;
  /** The Cluster's PostgreSQL parameters: `max_connections` where not 100, and the release's server settings. */
  private readonly parameters?: Record<string, string>;
  public readonly namespace: string;
  public readonly host: string;
  public readonly port = POSTGRES_PORT;
  public readonly databaseName: string;
  public readonly user: string;
  public readonly passwordSecret: { readonly name: string; readonly key: string };
  public readonly peer: NetworkPeer;
  public readonly passwordMirror: PasswordMirror;
  public readonly clusterName: string;
  public readonly instances: number;
  public readonly resource: Cluster;
  /** Flows the database needs in its own namespace, for KasmSecurity's policies there. */
  public readonly ownFlows: readonly Flow[];

  constructor(scope: Construct, id: string, props: CnpgDatabaseProps = {}) {
    super(scope, id);
    const owner = 'CnpgDatabase';
    assertPlainObject(owner, 'props', props);
    this.version = props.version ?? KasmVersion.V1_18_1;
    if (!(this.version instanceof KasmVersion)) fail(owner, 'version', props.version, 'is not a KasmVersion; use KasmVersion.of(\'1.18.1\')');
    const contract = this.version.contract.database;
    this.clusterName = props.clusterName ?? 'kasm-db';
    assertDnsLabel(owner, 'clusterName', this.clusterName);
    if (this.clusterName.length > 40) fail(owner, 'clusterName', this.clusterName, 'is too long: CloudNativePG derives `<name>-<n>` pod and `<name>-rw` Service names; pass at most 40 characters');
    this.namespace = props.namespace ?? 'database';
    assertKasmNamespace(owner, 'namespace', this.namespace);
    const cpNamespace = props.controlPlaneNamespace ?? 'kasm';
    assertKasmNamespace(owner, 'controlPlaneNamespace', cpNamespace);
    if (cpNamespace === this.namespace) fail(owner, 'namespace', this.namespace, 'is the control plane\'s namespace; the Cluster gets a namespace of its own (its policies and Pod Security are its own)');
    const name = props.name ?? 'kasm';
    const cluster = props.cluster ?? ClusterProfile.rke2();
    if (!(cluster instanceof ClusterProfile)) fail(owner, 'cluster', cluster, 'is not a ClusterProfile; use ClusterProfile.rke2()');
    if (props.secrets !== undefined) assertSecrets(owner, 'secrets', props.secrets);
    const secrets = props.secrets ?? KasmSecrets.fromExisting({ name });

    this.maxConnections = props.maxConnections ?? contract.maxConnectionsPerZone?.[SizePreset.MEDIUM] ?? 100;
    assertInteger(owner, 'maxConnections', this.maxConnections, 10, 10000);
    const parameters = { ...(this.maxConnections !== 100 ? { max_connections: String(this.maxConnections) } : {}), ...(contract.serverSettings ?? {}) };
    this.parameters = Object.keys(parameters).length > 0 ? parameters : undefined;
    this.instances = props.instances ?? 3;
    assertInteger(owner, 'instances', this.instances, 1, 9);
    if (this.instances % 2 === 0) {
      fail(owner, 'instances', this.instances, 'is even: a network split can leave no side with a majority of replicas to promote safely; '
        + `pass an odd count (${this.instances - 1} or ${this.instances + 1})`);
    }
    const major = props.postgresMajorVersion ?? contract.postgresMajorVersion;
    if (major !== contract.postgresMajorVersion) {
      fail(owner, 'postgresMajorVersion', major, `is not the PostgreSQL major Kasm ${this.version.version} supports; accepted: ${contract.postgresMajorVersion}`);
    }
    const imageName = props.imageName ?? CNPG_IMAGES[major];
    if (typeof imageName !== 'string' || !/^[a-z0-9./-]+(:[0-9]+[\w.-]*)(@sha256:[0-9a-f]{64})?$/.test(imageName)) {
      fail(owner, 'imageName', imageName, 'is not a pinned image; pass repository:tag with the tag starting with the PostgreSQL major, e.g. \'ghcr.io/cloudnative-pg/postgresql:14.22\'');
    }
    const tagMajor = Number(/:(\d+)/.exec(imageName)![1]);
    if (tagMajor !== major) fail(owner, 'imageName', imageName, `carries PostgreSQL ${tagMajor}, but Kasm ${this.version.version} needs ${major} (CloudNativePG reads the major from the tag)`);
    const storage = props.storage ?? Size.gibibytes(20);
    assertSize(owner, 'storage', storage);
    const storageGi = storage.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!(storageGi >= 1) || !Number.isInteger(storageGi)) fail(owner, 'storage', `${storageGi}Gi`, ['is not accepted; pass whole gibibytes, at least ', sizeSpelled(1, 'Gi')]);
    const storageClass = props.storageClassName ?? cluster.defaultStorageClass;
    assertDnsSubdomain(owner, 'storageClassName', storageClass);
    const nodeSelector = props.nodeSelector ?? { 'workload-type': 'database' };
    assertPlainObject(owner, 'nodeSelector', nodeSelector);
    assertLabels(owner, 'nodeSelector', nodeSelector);
    if (props.tolerations !== undefined && !Array.isArray(props.tolerations)) fail(owner, 'tolerations', props.tolerations, 'is not a list of tolerations');
    assertBoolean(owner, 'requiredAntiAffinity', props.requiredAntiAffinity);
    const res = {
      cpuRequest: props.cpuRequest ?? '500m', cpuLimit: props.cpuLimit ?? '2', memoryRequest: props.memoryRequest ?? '1Gi', memoryLimit: props.memoryLimit ?? '2Gi',
    };
    assertCpu(owner, 'cpuRequest', res.cpuRequest);
    assertCpu(owner, 'cpuLimit', res.cpuLimit);
    assertMemory(owner, 'memoryRequest', res.memoryRequest);
    assertMemory(owner, 'memoryLimit', res.memoryLimit);

    this.host = `${this.clusterName}-rw.${this.namespace}.svc`;
    this.databaseName = contract.databaseName;
    this.user = contract.user;
    this.passwordSecret = { name: secrets.credentialsSecretName, key: 'db-password' };
    const instanceSelector = { 'cnpg.io/cluster': this.clusterName, 'cnpg.io/podRole': 'instance' };
    this.peer = NetworkPeer.pods(this.namespace, instanceSelector, 'db');
    // The bootstrap Secret CloudNativePG reads lives in the database's namespace; the generator copies the password there.
    this.passwordMirror = { namespace: this.namespace, secretName: `${this.clusterName}-app-credentials`, username: this.user };

    new KasmNamespace(this, 'Namespace', { namespace: this.namespace, name, version: this.version });
    const labels = { ...instanceLabels(name, this.version.version), 'app.kubernetes.io/component': 'db' };
    const bootstrap: ClusterSpecBootstrapInitdb = {
      database: this.databaseName,
      owner: this.user,
      secret: { name: this.passwordMirror.secretName },
      // Kasm's schema uses uuid_generate_v4(); the bundled image creates the extension the same way.
      postInitApplicationSql: ['CREATE EXTENSION IF NOT EXISTS "uuid-ossp"'],
    };
    this.resource = new Cluster(this, 'Resource', {
      // Deleting the Cluster deletes its volumes: uninstalling the GitOps app must not take the database with it.
      metadata: { name: this.clusterName, namespace: this.namespace, labels, annotations: { ...waveAnnotation(SyncWave.DATABASE), ...KEEP_DATA_ANNOTATIONS } },
      spec: {
        instances: this.instances,
        imageName,
        enableSuperuserAccess: false,
        bootstrap: { initdb: bootstrap },
        storage: { size: `${storageGi}Gi`, storageClass },
        resources: {
          requests: { cpu: ClusterSpecResourcesRequests.fromString(res.cpuRequest), memory: ClusterSpecResourcesRequests.fromString(res.memoryRequest) },
          limits: { cpu: ClusterSpecResourcesLimits.fromString(res.cpuLimit), memory: ClusterSpecResourcesLimits.fromString(res.memoryLimit) },
        },
        affinity: {
          nodeSelector: { ...nodeSelector },
          tolerations: [...(props.tolerations ?? [])],
          enablePodAntiAffinity: true,
          topologyKey: 'kubernetes.io/hostname',
          podAntiAffinityType: props.requiredAntiAffinity ? 'required' : 'preferred',
        },
        postgresql: {
          ...(this.parameters ? { parameters: this.parameters } : {}),
          // The network speaks TLS only (CloudNativePG serves its own CA's certificate).
          pgHba: [`hostssl ${this.databaseName} ${this.user} all scram-sha-256`],
        },
        // Instances' PVCs are created at runtime: no tracking label, or Argo CD would prune the data.
        inheritedMetadata: { labels: runtimeLabels(labels) },
      },
    });

    const instances: FlowEnd = { kind: 'pods', name: 'db', namespace: this.namespace, selector: instanceSelector };
    this.ownFlows = [
      { from: CNPG_OPERATOR.end, to: instances, port: STATUS_PORT, protocol: 'TCP', purpose: 'the operator reads instance status' },
      { from: instances, to: instances, port: POSTGRES_PORT, protocol: 'TCP', purpose: 'replicas stream from the primary' },
      { from: instances, to: instances, port: STATUS_PORT, protocol: 'TCP', purpose: 'instances read each other\'s status' },
      ...cluster.apiServerPorts.map((port): Flow => ({ from: instances, to: { kind: 'anywhere', name: 'kube-apiserver' }, port, protocol: 'TCP', purpose: 'the instance manager talks to the API server' })),
      ...(['UDP', 'TCP'] as const).map((protocol): Flow => ({ from: instances, to: cluster.dns.end, port: 53, protocol, purpose: 'resolves Service names' })),
    ];

    const flows: Flow[] = [...this.ownFlows];
    if (props.backup !== undefined) {
      const backup = new CnpgScheduledBackup(this, 'Backup', { clusterName: this.clusterName, namespace: this.namespace, labels, options: props.backup });
      if (backup.prunePodSelector) {
        const prune: FlowEnd = { kind: 'pods', name: 'backup-prune', namespace: this.namespace, selector: backup.prunePodSelector };
        flows.push(
          ...cluster.apiServerPorts.map((port): Flow => ({ from: prune, to: { kind: 'anywhere', name: 'kube-apiserver' }, port, protocol: 'TCP', purpose: 'prunes old Backups' })),
          ...(['UDP', 'TCP'] as const).map((protocol): Flow => ({ from: prune, to: cluster.dns.end, port: 53, protocol, purpose: 'resolves the API server' })),
        );
      }
    }
    this.ownFlows = flows;

    const doctor = DoctorDeclarations.of(this);
    // The operator creates the instance pods from the Cluster; these are the labels it gives them.
    doctor.declarePods({ namespace: this.namespace, labels: { ...instanceSelector, 'cnpg.io/instanceName': `${this.clusterName}-1` }, name: `CloudNativePG instances of ${this.clusterName}` });
    doctor.declare({ kind: ReferencedKind.STORAGE_CLASS, name: storageClass, reason: 'CnpgDatabase storageClassName' });
    doctor.declare({ kind: ReferencedKind.SECRET, namespace: cpNamespace, name: this.passwordSecret.name, reason: 'CnpgDatabase password (the control plane\'s credentials Secret)' });
  }
}
