/**
 * Series membership: (1) the same mail thread — a `Link:` / `Message-ID:` whose id carries the patch
 * number (`20251103180246.4097432-2-sashal@kernel.org`, b4's `20240101-topic-v2-3-abc@kernel.org`);
 * (2) the same merge — the same author's adjacent commits with one subject prefix that one mainline
 * merge brought in.
 */
import type { DB } from '../../history/db.js';
import type { CommitGraph } from '../../history/graph.js';
import { commitGraph, type BranchState } from '../fixes/branch-state.js';
import type { SeriesEvidence } from './types.js';
import { commitRecord, commitSubject, everyCommitParents, pathIdsOf } from '../../history/tables/commits.js';
import { threadTrailers } from '../../history/tables/links.js';

export interface ThreadId {
  key: string;
  position: number;
}

/** The series key and patch number of a Message-ID (or a link that ends in one), or null. */
export function parseThreadId(value: string): ThreadId | null {
  const m = /([^\s<>/=]+@[^\s<>/]+)/.exec(value);
  if (!m) return null;
  const id = m[1]!.replace(/[>.,;)]+$/, '');
  const p = /^(.+)-(\d{1,3})-([^-]+@.+)$/.exec(id);
  if (!p) return null;
  return { key: `${p[1]}-*-${p[3]}`, position: Number(p[2]) };
}

interface ThreadIndex {
  byKey: Map<string, { sha: string; position: number; line: string }[]>;
  bySha: Map<string, { key: string; position: number; line: string }[]>;
}

const threads = new WeakMap<DB, ThreadIndex>();

function threadIndex(db: DB): ThreadIndex {
  const hit = threads.get(db);
  if (hit) return hit;
  const byKey: ThreadIndex['byKey'] = new Map();
  const bySha: ThreadIndex['bySha'] = new Map();
  for (const [sha, key, value] of threadTrailers(db)) {
    const t = parseThreadId(value);
    if (!t) continue;
    const line = `${key}: ${value}`;
    const a = byKey.get(t.key);
    if (a) {
      if (!a.some((x) => x.sha === sha)) a.push({ sha, position: t.position, line });
    } else byKey.set(t.key, [{ sha, position: t.position, line }]);
    const b = bySha.get(sha);
    if (b) b.push({ key: t.key, position: t.position, line });
    else bySha.set(sha, [{ key: t.key, position: t.position, line }]);
  }
  const idx = { byKey, bySha };
  threads.set(db, idx);
  return idx;
}

export interface SeriesMember {
  sha: string;
  evidence: SeriesEvidence;
}

/** Earlier members of `sha`'s mail thread that are mainline commits. */
export function threadPredecessors(db: DB, sha: string, mainline: BranchState): SeriesMember[] {
  const idx = threadIndex(db);
  const out: SeriesMember[] = [];
  for (const mine of idx.bySha.get(sha) ?? []) {
    for (const m of idx.byKey.get(mine.key) ?? []) {
      if (m.sha === sha || m.position >= mine.position || m.position === 0 || !mainline.ancestors.has(m.sha)) continue;
      out.push({ sha: m.sha, evidence: { rule: 'thread', key: mine.key, position: m.position, candidatePosition: mine.position, line: m.line } });
    }
  }
  return out;
}

const children = new WeakMap<DB, Map<string, string[]>>();

function childMap(db: DB): Map<string, string[]> {
  let c = children.get(db);
  if (c) return c;
  c = new Map();
  for (const [sha, parents] of everyCommitParents(db)) {
    if (!parents) continue;
    for (const p of parents.split(' ')) {
      const l = c.get(p);
      if (l) l.push(sha);
      else c.set(p, [sha]);
    }
  }
  children.set(db, c);
  return c;
}

const firstParents = new WeakMap<BranchState, Set<string>>();

function firstParentChain(graph: CommitGraph, state: BranchState): Set<string> {
  let s = firstParents.get(state);
  if (s) return s;
  s = new Set();
  let cur: string | undefined = state.tip;
  while (cur && !s.has(cur)) {
    s.add(cur);
    cur = graph.get(cur)?.parents[0];
  }
  firstParents.set(state, s);
  return s;
}

/** Builds now what the series rules read on first use (the thread index, the child map, the first-parent chain), kept per index handle. */
export function loadSeriesIndexes(db: DB, mainline: BranchState): void {
  threadIndex(db);
  childMap(db);
  firstParentChain(commitGraph(db), mainline);
}

const subjectPrefix = (s: string): string => {
  const i = s.indexOf(':');
  return i > 0 ? s.slice(0, i).trim().toLowerCase() : '';
};

/**
 * Earlier members of the merged topic `sha` came in with: the merge on mainline's first-parent chain
 * that brought it, and, in that topic, the same author's adjacent commits with the same subject prefix.
 */
export function mergePredecessors(db: DB, sha: string, mainline: BranchState): SeriesMember[] {
  const graph = commitGraph(db);
  const fp = firstParentChain(graph, mainline);
  if (fp.has(sha) || !mainline.ancestors.has(sha)) return [];
  const kids = childMap(db);
  // Walk forward to the oldest first-parent commit that descends from sha: the merge that brought it.
  const seen = new Set<string>([sha]);
  const stack = [sha];
  let merge: string | null = null;
  let mergeTime = Infinity;
  let steps = 0;
  while (stack.length && steps++ < 20000) {
    const s = stack.pop()!;
    for (const k of kids.get(s) ?? []) {
      if (seen.has(k)) continue;
      seen.add(k);
      if (fp.has(k)) {
        const t = graph.get(k)?.time ?? Infinity;
        if (t < mergeTime) {
          merge = k;
          mergeTime = t;
        }
        continue;
      }
      stack.push(k);
    }
  }
  if (!merge) return [];
  const m = graph.get(merge);
  if (!m || m.parents.length < 2) return [];
  const base = graph.ancestors([m.parents[0]!]);
  const topic = new Set<string>();
  for (const p of m.parents.slice(1)) for (const s of graph.exclusive(p, base).own) topic.add(s);
  if (!topic.has(sha)) return [];
  type Meta = { subject: string; author_email: string; author_time: number; parent_count: number };
  const info = new Map<string, Meta>();
  for (const s of topic) info.set(s, commitRecord(db, s) as Meta);
  const ordered = [...topic]
    .filter((s) => info.get(s)!.parent_count < 2)
    .sort((a, b) => graph.get(a)!.time - graph.get(b)!.time || info.get(a)!.author_time - info.get(b)!.author_time);
  const me = info.get(sha)!;
  const prefix = subjectPrefix(me.subject);
  if (!prefix) return [];
  const same = (s: string): boolean => info.get(s)!.author_email === me.author_email && subjectPrefix(info.get(s)!.subject) === prefix;
  const at = ordered.indexOf(sha);
  let start = at;
  while (start > 0 && same(ordered[start - 1]!)) start--;
  const mergeSubject = commitSubject(db, merge) ?? '';
  const out: SeriesMember[] = [];
  for (let i = start; i < at; i++) {
    out.push({ sha: ordered[i]!, evidence: { rule: 'merge', key: merge, position: i - start + 1, candidatePosition: at - start + 1, line: mergeSubject } });
  }
  return out;
}

/**
 * In a linear history (no merges to group a series): the same author's commits with the same subject
 * prefix immediately before `sha` on mainline's first-parent chain, committed within `windowSeconds` of
 * each other (applied together, as maintainers apply a series), that touch a file `sha` touches.
 */
export function adjacentPredecessors(db: DB, sha: string, mainline: BranchState, windowSeconds = 900): SeriesMember[] {
  const graph = commitGraph(db);
  const fp = firstParentChain(graph, mainline);
  if (!fp.has(sha)) return [];
  const me = commitRecord(db, sha);
  if (!me) return [];
  const prefix = subjectPrefix(me.subject);
  if (!prefix) return [];
  const run: string[] = [];
  let cur = sha;
  for (let i = 0; i < 30; i++) {
    const n = graph.get(cur);
    const prev = n?.parents[0];
    if (!n || !prev || n.parents.length > 1) break;
    const pn = graph.get(prev);
    const pm = commitRecord(db, prev);
    if (
      !pn ||
      !pm ||
      pm.parent_count > 1 ||
      pm.author_email !== me.author_email ||
      subjectPrefix(pm.subject) !== prefix ||
      Math.abs(n.time - pn.time) > windowSeconds
    )
      break;
    run.push(prev);
    cur = prev;
  }
  run.reverse();
  // Only members that touch a file the candidate touches: a run of independent fixes by one author is common.
  const mine = new Set(pathIdsOf(db, sha));
  const key = `${me.author_email} ${prefix}`;
  const shares = (s: string): boolean => pathIdsOf(db, s).some((f) => mine.has(f));
  return run.filter(shares).map((s) => ({
    sha: s,
    evidence: {
      rule: 'adjacent',
      key,
      position: run.indexOf(s) + 1,
      candidatePosition: run.length + 1,
      line: new Date((graph.get(s)?.time ?? 0) * 1000).toISOString(),
    },
  }));
}
