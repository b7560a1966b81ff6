/**
 * Backups of a CloudNativePG Cluster with what CloudNativePG 1.30 supports: volume snapshots (CSI, e.g. Longhorn),
 * or the Barman Cloud plugin to an object store. The in-tree `barmanObjectStore` is deprecated and not offered.
 *
 * Retention: CloudNativePG prunes Barman Cloud backups by the plugin's ObjectStore `retentionPolicy`, which the
 * owner of the bucket credentials declares; volume snapshots it never prunes, so here a small CronJob keeps the
 * newest N `Backup` objects of this schedule (deleting a Backup deletes its snapshots).
 */
import { declarePrerequisite, PREREQUISITES } from '../core/prerequisites';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import {
  ScheduledBackup, ScheduledBackupSpecBackupOwnerReference, ScheduledBackupSpecMethod,
} from '../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { hardenedContainer, hardenedPod, resourceRequirements, writableVolumes } from '../core/pod';
import { KEEP_DATA_ANNOTATIONS, SyncWave, waveAnnotation } from '../core/metadata';
import { assertCron, assertDnsSubdomain, assertInteger, assertOneOf, assertPlainObject, fail } from '../core/validation';

/** How CloudNativePG takes a backup. */
export enum CnpgBackupMethod {
  /** CSI volume snapshots of every volume (needs a VolumeSnapshotClass, e.g. Longhorn's). */
  VOLUME_SNAPSHOT = 'volumeSnapshot',
  /** The Barman Cloud plugin (barman-cloud.cloudnative-pg.io) to an object store you declare as an ObjectStore. */
  BARMAN_CLOUD_PLUGIN = 'plugin',
}

/** Options of CloudNativePG backups. */
export interface CnpgBackupOptions {
  /** When to back up, in five-field cron syntax (CloudNativePG's seconds field is added as 0). @default '0 2 * * *' */
  readonly schedule?: string;
  /** Backups to keep (volume snapshots: pruned by a CronJob; Barman Cloud: set the ObjectStore's retentionPolicy). @default 7 */
  readonly retention?: number;
  /** @default CnpgBackupMethod.VOLUME_SNAPSHOT */
  readonly method?: CnpgBackupMethod;
  /** The Barman Cloud ObjectStore's name (method BARMAN_CLOUD_PLUGIN only). @default - none; required for that method */
  readonly objectStoreName?: string;
}

/** Image of the pruning Job: the pinned upstream kubectl. */
// alpine/k8s: kubectl with a shell (the upstream registry.k8s.io/kubectl image has none) [tag unverified here].
export const KUBECTL_IMAGE = 'alpine/k8s:1.33.4';
const KUBECTL_UID = 65532;

/** The prune program: delete all but the newest RETENTION Backups of one ScheduledBackup. */
export const PRUNE_SCRIPT = `set -eu
backups="$(kubectl get backups.postgresql.cnpg.io -n "$NAMESPACE" -l "cnpg.io/scheduled-backup=$SCHEDULE" \\
  --sort-by=.metadata.creationTimestamp -o name)"
count="$(printf '%s\\n' "$backups" | grep -c . || true)"
excess=$((count - RETENTION))
if [ "$excess" -le 0 ]; then echo "$count backups, keeping all (retention $RETENTION)"; exit 0; fi
printf '%s\\n' "$backups" | head -n "$excess" | while read -r b; do
  echo "Deleting $b (keeping the newest $RETENTION)"
  kubectl delete -n "$NAMESPACE" "$b" --wait=false
done
`;

/** Props of {@link CnpgScheduledBackup}. */
export interface CnpgScheduledBackupProps {
  readonly clusterName: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly options: CnpgBackupOptions;
}

/** The ScheduledBackup, and for snapshots the pruning CronJob with its narrow Role. */
export class CnpgScheduledBackup extends Construct {
  public readonly method: CnpgBackupMethod;
  public readonly retention: number;
  /** The pruning pods, for the database namespace's policies (API server egress). */
  public readonly prunePodSelector?: Record<string, string>;

  constructor(scope: Construct, id: string, props: CnpgScheduledBackupProps) {
    super(scope, id);
    const owner = 'CnpgDatabase';
    const o = props.options;
    assertPlainObject(owner, 'backup', o, true);
    const schedule = o.schedule ?? '0 2 * * *';
    assertCron(owner, 'backup.schedule', schedule);
    if (schedule.startsWith('@')) fail(owner, 'backup.schedule', schedule, 'is a macro; CloudNativePG needs the fields, e.g. \'0 2 * * *\'');
    this.retention = o.retention ?? 7;
    assertInteger(owner, 'backup.retention', this.retention, 1, 1000);
    this.method = o.method ?? CnpgBackupMethod.VOLUME_SNAPSHOT;
    assertOneOf(owner, 'backup.method', this.method, Object.values(CnpgBackupMethod));
    if (this.method === CnpgBackupMethod.BARMAN_CLOUD_PLUGIN) {
      if (o.objectStoreName === undefined) fail(owner, 'backup.objectStoreName', undefined, 'is required for the Barman Cloud plugin: name the ObjectStore holding the bucket and its credentials');
      assertDnsSubdomain(owner, 'backup.objectStoreName', o.objectStoreName);
    } else if (o.objectStoreName !== undefined) {
      fail(owner, 'backup.objectStoreName', o.objectStoreName, 'is only used by the Barman Cloud plugin method');
    }
    const name = `${props.clusterName}-backup`;
    const meta = (n: string) => ({ name: n, namespace: props.namespace, labels: props.labels, annotations: waveAnnotation(SyncWave.DATABASE) });
    new ScheduledBackup(this, 'Resource', {
      // The Backups it creates are owned by it (backupOwnerReference: self): deleting it would delete them too.
      metadata: { ...meta(name), annotations: { ...waveAnnotation(SyncWave.DATABASE), ...KEEP_DATA_ANNOTATIONS } },
      spec: {
        cluster: { name: props.clusterName },
        // CloudNativePG's cron has a leading seconds field.
        schedule: `0 ${schedule}`,
        method: this.method === CnpgBackupMethod.VOLUME_SNAPSHOT ? ScheduledBackupSpecMethod.VOLUME_SNAPSHOT : ScheduledBackupSpecMethod.PLUGIN,
        ...(this.method === CnpgBackupMethod.BARMAN_CLOUD_PLUGIN
          ? { pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: o.objectStoreName! } } } : {}),
        // Backups belong to the ScheduledBackup: deleting the schedule cleans up, and GitOps never sees them.
        backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
      },
    });
    // Neither method's needs show in the objects: the snapshots' CRDs, or the plugin and its ObjectStore.
    declarePrerequisite(this, PREREQUISITES.find((p) => p.groups.includes(this.method === CnpgBackupMethod.VOLUME_SNAPSHOT ? 'snapshot.storage.k8s.io' : 'barmancloud.cnpg.io'))!);
    if (this.method !== CnpgBackupMethod.VOLUME_SNAPSHOT) return;

    const pruneName = `${props.clusterName}-backup-prune`;
    this.prunePodSelector = { 'app.kubernetes.io/name': pruneName };
    const sa = new k8s.KubeServiceAccount(this, 'PruneServiceAccount', { metadata: meta(pruneName) });
    const role = new k8s.KubeRole(this, 'PruneRole', {
      metadata: meta(pruneName),
      rules: [{ apiGroups: ['postgresql.cnpg.io'], resources: ['backups'], verbs: ['list', 'delete'] }],
    });
    new k8s.KubeRoleBinding(this, 'PruneRoleBinding', {
      metadata: meta(pruneName),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: sa.name, namespace: props.namespace }],
    });
    const writable = writableVolumes([{ path: '/tmp', sizeLimit: '16Mi' }]);
    new k8s.KubeCronJob(this, 'Prune', {
      metadata: meta(pruneName),
      spec: {
        // An hour after the backups, so tonight's is counted.
        schedule: schedule.split(/\s+/).map((f, i) => (i === 1 && /^\d+$/.test(f) ? String((Number(f) + 1) % 24) : f)).join(' '),
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            template: {
              metadata: { labels: { ...props.labels, ...this.prunePodSelector } },
              spec: {
                serviceAccountName: sa.name,
                restartPolicy: 'Never',
                enableServiceLinks: false,
                securityContext: hardenedPod(KUBECTL_UID),
                containers: [{
                  name: 'prune',
                  image: KUBECTL_IMAGE,
                  imagePullPolicy: 'IfNotPresent',
                  command: ['/bin/sh', '-c', PRUNE_SCRIPT],
                  env: [
                    { name: 'NAMESPACE', value: props.namespace },
                    { name: 'SCHEDULE', value: name },
                    { name: 'RETENTION', value: String(this.retention) },
                  ],
                  resources: resourceRequirements({
                    cpuRequest: '10m', cpuLimit: '200m', memoryRequest: '32Mi', memoryLimit: '128Mi', ephemeralStorageRequest: '10Mi', ephemeralStorageLimit: '64Mi',
                  }),
                  securityContext: hardenedContainer(KUBECTL_UID),
                  terminationMessagePolicy: 'FallbackToLogsOnError',
                  volumeMounts: writable.mounts,
                }],
                volumes: writable.volumes,
              },
            },
          },
        },
      },
    });
  }
}
