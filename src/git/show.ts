/**
 * Reading files of any revision without a checkout, through one long-lived `git cat-file --batch`
 * (cat-file-batch.ts). Missing paths come back as null.
 */
import { CatFileBatch } from './cat-file-batch.js';
import { gitText, type GitTarget } from './run.js';

export { resolveCommit } from './refs.js';

/** Blobs by `<rev>:<path>` through one long-lived `git cat-file --batch` (started on first use). */
export class BlobReader {
  private batch: CatFileBatch | null = null;

  constructor(private readonly target: GitTarget) {}

  /** The content of `path` at `rev` (a commit or tree), or null if the tree has no such file. */
  async read(rev: string, path: string): Promise<Buffer | null> {
    if (/[\n]/.test(path)) return null;
    this.batch ??= CatFileBatch.open(this.target);
    const o = await this.batch.read(`${rev}:${path}`);
    return o && o.type === 'blob' ? o.data : null;
  }

  async readText(rev: string, path: string): Promise<string | null> {
    const b = await this.read(rev, path);
    return b ? b.toString('utf8') : null;
  }

  /** Ends the git process. */
  close(): void {
    this.batch?.close();
    this.batch = null;
  }
}

/** Paths of the files of `rev` (git ls-tree -r), optionally only those `keep` accepts. */
export async function listFiles(target: GitTarget, rev: string, keep?: (path: string) => boolean): Promise<string[]> {
  const out = await gitText(target, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', rev]);
  const all = out.split('\0').filter(Boolean);
  return keep ? all.filter(keep) : all;
}
