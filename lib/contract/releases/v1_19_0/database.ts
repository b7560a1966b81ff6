/**
 * Kasm 1.19.0's database as the official `charts/kasm-helm` 1.1190.x runs it: PostgreSQL 16 from kasmweb/postgres,
 * its settings, and the db-init Job that seeds it and waits for the migration head
 * (https://github.com/kasmtech/kasm-helm, `charts/kasm-helm/templates/`: db-statefulset, db-configmap, db-init-job).
 */
import { PORTS } from '../../ports';
import {
  ComponentContract, ComponentId, DatabaseContract, DbInitContract, DbInitMode, DerivedValue, ScalingMode, SecretKey, SizePreset, TlsRole,
} from '../../types';
import {
  derived, image, KASM_UID, lit, POSTGRES_UID, RELEASE, secret, SERVICES,
} from './common';

/**
 * [decision] PGDATA is named by the PostgreSQL major: a database upgraded from 1.18.1 (PostgreSQL 14, `pgdata`) starts
 * PostgreSQL 16 in a new directory of the same volume, restores the dump there and keeps the old directory until the
 * user removes it; the StatefulSet, its Service and its PVC keep their names (the chart renames the StatefulSet per
 * release, which is how its upgrades lost databases).
 */
const PGDATA = '/var/lib/postgresql/data/pg16';

export const db: ComponentContract = {
  id: ComponentId.DB,
  // [decision] `kasm-db`, the chart's `<rel>-db` Service; the StatefulSet keeps this name too (not `<rel>-db-1-19-0`).
  serviceName: SERVICES.db,
  workloadName: 'kasm-db',
  image: image('postgres'),
  ports: [{ name: 'db-pt', port: PORTS.postgres, exposed: true }],
  env: [
    derived('POSTGRES_DB', DerivedValue.DB_NAME),
    derived('POSTGRES_USER', DerivedValue.DB_USER),
    secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD),
    lit('PGDATA', PGDATA),
  ],
  readiness: { kind: 'exec', command: ['/bin/sh', '-c', 'psql -d "$POSTGRES_DB" -U "$POSTGRES_USER" -c "SELECT 1" >/dev/null'] },
  // [read] 1.19 gives pg_isready 10 s.
  liveness: { kind: 'exec', command: ['/bin/sh', '-c', `pg_isready --port=${PORTS.postgres} -t 10`] },
  runAsUser: POSTGRES_UID,
  writablePaths: [
    { path: '/var/run/postgresql', sizeLimit: '16Mi' },
    { path: '/tmp', sizeLimit: '256Mi' },
  ],
  tlsMounts: [{ role: TlsRole.DB, certPath: '/etc/ssl/certs/db_server.crt', keyPath: '/etc/ssl/certs/db_server.key', mode: 0o640 }],
  args: [
    'postgres',
    '-c', 'config_file=/var/lib/postgresql/conf/postgresql.conf',
    '-c', 'hba_file=/var/lib/postgresql/conf/pg_hba.conf',
  ],
  scaling: ScalingMode.FIXED,
};


export const database: DatabaseContract = {
  component: db,
  databaseName: 'kasm',
  user: 'kasmapp',
  // [read] "self-hosted PostgreSQL Database v16"; the upgrade's version wait loops until the major is 16.
  postgresMajorVersion: 16,
  // [read] 200 / 400 x zones / 600 x zones; dev is ours (one pod each of api and manager: 60 at most).
  maxConnectionsPerZone: { [SizePreset.DEV]: 100, [SizePreset.SMALL]: 200, [SizePreset.MEDIUM]: 400, [SizePreset.LARGE]: 600 },
  // [read] db-configmap.yaml@0af9a50: timeouts for runaway statements and abandoned transactions; keepalives that
  // notice a dead peer within ~90 s (1.1190.2 changed them for long autoscale queries).
  serverSettings: {
    statement_timeout: '900000',
    idle_in_transaction_session_timeout: '300000',
    tcp_keepalives_idle: '60',
    tcp_keepalives_interval: '10',
    tcp_keepalives_count: '3',
  },
  dataMountPath: '/var/lib/postgresql/data',
  pgdata: PGDATA,
  configDir: '/var/lib/postgresql/conf',
};

export const dbInit: DbInitContract = {
  image: image('api'),
  mode: DbInitMode.IMAGE_STARTUP_SCRIPT,
  // [read] db-init-job.yaml@1fdbc54: up to 12 rounds of startup.sh, each checking the zones and alembic at head.
  untilMigrationHead: true,
  // [read] db-init-job: SERVER_HOSTNAME is `<rel>-api` (no zone).
  env: [
    lit('SERVER_HOSTNAME', `${RELEASE}-api`),
    lit('POST_DB_INIT_EXIT', 'true'),
    lit('DB_AUTO_INITIALIZE', 'true'),
    derived('POSTGRES_HOST', DerivedValue.DB_HOST),
    derived('POSTGRES_PORT', DerivedValue.DB_PORT),
    derived('POSTGRES_DB', DerivedValue.DB_NAME),
    derived('POSTGRES_USER', DerivedValue.DB_USER),
    secret('POSTGRES_PASSWORD', SecretKey.DB_PASSWORD),
    secret('DEFAULT_ADMIN_PASSWORD', SecretKey.ADMIN_PASSWORD),
    secret('DEFAULT_MANAGER_TOKEN', SecretKey.MANAGER_TOKEN),
    secret('DEFAULT_REGISTRATION_TOKEN', SecretKey.SERVICE_TOKEN),
    secret('DEFAULT_USER_PASSWORD', SecretKey.USER_PASSWORD),
  ],
  writablePaths: [
    { path: '/tmp', sizeLimit: '256Mi' },
    { path: '/opt/kasm/current/log', sizeLimit: '256Mi' },
  ],
  runAsUser: KASM_UID,
};
