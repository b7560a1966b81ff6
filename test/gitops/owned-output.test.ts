/**
 * The output folder is shared with the user's own files: a synth replaces and removes only what it wrote before, never
 * an input, never a dot-file, and a failed write leaves the previous output as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// A plain copy of the module, so a test can make one call fail as a full disk or a killed process would.
jest.mock('fs', () => ({ ...jest.requireActual('fs') }));
const mockedFs: typeof fs = jest.requireMock('fs');
import { checkOutputFolder, OutputFolderError, OWNED_RECORD, writeOwnedTree } from '../../lib/gitops/owned-output';

/** Every entry under `dir` (folders with a trailing '/', links with ' ->'), and file contents; the record left out. */
function entriesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      if (name === OWNED_RECORD) continue;
      if (e.isSymbolicLink()) out.push(`${name} ->`);
      else if (e.isDirectory()) { out.push(`${name}/`); walk(name); } else out.push(`${name}: ${fs.readFileSync(path.join(dir, name), 'utf8')}`);
    }
  };
  walk('');
  return out.sort();
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kasm-out-'));
const write = (dir: string, files: Map<string, string>, options = {}) => writeOwnedTree(checkOutputFolder(dir, options), files);
const put = (dir: string, rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};

const FILES = new Map([['a/x.yaml', 'x'], ['a/b/y.yaml', 'y'], ['c/z.yaml', 'z']]);
const EXPECTED = ['a/', 'a/b/', 'a/b/y.yaml: y', 'a/x.yaml: x', 'c/', 'c/z.yaml: z'];

afterEach(() => jest.restoreAllMocks());

test('a new folder (and its parents) is created, and the record lists exactly the files written', () => {
  const dir = path.join(tmp(), 'new', 'out');
  write(dir, FILES);
  expect(entriesUnder(dir)).toEqual(EXPECTED);
  const record = fs.readFileSync(path.join(dir, OWNED_RECORD), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  expect(record).toEqual(['a/b/y.yaml', 'a/x.yaml', 'c/z.yaml']);
});

test('a second synth removes the files it wrote and no longer writes, with their emptied folders, and nothing else', () => {
  const dir = tmp();
  write(dir, FILES);
  put(dir, 'a/mine.md', 'the user\'s own note');
  put(dir, '.git/HEAD', 'ref: refs/heads/main');
  write(dir, new Map([['a/x.yaml', 'x2']]));
  expect(entriesUnder(dir)).toEqual(['.git/', '.git/HEAD: ref: refs/heads/main', 'a/', 'a/mine.md: the user\'s own note', 'a/x.yaml: x2']);
});

test('an unchanged file is not rewritten (its modification time stays); a changed one is', () => {
  const dir = tmp();
  write(dir, FILES);
  const past = new Date('2020-01-01T00:00:00Z');
  for (const file of FILES.keys()) fs.utimesSync(path.join(dir, file), past, past);
  write(dir, new Map([...FILES, ['c/z.yaml', 'zz']]));
  const mtime = (file: string) => fs.statSync(path.join(dir, file)).mtime.getTime();
  expect(mtime('a/x.yaml')).toBe(past.getTime());
  expect(mtime('c/z.yaml')).not.toBe(past.getTime());
  expect(fs.readFileSync(path.join(dir, 'c/z.yaml'), 'utf8')).toBe('zz');
});

describe('a folder cdk8s-kasm did not write', () => {
  test('a git repository root is refused, untouched, naming the folder and --adopt', () => {
    const dir = tmp();
    put(dir, '.git/HEAD', 'ref: refs/heads/main');
    put(dir, 'values.yaml', 'namespace: kasm\n');
    expect(() => write(dir, FILES)).toThrow(OutputFolderError);
    expect(() => write(dir, FILES)).toThrow(/is not empty \('\.git', 'values\.yaml'\) and cdk8s-kasm did not write it .*--adopt/);
    expect(entriesUnder(dir)).toEqual(['.git/', '.git/HEAD: ref: refs/heads/main', 'values.yaml: namespace: kasm\n']);
  });

  test('with adopt, only this synth\'s files are written; the repository, the values file and other folders stay', () => {
    const dir = tmp();
    put(dir, '.git/HEAD', 'ref: refs/heads/main');
    put(dir, 'values.yaml', 'namespace: kasm\n');
    put(dir, 'my-charts/app.yaml', 'mine');
    write(dir, FILES, { adopt: true, inputs: [path.join(dir, 'values.yaml')] });
    expect(entriesUnder(dir)).toEqual(['.git/', '.git/HEAD: ref: refs/heads/main', ...EXPECTED, 'my-charts/', 'my-charts/app.yaml: mine', 'values.yaml: namespace: kasm\n'].sort());
    // A later synth, the folder now ours, still leaves them alone.
    write(dir, new Map([['a/x.yaml', 'x']]));
    expect(entriesUnder(dir)).toEqual(['.git/', '.git/HEAD: ref: refs/heads/main', 'a/', 'a/x.yaml: x', 'my-charts/', 'my-charts/app.yaml: mine', 'values.yaml: namespace: kasm\n']);
  });

  test('with adopt, a user\'s file at a path this synth writes is replaced only then, and a folder or link there is refused', () => {
    const dir = tmp();
    put(dir, 'a/x.yaml', 'older output');
    write(dir, FILES, { adopt: true });
    expect(fs.readFileSync(path.join(dir, 'a/x.yaml'), 'utf8')).toBe('x');
    const other = tmp();
    fs.mkdirSync(path.join(other, 'a', 'x.yaml'), { recursive: true });
    put(other, 'a/x.yaml/inside', 'keep');
    expect(() => write(other, FILES, { adopt: true })).toThrow(/'.*a\/x\.yaml' is a folder where this synth writes a file/);
    expect(fs.readFileSync(path.join(other, 'a/x.yaml/inside'), 'utf8')).toBe('keep');
  });
});

test('a folder of ours: a file we did not write at a path we now write is refused, not replaced', () => {
  const dir = tmp();
  write(dir, FILES);
  put(dir, 'a/new.yaml', 'the user\'s');
  expect(() => write(dir, new Map([...FILES, ['a/new.yaml', 'ours']]))).toThrow(/'.*a\/new\.yaml' exists and cdk8s-kasm did not write it/);
  expect(fs.readFileSync(path.join(dir, 'a/new.yaml'), 'utf8')).toBe('the user\'s');
  // The same bytes are no conflict: the file is taken into the record.
  write(dir, new Map([...FILES, ['a/new.yaml', 'the user\'s']]));
});

test('the values file is never removed or replaced, even when the record claims its path', () => {
  const dir = tmp();
  write(dir, FILES);
  fs.writeFileSync(path.join(dir, 'c/z.yaml'), 'now the values file');
  const inputs = [path.join(dir, 'c/z.yaml')];
  expect(() => write(dir, new Map([['a/x.yaml', 'x']]), { inputs })).toThrow(/is an input of this run \(the values file\)/);
  expect(() => write(dir, new Map([...FILES, ['c/z.yaml', 'other']]), { inputs })).toThrow(/is an input of this run/);
  expect(fs.readFileSync(path.join(dir, 'c/z.yaml'), 'utf8')).toBe('now the values file');
});

test('a record naming paths outside the folder, dot-files or folders removes none of them', () => {
  const dir = tmp();
  const outside = tmp();
  put(outside, 'keep.yaml', 'outside');
  write(dir, FILES);
  put(dir, 'victim/keep.yaml', 'keep');
  put(dir, '.env', 'keep');
  fs.appendFileSync(path.join(dir, OWNED_RECORD), `../${path.basename(outside)}/keep.yaml\n${outside}/keep.yaml\n.env\nvictim\n`);
  write(dir, new Map([['a/x.yaml', 'x']]));
  expect(fs.readFileSync(path.join(outside, 'keep.yaml'), 'utf8')).toBe('outside');
  expect(fs.readFileSync(path.join(dir, 'victim/keep.yaml'), 'utf8')).toBe('keep');
  expect(fs.readFileSync(path.join(dir, '.env'), 'utf8')).toBe('keep');
});

test('a link on the way to an output file is refused: nothing is written through it', () => {
  const dir = tmp();
  const outside = tmp();
  fs.symlinkSync(outside, path.join(dir, 'a'));
  expect(() => write(dir, FILES, { adopt: true })).toThrow(/'.*\/a' is a link where this synth writes the folder of 'a\/b\/y\.yaml'/);
  expect(fs.readdirSync(outside)).toEqual([]);
});

test.each([
  ['the file-system root', () => '/', /is the file-system root; choose a folder of its own/],
  ['the home folder', () => os.homedir(), /is your home folder; choose a folder of its own/],
  ['a file', () => { const f = path.join(tmp(), 'file'); fs.writeFileSync(f, 'x'); return f; }, /is a file, not a folder/],
  ['a pseudo-filesystem', () => '/proc', /is not empty .* cdk8s-kasm did not write it/],
])('%s is refused before anything is built, even with adopt when it is the root or home', (_what, dir, message) => {
  expect(() => checkOutputFolder(dir(), { adopt: /root|home/.test(String(message)) })).toThrow(message);
});

test('a failed write (a full disk) leaves the previous output intact and no staging folder behind', () => {
  const dir = tmp();
  write(dir, FILES);
  const before = entriesUnder(dir);
  const record = fs.readFileSync(path.join(dir, OWNED_RECORD), 'utf8');
  const real = fs.writeFileSync;
  let calls = 0;
  jest.spyOn(mockedFs, 'writeFileSync').mockImplementation((...args: Parameters<typeof fs.writeFileSync>) => {
    if (++calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC', path: String(args[0]) });
    return real(...args);
  });
  expect(() => write(dir, new Map([['a/x.yaml', 'x2'], ['a/b/y.yaml', 'y2'], ['d/new.yaml', 'n']]))).toThrow(/cannot write the output folder .*: the disk is full .*nothing in it was changed/);
  jest.restoreAllMocks();
  expect(entriesUnder(dir)).toEqual(before);
  expect(fs.readFileSync(path.join(dir, OWNED_RECORD), 'utf8')).toBe(record);
});

test('a run stopped after staging is finished by the next: the files it may have written are in the record', () => {
  const dir = tmp();
  write(dir, FILES);
  const real = fs.renameSync;
  let calls = 0;
  // The first rename puts the record of old and new files in place; the second (the first output file) is killed.
  jest.spyOn(mockedFs, 'renameSync').mockImplementation((from, to) => {
    if (++calls === 2) throw Object.assign(new Error('killed'), { code: 'EINTR' });
    return real(from, to);
  });
  expect(() => write(dir, new Map([['a/x.yaml', 'x'], ['e/new.yaml', 'new']]))).toThrow(/run the same synth again to finish/);
  jest.restoreAllMocks();
  put(dir, 'e/new.yaml', 'half-written');
  write(dir, new Map([['a/x.yaml', 'x'], ['e/new.yaml', 'new']]));
  expect(entriesUnder(dir)).toEqual(['a/', 'a/x.yaml: x', 'e/', 'e/new.yaml: new']);
});
