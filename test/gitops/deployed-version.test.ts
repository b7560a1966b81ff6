/** The release a previous synth left in a folder: read without a YAML parser when the layout is synth's own. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { deployedVersion, labelsAsWritten } from '../../lib/gitops/deployed-version';
import { manifestYaml } from '../../lib/gitops/manifest-yaml';

const DIST = path.join(__dirname, '..', '..', 'dist');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

test('every committed manifest with labels reads as a YAML parser reads it', () => {
  const manifests = filesUnder(DIST).filter((f) => f.endsWith('.yaml'));
  let read = 0;
  for (const file of manifests) {
    const text = fs.readFileSync(file, 'utf8');
    const labels = (yaml.load(text) as any)?.metadata?.labels;
    if (labels === undefined) continue;
    expect([file, labelsAsWritten(text)]).toEqual([file, labels]);
    read++;
  }
  expect(read).toBeGreaterThan(100);
});

test('quoted values, and labels followed by more metadata', () => {
  const text = manifestYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { a: '1.19', b: 'yes', c: 'null', d: 'plain', e: '' }, name: 'n' } });
  expect(labelsAsWritten(text)).toEqual({ a: '1.19', b: 'yes', c: 'null', d: 'plain', e: '' });
});

test.each([
  ['flow style', 'metadata: {labels: {a: b}}\n'],
  ['another indentation', 'metadata:\n   labels:\n      a: b\n'],
  ['an escaped value', 'metadata:\n  labels:\n    a: "x\\ny"\n'],
  ['a value that is not one plain word', 'metadata:\n  labels:\n    a: b c\n'],
  ['no labels', 'metadata:\n  name: x\n'],
  ['no metadata', 'kind: X\n'],
])('%s is left to the YAML parser', (_what, text) => {
  expect(labelsAsWritten(text)).toBeUndefined();
});

describe('deployedVersion', () => {
  const dirs: string[] = [];
  const folder = (files: Record<string, string>): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-deployed-'));
    dirs.push(dir);
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test('the committed variants', () => {
    for (const variant of ['k3s-dev', 'k3s-prod', 'rke2-cnpg']) expect(deployedVersion(path.join(DIST, variant))).toBe('1.19.0');
  });

  test('a hand-edited file in flow style is parsed', () => {
    const dir = folder({ 'app/Deployment.kasm-api.yaml': 'kind: Deployment\nmetadata: {labels: {app.kubernetes.io/part-of: kasm, app.kubernetes.io/version: "1.16.0"}}\n' });
    expect(deployedVersion(dir)).toBe('1.16.0');
  });

  test('a Deployment that is not part of kasm, a missing folder, and an empty one', () => {
    const other = folder({ 'app/Deployment.other.yaml': 'metadata:\n  labels:\n    app.kubernetes.io/part-of: other\n    app.kubernetes.io/version: 9.9.9\n' });
    expect(deployedVersion(other)).toBeUndefined();
    expect(deployedVersion(path.join(other, 'missing'))).toBeUndefined();
    expect(deployedVersion(folder({}))).toBeUndefined();
  });
});
