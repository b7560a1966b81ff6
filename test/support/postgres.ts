/**
 * A throwaway PostgreSQL server for the real-binary tests: initdb into a temp folder, TLS with a certificate from the
 * project's own generator, scram passwords, listening on a free loopback port (and a unix socket in its folder
 * only). As root (CI containers) the server runs as the `postgres` user through runuser, since PostgreSQL refuses root.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as gen from '../../lib/security/generator/x509';
import { findBinary } from './binaries';
import { freePort, onCleanup, tempDir } from './servers';

export const PG_USER = 'kasmapp';
export const PG_PASSWORD = "pw with 'quotes' and $dollar";
export const PG_DB = 'kasm';

/** The PostgreSQL binaries the server and the programs need. */
export const PG_BINARIES = ['initdb', 'pg_ctl', 'postgres', 'psql', 'pg_dump', 'pg_restore', 'pg_isready'] as const;

export interface PgServer {
  readonly port: number;
  readonly major: number;
  /** The env a Kasm program gets (POSTGRES_* as the manifests set them). */
  readonly env: Record<string, string>;
  /** A folder with the server's own psql, pg_dump, ... first on PATH. */
  readonly binDir: string;
  /** Runs SQL as the Kasm user over TLS; throws with psql's message on error. */
  sql(query: string, db?: string): string;
  stop(): void;
}

/** Runs a server binary, as `postgres` when we are root. */
function asServerUser(argv: string[]) {
  const full = process.getuid && process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--', ...argv] : argv;
  return spawnSync(full[0], full.slice(1), { encoding: 'utf8', timeout: 30000 });
}

function check(what: string, r: ReturnType<typeof spawnSync>): string {
  if (r.error) throw new Error(`${what} failed: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return String(r.stdout);
}

/** Starts a server with an empty `kasm` database; stop it in afterAll (it is stopped at exit at the latest). */
export async function startPostgres(): Promise<PgServer> {
  const initdb = findBinary('initdb')!;
  // The server's own folder (Debian's /usr/bin/psql is a wrapper; /usr/local/bin may hold links to pg_ctl only).
  const binDir = path.dirname(fs.realpathSync(findBinary('pg_ctl')!));
  const dir = tempDir('kasm-pg');
  const data = path.join(dir, 'data');
  const port = await freePort();
  const root = process.getuid && process.getuid() === 0;
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  if (root) {
    const uid = Number(check('id -u postgres', spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })).trim());
    const gid = Number(check('id -g postgres', spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })).trim());
    fs.chownSync(dir, uid, gid);
    fs.chownSync(pwfile, uid, gid);
    fs.chmodSync(dir, 0o700);
  }
  check('initdb', asServerUser([initdb, '--pgdata', data, '--username', PG_USER, '--pwfile', pwfile, '--auth', 'scram-sha-256', '--encoding', 'UTF8', '--no-sync', '--locale', 'C']));
  // TLS only over TCP (hostssl): a program that forgot PGSSLMODE=require would still connect without it, so the
  // plain-TCP line rejects; the server certificate comes from the project's generator.
  const ca = gen.createCa({ commonName: 'test-db-ca', validityDays: 2 });
  const leaf = gen.issueCertificate({ ca, commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], validityDays: 1 });
  const write = (name: string, content: string, mode: number) => {
    const f = path.join(data, name);
    fs.writeFileSync(f, content, { mode });
    if (root) spawnSync('chown', ['postgres:postgres', f]);
  };
  write('server.crt', leaf.certPem, 0o644);
  write('server.key', leaf.keyPem, 0o600);
  write('pg_hba.conf', 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 reject\n', 0o600);
  const opts = `-c port=${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c ssl=on -c fsync=off -c full_page_writes=off -c max_connections=20`;
  const ctl = (args: string[]) => asServerUser([path.join(binDir, 'pg_ctl'), ...args]);
  check('pg_ctl start', ctl(['--pgdata', data, '--log', path.join(dir, 'server.log'), '--options', opts, '--wait', 'start']));
  const stop = onCleanup(() => { ctl(['--pgdata', data, '--mode', 'immediate', 'stop']); });
  const env = { PGPASSWORD: PG_PASSWORD, PGSSLMODE: 'require', PGCONNECT_TIMEOUT: '5' };
  const sql = (query: string, db = PG_DB) => check(`psql ${query.slice(0, 60)}`, spawnSync(path.join(binDir, 'psql'),
    ['--no-psqlrc', '--tuples-only', '--no-align', '--set', 'ON_ERROR_STOP=1', '--host', '127.0.0.1', '--port', String(port), '--username', PG_USER, '--dbname', db, '--command', query],
    { encoding: 'utf8', env: { ...process.env, ...env } })).trim();
  sql(`CREATE DATABASE ${PG_DB}`, 'postgres');
  const major = Number(sql("SELECT current_setting('server_version_num')::int / 10000"));
  return {
    port, major, binDir, sql, stop,
    env: { POSTGRES_HOST: '127.0.0.1', POSTGRES_PORT: String(port), POSTGRES_DB: PG_DB, POSTGRES_USER: PG_USER, POSTGRES_PASSWORD: PG_PASSWORD },
  };
}

/**
 * A database shaped like Kasm's, in the tables the programs touch. Columns, from Kasm's official chart
 * (https://github.com/kasmtech/kasm-helm, charts/kasm-helm, the `kasmZones` values) and this repository's scripts:
 * `zones` (zone_id, zone_name, upstream_auth_address, proxy_hostname, primary, region_name; the db-is-ready wait reads `select zone_id from zones`), `settings` (name, category,
 * value: the preseed upsert keyed on (name, category), and the seed's `.settings[] | select(.name, .category)`),
 * `users` (username, salt, pw_hash: the seed file's users), the uuid-ossp extension (the image's data.sql), and
 * alembic's `alembic_version` (the `alembic current` check). A bigserial table checks that sequences come back.
 */
export const KASM_SHAPED_SCHEMA = `
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE TABLE settings (setting_id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), name text NOT NULL, category text NOT NULL, value text, UNIQUE (name, category));
CREATE TABLE zones (zone_id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), zone_name text NOT NULL UNIQUE, upstream_auth_address text,
  proxy_hostname text, primary_zone boolean NOT NULL DEFAULT false, region_name text, created timestamptz NOT NULL DEFAULT now());
CREATE TABLE users (user_id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), username text NOT NULL UNIQUE, salt text, pw_hash text, data jsonb);
CREATE TABLE logs (log_id bigserial PRIMARY KEY, message text, payload bytea);
CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY);
`;

export const KASM_SHAPED_DATA = `
INSERT INTO alembic_version VALUES ('a1b2c3d4e5f6');
INSERT INTO settings (name, category, value) VALUES ('token', 'manager', 'tok'), ('registration_token', 'auth', 're''g'), ('multi', 'x', E'line1\\nline2\\ttab');
INSERT INTO zones (zone_name, upstream_auth_address, proxy_hostname, primary_zone, region_name) VALUES ('default', 'proxy', '$request_host$', true, 'default');
INSERT INTO users (username, salt, pw_hash, data) VALUES ('admin@kasm.local', 's1', 'h1', '{"a": [1, 2]}'), ('user@kasm.local', 's2', 'h2', NULL), ('ünïcødé@kasm.local', 's3', 'h3', '{"q": "it''s"}');
INSERT INTO logs (message, payload) SELECT 'line ' || g, decode(md5(g::text), 'hex') FROM generate_series(1, 500) g;
`;

/** Row count and an md5 of every row (as text, sorted) of every public table, and each sequence's position. */
export function fingerprint(pg: PgServer): Record<string, string> {
  const tables = pg.sql("SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'").split(' ').filter(Boolean);
  const out: Record<string, string> = {};
  for (const t of tables) out[t] = pg.sql(`SELECT count(*) || ' ' || coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text)), '-') FROM public.${t} r`);
  for (const s of pg.sql("SELECT string_agg(sequencename, ' ' ORDER BY sequencename) FROM pg_sequences WHERE schemaname = 'public'").split(' ').filter(Boolean)) {
    out[`sequence ${s}`] = pg.sql(`SELECT last_value || ' ' || is_called FROM public.${s}`);
  }
  out.extensions = pg.sql("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension");
  return out;
}
