import { ApiObject, Chart, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseBackup, KasmDatabaseBackupOptions } from './backup';
import { dataDirectoryGuard, earlierDataDirectories } from './data-directory-guard';
import { EndpointDatabase, KasmDatabaseEndpointProps } from './endpoint-database';
import { IKasmDatabase } from './interface';
import { NetworkPeer } from '../security/network-peer';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { pgHbaConf, postgresqlConf } from './postgres-config';
import { assertImagePullSecrets, assertPodOptions, KasmPodOptions, schedulingFields } from '../core/pod-options';
import { ClusterProfile } from '../cluster/profile';
import { ComponentId, DerivedValue, SecretKey, SizePreset, TlsRole } from '../contract/types';
import {
  claimTemplateLabels, componentLabels, digest, selectorLabels, SyncWave, waveAnnotation,
} from '../core/metadata';
import {
  envVars, hardenedContainer, hardenedPod, imageName, probes, resourceRequirements, writableVolumes,
} from '../core/pod';
import { ResourceOverrides, resolveResources, volumeQuantity } from '../core/resources';
import { assertSecrets, IKasmSecrets, KasmSecrets } from '../security/secrets';
import {
  assertDnsSubdomain, assertInstanceName, assertInteger, assertKasmNamespace, assertOneOf, assertRegistry, assertVolumeSize, fail, quantityValue, show,
} from '../core/validation';
import { KasmVersion } from '../contract/version';

/** Props for {@link KasmDatabase}. */
export interface KasmDatabaseProps {
  /** Kasm release whose contract decides image, port, user and Service name. @default KasmVersion.V1_18_1 */
  readonly version?: KasmVersion;
  /** Namespace of every object. @default - the chart's namespace, else 'kasm' */
  readonly namespace?: string;
  /** Instance name, shared with the control plane; prefixes object names and labels. @default 'kasm' */
  readonly name?: string;
  /** Where the credentials and the database certificate come from. @default KasmSecrets.fromExisting({ name }) */
  readonly secrets?: IKasmSecrets;
  /** The cluster; its default StorageClass holds the data volume unless `storageClassName` says otherwise. @default ClusterProfile.k3s() */
  readonly cluster?: ClusterProfile;
  /** StorageClass of the data volume. @default - the cluster profile's default StorageClass ('local-path' on K3s) */
  readonly storageClassName?: string;
  /** Size of the data volume. @default Size.gibibytes(10) */
  readonly storage?: Size;
  /** Resource preset; see the contract's sizing table. @default SizePreset.SMALL */
  readonly size?: SizePreset;
  /** Override parts of the preset's requests and limits. @default - the preset's figures */
  readonly resources?: ResourceOverrides;
  /**
   * PostgreSQL `max_connections`; the control plane's synth-time check says when its pools need more.
   * @default - the release's figure for the size preset (Kasm 1.19.0: 200 small, 400 medium, 600 large), else 100
   */
  readonly maxConnections?: number;
  /** PostgreSQL `shared_buffers`, as a memory quantity. @default '128Mi' */
  readonly sharedBuffers?: string;
  /** Registry mirror prefix for air-gapped clusters, e.g. 'registry.example.com'. @default - Docker Hub */
  readonly imageRegistry?: string;
  /** Secrets for pulling from a private registry mirror. @default [] */
  readonly imagePullSecrets?: readonly string[];
  /** Scheduling, annotations, extra env and writable paths of the database pod (e.g. dedicated database nodes). @default {} */
  readonly pod?: KasmPodOptions;
  /** Nightly pg_dump to a volume of its own, with a retention count, and an on-demand restore Job. @default - no backups */
  readonly backup?: KasmDatabaseBackupOptions;
  /**
   * The release being upgraded from: lets PostgreSQL start in a new data directory beside that release's.
   * @default - no upgrade: an earlier release's data directory on the volume stops the pod
   */
  readonly upgradeFrom?: KasmVersion;
}

/**
 * Kasm's own PostgreSQL image as a StatefulSet with a persistent volume, under the Service name the release
 * expects (`kasm-db` for 1.18.1, `db` for 1.16.0).
 *
 * Differs from the official chart on purpose: no root `chown` init container (PGDATA is a subdirectory the
 * postgres user creates itself, and `fsGroup` covers volumes that honour it; K3s's local-path directories are
 * world-writable), logs go to stderr instead of a file on the volume, the PVC is retained when the StatefulSet is
 * deleted, and only TLS connections are accepted from the network (`hostssl` with md5/SCRAM).
 */
export class KasmDatabase extends Construct implements IKasmDatabase {
  /**
   * A PostgreSQL this app does not deploy (managed, in another namespace, or CloudNativePG), reached at `host`, with
   * its password in a Secret of the control plane's namespace and an explicit network peer for the policies.
   */
  public static fromEndpoint(scope: Construct, id: string, props: KasmDatabaseEndpointProps): IKasmDatabase {
    return new EndpointDatabase(scope, id, props);
  }

  public readonly version: KasmVersion;
  public readonly namespace: string;
  public readonly name: string;
  public readonly host: string;
  public readonly port: number;
  public readonly databaseName: string;
  public readonly user: string;
  public readonly passwordSecret: { readonly name: string; readonly key: string };
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly peer: NetworkPeer;
  /** Labels of the backup and restore pods, when backups are configured. */
  public readonly backupPodSelector?: Readonly<Record<string, string>>;
  /** The backup CronJobs, when configured. */
  public readonly backup?: DatabaseBackup;
  public readonly tlsSecretName: string;
  public readonly storageClassName: string;
  public readonly cluster: ClusterProfile;
  public readonly storage: Size;
  /** The server's `max_connections`. */
  public readonly maxConnections: number;
  public readonly secrets: IKasmSecrets;
  /** The StatefulSet. */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The Service clients connect to. */
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: KasmDatabaseProps = {}) {
    super(scope, id);
    const owner = 'KasmDatabase';
    this.version = props.version ?? KasmVersion.V1_18_1;
    if (!(this.version instanceof KasmVersion)) fail(owner, 'version', props.version, 'is not a KasmVersion; use KasmVersion.of(\'1.18.1\')');
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'kasm';
    this.name = props.name ?? 'kasm';
    this.cluster = props.cluster ?? ClusterProfile.k3s();
    if (!(this.cluster instanceof ClusterProfile)) fail(owner, 'cluster', this.cluster, 'is not a ClusterProfile; use ClusterProfile.k3s(), ClusterProfile.rke2() or ClusterProfile.custom({...})');
    this.storageClassName = props.storageClassName ?? this.cluster.defaultStorageClass;
    this.storage = props.storage ?? Size.gibibytes(10);
    const size = props.size ?? SizePreset.SMALL;
    const maxConnections = props.maxConnections ?? this.version.contract.database.maxConnectionsPerZone?.[size] ?? 100;
    this.maxConnections = maxConnections;
    const sharedBuffers = props.sharedBuffers ?? '128Mi';
    assertKasmNamespace(owner, 'namespace', this.namespace);
    assertInstanceName(owner, 'name', this.name);
    assertDnsSubdomain(owner, 'storageClassName', this.storageClassName);
    assertOneOf(owner, 'size', size, Object.values(SizePreset));
    assertInteger(owner, 'maxConnections', maxConnections, 10, 10000);
    if (typeof sharedBuffers !== 'string' || !/^[1-9][0-9]*(Mi|Gi)$/.test(sharedBuffers)) {
      fail(owner, 'sharedBuffers', sharedBuffers, 'is not accepted; pass whole mebibytes or gibibytes like \'128Mi\' or \'1Gi\'');
    }
    const storageQuantity = volumeQuantity(assertVolumeSize(owner, 'storage', this.storage, 10, ', too small for Kasm\'s database'));
    if (props.imageRegistry !== undefined) assertRegistry(owner, 'imageRegistry', props.imageRegistry);
    assertImagePullSecrets(owner, 'imagePullSecrets', props.imagePullSecrets);
    const podOptions = props.pod ?? {};
    assertPodOptions(owner, 'pod', podOptions, this.version.contract.database.component.env.map((e) => e.name));
    if (props.secrets !== undefined) assertSecrets(owner, 'secrets', props.secrets);
    if (props.upgradeFrom !== undefined && !(props.upgradeFrom instanceof KasmVersion)) {
      fail(owner, 'upgradeFrom', props.upgradeFrom, `is not a KasmVersion; pass one of ${KasmVersion.ALL.map((v) => `KasmVersion.V${v.version.replace(/\./g, '_')}`).join(', ')}`);
    }
    this.secrets = props.secrets ?? KasmSecrets.fromExisting({ name: this.name });

    const contract = this.version.contract;
    const db = contract.database;
    const component = db.component;
    const sizing = contract.sizing[size][ComponentId.DB]!;
    const res = resolveResources(owner, 'resources', sizing.resources, props.resources);
    if (quantityValue(sharedBuffers) > quantityValue(res.memoryLimit) / 2) {
      fail(owner, 'sharedBuffers', sharedBuffers, `is more than half the memory limit ${show(res.memoryLimit)}; `
        + 'PostgreSQL would be OOM-killed under load. Raise resources.memoryLimit or lower sharedBuffers');
    }

    this.host = component.serviceName;
    this.port = component.ports[0].port;
    this.databaseName = db.databaseName;
    this.user = db.user;
    this.passwordSecret = { name: this.secrets.credentialsSecretName, key: SecretKey.DB_PASSWORD };
    this.podSelector = selectorLabels(this.name, component.workloadName);
    this.peer = NetworkPeer.pods(this.namespace, this.podSelector, 'db');
    this.tlsSecretName = this.secrets.tlsSecretName(TlsRole.DB);

    const labels = componentLabels(this.name, this.version.version, component.workloadName, ComponentId.DB);
    const meta = (name: string) => ({ name, namespace: this.namespace, labels, annotations: waveAnnotation(SyncWave.DATABASE) });

    const configFiles = {
      'postgresql.conf': postgresqlConf(db.configDir, component.tlsMounts[0].certPath, component.tlsMounts[0].keyPath, this.port, maxConnections, sharedBuffers, db.serverSettings),
      'pg_hba.conf': pgHbaConf(),
      'data.sql': 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";\n',
    };
    const configMap = new k8s.KubeConfigMap(this, 'Config', { metadata: meta(`${this.name}-db-config`), data: configFiles });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: meta(component.serviceName),
      spec: {
        selector: this.podSelector,
        ports: component.ports.filter((p) => p.exposed).map((p) => ({
          name: p.name, port: p.port, targetPort: k8s.IntOrString.fromNumber(p.port), protocol: 'TCP',
        })),
      },
    });

    const writable = writableVolumes([...component.writablePaths, ...(podOptions.extraWritablePaths ?? []).map((path) => ({ path, sizeLimit: '256Mi' }))]);
    const tls = component.tlsMounts[0];
    const envContext = {
      credentialsSecretName: this.secrets.credentialsSecretName,
      dbPasswordSecret: this.passwordSecret,
      derived: {
        [DerivedValue.DB_HOST]: this.host,
        [DerivedValue.DB_PORT]: String(this.port),
        [DerivedValue.DB_NAME]: this.databaseName,
        [DerivedValue.DB_USER]: this.user,
        [DerivedValue.ZONE_NAME]: 'default',
        [DerivedValue.CLUSTER_DOMAIN]: this.cluster.clusterDomain,
        [DerivedValue.ZONE_SLUG]: 'default',
      },
    };

    const earlier = earlierDataDirectories(this.version);
    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: meta(component.workloadName),
      automountServiceAccountToken: false,
    });

    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: meta(component.workloadName),
      spec: {
        serviceName: this.service.name,
        replicas: 1,
        selector: { matchLabels: this.podSelector },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        template: {
          metadata: {
            labels,
            // Roll the pod when the generated configuration changes (ConfigMap volumes are read at start).
            annotations: { ...(podOptions.podAnnotations ?? {}), 'kasm.cdk8s.io/config-digest': digest(configFiles) },
          },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: hardenedPod(component.runAsUser),
            ...schedulingFields(podOptions, props.imagePullSecrets),
            terminationGracePeriodSeconds: 60,
            ...(earlier.length > 0 ? {
              initContainers: [dataDirectoryGuard({
                version: this.version, earlier, image: component.image, imageRegistry: props.imageRegistry, runAsUser: component.runAsUser, dataMountPath: db.dataMountPath, upgradeFrom: props.upgradeFrom,
              })],
            } : {}),
            containers: [{
              name: 'postgres',
              image: imageName(component.image, props.imageRegistry),
              imagePullPolicy: 'IfNotPresent',
              args: component.args ? [...component.args] : undefined,
              ports: component.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
              env: [...envVars(component.env, envContext), ...Object.entries(podOptions.extraEnv ?? {}).map(([name, value]) => ({ name, value }))],
              ...probes(component),
              resources: resourceRequirements(res),
              // A crash's last log lines reach the pod status, where `kubectl describe` and `diagnose` show them.
              terminationMessagePolicy: 'FallbackToLogsOnError',
              securityContext: { ...hardenedContainer(component.runAsUser), ...(podOptions.writableRootFilesystem ? { readOnlyRootFilesystem: false } : {}) },
              volumeMounts: [
                { name: 'data', mountPath: db.dataMountPath },
                { name: 'config', mountPath: `${db.configDir}/postgresql.conf`, subPath: 'postgresql.conf', readOnly: true },
                { name: 'config', mountPath: `${db.configDir}/pg_hba.conf`, subPath: 'pg_hba.conf', readOnly: true },
                { name: 'config', mountPath: '/docker-entrypoint-initdb.d/data.sql', subPath: 'data.sql', readOnly: true },
                { name: 'tls', mountPath: tls.certPath, subPath: 'tls.crt', readOnly: true },
                { name: 'tls', mountPath: tls.keyPath, subPath: 'tls.key', readOnly: true },
                ...writable.mounts,
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: configMap.name, defaultMode: 0o444 } },
              // 0640 root:postgres is the loosest mode PostgreSQL accepts for a key file owned by root.
              { name: 'tls', secret: { secretName: this.tlsSecretName, defaultMode: tls.mode } },
              ...writable.volumes,
            ],
          },
        },
        volumeClaimTemplates: [{
          // The controller creates the PVC at runtime: no tracking label, or Argo CD would prune the data; and no
          // version label, which would make every release change this immutable template.
          metadata: { name: 'data', labels: claimTemplateLabels(labels) },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: this.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(storageQuantity) } },
          },
        }],
      },
    });
    if (props.backup !== undefined) {
      this.backup = new DatabaseBackup(this, 'Backup', this, props.backup, {
        envContext, imageRegistry: props.imageRegistry, imagePullSecrets: props.imagePullSecrets ?? [],
      });
      this.backupPodSelector = this.backup.podSelector;
    }
    const doctor = DoctorDeclarations.of(this);
    for (const name of props.imagePullSecrets ?? []) doctor.declare({ kind: ReferencedKind.SECRET, namespace: this.namespace, name, reason: 'KasmDatabase imagePullSecrets' });
    doctor.declare({ kind: ReferencedKind.STORAGE_CLASS, name: this.storageClassName, reason: 'KasmDatabase storageClassName (or the cluster profile\'s default StorageClass)' });
    for (const name of [this.secrets.credentialsSecretName, this.tlsSecretName]) {
      doctor.declare({ kind: ReferencedKind.SECRET, namespace: this.namespace, name, reason: 'KasmDatabase secrets (KasmSecrets.fromExisting unless KasmSecurity fills them)' });
    }
  }

  /** The StatefulSet as an escape hatch (`ApiObject.of(db)` works too). */
  public get apiObject(): ApiObject {
    return this.statefulSet;
  }
}
