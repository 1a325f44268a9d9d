/**
 * Missing-fixes audit (Greg's fixes_search, ChromeOS findmissing): every mainline commit that fixes or
 * reverts — directly or through a chain of fixes — something the branch holds, and that the branch does
 * not hold yet. Pure index work: no git process.
 */
import { branchState, commitGraph, mainlineState } from '../fixes/branch-state.js';
import { upstreamState } from '../fixes/follow-ups.js';
import { loadFixGraph } from '../fixes/graph.js';
import type { AnalysisContext } from '../fixes/types.js';
import type { AuditItem, AuditOptions, AuditResult } from './types.js';
import { commitRecord } from '../../history/tables/commits.js';

export function auditBranch(ctx: AnalysisContext, branch: string, opts: AuditOptions = {}): AuditResult {
  const fg = loadFixGraph(ctx.db);
  const graph = commitGraph(ctx.db);
  const st = branchState(ctx, branch, opts.asOf);
  const mainline = mainlineState(ctx, opts.mainlineAsOf ?? opts.asOf);
  const maxDepth = opts.maxDepth ?? 6;
  const meta = (s: string): { subject: string; first_release: string | null } => commitRecord(ctx.db, s) ?? { subject: '', first_release: null };
  const items = new Map<string, AuditItem>();
  let heldFixes = 0;
  let revertedSkipped = 0;
  const skipped = new Set<string>();
  const eligible = (from: string): boolean => {
    if (!mainline.ancestors.has(from) || st.holds(from)) return false;
    if (opts.since !== undefined && (graph.get(from)?.time ?? 0) < opts.since) return false;
    return true;
  };
  /** The item of the commit an edge comes from, made (and queued on `queue`) the first time it is seen. */
  const itemOf = (from: string, kind: AuditItem['kind'], depth: number, queue: string[]): AuditItem => {
    let it = items.get(from);
    if (!it) {
      const m = meta(from);
      it = {
        sha: from,
        subject: m.subject,
        commitTime: graph.get(from)?.time ?? 0,
        firstRelease: m.first_release,
        depth,
        kind,
        reasons: [],
        revertedUpstream: false,
        passedOver: false,
      };
      items.set(from, it);
      queue.push(from);
    }
    return it;
  };
  let frontier: string[] = [];
  for (const e of fg.edges) {
    if (e.kind === 'reapplies') continue;
    const holding = st.holds(e.to);
    if (!holding) continue;
    if (!mainline.ancestors.has(e.from)) continue;
    if (st.holds(e.from)) {
      heldFixes++;
      continue;
    }
    if (!eligible(e.from)) continue;
    const it = itemOf(e.from, e.kind, 1, frontier);
    it.reasons.push({ edge: e, targetSubject: meta(e.to).subject, targetHolding: holding });
  }
  for (let depth = 2; depth <= maxDepth && frontier.length; depth++) {
    const next: string[] = [];
    for (const x of frontier) {
      for (const e of fg.namedBy(x)) {
        if (e.kind === 'reapplies' || !eligible(e.from)) continue;
        const it = itemOf(e.from, e.kind, depth, next);
        if (!it.reasons.some((r) => r.edge === e)) it.reasons.push({ edge: e, targetSubject: meta(e.to).subject, targetHolding: null });
      }
    }
    frontier = next;
  }
  let newest: number | null = null;
  for (const up of st.picks.keys()) {
    const t = graph.get(up)?.time;
    if (t !== undefined && mainline.ancestors.has(up) && (newest === null || t > newest)) newest = t;
  }
  const missing: AuditItem[] = [];
  for (const it of items.values()) {
    it.passedOver = newest !== null && it.commitTime < newest;
    it.revertedUpstream = upstreamState(fg, mainline, graph, it.sha).state === 'reverted';
    if (it.revertedUpstream && !opts.includeReverted) {
      revertedSkipped++;
      skipped.add(it.sha);
      continue;
    }
    missing.push(it);
  }
  // A fix whose only targets are skipped (reverted) fixes is not needed either.
  const kept = missing.filter((it) => it.depth === 1 || it.reasons.some((r) => !skipped.has(r.edge.to)));
  kept.sort((a, b) => a.commitTime - b.commitTime);
  return { branch, tip: st.tip, asOf: opts.asOf ?? null, missing: kept, revertedSkipped, heldFixes, newestPickedUpstream: newest };
}
