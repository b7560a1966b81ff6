/** `cdk8s-kasm synth --values` and `--print-defaults` as a YAML-only team runs them (the CLI in process: test/support/cli.ts), and the shipped schema. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import * as yaml from 'js-yaml';
import { VARIANTS } from '../../charts';
import { VALUES_VARIANTS } from '../../charts/spec/language';
import { valuesJsonSchemaText } from '../../cli/values/values-file';
import { runCli } from '../support/cli';
import { filesUnder } from '../support/files';

const ROOT = path.join(__dirname, '..', '..');
const run = (...args: string[]) => runCli(args);
const SCHEMA_FILE = path.join(ROOT, 'cli', 'values', 'values.schema.json');


let work: string;
beforeAll(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-values-cli-')); });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the values schema', () => {
  test('the committed cli/values/values.schema.json is what charts/spec/keys.ts generates (npm run values-schema)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(valuesJsonSchemaText());
  });

  test('values variants are the published variants', () => {
    expect([...VALUES_VARIANTS]).toEqual(VARIANTS.map((v) => v.name));
  });

  test('the package ships it: files, exports and copy-assets', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['./values.schema.json']).toBe('./build/cli/values/values.schema.json');
    expect(pkg.files).toContain('build/cli/values/values.schema.json');
    expect(fs.readFileSync(path.join(ROOT, 'scripts', 'copy-assets.js'), 'utf8')).toContain("'cli/values/values.schema.json'");
  });
});

describe.each(VALUES_VARIANTS)('--print-defaults for %s', (variant) => {
  test('is valid under the schema, and fed back with --values gives exactly dist/<variant>', async () => {
    const printed = await run('synth', '--variant', variant, '--print-defaults');
    expect(printed.stderr).toBe('');
    expect(printed.status).toBe(0);
    expect(printed.stdout).toMatch(/^# cdk8s-kasm values for /);
    const ajv = new Ajv({ allErrors: true, strict: true });
    const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
    ajv.addSchema(schema);
    const validate = ajv.getSchema(`${schema.$id}#/definitions/${variant}`)!;
    expect([validate(yaml.load(printed.stdout)), validate.errors]).toEqual([true, null]);

    const file = path.join(work, `${variant}.yaml`);
    fs.writeFileSync(file, printed.stdout);
    const out = path.join(work, `out-${variant}`);
    const r = await run('synth', '--variant', variant, '--values', file, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(filesUnder(path.join(out, variant))).toEqual(filesUnder(path.join(ROOT, 'dist', variant)));
    expect(fs.readdirSync(out).sort()).toEqual(['.cdk8s-kasm-owned', 'gitops', variant]);
  }, 60_000);
});

describe('synth --values errors', () => {
  const write = (name: string, text: string) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, text);
    return file;
  };

  test('bad values: every problem at once, exit 1, no stack trace, nothing written', async () => {
    const file = write('bad.yaml', 'namespace: Kasm\ndatabase:\n  storage:\n    size: 10GB\n  replicas: 2\n');
    const out = path.join(work, 'never');
    const r = await run('synth', '--variant', 'k3s-dev', '--values', file, '--out', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`cdk8s-kasm: ${file} has 3 problems for k3s-dev:`);
    expect(r.stderr).toContain(`${file}: database.storage.size: '10GB' is not accepted; accepted: a size in whole Mi, Gi or Ti`);
    expect(r.stderr).toContain(`${file}: database.replicas: 2 is not accepted: 'replicas' is not a key here; accepted keys: storage`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a YAML syntax error names the file, line and column', async () => {
    const file = write('syntax.yaml', 'namespace: kasm\ndatabase:\n  storage:\n   size: 10Gi\n  bad: [\n');
    const r = await run('synth', '--variant', 'k3s-dev', '--values', file, '--out', path.join(work, 'never'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^cdk8s-kasm: ${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: .* \\(YAML syntax\\)`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a duplicated key is a syntax error on its line', async () => {
    const file = write('dup.yaml', 'namespace: kasm\nalerts: true\nnamespace: other\n');
    const r = await run('synth', '--variant', 'k3s-dev', '--values', file, '--out', path.join(work, 'never'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:3:1: duplicated mapping key`);
  });

  test('a missing file is a usage error naming it and how to make one', async () => {
    const file = path.join(work, 'nope.yaml');
    const r = await run('synth', '--variant', 'k3s-dev', '--values', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`--values '${file}' does not exist; write one with 'cdk8s-kasm synth --variant NAME --print-defaults > values.yaml'`);
  });

  test.each([
    [['synth', '--variant', 'all', '--values', 'x.yaml'], /--values applies to one variant: k3s-dev, k3s-prod, rke2-cnpg, not 'all'/],
    [['synth', '--variant', 'all', '--print-defaults'], /--print-defaults needs one variant/],
    [['synth', '--variant', 'k3s-dev', '--print-defaults', '--out', 'x'], /--print-defaults writes to stdout and takes only --variant/],
  ])('%j is a usage error', async (args, message) => {
    const r = await run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('a release change of a synthesized folder needs upgradeFrom, as in TypeScript; with it the upgrade phase is written', async () => {
    const out = path.join(work, 'upgrade');
    expect((await run('synth', '--variant', 'k3s-dev', '--values', write('v1181.yaml', 'version: 1.18.1\n'), '--out', out)).status).toBe(0);
    const file = write('v1190.yaml', 'version: 1.19.0\n');
    const refused = await run('synth', '--variant', 'k3s-dev', '--values', file, '--out', out);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`k3s-dev: the output folder holds Kasm 1.18.1 and this synth writes Kasm 1.19.0 without saying upgradeFrom. An upgrade must be explicit: set upgradeFrom: '1.18.1' in ${file}`);
    expect(fs.readdirSync(path.join(out, 'k3s-dev')).sort()).toEqual(['NOTES.md', 'app', 'database', 'kustomization.yaml']);
    const upgrade = write('upgrade.yaml', 'version: 1.19.0\nupgradeFrom: 1.18.1\nupgradeBackup:\n  size: 30Gi\n');
    const r = await run('synth', '--variant', 'k3s-dev', '--values', upgrade, '--out', out);
    expect([r.stderr, r.status]).toEqual(['', 0]);
    expect(fs.readdirSync(path.join(out, 'k3s-dev')).sort()).toEqual(['NOTES.md', 'app', 'database', 'kustomization.yaml', 'upgrade']);
    expect(fs.readFileSync(path.join(out, 'k3s-dev', 'upgrade', 'PersistentVolumeClaim.kasm-upgrade-backup.yaml'), 'utf8')).toContain('storage: 30Gi');
  }, 60_000);

  test('an empty values file is the variant\'s defaults (k3s-prod still needs its hostname)', async () => {
    const file = write('empty.yaml', '# nothing yet\n');
    const r = await run('synth', '--variant', 'k3s-prod', '--values', file, '--out', path.join(work, 'never'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}: hostname: (not given) is required in k3s-prod`);
  });
});
