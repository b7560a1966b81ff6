/** The bin's `synth` command, run as a user runs it (a child process): the same bytes as the committed dist/; usage in process. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../support/cli';
import { filesUnder } from '../support/files';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'cli', 'main.ts');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { encoding: 'utf8', cwd: ROOT });


describe('cdk8s-kasm synth', () => {
  test('--variant k3s-dev writes the committed dist/k3s-dev byte for byte, and only that variant', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-synth-'));
    const r = run('synth', '--variant', 'k3s-dev', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/synthesized .*k3s-dev/);
    expect(fs.existsSync(path.join(out, 'k3s-prod'))).toBe(false);
    expect(filesUnder(path.join(out, 'k3s-dev'))).toEqual(filesUnder(path.join(ROOT, 'dist', 'k3s-dev')));
  });

  test.each([
    [['synth'], /--variant is required: k3s-dev, k3s-prod, rke2-cnpg or all/],
    [['synth', '--variant', 'k3s-test'], /--variant 'k3s-test' is not a variant; accepted: k3s-dev, k3s-prod, rke2-cnpg, all/],
    [['synth', '--variant'], /flag --variant needs a value/],
  ])('%j is a usage error (exit 2) naming the flag and what is accepted', async (args, message) => {
    const r = await runCli(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  test('--help', async () => {
    expect((await runCli(['synth', '--help'])).stdout).toMatch(/^Usage: cdk8s-kasm synth --variant NAME/);
  });
});
