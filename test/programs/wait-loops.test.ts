/**
 * The wait loops the init containers run, under the shells of the images they run in (dash: the Ubuntu-based api
 * image's /bin/sh; busybox sh: the Alpine curl image of 1.16), with the real curl, pg_isready and psql against
 * loopback stand-ins: ready passes, a 500 or a refused connection keeps waiting, the deadline gives up with the
 * loop's message and exit 1.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { ReadinessCheck } from '../../lib';
import { waitScript, WaitTarget } from '../../lib/control-plane/wait';
import { describeWithBinaries } from '../support/binaries';
import { KASM_SHAPED_DATA, KASM_SHAPED_SCHEMA, PG_BINARIES, PgServer, startPostgres } from '../support/postgres';
import { busyboxApplets, freePort, runProgramAsync } from '../support/servers';

jest.setTimeout(20000);

const FAST = { WAIT_DEADLINE_SECONDS: '2', WAIT_INTERVAL_SECONDS: '0.1' };
const target = (check: ReadinessCheck, port: number, extra: Partial<WaitTarget> = {}): WaitTarget => ({
  check, targetName: 'kasm-api', host: '127.0.0.1', port, path: '/api/__healthcheck', scheme: 'HTTP', ...extra,
});

describeWithBinaries('wait loops under real shells', ['dash', 'busybox', 'curl', ...PG_BINARIES, 'runuser'], (bin) => {
  let applets: string;
  let pg: PgServer;
  let server: http.Server;
  let port: number;
  let answers: number[] = [];
  const seen: string[] = [];
  beforeAll(async () => {
    applets = busyboxApplets(bin.busybox);
    pg = await startPostgres();
    server = http.createServer((req, res) => { seen.push(`${req.method} ${req.url}`); res.statusCode = answers.shift() ?? 200; res.end('{}'); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  }, 60000);
  afterAll(async () => { pg?.stop(); await new Promise((r) => server?.close(r)); });
  beforeEach(() => { answers = []; seen.length = 0; });

  const shells: Array<[string, () => string[], () => string]> = [
    ['dash', () => [bin.dash], () => '/usr/bin:/bin'],
    ['busybox sh', () => [bin.busybox, 'sh'], () => `${applets}:/usr/bin:/bin`],
  ];
  describe.each(shells)('%s', (_name, shell, basePath) => {
    const run = (t: WaitTarget, env: Record<string, string> = {}) => runProgramAsync(shell(), waitScript(t), { PATH: `${pg.binDir}:${basePath()}`, ...FAST, ...env });

    test('HTTP: 500 twice keeps waiting, then 200 is ready, on the health path', async () => {
      answers = [500, 500];
      const r = await run(target(ReadinessCheck.HTTP_HEALTHY, port));
      expect(r.status).toBe(0);
      expect(r.stdout.match(/waiting for kasm-api \(httpHealthy on 127\.0\.0\.1:\d+\)/g)).toHaveLength(2);
      expect(r.stdout).toContain('kasm-api is ready');
      expect(seen).toEqual(['GET /api/__healthcheck', 'GET /api/__healthcheck', 'GET /api/__healthcheck']);
    });

    test('HTTP: a refused connection keeps waiting and gives up at the deadline with its message, exit 1', async () => {
      const r = await run(target(ReadinessCheck.HTTP_HEALTHY, await freePort()));
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('waiting for kasm-api');
      expect(r.stderr).toMatch(/gave up after 2s waiting for kasm-api \(httpHealthy on 127\.0\.0\.1:\d+\)/);
      expect(r.ms).toBeLessThan(8000);
    });

    test('PostgreSQL accepting: a running server passes, a closed port gives up', async () => {
      const closedPort = await freePort();
      const [open, closed] = await Promise.all([
        run(target(ReadinessCheck.POSTGRES_ACCEPTING, pg.port, { targetName: 'database' })),
        run(target(ReadinessCheck.POSTGRES_ACCEPTING, closedPort, { targetName: 'database' })),
      ]);
      expect(open.status).toBe(0);
      expect(closed.status).toBe(1);
      expect(closed.stderr).toContain('gave up after 2s waiting for database');
    });

    test('seeded database: not seeded and not reachable both keep waiting, without `Illegal number`; seeded passes', async () => {
      const db = `wait_${_name.replace(/\W/g, '')}`;
      pg.sql(`CREATE DATABASE ${db}`, 'postgres');
      const env = { POSTGRES_USER: pg.env.POSTGRES_USER, POSTGRES_PASSWORD: pg.env.POSTGRES_PASSWORD, POSTGRES_DB: db };
      const t = target(ReadinessCheck.DATABASE_SEEDED, pg.port, { targetName: 'database' });
      const closed = await freePort();
      const [empty, refused] = await Promise.all([run(t, env), run({ ...t, port: closed }, env)]);
      expect(empty.status).toBe(1);
      expect(empty.stderr).toContain('relation "zones" does not exist');
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('Connection refused');
      for (const r of [empty, refused]) expect(r.stderr).not.toMatch(/Illegal number|integer expression|bad number/);
      pg.sql(KASM_SHAPED_SCHEMA, db);
      expect((await run(t, env)).status).toBe(1);
      pg.sql(KASM_SHAPED_DATA, db);
      const seeded = await run(t, env);
      expect(seeded.stderr).toBe('');
      expect(seeded.status).toBe(0);
    });
  });
});
