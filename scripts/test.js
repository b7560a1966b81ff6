'use strict';
/**
 * `npm test`: the type check (`tsc --noEmit -p tsconfig.json`) and `jest --ci` side by side, so the wall time is the
 * longer of the two, not their sum (jest transpiles without types; the type check is still part of every run).
 * Arguments go to jest (`npm test -- test/cli`). Exit status: the type check's if it failed, else jest's.
 */
const { spawn } = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/** Runs a node script; resolves with its exit status (and its output, when captured). */
function run(script, args, capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    if (capture) {
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
    }
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

async function main() {
  // The type check's output is held back until jest is done, so the two do not interleave.
  const typecheck = run(require.resolve('typescript/bin/tsc'), ['--noEmit', '-p', 'tsconfig.json'], true);
  const jest = await run(require.resolve('jest/bin/jest'), ['--ci', ...process.argv.slice(2)], false);
  const tsc = await typecheck;
  if (tsc.code !== 0) {
    process.stderr.write(`\ntsc --noEmit -p tsconfig.json failed:\n${tsc.output}`);
    return tsc.code;
  }
  process.stdout.write('tsc --noEmit -p tsconfig.json: no type errors\n');
  return jest.code;
}

main().then((code) => { process.exitCode = code; });
