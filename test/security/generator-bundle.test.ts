/**
 * The one file the generator's ConfigMap carries: rebuilt in memory from lib/security/generator/*.ts it must equal the committed
 * bundle byte for byte (run `npm run generator` after changing a module), twice the same, small, free of machine
 * paths, aimed at the Job image's Node, and exactly what synth puts in the ConfigMap.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { K3sDev } from '../../charts';
import { GENERATOR_IMAGE } from '../../lib/security/generator';
import { find, Manifest } from '../support/manifests';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'bundle-generator.js');
const { OUTFILE, NODE_TARGET, bundleGenerator } = require(SCRIPT) as { OUTFILE: string; NODE_TARGET: string; bundleGenerator(): Promise<string> };
const COMMITTED = path.join(ROOT, OUTFILE);

/** The first line where two texts differ, to say where the committed bundle is stale; null when they are equal. */
function firstDifference(a: string, b: string): string | null {
  if (a === b) return null;
  const [x, y] = [a.split('\n'), b.split('\n')];
  const i = x.findIndex((line, n) => line !== y[n]);
  const at = i === -1 ? x.length : i;
  return `line ${at + 1}: rebuilt ${JSON.stringify(x[at])}, committed ${JSON.stringify(y[at])}`;
}


describe('the generator bundle', () => {
  let fresh: string;
  let committed: string;

  beforeAll(async () => {
    fresh = await bundleGenerator();
    committed = fs.readFileSync(COMMITTED, 'utf8');
  }, 60_000);

  test('is fresh: rebuilding the modules gives the committed file byte for byte (else run `npm run generator`)', () => {
    expect(fresh.length).toBeGreaterThan(0);
    expect(firstDifference(fresh, committed)).toBeNull();
  });

  test('is deterministic: a second build is identical', async () => {
    expect(firstDifference(await bundleGenerator(), fresh)).toBeNull();
  }, 60_000);

  test('stays small, far below the 1 MiB a ConfigMap may hold', () => {
    expect(Buffer.byteLength(committed)).toBeLessThan(256 * 1024);
  });

  test('carries no machine path, source map or timestamp', () => {
    expect(committed).not.toContain(ROOT);
    expect(committed).not.toMatch(/\/(home|root|tmp|work|Users)\//);
    expect(committed).not.toMatch(/sourceMappingURL|\b20\d\d-\d\d-\d\dT\d\d:/);
    expect(committed.startsWith('// In-cluster Secret generator of cdk8s-kasm')).toBe(true);
  });

  test('has no line that starts like a YAML document marker (the ConfigMap then renders on the fast path)', () => {
    expect(committed.split('\n').filter((line) => /^(%|---|\.\.\.)/.test(line))).toEqual([]);
  });

  test('targets the Node.js of the Job image and needs nothing but its built-ins', () => {
    expect(NODE_TARGET).toBe(`node${GENERATOR_IMAGE.tag.replace(/-.*$/, '')}`);
    const required = [...committed.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['crypto', 'fs', 'https']));
  });

  test('runs as the Job runs it: a missing plan is one line on stderr and exit code 1', () => {
    const res = spawnSync(process.execPath, [COMMITTED], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect({ status: res.status, stdout: res.stdout, stderr: res.stderr }).toEqual({
      status: 1, stdout: '', stderr: 'secret-generator: usage: node secret-generator.js <plan.json>\n',
    });
  });

  test('is what synth puts in the ConfigMap', () => {
    const m = Testing.synth(new K3sDev(Testing.app(), 'x')) as Manifest[];
    expect(find(m, 'ConfigMap', 'kasm-secret-generator').data['secret-generator.js'] === committed).toBe(true);
  });
});
