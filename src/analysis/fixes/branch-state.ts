/**
 * Which commits a branch holds (docs/index.md): ancestors of its tip, or picked (a holding of
 * src/history/holdings.ts: a `branch_commits` row with that upstream sha and how it was found). With `asOf`, the tip is the last commit of the branch's first-parent chain
 * dated before it, and only picks reachable from that tip count — nothing is written anywhere.
 * Ancestry comes from the in-memory CommitGraph, loaded once per index handle.
 */
import { StablepickError } from '../../errors.js';
import type { DB } from '../../history/db.js';
import { CommitGraph } from '../../history/graph.js';
import { describeVia, readPicks } from '../../history/holdings.js';
import type { AnalysisContext, Holding } from './types.js';
import { branchNamed, branchNames, mainlineBranch } from '../../history/tables/branches.js';

const graphs = new WeakMap<DB, CommitGraph>();
const states = new WeakMap<DB, Map<string, BranchState>>();

/** The commit graph of the index (cached per handle). */
export function commitGraph(db: DB): CommitGraph {
  let g = graphs.get(db);
  if (!g) {
    g = CommitGraph.load(db);
    graphs.set(db, g);
  }
  return g;
}

export interface BranchState {
  name: string;
  role: string;
  /** The tip used (the cut-back tip with asOf). */
  tip: string;
  asOf: number | null;
  ancestors: ReadonlySet<string>;
  /** upstream sha → the stable commit that carries it. */
  picks: ReadonlyMap<string, { stableSha: string; via: string | null; stableTime: number }>;
  holds(sha: string): Holding | null;
}

interface BranchRow {
  name: string;
  role: string;
  tip: string;
}

export function branchRow(db: DB, name: string): BranchRow {
  const row = branchNamed(db, name);
  if (!row) {
    const known = branchNames(db);
    throw new StablepickError('UNKNOWN_BRANCH', { branch: name, scope: 'index', known });
  }
  return { name: row.name, role: row.role, tip: row.tip };
}

function mainlineName(db: DB): string {
  const n = mainlineBranch(db)?.name;
  if (!n) throw new StablepickError('INDEX_MISSING', { why: 'no-mainline' });
  return n;
}

/** The last commit of `tip`'s first-parent chain with commit time before `asOf`. */
function tipAsOf(graph: CommitGraph, tip: string, asOf: number): string | null {
  let cur: string | undefined = tip;
  const seen = new Set<string>();
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    const n = graph.get(cur);
    if (!n) return null;
    if (n.time < asOf) return cur;
    cur = n.parents[0];
  }
  return null;
}

/**
 * The branch as of `asOf`, or as of an explicit `tipOverride` (a commit of the branch: its ancestors and
 * the picks among them are what the branch holds — for replays that cut between two picks of one second).
 */
export function branchState(ctx: Pick<AnalysisContext, 'db'>, name: string, asOf?: number, tipOverride?: string): BranchState {
  const db = ctx.db;
  let cache = states.get(db);
  if (!cache) {
    cache = new Map();
    states.set(db, cache);
  }
  const key = `${name}\0${asOf ?? ''}\0${tipOverride ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const row = branchRow(db, name);
  const graph = commitGraph(db);
  const tip = tipOverride ?? (asOf === undefined ? row.tip : tipAsOf(graph, row.tip, asOf));
  const ancestors = tip ? graph.ancestors([tip]) : new Set<string>();
  const picks = new Map<string, { stableSha: string; via: string | null; stableTime: number }>();
  // The holdings of src/history/holdings.ts, of this branch only (what its own history contains; a
  // staging twin's picks are not in it).
  for (const r of readPicks(db, name)) {
    if ((asOf !== undefined || tipOverride !== undefined) && !ancestors.has(r.sha)) continue;
    const prev = picks.get(r.upstream);
    if (!prev || r.time < prev.stableTime) picks.set(r.upstream, { stableSha: r.sha, via: r.via, stableTime: r.time });
  }
  const state: BranchState = {
    name,
    role: row.role,
    tip: tip ?? row.tip,
    asOf: asOf ?? null,
    ancestors,
    picks,
    holds(sha: string): Holding | null {
      if (ancestors.has(sha)) return { how: 'ancestor', branch: name };
      const p = picks.get(sha);
      return p ? { how: 'picked', branch: name, stableSha: p.stableSha, via: p.via, stableTime: p.stableTime } : null;
    },
  };
  if (!tip) state.holds = () => null;
  cache.set(key, state);
  // Each state holds a set of all the branch's ancestors: keep only the few most recent.
  if (cache.size > 32) cache.delete(cache.keys().next().value!);
  return state;
}

/** The mainline branch's state (its ancestors are the mainline commits). */
export function mainlineState(ctx: Pick<AnalysisContext, 'db'>, asOf?: number): BranchState {
  return branchState(ctx, mainlineName(ctx.db), asOf);
}

export function describeHolding(h: Holding): string {
  return h.how === 'ancestor' ? `${h.branch} contains it` : `picked to ${h.branch} as ${h.stableSha.slice(0, 12)}${h.via ? ` (${describeVia(h.via)})` : ''}`;
}
