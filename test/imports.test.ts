/** The committed CRD bindings in imports/ are what `npm run import` generates from ../shared/crds. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const SHARED = path.join(ROOT, '..', 'shared', 'crds');

// ../shared exists on the team's machines only; a fresh clone has the committed imports and skips this check.
(fs.existsSync(SHARED) ? test : test.skip)('imports/ is fresh', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-imports-'));
  try {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['import', '--no-check-upgrade', '-o', out], { cwd: ROOT, stdio: 'pipe' });
    const files = (dir: string) => fs.readdirSync(dir).sort();
    expect(files(out)).toEqual(files(path.join(ROOT, 'imports')));
    for (const f of files(out)) {
      expect({ f, same: fs.readFileSync(path.join(out, f), 'utf8') === fs.readFileSync(path.join(ROOT, 'imports', f), 'utf8') }).toEqual({ f, same: true });
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 60000);
