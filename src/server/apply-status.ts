/**
 * Whether each judged commit applies to each branch tip: trial cherry-picks (ApplyChecker, in its private
 * object directory) run in the background after the dashboard starts, a batch at a time, so the matrix
 * fills its apply column while the reviewer already works. Conflicts keep their hunks for the conflict view.
 */
import { ApplyChecker } from '../analysis/apply/apply-check.js';
import { parseConflictBlocks, splitLines } from '../analysis/apply/conflict-markers.js';
import type { ApplyResult, ConflictFile } from '../analysis/apply/types.js';
import type { Repository } from '../git/repo.js';
import type { ApplyState, ConflictView } from './api-types.js';

export interface ApplyCell {
  state: ApplyState;
  reason: string;
  conflicts: ConflictFile[];
}

const BATCH = 50;

function applyState(r: ApplyResult): ApplyState {
  switch (r.result) {
    case 'clean':
      return 'clean';
    case 'clean-with-offset':
      return 'offset';
    case 'conflict':
      return 'conflict';
    case 'already-applied':
      return 'already';
    case 'empty':
      return 'empty';
  }
}

export function applyCell(r: ApplyResult): ApplyCell {
  return { state: applyState(r), reason: r.reason, conflicts: r.result === 'conflict' ? r.conflicts : [] };
}

export class ApplyStatus {
  private readonly cells = new Map<string, ApplyCell>();
  pending = 0;
  /** Bumped after every batch. */
  generation = 0;

  get(branch: string, sha: string): ApplyCell | undefined {
    return this.cells.get(`${branch}\0${sha}`);
  }

  set(branch: string, sha: string, cell: ApplyCell): void {
    this.cells.set(`${branch}\0${sha}`, cell);
  }

  /** Tries every (sha, branch) of `todo` in batches; never throws (a failure marks the cells 'failed'). */
  async run(repo: Repository, todo: { branch: string; shas: string[] }[]): Promise<void> {
    this.pending = todo.reduce((n, t) => n + t.shas.length, 0);
    if (!this.pending) return;
    let checker: ApplyChecker | null = null;
    try {
      checker = await ApplyChecker.open(repo, { blame: false, fullIndex: false });
      for (const t of todo) {
        let tip: string;
        try {
          tip = await checker.resolve(t.branch);
        } catch (e) {
          this.fail(t.branch, t.shas, e);
          continue;
        }
        for (let i = 0; i < t.shas.length; i += BATCH) {
          const chunk = t.shas.slice(i, i + BATCH);
          try {
            const rs = await checker.checkMany(chunk.map((sha) => ({ sha, tip, branch: t.branch })));
            rs.forEach((r, k) => this.set(t.branch, chunk[k]!, applyCell(r)));
          } catch (e) {
            this.fail(t.branch, chunk, e);
          }
          this.pending -= chunk.length;
          this.generation++;
        }
      }
    } catch (e) {
      for (const t of todo)
        this.fail(
          t.branch,
          t.shas.filter((s) => !this.get(t.branch, s)),
          e,
        );
    } finally {
      this.pending = 0;
      this.generation++;
      checker?.close();
    }
  }

  private fail(branch: string, shas: readonly string[], e: unknown): void {
    const reason = `trial pick failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
    for (const s of shas) this.set(branch, s, { state: 'failed', reason, conflicts: [] });
  }
}

/** A conflict's hunks, each split into the branch's text, the common base and the patch's text. */
export function conflictFiles(files: readonly ConflictFile[]): ConflictView['branches'][number]['files'] {
  return files.map((f) => ({
    path: f.path,
    kinds: f.kinds,
    hunks: f.hunks.map((h) => {
      const block = parseConflictBlocks(splitLines(h.text))[0];
      return {
        branchStart: h.branch?.start ?? null,
        branchText: block ? block.ours.join('\n') : '',
        baseText: block?.base ? block.base.join('\n') : '',
        patchText: block ? block.theirs.join('\n') : '',
        raw: h.text,
      };
    }),
  }));
}
