/**
 * The commit × branch matrix: one row per upstream commit, a cell per judged branch; the marks read from
 * the commit's message and trailers; the queues of commits that must go together (connected by Fixes:-
 * like edges of the fix graph inside the judged range).
 */
import type { FixGraph } from '../analysis/fixes/graph.js';
import type { Details } from '../select/history.js';
import { cellOfRow, type ApplyState, type CandidateRow, type Mark, type MatrixRow, type QueueInfo } from './api-types.js';

/** Words that make a maintainer look twice (matched as words, case-insensitive, in subject and message). */
export const SECURITY_WORDS =
  /\b(security|vulnerab\w*|exploit\w*|overflow\w*|underflow\w*|use[- ]after[- ]free|UAF|out[- ]of[- ]bounds|OOB|double[- ]free|info(?:rmation)? leak|privilege\w*|KASAN|syzbot|syzkaller)\b/i;
const CVE = /\bCVE-\d{4}-\d{4,}\b/i;

/** The marks of a commit from its subject, message and parsed trailers. */
export function marksOf(subject: string, d: Pick<Details, 'message' | 'trailers'>): Mark[] {
  const out: Mark[] = [];
  const kinds = new Set(d.trailers.map((t) => t.kind));
  const keys = new Set(d.trailers.map((t) => t.key.toLowerCase()));
  if (kinds.has('fixes')) out.push('fixes');
  if (kinds.has('stable') || kinds.has('backport-to') || kinds.has('stable-dep-of')) out.push('stable');
  const text = `${subject}\n${d.message}`;
  if (CVE.test(text)) out.push('cve');
  if (SECURITY_WORDS.test(text)) out.push('security');
  if (keys.has('reported-by')) out.push('reported');
  return out;
}

/**
 * Queues of the range: commits joined by a `fixes`/`reverts` edge where both ends are in the range.
 * Returns sha → its queue (only for commits in a queue of two or more).
 */
export function rangeQueues(shas: readonly string[], fg: FixGraph): Map<string, QueueInfo> {
  const index = new Map(shas.map((s, i) => [s, i]));
  const parent = shas.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const edges: { from: string; to: string; line: string }[] = [];
  for (const s of shas) {
    for (const e of fg.names(s)) {
      if (e.kind !== 'fixes') continue;
      const j = index.get(e.to);
      if (j === undefined || e.to === s) continue;
      edges.push({ from: s, to: e.to, line: e.evidence.line });
      parent[find(index.get(s)!)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  shas.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  const out = new Map<string, QueueInfo>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const members = g.sort((a, b) => a - b).map((i) => shas[i]!);
    const set = new Set(members);
    const q: QueueInfo = { members, edges: edges.filter((e) => set.has(e.from)) };
    for (const m of members) out.set(m, q);
  }
  return out;
}

/** The matrix rows from the rows of each branch (all in the same range order). */
export function matrixRows(
  rowsBy: readonly (readonly CandidateRow[])[],
  marks: ReadonlyMap<string, Mark[]>,
  queues: ReadonlyMap<string, QueueInfo>,
  apply: (branchIndex: number, sha: string) => { state: ApplyState; reason: string } | undefined,
): MatrixRow[] {
  const first = rowsBy.find((rs) => rs.length) ?? [];
  return first.map((r0, i) => ({
    sha: r0.sha,
    subject: r0.subject,
    order: r0.order,
    time: r0.time,
    author: r0.author,
    subsystem: r0.subsystem,
    marks: marks.get(r0.sha) ?? [],
    cells: rowsBy.map((rs, bi) => {
      const r = rs[i];
      return r && r.sha === r0.sha ? cellOfRow(r, apply(bi, r.sha)) : null;
    }),
    queue: queues.get(r0.sha) ?? null,
  }));
}
