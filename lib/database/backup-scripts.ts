/**
 * The backup and restore programs of the bundled database (POSIX sh: the postgres image is Alpine's busybox).
 *
 * Backup: first removes what an interrupted run left (a pod killed by the OOM killer runs no trap), then
 * `pg_dump --format=custom` (compressed) over TLS into a `.partial` file, checked with `pg_restore --list`, renamed
 * atomically, then all but the newest RETENTION timestamped dumps removed: any other file in the volume (a
 * pre-upgrade dump copied in, `kasm-1.18.1.dump`) is never counted nor deleted. A failed dump never removes an old one.
 * Restore: the newest timestamped dump (or RESTORE_FILE) into the database in one transaction, refusing when the
 * file is missing; with RESTORE_REPLACE=yes the public schema is dropped first, in the same transaction (the way out
 * when objects the dump does not know depend on what it replaces, such as the uuid-ossp extension). Neither prints
 * a password.
 */

/** Where the backup volume is mounted in both Jobs. */
export const BACKUP_DIR = '/backups';

/** The names the CronJob writes, and the only ones retention and "latest" consider (basic regular expression). */
export const DUMP_NAME_PATTERN = '^kasm-[0-9]\\{8\\}T[0-9]\\{6\\}Z\\.dump$';

/** The CronJob's program. */
export const BACKUP_SCRIPT = `set -eu
: "\${POSTGRES_HOST:?}" "\${POSTGRES_PORT:?}" "\${POSTGRES_DB:?}" "\${POSTGRES_USER:?}" "\${POSTGRES_PASSWORD:?}" "\${RETENTION:?}"
dir="\${BACKUP_DIR:-${BACKUP_DIR}}"
export PGPASSWORD="$POSTGRES_PASSWORD" PGSSLMODE=require PGCONNECT_TIMEOUT=10
for stale in "$dir"/kasm-*.dump.partial; do
  [ -e "$stale" ] || continue
  echo "Removing $stale, left by an interrupted backup"
  rm -f "$stale"
done
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$dir/kasm-$stamp.dump"
trap 'rm -f "$file.partial"' EXIT
echo "Dumping $POSTGRES_DB from $POSTGRES_HOST:$POSTGRES_PORT to $file"
pg_dump --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" \\
  --format=custom --compress=6 --no-password --file="$file.partial"
pg_restore --list "$file.partial" >/dev/null
mv "$file.partial" "$file"
trap - EXIT
echo "Backup complete: $file ($(wc -c <"$file") bytes)"
ls -1 "$dir" | grep '${DUMP_NAME_PATTERN}' | sort -r | tail -n +$((RETENTION + 1)) | while read -r old; do
  echo "Removing $dir/$old (keeping the newest $RETENTION)"
  rm -f "$dir/$old"
done
`;

/** The restore Job's program. */
export const RESTORE_SCRIPT = `set -eu
: "\${POSTGRES_HOST:?}" "\${POSTGRES_PORT:?}" "\${POSTGRES_DB:?}" "\${POSTGRES_USER:?}" "\${POSTGRES_PASSWORD:?}"
dir="\${BACKUP_DIR:-${BACKUP_DIR}}"
export PGPASSWORD="$POSTGRES_PASSWORD" PGSSLMODE=require PGCONNECT_TIMEOUT=10
if [ "\${RESTORE_FILE:-latest}" = latest ]; then
  file="$(ls -1 "$dir" 2>/dev/null | grep '${DUMP_NAME_PATTERN}' | sort -r | head -n 1 || true)"
  [ -z "$file" ] || file="$dir/$file"
else
  file="$dir/$RESTORE_FILE"
fi
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "No dump to restore (RESTORE_FILE=\${RESTORE_FILE:-latest}); dumps in $dir:" >&2
  ls -1 "$dir" >&2 || true
  exit 1
fi
pg_restore --list "$file" >/dev/null
if [ "\${RESTORE_REPLACE:-no}" = yes ]; then
  echo "Replacing $POSTGRES_DB on $POSTGRES_HOST:$POSTGRES_PORT with $file: schema public is dropped (everything in it) and restored, in one transaction"
  sql="$dir/.kasm-restore.sql"
  trap 'rm -f "$sql"' EXIT
  pg_restore --no-owner --file="$sql" "$file"
  psql --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" \\
    --no-psqlrc --no-password --quiet --set ON_ERROR_STOP=1 --single-transaction \\
    --command='DROP SCHEMA IF EXISTS public CASCADE' --command='CREATE SCHEMA public' --file="$sql" >/dev/null
else
  echo "Restoring $file into $POSTGRES_DB on $POSTGRES_HOST:$POSTGRES_PORT"
  pg_restore --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" \\
    --clean --if-exists --no-owner --no-password --single-transaction --exit-on-error "$file" || {
    echo "The restore failed and was rolled back: $POSTGRES_DB is as it was. If objects the dump does not know depend on what it replaces (\\"cannot drop ... because other objects depend on it\\", e.g. extension uuid-ossp), run it again with RESTORE_REPLACE=yes (docs/backups.md)." >&2
    exit 1
  }
fi
echo "Restore complete from $file"
`;
