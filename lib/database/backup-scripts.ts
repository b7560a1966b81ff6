/**
 * The backup and restore programs of the bundled database (POSIX sh: the postgres image is Alpine's busybox).
 *
 * Backup: `pg_dump --format=custom` (compressed) over TLS into a `.partial` file, checked with `pg_restore --list`,
 * renamed atomically, then all but the newest RETENTION dumps removed. A failed dump leaves no partial file and
 * never removes an old dump. Restore: the newest dump (or RESTORE_FILE) into the database with
 * `pg_restore --clean --if-exists`, refusing when the file is missing. Neither prints a password.
 */

/** Where the backup volume is mounted in both Jobs. */
export const BACKUP_DIR = '/backups';

/** The CronJob's program. */
export const BACKUP_SCRIPT = `set -eu
: "\${POSTGRES_HOST:?}" "\${POSTGRES_PORT:?}" "\${POSTGRES_DB:?}" "\${POSTGRES_USER:?}" "\${POSTGRES_PASSWORD:?}" "\${RETENTION:?}"
dir="\${BACKUP_DIR:-${BACKUP_DIR}}"
export PGPASSWORD="$POSTGRES_PASSWORD" PGSSLMODE=require PGCONNECT_TIMEOUT=10
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
ls -1 "$dir"/kasm-*.dump | sort -r | tail -n +$((RETENTION + 1)) | while read -r old; do
  echo "Removing $old (keeping the newest $RETENTION)"
  rm -f "$old"
done
`;

/** The restore Job's program. */
export const RESTORE_SCRIPT = `set -eu
: "\${POSTGRES_HOST:?}" "\${POSTGRES_PORT:?}" "\${POSTGRES_DB:?}" "\${POSTGRES_USER:?}" "\${POSTGRES_PASSWORD:?}"
dir="\${BACKUP_DIR:-${BACKUP_DIR}}"
export PGPASSWORD="$POSTGRES_PASSWORD" PGSSLMODE=require PGCONNECT_TIMEOUT=10
if [ "\${RESTORE_FILE:-latest}" = latest ]; then
  file="$(ls -1 "$dir"/kasm-*.dump 2>/dev/null | sort -r | head -n 1 || true)"
else
  file="$dir/$RESTORE_FILE"
fi
if [ -z "$file" ] || [ ! -f "$file" ]; then
  echo "No dump to restore (RESTORE_FILE=\${RESTORE_FILE:-latest}); dumps in $dir:" >&2
  ls -1 "$dir" >&2 || true
  exit 1
fi
pg_restore --list "$file" >/dev/null
echo "Restoring $file into $POSTGRES_DB on $POSTGRES_HOST:$POSTGRES_PORT"
pg_restore --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" \\
  --clean --if-exists --no-owner --no-password --single-transaction --exit-on-error "$file"
echo "Restore complete from $file"
`;
