/**
 * The shell programs of an upgrade (private to the control plane): the pre-upgrade dump and the migration that
 * restores it into a new PostgreSQL major when needed. Both refuse to act on the wrong database rather than guess.
 * The dump runs under the old release's database image (busybox sh, its own pg_dump), so the old release's
 * pg_restore can read it back when going back; the migration runs under bash in the new api image.
 *
 * As the official chart (https://github.com/kasmtech/kasm-helm, charts/kasm-helm/templates/db-upgrade-backup-job.yaml
 * and db-upgrade-job.yaml @23b0604) the dump leaves out the data of Kasm's `logs` table; unlike it, the dump stays in
 * the custom format (compressed, no 8 GB limit per table as tar has) and the restore is one transaction that tolerates
 * only what cannot fit a new server (owners, grants, extension comments) and stops at any other error.
 */

/** Where the upgrade volume is mounted in both Jobs. */
export const UPGRADE_DIR = '/upgrade';

/** Seconds the dump waits for Kasm's writers (api, manager) to disconnect before it gives up. */
export const WRITERS_WAIT_SECONDS = 600;

/** Connection settings every psql, pg_dump and pg_restore call shares (TLS required, bounded connect). */
const PG = 'PGPASSWORD="$POSTGRES_PASSWORD" PGSSLMODE=require PGCONNECT_TIMEOUT=5';
const CONNECT = '--host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"';
const PSQL = `${PG} psql ${CONNECT} --no-psqlrc --tuples-only --no-align`;

/** The server's major version into `$major`. */
const READ_MAJOR = `major=$(${PSQL} --command="SELECT current_setting('server_version_num')::int / 10000")`;

/** `$zones`: -1 without Kasm's settings and zones tables, else the zone rows (a seeded Kasm has at least one). */
const READ_ZONES = `zones=-1; if [ "$(${PSQL} --command="SELECT to_regclass('public.settings') IS NOT NULL AND to_regclass('public.zones') IS NOT NULL")" = t ]; `
  + `then zones=$(${PSQL} --command="SELECT count(*) FROM zones"); fi`;

/** Kasm's log table: its rows can run to gigabytes and an upgrade does not need them; the table itself is kept. */
export const LOGS_TABLE = 'public.logs';

/**
 * The restore entries left out of the dump's table of contents: a comment on an extension can only be set by the
 * extension's owner, which on a new server (CloudNativePG, an external database) is a superuser, not Kasm's user.
 */
const UNRESTORABLE_ENTRIES = String.raw`^[0-9]*; [0-9]* [0-9]* COMMENT - EXTENSION `;

/**
 * pg_restore's options that leave out what belongs to the old server rather than to Kasm's data: owners (everything
 * becomes the restoring user's, Kasm's own), grants to roles the new server may lack, tablespaces, security labels,
 * publications and subscriptions. Any other error stops the restore (`--single-transaction` implies
 * `--exit-on-error`) and rolls it back.
 */
export const RESTORE_OPTIONS = '--no-owner --no-privileges --no-tablespaces --no-security-labels --no-publications --no-subscriptions --single-transaction --exit-on-error';

/** The dump file an upgrade from `from` writes and reads. */
export function dumpFile(from: string): string {
  // The folder can be moved through the env (the tests do); the default is the volume's mount.
  return `"\${KASM_UPGRADE_DIR:-${UPGRADE_DIR}}/kasm-${from}.dump"`;
}

/**
 * Dump the database of release `from` before anything changes. While the server still runs the old major it holds
 * the only current copy of the data, so the dump is (re)taken every run, replacing an earlier attempt's dump only once
 * the new one is complete and readable; once the server runs another major (the upgrade happened), a complete dump is
 * kept and nothing is dumped. Waits for every other session (Kasm's writers) to leave first, so no write made after
 * the dump is lost; refuses a database without Kasm's tables.
 */
export function backupScript(from: string, fromMajor: number): string {
  const file = dumpFile(from);
  return [
    'set -eu',
    `file=${file}`,
    READ_MAJOR,
    `if [ "$major" != "${fromMajor}" ]; then`,
    '  if [ -s "$file" ]; then',
    `    echo "the database runs PostgreSQL $major, not ${fromMajor}: it has been upgraded already; keeping the pre-upgrade dump $file taken before that"`,
    '    exit 0',
    '  fi',
    `  echo "the database runs PostgreSQL $major, not ${fromMajor} as Kasm ${from} does, and there is no pre-upgrade dump at $file: refusing to take it from this server" >&2`,
    '  exit 1',
    'fi',
    READ_ZONES,
    'if [ "$zones" -lt 1 ]; then',
    `  echo "the database has no Kasm settings and zones (zones: $zones): there is no Kasm ${from} database to upgrade" >&2`,
    '  exit 1',
    'fi',
    // Every write after the dump would be lost by a restore into the new major: the writers must be stopped first.
    `limit=\${KASM_WRITERS_WAIT_SECONDS:-${WRITERS_WAIT_SECONDS}}`,
    'deadline=$(( $(date +%s) + limit ))',
    'while :; do',
    `  others=$(${PSQL} --command="SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")`,
    '  [ "$others" -eq 0 ] && break',
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    '    echo "gave up after ${limit}s: $others other sessions are still connected to $POSTGRES_DB; stop the writers (every zone\'s api and manager, scaled to 0) before the pre-upgrade dump" >&2',
    '    exit 1',
    '  fi',
    '  echo "waiting for $others other sessions to leave $POSTGRES_DB (scale every zone\'s api and manager to 0): a write after the dump would be lost"',
    '  sleep "${KASM_WRITERS_WAIT_INTERVAL:-5}"',
    'done',
    // The logs table's rows stay behind, unless a foreign key needs them (the restore would stop at that key).
    `set -- --exclude-table-data=${LOGS_TABLE}`,
    `refs=$(${PSQL} --command="SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND confrelid = to_regclass('${LOGS_TABLE}')")`,
    'if [ "$refs" -gt 0 ]; then',
    `  echo "keeping the rows of ${LOGS_TABLE} in the dump: $refs foreign keys reference them"`,
    '  set --',
    'fi',
    `${PG} pg_dump ${CONNECT} --format=custom --compress=6 "$@" --file="$file.partial"`,
    'pg_restore --list "$file.partial" >/dev/null',
    'if [ -s "$file" ]; then echo "replacing the pre-upgrade dump of an earlier attempt: writes may have happened since"; fi',
    'mv "$file.partial" "$file"',
    'echo "pre-upgrade dump written to $file ($(wc -c < "$file") bytes)"',
  ].join('\n');
}

/**
 * Bring the database to the new release's schema: a database that holds Kasm's data is migrated in place; an empty
 * one (a new PostgreSQL major in a new data directory) first gets the pre-upgrade dump restored, in one transaction,
 * so a restore that is interrupted or meets an error it does not tolerate ({@link RESTORE_OPTIONS}) leaves the
 * database empty and the retry restores again. Tables without a zone (an
 * interrupted restore of another tool, or not Kasm's) stop the Job, as does an empty database without a dump:
 * migrating or seeding there would lose the old data silently.
 */
export function migrateScript(from: string, to: string, toMajor: number, migrateCommand: readonly string[]): string {
  const file = dumpFile(from);
  return [
    'set -eu',
    READ_MAJOR,
    `if [ "$major" != "${toMajor}" ]; then`,
    `  echo "the database runs PostgreSQL $major; Kasm ${to} needs ${toMajor}: upgrade the database server first" >&2`,
    '  exit 1',
    'fi',
    `tables=$(${PSQL} --command="SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'")`,
    READ_ZONES,
    'if [ "$zones" -ge 1 ]; then',
    `  echo "the database holds Kasm data ($zones zones): migrating it from ${from} to ${to} in place"`,
    'elif [ "$tables" -gt 0 ]; then',
    '  echo "the database holds $tables tables but no Kasm zone: an interrupted restore, or not a Kasm database; refusing to migrate or restore over it." >&2',
    `  echo "Inspect it; to restore the pre-upgrade dump again, empty it (psql: DROP SCHEMA public CASCADE; CREATE SCHEMA public;) and re-run this Job." >&2`,
    '  exit 1',
    `elif [ -s ${file} ]; then`,
    `  if ! list=$(pg_restore --list ${file}); then`,
    `    echo "the pre-upgrade dump ${file} is not a readable archive (see pg_restore's error above); nothing was restored, the database is still empty" >&2`,
    '    exit 1',
    '  fi',
    `  echo "the database is empty: restoring the pre-upgrade dump ${file} in one transaction (owners, grants and extension comments of the old server left out)"`,
    `  if ! ${PG} pg_restore ${CONNECT} ${RESTORE_OPTIONS} --use-list=<(printf '%s\\n' "$list" | grep -v '${UNRESTORABLE_ENTRIES}') ${file}; then`,
    `    echo "the restore of ${file} stopped at the error above and was rolled back: the database is empty, as before. Nothing was migrated; fix the cause and re-run this Job (docs/upgrades.md, If it fails)" >&2`,
    '    exit 1',
    '  fi',
    `  ${READ_ZONES}`,
    '  if [ "$zones" -lt 1 ]; then',
    `    echo "the restore of ${file} finished without a Kasm zone: the dump is not of a seeded Kasm database; refusing to migrate" >&2`,
    '    exit 1',
    '  fi',
    '  echo "restored $zones zones from the pre-upgrade dump"',
    'else',
    `  echo "the database is empty and there is no pre-upgrade dump at ${file}: refusing to continue (seeding would start an empty Kasm)" >&2`,
    '  exit 1',
    'fi',
    `exec ${migrateCommand.join(' ')}`,
  ].join('\n');
}
