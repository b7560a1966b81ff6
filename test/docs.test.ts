/** Every optional prop of the public constructs documents its default (`@default`), as the style guide asks. */
import * as fs from 'fs';
import * as path from 'path';

const ROOTS = ['lib', 'charts'].map((d) => path.join(__dirname, '..', d));

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Optional members of exported `...Props`/`...Options` interfaces whose doc comment lacks `@default`. */
function undocumentedDefaults(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const missing: string[] = [];
  for (const m of text.matchAll(/export interface (\w+(?:Props|Options))\b[^{]*\{([\s\S]*?)\n\}/g)) {
    const [, iface, body] = m;
    for (const member of body.matchAll(/(\/\*\*[\s\S]*?\*\/)?\s*readonly (\w+)\?:/g)) {
      if (!member[1] || !member[1].includes('@default')) missing.push(`${path.basename(file)} ${iface}.${member[2]}`);
    }
  }
  return missing;
}

test('every optional prop has a doc comment with @default', () => {
  const files = ROOTS.flatMap(tsFiles);
  expect(files.length).toBeGreaterThan(10);
  expect(files.flatMap(undocumentedDefaults)).toEqual([]);
});

test('the README\'s scaling table is the contract\'s', () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { scalingTable } = require('../lib/scaling/table');
  const { KasmVersion } = require('../lib');
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const between = readme.split('<!-- scaling-table:start -->\n')[1].split('\n<!-- scaling-table:end -->')[0];
  expect(between).toBe(scalingTable(KasmVersion.V1_18_1));
});
