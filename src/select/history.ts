/**
 * What selection reads from the history index, in memory: commits, stable branches with the picks they
 * made and when, and — for the commits being learned from or judged — messages, files, trailers and
 * reverts. Everything time-dependent takes a cut time: a pick counts only if the stable commit that
 * carries it is dated before the cut (the cut-back of ../shared/datasets/README.md), so a model trained
 * "as of" a window's opening never sees what the branches picked afterwards.
 */
import type { DB } from '../history/db.js';
import { getMeta } from '../history/db.js';
import { CommitGraph } from '../history/graph.js';
import { commitGraph } from '../analysis/fixes/branch-state.js';
import { readOwnCommits } from '../history/holdings.js';
import { commitIdsAdding, commitIdsTouching, deletesAFile, everyCommitSummary, filesOfIds, messagesOfIds, shasWithPrefix } from '../history/tables/commits.js';
import { allBranches, refsNaming } from '../history/tables/branches.js';
import { resolvedFixes, resolvedReverts, revertsOfIds, trailersOfIds } from '../history/tables/links.js';
import { everyTag } from '../history/tables/tags.js';
import { StablepickError } from '../errors.js';

export interface CommitRec {
  id: number;
  sha: string;
  time: number;
  authorTime: number;
  authorEmail: string;
  authorName: string;
  committerEmail: string;
  subject: string;
  parentCount: number;
  firstRelease: string | null;
}

/**
 * The first-parent merge of mainline that brought a commit in (a pull request, a merged topic), with the
 * other non-merge commits it brought; a commit made on mainline's first-parent chain is its own group.
 */
export interface MergeGroup {
  /** The merge commit, or null for a commit made directly on mainline. */
  merge: string | null;
  /** Its non-merge commits, oldest first by commit time. */
  members: string[];
}

export interface BranchRec {
  name: string;
  role: 'mainline' | 'stable' | 'staging';
  version: string | null;
  base: string | null;
  baseTime: number | null;
  tip: string;
}

export interface PickRec {
  branch: string;
  /** The stable commit. */
  sha: string;
  /** Its commit time: when the pick became visible. */
  time: number;
  via: string | null;
}

export interface TrailerRec {
  kind: string;
  key: string;
  value: string;
  refSha: string | null;
  refStatus: string | null;
  noautosel: boolean;
}

export interface FileRec {
  path: string;
  status: string;
}

export interface Details {
  message: string;
  files: FileRec[];
  trailers: TrailerRec[];
  /** Commits this one reverts (resolved shas). */
  reverts: string[];
}

const CHUNK = 500;

export class History {
  readonly commits = new Map<string, CommitRec>();
  readonly byId = new Map<number, CommitRec>();
  readonly branches: BranchRec[] = [];
  /** Mainline commit → the stable commits that carry it, oldest first. */
  readonly picks = new Map<string, PickRec[]>();
  /** Stable commit → its branch, for the branches' own commits (with or without an upstream). */
  readonly own = new Map<string, { branch: string; time: number }[]>();
  /** Commit → later commits naming it in a Fixes-like trailer (sha, time). */
  readonly fixedBy = new Map<string, { sha: string; time: number }[]>();
  readonly tagTime = new Map<string, number>();
  /** Release and pre-release tags by time (for "how far into the release cycle"). */
  readonly releases: { name: string; time: number; prerelease: boolean }[] = [];
  readonly mainline: BranchRec;
  private readonly details = new Map<number, Details>();
  private graphCache: CommitGraph | null = null;
  private mainSet: Set<string> | null = null;
  private firstStableBase: Map<string, number> | null = null;
  private groups: Map<string, MergeGroup> | null = null;
  private pickBranchCache: BranchRec[] | null = null;
  private revertIndex: Map<string, string[]> | null = null;

  private constructor(readonly db: DB) {
    for (const [id, sha, time, authorTime, authorEmail, authorName, committerEmail, subject, parentCount, firstRelease] of everyCommitSummary(db)) {
      const c: CommitRec = {
        id,
        sha,
        time,
        authorTime,
        authorEmail: authorEmail.toLowerCase(),
        authorName,
        committerEmail: committerEmail.toLowerCase(),
        subject,
        parentCount,
        firstRelease,
      };
      this.commits.set(sha, c);
      this.byId.set(id, c);
    }
    const rows = allBranches(db);
    let mainline: BranchRec | null = null;
    for (const r of rows) {
      const b: BranchRec = {
        name: r.name,
        role: r.role as BranchRec['role'],
        version: r.version,
        base: r.base,
        baseTime: r.base ? (this.commits.get(r.base)?.time ?? null) : null,
        tip: r.tip,
      };
      if (b.role === 'mainline') mainline = b;
      else this.branches.push(b);
    }
    if (!mainline) {
      const name = getMeta(db, 'mainline');
      throw new StablepickError('INDEX_MISSING', { why: 'no-mainline', ...(name ? { mainline: name } : {}) });
    }
    this.mainline = mainline;
    for (const { branch, sha, upstream: up, via, time } of readOwnCommits(db)) {
      let o = this.own.get(sha);
      if (!o) this.own.set(sha, (o = []));
      o.push({ branch, time });
      if (!up) continue;
      let l = this.picks.get(up);
      if (!l) this.picks.set(up, (l = []));
      l.push({ branch, sha, time, via });
    }
    for (const l of this.picks.values()) l.sort((a, b) => a.time - b.time);
    for (const [target, sha, time] of resolvedFixes(db)) {
      let l = this.fixedBy.get(target);
      if (!l) this.fixedBy.set(target, (l = []));
      l.push({ sha, time });
    }
    for (const [name, date, pre] of everyTag(db)) {
      if (!pre) this.tagTime.set(name, date);
      this.releases.push({ name, time: date, prerelease: pre === 1 });
    }
    this.releases.sort((a, b) => a.time - b.time);
  }

  /** The newest release or pre-release tag dated before `t`. */
  releaseBefore(t: number): { name: string; time: number; prerelease: boolean } | null {
    const a = this.releases;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]!.time < t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? a[lo - 1]! : null;
  }

  static load(db: DB): History {
    return new History(db);
  }

  get graph(): CommitGraph {
    // The graph analysis keeps for this index file (one load of 1M commits, not one per stage), unless
    // the index grew since it was loaded.
    if (!this.graphCache) {
      const shared = commitGraph(this.db);
      this.graphCache = shared.size === this.commits.size ? shared : CommitGraph.load(this.db);
    }
    return this.graphCache;
  }

  /** Every commit mainline reaches. */
  get mainlineSet(): Set<string> {
    return (this.mainSet ??= this.graph.ancestors([this.mainline.tip]));
  }

  /** Branches that received at least one pick: the pick sources (stable and staging alike). */
  get pickBranches(): BranchRec[] {
    // Cached: asked once per training example (the newest fork before it), and the kernel has 100k picks.
    if (!this.pickBranchCache) {
      const withPicks = new Set<string>();
      for (const l of this.picks.values()) for (const p of l) withPicks.add(p.branch);
      this.pickBranchCache = this.branches.filter((b) => withPicks.has(b.name));
    }
    return this.pickBranchCache;
  }

  /** The branch and its staging (or stable) twin: branches of the same version. */
  family(name: string): Set<string> {
    const b = this.branches.find((x) => x.name === name);
    if (!b) return new Set([name]);
    const out = new Set([name]);
    if (b.version) for (const o of this.branches) if (o.version === b.version) out.add(o.name);
    return out;
  }

  /** Whether any pick branch carried `sha` by a stable commit dated before `cut`; the first such pick. */
  pickedBefore(sha: string, cut: number, branches?: ReadonlySet<string>): PickRec | null {
    const l = this.picks.get(sha);
    if (!l) return null;
    for (const p of l) if (p.time < cut && (!branches || branches.has(p.branch))) return p;
    return null;
  }

  /**
   * For every mainline commit, the commit time of the oldest stable-branch base that contains it: from
   * then on a stable branch holds it (the bug it brings reached a stable release).
   */
  stableSince(sha: string): number | null {
    if (!this.firstStableBase) {
      const m = new Map<string, number>();
      const bases = this.pickBranches.filter((b) => b.base && b.baseTime !== null).sort((a, b) => a.baseTime! - b.baseTime!);
      for (const b of bases) {
        const stack = [b.base!];
        while (stack.length) {
          const s = stack.pop()!;
          if (m.has(s)) continue;
          const n = this.graph.get(s);
          if (!n) continue;
          m.set(s, b.baseTime!);
          for (const p of n.parents) if (!m.has(p)) stack.push(p);
        }
      }
      this.firstStableBase = m;
    }
    return this.firstStableBase.get(sha) ?? null;
  }

  /**
   * The merge group of a mainline commit (see MergeGroup), or null when mainline does not reach it. Walks
   * mainline's first-parent chain oldest first; a merge takes every commit its other parents reach that no
   * older chain commit took.
   */
  groupOf(sha: string): MergeGroup | null {
    if (!this.groups) {
      const g = this.graph;
      const m = new Map<string, MergeGroup>();
      const chain: number[] = [];
      const taken = new Uint8Array(g.size);
      for (let i = g.indexOf(this.mainline.tip); i >= 0 && !taken[i];) {
        chain.push(i);
        taken[i] = 1;
        i = g.parentsAt(i)[0] ?? -1;
      }
      for (let k = chain.length - 1; k >= 0; k--) {
        const i = chain[k]!;
        const ps = g.parentsAt(i);
        if (ps.length <= 1) {
          m.set(g.shaAt(i), { merge: null, members: [g.shaAt(i)] });
          continue;
        }
        const group: MergeGroup = { merge: g.shaAt(i), members: [] };
        const stack = ps.slice(1).filter((p) => !taken[p]);
        for (const p of stack) taken[p] = 1;
        const got: number[] = [];
        while (stack.length) {
          const q = stack.pop()!;
          const qp = g.parentsAt(q);
          if (qp.length <= 1) got.push(q);
          for (const p of qp) {
            if (taken[p]) continue;
            taken[p] = 1;
            stack.push(p);
          }
        }
        got.sort((a, b) => g.timeAt(a) - g.timeAt(b) || a - b);
        for (const q of got) group.members.push(g.shaAt(q));
        m.set(group.merge!, group);
        for (const s of group.members) m.set(s, group);
      }
      this.groups = m;
    }
    return this.groups.get(sha) ?? null;
  }

  /**
   * Of `shas`, those reverted on mainline and not re-applied (the revert itself not reverted) → the
   * reverting commit, from the index's revert markers.
   */
  revertedOnMainline(shas: readonly string[]): Map<string, string> {
    if (!this.revertIndex) {
      const m = new Map<string, string[]>();
      for (const [target, by] of resolvedReverts(this.db)) {
        if (!this.mainlineSet.has(by)) continue;
        let l = m.get(target);
        if (!l) m.set(target, (l = []));
        l.push(by);
      }
      this.revertIndex = m;
    }
    const idx = this.revertIndex;
    const live = (sha: string, depth: number): string | null => {
      for (const by of idx.get(sha) ?? []) if (depth > 8 || !live(by, depth + 1)) return by;
      return null;
    };
    const out = new Map<string, string>();
    for (const s of shas) {
      const by = live(s, 0);
      if (by) out.set(s, by);
    }
    return out;
  }

  /** Later mainline commits that name `sha` in a Fixes: trailer and are not reverted, with that line. */
  followUpsOf(sha: string): { sha: string; subject: string; line: string }[] {
    const out: { sha: string; subject: string; line: string }[] = [];
    const by = (this.fixedBy.get(sha) ?? []).filter((f) => f.sha !== sha && this.mainlineSet.has(f.sha));
    if (!by.length) return out;
    const reverted = this.revertedOnMainline(by.map((f) => f.sha));
    for (const f of by) {
      if (reverted.has(f.sha)) continue;
      const c = this.commits.get(f.sha);
      if (!c) continue;
      const t = this.detailsOf(c.id).trailers.find((x) => x.kind === 'fixes' && x.refSha === sha);
      out.push({ sha: f.sha, subject: c.subject, line: t ? `${t.key}: ${t.value}` : 'Fixes:' });
    }
    return out;
  }

  /** Loads messages, files, trailers and reverts of these commits (cached). */
  loadDetails(ids: readonly number[]): void {
    const need = ids.filter((id) => !this.details.has(id));
    for (let i = 0; i < need.length; i += CHUNK) {
      const chunk = need.slice(i, i + CHUNK);
      for (const id of chunk) this.details.set(id, { message: '', files: [], trailers: [], reverts: [] });
      for (const [id, message] of messagesOfIds(this.db, chunk)) this.details.get(id)!.message = message;
      for (const [id, path, status] of filesOfIds(this.db, chunk)) {
        this.details.get(id)!.files.push({ path, status });
      }
      for (const [id, kind, key, value, refSha, refStatus, detail] of trailersOfIds(this.db, chunk)) {
        let noautosel = false;
        if (kind === 'stable' && detail) {
          try {
            noautosel = (JSON.parse(detail) as { noautosel?: boolean }).noautosel === true;
          } catch {
            noautosel = false;
          }
        }
        this.details.get(id)!.trailers.push({ kind, key, value, refSha, refStatus, noautosel });
      }
      for (const [id, sha] of revertsOfIds(this.db, chunk)) {
        this.details.get(id)!.reverts.push(sha);
      }
    }
  }

  /** Drops cached details (training streams through history in chunks to bound memory). */
  forgetDetails(ids: readonly number[]): void {
    for (const id of ids) this.details.delete(id);
  }

  detailsOf(id: number): Details {
    let d = this.details.get(id);
    if (!d) {
      this.loadDetails([id]);
      d = this.details.get(id)!;
    }
    return d;
  }

  /** Paths ever touched by the given commits (ids) — what a tree built from them can contain. */
  pathsTouchedBy(ids: ReadonlySet<number>, paths: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (const p of paths) {
      for (const id of commitIdsTouching(this.db, p)) {
        if (ids.has(id)) {
          out.add(p);
          break;
        }
      }
    }
    return out;
  }

  /**
   * Whether `path` may be an old file under a new name: the commit that first added it also deleted files
   * (the index records a rename as D + A). Such a path may well exist in a branch under its old name.
   */
  mayBeRenamed(path: string): boolean {
    return commitIdsAdding(this.db, path).some((id) => deletesAFile(this.db, id));
  }

  /** Resolves a revision name (sha prefix, tag, branch) to an indexed commit. */
  resolveRev(rev: string): string {
    const full = this.commits.has(rev) ? rev : null;
    if (full) return full;
    const refs = refsNaming(this.db, rev);
    const pref = (n: string): number => (n.startsWith('refs/tags/') ? 0 : n.startsWith('refs/heads/') ? 1 : 2);
    refs.sort((a, b) => pref(a.name) - pref(b.name));
    if (refs[0]) return refs[0].commit_sha;
    if (/^[0-9a-f]{4,40}$/i.test(rev)) {
      const hits = shasWithPrefix(this.db, rev.toLowerCase());
      if (hits.length === 1) return hits[0]!;
      if (hits.length > 1) throw new StablepickError('AMBIGUOUS', { rev, among: 'indexed' });
    }
    throw new StablepickError('UNKNOWN_REVISION', { rev, why: 'not-indexed-or-ref' });
  }

  /**
   * The non-merge commits of `A..B` (reachable from B, not from A), oldest first; with `firstParent`, only
   * those on B's first-parent chain down to A.
   */
  range(spec: string, opts: { firstParent?: boolean } = {}): { from: string; to: string; commits: CommitRec[] } {
    const m = /^(.+?)\.\.(.+)$/.exec(spec);
    if (!m || spec.includes('...')) throw new StablepickError('BAD_RANGE', { spec, why: 'not-a-range', example: 'v22.11..v23.03' });
    const from = this.resolveRev(m[1]!);
    const to = this.resolveRev(m[2]!);
    const excluded = this.graph.ancestors([from]);
    const out: CommitRec[] = [];
    if (opts.firstParent) {
      let s: string | undefined = to;
      while (s && !excluded.has(s)) {
        const n = this.graph.get(s);
        if (!n) break;
        if (n.parents.length <= 1) out.push(this.commits.get(s)!);
        s = n.parents[0];
      }
    } else {
      for (const s of this.graph.exclusive(to, excluded).own) {
        const c = this.commits.get(s)!;
        if (c.parentCount <= 1) out.push(c);
      }
    }
    out.sort((a, b) => a.time - b.time || a.id - b.id);
    return { from, to, commits: out };
  }
}
