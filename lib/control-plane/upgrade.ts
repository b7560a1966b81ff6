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
import { KasmVersion } from '../contract/version';
import { KEEP_DATA_ANNOTATIONS, SyncWave, waveAnnotation } from '../core/metadata';
import { envVars } from '../core/pod';
import { volumeQuantity } from '../core/resources';
import { assertDnsSubdomain, assertPlainObject, assertVolumeSize, fail, show } from '../core/validation';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { addDatabaseJob, DatabaseJobContext } from './db-init';
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
export interface UpgradeJobsProps extends DatabaseJobContext {
  readonly from: KasmVersion;
  readonly to: KasmVersion;
  /** Labels of the dump's pod (the DB_UPGRADE end of the graph). */
  readonly backupLabels: Readonly<Record<string, string>>;
  /** Labels of the migration's pod (the db-init end of the graph: it takes db-init's place). */
  readonly migrationLabels: Readonly<Record<string, string>>;
  readonly backupWaits: k8s.Container[];
  readonly migrationWaits: k8s.Container[];
  readonly storage: Size;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
}

/** The dump volume, the pre-upgrade dump Job and the migration Job of one upgrade. */
export class UpgradeJobs extends Construct {
  public readonly backupJob: k8s.KubeJob;
  public readonly migrationJob: k8s.KubeJob;
  public readonly volumeClaimName: string;

  constructor(scope: Construct, id: string, props: UpgradeJobsProps) {
    super(scope, id);
    const { from, to } = props;
    const slug = `${from.slug}-to-${to.slug}`;
    const upgradePhase = { ...waveAnnotation(SyncWave.SECRETS), [PHASE_ANNOTATION]: 'upgrade' };
    this.volumeClaimName = `${props.instance}-upgrade-backup`;
    new k8s.KubePersistentVolumeClaim(this, 'Volume', {
      // The dump outlives the upgrade and the app: it is the way back. Argo CD and Flux never delete it.
      metadata: { name: this.volumeClaimName, namespace: props.namespace, labels: { ...props.backupLabels }, annotations: { ...upgradePhase, ...KEEP_DATA_ANNOTATIONS } },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.storageClassName ? { storageClassName: props.storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(volumeQuantity(props.storage.toMebibytes({ rounding: SizeRoundingBehavior.NONE }))) } },
      },
    });
    // A StorageClass named for this volume alone exists in the cluster, not in the app: tell the doctor so.
    if (props.storageClassName) DoctorDeclarations.of(this).declare({ kind: ReferencedKind.STORAGE_CLASS, name: props.storageClassName, reason: 'KasmControlPlane upgradeBackup.storageClassName' });
    const env = envVars(props.contract.env.filter((e) => e.name.startsWith('POSTGRES_')), props.envContext);
    // Every write after the dump could be lost, and the dump must stay the newest copy: a same-major upgrade would be
    // migrated in place, and a later run of the dump could not tell the migrated database from the old one.
    if (from.contract.database.postgresMajorVersion === to.contract.database.postgresMajorVersion) {
      fail('KasmControlPlane', 'upgradeFrom', from.version, `keeps PostgreSQL ${to.contract.database.postgresMajorVersion}: this library's pre-upgrade dump only supports upgrades that change the PostgreSQL major`);
    }
    const dbImage = from.contract.database.component;
    const volumes = [{ name: 'upgrade', persistentVolumeClaim: { claimName: this.volumeClaimName } }];
    this.backupJob = addDatabaseJob(this, 'Backup', props, {
      name: `${props.instance}-pre-upgrade-${slug}`,
      labels: props.backupLabels,
      annotations: upgradePhase,
      initContainers: props.backupWaits,
      containerName: 'pre-upgrade-dump',
      // The old release's pg_dump, whose archives the old release's pg_restore reads (the way back).
      image: dbImage.image,
      shell: '/bin/sh',
      runAsUser: dbImage.runAsUser,
      script: backupScript(from.version, from.contract.database.postgresMajorVersion),
      env,
      volumes,
      mounts: [{ name: 'upgrade', mountPath: UPGRADE_DIR }],
      backoffLimit: 3,
    });
    this.migrationJob = addDatabaseJob(this, 'Migration', props, {
      name: `${props.instance}-db-migrate-${slug}`,
      labels: props.migrationLabels,
      annotations: waveAnnotation(SyncWave.DB_INIT),
      initContainers: props.migrationWaits,
      containerName: 'migrate',
      script: migrateScript(from.version, to.version, to.contract.database.postgresMajorVersion, to.contract.upgrade!.migrateCommand),
      env,
      volumes,
      mounts: [{ name: 'upgrade', mountPath: UPGRADE_DIR, readOnly: true }],
      backoffLimit: 3,
    });
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
      + `restore the pre-upgrade dump into a ${from.version} deployment instead (docs/upgrades.md)`);
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
  assertVolumeSize(owner, 'upgradeBackup.storage', storage, 20, ': a Kasm database dump needs room');
  if (options?.storageClassName !== undefined) assertDnsSubdomain(owner, 'upgradeBackup.storageClassName', options.storageClassName);
  return { storage, ...(options?.storageClassName !== undefined ? { storageClassName: options.storageClassName } : {}) };
}
