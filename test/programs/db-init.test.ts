/**
 * db-init's program (bash, the api image) with the real psql against a throwaway PostgreSQL: the seed runs once (a
 * stand-in for the image's startup.sh creates the Kasm-shaped schema), the zone settings and zone copies are stored
 * literally whatever the values hold (quotes, an SQL injection attempt, shell syntax), and "cannot connect" and "not
 * seeded" end with different messages.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DbInitMode } from '../../lib';
import { seedScript } from '../../lib/control-plane/seed-script';
import { describeWithBinaries } from '../support/binaries';
import { KASM_SHAPED_DATA, KASM_SHAPED_SCHEMA, PG_BINARIES, PgServer, startPostgres } from '../support/postgres';
import { freePort, runProgram, tempDir } from '../support/servers';

jest.setTimeout(20000);

describeWithBinaries('db-init under real PostgreSQL and bash', [...PG_BINARIES, 'bash', 'runuser'], (bin) => {
  let pg: PgServer;
  let startup: string;
  beforeAll(async () => {
    pg = await startPostgres();
    const dir = tempDir('kasm-db-init');
    startup = path.join(dir, 'startup.sh');
    fs.writeFileSync(path.join(dir, 'seed.sql'), KASM_SHAPED_SCHEMA + KASM_SHAPED_DATA);
    // The stand-in of the api image's startup.sh with DB_AUTO_INITIALIZE=true: seeds, then exits.
    fs.writeFileSync(startup, `#!/bin/bash\nset -eu\n[ "$DB_AUTO_INITIALIZE" = true ]\npsql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --host="$POSTGRES_HOST" --port="$POSTGRES_PORT" --username="$POSTGRES_USER" --dbname="$POSTGRES_DB" --file=${dir}/seed.sql\necho seeded by the stand-in\n`, { mode: 0o755 });
  }, 60000);
  afterAll(() => pg?.stop());

  let n = 0;
  const newDb = () => { const db = `kasm_init_${++n}`; pg.sql(`CREATE DATABASE ${db}`, 'postgres'); return db; };
  const run = (env: Record<string, string>) => runProgram([bin.bash], seedScript(DbInitMode.IMAGE_STARTUP_SCRIPT).command, {
    ...pg.env, PATH: `${pg.binDir}:/usr/bin:/bin`, KASM_STARTUP_SCRIPT: startup, DB_INIT_RETRY_DELAY: '0.1', DB_INIT_MAX_ATTEMPTS: '3', ...env,
  });

  const hostile = "https://evil'; DROP TABLE zones; --";
  const odd = 'eu "west" $(touch /tmp/pwned) `id`';
  test('seeds once, then writes every zone\'s address literally and copies the seeded zone, injection attempts included', () => {
    const db = newDb();
    const settings = `default|${hostile}\n${odd}|http://a'b"c\\d`;
    const first = run({ POSTGRES_DB: db, KASM_ZONE_SETTINGS: settings });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('seeded by the stand-in');
    const zones = pg.sql("SELECT zone_name || '=' || upstream_auth_address || ' ' || region_name FROM zones ORDER BY created, zone_name", db).split('\n');
    expect(zones.sort()).toEqual([`default=${hostile} default`, `${odd}=http://a'b"c\\d default`].sort());
    expect(fs.existsSync('/tmp/pwned')).toBe(false);
    const second = run({ POSTGRES_DB: db, KASM_ZONE_SETTINGS: settings });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('Kasm database already seeded (2 zones): nothing to do.');
    expect(second.stdout).not.toContain('seeded by the stand-in');
    expect(pg.sql('SELECT count(*) FROM zones', db)).toBe('2');
  });

  test('cannot connect: retried, then a message that says so, nothing changed', async () => {
    const r = run({ POSTGRES_PORT: String(await freePort()) });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('The database does not answer queries yet (attempt 1 of 3)');
    expect(r.stderr).toMatch(/Could not query kasm on 127\.0\.0\.1:\d+ after 3 attempts/);
  });

  test('not seeded but not empty: refused with another message, never initialised', () => {
    const db = newDb();
    pg.sql(KASM_SHAPED_SCHEMA, db);
    const r = run({ POSTGRES_DB: db });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${db} holds 5 tables but no zone: it is not empty and not a seeded Kasm database.`);
    expect(r.stdout).not.toContain('seeded by the stand-in');
  });

  describe('1.19: rounds of the seed until the schema is at the migration head', () => {
    let alembic: string;
    let ini: string;
    beforeAll(() => {
      const dir = tempDir('kasm-alembic');
      ini = path.join(dir, 'alembic.ini');
      fs.writeFileSync(ini, 'script_location = %(here)s/alembic\n');
      // The stand-in of Kasm's alembic: `current` prints the revision it is given, with "(head)" when told so.
      alembic = path.join(dir, 'alembic');
      fs.writeFileSync(alembic, '#!/bin/bash\ngrep -q "script_location = /src/api_server" "$2" || exit 3\necho "$ALEMBIC_CURRENT"\n', { mode: 0o755 });
    });
    const runHead = (env: Record<string, string>) => runProgram([bin.bash], seedScript(DbInitMode.IMAGE_STARTUP_SCRIPT, { untilMigrationHead: true }).command, {
      ...pg.env, PATH: `${pg.binDir}:/usr/bin:/bin`, KASM_STARTUP_SCRIPT: startup, KASM_ALEMBIC: alembic, KASM_ALEMBIC_INI: ini,
      DB_INIT_RETRY_DELAY: '0.1', DB_INIT_MAX_ATTEMPTS: '3', DB_INIT_SEED_ROUNDS: '2', ...env,
    });

    test('at head after the seed: done, with the revision in the log', () => {
      const r = runHead({ POSTGRES_DB: newDb(), ALEMBIC_CURRENT: 'f00d1 (head)' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('round 1 of 2');
      expect(r.stdout).toContain('schema at the migration head: f00d1 (head)');
    });

    test('never at head: every round runs, then the Job fails with alembic\'s answer', () => {
      const r = runHead({ POSTGRES_DB: newDb(), ALEMBIC_CURRENT: 'be9a2' });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('round 2 of 2');
      expect(r.stderr).toContain('The seed ran 2 times but the schema is not at the migration head; the api would wait forever. alembic current said: be9a2');
    });
  });

  test('a zone that cannot be copied (no seeded zone of that name) fails the Job', () => {
    const db = newDb();
    const r = run({ POSTGRES_DB: db, KASM_ZONE_SETTINGS: 'nosuchzone|http://x\nother|http://y' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('No zone named nosuchzone');
  });
});
