/**
 * The db-init Job's programs (private to the control plane).
 *
 * Both modes first ask whether a zone row exists (the same question the api's wait loop asks), exit 0 if so, and
 * verify the row after seeding: a second run changes nothing, and a seed that silently did nothing fails loudly
 * instead of leaving the api waiting forever.
 */
import { DbInitMode } from '../contract/types';

/** What the db-init container runs. */
export interface SeedScript {
  /** The container's `bash -c` program. */
  readonly command: string;
  /** The mounted seed script, for {@link DbInitMode.MOUNTED_SEED_SCRIPT}. */
  readonly seedFile?: string;
}

/**
 * What the database holds, asked so that errors cannot pass for "empty": connection and authentication failures are
 * retried (bounded), an empty database is seeded, a seeded one is left alone, and one that holds tables but no zone
 * is refused, because initialising it would destroy data.
 */
const INSPECT = [
  'query() {',
  '  psql --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" \\',
  '    --no-psqlrc --tuples-only --no-align --set ON_ERROR_STOP=1 --command="$1"',
  '}',
  'attempts="${DB_INIT_MAX_ATTEMPTS:-60}"',
  'delay="${DB_INIT_RETRY_DELAY:-5}"',
  'attempt=1',
  `until tables="$(query "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'")"; do`,
  '  if [ "$attempt" -ge "$attempts" ]; then',
  '    echo "Could not query $POSTGRES_DB on $POSTGRES_HOST:$POSTGRES_PORT after $attempts attempts (see the error above); nothing was changed." >&2',
  '    exit 1',
  '  fi',
  '  echo "The database does not answer queries yet (attempt $attempt of $attempts); retrying in ${delay}s."',
  '  attempt=$((attempt + 1))',
  '  sleep "$delay"',
  'done',
  'zones() {',
  `  if [ "$(query "SELECT to_regclass('public.zones') IS NOT NULL")" = t ]; then query "SELECT count(*) FROM zones"; else echo 0; fi`,
  '}',
];

/**
 * The zones the repository declares, written after the seed and on every later run of a changed Job, so the zones
 * match git without a visit to the admin UI: `KASM_ZONE_SETTINGS` holds one `<zone>|<address>` line per zone, the
 * seeded zone first. A zone that does not exist yet is created as a copy of the seeded one (every column, with a new
 * id and its own name) [inference: the `zones` columns are those of 1.19's preseed], then every zone gets its Upstream
 * Auth address. psql quotes the values (`:'var'`); a zone that still does not exist fails the Job.
 */
const ZONE_SETTINGS = [
  'apply_zone_settings() {',
  '  [ -n "${KASM_ZONE_SETTINGS:-}" ] || return 0',
  '  seeded_zone="${KASM_ZONE_SETTINGS%%|*}"',
  '  while IFS="|" read -r zone address; do',
  '    [ -n "$zone" ] || continue',
  '    updated="$(psql --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" \\',
  '      --no-psqlrc --quiet --tuples-only --no-align --set ON_ERROR_STOP=1 \\',
  '      --set seeded="$seeded_zone" --set zone="$zone" --set address="$address" <<\'SQL\'',
  'INSERT INTO zones SELECT (jsonb_populate_record(NULL::zones, to_jsonb(z) || jsonb_build_object(\'zone_id\', gen_random_uuid(), \'zone_name\', :\'zone\'))).*',
  "  FROM zones z WHERE z.zone_name = :'seeded' AND NOT EXISTS (SELECT 1 FROM zones WHERE zone_name = :'zone');",
  "UPDATE zones SET upstream_auth_address = :'address' WHERE zone_name = :'zone' RETURNING zone_name;",
  'SQL',
  ')"',
  '    if [ -z "$updated" ]; then',
  '      echo "No zone named $zone in $POSTGRES_DB (and none named $seeded_zone to copy): its upstream auth address was not written." >&2',
  '      exit 1',
  '    fi',
  '    echo "Zone $zone: upstream auth address set to $address."',
  '  done <<ZONES',
  '$KASM_ZONE_SETTINGS',
  'ZONES',
  '}',
];

/**
 * Whether Kasm's alembic reports the schema at `(head)`, printing what it said (the 1.19 chart's db-init check,
 * `db-init-job.yaml@1fdbc54` in https://github.com/kasmtech/kasm-helm); the alembic command and ini are env-overridable for tests.
 */
const AT_HEAD = [
  'at_head() {',
  '  local out',
  '  cp "${KASM_ALEMBIC_INI:-/src/api_server/data/migration/alembic.ini}" /tmp/alembic.ini || return 1',
  '  sed -i "s|script_location = %(here)s/alembic|script_location = /src/api_server/data/migration/alembic|; s/# sourceless = false/sourceless = true/" /tmp/alembic.ini',
  '  out="$("${KASM_ALEMBIC:-alembic}" -c /tmp/alembic.ini -x kasm_config=/opt/kasm/current/conf/app/api/api.app.config.yaml current 2>&1)" || { echo "$out"; return 1; }',
  '  echo "$out"',
  '  grep -q "(head)" <<<"$out"',
  '}',
];

/**
 * The seed as the 1.19 chart runs it: up to `DB_INIT_SEED_ROUNDS` (12) rounds of the image's startup.sh, each
 * followed by the check that a zone exists and the schema is at the migration head; a schema that never gets there
 * fails the Job with alembic's answer instead of leaving the api waiting in `wait-for-database`.
 */
const SEED_UNTIL_HEAD = (run: string) => [
  ...AT_HEAD,
  'rounds="${DB_INIT_SEED_ROUNDS:-12}"',
  'round=1',
  'while :; do',
  '  echo "Seeding the Kasm database on $POSTGRES_HOST:$POSTGRES_PORT (round $round of $rounds)."',
  `  ${run} || echo "startup.sh exited with status $? (round $round of $rounds)."`,
  '  found="$(zones)"',
  '  if [ "$found" -ge 1 ] && head="$(at_head)"; then break; fi',
  '  if [ "$round" -ge "$rounds" ]; then',
  '    if [ "$found" -lt 1 ]; then',
  '      echo "The seed ran $rounds times but no zone row exists; the api would wait forever. See the log above." >&2',
  '    else',
  '      echo "The seed ran $rounds times but the schema is not at the migration head; the api would wait forever. alembic current said: ${head:-nothing}" >&2',
  '    fi',
  '    exit 1',
  '  fi',
  '  round=$((round + 1))',
  '  sleep "$delay"',
  'done',
  'echo "Kasm database seeded; schema at the migration head: $head"',
];

/** What the seed must reach before the Job succeeds. */
export interface SeedOptions {
  /**
   * Retry the seed and require the schema at alembic head (1.19); otherwise one run and a zone row (1.16, 1.18).
   * @default false
   */
  readonly untilMigrationHead?: boolean;
}

/** The Job's program for a seed mode. */
export function seedScript(mode: DbInitMode, opts: SeedOptions = {}): SeedScript {
  const run = mode === DbInitMode.IMAGE_STARTUP_SCRIPT
    // 1.18.1's api image seeds and exits with these two flags (as the official chart runs it).
    ? 'DB_AUTO_INITIALIZE=true POST_DB_INIT_EXIT=true "${KASM_STARTUP_SCRIPT:-/usr/bin/startup.sh}"'
    : '/bin/bash "${KASM_SEED_SCRIPT:-/opt/cdk8s-kasm/seed.sh}"';
  const seed = opts.untilMigrationHead ? SEED_UNTIL_HEAD(run) : [
    'echo "Seeding the empty Kasm database on $POSTGRES_HOST:$POSTGRES_PORT."',
    run,
    'found="$(zones)"',
    'if [ "$found" -lt 1 ]; then',
    '  echo "The seed finished but no zone row exists; the api would wait forever. See the log above." >&2',
    '  exit 1',
    'fi',
    'echo "Kasm database seeded."',
  ];
  const command = [
    'set -euo pipefail',
    'export PGPASSWORD="$POSTGRES_PASSWORD" PGSSLMODE=require PGCONNECT_TIMEOUT=10',
    ...INSPECT,
    ...ZONE_SETTINGS,
    'if [ "$tables" -gt 0 ]; then',
    '  found="$(zones)"',
    '  if [ "$found" -ge 1 ]; then',
    '    echo "Kasm database already seeded ($found zones): nothing to do."',
    '    apply_zone_settings',
    '    exit 0',
    '  fi',
    '  echo "$POSTGRES_DB holds $tables tables but no zone: it is not empty and not a seeded Kasm database." >&2',
    '  echo "Refusing to initialise it, which would destroy that data. Inspect it (kubectl exec into the database pod, psql), then restore a backup or empty it on purpose." >&2',
    '  exit 1',
    'fi',
    ...seed,
    'apply_zone_settings',
  ].join('\n');
  return mode === DbInitMode.MOUNTED_SEED_SCRIPT ? { command, seedFile: SEED_1_16 } : { command };
}

/**
 * Seeds a Kasm 1.16 database the way the api image's tooling expects: the default seed file with the tokens and
 * the salted admin/user password hashes filled in, then `kasm_server.so --initialize-database`. Values travel
 * through the environment (`strenv`), never through the yq expression, so no quoting can break them, and nothing
 * secret is echoed to the log.
 */
const SEED_1_16 = `#!/bin/bash
# Generated by cdk8s-kasm: seeds a fresh Kasm 1.16 database.
set -euo pipefail
for var in POSTGRES_HOST POSTGRES_PORT POSTGRES_DB POSTGRES_USER POSTGRES_PASSWORD \\
           DEFAULT_ADMIN_PASSWORD DEFAULT_USER_PASSWORD DEFAULT_MANAGER_TOKEN DEFAULT_REGISTRATION_TOKEN; do
  if [ -z "\${!var:-}" ]; then
    echo "\${var} is empty: the credentials Secret must hold every key the contract lists" >&2
    exit 1
  fi
done
export PGPASSWORD="$POSTGRES_PASSWORD" PGSSLMODE=require
psql --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" \\
  --no-psqlrc -v ON_ERROR_STOP=1 --command='CREATE EXTENSION IF NOT EXISTS "uuid-ossp"'

seed=/tmp/default_properties.yaml
cp "\${KASM_SEED_DEFAULTS:-/opt/kasm/current/conf/database/seed_data/default_properties.yaml}" "$seed"
yq="\${KASM_YQ:-/usr/bin/yq_$(uname -m)}"

ADMIN_SALT="$(cat /proc/sys/kernel/random/uuid)"
USER_SALT="$(cat /proc/sys/kernel/random/uuid)"
ADMIN_HASH="$(printf '%s%s' "$DEFAULT_ADMIN_PASSWORD" "$ADMIN_SALT" | sha256sum | cut -c-64)"
USER_HASH="$(printf '%s%s' "$DEFAULT_USER_PASSWORD" "$USER_SALT" | sha256sum | cut -c-64)"
export ADMIN_SALT USER_SALT ADMIN_HASH USER_HASH DEFAULT_MANAGER_TOKEN DEFAULT_REGISTRATION_TOKEN

"$yq" -i '(.settings[] | select(.name == "token" and .category == "manager") | .value) = strenv(DEFAULT_MANAGER_TOKEN)' "$seed"
"$yq" -i '(.settings[] | select(.name == "registration_token" and .category == "auth") | .value) = strenv(DEFAULT_REGISTRATION_TOKEN)' "$seed"
"$yq" -i '(.users[] | select(.username == "admin@kasm.local") | .salt) = strenv(ADMIN_SALT)' "$seed"
"$yq" -i '(.users[] | select(.username == "admin@kasm.local") | .pw_hash) = strenv(ADMIN_HASH)' "$seed"
"$yq" -i '(.users[] | select(.username == "user@kasm.local") | .salt) = strenv(USER_SALT)' "$seed"
"$yq" -i '(.users[] | select(.username == "user@kasm.local") | .pw_hash) = strenv(USER_HASH)' "$seed"

echo "Seeding the schema and default data."
\${KASM_SERVER:-/usr/bin/kasm_server.so} --initialize-database --cfg /opt/kasm/current/conf/app/api.app.config.yaml \\
  --populate-production --seed-file "$seed"
`;
