/**
 * Resolving the commit ids that messages mention (Fixes: targets, upstream markers, reverts) to full
 * shas of indexed commits. A short id that matches several commits is settled by the quoted subject when
 * there is one; otherwise it stays 'ambiguous'. Ids that match nothing stay 'unknown' and are tried again
 * on the next index run (the commit may arrive later).
 */
import type { DB } from './db.js';
import type { PendingRef } from './commit-writer.js';
import { lowerBound } from '../util/sorted.js';

export type RefStatus = 'resolved' | 'ambiguous' | 'unknown' | 'malformed';

interface Candidate {
  sha: string;
  subject: string;
}

function normaliseSubject(s: string): string {
  return s
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/(\.\.\.|…)$/, '')
    .replace(/^\s+|\s+$/g, '');
}

/** Chooses the commit a (prefix, subject) names, or says why it cannot. */
function chooseCandidate(cands: readonly Candidate[], subject: string | null): { sha: string | null; status: RefStatus } {
  if (cands.length === 0) return { sha: null, status: 'unknown' };
  if (cands.length === 1) return { sha: cands[0]!.sha, status: 'resolved' };
  if (subject) {
    const want = normaliseSubject(subject);
    const exact = cands.filter((c) => normaliseSubject(c.subject) === want);
    if (exact.length === 1) return { sha: exact[0]!.sha, status: 'resolved' };
    const prefix = cands.filter((c) => want.length >= 10 && normaliseSubject(c.subject).startsWith(want));
    if (exact.length === 0 && prefix.length === 1) return { sha: prefix[0]!.sha, status: 'resolved' };
  }
  return { sha: null, status: 'ambiguous' };
}

/** Finds the commits a hex prefix names: by SQL for a few look-ups, from a sorted in-memory list for many. */
export class PrefixResolver {
  private readonly byRange;
  private readonly subjectOf;
  private sorted: string[] | null = null;

  constructor(
    private readonly db: DB,
    opts: { bulk?: boolean } = {},
  ) {
    this.byRange = db.prepare('SELECT sha, subject FROM commits WHERE sha >= ? AND sha < ? LIMIT 50');
    this.subjectOf = db.prepare('SELECT subject FROM commits WHERE sha = ?').pluck();
    if (opts.bulk) this.sorted = db.prepare('SELECT sha FROM commits ORDER BY sha').pluck().all() as string[];
  }

  candidates(prefix: string): Candidate[] {
    const p = prefix.toLowerCase();
    if (!this.sorted) return this.byRange.all(p, `${p}g`) as Candidate[];
    const a = this.sorted;
    const lo = lowerBound(a, p);
    const out: Candidate[] = [];
    for (let i = lo; i < a.length && a[i]!.startsWith(p) && out.length < 50; i++) out.push({ sha: a[i]!, subject: '' });
    if (out.length > 1) for (const c of out) c.subject = (this.subjectOf.get(c.sha) as string | undefined) ?? '';
    return out;
  }

  resolve(prefix: string, subject: string | null): { sha: string | null; status: RefStatus } {
    return chooseCandidate(this.candidates(prefix), subject);
  }
}

/**
 * Resolves every trailer and marker still 'unknown'. Returns how many became resolved. `known`: the
 * unresolved rows, when the caller wrote every one of them in this run and kept them (a first index), so
 * that the tables need not be scanned for them.
 */
export function resolvePendingRefs(
  db: DB,
  known?: { trailers: readonly PendingRef[]; markers: readonly PendingRef[] },
): { trailers: number; markers: number; ambiguous: number } {
  let trailers = 0;
  let markers = 0;
  let ambiguous = 0;
  const pendT = known?.trailers ?? (db.prepare("SELECT rowid, ref_prefix, ref_subject FROM trailers WHERE ref_status = 'unknown'").raw().all() as PendingRef[]);
  const pendM = known?.markers ?? (db.prepare("SELECT rowid, prefix, NULL FROM markers WHERE status = 'unknown'").raw().all() as PendingRef[]);
  const resolver = new PrefixResolver(db, { bulk: pendT.length + pendM.length > 2000 });
  // One UPDATE by row id each: cheaper than a temporary table and an UPDATE ... FROM (~20 % on DPDK's 27k).
  const setT = db.prepare('UPDATE trailers SET ref_sha = ?, ref_status = ? WHERE rowid = ?');
  const setM = db.prepare('UPDATE markers SET sha = ?, status = ? WHERE rowid = ?');
  db.transaction(() => {
    for (const [rid, prefix, subject] of pendT) {
      const r = resolver.resolve(prefix, subject);
      if (r.status === 'unknown') continue;
      setT.run(r.sha, r.status, rid);
      if (r.status === 'resolved') trailers++;
      else ambiguous++;
    }
    for (const [rid, prefix] of pendM) {
      const r = resolver.resolve(prefix, null);
      if (r.status === 'unknown') continue;
      setM.run(r.sha, r.status, rid);
      if (r.status === 'resolved') markers++;
      else ambiguous++;
    }
  }).immediate();
  return { trailers, markers, ambiguous };
}
