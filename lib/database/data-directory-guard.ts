/**
 * The bundled database's guard against starting a new PostgreSQL major beside an earlier release's data by accident
 * (private to KasmDatabase). A release whose PGDATA differs from an earlier release's (1.19.0's `pg16` beside
 * 1.18.1's `pgdata`) would initialize an empty database next to the old one, and db-init would seed an empty Kasm:
 * nothing deleted, but every user gone from view. Unless the deployment says upgradeFrom, the pod stops instead.
 */
import { k8s } from 'cdk8s-plus-27';
import { ImageRef } from '../contract/types';
import { WAIT_RESOURCES } from '../contract/sizing';
import { KasmVersion } from '../contract/version';
import { hardenedContainer, imageName, resourceRequirements } from '../core/pod';

/** The data directories of earlier releases that `version`'s PGDATA is not (empty when they all share it). */
export function earlierDataDirectories(version: KasmVersion): string[] {
  const own = version.contract.database.pgdata;
  return [...new Set(KasmVersion.ALL.filter((v) => v.compareTo(version) < 0).map((v) => v.contract.database.pgdata))].filter((d) => d !== own).sort();
}

/** The guard's program (busybox sh, in the database image): exit 0 to start PostgreSQL, 1 to stop. */
export function dataDirectoryGuardScript(version: KasmVersion, earlier: readonly string[]): string {
  const major = version.contract.database.postgresMajorVersion;
  return [
    'set -eu',
    'if [ -s "$PGDATA/PG_VERSION" ]; then echo "$PGDATA holds PostgreSQL $(cat "$PGDATA/PG_VERSION"): starting it"; exit 0; fi',
    `for dir in ${earlier.join(' ')}; do`,
    '  [ -s "$dir/PG_VERSION" ] || continue',
    '  if [ -n "${KASM_UPGRADE_FROM:-}" ]; then',
    `    echo "$PGDATA is new: PostgreSQL ${major} starts there for the upgrade from Kasm $KASM_UPGRADE_FROM, and $dir (PostgreSQL $(cat "$dir/PG_VERSION")) stays beside it"`,
    '    exit 0',
    '  fi',
    `  echo "refusing to start PostgreSQL ${major} in the empty $PGDATA: this volume holds $dir, the PostgreSQL $(cat "$dir/PG_VERSION") data of an earlier Kasm release, `
      + `and starting here would leave it aside for an empty database that db-init seeds as a new Kasm. To upgrade, synthesize Kasm ${version.version} with upgradeFrom `
      + '(docs/upgrades.md); to stay, deploy the release that wrote it again." >&2',
    '  exit 1',
    'done',
    'echo "$PGDATA is new and no earlier release\'s data is on this volume: a new database"',
  ].join('\n');
}

/** The init container that runs the guard on the data volume. */
export function dataDirectoryGuard(opts: {
  version: KasmVersion; earlier: readonly string[]; image: ImageRef; imageRegistry?: string; runAsUser: number; dataMountPath: string; upgradeFrom?: KasmVersion;
}): k8s.Container {
  return {
    name: 'data-directory-check',
    image: imageName(opts.image, opts.imageRegistry),
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', dataDirectoryGuardScript(opts.version, opts.earlier)],
    env: [
      { name: 'PGDATA', value: opts.version.contract.database.pgdata },
      ...(opts.upgradeFrom ? [{ name: 'KASM_UPGRADE_FROM', value: opts.upgradeFrom.version }] : []),
    ],
    resources: resourceRequirements(WAIT_RESOURCES),
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext: hardenedContainer(opts.runAsUser),
    volumeMounts: [{ name: 'data', mountPath: opts.dataMountPath, readOnly: true }],
  };
}
