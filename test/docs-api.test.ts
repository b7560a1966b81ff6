/**
 * The committed API reference (docs/api, typedoc + typedoc-plugin-markdown over the package's two entry points) is
 * what the doc comments say now: regenerated into a temp dir and compared byte for byte. typedoc runs once, via its
 * bin, with the repository's typedoc.json (`treatWarningsAsErrors`: a broken {@link} or a public type that references
 * an unexported one fails here). typedoc skips the type check (`skipErrorChecking`): `npm test` runs tsc beside jest,
 * and a second full check here cost half of typedoc's time.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const COMMITTED = path.join(ROOT, 'docs', 'api');
const TYPEDOC = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');

/** Every file under `dir`, as sorted paths relative to it with forward slashes. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    return e.isDirectory() ? walk(p) : [path.relative(dir, p).split(path.sep).join('/')];
  });
  return walk(dir).sort();
}

describe('docs/api', () => {
  let work: string;
  let fresh: string;
  let run: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-docs-'));
    fresh = path.join(work, 'api');
    run = spawnSync(process.execPath, [TYPEDOC, '--out', fresh, '--logLevel', 'Warn'], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    });
  }, 120_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test('typedoc reports no warning (broken links, unexported types referenced by public ones)', () => {
    expect(`${run.stdout}${run.stderr}`.trim()).toBe('');
    expect(run.status).toBe(0);
  });

  test('the committed docs/api is what `npm run docs` generates now', () => {
    const want = filesUnder(fresh);
    if (run.status !== 0 || want.length === 0) throw new Error('typedoc failed (see the test above), so docs/api could not be compared');
    const have = filesUnder(COMMITTED);
    const differing = [
      ...want.filter((f) => !have.includes(f)).map((f) => `missing: ${f}`),
      ...have.filter((f) => !want.includes(f)).map((f) => `extra: ${f}`),
      ...want.filter((f) => have.includes(f))
        .filter((f) => !fs.readFileSync(path.join(fresh, f)).equals(fs.readFileSync(path.join(COMMITTED, f))))
        .map((f) => `changed: ${f}`),
    ];
    if (differing.length > 0) {
      throw new Error(`docs/api is stale: run npm run docs\n${differing.slice(0, 20).join('\n')}${differing.length > 20 ? `\n... and ${differing.length - 20} more` : ''}`);
    }
  });

  test('it documents both entry points under their import paths, without machine-specific details', () => {
    const files = filesUnder(COMMITTED);
    for (const page of ['README.md', 'cdk8s-kasm/README.md', 'cdk8s-kasm/charts/README.md', 'cdk8s-kasm/classes/KasmControlPlane.md',
      'cdk8s-kasm/charts/classes/K3sProd.md', 'cdk8s-kasm/interfaces/KasmDatabaseProps.md']) {
      expect(files).toContain(page);
    }
    const text = files.map((f) => fs.readFileSync(path.join(COMMITTED, f), 'utf8')).join('\n');
    expect(text).not.toContain(ROOT);
    expect(text).not.toMatch(/blob\/[0-9a-f]{7,40}\//);
    expect(text).toContain('#### Default');
  });
});
