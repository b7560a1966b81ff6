/**
 * The upgrade's pre-upgrade dump (busybox sh: it runs in the old release's Alpine database image) and migration
 * (bash: the new api image), run for real against throwaway PostgreSQL servers: the dump restored by the migration
 * into an empty server compares table by table; an interrupted restore leaves nothing behind and is not mistaken for
 * Kasm data on the retry; a dump is retaken when writes happened since; writers still connected hold the dump back.
 * The logs table's rows stay out of the dump (its table and sequence come back); owners, grants and extension comments
 * of the old server are left out of the restore, and every other error rolls it back with its message.
 * Kasm's own `--upgrade-database` is a stand-in here.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { backupScript, migrateScript } from '../../lib/control-plane/upgrade-scripts';
import { describeWithBinaries } from '../support/binaries';
import { fingerprint, KASM_SHAPED_DATA, KASM_SHAPED_SCHEMA, PG_BINARIES, PgServer, startPostgres } from '../support/postgres';
import { busyboxApplets, runProgram, tempDir, track } from '../support/servers';

jest.setTimeout(20000);

/** What the restore brings back: every table, sequence and extension as it was, the logs table without its rows. */
const withoutLogRows = (fp: Record<string, string>) => ({ ...fp, logs: '0 -' });

describeWithBinaries('the upgrade under real PostgreSQL, busybox sh and bash', [...PG_BINARIES, 'busybox', 'bash', 'runuser'], (bin) => {
  let old: PgServer;
  let next: PgServer;
  let applets: string;
  beforeAll(async () => {
    [old, next] = await Promise.all([startPostgres(), startPostgres()]);
    old.sql(KASM_SHAPED_SCHEMA + KASM_SHAPED_DATA);
    applets = busyboxApplets(bin.busybox);
  }, 60000);
  afterAll(() => { old?.stop(); next?.stop(); });

  let n = 0;
  /** A new empty database on `next`: the new major's empty data directory. */
  const emptyDb = () => { const db = `kasm_new_${++n}`; next.sql(`CREATE DATABASE ${db}`, 'postgres'); return db; };
  const on = (pg: PgServer, db: string) => ({ ...pg, sql: (q: string) => pg.sql(q, db) });
  const dump = (dir: string, env: Record<string, string> = {}) => runProgram([bin.busybox, 'sh'], backupScript('1.18.1', old.major), {
    ...old.env, PATH: `${old.binDir}:${applets}:/usr/bin:/bin`, KASM_UPGRADE_DIR: dir, ...env,
  });
  const migrate = (dir: string, db: string, env: Record<string, string> = {}) => runProgram([bin.bash], migrateScript('1.18.1', '1.19.0', next.major, ['echo', 'migrated by the stand-in of server.pyc --upgrade-database']), {
    ...next.env, POSTGRES_DB: db, PATH: `${next.binDir}:/usr/bin:/bin`, KASM_UPGRADE_DIR: dir, ...env,
  });

  test('dump, then migration into the new empty server: every table comes back; the retry migrates in place', () => {
    const dir = tempDir('kasm-upgrade');
    const d = dump(dir);
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    expect(d.stdout).toContain('pre-upgrade dump written to');
    const db = emptyDb();
    const m = migrate(dir, db);
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    expect(m.stdout).toContain('restored 1 zones from the pre-upgrade dump');
    expect(m.stdout).toContain('migrated by the stand-in');
    expect(fingerprint(on(next, db))).toEqual(withoutLogRows(fingerprint(old)));
    const retry = migrate(dir, db);
    expect(retry.status).toBe(0);
    expect(retry.stdout).toContain('the database holds Kasm data (1 zones): migrating it from 1.18.1 to 1.19.0 in place');
  });

  test('a restore cut off half-way leaves the database empty (one transaction), and the retry restores again', () => {
    const dir = tempDir('kasm-upgrade');
    expect(dump(dir).status).toBe(0);
    const file = path.join(dir, 'kasm-1.18.1.dump');
    const whole = fs.readFileSync(file);
    // The archive's data blocks come after its table of contents (most of this small file): a cut into the last
    // block fails while restoring data, after the first tables went in.
    fs.writeFileSync(file, whole.subarray(0, whole.length - 24));
    const db = emptyDb();
    const cut = migrate(dir, db);
    expect(cut.status).toBe(1);
    expect(cut.stderr).toContain('stopped at the error above and was rolled back: the database is empty, as before');
    expect(cut.stdout).not.toContain('migrated by the stand-in');
    expect(next.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", db)).toBe('0');
    fs.writeFileSync(file, whole);
    const retry = migrate(dir, db);
    expect(retry.status).toBe(0);
    expect(fingerprint(on(next, db))).toEqual(withoutLogRows(fingerprint(old)));
  });

  test('tables without a zone (what a non-transactional restore left) are refused, not reported as Kasm data', () => {
    const dir = tempDir('kasm-upgrade');
    expect(dump(dir).status).toBe(0);
    const db = emptyDb();
    next.sql(KASM_SHAPED_SCHEMA, db);
    const r = migrate(dir, db);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('holds 5 tables but no Kasm zone: an interrupted restore, or not a Kasm database; refusing');
    expect(r.stdout).not.toContain('migrating it');
  });

  test('an earlier attempt\'s dump is replaced while the old server still serves: a user added since is not lost', () => {
    const dir = tempDir('kasm-upgrade');
    expect(dump(dir).status).toBe(0);
    old.sql("INSERT INTO users (username, salt, pw_hash) VALUES ('added-between@kasm.local', 's', 'h')");
    const again = dump(dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('replacing the pre-upgrade dump of an earlier attempt');
    const db = emptyDb();
    expect(migrate(dir, db).status).toBe(0);
    expect(next.sql("SELECT count(*) FROM users WHERE username = 'added-between@kasm.local'", db)).toBe('1');
    expect(fingerprint(on(next, db))).toEqual(withoutLogRows(fingerprint(old)));
  });

  test('once the server runs another major the earlier dump is kept; without one the dump refuses', () => {
    const dir = tempDir('kasm-upgrade');
    const other = (env: Record<string, string>) => runProgram([bin.busybox, 'sh'], backupScript('1.18.1', old.major - 1), {
      ...old.env, PATH: `${old.binDir}:${applets}:/usr/bin:/bin`, KASM_UPGRADE_DIR: dir, ...env,
    });
    const refused = other({});
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`runs PostgreSQL ${old.major}, not ${old.major - 1} as Kasm 1.18.1 does, and there is no pre-upgrade dump`);
    fs.writeFileSync(path.join(dir, 'kasm-1.18.1.dump'), 'earlier');
    const kept = other({});
    expect(kept.status).toBe(0);
    expect(kept.stdout).toContain('it has been upgraded already; keeping the pre-upgrade dump');
    expect(fs.readFileSync(path.join(dir, 'kasm-1.18.1.dump'), 'utf8')).toBe('earlier');
  });

  test('writers still connected hold the dump back until they leave, and past the deadline it gives up', async () => {
    const dir = tempDir('kasm-upgrade');
    const writer = spawn(path.join(old.binDir, 'psql'), ['--no-psqlrc', '--host', '127.0.0.1', '--port', String(old.port), '--username', 'kasmapp', '--dbname', 'kasm',
      '--command', 'SELECT pg_sleep(60)'], { env: { ...process.env, PGPASSWORD: old.env.POSTGRES_PASSWORD, PGSSLMODE: 'require' }, detached: true, stdio: 'ignore' });
    const stopWriter = track(writer);
    try {
      for (let i = 0; i < 50 && old.sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'") === '0'; i++) await new Promise((r) => setTimeout(r, 100));
      // Two seconds: a whole-second clock gives at least one more second, so it waits at least once.
      const r = dump(dir, { KASM_WRITERS_WAIT_SECONDS: '2', KASM_WRITERS_WAIT_INTERVAL: '0.2' });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('waiting for 1 other sessions to leave kasm');
      expect(r.stderr).toContain('gave up after 2s: 1 other sessions are still connected to kasm; stop the writers');
      expect(fs.readdirSync(dir)).toEqual([]);
      // The writer leaves a second after the next dump started (its sessions closed, as a scale to 0 does): the dump waits, then runs.
      const leave = spawn(path.join(old.binDir, 'psql'), ['--no-psqlrc', '--host', '127.0.0.1', '--port', String(old.port), '--username', 'kasmapp', '--dbname', 'kasm',
        '--command', "SELECT pg_sleep(1); SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'"],
      { env: { ...process.env, PGPASSWORD: old.env.POSTGRES_PASSWORD, PGSSLMODE: 'require' }, detached: true, stdio: 'ignore' });
      const stopLeave = track(leave);
      const waited = dump(dir, { KASM_WRITERS_WAIT_SECONDS: '15', KASM_WRITERS_WAIT_INTERVAL: '0.2' });
      stopLeave();
      expect(waited.stderr).toBe('');
      expect(waited.status).toBe(0);
      // Under load the writer may already be gone at the first look: that it waited is shown by the run above.
      expect(waited.stdout).toMatch(/pre-upgrade dump written/);
    } finally { stopWriter(); }
  }, 20000);
});
