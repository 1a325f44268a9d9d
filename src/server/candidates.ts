/**
 * Filtering, sorting and paging of the candidate rows (server side, so a list of many thousands stays
 * cheap for the browser), the overview's counts, and parsing a query string into a CandidateQuery.
 */
import { StablepickError } from '../errors.js';
import {
  REVIEW_STATES,
  ROW_VERDICTS,
  type BranchOverview,
  type CandidatePage,
  type CandidateQuery,
  type CandidateRow,
  type ReviewState,
  type RowVerdict,
  type SortKey,
} from './api-types.js';

const SORT_KEYS: readonly SortKey[] = ['order', 'sha', 'subject', 'verdict', 'confidence', 'status', 'subsystem', 'time'];
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 20_000;

const VERDICT_RANK: Record<RowVerdict, number> = { YES: 0, 'NEEDS-REVIEW': 1, NO: 2, 'IN-BRANCH': 3 };
const STATUS_RANK: Record<ReviewState, number> = { unreviewed: 0, 'needs-review': 1, deferred: 2, accepted: 3, rejected: 4 };

function list<T extends string>(raw: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  if (raw === undefined || raw === '') return undefined;
  const out: T[] = [];
  for (const s of raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!(allowed as readonly string[]).includes(s))
      throw new StablepickError('BAD_OPTION', { form: 'unknown', option: what, value: s, fix: `use ${allowed.join(', ')}` });
    out.push(s as T);
  }
  return out.length ? out : undefined;
}

function num(raw: string | undefined, what: string, min: number, max: number): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new StablepickError('BAD_OPTION', { form: 'param', option: what, value: raw, why: 'is out of range', fix: `give a number from ${min} to ${max}` });
  return n;
}

/** The query of GET /api/candidates. `branch` defaults to the first branch. */
export function parseCandidateQuery(params: Record<string, string | undefined>, branches: readonly string[]): CandidateQuery {
  const branch = params.branch || branches[0];
  if (!branch || !branches.includes(branch)) throw new StablepickError('UNKNOWN_BRANCH', { branch: params.branch ?? '', scope: 'session', known: branches });
  const sort = params.sort || undefined;
  if (sort !== undefined && !(SORT_KEYS as readonly string[]).includes(sort))
    throw new StablepickError('BAD_OPTION', { form: 'unknown', option: 'sort key', value: sort, fix: `use ${SORT_KEYS.join(', ')}` });
  const dir = params.dir || undefined;
  if (dir !== undefined && dir !== 'asc' && dir !== 'desc')
    throw new StablepickError('BAD_OPTION', { form: 'param', option: 'dir', value: dir, why: 'is not asc or desc', fix: 'use dir=asc or dir=desc' });
  const q: CandidateQuery = { branch };
  const verdict = list(params.verdict, ROW_VERDICTS, 'verdict');
  const status = list(params.status, REVIEW_STATES, 'review status');
  if (verdict) q.verdict = verdict;
  if (status) q.status = status;
  if (params.q) q.q = params.q;
  if (params.path) q.path = params.path;
  if (params.subsystem) q.subsystem = params.subsystem;
  const minConf = num(params.minConf, 'minConf', 0, 1);
  if (minConf !== undefined) q.minConf = minConf;
  if (sort) q.sort = sort as SortKey;
  if (dir) q.dir = dir;
  const offset = num(params.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
  const limit = num(params.limit, 'limit', 1, MAX_LIMIT);
  if (offset !== undefined) q.offset = Math.floor(offset);
  if (limit !== undefined) q.limit = Math.floor(limit);
  return q;
}

/** Whether a row passes the query's filters. */
function rowMatches(r: CandidateRow, q: CandidateQuery): boolean {
  if (q.verdict && !q.verdict.includes(r.verdict)) return false;
  if (q.status && !q.status.includes(r.status)) return false;
  if (q.minConf !== undefined && r.confidence < q.minConf) return false;
  if (q.subsystem && r.subsystem !== q.subsystem) return false;
  if (q.path) {
    const p = q.path.toLowerCase();
    if (!r.paths.some((x) => x.toLowerCase().includes(p))) return false;
  }
  if (q.q) {
    const t = q.q.toLowerCase();
    if (!r.subject.toLowerCase().includes(t) && !r.sha.startsWith(t) && !r.author.toLowerCase().includes(t)) return false;
  }
  return true;
}

function compare(key: SortKey): (a: CandidateRow, b: CandidateRow) => number {
  switch (key) {
    case 'order':
      return (a, b) => a.order - b.order;
    case 'sha':
      return (a, b) => (a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : 0);
    case 'subject':
      return (a, b) => a.subject.localeCompare(b.subject);
    case 'verdict':
      return (a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict];
    case 'confidence':
      return (a, b) => a.confidence - b.confidence;
    case 'status':
      return (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status];
    case 'subsystem':
      return (a, b) => a.subsystem.localeCompare(b.subsystem);
    case 'time':
      return (a, b) => a.time - b.time;
  }
}

/** Filters, sorts (stable, range order breaks ties) and pages the rows of one branch. */
export function queryCandidates(rows: readonly CandidateRow[], q: CandidateQuery): CandidatePage {
  const hits = rows.filter((r) => rowMatches(r, q));
  const key = q.sort ?? 'order';
  const sign = q.dir === 'desc' ? -1 : 1;
  const cmp = compare(key);
  hits.sort((a, b) => sign * cmp(a, b) || a.order - b.order);
  const offset = q.offset ?? 0;
  const limit = q.limit ?? DEFAULT_LIMIT;
  return { branch: q.branch, total: rows.length, matched: hits.length, offset, rows: hits.slice(offset, offset + limit) };
}

function emptyCounts(): Record<RowVerdict, Record<ReviewState, number>> {
  const out = {} as Record<RowVerdict, Record<ReviewState, number>>;
  for (const v of ROW_VERDICTS) {
    const s = {} as Record<ReviewState, number>;
    for (const st of REVIEW_STATES) s[st] = 0;
    out[v] = s;
  }
  return out;
}

/** Counts per verdict × review state, the confidence histogram (10 bins) and the subsystems of a branch. */
export function branchOverview(branch: string, rows: readonly CandidateRow[]): BranchOverview {
  const counts = emptyCounts();
  const histogram = new Array<number>(10).fill(0);
  const subs = new Map<string, number>();
  for (const r of rows) {
    counts[r.verdict][r.status]++;
    histogram[Math.min(9, Math.max(0, Math.floor(r.confidence * 10)))]!++;
    subs.set(r.subsystem, (subs.get(r.subsystem) ?? 0) + 1);
  }
  const subsystems = [...subs].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return { branch, total: rows.length, counts, histogram, subsystems };
}
