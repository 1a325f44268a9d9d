/**
 * Learning from a repository's own history. Every mainline commit made while a stable branch was taking
 * picks, and older than the cut, is an example, labelled by whether any stable (or staging) branch picked
 * it by a commit dated before the cut. Picks come late, so an unpicked commit of the last weeks is "not
 * picked yet": its weight is the share of picks that historically arrived within its age (lag mode
 * 'weight'; 'drop' leaves such commits out, 'none' ignores the lag). The score is calibrated (isotonic)
 * on later release periods predicted by models trained on earlier ones, never on random folds, and the
 * YES threshold maximises F1 there, never below half that F1 (a commit less likely than that lowers it).
 */
import { tagCommit } from '../history/tables/tags.js';
import type { NumStat } from '../git/diff-batch.js';
import { applyIsotonic, bestThreshold, fitIsotonic, prf, yesThreshold, type Isotonic } from './calibrate.js';
import { addToStats, DIM, extractFeatures, newStats, RateTable, vectorize, type Stats, type Vector } from './features.js';
import type { CommitRec, History } from './history.js';
import { hash32 } from './text.js';
import { LogisticModel, type SparseExample } from './logreg.js';
import { CERTAIN_RULES, evaluateRules, RULE_MIN_SUPPORT, RULE_ORDER, ruleStat, type RuleHit, type RuleId, type RuleStat } from './rules.js';
import { historyView } from './view.js';

export type LagMode = 'weight' | 'drop' | 'none';

const DAY = 86400;

export interface TrainInput {
  /** Nothing dated at or after this is seen: no commit, no pick. */
  cut: number;
  /** Mainline commits that may be examples (default: all mainline); e.g. the ancestors of a window's start. */
  universe?: ReadonlySet<string>;
  lag?: LagMode;
  /** How far back examples go. */
  maxYears?: number;
  /** Line counts for the examples (missing: the diff-shape features are left out). */
  numstats?: (shas: readonly string[]) => Promise<Map<string, NumStat | null>>;
  /**
   * Which picks label an example: 'newest' = the newest stable branch forked before the commit (and its
   * staging twin), as a window is labelled by one branch; 'any' = any stable branch.
   */
  label?: 'newest' | 'any';
  /** Older examples weigh less: weight halves every this many days (0: no decay). */
  halfLifeDays?: number;
  /** Validation periods: the last release cycles of mainline (default), or fixed `foldDays` periods. */
  foldsBy?: 'release' | 'days';
  /** Choose the YES threshold on all validation periods (default) or on the latest only. */
  thresholdFrom?: 'all' | 'last';
  /** Logistic regression: passes, L2 strength, AdaGrad step. */
  epochs?: number;
  l2?: number;
  learningRate?: number;
  /** At most this many examples: above it, unpicked commits are sampled (and weigh more). Default 100k. */
  maxExamples?: number;
  /** Validation periods (whole periods of history, latest last). */
  folds?: number;
  foldDays?: number;
  onProgress?: (text: string) => void;
}

export interface FoldResult {
  from: string;
  to: string;
  n: number;
  picked: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface SelectionModel {
  version: 1;
  cut: number;
  examples: number;
  picked: number;
  lr: LogisticModel;
  calibration: Isotonic;
  threshold: number;
  reviewThreshold: number;
  stats: Stats;
  rules: Partial<Record<RuleId, RuleStat>>;
  lag: { mode: LagMode; picks: number; medianDays: number; q75Days: number; q90Days: number };
  cv: { folds: FoldResult[]; f1: number; calibratedOn: number; note?: string };
}

interface Example {
  c: CommitRec;
  vec: Vector;
  y: number;
  w: number;
  hits: RuleHit[];
}

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const iso = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

/**
 * The last `k` whole periods ending by `end`: mainline release cycles (between consecutive release tags
 * that mainline reaches; cycles shorter than 30 days are merged into the next), or fixed periods of
 * `days` when there are too few releases. Oldest first.
 */
function validationPeriods(h: History, mainline: ReadonlySet<string>, end: number, k: number, days: number, by: 'release' | 'days'): [number, number][] {
  if (by === 'release') {
    const cuts: number[] = [];
    for (const r of h.releases) {
      if (r.prerelease || r.time > end) continue;
      const sha = tagCommit(h.db, r.name);
      if (!sha || !mainline.has(sha)) continue;
      if (cuts.length && r.time - cuts[cuts.length - 1]! < 30 * DAY) continue;
      cuts.push(r.time);
    }
    if (cuts.length >= k + 1) {
      const out: [number, number][] = [];
      for (let i = cuts.length - k; i < cuts.length; i++) out.push([cuts[i - 1]!, cuts[i]!]);
      return out;
    }
  }
  const out: [number, number][] = [];
  for (let i = k; i >= 1; i--) out.push([end - i * days, end - (i - 1) * days]);
  return out;
}

/**
 * How reliable each rule was on history, in decision order: a rule is measured on the examples that no
 * earlier deciding rule settled, which is exactly where it would decide.
 */
function ruleStats(examples: readonly Example[]): Partial<Record<RuleId, RuleStat>> {
  const rules: Partial<Record<RuleId, RuleStat>> = {};
  let open = examples;
  for (const id of RULE_ORDER) {
    let n = 0;
    let commits = 0;
    let picked = 0;
    let verdict: RuleHit['verdict'] = id === 'in-branch' ? 'SKIP' : 'YES';
    const hitBy: Example[] = [];
    for (const e of open) {
      const hit = e.hits.find((x) => x.rule === id);
      if (!hit) continue;
      verdict = hit.verdict;
      n += e.y ? 1 : e.w;
      commits++;
      picked += e.y;
      hitBy.push(e);
    }
    if (!n)
      verdict =
        id === 'in-branch' ? 'SKIP' : ['queued', 'opt-out', 'code-missing', 'noautosel', 'revert-unheld', 'fixes-not-in-branch'].includes(id) ? 'NO' : 'YES';
    let st = ruleStat(id, verdict, n, picked, commits);
    // A fix of a commit this scan selects is measured rarely on history: it follows fixes-in-branch.
    if (id === 'fixes-selected' && n < RULE_MIN_SUPPORT && rules['fixes-in-branch']) st = { ...st, decides: rules['fixes-in-branch'].decides };
    rules[id] = st;
    if (st.decides && hitBy.length) {
      const gone = new Set(hitBy);
      open = open.filter((e) => !gone.has(e));
    }
  }
  return rules;
}

/** The deciding rule among hits (first in RULE_ORDER that decides), or null. */
export function decidingRule(hits: readonly RuleHit[], rules: Partial<Record<RuleId, RuleStat>>): RuleHit | null {
  for (const id of RULE_ORDER) {
    const h = hits.find((x) => x.rule === id);
    // A rule history never saw (no stat) decides when it is certain by construction.
    // A queued commit always follows the commit of the range it goes with (models trained before the rule included).
    if (h && (id === 'queued' || (rules[id]?.decides ?? (h.verdict === 'SKIP' || CERTAIN_RULES.has(id))))) return h;
  }
  return null;
}

export async function trainModel(h: History, input: TrainInput): Promise<SelectionModel> {
  const cut = input.cut;
  const lagMode = input.lag ?? 'weight';
  const maxYears = input.maxYears ?? 6;
  const say = input.onProgress ?? (() => undefined);
  const mainline = h.mainlineSet;
  const universe = input.universe ?? mainline;

  // When stable branches were taking picks (as far as the cut lets us see).
  const intervals: [number, number][] = [];
  const lastPick = new Map<string, number>();
  for (const l of h.picks.values()) for (const p of l) if (p.time < cut && p.time > (lastPick.get(p.branch) ?? -Infinity)) lastPick.set(p.branch, p.time);
  for (const b of h.pickBranches) {
    if (b.baseTime === null || b.baseTime >= cut) continue;
    const last = lastPick.get(b.name) ?? -Infinity;
    if (last === -Infinity) continue;
    intervals.push([b.baseTime, last > cut - 180 * DAY ? cut : last + 60 * DAY]);
  }
  const active = (t: number): boolean => intervals.some(([a, z]) => t >= a && t <= z);
  const from = cut - maxYears * 365 * DAY;

  const chosen: CommitRec[] = [];
  for (const sha of universe) {
    if (!mainline.has(sha)) continue;
    const c = h.commits.get(sha);
    if (!c || c.parentCount > 1 || c.time >= cut || c.time < from || !active(c.time)) continue;
    chosen.push(c);
  }
  chosen.sort((a, b) => a.time - b.time || a.id - b.id);

  // The lag between a commit and its first pick, from picks visible before the cut.
  const lags: number[] = [];
  for (const c of chosen) {
    const p = h.pickedBefore(c.sha, cut);
    if (p) lags.push(Math.max(0, p.time - c.time));
  }
  lags.sort((a, b) => a - b);
  const cdf = (age: number): number => {
    if (!lags.length) return 1;
    let lo = 0;
    let hi = lags.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lags[mid]! <= age) lo = mid + 1;
      else hi = mid;
    }
    return lo / lags.length;
  };
  const q75 = quantile(lags, 0.75);
  const q80 = quantile(lags, 0.8);

  // At kernel scale (300k+ candidate commits) unpicked commits are sampled, each kept one weighing
  // 1/rate, so the examples stay under maxExamples; every picked commit is kept.
  const cap = input.maxExamples ?? 100_000;
  const labelMode = input.label ?? 'any';
  const visible = h.pickBranches.filter((b) => b.baseTime !== null && b.baseTime < cut && [...h.family(b.name)].some((n) => lastPick.get(n) !== undefined));
  const familyAt = (t: number): Set<string> | undefined => {
    let best: (typeof visible)[number] | null = null;
    for (const b of visible) if (b.baseTime! <= t && (!best || b.baseTime! > best.baseTime!)) best = b;
    return best ? h.family(best.name) : undefined;
  };
  const isPicked = (c: CommitRec): boolean => !!(labelMode === 'newest' ? h.pickedBefore(c.sha, cut, familyAt(c.time)) : h.pickedBefore(c.sha, cut));
  let nPicked = 0;
  for (const c of chosen) if (isPicked(c)) nPicked++;
  const keepRate = chosen.length > cap ? Math.max(0.01, (cap - Math.min(nPicked, cap / 2)) / Math.max(1, chosen.length - nPicked)) : 1;
  const sampled = keepRate < 1 ? chosen.filter((c) => isPicked(c) || (hash32(c.sha) >>> 0) / 2 ** 32 < keepRate) : chosen;

  say(`features of ${sampled.length} commits${keepRate < 1 ? ` (unpicked ones sampled at ${(keepRate * 100).toFixed(1)} %)` : ''}`);
  const ns = input.numstats ? await input.numstats(sampled.map((c) => c.sha)) : new Map<string, NumStat | null>();
  const stats = newStats();
  const examples: Example[] = [];
  const halfLife = (input.halfLifeDays ?? 0) * DAY;
  const STREAM = 5000;
  for (let i0 = 0; i0 < sampled.length; i0 += STREAM) {
    const part = sampled.slice(i0, i0 + STREAM);
    const ids = part.map((c) => c.id);
    h.loadDetails(ids);
    for (const c of part) {
      const picked = isPicked(c) ? 1 : 0;
      const age = cut - c.time;
      let w = 1;
      if (!picked && lagMode === 'weight') w = Math.max(0.02, cdf(age));
      if (!picked && lagMode === 'drop' && age < q80) w = 0;
      if (!picked) w /= keepRate;
      const d = h.detailsOf(c.id);
      const view = historyView(h, c.time, cut);
      const hits = evaluateRules(h, c, d, { view, checkHeld: false });
      const fs = extractFeatures({
        commit: c,
        details: d,
        hits,
        stats,
        numstat: ns.get(c.sha) ?? null,
        visibleUntil: cut,
        history: h,
        forkTime: view.forkTime(c.time),
      });
      const decay = halfLife > 0 ? Math.pow(0.5, age / halfLife) : 1;
      if (w > 0) examples.push({ c, vec: vectorize(fs), y: picked, w: w * decay, hits });
      addToStats(stats, c, d, picked, w === 0 ? cdf(age) / keepRate : w);
    }
    // Details of examples already vectorised are not needed again (a commit judged later reloads them).
    if (sampled.length > STREAM) h.forgetDetails(ids);
  }
  const rules = ruleStats(examples);
  const toSparse = (e: Example): SparseExample => ({ idx: e.vec.idx, val: e.vec.val, y: e.y, w: e.w });
  const hp = { epochs: input.epochs ?? 4, l2: input.l2 ?? 1e-3, learningRate: input.learningRate ?? 0.1 };
  const train = (xs: readonly Example[]): LogisticModel => LogisticModel.train(xs.map(toSparse), { dim: DIM, ...hp });

  // Validation on whole periods before the cut, leaving the immature last stretch out.
  const K = input.folds ?? 3;
  const P = (input.foldDays ?? 150) * DAY;
  const margin = Math.min(240 * DAY, Math.max(14 * DAY, q75));
  const held: { p: number; y: number; w: number; rule: RuleHit | null }[] = [];
  const heldRaw: { z: number; y: number; w: number }[] = [];
  const folds: FoldResult[] = [];
  const foldPreds: { e: Example; z: number }[][] = [];
  for (const [start, end] of validationPeriods(h, mainline, cut - margin, K, P, input.foldsBy ?? 'release')) {
    const tr = examples.filter((e) => e.c.time < start);
    const te = examples.filter((e) => e.c.time >= start && e.c.time < end);
    if (tr.length < 200 || tr.filter((e) => e.y).length < 20 || te.length < 20) continue;
    say(`validation period ${iso(start)}..${iso(end)}`);
    const m = train(tr);
    foldPreds.push(te.map((e) => ({ e, z: m.score(e.vec) })));
  }
  for (const fp of foldPreds) for (const { e, z } of fp) if (!decidingRule(e.hits, rules)) heldRaw.push({ z, y: e.y, w: e.w });
  let note: string | undefined;
  const base = examples.length
    ? examples.reduce((s, e) => s + e.y, 0) /
      Math.max(
        1,
        examples.reduce((s, e) => s + (e.y ? 1 : e.w), 0),
      )
    : 0.1;
  say('final model');
  const lr = train(examples);
  let calibration: Isotonic;
  if (heldRaw.length >= 50) {
    calibration = fitIsotonic(
      heldRaw.map((x) => x.z),
      heldRaw.map((x) => x.y),
      heldRaw.map((x) => x.w),
      { rate: base, strength: 5 },
    );
  } else {
    note = 'too little history for validation periods: calibrated on the training examples themselves';
    calibration = fitIsotonic(
      examples.map((e) => lr.score(e.vec)),
      examples.map((e) => e.y),
      examples.map((e) => e.w),
      { rate: base, strength: 5 },
    );
  }
  const allPreds = foldPreds.length
    ? input.thresholdFrom === 'last'
      ? foldPreds[foldPreds.length - 1]!
      : foldPreds.flat()
    : examples.map((e) => ({ e, z: lr.score(e.vec) }));
  for (const { e, z } of allPreds) {
    const rule = decidingRule(e.hits, rules);
    const p = rule ? (rule.verdict === 'YES' ? 2 : -1) : applyIsotonic(calibration, z);
    held.push({ p, y: e.y, w: e.w, rule });
  }
  const bt = bestThreshold(
    held.map((x) => x.p),
    held.map((x) => x.y === 1),
    held.map((x) => x.w),
  );
  const threshold = Math.min(0.95, Math.max(0.05, yesThreshold(bt)));
  // NEEDS-REVIEW: below the threshold, down to where 90 % of the model-decided picks are covered.
  const modelOnly = held.filter((x) => !x.rule).sort((a, b) => b.p - a.p);
  const totalPos = modelOnly.reduce((s, x) => s + x.y, 0);
  let reviewThreshold = threshold / 2;
  let cum = 0;
  for (const x of modelOnly) {
    cum += x.y;
    if (totalPos > 0 && cum / totalPos >= 0.9) {
      reviewThreshold = x.p;
      break;
    }
  }
  reviewThreshold = Math.max(threshold / 3, Math.min(threshold, reviewThreshold));
  for (const fp of foldPreds) {
    if (!fp.length) continue;
    const times = fp.map((x) => x.e.c.time);
    const pred = fp.map(({ e, z }) => {
      const rule = decidingRule(e.hits, rules);
      return rule ? rule.verdict === 'YES' : applyIsotonic(calibration, z) >= threshold;
    });
    const r = prf(
      pred,
      fp.map((x) => x.e.y === 1),
      fp.map((x) => x.e.w),
    );
    folds.push({
      from: iso(times.reduce((a, b) => Math.min(a, b))),
      to: iso(times.reduce((a, b) => Math.max(a, b))),
      n: fp.length,
      picked: fp.reduce((s, x) => s + x.e.y, 0),
      precision: r.precision,
      recall: r.recall,
      f1: r.f1,
    });
  }
  return {
    version: 1,
    cut,
    examples: examples.length,
    picked: examples.reduce((s, e) => s + e.y, 0),
    lr,
    calibration,
    threshold,
    reviewThreshold,
    stats,
    rules,
    lag: { mode: lagMode, picks: lags.length, medianDays: quantile(lags, 0.5) / DAY, q75Days: q75 / DAY, q90Days: quantile(lags, 0.9) / DAY },
    cv: { folds, f1: bt.f1, calibratedOn: heldRaw.length, ...(note ? { note } : {}) },
  };
}

export function modelToJson(m: SelectionModel): string {
  return JSON.stringify({ ...m, lr: m.lr.toJSON(), stats: { paths: m.stats.paths.toJSON(), people: m.stats.people.toJSON() } });
}

export function modelFromJson(text: string): SelectionModel {
  const j = JSON.parse(text) as Omit<SelectionModel, 'lr' | 'stats'> & {
    lr: Parameters<typeof LogisticModel.fromJSON>[0];
    stats: { paths: Parameters<typeof RateTable.fromJSON>[0]; people: Parameters<typeof RateTable.fromJSON>[0] };
  };
  return { ...j, lr: LogisticModel.fromJSON(j.lr), stats: { paths: RateTable.fromJSON(j.stats.paths), people: RateTable.fromJSON(j.stats.people) } };
}
