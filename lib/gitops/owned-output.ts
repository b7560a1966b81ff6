/**
 * Writes synthesized files into an output folder that may also hold a user's own files (a platform repository, its
 * `.git`, the values file just read): only files this package wrote before are ever replaced or removed.
 *
 * The record of owned files (`.cdk8s-kasm-owned`) sits beside the output. A folder without it is not ours: it must be
 * empty or new, unless the caller says `adopt`, and even then nothing but the files this synth writes is touched.
 * New content is staged first; a failure while staging (a full or read-only disk) leaves the previous output as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The record of the files this package owns in an output folder, one relative path per line. */
export const OWNED_RECORD = '.cdk8s-kasm-owned';
/** Where new content is staged before it replaces the old (inside the folder: same file system, so rename is atomic). */
const STAGING = '.cdk8s-kasm-staging';

const RECORD_HEADER = [
  '# Written by cdk8s-kasm: the files it owns in this folder, one per line. It replaces and removes only these.',
  '# Delete this file and cdk8s-kasm treats the folder as not its own (it then refuses to write here without --adopt).',
];

/** How a synth may treat its output folder. */
export interface OwnedOutputOptions {
  /**
   * Write into a folder cdk8s-kasm did not create (or one written before it kept a record): files at the paths this
   * synth writes are replaced; nothing else is touched or removed.
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Files this run read (the values file): never written, replaced or removed, wherever they sit.
   * @default - none
   */
  readonly inputs?: readonly string[];
}

/** The output folder cannot be written safely: nothing was changed, and the message says why and what to do. */
export class OutputFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputFolderError';
  }
}

/** What {@link checkOutputFolder} found: the folder's real path and the files it owns there. */
export interface OutputFolder {
  readonly dir: string;
  readonly owned: ReadonlySet<string>;
  readonly adopt: boolean;
  readonly inputs: ReadonlySet<string>;
}

/**
 * Decides whether `dir` may receive output, before anything is built or written: refuses the file-system root, the
 * home folder, a file, and a non-empty folder without a record of ours (unless `adopt`).
 */
export function checkOutputFolder(dir: string, options: OwnedOutputOptions = {}): OutputFolder {
  const adopt = options.adopt ?? false;
  const inputs = new Set((options.inputs ?? []).map(realPathOrSelf));
  const absolute = path.resolve(dir);
  const stat = fs.statSync(absolute, { throwIfNoEntry: false });
  if (stat === undefined) {
    assertParentWritable(absolute);
    return { dir: absolute, owned: new Set(), adopt, inputs };
  }
  if (!stat.isDirectory()) throw new OutputFolderError(`output folder '${dir}' is a file, not a folder; choose a new or empty folder`);
  const real = fs.realpathSync(absolute);
  if (real === path.parse(real).root || real === realPathOrSelf(os.homedir())) {
    throw new OutputFolderError(`output folder '${dir}' is ${real === path.parse(real).root ? 'the file-system root' : 'your home folder'}; `
      + 'choose a folder of its own (e.g. ./dist)');
  }
  const owned = readRecord(real);
  if (owned === undefined && !adopt) {
    const entries = readEntries(real, dir);
    if (entries.length > 0) {
      const shown = entries.slice(0, 5).map((e) => `'${e}'`).join(', ') + (entries.length > 5 ? `, and ${entries.length - 5} more` : '');
      throw new OutputFolderError(`output folder '${dir}' is not empty (${shown}) and cdk8s-kasm did not write it (no ${OWNED_RECORD}); `
        + 'choose a new or empty folder, or pass --adopt (synthVariants: { adopt: true }) to write only this synth\'s files into it');
    }
  }
  return { dir: real, owned: owned ?? new Set(), adopt, inputs };
}

/**
 * Makes `folder` hold `files` (relative path with '/' -> content) among whatever else is there: files it owned before
 * and no longer writes are removed, files it writes are created or replaced (an unchanged file is left alone, so its
 * modification time says when it last changed), and every other entry is left exactly as it was.
 */
export function writeOwnedTree(folder: OutputFolder, files: ReadonlyMap<string, string>): void {
  const { dir, owned } = folder;
  const wanted = [...files.keys()].sort();
  for (const file of wanted) assertSafeRelative(file, 'an output file');
  const changed = wanted.filter((file) => mustWrite(folder, file, files.get(file)!));
  const stale = [...owned].filter((file) => !files.has(file)).sort();
  for (const file of [...changed, ...stale]) assertNotInput(folder, file);
  if (changed.length === 0 && stale.length === 0 && sameRecord(owned, wanted)) return;

  ensureFolder(dir);
  const staging = path.join(dir, STAGING);
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    stage(staging, changed, files);
    // Owned now: the old files and the new; a run stopped after this line is finished by the next one.
    writeRecord(dir, [...new Set([...owned, ...wanted])]);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw fileSystemError(err, dir, 'nothing in it was changed');
  }
  try {
    for (const file of stale) removeOwnedFile(dir, file);
    for (const file of changed) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.renameSync(path.join(staging, file), path.join(dir, file));
    }
    removeEmptyFolders(dir, stale);
    writeRecord(dir, wanted);
  } catch (err) {
    throw fileSystemError(err, dir, `run the same synth again to finish (${OWNED_RECORD} lists every file it may replace)`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Whether `file` must be (re)written; throws when writing it would replace what this package did not write. */
function mustWrite(folder: OutputFolder, file: string, content: string): boolean {
  const target = path.join(folder.dir, file);
  assertParentsAreFolders(folder, file);
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (stat === undefined) return true;
  const ours = folder.owned.has(file);
  if (!stat.isFile()) {
    throw new OutputFolderError(`'${target}' is ${stat.isDirectory() ? 'a folder' : 'a link or special file'} where this synth writes a file; `
      + 'cdk8s-kasm never removes what it did not write: move it away, or choose another output folder');
  }
  if (fs.readFileSync(target).equals(Buffer.from(content, 'utf8'))) return false;
  if (!ours && !folder.adopt) {
    throw new OutputFolderError(`'${target}' exists and cdk8s-kasm did not write it (it is not in ${OWNED_RECORD}); `
      + 'move it away, or pass --adopt to let this synth replace the files it writes');
  }
  return true;
}

/** Every folder on the way to `file` is a real folder (or absent), never a link out of the output or a file we did not write. */
function assertParentsAreFolders(folder: OutputFolder, file: string): void {
  const parts = file.split('/');
  for (let i = 1; i < parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    const stat = fs.lstatSync(path.join(folder.dir, rel), { throwIfNoEntry: false });
    if (stat === undefined) return;
    if (stat.isDirectory()) continue;
    if (stat.isFile() && folder.owned.has(rel)) continue;
    throw new OutputFolderError(`'${path.join(folder.dir, rel)}' is ${stat.isSymbolicLink() ? 'a link' : 'a file'} where this synth writes the folder `
      + `of '${file}'; cdk8s-kasm never writes through links or removes what it did not write: move it away, or choose another output folder`);
  }
}

/** Refuses to write or remove a file this run read. */
function assertNotInput(folder: OutputFolder, file: string): void {
  const target = realPathOrSelf(path.join(folder.dir, file));
  if (folder.inputs.has(target)) {
    throw new OutputFolderError(`'${target}' is an input of this run (the values file) and this synth would ${folder.owned.has(file) ? 'replace or remove' : 'write'} `
      + 'it; keep inputs outside the files cdk8s-kasm writes');
  }
}

/** Writes the changed files under the staging folder, mirroring their paths. */
function stage(staging: string, changed: readonly string[], files: ReadonlyMap<string, string>): void {
  for (const file of changed) {
    const target = path.join(staging, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, files.get(file)!, 'utf8');
  }
}

/** Unlinks an owned file (never follows a link, never removes a folder: a folder there was put by someone else). */
function removeOwnedFile(dir: string, file: string): void {
  const target = path.join(dir, file);
  const stat = fs.lstatSync(target, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory()) fs.unlinkSync(target);
}

/** Removes the folders of removed files that are now empty, deepest first (a folder with anything left stays). */
function removeEmptyFolders(dir: string, removed: readonly string[]): void {
  const folders = new Set<string>();
  for (const file of removed) {
    for (let d = path.posix.dirname(file); d !== '.'; d = path.posix.dirname(d)) folders.add(d);
  }
  for (const folder of [...folders].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? -1 : 1))) {
    const target = path.join(dir, folder);
    const stat = fs.lstatSync(target, { throwIfNoEntry: false });
    if (stat?.isDirectory() && fs.readdirSync(target).length === 0) fs.rmdirSync(target);
  }
}

/** The owned files listed in `dir`'s record, or undefined without one. Unsafe lines (absolute, `..`, dot-files) are ignored. */
function readRecord(dir: string): Set<string> | undefined {
  const file = path.join(dir, OWNED_RECORD);
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stat === undefined) return undefined;
  if (!stat.isFile()) throw new OutputFolderError(`'${file}' is not a file; cdk8s-kasm keeps its record of owned files there: remove it`);
  const owned = new Set<string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    if (isSafeRelative(line)) owned.add(line);
  }
  return owned;
}

/** Writes the record atomically (a temporary file renamed over it). */
function writeRecord(dir: string, files: readonly string[]): void {
  const text = [...RECORD_HEADER, ...[...files].sort()].join('\n') + '\n';
  const target = path.join(dir, OWNED_RECORD);
  if (fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text) return;
  const temporary = `${target}.tmp`;
  fs.writeFileSync(temporary, text, 'utf8');
  fs.renameSync(temporary, target);
}

function sameRecord(owned: ReadonlySet<string>, wanted: readonly string[]): boolean {
  return owned.size === wanted.length && wanted.every((f) => owned.has(f));
}

/** A relative '/' path with no empty, `.` or `..` segment and no dot-file: the only kind of path this package writes. */
function isSafeRelative(file: string): boolean {
  return file.length > 0 && file.length < 4096 && !file.includes('\\') && !file.includes('\0')
    && file.split('/').every((part) => part.length > 0 && !part.startsWith('.'));
}

function assertSafeRelative(file: string, what: string): void {
  if (!isSafeRelative(file)) throw new OutputFolderError(`${what} '${file}' is not a plain relative path; cdk8s-kasm writes no dot-file and nothing outside its folder`);
}

function ensureFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw fileSystemError(err, dir, 'nothing was written');
  }
}

/** A new folder's nearest existing ancestor must be a folder (not a file, not a pseudo-file). */
function assertParentWritable(absolute: string): void {
  let parent = path.dirname(absolute);
  while (!fs.existsSync(parent) && parent !== path.dirname(parent)) parent = path.dirname(parent);
  if (!fs.statSync(parent).isDirectory()) throw new OutputFolderError(`output folder '${absolute}' cannot be created: '${parent}' is a file`);
}

/** The names in `dir` (sorted), as an error can show them. */
function readEntries(dir: string, shown: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (err) {
    throw fileSystemError(err, shown, 'nothing was written');
  }
}

/** A file-system failure as one sentence: what happened, where, and what state the folder is in. */
function fileSystemError(err: unknown, dir: string, state: string): Error {
  if (err instanceof OutputFolderError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const where = (err as NodeJS.ErrnoException).path ?? dir;
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EDQUOT' ? 'the disk quota is exhausted'
      : code === 'ENOTDIR' ? 'a file stands where a folder is needed' : `${code ?? 'error'}: ${(err as Error).message}`;
  return new OutputFolderError(`cannot write the output folder '${dir}': ${why} (at '${where}'); ${state}`);
}

function realPathOrSelf(file: string): string {
  try {
    return fs.realpathSync(path.resolve(file));
  } catch {
    return path.resolve(file);
  }
}
