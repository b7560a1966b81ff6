/**
 * `cdk8s-kasm diagnose` end to end: the real entry point reading dump files and stdin (in process, test/support/cli.ts),
 * or, in a child process, a "cluster" served by a stub kubectl on PATH that records how it was called.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { redactSecret } from '../../cli/kubectl-dump';
import { runCli } from '../support/cli';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'cli', 'main.ts');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'diagnose');
const SECRET_VALUE = 'pa55-w0rd-that-must-never-print';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT, encoding: 'utf8', input: opts.input, env: { ...process.env, ...opts.env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fixture = (name: string) => path.join(FIXTURES, name, 'dump.json');

jest.setTimeout(60000);

describe('diagnose --from', () => {
  test('a stuck dump: exit 1 and a JSON report naming the root cause', async () => {
    const r = await runCli(['diagnose', '--from', fixture('storageclass-missing'), '--json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ schemaVersion: 1, namespace: 'kasm', kasmVersion: '1.18.1', status: 'stuck' });
    expect(report.rootCauses[0]).toMatchObject({ id: 'storageclass-missing:local-path', severity: 'stuck' });
    expect(Object.keys(report.rootCauses[0])).toEqual(['id', 'namespace', 'severity', 'summary', 'chain', 'affectedPods', 'confirm', 'fix', 'evidence']);
  });

  test('a healthy dump: exit 0 and one line of text', async () => {
    const r = await runCli(['diagnose', '--from', fixture('healthy')]);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: 'Kasm 1.18.1 in namespace kasm: healthy, 9 pods Ready or Completed, 2 Jobs complete\n' });
  });

  test('text output: header, chain, confirm and fix, then the dump command', async () => {
    const r = await runCli(['diagnose', '--from', fixture('api-image-pull')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^Kasm 1\.18\.1 in namespace kasm: STUCK, 1 root cause, 6 pods not Ready, 3 healthy\n\n\[1\] stuck: the image of container kasm-api/);
    expect(r.stdout).toContain('\n    -> registry answer: docker.io/kasmweb/api:1.81.1: not found\n');
    expect(r.stdout).toContain('\n    confirm: kubectl -n kasm describe pod kasm-api-6fdbb5d6cf-xwjtl\n');
    expect(r.stdout).toContain('\nnpx cdk8s-kasm diagnose -n kasm --dump dump.json\n');
  });

  test('--from - reads the dump from standard input', async () => {
    const r = await runCli(['diagnose', '--from', '-', '--json'], { input: fs.readFileSync(fixture('api-image-pull'), 'utf8') });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).rootCauses[0].id).toBe('image-not-found:kasmweb/api:1.81.1');
  });
});

describe('help and usage errors', () => {
  test('--help of the binary and of diagnose', async () => {
    const top = await runCli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/^Usage: cdk8s-kasm <command> \[flags\]\n[\s\S]*\n {2}diagnose {2}find why Kasm pods are not Ready/);
    const sub = await runCli(['diagnose', '--help']);
    expect(sub.status).toBe(0);
    expect(sub.stdout).toContain('Usage: cdk8s-kasm diagnose [-n NAMESPACE] [--context CTX] [--from DUMP.json] [--json]');
    expect(sub.stdout).toContain('--print-dump-command');
  });

  test.each([
    [['diagnose', '--frm', 'x.json'], 'unknown flag \'--frm\'; cdk8s-kasm diagnose accepts -n/--namespace, --context, --from, --json, --dump, --force, --print-dump-command, -h/--help'],
    [['diagnose', '-n', 'Kasm_Prod'], 'flag -n/--namespace: \'Kasm_Prod\' is not a namespace name'],
    [['diagnose', '--from'], 'flag --from needs a value (DUMP.json)'],
    [['diagnose', '--json=yes'], 'flag --json takes no value, got \'yes\''],
    [['diagnose', 'kasm'], 'unexpected argument \'kasm\''],
    [['diagnose', '--from', 'missing.json'], 'flag --from: cannot read \'missing.json\' (ENOENT)'],
    [['diagnose', '--from', 'a.json', '--context', 'lab'], 'flag --context \'lab\' reads a live cluster and cannot be combined with --from \'a.json\''],
    [['deploy'], 'unknown command \'deploy\'; commands: diagnose, plan, synth'],
  ])('%j exits 2: %s', async (args, message) => {
    const r = await runCli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`cdk8s-kasm: ${message}`);
    expect(r.stderr).toMatch(/Run 'cdk8s-kasm( diagnose)? --help' for usage\.\n$/);
  });

  test('a dump of another namespace exits 2 and names the namespaces it holds', async () => {
    const r = await runCli(['diagnose', '--from', fixture('healthy'), '-n', 'kasm-prod']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the dump holds no objects of namespace \'kasm-prod\'; namespaces in it: kasm');
  });

  test('--print-dump-command prints the --dump command for the namespace and context (kubectl only, no jq)', async () => {
    const r = await runCli(['diagnose', '--print-dump-command', '-n', 'kasm-prod', '--context', 'lab']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('npx cdk8s-kasm diagnose -n kasm-prod --context lab --dump dump.json\n');
  });
});

describe('live mode through kubectl', () => {
  let dir: string;
  const env = () => ({ PATH: `${dir}${path.delimiter}${process.env.PATH}`, STUB_DIR: dir, STUB_LOG: path.join(dir, 'calls.log') });

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-kubectl-stub-'));
    const items: any[] = JSON.parse(fs.readFileSync(fixture('storageclass-missing'), 'utf8')).items;
    const clusterKinds = ['StorageClass', 'Node', 'PersistentVolume'];
    const list = (objs: any[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objs });
    // Secrets as the API server returns them: base64 values, and client-side apply's annotation repeating them.
    const secrets = items.filter((o) => o.kind === 'Secret').map((s) => ({
      ...s,
      data: Object.fromEntries(Object.keys(s.data).map((k) => [k, Buffer.from(SECRET_VALUE).toString('base64')])),
      metadata: { ...s.metadata, annotations: { ...s.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ stringData: { key: SECRET_VALUE } }) } },
    }));
    fs.writeFileSync(path.join(dir, 'namespaced.json'), list(items.filter((o) => o.kind !== 'Secret' && !clusterKinds.includes(o.kind))));
    fs.writeFileSync(path.join(dir, 'cluster.json'), list(items.filter((o) => clusterKinds.includes(o.kind))));
    fs.writeFileSync(path.join(dir, 'secrets.json'), list(secrets));
    fs.writeFileSync(path.join(dir, 'kubectl'), [
      '#!/bin/sh',
      'printf \'%s\\n\' "$*" >> "$STUB_LOG"',
      'if [ -n "$STUB_FAIL" ]; then echo "error: You must be logged in to the server (Unauthorized)" >&2; exit 1; fi',
      'case "$*" in',
      '  *"get pods,pvc,"*) cat "$STUB_DIR/namespaced.json" ;;',
      '  *"get storageclasses,nodes,persistentvolumes "*) cat "$STUB_DIR/cluster.json" ;;',
      '  *"get secrets "*) cat "$STUB_DIR/secrets.json" ;;',
      // A user who may read the workloads but not RBAC (the API server's own wording).
      '  *"get roles,rolebindings "*) if [ -n "$STUB_RBAC_FORBIDDEN" ]; then echo \'Error from server (Forbidden): roles.rbac.authorization.k8s.io is forbidden: User "dev" cannot list resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "kasm"\' >&2; exit 1; fi;'
        + ' echo \'{"apiVersion":"v1","kind":"List","items":[]}\' ;;',
      '  *) echo "error: the server doesn\'t have a resource type \\"$2\\"" >&2; exit 1 ;;',
      'esac',
      '',
    ].join('\n'), { mode: 0o755 });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => fs.rmSync(path.join(dir, 'calls.log'), { force: true }));

  test('reads the namespace with --context and -n passed through, and diagnoses it', () => {
    const r = cli(['diagnose', '-n', 'kasm', '--context', 'lab', '--json'], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).rootCauses.map((c: any) => c.id)).toEqual(['storageclass-missing:local-path']);
    const calls = fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n').sort();
    expect(calls).toEqual([
      '--context lab get backendtlspolicies.gateway.networking.k8s.io -n kasm -o json',
      '--context lab get clusters.postgresql.cnpg.io -n kasm -o json',
      '--context lab get deployments,pods -A -l app.kubernetes.io/name=cloudnative-pg -o json',
      '--context lab get helmchartconfigs.helm.cattle.io -n kube-system -o json',
      '--context lab get httproutes.gateway.networking.k8s.io -n kasm -o json',
      '--context lab get ingressroutes.traefik.io -n kasm -o json',
      '--context lab get pods,pvc,jobs,events,services,endpoints,replicasets,deployments,statefulsets,configmaps,networkpolicies,serviceaccounts -n kasm -o json',
      '--context lab get pods,services,deployments,daemonsets -n kube-system -l app.kubernetes.io/name in (traefik,rke2-traefik,ingress-nginx,rke2-ingress-nginx) -o json',
      '--context lab get roles,rolebindings -n kasm -o json',
      '--context lab get secrets -n kasm -o json',
      '--context lab get storageclasses,nodes,persistentvolumes -o json',
      '--context lab get tcproutes.gateway.networking.k8s.io -n kasm -o json',
      '--context lab get tlsroutes.gateway.networking.k8s.io -n kasm -o json',
    ]);
  });

  test('--dump writes the dump atomically, Secret values blanked, and refuses to replace a file without --force', () => {
    const file = path.join(dir, 'out', 'dump.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.rmSync(file, { force: true });
    const first = cli(['diagnose', '--dump', file], { env: env() });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^wrote .*dump\.json: \d+ objects of namespaces kasm and the cluster/);
    const written = fs.readFileSync(file, 'utf8');
    expect(written).not.toContain(SECRET_VALUE);
    expect(written).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
    expect(fs.readdirSync(path.dirname(file))).toEqual(['dump.json']);
    const again = cli(['diagnose', '--dump', file], { env: env() });
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists; pass --force to replace it');
    fs.writeFileSync(file, 'mine');
    expect(cli(['diagnose', '--dump', file, '--force'], { env: env() }).status).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(written);
    const read = cli(['diagnose', '--from', file, '--json']);
    expect(JSON.parse(read.stdout).rootCauses.map((c: any) => c.id)).toEqual(['storageclass-missing:local-path']);
  });

  test('Secret values never reach the output, in JSON or text', () => {
    const encoded = Buffer.from(SECRET_VALUE).toString('base64');
    for (const args of [['diagnose', '--json'], ['diagnose']]) {
      const r = cli(args, { env: env() });
      expect(r.status).toBe(1);
      expect(r.stdout).not.toContain(SECRET_VALUE);
      expect(r.stdout).not.toContain(encoded);
    }
    const calls = fs.readFileSync(path.join(dir, 'calls.log'), 'utf8');
    expect(calls).toContain('get secrets -n kasm -o json');
    expect(calls).not.toContain('--context');
  });

  test('Roles the user may not list are a warning line, not a failed read: live mode and --dump still work', () => {
    const live = cli(['diagnose', '--json'], { env: { ...env(), STUB_RBAC_FORBIDDEN: '1' } });
    expect(live.status).toBe(1);
    expect(JSON.parse(live.stdout).rootCauses.map((c: any) => c.id)).toEqual(['storageclass-missing:local-path']);
    expect(live.stderr).toBe('warning: cannot list roles,rolebindings in namespace kasm (Error from server (Forbidden): roles.rbac.authorization.k8s.io is forbidden: '
      + 'User "dev" cannot list resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "kasm"): '
      + 'a 403 of the secret-generator cannot be pinned to its Role or RoleBinding there\n');
    const file = path.join(dir, 'rbac-forbidden.json');
    const dumped = cli(['diagnose', '--dump', file, '--force'], { env: { ...env(), STUB_RBAC_FORBIDDEN: '1' } });
    expect(dumped.status).toBe(0);
    expect(dumped.stderr).toContain('warning: cannot list roles,rolebindings in namespace kasm');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).items.length).toBeGreaterThan(50);
  });

  test('kubectl failing exits 2 with kubectl\'s own message', () => {
    const r = cli(['diagnose', '--context', 'lab'], { env: { ...env(), STUB_FAIL: '1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('failed: error: You must be logged in to the server (Unauthorized)');
  });

  test('redactSecret keeps names, type and key names only', () => {
    expect(redactSecret({
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
      metadata: { name: 's', namespace: 'kasm', managedFields: [{ manager: 'x' }], annotations: { a: 'b', 'kubectl.kubernetes.io/last-applied-configuration': SECRET_VALUE } },
      data: { k: 'dmFsdWU=' }, stringData: { t: SECRET_VALUE },
    })).toEqual({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 's', namespace: 'kasm', annotations: { a: 'b' } }, data: { k: '', t: '' } });
  });
});
