/**
 * `cdk8s-kasm validate`: the schemas and the doctor offline, on a variant, a values file or a folder of manifests;
 * findings on stdout (or as JSON), exit 1 when any, nothing written.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'validate-test-'));
const DIST = path.join(__dirname, '..', '..', 'dist');

describe('validate --variant [--values]', () => {
  test('a published variant has no findings, and nothing is written', async () => {
    const cwd = process.cwd();
    const dir = tmp();
    process.chdir(dir);
    try {
      const run = await runCli(['validate', '--variant', 'k3s-prod']);
      expect(run).toEqual({ status: 0, stdout: 'validate: no findings\n', stderr: '' });
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a values file whose pods do not fit its nodes: the capacity finding, exit 1, JSON on request', async () => {
    const file = path.join(tmp(), 'values.yaml');
    fs.writeFileSync(file, 'nodes:\n  - count: 1\n    cpu: 1\n    memory: 1073741824\n');
    const run = await runCli(['validate', '--variant', 'k3s-dev', '--values', file, '--json']);
    expect(run.status).toBe(1);
    const { findings } = JSON.parse(run.stdout);
    expect(findings.map((f: any) => f.rule)).toContain('capacity');
  });

  test('a bad value is one config finding naming the key', async () => {
    const file = path.join(tmp(), 'values.yaml');
    fs.writeFileSync(file, 'namespace: Kasm\n');
    const run = await runCli(['validate', '--variant', 'k3s-dev', '--values', file]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^\[config\] .*values\.yaml has 1 problem for k3s-dev:\n.*values\.yaml: namespace: 'Kasm' is not a valid Kubernetes name/);
  });

  test('usage errors exit 2', async () => {
    expect((await runCli(['validate'])).status).toBe(2);
    expect((await runCli(['validate', '--variant', 'nope'])).stderr).toMatch(/--variant 'nope' is not a variant; accepted: k3s-dev/);
    expect((await runCli(['validate', '/no/such/folder'])).stderr).toMatch(/'\/no\/such\/folder' does not exist/);
    expect((await runCli(['validate', 'a', 'b'])).stderr).toMatch(/takes one folder/);
  });
});

describe('validate DIR', () => {
  test('the committed dist/ has no findings', async () => {
    expect(await runCli(['validate', DIST])).toEqual({ status: 0, stdout: 'validate: no findings\n', stderr: '' });
  });

  test('a typo, an object in a namespace nothing creates and a custom resource of no prerequisite: one finding each', async () => {
    const dir = tmp();
    fs.cpSync(path.join(DIST, 'k3s-dev'), dir, { recursive: true });
    const api = path.join(dir, 'app', 'Deployment.kasm-api.yaml');
    fs.writeFileSync(api, fs.readFileSync(api, 'utf8').replace(/^spec:\n/m, 'spec:\n  replica: 2\n'));
    fs.writeFileSync(path.join(dir, 'app', 'extra.yaml'), [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: desktops}\n',
      'apiVersion: widgets.example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: kasm}\n',
    ].join('---\n'));
    const run = await runCli(['validate', dir, '--json']);
    expect(run.status).toBe(1);
    const findings = JSON.parse(run.stdout).findings as { rule: string; object: string; message: string }[];
    expect(findings.map((f) => [f.rule, f.object])).toEqual(expect.arrayContaining([
      ['schema', path.join('app', 'Deployment.kasm-api.yaml')],
      ['doctor:namespaces', path.join('app', 'extra.yaml#0')],
      ['doctor:prerequisites', path.join('app', 'extra.yaml#1')],
    ]));
    expect(findings.find((f) => f.rule === 'schema')!.message).toMatch(/Deployment\/kasm-api: \/spec must NOT have additional property 'replica'/);
    // The Widget has no schema either.
    expect(findings.filter((f) => f.rule === 'schema').map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringMatching(/no schema for apiVersion widgets\.example\.com\/v1 kind Widget/)]));
  });

  test('a file that is not YAML is a finding, not a crash', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'a: [\n');
    const run = await runCli(['validate', dir]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^\[yaml\] /);
  });
});
