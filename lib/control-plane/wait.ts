/**
 * The wait-for init containers: a shell loop per dependency edge with a `waitFor` check, so a pod starts only when
 * what it needs answers, and says in its log what it is waiting for (what `diagnose` reads back).
 */
import { k8s } from 'cdk8s-plus-27';
import { DerivedValue, ReadinessCheck, SecretKey } from '../contract/types';
import { WAIT_RESOURCES } from '../contract/sizing';
import { EnvContext, hardenedContainer, resourceRequirements, writableVolumeName } from '../core/pod';

/** One dependency an init container waits for. */
export interface WaitTarget {
  readonly check: ReadinessCheck;
  /** Workload name of the target, for the container name (`wait-for-kasm-api`). */
  readonly targetName: string;
  readonly host: string;
  readonly port: number;
  /** Health path and scheme, for HTTP checks. */
  readonly path?: string;
  readonly scheme?: 'HTTP' | 'HTTPS';
}

/** Seconds a wait loop keeps trying before it fails the pod (which then shows `Init:Error` and is retried). */
export const WAIT_DEADLINE_SECONDS = 600;
/** Seconds one attempt may take. */
export const WAIT_ATTEMPT_TIMEOUT_SECONDS = 5;

/**
 * Kasm's alembic reports `(head)` for the database in the api's configuration (the api image's files, as the 1.19
 * chart runs them; the ini is copied to /tmp, which is writable, and pointed at the migration scripts).
 */
export const ALEMBIC_AT_HEAD = '{ cp /src/api_server/data/migration/alembic.ini /tmp/alembic.ini'
  + ' && sed -i "s|script_location = %(here)s/alembic|script_location = /src/api_server/data/migration/alembic|; s/# sourceless = false/sourceless = true/" /tmp/alembic.ini'
  + ' && alembic -c /tmp/alembic.ini -x kasm_config=/opt/kasm/current/conf/app/api/api.app.config.yaml current 2>/dev/null | grep -q "(head)"; }';

/** The shell test a wait loop repeats; it must exit non-zero on any failure. */
export function waitProbeCommand(t: WaitTarget): string {
  const timeout = WAIT_ATTEMPT_TIMEOUT_SECONDS;
  switch (t.check) {
    case ReadinessCheck.HTTP_HEALTHY: {
      const scheme = (t.scheme ?? 'HTTP').toLowerCase();
      // --fail turns HTTP errors into a non-zero exit; HTTPS waits check that the endpoint answers, not its identity.
      const insecure = scheme === 'https' ? ' --insecure' : '';
      return `curl --fail --silent --show-error --max-time ${timeout}${insecure} --output /dev/null ${scheme}://${t.host}:${t.port}${t.path ?? '/'}`;
    }
    case ReadinessCheck.TCP_OPEN:
      return `nc -z -w ${timeout} ${t.host} ${t.port}`;
    case ReadinessCheck.POSTGRES_ACCEPTING:
      return `pg_isready --host=${t.host} --port=${t.port} --timeout=${timeout}`;
    case ReadinessCheck.DATABASE_SEEDED:
      // A zone row exists only after db-init seeded the schema, and reading it proves the password. A string test: a
      // failed psql prints nothing, which a numeric test would report as `Illegal number` on every try.
      return `test "$(PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=${timeout} PGSSLMODE=require psql --host=${t.host} --port=${t.port} `
        + '--username="$POSTGRES_USER" --dbname="$POSTGRES_DB" --no-psqlrc --tuples-only --no-align '
        + '--command="SELECT EXISTS (SELECT 1 FROM zones)")" = t';
    case ReadinessCheck.DATABASE_MIGRATED:
      // The seed check, then Kasm's alembic at head (the 1.19 chart's `db-is-ready ready`, with our timeouts).
      return `${waitProbeCommand({ ...t, check: ReadinessCheck.DATABASE_SEEDED })} && ${ALEMBIC_AT_HEAD}`;
    case ReadinessCheck.REDIS_PONG:
      return `timeout ${timeout} redis-cli -h ${t.host} -p ${t.port} --no-auth-warning -a "$REDIS_PASSWORD" ping | grep -q PONG`;
  }
}

/** A wait loop: retry the check every 5 s, log why it is still waiting, give up after the deadline. */
export function waitScript(t: WaitTarget): string {
  const what = `${t.targetName} (${t.check} on ${t.host}:${t.port})`;
  return [
    'set -u',
    // The deadline and interval can be shortened through the env (the tests do); the defaults are the production ones.
    `deadline=$(( $(date +%s) + \${WAIT_DEADLINE_SECONDS:-${WAIT_DEADLINE_SECONDS}} ))`,
    `until ${waitProbeCommand(t)}; do`,
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    // The deadline it ran with (the env may shorten it), not the default.
    `    echo "gave up after \${WAIT_DEADLINE_SECONDS:-${WAIT_DEADLINE_SECONDS}}s waiting for ${what}" >&2`,
    '    exit 1',
    '  fi',
    `  echo "waiting for ${what}"`,
    '  sleep "${WAIT_INTERVAL_SECONDS:-5}"',
    'done',
    `echo "${t.targetName} is ready"`,
  ].join('\n');
}

/** Env a wait check needs (credentials for psql and redis-cli). */
export function waitEnv(t: WaitTarget, ctx: EnvContext): k8s.EnvVar[] {
  switch (t.check) {
    case ReadinessCheck.DATABASE_MIGRATED:
      // alembic reads the database address from the api's configuration, which takes it from the env.
      return [
        { name: 'POSTGRES_HOST', value: ctx.derived[DerivedValue.DB_HOST] },
        { name: 'POSTGRES_PORT', value: ctx.derived[DerivedValue.DB_PORT] },
        ...waitEnv({ ...t, check: ReadinessCheck.DATABASE_SEEDED }, ctx),
      ];
    case ReadinessCheck.DATABASE_SEEDED:
      return [
        { name: 'POSTGRES_USER', value: ctx.derived[DerivedValue.DB_USER] },
        { name: 'POSTGRES_DB', value: ctx.derived[DerivedValue.DB_NAME] },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: ctx.dbPasswordSecret.name, key: ctx.dbPasswordSecret.key } } },
      ];
    case ReadinessCheck.REDIS_PONG:
      return [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: ctx.credentialsSecretName, key: SecretKey.REDIS_PASSWORD } } }];
    default:
      return [];
  }
}

/** The init container that waits for one dependency. */
export function waitContainer(t: WaitTarget, image: string, uid: number, ctx: EnvContext, pullPolicy: string): k8s.Container {
  const env = waitEnv(t, ctx);
  return {
    name: `wait-for-${t.targetName}`.slice(0, 63),
    image,
    imagePullPolicy: pullPolicy,
    command: ['/bin/sh', '-c', waitScript(t)],
    ...(env.length > 0 ? { env } : {}),
    resources: resourceRequirements(WAIT_RESOURCES),
    // A crash's last log lines reach the pod status, where `kubectl describe` and `diagnose` show them.
    terminationMessagePolicy: 'FallbackToLogsOnError',
    securityContext: hardenedContainer(uid),
    // The alembic check copies its ini to /tmp: the pod's own /tmp emptyDir (every pod that waits for it has one).
    ...(t.check === ReadinessCheck.DATABASE_MIGRATED ? { volumeMounts: [{ name: writableVolumeName('/tmp'), mountPath: '/tmp' }] } : {}),
  };
}
