/**
 * Merging two commits without a work tree or index: one long-lived
 * `git merge-tree --stdin --write-tree -z --messages` (merge-ort; git 2.39 has --stdin but not
 * --merge-base, so callers shape the history so that the merge base is the one they want). Written
 * trees and blobs go wherever the target's GIT_OBJECT_DIRECTORY points.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { InternalError, StablepickError } from '../errors.js';
import { spawnFailure, spawnGit, type GitTarget } from './run.js';

/** One higher-stage entry of a conflicted path (1 = base, 2 = ours/first, 3 = theirs/second). */
export interface MergeStageEntry {
  mode: string;
  oid: string;
  stage: 1 | 2 | 3;
  path: string;
}

/** One informational message of merge-ort: the paths it names, a stable type, the text. */
export interface MergeMessage {
  paths: string[];
  /** e.g. `Auto-merging`, `CONFLICT (contents)`, `CONFLICT (modify/delete)`, `CONFLICT (rename/delete)`. */
  type: string;
  message: string;
}

export interface MergeTreeResult {
  clean: boolean;
  /** The merged tree (with conflict markers inside conflicted files). */
  tree: string;
  entries: MergeStageEntry[];
  messages: MergeMessage[];
}

interface Pending {
  /** null for the sentinel merge that follows every request. */
  resolve: ((r: MergeTreeResult) => void) | null;
  reject: (e: Error) => void;
}

export interface MergeTreeOptions {
  /** merge.conflictStyle for conflict markers (does not change which merges are clean). Default diff3. */
  conflictStyle?: 'merge' | 'diff3' | 'zdiff3';
  /**
   * A commit (any; best a tiny one) merged with itself after every request. git 2.39 flushes a merge's
   * output except its final NUL, which comes out only with the next merge: the sentinel's output pushes
   * it out so each answer arrives at once. Without it, answers come one request late.
   */
  sentinel?: string;
}

/** A parser of merge-tree's `-z --messages --stdin` output; exported for tests. */
export class MergeTreeOutputParser {
  private fields: string[] = [];
  private partial: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns the merges completed by them. */
  push(chunk: Buffer): MergeTreeResult[] {
    const buf = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const at = buf.indexOf(0, start);
      if (at < 0) break;
      this.fields.push(buf.subarray(start, at).toString('utf8'));
      start = at + 1;
    }
    this.partial = Buffer.from(buf.subarray(start));
    const out: MergeTreeResult[] = [];
    for (;;) {
      const r = this.tryRecord();
      if (!r) break;
      out.push(r);
    }
    return out;
  }

  private tryRecord(): MergeTreeResult | null {
    const f = this.fields;
    let i = 0;
    const need = (): string | undefined => f[i++];
    const status = need();
    if (status === undefined) return null;
    const code = Number(status);
    if (!Number.isInteger(code) || code < 0) {
      throw new InternalError('merge-tree-output', `git merge-tree could not merge (status ${status})`);
    }
    const tree = need();
    if (tree === undefined) return null;
    const entries: MergeStageEntry[] = [];
    for (;;) {
      const e = need();
      if (e === undefined) return null;
      if (e === '') break;
      const m = /^(\d+) ([0-9a-f]+) ([123])\t(.*)$/s.exec(e);
      if (!m) throw new InternalError('merge-tree-output', `git merge-tree printed an unexpected entry: ${e.slice(0, 80)}`);
      entries.push({ mode: m[1] ?? '', oid: m[2] ?? '', stage: Number(m[3]) as 1 | 2 | 3, path: m[4] ?? '' });
    }
    const messages: MergeMessage[] = [];
    for (;;) {
      const n = need();
      if (n === undefined) return null;
      if (n === '') break;
      const count = Number(n);
      const paths: string[] = [];
      for (let k = 0; k < count; k++) {
        const p = need();
        if (p === undefined) return null;
        paths.push(p);
      }
      const type = need();
      const message = need();
      if (type === undefined || message === undefined) return null;
      messages.push({ paths, type, message: message.replace(/\n$/, '') });
    }
    // A whole record is here: drop its fields.
    this.fields = f.slice(i);
    return { clean: code === 1, tree, entries, messages };
  }
}

export class MergeTreeBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private readonly parser = new MergeTreeOutputParser();
  private dead: Error | null = null;
  private stderr = '';
  private readonly sentinel: string | null;

  private constructor(target: GitTarget, opts: MergeTreeOptions) {
    this.sentinel = opts.sentinel ?? null;
    const style = opts.conflictStyle ?? 'diff3';
    this.child = spawnGit(target, ['-c', `merge.conflictStyle=${style}`, 'merge-tree', '--stdin', '--write-tree', '-z', '--messages']);
    this.child.on('error', (e: NodeJS.ErrnoException) => this.fail(spawnFailure(e)));
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.on('data', (b: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += b.toString('utf8');
    });
    this.child.stdout.on('data', (b: Buffer) => {
      try {
        for (const r of this.parser.push(b)) this.queue.shift()?.resolve?.(r);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    this.child.on('close', (code) => {
      if (this.queue.some((q) => q.resolve)) {
        const line = this.stderr.trim().split('\n')[0] ?? '';
        this.fail(new StablepickError('GIT_FAILED', { command: 'merge-tree', gitSays: line, when: 'ended', status: code }));
      }
      this.dead ??= new InternalError('merge-tree-closed', 'git merge-tree is closed');
    });
  }

  static open(target: GitTarget, opts: MergeTreeOptions = {}): MergeTreeBatch {
    return new MergeTreeBatch(target, opts);
  }

  /**
   * Merges commit `theirs` into commit `ours` (full ids). Answers come in request order. merge-tree chooses the merge base itself: give
   * it commits whose only common ancestor is the base you mean.
   */
  merge(ours: string, theirs: string): Promise<MergeTreeResult> {
    if (this.dead) return Promise.reject(this.dead);
    if (!/^[0-9a-f]{40,64}$/.test(ours) || !/^[0-9a-f]{40,64}$/.test(theirs)) {
      return Promise.reject(new InternalError('merge-tree-ids', `merge-tree needs full commit ids, got ${ours} ${theirs}`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      let line = `${ours} ${theirs}\n`;
      if (this.sentinel) {
        this.queue.push({ resolve: null, reject: () => undefined });
        line += `${this.sentinel} ${this.sentinel}\n`;
      }
      this.child.stdin.write(line);
    });
  }

  close(): void {
    this.dead ??= new InternalError('merge-tree-closed', 'git merge-tree is closed');
    this.child.stdin.end();
  }

  private fail(e: Error): void {
    this.dead = e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }
}
