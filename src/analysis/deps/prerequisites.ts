/**
 * Prerequisites of a candidate on a branch, each with its evidence:
 * - blame (git-deps' idea): the lines the patch removes and the context lines around each hunk, blamed at
 *   the candidate's parent with the branch tip excluded; the commits named that the branch lacks;
 * - series: earlier members of the same mail thread or merged topic that the branch lacks;
 * - new symbols: identifiers the patch starts using that the branch's tree lacks, and who introduced them.
 * Prerequisites of prerequisites are followed up to a depth and a count.
 */
import { blameRanges, type LineRange } from '../../git/blame-range.js';
import { commitDiff } from '../../git/diff.js';
import { BlobReader } from '../../git/show.js';
import { branchState, mainlineState, type BranchState } from '../fixes/branch-state.js';
import type { AnalysisContext } from '../fixes/types.js';
import { adjacentPredecessors, mergePredecessors, threadPredecessors } from './series.js';
import { mapBounded } from './bounded.js';
import { newSymbols } from './symbols.js';
import type { BlameEvidence, PrereqOptions, PrereqReason, PrereqResult, Prerequisite } from './types.js';
import { commitRecord } from '../../history/tables/commits.js';

/** Lines of each hunk's old side to blame: removed lines, and `context` lines either side. */
export function linesToBlame(hunks: readonly { oldStart: number; oldCount: number }[], lineCount: number, context: number): Map<number, 'removed' | 'context'> {
  const use = new Map<number, 'removed' | 'context'>();
  const put = (a: number, b: number, u: 'removed' | 'context'): void => {
    for (let l = Math.max(1, a); l <= Math.min(lineCount, b); l++) if (u === 'removed' || !use.has(l)) use.set(l, u);
  };
  for (const h of hunks) {
    if (h.oldCount > 0) {
      const end = h.oldStart + h.oldCount - 1;
      put(h.oldStart, end, 'removed');
      put(h.oldStart - context, h.oldStart - 1, 'context');
      put(end + 1, end + context, 'context');
    } else {
      // Pure insertion after line oldStart.
      put(h.oldStart - context + 1, h.oldStart + context, 'context');
    }
  }
  return use;
}

export function toRanges(lines: Iterable<number>): LineRange[] {
  const sorted = [...lines].sort((a, b) => a - b);
  const out: LineRange[] = [];
  for (const l of sorted) {
    const last = out[out.length - 1];
    if (last && l === last.end + 1) last.end = l;
    else out.push({ start: l, end: l });
  }
  return out;
}

interface Found {
  sha: string;
  reason: PrereqReason;
}

async function directPrereqs(
  ctx: AnalysisContext,
  sha: string,
  state: BranchState,
  mainline: BranchState,
  opts: PrereqOptions,
  reader: BlobReader,
): Promise<{ found: Found[]; selfDefined: string[] }> {
  const found: Found[] = [];
  let selfDefined: string[] = [];
  const diff = await commitDiff(ctx.repo, sha);
  const parent = diff.parent;
  // The new symbols' greps run beside the blames (both wait for git); the reasons keep their order.
  const symbols = parent && opts.symbols !== false ? newSymbols(ctx, diff.files, parent, state.tip, reader) : null;
  symbols?.catch(() => undefined); // awaited below; a failed blame first must not leave it unhandled
  if (parent && opts.blame !== false) {
    const byCommit = new Map<string, BlameEvidence[]>();
    // The files are blamed a few at a time (each blame waits for git); their lines are taken in file order.
    const blames = await mapBounded(diff.files, BLAME_LANES, async (f) => {
      if (!f.oldPath || f.binary || f.status === 'added' || !f.hunks.length) return null;
      const text = await reader.readText(parent, f.oldPath);
      if (text === null) return null;
      const count = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
      const use = linesToBlame(f.hunks, count, opts.context ?? 3);
      if (!use.size) return null;
      return { path: f.oldPath, use, blamed: await blameRanges(ctx.repo, parent, f.oldPath, toRanges(use.keys()), [state.tip]) };
    });
    for (const fb of blames) {
      if (!fb) continue;
      const { path, use, blamed } = fb;
      for (const b of blamed) {
        if (b.boundary) continue;
        const ev: BlameEvidence = { path, line: b.line, use: use.get(b.line) ?? 'context', blamed: b.commit, ...(b.skipped ? { skipped: b.skipped } : {}) };
        const l = byCommit.get(b.commit);
        if (l) l.push(ev);
        else byCommit.set(b.commit, [ev]);
      }
    }
    for (const [c, lines] of byCommit) found.push({ sha: c, reason: { kind: 'blame', lines } });
  }
  if (opts.series !== false) {
    const thread = threadPredecessors(ctx.db, sha, mainline);
    const members = [...thread, ...mergePredecessors(ctx.db, sha, mainline)];
    // Adjacency only when no thread id says where the series starts and ends.
    if (!thread.length) for (const m of adjacentPredecessors(ctx.db, sha, mainline)) if (!members.some((x) => x.sha === m.sha)) members.push(m);
    for (const m of members) {
      found.push({ sha: m.sha, reason: { kind: 'series', series: m.evidence } });
    }
  }
  if (symbols) {
    const ns = await symbols;
    for (const [c, symbols] of ns.byIntroducer) found.push({ sha: c, reason: { kind: 'symbol', symbols } });
    selfDefined = ns.selfDefined;
  }
  return { found, selfDefined };
}

export async function prerequisites(ctx: AnalysisContext, sha: string, branch: string, opts: PrereqOptions = {}): Promise<PrereqResult> {
  const state = branchState(ctx, branch, opts.asOf, opts.tip);
  const mainline = mainlineState(ctx, opts.asOf);
  const maxDepth = opts.depth ?? 2;
  const maxCommits = opts.maxCommits ?? 25;
  const reader = opts.reader ?? new BlobReader(ctx.repo);
  const result: PrereqResult = { sha, branch, tip: state.tip, prerequisites: [], alreadyHeld: [], selfDefined: [] };
  const bySha = new Map<string, Prerequisite>();
  try {
    let frontier: string[] = [sha];
    for (let depth = 1; depth <= maxDepth && frontier.length && bySha.size < maxCommits; depth++) {
      const next: string[] = [];
      // Every member of the frontier is looked at (a few at a time); their findings are taken in order.
      const direct = await mapBounded(frontier, COMMIT_LANES, (need) => directPrereqs(ctx, need, state, mainline, opts, reader));
      for (const [i, need] of frontier.entries()) {
        const { found, selfDefined } = direct[i]!;
        if (need === sha) result.selfDefined = selfDefined;
        for (const f of found) {
          if (f.sha === sha) continue;
          const holding = state.holds(f.sha);
          if (holding) {
            if (!result.alreadyHeld.some((h) => h.sha === f.sha && h.rule === f.reason.kind))
              result.alreadyHeld.push({ sha: f.sha, holding, rule: f.reason.kind });
            continue;
          }
          const prev = bySha.get(f.sha);
          if (prev) {
            if (!prev.reasons.some((r) => r.kind === f.reason.kind)) prev.reasons.push(f.reason);
            continue;
          }
          if (bySha.size >= maxCommits) continue;
          const row = commitRecord(ctx.db, f.sha);
          const p: Prerequisite = {
            sha: f.sha,
            subject: row?.subject ?? '',
            commitTime: row?.commit_time ?? 0,
            neededBy: need,
            depth,
            reasons: [f.reason],
            strength: 'weak',
          };
          bySha.set(f.sha, p);
          // Prerequisites of prerequisites only through strong evidence: weak links multiply noise.
          if (isStrong(f.reason)) next.push(f.sha);
        }
      }
      frontier = next;
    }
  } finally {
    if (!opts.reader) reader.close();
  }
  for (const p of bySha.values()) p.strength = p.reasons.some(isStrong) ? 'strong' : 'weak';
  result.prerequisites = [...bySha.values()].sort((a, b) => a.commitTime - b.commitTime);
  return result;
}

/** Commits of a frontier looked at at once, and files of one commit blamed at once (2 × 3 git processes at most, plus the greps). */
const COMMIT_LANES = 2;
const BLAME_LANES = 3;

function isStrong(r: PrereqReason): boolean {
  if (r.kind === 'blame') return r.lines.some((l) => l.use === 'removed');
  if (r.kind === 'series') return r.series.rule !== 'adjacent';
  return true;
}

/** One line per reason, citing the evidence. */
export function describeReason(r: PrereqReason): string {
  if (r.kind === 'blame') {
    const removed = r.lines.filter((l) => l.use === 'removed');
    const shown = (removed.length ? removed : r.lines).slice(0, 3).map((l) => `${l.path}:${l.line}`);
    const skipped = [...new Set(r.lines.flatMap((l) => l.skipped ?? []))].map((x) => x.slice(0, 12));
    const passed = skipped.length ? `; blame passed over ${skipped.join(', ')}, listed in .git-blame-ignore-revs` : '';
    return `blame: wrote ${removed.length ? `${removed.length} removed line(s)` : `${r.lines.length} context line(s)`} (${shown.join(', ')}${r.lines.length > 3 ? ', ...' : ''})${passed}`;
  }
  if (r.kind === 'series') {
    const s = r.series;
    if (s.rule === 'thread') return `series: patch ${s.position} of the thread ${s.key} (candidate is patch ${s.candidatePosition}; ${s.line})`;
    if (s.rule === 'merge')
      return `series: commit ${s.position} of the topic merged by ${s.key.slice(0, 12)} ("${s.line}"), candidate is commit ${s.candidatePosition}`;
    return `series: commit ${s.position} of ${s.candidatePosition - 1} earlier adjacent commits by ${s.key} (committed ${s.line})`;
  }
  return `introduces ${r.symbols.map((s) => `${s.kind} ${s.name} (used at ${s.path}:${s.line})`).join(', ')}, absent from ${r.symbols[0]?.missingIn.slice(0, 12) ?? 'the branch'}`;
}
