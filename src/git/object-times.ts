/**
 * Keeps the modification times of a repository's object files as they were. When git writes an object
 * the repository already has (a trial merge whose tree equals one the branch has, `git am` in a shared
 * clone), it "freshens" that object instead: `utime()` on the loose object or pack file, in the
 * repository itself or in any repository it borrows objects from (`objects/info/alternates`, e.g. the
 * origin of a `git clone --shared`). git 2.39 has no setting that turns this off. Contents never change,
 * but a tool that promises not to write the repository must leave its times alone too, so the times are
 * recorded before stablepick lets git write and put back afterwards.
 *
 * Limits: a file freshened by another git process while stablepick runs gets its earlier time back (the
 * same state as if that process had not needed it); a process killed between the two steps leaves the
 * new times; times are restored to the microsecond (Node's utimes takes seconds as a double).
 */
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';

interface Recorded {
  file: string;
  ino: bigint;
  size: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
}

export interface ObjectTimes {
  /** The object directories watched: the repository's and every alternate, transitively. */
  readonly dirs: readonly string[];
  /** Puts back the times of every recorded file git changed; returns how many were put back. Idempotent. */
  restore(): number;
}

/** Object directories `objectDir` reads from: itself, then its alternates (transitively, each once). */
export function objectDirsWithAlternates(objectDir: string, extra: readonly string[] = []): string[] {
  const seen: string[] = [];
  const visit = (dir: string): void => {
    const abs = path.resolve(dir);
    if (seen.includes(abs) || !existsSync(abs)) return;
    seen.push(abs);
    let text = '';
    try {
      text = readFileSync(path.join(abs, 'info', 'alternates'), 'utf8');
    } catch {
      return;
    }
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      visit(path.resolve(abs, line.startsWith('"') ? (JSON.parse(line) as string) : line));
    }
  };
  visit(objectDir);
  for (const d of extra) visit(d);
  return seen;
}

function record(file: string, out: Recorded[]): void {
  try {
    const s = statSync(file, { bigint: true });
    if (s.isFile()) out.push({ file, ino: s.ino, size: s.size, atimeNs: s.atimeNs, mtimeNs: s.mtimeNs });
  } catch {
    // gone meanwhile (a concurrent gc): nothing to keep
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Records the times of every loose object and pack file in `objectDir` and its alternates. */
export function recordObjectTimes(objectDir: string, opts: { alternates?: readonly string[] } = {}): ObjectTimes {
  const dirs = objectDirsWithAlternates(objectDir, opts.alternates ?? []);
  const files: Recorded[] = [];
  for (const dir of dirs) {
    for (const name of listDir(dir)) {
      if (/^[0-9a-f]{2}$/.test(name)) {
        for (const obj of listDir(path.join(dir, name))) record(path.join(dir, name, obj), files);
      } else if (name === 'pack') {
        for (const p of listDir(path.join(dir, 'pack'))) record(path.join(dir, 'pack', p), files);
      }
    }
  }
  let done = false;
  const restore = (): number => {
    if (done) return 0;
    done = true;
    let n = 0;
    for (const r of files) {
      try {
        const s = statSync(r.file, { bigint: true });
        // Only a time change on the same file: a file replaced meanwhile (repack) is not ours to touch.
        if (s.ino !== r.ino || s.size !== r.size || s.mtimeNs === r.mtimeNs) continue;
        utimesSync(r.file, Number(r.atimeNs / 1000n) / 1e6, Number(r.mtimeNs / 1000n) / 1e6);
        n++;
      } catch {
        // removed or not ours to change: leave it
      }
    }
    return n;
  };
  return { dirs, restore };
}
