/**
 * Does it apply: the trial cherry-pick of a commit onto a branch tip, classified (clean, clean with
 * offset, conflict, already applied, empty), with the adapted patch of a clean pick and, for a conflict,
 * the conflicting hunks and the commits that last touched their lines on both sides of the fork.
 * Queues apply an ordered list, each member onto the previous result.
 *
 * Nothing is written to the user's repository: see src/git/trial-pick.ts and src/git/object-store.ts.
 */
import { InternalError, StablepickError } from '../../errors.js';
import type { ParsedCommit } from '../../git/cat-file-batch.js';
import { blameRanges, type BlamedLine, type LineRange } from '../../git/blame-range.js';
import { formatPatch, formatPatches } from '../../git/format-patch.js';
import type { MergeTreeResult } from '../../git/merge-tree.js';
import { patchIdsOfCommits, patchIdsOfTexts } from '../../git/patch-id.js';
import { commitsTouching, isAncestorOf, resolvePickRevision, type CommitWithMessage } from '../../git/pick-revs.js';
import type { GitTarget } from '../../git/run.js';
import { TrialPickSession, type TrialMerge } from '../../git/trial-pick.js';
import { locateBlocks, parseConflictBlocks, splitLines } from './conflict-markers.js';
import { comparePatches, parsePatch, patchPaths, type PatchFile } from './patch-hunks.js';
import {
  APPLY_RESULT_VERSION,
  type ApplyCache,
  type ApplyResult,
  type ConflictFile,
  type ConflictHunk,
  type QueueResult,
  type SuspectCommit,
} from './types.js';
import { refNames, upstreamShasInMessage } from './upstream-markers.js';

export interface ApplyCheckOptions {
  /** Full blob ids on the adapted patch's `index` lines (default true). */
  fullIndex?: boolean;
  /** Blame the conflicting lines on both sides (default true). Costs a `git blame` per conflicted file and side. */
  blame?: boolean;
  /** The index's cache of results by (commit, tip). */
  cache?: ApplyCache;
  /** Where the private object directory is made (default the OS temp directory). */
  tmpRoot?: string;
  /** Conflicts analysed (blamed) at the same time (default 2). */
  jobs?: number;
}

interface Staged {
  c: ParsedCommit;
  onto: Onto;
  base: ApplyResult;
  trial: TrialMerge | null;
}

interface Onto {
  /** The commit applied to (a real tip or a synthetic queue commit). */
  sha: string;
  tree: string;
  /** The real branch tip and how the user named the branch. */
  tip: string;
  branch: string;
  /** Synthetic queue commits -> the member they hold. */
  synthetic: Map<string, string>;
}

/** One trial pick: commit and tip (full ids), and what to call the branch. */
export interface PickRequest {
  sha: string;
  tip: string;
  branch?: string;
}

const MAX_HUNK_TEXT = 60;
/** Picks per batch (bounds memory: patches are held until the batch is answered). */
const BATCH = 200;
const MAX_LOG = 20;

export class ApplyChecker {
  private readonly session: TrialPickSession;
  private readonly opts: ApplyCheckOptions;
  private readonly upstreamPatches = new Map<string, Promise<{ text: string; files: PatchFile[] }>>();

  private constructor(session: TrialPickSession, opts: ApplyCheckOptions) {
    this.session = session;
    this.opts = opts;
  }

  static async open(repo: GitTarget, opts: ApplyCheckOptions = {}): Promise<ApplyChecker> {
    const session = await TrialPickSession.open(repo, opts.tmpRoot ? { tmpRoot: opts.tmpRoot } : {});
    return new ApplyChecker(session, opts);
  }

  /** Git target of this checker's private store (reads the user's objects and the private ones). */
  get target(): GitTarget {
    return this.session.target;
  }

  close(): void {
    this.session.close();
  }

  /** Resolves a commit or branch name to a full commit id. */
  resolve(rev: string): Promise<string> {
    return resolvePickRevision(this.session.target, rev);
  }

  /** Trial-picks `commit` onto `branch` (a branch name or any commit). */
  async check(commit: string, branch: string): Promise<ApplyResult> {
    const [sha, tip] = await Promise.all([this.resolve(commit), this.resolve(branch)]);
    return this.checkResolved(sha, tip, branch);
  }

  /** Like check() with full ids; `branchLabel` is what the result calls the branch. */
  async checkResolved(sha: string, tip: string, branchLabel: string = tip): Promise<ApplyResult> {
    const [r] = await this.checkMany([{ sha, tip, branch: branchLabel }]);
    if (!r) throw new InternalError('apply-no-result', `no result for ${sha}`);
    return r;
  }

  /**
   * Many independent trial picks (full ids), answered in order. The merges go through one pipe and the
   * patches through a few format-patch processes, so a batch costs far less than one call per pick.
   */
  async checkMany(requests: readonly PickRequest[]): Promise<ApplyResult[]> {
    const out: ApplyResult[] = new Array<ApplyResult>(requests.length);
    const todo: { index: number; sha: string; onto: Onto }[] = [];
    for (const [index, r] of requests.entries()) {
      const cached = this.opts.cache ? await this.opts.cache.get(r.sha, r.tip) : undefined;
      if (cached && cached.version === APPLY_RESULT_VERSION) {
        out[index] = { ...cached, branch: r.branch ?? r.tip };
        continue;
      }
      const tipCommit = await this.session.readCommit(r.tip);
      todo.push({ index, sha: r.sha, onto: { sha: r.tip, tree: tipCommit.tree, tip: r.tip, branch: r.branch ?? r.tip, synthetic: new Map() } });
    }
    for (let i = 0; i < todo.length; i += BATCH) {
      const chunk = todo.slice(i, i + BATCH);
      const results = await this.pickBatch(chunk);
      for (const [k, t] of chunk.entries()) {
        const r = results[k] as ApplyResult;
        out[t.index] = r;
        if (this.opts.cache) await this.opts.cache.put(r);
      }
    }
    return out;
  }

  /**
   * Applies `commits` in order onto `branch`, each onto the previous result, and stops at the first that
   * does not apply. Already-applied and empty members leave the tree as it was.
   */
  async queue(commits: readonly string[], branch: string): Promise<QueueResult> {
    const tip = await this.resolve(branch);
    const shas = await Promise.all(commits.map((c) => this.resolve(c)));
    return this.queueResolved(shas, tip, branch);
  }

  async queueResolved(shas: readonly string[], tip: string, branchLabel: string = tip): Promise<QueueResult> {
    const tipCommit = await this.session.readCommit(tip);
    const onto: Onto = { sha: tip, tree: tipCommit.tree, tip, branch: branchLabel, synthetic: new Map() };
    const members: ApplyResult[] = [];
    let firstFailure: QueueResult['firstFailure'] = null;
    for (const [index, sha] of shas.entries()) {
      const [r] = await this.pickBatch([{ sha, onto: { ...onto } }]);
      if (!r) break;
      members.push(r);
      if (r.result === 'conflict') {
        firstFailure = { index, sha };
        break;
      }
      if ((r.result === 'clean' || r.result === 'clean-with-offset') && r.resultTree) {
        const c = await this.session.readCommit(sha);
        const next = this.session.writeAdapted(c, r.resultTree, onto.sha);
        onto.synthetic.set(next, sha);
        onto.sha = next;
        onto.tree = r.resultTree;
      }
    }
    return { branch: branchLabel, tip, members, firstFailure, resultTree: onto.tree };
  }

  // ---------------------------------------------------------------------------------------------------

  private async pickBatch(reqs: readonly { sha: string; onto: Onto }[]): Promise<ApplyResult[]> {
    const s = this.session;
    const fullIndex = this.opts.fullIndex ?? true;
    // 1. Read and merge (all merges queued on the one merge-tree process).
    const staged = await Promise.all(
      reqs.map(async (r) => {
        const c = await s.readCommit(r.sha);
        const base = baseResult(c, r.onto);
        const parentTree = await s.parentTree(c);
        if (parentTree === c.tree) return { c, onto: r.onto, base, trial: null };
        const trial = await s.pick(c, r.onto.tree);
        return { c, onto: r.onto, base, trial };
      }),
    );
    // 2. The upstream patches of all, and the adapted patches of the clean picks, in few processes.
    await this.loadUpstreamPatches(staged.filter((x) => x.trial).map((x) => x.c.oid));
    const adaptedIds = staged.map((x) =>
      x.trial?.merge.clean && x.trial.merge.tree !== x.onto.tree ? s.writeAdapted(x.c, x.trial.merge.tree, x.onto.sha) : null,
    );
    const adaptedPatches = await formatPatches(
      s.target,
      adaptedIds.filter((x): x is string => !!x),
      { fullIndex },
    );
    // 3. Classify; the rare cases (conflicts, nothing to apply) ask git more, a few at a time.
    return mapPool(staged, this.opts.jobs ?? 2, (x, k) => this.finish(x, adaptedIds[k] ?? null, adaptedPatches));
  }

  private async finish(x: Staged, adapted: string | null, adaptedPatches: Map<string, string>): Promise<ApplyResult> {
    const s = this.session;
    const { c, onto, base, trial } = x;
    if (!trial) return { ...base, result: 'empty', reason: 'the commit changes nothing' };
    const messages = trial.merge.messages.map((m) => m.message);
    const upstream = await this.upstreamPatch(c);
    const tree = trial.merge.tree;
    const alreadyIn = {
      ...base,
      result: 'already-applied' as const,
      appliedAs: c.oid,
      reason: 'the commit is already in the branch history',
      resultTree: onto.tree,
      messages,
    };
    if (!trial.merge.clean) {
      // Ancestry (rare: a commit of the branch's own history) is asked while the conflict is read.
      // So are the branch's own commits on these files: one of them may be an adapted backport of C.
      const [inHistory, conflicts, backports] = await Promise.all([
        isAncestorOf(s.target, c.oid, onto.sha),
        this.describeConflicts(c, onto, trial.merge, upstream.files),
        commitsTouching(s.target, onto.sha, [c.oid], patchPaths(upstream.files), 500),
      ]);
      if (inHistory) return alreadyIn;
      const backport = backports.find((b) => onto.synthetic.get(b.sha) === c.oid || upstreamShasInMessage(b.message).some((r) => refNames(r, c.oid)));
      if (backport) {
        const as = onto.synthetic.get(backport.sha) ?? backport.sha;
        return {
          ...base,
          result: 'already-applied',
          appliedAs: as,
          reason: `the branch already has it, adapted, as ${as.slice(0, 12)} (picking it again would conflict)`,
          conflicts,
          messages,
        };
      }
      const suspects = this.opts.blame === false ? { prerequisites: [], branchCommits: [] } : await this.suspects(c, onto, conflicts, backports);
      const kinds = [...new Set(conflicts.flatMap((f) => f.kinds))];
      return {
        ...base,
        result: 'conflict',
        reason: `CONFLICT (${kinds.join(', ') || 'content'}) in ${conflicts.map((f) => f.path).join(', ')}`,
        conflicts,
        ...suspects,
        messages,
      };
    }
    if (tree === onto.tree) {
      if (await isAncestorOf(s.target, c.oid, onto.sha)) return alreadyIn;
      const appliedAs = await this.findAppliedAs(c, onto, upstream);
      if (appliedAs) {
        const member = onto.synthetic.get(appliedAs);
        return {
          ...base,
          result: 'already-applied',
          appliedAs: member ?? appliedAs,
          resultTree: tree,
          messages,
          reason: `the branch already has it as ${(member ?? appliedAs).slice(0, 12)}`,
        };
      }
      return {
        ...base,
        result: 'empty',
        resultTree: tree,
        messages,
        reason: 'the pick changes nothing on this branch (its change is already there, made by another commit)',
      };
    }
    let patch = adapted ? adaptedPatches.get(adapted) : undefined;
    if (!adapted || patch === undefined) throw new InternalError('apply-no-patch', `no patch for the pick of ${c.oid}`);
    patch = patch.replace(/^From [0-9a-f]+ /, `From ${c.oid} `);
    const adaptation = comparePatches(upstream.files, parsePatch(patch));
    const exact = adaptation.identicalChange && adaptation.shiftedHunks.length === 0 && adaptation.changedHunks.length === 0;
    return {
      ...base,
      result: exact ? 'clean' : 'clean-with-offset',
      reason: exact ? 'applies as is' : describeAdaptation(adaptation),
      resultTree: tree,
      patch,
      adaptation,
      messages,
    };
  }

  /** format-patch of upstream commits not seen yet, in one go. */
  private async loadUpstreamPatches(shas: readonly string[]): Promise<void> {
    const missing = [...new Set(shas)].filter((x) => !this.upstreamPatches.has(x));
    if (!missing.length) return;
    const all = formatPatches(this.session.target, missing, { fullIndex: this.opts.fullIndex ?? true });
    for (const sha of missing) {
      const p = all.then((m) => {
        const text = m.get(sha) ?? '';
        return { text, files: parsePatch(text) };
      });
      this.upstreamPatches.set(sha, p);
      p.catch(() => this.upstreamPatches.delete(sha));
    }
    await all;
  }

  private upstreamPatch(c: ParsedCommit): Promise<{ text: string; files: PatchFile[] }> {
    let p = this.upstreamPatches.get(c.oid);
    if (!p) {
      p = formatPatch(this.session.target, c.oid, { fullIndex: this.opts.fullIndex ?? true }).then((text) => ({ text, files: parsePatch(text) }));
      this.upstreamPatches.set(c.oid, p);
      p.catch(() => this.upstreamPatches.delete(c.oid));
    }
    return p;
  }

  /** The branch commit that already carries `c` (by an upstream marker, then by patch-id), or null. */
  private async findAppliedAs(c: ParsedCommit, onto: Onto, upstream: { text: string; files: PatchFile[] }): Promise<string | null> {
    const s = this.session;
    const paths = patchPaths(upstream.files);
    const candidates = await commitsTouching(s.target, onto.sha, [c.oid], paths, 500);
    for (const cand of candidates) {
      if (onto.synthetic.get(cand.sha) === c.oid) return cand.sha;
      if (upstreamShasInMessage(cand.message).some((r) => refNames(r, c.oid))) return cand.sha;
    }
    if (!candidates.length) return null;
    const [own] = await patchIdsOfTexts(s.target, [upstream.text]);
    if (!own) return null;
    const ids = await patchIdsOfCommits(
      s.target,
      candidates.map((x) => x.sha),
    );
    for (const cand of candidates) if (ids.get(cand.sha) === own) return cand.sha;
    return null;
  }

  private async describeConflicts(c: ParsedCommit, onto: Onto, merge: MergeTreeResult, upstream: PatchFile[]): Promise<ConflictFile[]> {
    const s = this.session;
    const byPath = new Map<string, ConflictFile>();
    const get = (path: string): ConflictFile => {
      let f = byPath.get(path);
      if (!f) {
        f = { path, branchPath: null, upstreamPath: null, kinds: [], base: null, ours: null, theirs: null, hunks: [], messages: [] };
        byPath.set(path, f);
      }
      return f;
    };
    for (const e of merge.entries) {
      const f = get(e.path);
      if (e.stage === 1) f.base = e.oid;
      else if (e.stage === 2) f.ours = e.oid;
      else f.theirs = e.oid;
    }
    for (const m of merge.messages) {
      if (!m.type.startsWith('CONFLICT')) continue;
      const kind = (/^CONFLICT \((.*)\)$/.exec(m.type)?.[1] ?? m.type).replace(/^contents$/, 'content');
      const paths = m.paths.filter((p) => byPath.has(p));
      for (const p of paths.length ? paths : m.paths.slice(0, 1)) {
        const f = get(p);
        if (!f.kinds.includes(kind)) f.kinds.push(kind);
        f.messages.push(m.message);
      }
    }
    const upstreamOld = upstream.map((u) => u.oldPath).filter((p): p is string => !!p);
    const upstreamNew = upstream.map((u) => u.newPath).filter((p): p is string => !!p);
    const parent = c.parents[0] ?? null;
    for (const f of byPath.values()) {
      if (!f.kinds.length) f.kinds.push('content');
      f.branchPath = f.ours ? await this.findPathWithBlob(onto.sha, f.ours, [f.path, ...upstreamOld, ...upstreamNew]) : null;
      f.upstreamPath = f.base && parent ? await this.findPathWithBlob(parent, f.base, [f.path, ...upstreamOld, ...upstreamNew]) : null;
      if (!f.ours || !f.theirs) continue;
      const merged = await s.objects.read(`${merge.tree}:${f.path}`);
      if (!merged || merged.type !== 'blob' || merged.data.includes(0)) continue;
      const mergedLines = splitLines(merged.data.toString('utf8'));
      const blocks = parseConflictBlocks(mergedLines);
      if (!blocks.length) continue;
      const oursBlob = await s.objects.read(f.ours);
      const baseBlob = f.base ? await s.objects.read(f.base) : null;
      const located = locateBlocks(
        mergedLines,
        blocks,
        oursBlob ? splitLines(oursBlob.data.toString('utf8')) : null,
        baseBlob ? splitLines(baseBlob.data.toString('utf8')) : null,
      );
      for (const l of located) {
        const text = mergedLines.slice(l.block.startIndex, l.block.endIndex + 1);
        const hunk: ConflictHunk = {
          branch: l.ours ? { start: l.ours.index + 1, count: l.ours.count } : null,
          upstream: l.base ? { start: l.base.index + 1, count: l.base.count } : null,
          theirsCount: l.block.theirs.length,
          text: (text.length > MAX_HUNK_TEXT ? [...text.slice(0, MAX_HUNK_TEXT), `[... ${text.length - MAX_HUNK_TEXT} more lines]`] : text).join('\n'),
        };
        f.hunks.push(hunk);
      }
    }
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private async findPathWithBlob(commit: string, blob: string, candidates: readonly string[]): Promise<string | null> {
    for (const p of new Set(candidates)) {
      const o = await this.session.objects.read(`${commit}:${p}`);
      if (o && o.oid === blob) return p;
    }
    return null;
  }

  /** Blames the conflicting lines: branch side (tip, stopping at the pick) and upstream side (pick's parent, stopping at the tip). */
  private async suspects(
    c: ParsedCommit,
    onto: Onto,
    conflicts: ConflictFile[],
    backports: readonly CommitWithMessage[],
  ): Promise<Pick<ApplyResult, 'prerequisites' | 'branchCommits'>> {
    const s = this.session;
    const parent = c.parents[0] ?? null;
    const branchHits = new Map<string, { lines: Map<string, number[]> }>();
    const upstreamHits = new Map<string, { lines: Map<string, number[]> }>();
    const add = (into: typeof branchHits, hits: BlamedLine[], path: string): void => {
      for (const h of hits) {
        if (h.boundary) continue;
        let e = into.get(h.commit);
        if (!e) {
          e = { lines: new Map() };
          into.set(h.commit, e);
        }
        const arr = e.lines.get(path) ?? [];
        arr.push(h.line);
        e.lines.set(path, arr);
      }
    };
    const logOnly: { branch: string[]; upstream: string[] } = { branch: [], upstream: [] };
    // The blames of every file on both sides: independent history walks, run side by side.
    const blamed = await mapPool(conflicts, 3, async (f) => {
      const branchRanges: LineRange[] = [];
      const upstreamRanges: LineRange[] = [];
      for (const h of f.hunks) {
        if (h.branch) branchRanges.push(around(h.branch));
        if (h.upstream) upstreamRanges.push(around(h.upstream));
      }
      const [bh, uh] = await Promise.all([
        f.branchPath && branchRanges.length ? blameClamped(s.target, onto.sha, f.branchPath, branchRanges, [c.oid], f.ours, s) : [],
        parent && f.upstreamPath && upstreamRanges.length ? blameClamped(s.target, parent, f.upstreamPath, upstreamRanges, [onto.sha], f.base, s) : [],
      ]);
      return { f, bh, uh };
    });
    for (const { f, bh, uh } of blamed) {
      if (f.branchPath) add(branchHits, bh, f.branchPath);
      if (f.upstreamPath) add(upstreamHits, uh, f.upstreamPath);
      if (!f.hunks.length) {
        // Not a text conflict (modify/delete, rename, binary, ...): the commits that touched the file on each side.
        for (const p of new Set([f.path, f.branchPath, f.upstreamPath].filter((x): x is string => !!x))) {
          logOnly.branch.push(p);
          logOnly.upstream.push(p);
        }
      }
    }
    if (logOnly.branch.length) {
      const [onBranch, onUpstream] = await Promise.all([
        commitsTouching(s.target, onto.sha, [c.oid], logOnly.branch, MAX_LOG),
        parent ? commitsTouching(s.target, parent, [onto.sha], logOnly.upstream, MAX_LOG) : [],
      ]);
      for (const x of onBranch) if (!branchHits.has(x.sha)) branchHits.set(x.sha, { lines: new Map(logOnly.branch.map((p) => [p, []])) });
      for (const x of onUpstream) if (!upstreamHits.has(x.sha)) upstreamHits.set(x.sha, { lines: new Map(logOnly.upstream.map((p) => [p, []])) });
    }
    const branchCommits = await this.describeSuspects(branchHits, onto);
    let prerequisites = await this.describeSuspects(upstreamHits, onto);
    // An upstream commit the branch already carries as a backport is not missing.
    if (prerequisites.length) {
      const named = backports.map((b) => ({ sha: b.sha, refs: upstreamShasInMessage(b.message) }));
      prerequisites = prerequisites.map((p) => {
        const hit = named.find((b) => b.refs.some((r) => refNames(r, p.sha)));
        return hit ? { ...p, onBranchAs: hit.sha } : p;
      });
    }
    return { prerequisites, branchCommits };
  }

  private async describeSuspects(hits: Map<string, { lines: Map<string, number[]> }>, onto: Onto): Promise<SuspectCommit[]> {
    const out: (SuspectCommit & { weight: number })[] = [];
    for (const [sha, e] of hits) {
      const commit = await this.session.readCommit(sha);
      const member = onto.synthetic.get(sha) ?? null;
      const where = [...e.lines].map(([path, lines]) => ({ path, lines: [...new Set(lines)].sort((a, b) => a - b) }));
      out.push({
        sha,
        summary: subjectOf(commit.message),
        upstream: member ?? upstreamShasInMessage(commit.message)[0] ?? null,
        where,
        onBranchAs: null,
        queueMember: member,
        weight: where.reduce((n, w) => n + w.lines.length, 0),
      });
    }
    out.sort((a, b) => b.weight - a.weight || (a.sha < b.sha ? -1 : 1));
    return out.map(({ weight: _w, ...rest }) => rest);
  }
}

function baseResult(c: ParsedCommit, onto: Onto): ApplyResult {
  return {
    version: APPLY_RESULT_VERSION,
    sha: c.oid,
    subject: subjectOf(c.message),
    branch: onto.branch,
    tip: onto.tip,
    onto: onto.sha,
    result: 'empty',
    reason: '',
    resultTree: null,
    patch: null,
    adaptation: null,
    conflicts: [],
    prerequisites: [],
    branchCommits: [],
    appliedAs: null,
    messages: [],
  };
}

/** `fn` over `items` with at most `jobs` running at once; answers in order. */
async function mapPool<T, R>(items: readonly T[], jobs: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return out;
}

/** The first paragraph of a message on one line, as git's %s. */
function subjectOf(message: string): string {
  const para = message.replace(/^\n+/, '').split(/\n\s*\n/)[0] ?? '';
  return para
    .split('\n')
    .map((l) => l.trim())
    .join(' ')
    .trim();
}

/** The lines to blame for a conflict region: the region, or the lines around it when it is empty. */
function around(r: { start: number; count: number }): LineRange {
  if (r.count > 0) return { start: r.start, end: r.start + r.count - 1 };
  return { start: Math.max(1, r.start - 1), end: r.start };
}

async function blameClamped(
  target: GitTarget,
  rev: string,
  path: string,
  ranges: LineRange[],
  exclude: string[],
  blob: string | null,
  s: TrialPickSession,
): Promise<BlamedLine[]> {
  let max = Number.MAX_SAFE_INTEGER;
  if (blob) {
    const o = await s.objects.read(blob);
    if (o) max = splitLines(o.data.toString('utf8')).length;
  }
  const clamped = ranges.map((r) => ({ start: Math.max(1, r.start), end: Math.min(max, r.end) })).filter((r) => r.end >= r.start);
  if (!clamped.length) return [];
  try {
    return await blameRanges(target, rev, path, clamped, exclude);
  } catch (e) {
    if (e instanceof StablepickError && e.code === 'GIT_FAILED') return [];
    throw e;
  }
}

function describeAdaptation(a: ReturnType<typeof comparePatches>): string {
  const parts: string[] = [];
  if (a.shiftedHunks.length) parts.push(`${a.shiftedHunks.length} hunk${a.shiftedHunks.length > 1 ? 's' : ''} moved`);
  if (a.changedHunks.length) parts.push(`${a.changedHunks.length} hunk${a.changedHunks.length > 1 ? 's' : ''} with other context`);
  if (a.droppedFiles.length) parts.push(`${a.droppedFiles.length} file${a.droppedFiles.length > 1 ? 's' : ''} already as upstream has them`);
  if (a.movedFiles.length) parts.push(`followed ${a.movedFiles.map((m) => `${m.upstream} -> ${m.branch}`).join(', ')}`);
  return parts.join('; ') || 'applies with changes';
}

/** Opens a checker, runs `fn`, and always closes it (removing the private object directory). */
export async function withApplyChecker<T>(repo: GitTarget, opts: ApplyCheckOptions, fn: (c: ApplyChecker) => Promise<T>): Promise<T> {
  const checker = await ApplyChecker.open(repo, opts);
  try {
    return await fn(checker);
  } finally {
    checker.close();
  }
}
