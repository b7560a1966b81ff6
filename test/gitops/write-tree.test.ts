/** writeTree leaves a folder as `rm -rf` and writing the files would: exactly the files, no stale entry of any kind. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeTree } from '../../lib/gitops/write-tree';

/** Every entry under `dir` (folders with a trailing '/', links with ' ->'), and file contents. */
function entriesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (e.isSymbolicLink()) out.push(`${name} ->`);
      else if (e.isDirectory()) { out.push(`${name}/`); walk(name); } else out.push(`${name}: ${fs.readFileSync(path.join(dir, name), 'utf8')}`);
    }
  };
  walk('');
  return out.sort();
}

const FILES = new Map([['a/x.yaml', 'new x'], ['a/b/y.yaml', 'new y'], ['top.yaml', 'top'], ['c/z.yaml', 'z']]);
const EXPECTED = ['a/', 'a/b/', 'a/b/y.yaml: new y', 'a/x.yaml: new x', 'c/', 'c/z.yaml: z', 'top.yaml: top'];

test('over stale files, stale folders, a file where a folder goes, a folder where a file goes, and links', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-tree-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-tree-outside-'));
  fs.writeFileSync(path.join(outside, 'keep.yaml'), 'outside');
  fs.mkdirSync(path.join(dir, 'a', 'old'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a', 'x.yaml'), 'old x');
  fs.writeFileSync(path.join(dir, 'a', 'stale.yaml'), 'stale');
  fs.writeFileSync(path.join(dir, 'a', 'old', 'deep.yaml'), 'deep');
  fs.writeFileSync(path.join(dir, 'a', 'b'), 'a file where a folder goes');
  fs.mkdirSync(path.join(dir, 'top.yaml'));
  fs.symlinkSync(outside, path.join(dir, 'c'));
  fs.symlinkSync(path.join(outside, 'keep.yaml'), path.join(dir, 'link.yaml'));
  writeTree(dir, FILES);
  expect(entriesUnder(dir)).toEqual(EXPECTED);
  expect(fs.readFileSync(path.join(outside, 'keep.yaml'), 'utf8')).toBe('outside');
  expect(fs.readdirSync(outside)).toEqual(['keep.yaml']);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

test('into a missing folder, and over a file where the folder goes', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-tree-'));
  writeTree(path.join(parent, 'new', 'out'), FILES);
  expect(entriesUnder(path.join(parent, 'new', 'out'))).toEqual(EXPECTED);
  fs.writeFileSync(path.join(parent, 'file'), 'not a folder');
  writeTree(path.join(parent, 'file'), FILES);
  expect(entriesUnder(path.join(parent, 'file'))).toEqual(EXPECTED);
  fs.rmSync(parent, { recursive: true, force: true });
});

test('a file that already holds its content is not rewritten; a changed one is', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-tree-'));
  writeTree(dir, FILES);
  const past = new Date('2020-01-01T00:00:00Z');
  for (const file of FILES.keys()) fs.utimesSync(path.join(dir, file), past, past);
  writeTree(dir, new Map([...FILES, ['top.yaml', 'top, changed'], ['c/z.yaml', 'zz']]));
  const mtime = (file: string) => fs.statSync(path.join(dir, file)).mtime.getTime();
  expect(mtime('a/x.yaml')).toBe(past.getTime());
  expect(mtime('a/b/y.yaml')).toBe(past.getTime());
  expect(mtime('top.yaml')).not.toBe(past.getTime());
  expect(mtime('c/z.yaml')).not.toBe(past.getTime());
  expect(fs.readFileSync(path.join(dir, 'top.yaml'), 'utf8')).toBe('top, changed');
  expect(fs.readFileSync(path.join(dir, 'c/z.yaml'), 'utf8')).toBe('zz');
  fs.rmSync(dir, { recursive: true, force: true });
});
