/**
 * The trial that found the data loss, run again: `synth --out` into a platform repository, into a folder with an
 * unrelated file, and `synthVariants` into a dist/ holding the user's own charts. Nothing of theirs may go.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { K3sDev } from '../../charts';
import { OWNED_RECORD, synthVariants } from '../../lib';
import { runCli } from '../support/cli';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-synth-out-'));
const put = (dir: string, rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
const VALUES = 'namespace: kasm\n';

describe('synth --out into a platform repository root holding the values file', () => {
  const repo = tmp();
  put(repo, '.git/HEAD', 'ref: refs/heads/main\n');
  put(repo, 'values.yaml', VALUES);
  put(repo, 'README.md', 'our platform\n');
  const values = path.join(repo, 'values.yaml');

  test('without --adopt: refused with exit 2, naming the folder and the way out, and nothing touched', async () => {
    const r = await runCli(['synth', '--variant', 'k3s-dev', '--values', values, '--out', repo]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/output folder '.*' is not empty \('\.git', 'README\.md', 'values\.yaml'\) and cdk8s-kasm did not write it .*--adopt/);
    expect(r.stdout).toBe('');
    expect(fs.readdirSync(repo).sort()).toEqual(['.git', 'README.md', 'values.yaml']);
  });

  test('with --adopt: the variant and gitops/ are written, .git, README.md and the values file stay, and a rerun is clean', async () => {
    const r = await runCli(['synth', '--variant', 'k3s-dev', '--values', values, '--out', repo, '--adopt']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readdirSync(repo).sort()).toEqual(['.cdk8s-kasm-owned', '.git', 'README.md', 'gitops', 'k3s-dev', 'values.yaml']);
    expect(fs.readFileSync(values, 'utf8')).toBe(VALUES);
    expect(fs.readFileSync(path.join(repo, '.git/HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    const again = await runCli(['synth', '--variant', 'k3s-dev', '--values', values, '--out', repo]);
    expect(again.status).toBe(0);
    expect(fs.readdirSync(repo).sort()).toEqual(['.cdk8s-kasm-owned', '.git', 'README.md', 'gitops', 'k3s-dev', 'values.yaml']);
  });
});

test('--out danger with an unrelated README.md: refused, the README kept', async () => {
  const danger = tmp();
  put(danger, 'README.md', 'unrelated');
  const r = await runCli(['synth', '--variant', 'k3s-dev', '--out', danger]);
  expect(r.status).toBe(2);
  expect(fs.readFileSync(path.join(danger, 'README.md'), 'utf8')).toBe('unrelated');
});

test('--out a file is refused with exit 2 and the file kept', async () => {
  const file = path.join(tmp(), 'values.yaml');
  fs.writeFileSync(file, VALUES);
  const r = await runCli(['synth', '--variant', 'k3s-dev', '--out', file]);
  expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/is a file, not a folder/)]);
  expect(fs.readFileSync(file, 'utf8')).toBe(VALUES);
});

test('synthVariants into a dist/ of ours with the user\'s own chart folder beside the variants keeps that folder', () => {
  const dist = tmp();
  const variant = { name: 'k3s-dev', build: (app: any) => new K3sDev(app, 'k3s-dev') };
  synthVariants([variant], dist);
  put(dist, 'my-charts/app.yaml', 'kind: ConfigMap\n');
  put(dist, 'k3s-dev/app/local-patch.yaml', 'mine\n');
  synthVariants([variant], dist);
  expect(fs.readFileSync(path.join(dist, 'my-charts/app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
  expect(fs.readFileSync(path.join(dist, 'k3s-dev/app/local-patch.yaml'), 'utf8')).toBe('mine\n');
  expect(fs.existsSync(path.join(dist, OWNED_RECORD))).toBe(true);
});
