/**
 * An upgrade between Kasm releases without Helm hooks (private to the control plane): a pre-upgrade dump of the old
 * database, then the new release's migration (restoring the dump first when the PostgreSQL major changed), then the
 * new control plane, ordered by sync waves for Argo CD and by the `upgrade` phase folder for Flux.
 *
 * Differs from the official chart on purpose: no object that holds data changes its name (the chart renames the
 * database StatefulSet per release, and its upgrades lost databases), and nothing seeds a database during an upgrade.
 */
import { Size, SizeRoundingBehavior } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DbInitContract } from '../contract/types';
import { KasmVersion } from '../contract/version';
import { DB_INIT_RESOURCES } from '../contract/sizing';
import { digest, SyncWave, waveAnnotation } from '../core/metadata';
import { EnvContext, envVars, hardenedContainer, hardenedPod, imageName, resourceRequirements, writableVolumes } from '../core/pod';
import { KasmPodOptions, schedulingFields } from '../core/pod-options';
import { volumeQuantity } from '../core/resources';
import { assertDnsSubdomain, assertPlainObject, assertVolumeSize, fail, show } from '../core/validation';
import { backupScript, migrateScript, UPGRADE_DIR } from './upgrade-scripts';

/** The annotation that puts an object into a phase folder of its own (`dist/<variant>/upgrade/`), applied first. */
export const PHASE_ANNOTATION = 'kasm.cdk8s.io/phase';

/** Where the pre-upgrade dump is kept. */
export interface KasmUpgradeBackupOptions {
  /** Size of the dump volume. @default Size.gibibytes(20) */
  readonly storage?: Size;
  /** StorageClass of the dump volume. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** Props of {@link UpgradeJobs}. */
export interface UpgradeJobsProps {
  readonly from: KasmVersion;
  readonly to: KasmVersion;
  readonly instance: string;
  readonly namespace: string;
  readonly dbInit: DbInitContract;
  /** Labels of the backup pod (the DB_UPGRADE end of the graph). */
  readonly backupLabels: Readonly<Record<string, string>>;
  /** Labels of the migration pod (the db-init end of the graph: it takes db-init's place). */
  readonly migrationLabels: Readonly<Record<string, string>>;
  readonly backupWaits: k8s.Container[];
  readonly migrationWaits: k8s.Container[];
  readonly envContext: EnvContext;
  readonly imagePullPolicy: string;
  /** Registry mirror prefix. @default - Docker Hub */
  readonly imageRegistry?: string;
  /** Escape valves of the db-init pod, which apply to both Jobs. @default {} */
  readonly podOptions?: KasmPodOptions;
  /** Secrets for pulling from a private registry mirror. @default [] */
  readonly imagePullSecrets?: readonly string[];
  readonly storage: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** The dump volume, the backup Job and the migration Job of one upgrade. */
export class UpgradeJobs extends Construct {
  public readonly backupJob: k8s.KubeJob;
  public readonly migrationJob: k8s.KubeJob;
  public readonly volumeClaimName: string;

  constructor(scope: Construct, id: string, props: UpgradeJobsProps) {
    super(scope, id);
    const { from, to, dbInit } = props;
    const slug = `${from.slug}-to-${to.slug}`;
    const neverPrune = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };
    const upgradePhase = { ...waveAnnotation(SyncWave.SECRETS), [PHASE_ANNOTATION]: 'upgrade' };
    this.volumeClaimName = `${props.instance}-upgrade-backup`;
    new k8s.KubePersistentVolumeClaim(this, 'Volume', {
      // The dump outlives the upgrade and the app: it is the way back. Argo CD and Flux never delete it.
      metadata: { name: this.volumeClaimName, namespace: props.namespace, labels: { ...props.backupLabels }, annotations: { ...upgradePhase, ...neverPrune } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(volumeQuantity(props.storage.toMebibytes({ rounding: SizeRoundingBehavior.NONE }))) } },
      },
    });
    const options = props.podOptions ?? {};
    const image = imageName(dbInit.image, props.imageRegistry);
    const env = envVars(dbInit.env.filter((e) => e.name.startsWith('POSTGRES_')), props.envContext);
    const job = (jobId: string, name: string, labels: Readonly<Record<string, string>>, annotations: Record<string, string>,
      waits: k8s.Container[], script: string, readOnlyDump: boolean): k8s.KubeJob => {
      const writable = writableVolumes(dbInit.writablePaths);
      const sa = new k8s.KubeServiceAccount(this, `${jobId}ServiceAccount`, {
        metadata: { name, namespace: props.namespace, labels: { ...labels }, annotations }, automountServiceAccountToken: false,
      });
      const podSpec: k8s.PodSpec = {
        serviceAccountName: sa.name,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        restartPolicy: 'Never',
        securityContext: hardenedPod(dbInit.runAsUser),
        ...schedulingFields(options, props.imagePullSecrets),
        initContainers: waits,
        containers: [{
          name: jobId === 'Backup' ? 'pre-upgrade-dump' : 'migrate',
          image,
          imagePullPolicy: props.imagePullPolicy,
          command: ['/bin/bash', '-c', script],
          env,
          resources: resourceRequirements(DB_INIT_RESOURCES),
          terminationMessagePolicy: 'FallbackToLogsOnError',
          securityContext: hardenedContainer(dbInit.runAsUser),
          volumeMounts: [...writable.mounts, { name: 'upgrade', mountPath: UPGRADE_DIR, readOnly: readOnlyDump }],
        }],
        volumes: [...writable.volumes, { name: 'upgrade', persistentVolumeClaim: { claimName: this.volumeClaimName } }],
      };
      return new k8s.KubeJob(this, jobId, {
        metadata: { name: `${name}-${digest(podSpec, 6)}`, namespace: props.namespace, labels: { ...labels }, annotations },
        spec: { backoffLimit: 3, template: { metadata: { labels: { ...labels } }, spec: podSpec } },
      });
    };
    this.backupJob = job('Backup', `${props.instance}-pre-upgrade-${slug}`, props.backupLabels, upgradePhase, props.backupWaits,
      backupScript(from.version, from.contract.database.postgresMajorVersion), false);
    this.migrationJob = job('Migration', `${props.instance}-db-migrate-${slug}`, props.migrationLabels, waveAnnotation(SyncWave.DB_INIT), props.migrationWaits,
      migrateScript(from.version, to.version, to.contract.database.postgresMajorVersion, to.contract.upgrade!.migrateCommand), true);
  }
}


/**
 * The release an upgrade starts from, checked: a supported release, older than `to`, from which `to` may be reached
 * directly. `undefined` when there is no upgrade.
 */
export function checkUpgrade(owner: string, to: KasmVersion, from: unknown): KasmVersion | undefined {
  if (from === undefined) return undefined;
  if (!(from instanceof KasmVersion)) {
    fail(owner, 'upgradeFrom', from, `is not a KasmVersion; pass one of ${KasmVersion.ALL.map((v) => `KasmVersion.V${v.version.replace(/\./g, '_')}`).join(', ')}`);
  }
  if (from === to) {
    fail(owner, 'upgradeFrom', from.version, `is the version being deployed: an upgrade moves to a newer release. Remove upgradeFrom once the upgrade to ${to.version} is done`);
  }
  if (from.compareTo(to) > 0) {
    fail(owner, 'upgradeFrom', from.version, `is newer than version ${to.version}: Kasm does not support downgrades (its migrations only go forward); `
      + `restore the pre-upgrade dump into a ${from.version} deployment instead (README: Upgrades)`);
  }
  const accepted = to.contract.upgrade?.from ?? [];
  if (!accepted.includes(from.version)) {
    const via = accepted.length > 0 ? `upgrade ${from.version} to ${accepted[0]} first, then to ${to.version}` : `this library offers no upgrade into ${to.version}`;
    fail(owner, 'upgradeFrom', from.version, `cannot be upgraded to Kasm ${to.version} directly; accepted: ${accepted.length > 0 ? accepted.map(show).join(', ') : 'none'} (${via})`);
  }
  return from;
}

/** The dump volume's options, checked, with their defaults. */
export function checkUpgradeBackup(owner: string, options: KasmUpgradeBackupOptions | undefined): { storage: Size; storageClassName?: string } {
  assertPlainObject(owner, 'upgradeBackup', options);
  const storage = options?.storage ?? Size.gibibytes(20);
  assertVolumeSize(owner, 'upgradeBackup.storage', storage, 'Size.gibibytes(20)', ': a Kasm database dump needs room');
  if (options?.storageClassName !== undefined) assertDnsSubdomain(owner, 'upgradeBackup.storageClassName', options.storageClassName);
  return { storage, ...(options?.storageClassName !== undefined ? { storageClassName: options.storageClassName } : {}) };
}
