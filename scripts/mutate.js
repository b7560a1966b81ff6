'use strict';
/**
 * `npm run mutate`: Stryker on the security core (stryker.config.mjs), then the score of each file, which must be at
 * least 85% (Stryker's own `break` threshold only looks at the total). Arguments go to Stryker (`-- --incremental`).
 * With one file (`-- --mutate lib/security/egress.ts`) only that file's tests run (MUTATE_FILE, jest.stryker.config.js);
 * `--all-tests` runs them all anyway.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
/** The JSON report, where stryker.config.mjs writes it (MUTATE_REPORTS, or reports/mutation). */
const REPORT = path.join(ROOT, process.env.MUTATE_REPORTS ?? path.join('reports', 'mutation'), 'mutation.json');
const MINIMUM = 85;

/** Per file: mutants detected (killed, timed out) and undetected (survived, no coverage), as Stryker scores them. */
function scores(report) {
  return Object.entries(report.files).map(([file, { mutants }]) => {
    const count = (...states) => mutants.filter((m) => states.includes(m.status)).length;
    const detected = count('Killed', 'Timeout');
    const undetected = count('Survived', 'NoCoverage');
    const total = detected + undetected;
    return { file, detected, undetected, score: total === 0 ? 100 : (100 * detected) / total };
  }).sort((a, b) => a.file.localeCompare(b.file));
}

/** The one file given to `--mutate`, if exactly one plain file is: then only its own tests run (jest.stryker.config.js). */
function singleFile(args) {
  const values = args.flatMap((a, i) => (a === '--mutate' || a === '-m' ? [args[i + 1]] : a.startsWith('--mutate=') ? [a.slice(9)] : []));
  return values.length === 1 && /^[\w./-]+\.ts$/.test(values[0] ?? '') ? values[0] : undefined;
}

function main() {
  fs.rmSync(REPORT, { force: true });
  const started = Date.now();
  const args = process.argv.slice(2);
  const file = singleFile(args);
  const env = file === undefined || args.includes('--all-tests') ? process.env : { ...process.env, MUTATE_FILE: file };
  const stryker = spawnSync(process.execPath, [path.join(path.dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js'), 'run', ...args.filter((a) => a !== '--all-tests')], { cwd: ROOT, stdio: 'inherit', env });
  if (stryker.status !== 0 || !fs.existsSync(REPORT)) return stryker.status || 1;
  const rows = scores(JSON.parse(fs.readFileSync(REPORT, 'utf8')));
  process.stdout.write(`\nScore per file (at least ${MINIMUM}% each), ${Math.round((Date.now() - started) / 1000)} s:\n`);
  for (const r of rows) {
    process.stdout.write(`${r.score.toFixed(1).padStart(6)}%  ${String(r.detected).padStart(4)} detected ${String(r.undetected).padStart(4)} undetected  ${r.file}${r.score < MINIMUM ? '  BELOW' : ''}\n`);
  }
  return rows.some((r) => r.score < MINIMUM) ? 1 : 0;
}

process.exitCode = main();
