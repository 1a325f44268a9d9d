/**
 * Writing the files a user asks for (--out, --out-dir, --patch-dir, export folders) so that no command
 * leaves a partial file: the bytes go to a temporary file next to the target, are flushed, and the
 * temporary file is renamed over the target (a rename within one folder is atomic). On a full disk or an
 * I/O error the temporary file is removed, the target is left as it was, and the error is the one-line IO
 * error of `userErrorOf`.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, rmdirSync, writeSync, existsSync } from 'node:fs';
import path from 'node:path';
import { StablepickError } from '../errors.js';
import { userErrorOf } from '../history/db.js';

let serial = 0;

function tempNameFor(target: string): string {
  serial++;
  return path.join(path.dirname(target), `.${path.basename(target)}.stablepick-${process.pid}-${serial}.tmp`);
}

function asUserError(e: unknown, target: string): unknown {
  const u = userErrorOf(e, target);
  if (u) return u;
  // Permission denied, a missing folder, a folder where a file should be: the user's to fix.
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new StablepickError('IO', { op: 'write', target, path: target, why: (e as Error).message, fix: 'give a path you can write' });
  }
  return e;
}

/** Writes `data` to `file` through a temporary file and a rename. */
export function writeOutputFile(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  const tmp = tempNameFor(file);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', opts.mode ?? 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    rmSync(tmp, { force: true });
    throw asUserError(e, file);
  }
}

/**
 * A folder filled under a temporary name and moved into place by `commit()` (the target must not exist or
 * be empty); `abort()` removes it. For exports of many files: the target holds all of them or none.
 */
export interface StagedFolder {
  /** Where to write the files now. */
  readonly path: string;
  commit(): void;
  abort(): void;
}

export function stageFolder(target: string): StagedFolder {
  const tmp = tempNameFor(target);
  try {
    mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    mkdirSync(tmp);
  } catch (e) {
    throw asUserError(e, target);
  }
  return {
    path: tmp,
    commit: () => {
      try {
        if (existsSync(target)) rmdirSync(target); // only an empty folder (rmdir refuses anything else)
        renameSync(tmp, target);
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw asUserError(e, target);
      }
    },
    abort: () => rmSync(tmp, { recursive: true, force: true }),
  };
}
