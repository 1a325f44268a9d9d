/**
 * A branch's policy now: how much of mainline it has been taking lately and what kinds of commits, from
 * its own picks over a sliding horizon (default 90 days) ending at the cut. Picks come late, so the rate
 * is the picks the branch made in the horizon over the mainline commits made in it (at a steady pace
 * the late picks of earlier commits stand in for the not-yet-made picks of recent ones); a branch forked
 * inside the horizon is measured from its fork. The rate enters the verdicts as a shift of the log-odds
 * against the model's base rate, so a branch in security-only maintenance and a young branch that takes
 * almost everything get different verdicts for the same commit.
 */
import type { DB } from '../history/db.js';
import { History, type CommitRec } from './history.js';
import { modelFromJson } from './model.js';
import { loadModelJson } from './store.js';
import { BUG_WORDS, wordClasses } from './text.js';

const DAY = 86400;
/** Prior strength (in mainline commits) pulling a short horizon's rate towards the model's base rate. */
const SMOOTH = 50;
/** The shift never moves the log-odds by more than this. */
const MAX_SHIFT = 2.5;

const SECURITY = /\bcve-\d{4}-\d+|\bsecurity\b|\bvulnerab|\bxsa-\d+|\bexploit|\bprivilege/i;
const CI_TEST_DOC = /(?:^|\/)(?:tests?|testing|selftests?|docs?|documentation|\.github|\.gitlab-ci[^/]*|\.ci|ci)(?:\/|$)|\.(?:md|rst|txt|ya?ml)$/i;

export interface BranchPolicy {
  branch: string;
  horizonDays: number;
  /** Unix times of the horizon measured (from the fork when it is younger). */
  from: number;
  to: number;
  /** Mainline commits the branch picked in the horizon (by pick date). */
  picks: number;
  /** Mainline non-merge commits made in the horizon. */
  mainline: number;
  /** Smoothed share picked. */
  rate: number;
  kinds: { security: number; fixes: number; tagged: number; ciTestDoc: number; other: number };
  /** The log-odds shift against the model's base rate (0 when the horizon says nothing). */
  shift: number;
  /** The sentence a maintainer reads, e.g. "last 90 days: 19 picks of 240 mainline commits (8 %), 17 security fixes". */
  text: string;
  /** Up to five picked upstream commits of the horizon (evidence). */
  examples: string[];
}

const logit = (p: number): number => {
  const q = Math.min(1 - 1e-4, Math.max(1e-4, p));
  return Math.log(q / (1 - q));
};

/** The policy of `name` as of `at`; `baseRate` (the model's pick rate on history) only smooths a short horizon. */
export function branchPolicy(h: History, name: string, at: number, baseRate: number, horizonDays = 90): BranchPolicy {
  const family = h.family(name);
  const b = h.branches.find((x) => x.name === name);
  const to = at;
  const from = Math.max(to - horizonDays * DAY, b?.baseTime ?? -Infinity);
  const picked: string[] = [];
  // The model learns "picked by any stable branch": the branch's rate is compared with that rate over the
  // same horizon, not with the history's average.
  let pickedByAny = 0;
  for (const [up, list] of h.picks) {
    const first = list.find((p) => family.has(p.branch));
    if (first && first.time >= from && first.time < to) picked.push(up);
    const any = list[0];
    if (any && any.time >= from && any.time < to) pickedByAny++;
  }
  const mainSet = h.mainlineSet;
  let mainline = 0;
  // Measured from the fork: the fork point itself is the branch's, not a candidate.
  const fromFork = b?.baseTime !== null && b?.baseTime !== undefined && from === b.baseTime;
  for (const c of h.commits.values()) if (c.parentCount <= 1 && (fromFork ? c.time > from : c.time >= from) && c.time < to && mainSet.has(c.sha)) mainline++;
  const kinds = { security: 0, fixes: 0, tagged: 0, ciTestDoc: 0, other: 0 };
  const recs = picked.map((s) => h.commits.get(s)).filter((c): c is CommitRec => c !== undefined);
  h.loadDetails(recs.map((c) => c.id));
  for (const c of recs) {
    const d = h.detailsOf(c.id);
    const text = `${c.subject}\n${d.message}`;
    if (SECURITY.test(text)) kinds.security++;
    else if (d.trailers.some((t) => t.kind === 'fixes') || wordClasses(c.subject, BUG_WORDS).length) kinds.fixes++;
    else if (d.trailers.some((t) => t.kind === 'stable' || t.kind === 'backport-to')) kinds.tagged++;
    else if (d.files.length && d.files.every((f) => CI_TEST_DOC.test(f.path))) kinds.ciTestDoc++;
    else kinds.other++;
  }
  const days = Math.max(0, Math.round((to - from) / DAY));
  const informative = days >= 14 && mainline >= 20;
  const anyRate = (pickedByAny + SMOOTH * baseRate) / (mainline + SMOOTH);
  const rate = (picked.length + SMOOTH * anyRate) / (mainline + SMOOTH);
  const shift = informative ? Math.max(-MAX_SHIFT, Math.min(MAX_SHIFT, logit(rate) - logit(anyRate))) : 0;
  const parts: string[] = [];
  if (kinds.security) parts.push(`${kinds.security} security fix${kinds.security > 1 ? 'es' : ''}`);
  if (kinds.fixes) parts.push(`${kinds.fixes} other fix${kinds.fixes > 1 ? 'es' : ''}`);
  if (kinds.tagged) parts.push(`${kinds.tagged} tagged for stable`);
  if (kinds.ciTestDoc) parts.push(`${kinds.ciTestDoc} CI/test/doc`);
  if (kinds.other) parts.push(`${kinds.other} other`);
  const pct = mainline ? `${((100 * picked.length) / mainline).toFixed(picked.length / mainline < 0.1 ? 1 : 0)} %` : '–';
  const since = from > to - horizonDays * DAY ? `since its fork ${days} days ago` : `last ${horizonDays} days`;
  const text = `${since}: ${picked.length} pick${picked.length === 1 ? '' : 's'} of ${mainline} mainline commits (${pct})${parts.length ? `, ${parts.join(', ')}` : ''}${
    informative
      ? `; verdicts shifted by ${shift >= 0 ? '+' : '−'}${Math.abs(shift).toFixed(2)} log-odds against the ${(100 * anyRate).toFixed(1)} % that any stable branch picked`
      : '; too short to shift the verdicts'
  }`;
  return { branch: name, horizonDays, from, to, picks: picked.length, mainline, rate, kinds, shift, text, examples: picked.slice(-5) };
}

/** The model's base pick rate on history (examples it learned from). */
export function baseRateOf(model: { examples: number; picked: number }): number {
  return model.examples > 0 ? Math.min(0.95, Math.max(0.01, model.picked / model.examples)) : 0.1;
}

/** Every named branch's policy as of the newest indexed commit, against the stored model's base rate (0.2 without one). */
export function policiesNow(db: DB, names: readonly string[]): Map<string, BranchPolicy> {
  const h = History.load(db);
  let base = 0.2;
  try {
    base = baseRateOf(modelFromJson(loadModelJson(db, 'default')));
  } catch {
    base = 0.2;
  }
  let now = 0;
  for (const c of h.commits.values()) if (c.time > now) now = c.time;
  return new Map(names.map((n) => [n, branchPolicy(h, n, now + 1, base)]));
}
