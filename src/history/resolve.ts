/**
 * Resolving the commit ids that messages mention (Fixes: targets, upstream markers, reverts) to full
 * shas of indexed commits. A short id that matches several commits is settled by the quoted subject when
 * there is one; otherwise it stays 'ambiguous'. Ids that match nothing stay 'unknown' and are tried again
 * on the next index run (the commit may arrive later).
 */
import type { DB } from './db.js';
import { bulkUpdateByRowid } from './grouped-insert.js';

export type RefStatus = 'resolved' | 'ambiguous' | 'unknown' | 'malformed';

interface Candidate {
  sha: string;
  subject: string;
}

export function normaliseSubject(s: string): string {
  return s
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/(\.\.\.|…)$/, '')
    .replace(/^\s+|\s+$/g, '');
}

/** Chooses the commit a (prefix, subject) names, or says why it cannot. */
export function chooseCandidate(cands: readonly Candidate[], subject: string | null): { sha: string | null; status: RefStatus } {
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
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    const out: Candidate[] = [];
    for (let i = lo; i < a.length && a[i]!.startsWith(p) && out.length < 50; i++) out.push({ sha: a[i]!, subject: '' });
    if (out.length > 1) for (const c of out) c.subject = (this.subjectOf.get(c.sha) as string | undefined) ?? '';
    return out;
  }

  resolve(prefix: string, subject: string | null): { sha: string | null; status: RefStatus } {
    return chooseCandidate(this.candidates(prefix), subject);
  }
}

/** Resolves every trailer and marker still 'unknown'. Returns how many became resolved. */
export function resolvePendingRefs(db: DB): { trailers: number; markers: number; ambiguous: number } {
  let trailers = 0;
  let markers = 0;
  let ambiguous = 0;
  const pendT = db
    .prepare("SELECT rowid AS rid, ref_prefix, ref_subject FROM trailers WHERE ref_status = 'unknown'")
    .all() as { rid: number; ref_prefix: string; ref_subject: string | null }[];
  const pendM = db
    .prepare("SELECT rowid AS rid, prefix, kind FROM markers WHERE status = 'unknown'")
    .all() as { rid: number; prefix: string; kind: string }[];
  const resolver = new PrefixResolver(db, { bulk: pendT.length + pendM.length > 2000 });
  const setT: unknown[][] = [];
  const setM: unknown[][] = [];
  db.transaction(() => {
    for (const t of pendT) {
      const r = resolver.resolve(t.ref_prefix, t.ref_subject);
      if (r.status === 'unknown') continue;
      setT.push([t.rid, r.sha, r.status]);
      if (r.status === 'resolved') trailers++;
      else ambiguous++;
    }
    for (const m of pendM) {
      const r = resolver.resolve(m.prefix, null);
      if (r.status === 'unknown') continue;
      setM.push([m.rid, r.sha, r.status]);
      if (r.status === 'resolved') markers++;
      else ambiguous++;
    }
    bulkUpdateByRowid(db, 'trailers', ['ref_sha', 'ref_status'], setT);
    bulkUpdateByRowid(db, 'markers', ['sha', 'status'], setM);
  }).immediate();
  return { trailers, markers, ambiguous };
}
