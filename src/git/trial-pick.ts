/**
 * The trial cherry-pick: the 3-way merge of C^ -> C onto a tip T, with merge-ort (renames followed, the
 * same merge `git cherry-pick` does), without a work tree, without the user's index, and with every object
 * written into a private object directory.
 *
 * git 2.39's merge-tree has no --merge-base, so the history is shaped instead: in the private store,
 * B = a parentless commit with C^'s tree, T' = T's tree with parent B, C' = C's tree with parent B. The
 * only merge base of T' and C' is B, so `merge-tree T' C'` is exactly the cherry-pick merge. These three
 * commits are written in process (zlib + hash), the merges go through one long-lived
 * `git merge-tree --stdin`.
 */
import { CatFileBatch, parseCommit, rewriteCommit, type ParsedCommit } from './cat-file-batch.js';
import { MergeTreeBatch, type MergeTreeResult } from './merge-tree.js';
import { commitBody, openPrivateObjectStore, type PrivateObjectStore } from './object-store.js';
import type { GitTarget } from './run.js';
import { StablepickError } from '../errors.js';

const SYNTHETIC_IDENT = 'stablepick <stablepick@invalid> 0 +0000';

export interface TrialMerge {
  /** The synthetic base, ours and theirs commits (private store). */
  base: string;
  ours: string;
  theirs: string;
  merge: MergeTreeResult;
}

export class TrialPickSession {
  readonly store: PrivateObjectStore;
  readonly objects: CatFileBatch;
  private readonly merger: MergeTreeBatch;
  private readonly commits = new Map<string, Promise<ParsedCommit>>();
  private readonly emptyTree: string;

  private constructor(store: PrivateObjectStore) {
    this.store = store;
    this.objects = CatFileBatch.open(store.target);
    this.emptyTree = store.writeObject('tree', Buffer.alloc(0));
    const sentinel = store.writeObject(
      'commit',
      commitBody({ tree: this.emptyTree, parents: [], author: SYNTHETIC_IDENT, committer: SYNTHETIC_IDENT, message: 'stablepick sentinel\n' }),
    );
    this.merger = MergeTreeBatch.open(store.target, { conflictStyle: 'diff3', sentinel });
  }

  /** Opens a session on `repo` (only read). close() it. */
  static async open(repo: GitTarget, opts: { tmpRoot?: string } = {}): Promise<TrialPickSession> {
    const store = await openPrivateObjectStore(repo, opts);
    try {
      return new TrialPickSession(store);
    } catch (e) {
      store.close();
      throw e;
    }
  }

  /** The target for every git call of this session (private objects, alternates to the user's). */
  get target(): GitTarget {
    return this.store.target;
  }

  /** A commit by full id (cached). */
  readCommit(sha: string): Promise<ParsedCommit> {
    let p = this.commits.get(sha);
    if (!p) {
      p = this.objects.mustRead(sha, 'commit').then((o) => parseCommit(o.oid, o.data));
      this.commits.set(sha, p);
      p.catch(() => this.commits.delete(sha));
    }
    return p;
  }

  /** The tree of the first parent of `c` (the empty tree for a root commit). */
  async parentTree(c: ParsedCommit): Promise<string> {
    const p = c.parents[0];
    if (!p) return this.emptyTree;
    return (await this.readCommit(p)).tree;
  }

  /** The 3-way merge (base tree -> pick tree) onto `ontoTree`. */
  async merge(baseTree: string, pickTree: string, ontoTree: string): Promise<TrialMerge> {
    const base = this.writeSynthetic(baseTree, [], 'base');
    const ours = this.writeSynthetic(ontoTree, [base], 'ours');
    const theirs = this.writeSynthetic(pickTree, [base], 'theirs');
    const merge = await this.merger.merge(ours, theirs);
    return { base, ours, theirs, merge };
  }

  /** Cherry-picks commit `c` onto a tree. */
  async pick(c: ParsedCommit, ontoTree: string): Promise<TrialMerge> {
    if (c.parents.length > 1) {
      throw new StablepickError('BAD_REVISION', { rev: c.oid, expected: 'non-merge', fix: 'give the commits the merge brings, one by one' });
    }
    return this.merge(await this.parentTree(c), c.tree, ontoTree);
  }

  /**
   * Writes the adapted commit: `c`'s author, committer, encoding and message byte for byte, with `tree`
   * and the single parent `parent` (private store). Its id depends only on those, so it is reproducible.
   */
  writeAdapted(c: ParsedCommit, tree: string, parent: string): string {
    return this.store.writeObject('commit', rewriteCommit(c.raw, tree, [parent]));
  }

  close(): void {
    this.objects.close();
    this.merger.close();
    this.store.close();
  }

  private writeSynthetic(tree: string, parents: string[], what: string): string {
    return this.store.writeObject(
      'commit',
      commitBody({ tree, parents, author: SYNTHETIC_IDENT, committer: SYNTHETIC_IDENT, message: `stablepick trial ${what}\n` }),
    );
  }
}
