/**
 * Writes a dump file atomically: into a temporary file beside it, then linked (or, with `force`, renamed) into place.
 *
 * A dump is evidence for a bug report; a half-written one, or one that silently replaced another file, would be
 * worse than none, so readers only ever see a complete file and an existing file is kept unless the user says so.
 */
import * as fs from 'fs';
import * as path from 'path';

/** The file exists and `force` was not given; the CLI turns this into a usage error. */
export class DumpExistsError extends Error {
  constructor(readonly file: string) {
    super(`'${file}' already exists; pass --force to replace it, or choose another file name`);
    this.name = 'DumpExistsError';
  }
}

/** Writes `text` to `file`; never leaves a partial file, and refuses to replace one unless `force`. */
export function writeDumpFile(file: string, text: string, force: boolean): void {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text, { flag: 'wx', mode: 0o600 });
  try {
    if (force) {
      fs.renameSync(tmp, file);
      return;
    }
    try {
      fs.linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new DumpExistsError(file);
      throw err;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
