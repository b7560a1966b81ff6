/**
 * What the upgrade's restore leaves out and what stops it, under real PostgreSQL (busybox sh for the dump, bash for
 * the migration, as the Jobs run them): the logs table's rows stay out of the dump while the table and its sequence
 * come back; owners and grants of roles the new server lacks, and an extension comment only a superuser may set, are
 * left out instead of failing the restore; a corrupt archive, an unreadable one and data that breaks a constraint stop
 * it with a message and leave the new database empty. The official chart's dump and restore:
 * https://github.com/kasmtech/kasm-helm charts/kasm-helm/templates/db-upgrade-backup-job.yaml@23b0604 and
 * db-upgrade-job.yaml@23b0604 (`pg_dump -Ft --exclude-table-data=logs`, a `pg_restore` that goes on after errors).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { backupScript, migrateScript } from '../../lib/control-plane/upgrade-scripts';
import { describeWithBinaries } from '../support/binaries';
import { fingerprint, KASM_SHAPED_DATA, KASM_SHAPED_SCHEMA, PG_BINARIES, PgServer, startPostgres } from '../support/postgres';
import { busyboxApplets, runProgram, tempDir } from '../support/servers';

jest.setTimeout(180000);

describeWithBinaries('the upgrade\'s restore: what it leaves out and what stops it', [...PG_BINARIES, 'busybox', 'bash', 'runuser'], (bin) => {
  let old: PgServer;
  let next: PgServer;
  let applets: string;
  beforeAll(async () => {
    [old, next] = await Promise.all([startPostgres(), startPostgres()]);
    applets = busyboxApplets(bin.busybox);
  }, 60000);
  afterAll(() => { old?.stop(); next?.stop(); });

  let n = 0;
  /** A database on the old server shaped like Kasm's, plus `extra` SQL. */
  const oldDb = (extra = '') => { const db = `kasm_old_${++n}`; old.sql(`CREATE DATABASE ${db}`, 'postgres'); old.sql(KASM_SHAPED_SCHEMA + KASM_SHAPED_DATA + extra, db); return db; };
  /** An empty database on the new server (the new major's empty data directory). */
  const emptyDb = (owner?: string) => { const db = `kasm_new_${++n}`; next.sql(`CREATE DATABASE ${db}${owner ? ` OWNER ${owner}` : ''}`, 'postgres'); return db; };
  const on = (pg: PgServer, db: string) => ({ ...pg, sql: (q: string) => pg.sql(q, db) });
  const tablesOf = (db: string) => next.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", db);
  const dump = (dir: string, db: string) => runProgram([bin.busybox, 'sh'], backupScript('1.18.1', old.major), {
    ...old.env, POSTGRES_DB: db, PATH: `${old.binDir}:${applets}:/usr/bin:/bin`, KASM_UPGRADE_DIR: dir,
  }, 120000);
  const migrate = (dir: string, db: string, env: Record<string, string> = {}) => runProgram([bin.bash], migrateScript('1.18.1', '1.19.0', next.major, ['echo', 'migrated by the stand-in']), {
    ...next.env, POSTGRES_DB: db, PATH: `${next.binDir}:/usr/bin:/bin`, KASM_UPGRADE_DIR: dir, ...env,
  }, 120000);
  const dumpFile = (dir: string) => path.join(dir, 'kasm-1.18.1.dump');
  const archiveList = (file: string) => String(spawnSync(path.join(old.binDir, 'pg_restore'), ['--list', file], { encoding: 'utf8' }).stdout);

  test('a large logs table: its rows are not in the dump; the table, its sequence and every other row come back', () => {
    // About 30 MB of log rows that do not compress (md5 chains): with them, the dump would be megabytes.
    const db = oldDb("INSERT INTO logs (message, payload) SELECT repeat(md5(g::text) || md5((g * 7)::text), 8), decode(repeat(md5((g * 3)::text), 8), 'hex') FROM generate_series(1, 50000) g;");
    expect(old.sql("SELECT pg_total_relation_size('public.logs') > 25 * 1024 * 1024", db)).toBe('t');
    const dir = tempDir('kasm-upgrade');
    const d = dump(dir, db);
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    expect(fs.statSync(dumpFile(dir)).size).toBeLessThan(200 * 1024);
    const list = archiveList(dumpFile(dir));
    expect(list).toMatch(/ TABLE public logs /);
    expect(list).not.toMatch(/ TABLE DATA public logs /);
    expect(list).toMatch(/ TABLE DATA public users /);
    const target = emptyDb();
    const m = migrate(dir, target);
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(next.sql('SELECT count(*) FROM logs', target)).toBe('0');
    const before = fingerprint(on(old, db));
    expect(before.logs).toMatch(/^50500 /);
    // The sequence keeps its place: new log rows do not reuse the ids of the old ones.
    expect(fingerprint(on(next, target))).toEqual({ ...before, logs: '0 -' });
    expect(next.sql('INSERT INTO logs (message) VALUES (\'after\') RETURNING log_id', target)).toMatch(/^50501\b/);
  });

  test('a foreign key to the logs table keeps its rows in the dump (the restore would stop at the key)', () => {
    const db = oldDb('CREATE TABLE log_refs (ref_id serial PRIMARY KEY, log_id bigint NOT NULL REFERENCES logs); INSERT INTO log_refs (log_id) VALUES (1), (2);');
    const dir = tempDir('kasm-upgrade');
    const d = dump(dir, db);
    expect(d.status).toBe(0);
    expect(d.stdout).toContain('keeping the rows of public.logs in the dump: 1 foreign keys reference them');
    expect(archiveList(dumpFile(dir))).toMatch(/ TABLE DATA public logs /);
    const target = emptyDb();
    expect(migrate(dir, target).status).toBe(0);
    expect(fingerprint(on(next, target))).toEqual(fingerprint(on(old, db)));
  });

  test('owners and grants of roles the new server lacks are left out, not fatal; so is an extension comment only its owner may set', () => {
    // The old server had a reporting role that owned a table and read another; the new server has neither.
    old.sql('DO $$ BEGIN CREATE ROLE kasm_reporting NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$', 'postgres');
    const db = oldDb('GRANT SELECT ON users TO kasm_reporting; ALTER TABLE settings OWNER TO kasm_reporting;');
    const dir = tempDir('kasm-upgrade');
    expect(dump(dir, db).status).toBe(0);
    const list = archiveList(dumpFile(dir));
    expect(list).toMatch(/ ACL public TABLE users /);
    expect(list).toMatch(/ COMMENT - EXTENSION "uuid-ossp" /);
    // As CloudNativePG bootstraps it: Kasm's user owns the database, a superuser created uuid-ossp in it.
    next.sql("DO $$ BEGIN CREATE ROLE kasm_owner LOGIN PASSWORD 'owner pw'; EXCEPTION WHEN duplicate_object THEN NULL; END $$", 'postgres');
    const target = emptyDb('kasm_owner');
    next.sql('CREATE EXTENSION "uuid-ossp"', target);
    const m = migrate(dir, target, { POSTGRES_USER: 'kasm_owner', POSTGRES_PASSWORD: 'owner pw' });
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(m.stdout).toContain('restored 1 zones from the pre-upgrade dump');
    expect(fingerprint(on(next, target))).toEqual({ ...fingerprint(on(old, db)), logs: '0 -' });
    expect(next.sql("SELECT string_agg(DISTINCT tableowner, ',') FROM pg_tables WHERE schemaname = 'public'", target)).toBe('kasm_owner');
  });

  test('a corrupt data block stops the restore with its message; the database stays empty and nothing is migrated', () => {
    // Enough user rows that the data blocks, not the table of contents, make up most of the archive.
    const db = oldDb("INSERT INTO users (username, salt, pw_hash) SELECT 'u' || g || '@kasm.local', md5(g::text), md5((g * 5)::text) FROM generate_series(1, 5000) g;");
    const dir = tempDir('kasm-upgrade');
    expect(dump(dir, db).status).toBe(0);
    const whole = fs.readFileSync(dumpFile(dir));
    expect(whole.length).toBeGreaterThan(100 * 1024);
    const broken = Buffer.from(whole);
    // Past the table of contents, in the compressed user rows: zlib refuses them.
    for (let i = Math.floor(broken.length * 0.6); i < Math.floor(broken.length * 0.6) + 64; i++) broken[i] ^= 0xff;
    fs.writeFileSync(dumpFile(dir), broken);
    const target = emptyDb();
    const m = migrate(dir, target);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/pg_restore: error: /);
    expect(m.stderr).toContain('stopped at the error above and was rolled back: the database is empty, as before');
    expect(m.stdout).not.toContain('migrated by the stand-in');
    expect(tablesOf(target)).toBe('0');
  });

  test('a file that is not an archive is refused before anything is restored', () => {
    const dir = tempDir('kasm-upgrade');
    fs.writeFileSync(dumpFile(dir), 'not a dump\n');
    const target = emptyDb();
    const m = migrate(dir, target);
    expect(m.status).toBe(1);
    expect(m.stderr).toContain('is not a readable archive');
    expect(tablesOf(target)).toBe('0');
  });

  test('rows missing under a foreign key (a dump taken without them) stop the restore and roll it back', () => {
    const db = oldDb('CREATE TABLE log_refs (ref_id serial PRIMARY KEY, log_id bigint NOT NULL REFERENCES logs); INSERT INTO log_refs (log_id) VALUES (1);');
    const dir = tempDir('kasm-upgrade');
    // A dump taken as the official chart takes it, without the logs table's rows, whatever references them.
    const d = spawnSync(path.join(old.binDir, 'pg_dump'), ['--host=127.0.0.1', `--port=${old.port}`, '--username=kasmapp', `--dbname=${db}`,
      '--format=custom', '--exclude-table-data=logs', `--file=${dumpFile(dir)}`], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: old.env.POSTGRES_PASSWORD, PGSSLMODE: 'require' } });
    expect(d.status).toBe(0);
    const target = emptyDb();
    const m = migrate(dir, target);
    expect(m.status).toBe(1);
    expect(m.stderr).toContain('violates foreign key constraint');
    expect(m.stderr).toContain('was rolled back: the database is empty, as before');
    expect(tablesOf(target)).toBe('0');
  });
});
