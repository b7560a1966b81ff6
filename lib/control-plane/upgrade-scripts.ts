/**
 * The shell programs of an upgrade (private to the control plane): the pre-upgrade dump and the migration that
 * restores it into a new PostgreSQL major when needed. Both refuse to act on the wrong database rather than guess.
 */

/** Where the upgrade volume is mounted in both Jobs. */
export const UPGRADE_DIR = '/upgrade';

/** Connection settings every psql, pg_dump and pg_restore call shares (TLS required, bounded connect). */
const PG = 'PGPASSWORD="$POSTGRES_PASSWORD" PGSSLMODE=require PGCONNECT_TIMEOUT=5';
const PSQL = `${PG} psql --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" --no-psqlrc --tuples-only --no-align`;

/** Stop with `refusal` (after "the database runs PostgreSQL $major") unless the server's major is `major`. */
function requireMajor(major: number, refusal: string): string[] {
  return [
    `major=$(${PSQL} --command="SELECT current_setting('server_version_num')::int / 10000")`,
    `if [ "$major" != "${major}" ]; then`,
    `  echo "the database runs PostgreSQL $major${refusal}" >&2`,
    '  exit 1',
    'fi',
  ];
}

/** The dump file an upgrade from `from` writes and reads. */
export function dumpFile(from: string): string {
  // The folder can be moved through the env (the tests do); the default is the volume's mount.
  return `"\${KASM_UPGRADE_DIR:-${UPGRADE_DIR}}/kasm-${from}.dump"`;
}

/**
 * Dump the database of release `from` before anything changes. Idempotent: a complete dump from an earlier run is
 * kept (a re-sync must not overwrite it with a dump of an already-upgraded database). Refuses a server of another
 * PostgreSQL major (it would be the new, empty database) and a database without Kasm's `settings` table.
 */
export function backupScript(from: string, fromMajor: number): string {
  const file = dumpFile(from);
  return [
    'set -eu',
    `file=${file}`,
    'if [ -s "$file" ]; then echo "keeping the pre-upgrade dump $file from an earlier run"; exit 0; fi',
    ...requireMajor(fromMajor, `, not ${fromMajor} as Kasm ${from} does: refusing to take the pre-upgrade dump from it`),
    `if ! ${PSQL} --command="SELECT count(*) FROM settings" >/dev/null; then`,
    `  echo "the database has no Kasm settings table: there is no Kasm ${from} database to upgrade" >&2`,
    '  exit 1',
    'fi',
    `${PG} pg_dump --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" --format=custom --compress=6 --file="$file.partial"`,
    'mv "$file.partial" "$file"',
    'echo "pre-upgrade dump written to $file ($(wc -c < "$file") bytes)"',
  ].join('\n');
}

/**
 * Bring the database to the new release's schema: a database that holds Kasm's data is migrated in place; an empty
 * one (a new PostgreSQL major in a new data directory) first gets the pre-upgrade dump restored. Without a dump it
 * stops: seeding a new database there would lose the old one's data silently.
 */
export function migrateScript(from: string, to: string, toMajor: number, migrateCommand: readonly string[]): string {
  const file = dumpFile(from);
  return [
    'set -eu',
    ...requireMajor(toMajor, `; Kasm ${to} needs ${toMajor}: upgrade the database server first`),
    `if ${PSQL} --command="SELECT count(*) FROM settings" >/dev/null 2>&1; then`,
    `  echo "the database holds Kasm data: migrating it from ${from} to ${to} in place"`,
    `elif [ -s ${file} ]; then`,
    `  echo "the database is empty: restoring the pre-upgrade dump ${file}"`,
    `  ${PG} pg_restore --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" --no-owner --exit-on-error ${file}`,
    'else',
    `  echo "the database is empty and there is no pre-upgrade dump at ${file}: refusing to continue (seeding would start an empty Kasm)" >&2`,
    '  exit 1',
    'fi',
    `exec ${migrateCommand.join(' ')}`,
  ].join('\n');
}
