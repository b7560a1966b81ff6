/**
 * The shell programs the constructs emit, executed: wait loops (dash, as the images' /bin/sh) and db-init (bash),
 * with stub curl, pg_isready, psql, redis-cli, nc and startup.sh on PATH. Plus `sh -n` / `bash -n` on every program a
 * synthesized chart contains.
 */
import { spawnSync } from 'child_process';
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import { DbInitMode, KasmVersion, ReadinessCheck } from '../../lib';
import { seedScript } from '../../lib/control-plane/seed-script';
import { waitScript, WaitTarget } from '../../lib/control-plane/wait';
import { Manifest, podSpec } from '../support/manifests';
import { StubSandbox } from '../support/stubs';

const FAST = { WAIT_DEADLINE_SECONDS: '2', WAIT_INTERVAL_SECONDS: '0.2' };
const target = (check: ReadinessCheck, extra: Partial<WaitTarget> = {}): WaitTarget => ({ check, targetName: 'kasm-api', host: 'kasm-api', port: 8080, path: '/api/__healthcheck', scheme: 'HTTP', ...extra });

let box: StubSandbox;
beforeEach(() => { box = new StubSandbox(); });
afterEach(() => box.cleanup());

describe('wait loops', () => {
  test('HTTP: ready at once', () => {
    box.stub('curl', 'exit 0');
    const r = box.run('dash', waitScript(target(ReadinessCheck.HTTP_HEALTHY)), FAST);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('kasm-api is ready');
    expect(box.calls('curl')[0]).toBe('curl --fail --silent --show-error --max-time 5 --output /dev/null http://kasm-api:8080/api/__healthcheck');
  });

  test('HTTP 500 is not ready (curl --fail exits 22): it keeps waiting, then succeeds', () => {
    box.stub('curl', 'echo "curl: (22) The requested URL returned error: 500" >&2; exit 22', 'exit 22', 'exit 0');
    const r = box.run('dash', waitScript(target(ReadinessCheck.HTTP_HEALTHY)), FAST);
    expect(r.status).toBe(0);
    expect(r.stdout.match(/waiting for kasm-api \(httpHealthy on kasm-api:8080\)/g)).toHaveLength(2);
    expect(box.calls('curl')).toHaveLength(3);
  });

  test('connection refused until the deadline: gives up with a message and exit 1', () => {
    box.stub('curl', 'echo "curl: (7) Failed to connect" >&2; exit 7');
    const r = box.run('dash', waitScript(target(ReadinessCheck.HTTP_HEALTHY)), FAST);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('gave up after 2s waiting for kasm-api (httpHealthy on kasm-api:8080)');
  });

  test('a hanging peer is cut by the attempt timeout the loop passes (curl exits 28), so the deadline still holds', () => {
    box.stub('curl', 'sleep 0.3; exit 28');
    const started = Date.now();
    const r = box.run('dash', waitScript(target(ReadinessCheck.HTTP_HEALTHY)), FAST);
    expect(r.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(10000);
    expect(box.calls('curl')[0]).toContain('--max-time 5');
  });

  test('HTTPS waits check that the endpoint answers, with the same timeout', () => {
    box.stub('curl', 'exit 0');
    expect(box.run('dash', waitScript(target(ReadinessCheck.HTTP_HEALTHY, { scheme: 'HTTPS', port: 9443, path: '/x' })), FAST).status).toBe(0);
    expect(box.calls('curl')[0]).toContain('--insecure --output /dev/null https://kasm-api:9443/x');
  });

  test('pg_isready: not accepting, then accepting', () => {
    box.stub('pg_isready', 'echo "kasm-db:5432 - no response"; exit 2', 'exit 0');
    const r = box.run('dash', waitScript(target(ReadinessCheck.POSTGRES_ACCEPTING, { targetName: 'database', host: 'kasm-db', port: 5432 })), FAST);
    expect(r.status).toBe(0);
    expect(box.calls('pg_isready')[0]).toBe('pg_isready --host=kasm-db --port=5432 --timeout=5');
  });

  test('seeded database: an authentication failure keeps waiting, a seeded database passes, over TLS with the password', () => {
    box.stub('psql', 'echo \'psql: error: FATAL:  password authentication failed for user "kasmapp"\' >&2; exit 2', 'echo t');
    const t = target(ReadinessCheck.DATABASE_SEEDED, { targetName: 'database', host: 'kasm-db', port: 5432 });
    const r = box.run('dash', waitScript(t), { ...FAST, POSTGRES_USER: 'kasmapp', POSTGRES_DB: 'kasm', POSTGRES_PASSWORD: 'pw' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('waiting for database');
    // A failed psql prints nothing: the test must not be numeric (dash and busybox say `Illegal number` on every try).
    expect(r.stderr).not.toMatch(/Illegal number|integer expression expected/);
    expect(box.calls('psql')[1]).toContain('--command=SELECT EXISTS (SELECT 1 FROM zones)');
  });

  test('seeded database: zero zones is not ready', () => {
    box.stub('psql', 'echo f');
    const t = target(ReadinessCheck.DATABASE_SEEDED, { targetName: 'database', host: 'kasm-db', port: 5432 });
    expect(box.run('dash', waitScript(t), { ...FAST, POSTGRES_USER: 'u', POSTGRES_DB: 'd', POSTGRES_PASSWORD: 'p' }).status).toBe(1);
  });

  test('redis PONG and a TCP port', () => {
    box.stub('redis-cli', 'echo PONG').stub('timeout', 'shift; exec "$@"').stub('nc', 'exit 1', 'exit 0');
    expect(box.run('dash', waitScript(target(ReadinessCheck.REDIS_PONG, { host: 'kasm-redis', port: 6379 })), { ...FAST, REDIS_PASSWORD: 'r' }).status).toBe(0);
    expect(box.run('dash', waitScript(target(ReadinessCheck.TCP_OPEN, { host: 'kasm-share', port: 8182 })), FAST).status).toBe(0);
    expect(box.calls('nc')[0]).toBe('nc -z -w 5 kasm-share 8182');
  });
});

/** psql answering by query: connection failures first, then the tables count, the zones check and count. */
function psqlStub(opts: { failFirst?: number; failCode?: number; tables: number; zonesTable: boolean; zonesBefore: number; zonesAfter?: number }): string {
  return `count_file="$HOME/psql.calls"; n=$(( $(cat "$count_file" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$count_file"
if [ "$n" -le ${opts.failFirst ?? 0} ]; then echo 'psql: error: connection to server at "kasm-db" failed: Connection refused' >&2; exit ${opts.failCode ?? 2}; fi
case "$*" in
  *pg_tables*) echo ${opts.tables} ;;
  *to_regclass*) if [ -f "$HOME/seeded" ]; then echo t; else ${opts.zonesTable ? 'echo t' : 'echo f'}; fi ;;
  *"FROM zones"*) if [ -f "$HOME/seeded" ]; then echo ${opts.zonesAfter ?? 1}; else echo ${opts.zonesBefore}; fi ;;
esac`;
}

describe('db-init (Kasm 1.18.1: the api image\'s startup.sh)', () => {
  const script = seedScript(DbInitMode.IMAGE_STARTUP_SCRIPT).command;
  const env = () => ({
    POSTGRES_HOST: 'kasm-db', POSTGRES_PORT: '5432', POSTGRES_DB: 'kasm', POSTGRES_USER: 'kasmapp', POSTGRES_PASSWORD: 'pw-not-logged',
    DB_INIT_RETRY_DELAY: '0', DB_INIT_MAX_ATTEMPTS: '3', KASM_STARTUP_SCRIPT: `${box.bin}/startup.sh`,
  });
  const startup = () => box.stub('startup.sh', 'touch "$HOME/seeded"; echo "[startup] DB_AUTO_INITIALIZE=$DB_AUTO_INITIALIZE POST_DB_INIT_EXIT=$POST_DB_INIT_EXIT"');

  test('an already seeded database: nothing to do, startup.sh never runs', () => {
    box.stub('psql', psqlStub({ tables: 80, zonesTable: true, zonesBefore: 1 }));
    startup();
    const r = box.run('bash', script, env());
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('already seeded (1 zones)');
    expect(box.calls('startup.sh')).toEqual([]);
  });

  test('an empty database is seeded once and verified', () => {
    box.stub('psql', psqlStub({ tables: 0, zonesTable: false, zonesBefore: 0, zonesAfter: 1 }));
    startup();
    const r = box.run('bash', script, env());
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('DB_AUTO_INITIALIZE=true POST_DB_INIT_EXIT=true');
    expect(r.stdout).toContain('Kasm database seeded.');
    expect(box.calls('startup.sh')).toHaveLength(1);
    expect(`${r.stdout}${r.stderr}`).not.toContain('pw-not-logged');
  });

  test('a database with tables but no zone is refused: never initialise a database that holds data', () => {
    box.stub('psql', psqlStub({ tables: 12, zonesTable: false, zonesBefore: 0 }));
    startup();
    const r = box.run('bash', script, env());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('holds 12 tables but no zone');
    expect(r.stderr).toContain('Refusing to initialise it');
    expect(box.calls('startup.sh')).toEqual([]);
  });

  test('connection refused twice, then an empty database: retried, then seeded', () => {
    box.stub('psql', psqlStub({ failFirst: 2, tables: 0, zonesTable: false, zonesBefore: 0, zonesAfter: 1 }));
    startup();
    const r = box.run('bash', script, env());
    expect(r.status).toBe(0);
    expect(r.stdout.match(/does not answer queries yet/g)).toHaveLength(2);
    expect(box.calls('startup.sh')).toHaveLength(1);
  });

  test('an authentication failure that never ends: fails after the attempts, seeds nothing', () => {
    box.stub('psql', psqlStub({ failFirst: 99, tables: 0, zonesTable: false, zonesBefore: 0 }));
    startup();
    const r = box.run('bash', script, env());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Could not query kasm on kasm-db:5432 after 3 attempts');
    expect(box.calls('startup.sh')).toEqual([]);
  });

  test('a seed that leaves no zone fails loudly instead of leaving the api waiting', () => {
    box.stub('psql', psqlStub({ tables: 0, zonesTable: false, zonesBefore: 0, zonesAfter: 0 }));
    startup();
    const r = box.run('bash', script, env());
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no zone row exists');
  });
});

describe('db-init (Kasm 1.16.0: our mounted seed script)', () => {
  const { command, seedFile } = seedScript(DbInitMode.MOUNTED_SEED_SCRIPT);
  const baseEnv = () => ({
    POSTGRES_HOST: 'db', POSTGRES_PORT: '5432', POSTGRES_DB: 'kasm', POSTGRES_USER: 'kasmapp', POSTGRES_PASSWORD: 'pw',
    DEFAULT_ADMIN_PASSWORD: 'admin-secret', DEFAULT_USER_PASSWORD: 'user-secret', DEFAULT_MANAGER_TOKEN: 'mt', DEFAULT_REGISTRATION_TOKEN: 'rt',
    DB_INIT_RETRY_DELAY: '0', DB_INIT_MAX_ATTEMPTS: '2', KASM_YQ: `${box.bin}/yq`, KASM_SERVER: `${box.bin}/kasm_server.so`,
    KASM_SEED_DEFAULTS: `${box.dir}/defaults.yaml`,
  });

  test('a missing credential stops it, naming the variable', () => {
    require('fs').writeFileSync(`${box.dir}/seed.sh`, seedFile);
    const r = box.run('bash', `bash ${box.dir}/seed.sh`, { ...baseEnv(), DEFAULT_MANAGER_TOKEN: '' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('DEFAULT_MANAGER_TOKEN is empty');
  });

  test('the happy path fills the seed file through yq and initialises with kasm_server.so, never echoing a password', () => {
    const fs = require('fs');
    fs.writeFileSync(`${box.dir}/seed.sh`, seedFile);
    fs.writeFileSync(`${box.dir}/defaults.yaml`, 'users: []\n');
    box.stub('psql', psqlStub({ tables: 0, zonesTable: false, zonesBefore: 0, zonesAfter: 1 }))
      .stub('yq', 'exit 0')
      .stub('kasm_server.so', 'touch "$HOME/seeded"');
    const r = box.run('bash', command, { ...baseEnv(), KASM_SEED_SCRIPT: `${box.dir}/seed.sh` });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(box.calls('yq')).toHaveLength(6);
    expect(box.calls('kasm_server.so')[0]).toMatch(/^kasm_server\.so --initialize-database --cfg \/opt\/kasm\/current\/conf\/app\/api\.app\.config\.yaml --populate-production --seed-file \/tmp\/default_properties\.yaml/);
    expect(`${r.stdout}${r.stderr}${box.calls().join('\n')}`).not.toMatch(/admin-secret|user-secret/);
  });
});

describe('syntax of every shell program a chart contains', () => {
  const programs = (version: KasmVersion) => {
    const m = Testing.synth(new K3sDev(Testing.app(), 'x', { version })) as Manifest[];
    const out: { where: string; shell: string; script: string }[] = [];
    for (const o of m.filter((x) => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(x.kind))) {
      for (const c of [...(podSpec(o).initContainers ?? []), ...podSpec(o).containers]) {
        const cmd = c.command ?? [];
        if ((cmd[0] === '/bin/sh' || cmd[0] === '/bin/bash') && cmd[1] === '-c') out.push({ where: `${o.metadata.name}/${c.name}`, shell: cmd[0] === '/bin/sh' ? 'dash' : 'bash', script: cmd[2] });
      }
    }
    for (const o of m.filter((x) => x.kind === 'ConfigMap')) {
      for (const [k, v] of Object.entries(o.data ?? {})) if (k.endsWith('.sh')) out.push({ where: `${o.metadata.name}/${k}`, shell: 'bash', script: v as string });
    }
    return out;
  };
  test.each([KasmVersion.V1_18_1, KasmVersion.V1_16_0].map((v) => [v.version, v] as const))('Kasm %s', (_v, version) => {
    const list = programs(version);
    expect(list.length).toBeGreaterThan(5);
    for (const p of list) {
      const r = spawnSync(p.shell, ['-n', '-c', p.script], { encoding: 'utf8' });
      expect({ where: p.where, status: r.status, stderr: r.stderr }).toEqual({ where: p.where, status: 0, stderr: '' });
    }
  });
});
