/**
 * Real binaries for the tests under test/programs: where to find them, and what happens when one is missing. On a
 * developer's machine the group is skipped with a message printed to the console and a skipped test named for it;
 * in CI (env CI set, or KASM_REQUIRE_BINARIES=1 as .ci/run sets) a missing binary fails the run instead.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Folders searched after PATH (Debian puts nginx in /usr/sbin and the PostgreSQL server outside PATH). */
const EXTRA_DIRS = ['/usr/sbin', '/sbin', ...pgBinDirs()];

function pgBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return [];
  // The newest major first.
  return fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)).map((v) => path.join(root, v, 'bin'));
}

/** The absolute path of `name`, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS]) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch { /* not here */ }
  }
  return undefined;
}

/** Whether a missing binary must fail (CI) rather than skip (a developer's machine). */
export function binariesRequired(): boolean {
  return Boolean(process.env.CI) || process.env.KASM_REQUIRE_BINARIES === '1';
}

/** The Debian packages .ci/run installs, named in the skip message. */
export const DEBIAN_PACKAGES = 'nginx-core postgresql busybox curl openssl';

/**
 * `describe(title, body)` when every binary is found (body gets their paths); otherwise a visible skip, or in CI a
 * failing test that names what is missing.
 */
export function describeWithBinaries(title: string, names: readonly string[], body: (bin: Record<string, string>) => void): void {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const n of names) {
    const p = findBinary(n);
    if (p) found[n] = p; else missing.push(n);
  }
  if (missing.length === 0) {
    describe(title, () => body(found));
    return;
  }
  const why = `${missing.join(', ')} not found (install the Debian packages: apt-get install ${DEBIAN_PACKAGES})`;
  if (binariesRequired()) {
    describe(title, () => test(`needs ${missing.join(', ')}`, () => { throw new Error(`${title}: ${why}; CI must run these tests, not skip them`); }));
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED real-binary tests "${title}": ${why}`);
  describe.skip(`${title} [SKIPPED: ${why}]`, () => test('skipped', () => undefined));
}
