/**
 * Follow-ups of a candidate: every later mainline commit that fixes, reverts or re-applies it, and
 * (transitively) fixes of those, ordered by commit time, each marked held by the branch or missing.
 * A missing, still-effective follow-up makes the candidate "must go together"; a candidate that stays
 * reverted upstream is a NO.
 */
import { commitGraph, describeHolding, mainlineState, branchState, type BranchState } from './branch-state.js';
import type { CommitGraph } from '../../history/graph.js';
import { fixLinks, type FixLinks } from './graph.js';
import type { AnalysisContext, AsOfOptions, FixEdge, FollowUp, FollowUpResult, UpstreamState } from './types.js';
import { commitSubject } from '../../history/tables/commits.js';

export interface FollowUpOptions extends AsOfOptions {
  /** How many edges away from the candidate to follow (default 6). */
  maxDepth?: number;
}

function subjectOf(ctx: AnalysisContext, sha: string): string {
  return commitSubject(ctx.db, sha) ?? '';
}

/**
 * Whether `sha` is in effect upstream: reverted by an effective revert that no later effective
 * re-application (a revert of the revert, `Reapply "..."`, or the same subject again) undid.
 */
export function upstreamState(fg: FixLinks, mainline: BranchState, graph: CommitGraph, sha: string, depth = 0): UpstreamState {
  if (depth > 8) return { state: 'active' };
  const inMain = mainline.ancestors;
  let last: { kind: 'revert' | 'reapply'; by: string; revertedBy?: string } | null = null;
  const events: { kind: 'revert' | 'reapply'; edge: FixEdge }[] = [];
  for (const e of fg.namedBy(sha)) {
    if (!inMain.has(e.from)) continue;
    // A revert happened even if it was undone later; the undoing shows up as a re-application below.
    if (e.kind === 'reverts') events.push({ kind: 'revert', edge: e });
    if (e.kind === 'reapplies' && upstreamState(fg, mainline, graph, e.from, depth + 1).state !== 'reverted') events.push({ kind: 'reapply', edge: e });
  }
  // A revert of a revert re-applies the original.
  for (const r of fg.namedBy(sha)) {
    if (r.kind !== 'reverts' || !inMain.has(r.from)) continue;
    for (const rr of fg.namedBy(r.from)) {
      if (rr.kind === 'reverts' && inMain.has(rr.from) && upstreamState(fg, mainline, graph, rr.from, depth + 1).state !== 'reverted')
        events.push({ kind: 'reapply', edge: rr });
    }
  }
  const t = (s: string): number => graph.get(s)?.time ?? 0;
  events.sort((a, b) => t(a.edge.from) - t(b.edge.from));
  for (const ev of events) {
    if (ev.kind === 'revert') last = { kind: 'revert', by: ev.edge.from };
    else if (last?.kind === 'revert') last = { kind: 'reapply', by: ev.edge.from, revertedBy: last.by };
  }
  if (!last) return { state: 'active' };
  if (last.kind === 'revert') return { state: 'reverted', by: last.by };
  return { state: 'reapplied', revertedBy: last.revertedBy!, reappliedBy: last.by };
}

export function followUps(ctx: AnalysisContext, sha: string, branch: string | null, opts: FollowUpOptions = {}): FollowUpResult {
  const graph = commitGraph(ctx.db);
  const fg = fixLinks(ctx.db);
  const mainline = mainlineState(ctx, opts.asOf);
  const held = branch ? branchState(ctx, branch, opts.asOf) : null;
  const maxDepth = opts.maxDepth ?? 6;
  const found = new Map<string, FollowUp>();
  let frontier = [sha];
  for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
    const next: string[] = [];
    for (const n of frontier) {
      for (const e of fg.namedBy(n)) {
        if (e.from === sha || found.has(e.from) || !mainline.ancestors.has(e.from)) continue;
        const st = upstreamState(fg, mainline, graph, e.from);
        found.set(e.from, {
          sha: e.from,
          subject: subjectOf(ctx, e.from),
          commitTime: graph.get(e.from)?.time ?? 0,
          kind: e.kind,
          edge: e,
          depth,
          inBranch: held ? held.holds(e.from) : null,
          revertedUpstream: st.state === 'reverted',
        });
        next.push(e.from);
      }
    }
    frontier = next;
  }
  const list = [...found.values()].sort((a, b) => a.commitTime - b.commitTime || a.depth - b.depth);
  const upstream = upstreamState(fg, mainline, graph, sha);
  const reasons: string[] = [];
  for (const f of list) {
    const what =
      f.kind === 'fixes'
        ? `fixes ${f.edge.to.slice(0, 12)} (${f.edge.evidence.line})`
        : f.kind === 'reverts'
          ? `reverts ${f.edge.to.slice(0, 12)}`
          : `re-applies ${f.edge.to.slice(0, 12)}`;
    const where = branch ? (f.inBranch ? describeHolding(f.inBranch) : `missing from ${branch}`) : '';
    reasons.push(`${f.sha.slice(0, 12)} ("${f.subject}") ${what}${where ? `; ${where}` : ''}${f.revertedUpstream ? '; itself reverted upstream' : ''}`);
  }
  let verdict: FollowUpResult['verdict'] = 'alone';
  if (upstream.state === 'reverted') {
    verdict = 'reverted-upstream';
    reasons.unshift(`reverted upstream by ${upstream.by.slice(0, 12)} ("${subjectOf(ctx, upstream.by)}"): do not pick`);
  } else if (list.some((f) => !f.inBranch && !f.revertedUpstream && branch !== null)) {
    verdict = 'must-go-together';
    const missing = list.filter((f) => !f.inBranch && !f.revertedUpstream).map((f) => f.sha.slice(0, 12));
    reasons.unshift(`must go together with ${missing.join(', ')}`);
  }
  if (upstream.state === 'reapplied') reasons.push(`reverted by ${upstream.revertedBy.slice(0, 12)} and re-applied by ${upstream.reappliedBy.slice(0, 12)}`);
  return { sha, branch, followUps: list, upstream, verdict, reasons };
}
