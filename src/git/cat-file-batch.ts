/**
 * Reading objects through one long-lived `git cat-file --batch`: one process for thousands of reads.
 * Requests are answered in order; read() may be called concurrently.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { InternalError, StablepickError } from '../errors.js';
import { spawnFailure, spawnGit, type GitTarget } from './run.js';

export interface GitObject {
  oid: string;
  type: string;
  data: Buffer;
}

interface Pending {
  resolve: (o: GitObject | null) => void;
  reject: (e: Error) => void;
}

export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private dead: Error | null = null;
  private stderr = '';

  private constructor(target: GitTarget) {
    this.child = spawnGit(target, ['cat-file', '--batch']);
    this.child.on('error', (e: NodeJS.ErrnoException) => this.fail(spawnFailure(e)));
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.on('data', (b: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += b.toString('utf8');
    });
    this.child.stdout.on('data', (b: Buffer) => this.onData(b));
    this.child.on('close', (code) => {
      if (this.queue.length) {
        this.fail(
          new StablepickError('GIT_FAILED', { command: 'cat-file --batch', gitSays: this.stderr.trim().split('\n')[0] ?? '', when: 'ended', status: code }),
        );
      }
      this.dead ??= new InternalError('cat-file-closed', 'git cat-file --batch is closed');
    });
  }

  static open(target: GitTarget): CatFileBatch {
    return new CatFileBatch(target);
  }

  /** The object named `rev` (an id or any `<rev>:<path>`-style name), or null when it does not exist. */
  read(rev: string): Promise<GitObject | null> {
    if (this.dead) return Promise.reject(this.dead);
    if (/[\n]/.test(rev)) return Promise.reject(new StablepickError('BAD_REVISION', { rev, expected: 'object name', fix: 'give a commit id or name' }));
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.child.stdin.write(`${rev}\n`);
    });
  }

  /** Like read() but the object must exist. */
  async mustRead(rev: string, type?: string): Promise<GitObject> {
    const o = await this.read(rev);
    if (!o) throw new StablepickError('MISSING_OBJECT', { object: rev });
    if (type && o.type !== type)
      throw new StablepickError('BAD_REVISION', { rev, expected: 'object type', found: o.type, wanted: type, fix: `give a ${type}` });
    return o;
  }

  close(): void {
    if (!this.dead) this.dead = new InternalError('cat-file-closed', 'git cat-file --batch is closed');
    this.child.stdin.end();
  }

  private fail(e: Error): void {
    this.dead = e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString('utf8');
      // `<oid> <type> <size>`, or `<name as asked> missing|ambiguous`: the name may hold spaces (a path).
      const parts = /^([0-9a-f]{40,64}) ([a-z]+) (\d+)$/.exec(header);
      if (!parts && / (?:missing|ambiguous)$/.test(header)) {
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift()?.resolve(null);
        continue;
      }
      const size = Number(parts?.[3]);
      if (!parts || !Number.isFinite(size)) {
        this.fail(new InternalError('cat-file-output', `git cat-file --batch printed an unexpected line: ${header.slice(0, 80)}`));
        return;
      }
      if (this.buf.length < nl + 1 + size + 1) return;
      const data = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift()?.resolve({ oid: parts[1] ?? '', type: parts[2] ?? '', data });
    }
  }
}

/** A commit object, parsed. `raw` headers are kept verbatim so the commit can be re-written exactly. */
export interface ParsedCommit {
  oid: string;
  tree: string;
  parents: string[];
  /** `Name <mail> timestamp tz`, verbatim. */
  author: string;
  committer: string;
  encoding: string | null;
  message: string;
  /** The object's bytes. */
  raw: Buffer;
}

export function parseCommit(oid: string, data: Buffer): ParsedCommit {
  const text = data.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const message = end < 0 ? '' : text.slice(end + 2);
  const c: ParsedCommit = { oid, tree: '', parents: [], author: '', committer: '', encoding: null, message, raw: data };
  for (const line of head.split('\n')) {
    if (line.startsWith(' ')) continue; // continuation of a multi-line header (gpgsig, mergetag)
    const sp = line.indexOf(' ');
    const key = line.slice(0, sp);
    const val = line.slice(sp + 1);
    if (key === 'tree') c.tree = val;
    else if (key === 'parent') c.parents.push(val);
    else if (key === 'author') c.author = val;
    else if (key === 'committer') c.committer = val;
    else if (key === 'encoding') c.encoding = val;
  }
  return c;
}

/**
 * The bytes of a commit object like `raw` but with another tree and parents, and without signatures
 * (gpgsig, gpgsig-sha256, mergetag): author, committer, encoding and message stay byte for byte.
 */
export function rewriteCommit(raw: Buffer, tree: string, parents: readonly string[]): Buffer {
  const end = raw.indexOf('\n\n');
  const head = end < 0 ? raw : raw.subarray(0, end);
  const rest = end < 0 ? Buffer.from('\n') : raw.subarray(end + 1);
  const keep: Buffer[] = [Buffer.from(`tree ${tree}\n${parents.map((p) => `parent ${p}\n`).join('')}`)];
  let skipping = false;
  let start = 0;
  while (start <= head.length) {
    let nl = head.indexOf(10, start);
    if (nl < 0) nl = head.length;
    const line = head.subarray(start, nl);
    start = nl + 1;
    if (line.length === 0) continue;
    if (line[0] === 32) {
      if (!skipping) keep.push(line, Buffer.from('\n'));
      continue;
    }
    const key = line.subarray(0, Math.max(0, line.indexOf(32))).toString('latin1');
    skipping = key === 'tree' || key === 'parent' || key === 'gpgsig' || key === 'gpgsig-sha256' || key === 'mergetag';
    if (!skipping) keep.push(line, Buffer.from('\n'));
  }
  keep.push(rest);
  return Buffer.concat(keep);
}
