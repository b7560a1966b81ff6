/**
 * Backups of the bundled database: a CronJob that dumps it to a volume of its own and keeps the newest N dumps, and
 * a suspended CronJob that restores one on demand (`kubectl create job --from=cronjob/<name>-db-restore ...`).
 * Both are restricted like every pod, and their database edge is in the dependency graph (ComponentId.DB_BACKUP),
 * so the NetworkPolicies admit exactly them and the doctor checks it.
 */
import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentId, EnvContract } from '../contract/types';
import { componentLabels, digest, SyncWave, waveAnnotation } from '../core/metadata';
import {
  EnvContext, envVars, hardenedContainer, hardenedPod, imageName, resourceRequirements, writableVolumes,
} from '../core/pod';
import { volumeQuantity } from '../core/resources';
import { assertCron, assertDnsSubdomain, assertInteger, assertPlainObject, assertVolumeSize } from '../core/validation';
import { DoctorDeclarations, ReferencedKind } from '../doctor/declarations';
import { BACKUP_DIR, BACKUP_SCRIPT, RESTORE_SCRIPT } from './backup-scripts';
import type { KasmDatabase } from './kasm-database';

/** Options of {@link KasmDatabaseProps.backup}. */
export interface KasmDatabaseBackupOptions {
  /** When to dump, in cron syntax (the cluster's time zone, usually UTC). @default '0 2 * * *' */
  readonly schedule?: string;
  /** How many dumps to keep. @default 7 */
  readonly retention?: number;
  /** Size of the backup volume. @default Size.gibibytes(20) */
  readonly storage?: Size;
  /** StorageClass of the backup volume. @default - the database's StorageClass */
  readonly storageClassName?: string;
}

/** The CronJobs, their volume and programs. */
export class DatabaseBackup extends Construct {
  /** Labels shared by the backup and restore pods (the NetworkPolicies select them). */
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly cronJob: k8s.KubeCronJob;
  public readonly volumeClaimName: string;
  public readonly schedule: string;
  public readonly retention: number;

  constructor(scope: Construct, id: string, db: KasmDatabase, options: KasmDatabaseBackupOptions, ctx: {
    readonly envContext: EnvContext; readonly imageRegistry?: string; readonly imagePullSecrets: readonly string[];
  }) {
    super(scope, id);
    const owner = 'KasmDatabase';
    assertPlainObject(owner, 'backup', options, true);
    this.schedule = options.schedule ?? '0 2 * * *';
    assertCron(owner, 'backup.schedule', this.schedule);
    this.retention = options.retention ?? 7;
    assertInteger(owner, 'backup.retention', this.retention, 1, 1000);
    const storage = options.storage ?? Size.gibibytes(20);
    const storageMi = assertVolumeSize(owner, 'backup.storage', storage, 20);
    const storageClassName = options.storageClassName ?? db.storageClassName;
    assertDnsSubdomain(owner, 'backup.storageClassName', storageClassName);

    const component = db.version.contract.database.component;
    const name = `${db.name}-db-backup`;
    const labels = componentLabels(db.name, db.version.version, name, ComponentId.DB_BACKUP);
    this.podSelector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': db.name };
    const meta = (n: string, extra: Record<string, string> = {}) => ({ name: n, namespace: db.namespace, labels, annotations: { ...waveAnnotation(SyncWave.DATABASE), ...extra } });

    // A StorageClass named for this volume alone exists in the cluster, not in the app: tell the doctor so.
    DoctorDeclarations.of(this).declare({ kind: ReferencedKind.STORAGE_CLASS, name: storageClassName, reason: 'KasmDatabase backup.storageClassName (or the database volume\'s)' });
    this.volumeClaimName = `${db.name}-db-backups`;
    new k8s.KubePersistentVolumeClaim(this, 'Volume', {
      // The dumps outlive an app deletion: Argo CD and Flux leave the volume alone.
      metadata: meta(this.volumeClaimName, { 'argocd.argoproj.io/sync-options': 'Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(volumeQuantity(storageMi)) } },
      },
    });
    const scripts = { 'backup.sh': BACKUP_SCRIPT, 'restore.sh': RESTORE_SCRIPT };
    const cm = new k8s.KubeConfigMap(this, 'Scripts', { metadata: meta(`${name}-scripts`), data: scripts });
    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(name), automountServiceAccountToken: false });

    const env: EnvContract[] = [
      { name: 'POSTGRES_HOST', source: { kind: 'literal', value: db.host } },
      { name: 'POSTGRES_PORT', source: { kind: 'literal', value: String(db.port) } },
      { name: 'POSTGRES_DB', source: { kind: 'literal', value: db.databaseName } },
      { name: 'POSTGRES_USER', source: { kind: 'literal', value: db.user } },
    ];
    const pod = (script: string, extraEnv: k8s.EnvVar[]): k8s.PodTemplateSpec => {
      const writable = writableVolumes([{ path: '/tmp', sizeLimit: '64Mi' }]);
      return {
        metadata: { labels: { ...labels }, annotations: { 'kasm.cdk8s.io/config-digest': digest(scripts) } },
        spec: {
          serviceAccountName: sa.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // Never, with a backoff limit: a failed pod stays for `kubectl logs`, instead of being replaced silently.
          restartPolicy: 'Never',
          securityContext: hardenedPod(component.runAsUser),
          ...(ctx.imagePullSecrets.length > 0 ? { imagePullSecrets: ctx.imagePullSecrets.map((n) => ({ name: n })) } : {}),
          containers: [{
            name: script.replace('.sh', ''),
            image: imageName(component.image, ctx.imageRegistry),
            imagePullPolicy: 'IfNotPresent',
            command: ['/bin/sh', `/opt/kasm-backup/${script}`],
            env: [
              ...envVars(env, ctx.envContext),
              { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: db.passwordSecret.name, key: db.passwordSecret.key } } },
              ...extraEnv,
            ],
            resources: resourceRequirements({
              cpuRequest: '50m', cpuLimit: '1000m', memoryRequest: '64Mi', memoryLimit: '512Mi', ephemeralStorageRequest: '10Mi', ephemeralStorageLimit: '128Mi',
            }),
            securityContext: hardenedContainer(component.runAsUser),
            terminationMessagePolicy: 'FallbackToLogsOnError',
            volumeMounts: [
              { name: 'backups', mountPath: BACKUP_DIR },
              { name: 'scripts', mountPath: '/opt/kasm-backup', readOnly: true },
              ...writable.mounts,
            ],
          }],
          volumes: [
            { name: 'backups', persistentVolumeClaim: { claimName: this.volumeClaimName } },
            { name: 'scripts', configMap: { name: cm.name, defaultMode: 0o444 } },
            ...writable.volumes,
          ],
        },
      };
    };
    this.cronJob = new k8s.KubeCronJob(this, 'Backup', {
      metadata: meta(name),
      spec: {
        schedule: this.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: { spec: { backoffLimit: 2, template: pod('backup.sh', [{ name: 'RETENTION', value: String(this.retention) }]) } },
      },
    });
    new k8s.KubeCronJob(this, 'Restore', {
      metadata: meta(`${db.name}-db-restore`),
      spec: {
        // Never runs by itself: `kubectl create job --from=cronjob/<name>-db-restore <job>` runs it once.
        schedule: '0 0 31 2 *',
        suspend: true,
        concurrencyPolicy: 'Forbid',
        jobTemplate: { spec: { backoffLimit: 0, template: pod('restore.sh', [{ name: 'RESTORE_FILE', value: 'latest' }]) } },
      },
    });
  }
}
