/**
 * The commit graph held in memory, loaded from the index: ancestry walks without spawning git (a bare
 * mirror often has no commit-graph file, and we may not write one). Compact: one sha string per commit
 * and typed arrays for parents, times and index ids (a million commits take ~150 MB).
 */
import type { DB } from './db.js';
import { lowerBound } from '../util/sorted.js';

export interface GraphNode {
  id: number;
  parents: string[];
  time: number;
}

/** Author email and author time per graph position, as the commits rows hold them. */
export interface GraphAuthors {
  emails: readonly string[];
  times: readonly number[];
}

export class CommitGraph {
  /** Authors per position, when the graph was built by the writer of the rows (a first index); else null. */
  authors: GraphAuthors | null = null;

  private constructor(
    private readonly idxOf: Map<string, number>,
    private readonly shas: string[],
    private readonly dbIds: Int32Array,
    private readonly times: Float64Array,
    private readonly parentStart: Int32Array,
    /** Parent positions; -1 for a parent that is not indexed (shallow boundary, missing commit). */
    private readonly parentIdx: Int32Array,
  ) {}

  static load(db: DB): CommitGraph {
    const n = db.prepare('SELECT count(*) FROM commits').pluck().get() as number;
    const idxOf = new Map<string, number>();
    const shas: string[] = new Array<string>(n);
    const dbIds = new Int32Array(n);
    const times = new Float64Array(n);
    let i = 0;
    for (const [id, sha, time] of db.prepare('SELECT id, sha, commit_time FROM commits ORDER BY id').raw().iterate() as IterableIterator<
      [number, string, number]
    >) {
      if (i >= n) break; // rows added since the count (a concurrent index run): ignore them
      idxOf.set(sha, i);
      shas[i] = sha;
      dbIds[i] = id;
      times[i] = time;
      i++;
    }
    const count = i;
    const parents = db.prepare('SELECT parents FROM commits ORDER BY id').pluck().iterate() as IterableIterator<string>;
    return CommitGraph.build(idxOf, shas.length === count ? shas : shas.slice(0, count), dbIds, times, parents);
  }

  /**
   * A graph from what the first index's writer kept while it wrote the commits (the same rows, in row id
   * order, as `load` would read back): no second pass over the commits table.
   */
  static fromArrays(shas: string[], parents: readonly string[], dbIds: Int32Array, times: Float64Array, authors: GraphAuthors | null = null): CommitGraph {
    const idxOf = new Map<string, number>();
    for (let i = 0; i < shas.length; i++) idxOf.set(shas[i]!, i);
    const g = CommitGraph.build(idxOf, shas, dbIds, times, parents);
    g.authors = authors;
    return g;
  }

  private static build(idxOf: Map<string, number>, shas: string[], dbIds: Int32Array, times: Float64Array, parentLists: Iterable<string>): CommitGraph {
    const count = shas.length;
    const parentStart = new Int32Array(count + 1);
    let parentIdx = new Int32Array(Math.max(16, count + (count >> 3)));
    let p = 0;
    let i = 0;
    for (const parents of parentLists) {
      if (i >= count) break;
      parentStart[i] = p;
      if (parents) {
        let from = 0;
        for (;;) {
          const sp = parents.indexOf(' ', from);
          const s = sp < 0 ? parents.slice(from) : parents.slice(from, sp);
          if (p >= parentIdx.length) {
            const bigger = new Int32Array(parentIdx.length * 2);
            bigger.set(parentIdx);
            parentIdx = bigger;
          }
          parentIdx[p++] = idxOf.get(s) ?? -1;
          if (sp < 0) break;
          from = sp + 1;
        }
      }
      i++;
    }
    parentStart[count] = p;
    return new CommitGraph(idxOf, shas, dbIds, times, parentStart, parentIdx);
  }

  get size(): number {
    return this.parentStart.length - 1;
  }

  /** Position of a commit in the graph's arrays, or -1. */
  indexOf(sha: string): number {
    return this.idxOf.get(sha) ?? -1;
  }

  shaAt(i: number): string {
    return this.shas[i]!;
  }

  dbIdAt(i: number): number {
    return this.dbIds[i]!;
  }

  /** The sha of the commit with index row id `id`, or undefined (row ids ascend along the arrays). */
  shaOfDbId(id: number): string | undefined {
    const i = this.indexOfDbId(id);
    return i < 0 ? undefined : this.shas[i];
  }

  /** Position of the commit with index row id `id`, or -1 (row ids ascend along the arrays). */
  indexOfDbId(id: number): number {
    const lo = lowerBound(this.dbIds, id, this.size);
    return lo < this.size && this.dbIds[lo] === id ? lo : -1;
  }

  timeAt(i: number): number {
    return this.times[i]!;
  }

  /** Parent positions of commit `i` (indexed parents only). */
  parentsAt(i: number): number[] {
    const out: number[] = [];
    for (let k = this.parentStart[i]!; k < this.parentStart[i + 1]!; k++) {
      const q = this.parentIdx[k]!;
      if (q >= 0) out.push(q);
    }
    return out;
  }

  get(sha: string): GraphNode | undefined {
    const i = this.idxOf.get(sha);
    if (i === undefined) return undefined;
    const parents: string[] = [];
    for (let k = this.parentStart[i]!; k < this.parentStart[i + 1]!; k++) {
      const q = this.parentIdx[k]!;
      if (q >= 0) parents.push(this.shas[q]!);
    }
    return { id: this.dbIds[i]!, parents, time: this.times[i]! };
  }

  /** Marks every indexed commit reachable from `tips` (the tips included). */
  ancestorsMask(tips: readonly string[], stopAt?: Uint8Array): Uint8Array {
    const seen = new Uint8Array(this.size);
    const stack: number[] = [];
    for (const t of tips) {
      const i = this.idxOf.get(t);
      if (i !== undefined) stack.push(i);
    }
    while (stack.length) {
      const i = stack.pop()!;
      if (seen[i] || stopAt?.[i]) continue;
      seen[i] = 1;
      for (let k = this.parentStart[i]!; k < this.parentStart[i + 1]!; k++) {
        const q = this.parentIdx[k]!;
        if (q >= 0 && !seen[q]) stack.push(q);
      }
    }
    return seen;
  }

  /** Every indexed commit reachable from `tips` (the tips included). */
  ancestors(tips: readonly string[]): Set<string> {
    const mask = this.ancestorsMask(tips);
    const out = new Set<string>();
    for (let i = 0; i < mask.length; i++) if (mask[i]) out.add(this.shas[i]!);
    return out;
  }

  /**
   * The first-parent chain of `tip` (the tip included): commit position → 1 + its distance from the tip,
   * 0 off the chain. Mainline's chain is where its own history runs; side histories merged into it (a
   * subtree, a topic branch) are off it.
   */
  firstParentChain(tip: string): Int32Array {
    const pos = new Int32Array(this.size);
    let i = this.idxOf.get(tip) ?? -1;
    let d = 1;
    while (i >= 0 && pos[i] === 0) {
      pos[i] = d++;
      i = this.parentStart[i]! < this.parentStart[i + 1]! ? this.parentIdx[this.parentStart[i]!]! : -1;
    }
    return pos;
  }

  /**
   * The commits reachable from `tip` but not in `excluded` (like `git rev-list tip ^X` when `excluded` is
   * X's ancestry), newest first by commit time, and the fork point `base`.
   *
   * With `chain` (mainline's first-parent chain, see firstParentChain): the base is where the branch left
   * that chain — the newest chain commit the walk reached —, else where the branch's own first-parent
   * chain enters `excluded`. Side histories merged into both mainline and the branch (a subtree such as
   * flatpak's libglnx, a topic merged into both) do not move it. Without `chain`: the merge base, the
   * newest excluded commit the walk reached that no other reached one descends from.
   */
  exclusive(tip: string, excluded: ReadonlySet<string> | Uint8Array, chain?: Int32Array): { own: string[]; base: string | null } {
    const isExcluded = excluded instanceof Uint8Array ? (i: number) => excluded[i] === 1 : (i: number) => excluded.has(this.shas[i]!);
    const own: number[] = [];
    const boundary: number[] = [];
    const seen = new Set<number>();
    const start = this.idxOf.get(tip);
    const stack = start === undefined ? [] : [start];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen.has(i)) continue;
      seen.add(i);
      if (isExcluded(i)) {
        boundary.push(i);
        continue;
      }
      own.push(i);
      for (let k = this.parentStart[i]!; k < this.parentStart[i + 1]!; k++) {
        const q = this.parentIdx[k]!;
        if (q >= 0 && !seen.has(q)) stack.push(q);
      }
    }
    own.sort((a, b) => this.times[b]! - this.times[a]!);
    let base: number | null = null;
    if (chain && boundary.length > 1) base = this.leftChainAt(start!, boundary, chain, isExcluded);
    else if (boundary.length === 1) base = boundary[0]!;
    else if (boundary.length > 1) base = this.newestUndominated(boundary);
    return { own: own.map((i) => this.shas[i]!), base: base === null ? null : this.shas[base]! };
  }

  /** Of the boundary commits, the newest on `chain`; else where `start`'s first-parent chain enters `excluded`; else the merge base. */
  private leftChainAt(start: number, boundary: readonly number[], chain: Int32Array, isExcluded: (i: number) => boolean): number | null {
    let best = -1;
    for (const b of boundary) if (chain[b]! > 0 && (best < 0 || chain[b]! < chain[best]!)) best = b;
    if (best >= 0) return best;
    const seen = new Set<number>();
    for (let i = start; i >= 0 && !seen.has(i);) {
      if (isExcluded(i)) return i;
      seen.add(i);
      i = this.parentStart[i]! < this.parentStart[i + 1]! ? this.parentIdx[this.parentStart[i]!]! : -1;
    }
    return this.newestUndominated(boundary);
  }

  /** Drops boundary commits that are ancestors of another boundary commit; of the rest, the newest. */
  private newestUndominated(boundary: readonly number[]): number | null {
    const dominated = new Set<number>();
    for (const b of boundary) {
      if (dominated.has(b)) continue;
      const anc = this.ancestorsMask(this.parentsAt(b).map((q) => this.shas[q]!));
      for (const o of boundary) if (o !== b && anc[o]) dominated.add(o);
    }
    const best = boundary.filter((b) => !dominated.has(b)).sort((a, b) => this.times[b]! - this.times[a]!);
    return best[0] ?? null;
  }

  /**
   * Commits of `excluded` (mainline's ancestry) that the branch holds beyond its base: side histories its
   * own merges brought in (a subtree update, a topic merged into both). Each with the oldest own commit
   * whose parent brought it. `own` as `exclusive` returned it; empty when every parent outside the
   * branch's own commits is an ancestor of `base`.
   */
  mergedIn(own: readonly string[], base: string | null, excluded: Uint8Array): { sha: string; by: string }[] {
    const ownIdx = own.map((s) => this.idxOf.get(s)!).reverse(); // oldest first
    const baseIdx = base === null ? -1 : (this.idxOf.get(base) ?? -1);
    const outside: number[] = [];
    for (const o of ownIdx) for (const q of this.parentsAt(o)) if (excluded[q] === 1 && q !== baseIdx) outside.push(q);
    if (!outside.length) return [];
    const held = baseIdx >= 0 ? this.ancestorsMask([this.shas[baseIdx]!]) : new Uint8Array(this.size);
    if (outside.every((q) => held[q])) return [];
    const out: { sha: string; by: string }[] = [];
    for (const o of ownIdx) {
      const stack = this.parentsAt(o).filter((q) => excluded[q] === 1 && !held[q]);
      while (stack.length) {
        const i = stack.pop()!;
        if (held[i] || excluded[i] !== 1) continue;
        held[i] = 1;
        out.push({ sha: this.shas[i]!, by: this.shas[o]! });
        for (const q of this.parentsAt(i)) if (!held[q]) stack.push(q);
      }
    }
    return out;
  }
}
