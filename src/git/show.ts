/**
 * Reading files of any revision without a checkout: one long-lived `git cat-file --batch` process answers
 * `<rev>:<path>` requests in order. Missing paths come back as null.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { StablepickError } from '../errors.js';
import { gitText, spawnFailure, spawnGit, type GitTarget } from './run.js';

interface Pending {
  resolve: (b: Buffer | null) => void;
  reject: (e: Error) => void;
}

export class BlobReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private failure: Error | null = null;

  constructor(private readonly target: GitTarget) {}

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawnGit(this.target, ['cat-file', '--batch']);
    child.on('error', (e: NodeJS.ErrnoException) => this.fail(spawnFailure(e)));
    child.stdin.on('error', () => undefined);
    child.stderr.on('data', () => undefined);
    child.stdout.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.drain();
    });
    child.on('close', () => {
      this.child = null;
      if (this.queue.length) this.fail(new StablepickError('GIT_FAILED', 'git cat-file --batch ended early', 'check the repository with git fsck'));
    });
    this.child = child;
    return child;
  }

  private fail(e: Error): void {
    this.failure = e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private drain(): void {
    for (;;) {
      const p = this.queue[0];
      if (!p) return;
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift();
        p.resolve(null);
        continue;
      }
      const size = Number(header.slice(header.lastIndexOf(' ') + 1));
      if (!Number.isFinite(size)) {
        this.fail(new StablepickError('GIT_FAILED', `unexpected git cat-file output: ${header.slice(0, 80)}`, 'this is a bug in stablepick'));
        return;
      }
      if (this.buf.length < nl + 1 + size + 1) return;
      const body = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift();
      const type = header.split(' ')[1];
      p.resolve(type === 'blob' ? body : null);
    }
  }

  /** The content of `path` at `rev` (a commit or tree), or null if the tree has no such file. */
  read(rev: string, path: string): Promise<Buffer | null> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\n]/.test(path)) return Promise.resolve(null);
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      child.stdin.write(`${rev}:${path}\n`);
    });
  }

  async readText(rev: string, path: string): Promise<string | null> {
    const b = await this.read(rev, path);
    return b ? b.toString('utf8') : null;
  }

  /** Ends the git process. */
  close(): void {
    if (this.child) {
      this.child.stdin.end();
      this.child = null;
    }
  }
}

/** One file at one revision (spawns git once; use BlobReader for many). */
export async function showFile(target: GitTarget, rev: string, path: string): Promise<string | null> {
  const r = new BlobReader(target);
  try {
    return await r.readText(rev, path);
  } finally {
    r.close();
  }
}

/** Full sha of the commit `rev` names; a typed error if it names none. */
export async function resolveCommit(target: GitTarget, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new StablepickError('BAD_ARGUMENT', `not a revision: ${rev}`, 'give a commit, branch or tag name');
  const out = await gitText(target, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { okCodes: [1, 128] });
  if (!/^[0-9a-f]{40,64}$/.test(out)) {
    throw new StablepickError('UNKNOWN_REVISION', `unknown revision ${rev}`, 'check the commit, branch or tag name (git rev-parse must know it)');
  }
  return out;
}

/** Paths of the files of `rev` (git ls-tree -r), optionally only those `keep` accepts. */
export async function listFiles(target: GitTarget, rev: string, keep?: (path: string) => boolean): Promise<string[]> {
  const out = await gitText(target, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', rev]);
  const all = out.split('\0').filter(Boolean);
  return keep ? all.filter(keep) : all;
}
