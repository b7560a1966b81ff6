/**
 * The bundled database's backup CronJob and restore procedure, run for real: the programs exactly as the ConfigMap
 * carries them, under busybox sh with busybox's tools (the postgres image is Alpine), against a throwaway PostgreSQL
 * over TLS. A dump is restored into a fresh server and every table compared by row count and checksum.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BACKUP_SCRIPT, RESTORE_SCRIPT } from '../../lib/database/backup-scripts';
import { describeWithBinaries } from '../support/binaries';
import { fingerprint, KASM_SHAPED_DATA, KASM_SHAPED_SCHEMA, PG_BINARIES, PgServer, startPostgres } from '../support/postgres';
import { busyboxApplets, runProgram, tempDir } from '../support/servers';

jest.setTimeout(20000);

describeWithBinaries('backups under real PostgreSQL and busybox sh', [...PG_BINARIES, 'busybox', 'runuser'], (bin) => {
  let source: PgServer;
  let target: PgServer;
  let applets: string;
  beforeAll(async () => {
    [source, target] = await Promise.all([startPostgres(), startPostgres()]);
    source.sql(KASM_SHAPED_SCHEMA + KASM_SHAPED_DATA);
    applets = busyboxApplets(bin.busybox);
  }, 60000);
  afterAll(() => { source?.stop(); target?.stop(); });

  const run = (script: string, pg: PgServer, env: Record<string, string>) => runProgram([bin.busybox, 'sh'], script, {
    ...pg.env, PATH: `${pg.binDir}:${applets}:/usr/bin:/bin`, ...env,
  });

  test('a backup restores into a fresh server byte for byte (every table\'s rows and checksum, sequences, extensions)', () => {
    const dir = tempDir('kasm-backups');
    const backup = run(BACKUP_SCRIPT, source, { BACKUP_DIR: dir, RETENTION: '7' });
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    const dumps = fs.readdirSync(dir);
    expect(dumps).toEqual([expect.stringMatching(/^kasm-\d{8}T\d{6}Z\.dump$/)]);
    expect(`${backup.stdout}${backup.stderr}`).not.toContain(source.env.POSTGRES_PASSWORD);

    const restore = run(RESTORE_SCRIPT, target, { BACKUP_DIR: dir, RESTORE_FILE: 'latest' });
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    const expected = fingerprint(source);
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['zones', 'settings', 'users', 'logs', 'alembic_version', 'sequence logs_log_id_seq']));
    expect(fingerprint(target)).toEqual(expected);
  });

  test('retention deletes exactly the oldest timestamped dumps and what an OOM-killed run left; other files stay', () => {
    const dir = tempDir('kasm-backups');
    const old = ['20261118', '20261119', '20261120', '20261121'].map((d) => `kasm-${d}T020000Z.dump`);
    for (const f of [...old, 'kasm-1.18.1.dump', 'kasm-20261122T020000Z.dump.partial', 'notes.txt']) fs.writeFileSync(path.join(dir, f), 'x');
    const r = run(BACKUP_SCRIPT, source, { BACKUP_DIR: dir, RETENTION: '3' });
    expect(r.status).toBe(0);
    const now = fs.readdirSync(dir).filter((f) => /^kasm-\d{8}T\d{6}Z\.dump$/.test(f) && !old.includes(f));
    expect(now).toHaveLength(1);
    expect(fs.readdirSync(dir).sort()).toEqual(['kasm-1.18.1.dump', old[2], old[3], now[0], 'notes.txt'].sort());
    expect(r.stdout).toContain('left by an interrupted backup');
  });

  test('restore: an unreadable dump and a missing file stop before the database is touched', () => {
    const dir = tempDir('kasm-backups');
    fs.writeFileSync(path.join(dir, 'kasm-20261121T020000Z.dump'), 'PGDMP but not really');
    const before = fingerprint(target);
    const bad = run(RESTORE_SCRIPT, target, { BACKUP_DIR: dir });
    expect(bad.status).not.toBe(0);
    const missing = run(RESTORE_SCRIPT, target, { BACKUP_DIR: dir, RESTORE_FILE: 'kasm-19990101T000000Z.dump' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('No dump to restore');
    expect(fingerprint(target)).toEqual(before);
  });

  test('objects the dump does not know depend on uuid-ossp: the restore fails and rolls back; RESTORE_REPLACE=yes is the way out', () => {
    const dir = tempDir('kasm-backups');
    expect(run(BACKUP_SCRIPT, source, { BACKUP_DIR: dir, RETENTION: '7' }).status).toBe(0);
    target.sql('CREATE TABLE IF NOT EXISTS newer_things (id uuid PRIMARY KEY DEFAULT uuid_generate_v4()); INSERT INTO newer_things DEFAULT VALUES');
    const before = fingerprint(target);
    const refused = run(RESTORE_SCRIPT, target, { BACKUP_DIR: dir });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/cannot drop extension uuid-ossp because other objects depend on it/);
    expect(refused.stderr).toContain('RESTORE_REPLACE=yes');
    expect(fingerprint(target)).toEqual(before);

    const replaced = run(RESTORE_SCRIPT, target, { BACKUP_DIR: dir, RESTORE_REPLACE: 'yes' });
    expect(replaced.stderr).toContain('drop cascades to table newer_things');
    expect(replaced.status).toBe(0);
    expect(fingerprint(target)).toEqual(fingerprint(source));
    expect(fs.readdirSync(dir)).toHaveLength(1);
  });
});
