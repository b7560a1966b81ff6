/**
 * The database Jobs of one control plane (private to it): db-init, which seeds once and writes the zone settings; or,
 * while the release is being upgraded, the pre-upgrade dump and the migration, which takes db-init's place (and its
 * labels, so its NetworkPolicy and waits), because an upgrade never seeds.
 */
import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ComponentId } from '../contract/types';
import { KasmVersion } from '../contract/version';
import { DatabaseJobContext, DbInitJob } from './db-init';
import { UpgradeJobs } from './upgrade';

/** What decides which Jobs the control plane gets, and how they wait and are labelled. */
export interface DatabaseJobsPlan {
  readonly version: KasmVersion;
  /** The release being upgraded from. @default - no upgrade: db-init */
  readonly upgradeFrom?: KasmVersion;
  readonly upgradeBackup: { readonly storage: Size; readonly storageClassName?: string };
  /** db-init env that writes the zones' settings after the seed (empty where the release cannot seed them). */
  readonly zoneSettings: k8s.EnvVar[];
  /** The wait containers of a Job's component (its edges in the dependency graph). */
  waitsOf(id: ComponentId): k8s.Container[];
  /** Pod labels for a Job playing a component of the graph. */
  labelsOf(id: ComponentId, component: string): Record<string, string>;
}

/** Add db-init, or the upgrade's dump and migration, to `scope`. */
export function addDatabaseJobs(scope: Construct, context: DatabaseJobContext, plan: DatabaseJobsPlan): void {
  if (!plan.upgradeFrom) {
    new DbInitJob(scope, 'DbInit', {
      ...context, version: plan.version.version, versionSlug: plan.version.slug, initContainers: plan.waitsOf(ComponentId.DB_INIT), extraEnv: plan.zoneSettings,
    });
    return;
  }
  new UpgradeJobs(scope, 'Upgrade', {
    ...context,
    ...plan.upgradeBackup,
    from: plan.upgradeFrom,
    to: plan.version,
    backupLabels: plan.labelsOf(ComponentId.DB_UPGRADE, 'pre-upgrade'),
    migrationLabels: plan.labelsOf(ComponentId.DB_INIT, 'db-upgrade'),
    backupWaits: plan.waitsOf(ComponentId.DB_UPGRADE),
    migrationWaits: plan.waitsOf(ComponentId.DB_INIT),
  });
}
