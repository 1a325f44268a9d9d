/**
 * Replaying a window by the protocol of ../shared/datasets/README.md: every stable branch cut back to
 * what it held when the window opened (picks by stable commits dated before the window's first commit's
 * date; done in memory from the index, the repository is not touched), a model trained on mainline
 * history before the window, every commit of the window judged for the branch, and the YES set compared
 * with the labels — next to the baselines "has a stable tag", "has a Fixes-like trailer", "fix word in
 * the subject" and "YES for everything".
 */
import { readFileSync } from 'node:fs';
import { StablepickError } from '../errors.js';
import type { NumStat } from '../git/diff-batch.js';
import { prf, type PRF } from './calibrate.js';
import type { History } from './history.js';
import { judgeCommits, type Verdict } from './judge.js';
import { baseRateOf, branchPolicy } from './policy.js';
import { trainModel, type LagMode, type SelectionModel, type TrainInput } from './model.js';
import { branchView } from './view.js';

export interface EvalInput {
  window: string;
  branch: string;
  firstParent?: boolean;
  /** sha → 1/0; default: what the branch (or its staging twin) picked, at any time. */
  labels?: Map<string, number>;
  lag?: LagMode;
  numstats?: (shas: readonly string[]) => Promise<Map<string, NumStat | null>>;
  optOut?: readonly RegExp[];
  onProgress?: (text: string) => void;
  /** Further training options (experiments). */
  train?: Partial<TrainInput>;
  /** Shift the verdicts by the branch's recent policy (default true; false for the ablation). */
  policy?: boolean;
}

export interface EvalRow {
  sha: string;
  label: number;
  verdict: Verdict['verdict'];
  probability: number;
  confidence: number;
  rule: string | null;
  subject: string;
}

export interface EvalResult {
  window: string;
  branch: string;
  cut: string;
  n: number;
  picked: number;
  /** Labelled commits the range did not contain, and judged commits without a label. */
  unmatched: { labelsNotInRange: number; rangeNotLabelled: number };
  stablepick: PRF;
  /** YES or NEEDS-REVIEW counted as YES: what a reviewer would look at. */
  withReview: PRF;
  baselines: { stableTag: PRF; fixes: PRF; fixWord: PRF; allYes: PRF };
  bestBaselineF1: number;
  model: {
    examples: number;
    picked: number;
    threshold: number;
    reviewThreshold: number;
    cvF1: number;
    lag: SelectionModel['lag'];
    rules: SelectionModel['rules'];
  };
  seconds: { train: number; judge: number; total: number };
  rows: EvalRow[];
}

export function readLabels(file: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new StablepickError('IO', {
      op: 'read',
      target: `the labels ${file}`,
      path: file,
      why: (e as Error).message,
      fix: 'give --labels a file of "<sha> <0|1>" lines',
    });
  }
  const out = new Map<string, number>();
  for (const [i, line] of text.split('\n').entries()) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const m = /^([0-9a-f]{40}|[0-9a-f]{64})\s+([01])$/i.exec(t);
    if (!m) throw new StablepickError('BAD_INPUT', { input: `${file}:${i + 1}:`, why: 'not "<sha> <0|1>"', fix: 'one full commit id and a 0 or 1 per line' });
    out.set(m[1]!.toLowerCase(), Number(m[2]));
  }
  return out;
}

const FIX_WORD = /\bfix/i;

export async function evaluateWindow(h: History, input: EvalInput): Promise<EvalResult> {
  const t0 = performance.now();
  const range = h.range(input.window, { firstParent: input.firstParent === true });
  const start = h.commits.get(range.from)!;
  const end = h.commits.get(range.to)!;
  const cut = start.time;
  const universe = h.graph.ancestors([range.from]);
  const model = await trainModel(h, { ...input.train, cut, universe, lag: input.lag ?? 'weight', numstats: input.numstats, onProgress: input.onProgress });
  const t1 = performance.now();
  const view = branchView(h, input.branch, cut);
  const ns = input.numstats ? await input.numstats(range.commits.map((c) => c.sha)) : undefined;
  const policy = input.policy === false ? undefined : branchPolicy(h, input.branch, cut, baseRateOf(model));
  const verdicts = judgeCommits(h, model, range.commits, view, {
    visibleUntil: end.time + 1,
    optOut: input.optOut ?? [],
    numstats: ns,
    ...(policy ? { policy } : {}),
  });
  const t2 = performance.now();
  const family = h.family(input.branch);
  const labelOf = (sha: string): number => (input.labels ? (input.labels.get(sha) ?? -1) : h.pickedBefore(sha, Infinity, family) ? 1 : 0);
  const rows: EvalRow[] = [];
  let rangeNotLabelled = 0;
  const inRange = new Set<string>();
  for (const v of verdicts) {
    inRange.add(v.sha);
    const label = labelOf(v.sha);
    if (label < 0) {
      rangeNotLabelled++;
      continue;
    }
    const decided = v.reasons.find((r) => r.kind === 'rule' && r.decided);
    rows.push({ sha: v.sha, label, verdict: v.verdict, probability: v.probability, confidence: v.confidence, rule: decided?.rule ?? null, subject: v.subject });
  }
  let labelsNotInRange = 0;
  if (input.labels) for (const sha of input.labels.keys()) if (!inRange.has(sha)) labelsNotInRange++;
  const truth = rows.map((r) => r.label === 1);
  const detailsOf = (sha: string) => h.detailsOf(h.commits.get(sha)!.id);
  const base = (f: (sha: string, subject: string) => boolean): PRF =>
    prf(
      rows.map((r) => f(r.sha, r.subject)),
      truth,
    );
  const baselines = {
    stableTag: base((s) => detailsOf(s).trailers.some((t) => t.kind === 'stable' || t.kind === 'backport-to')),
    fixes: base((s) => detailsOf(s).trailers.some((t) => t.kind === 'fixes')),
    fixWord: base((_, subj) => FIX_WORD.test(subj)),
    allYes: base(() => true),
  };
  return {
    window: input.window,
    branch: input.branch,
    cut: new Date(cut * 1000).toISOString(),
    n: rows.length,
    picked: truth.filter(Boolean).length,
    unmatched: { labelsNotInRange, rangeNotLabelled },
    stablepick: prf(
      rows.map((r) => r.verdict === 'YES'),
      truth,
    ),
    withReview: prf(
      rows.map((r) => r.verdict !== 'NO'),
      truth,
    ),
    baselines,
    bestBaselineF1: Math.max(baselines.stableTag.f1, baselines.fixes.f1, baselines.fixWord.f1, baselines.allYes.f1),
    model: {
      examples: model.examples,
      picked: model.picked,
      threshold: model.threshold,
      reviewThreshold: model.reviewThreshold,
      cvF1: model.cv.f1,
      lag: model.lag,
      rules: model.rules,
    },
    seconds: { train: (t1 - t0) / 1000, judge: (t2 - t1) / 1000, total: (performance.now() - t0) / 1000 },
    rows,
  };
}
