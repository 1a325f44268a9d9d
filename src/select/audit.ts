/**
 * The audit classified by the selection model: which of the fixes a branch lacks to take and which to
 * review (docs/dependencies.md, "audit"). The model judges each missing fix for the branch as it stands;
 * `learnTakeThreshold` learns, from the project's own past fixes of stable-held code, the score at which
 * they were picked with a given precision.
 */
import { auditBranch } from '../analysis/audit/audit.js';
import { classifyAudit, type AuditJudgement, type ClassifiedAudit } from '../analysis/audit/classify.js';
import { thresholdForPrecision, type ScoredOutcome, type TakeThreshold } from '../analysis/audit/threshold.js';
import { loadFixGraph } from '../analysis/fixes/graph.js';
import type { FixEdge } from '../analysis/fixes/types.js';
import { StablepickError } from '../errors.js';
import type { NumStat } from '../git/diff-batch.js';
import type { Context } from '../workspace.js';
import { optOutMatchers, selectConfig } from './config.js';
import { extractFeatures, vectorize } from './features.js';
import { History, type CommitRec } from './history.js';
import { judgeCommits } from './judge.js';
import { decidingRule, modelFromJson, trainModel, type SelectionModel } from './model.js';
import { evaluateRules } from './rules.js';
import { cachedNumstats, loadModelJson } from './store.js';
import { branchView, historyView, type BranchView } from './view.js';

export interface JudgeAuditInput {
  branch: string;
  /** The branch as it was before this (picks after it are not seen); Infinity = now. */
  branchAsOf: number;
  /** Later fixes of a judged commit count when dated before this. */
  visibleUntil: number;
  numstats?: Map<string, NumStat | null>;
  optOut?: readonly RegExp[];
}

/** The raw score (log-odds) the model gives a commit, with the rules as seen from `view`. */
function rawScore(
  h: History,
  model: SelectionModel,
  c: CommitRec,
  view: BranchView,
  hits: ReturnType<typeof evaluateRules>,
  visibleUntil: number,
  numstats: Map<string, NumStat | null> | undefined,
): number {
  const fs = extractFeatures({
    commit: c,
    details: h.detailsOf(c.id),
    hits,
    stats: model.stats,
    numstat: numstats?.get(c.sha) ?? null,
    visibleUntil,
    history: h,
    forkTime: view.forkTime(c.time),
  });
  return model.lr.score(vectorize(fs));
}

/** The selection model's verdict for each audited commit, for the branch as of the cut. */
export function judgeAuditItems(h: History, model: SelectionModel, shas: readonly string[], input: JudgeAuditInput): Map<string, AuditJudgement> {
  const commits = shas
    .map((s) => h.commits.get(s))
    .filter((c) => c !== undefined)
    .sort((a, b) => a.time - b.time || a.id - b.id);
  const view = branchView(h, input.branch, input.branchAsOf);
  const out = new Map<string, AuditJudgement>();
  const optOut = input.optOut ?? [];
  const verdicts = judgeCommits(h, model, commits, view, { visibleUntil: input.visibleUntil, optOut, ...(input.numstats ? { numstats: input.numstats } : {}) });
  // The same rule facts judgeCommits saw (a fix of a commit judged YES earlier in the list).
  const selected = new Set<string>();
  for (const [i, v] of verdicts.entries()) {
    const c = commits[i]!;
    const hits = evaluateRules(h, c, h.detailsOf(c.id), { view, selected, optOut, checkPaths: true });
    const score = rawScore(h, model, c, view, hits, input.visibleUntil, input.numstats);
    if (v.verdict === 'YES' && !v.already) selected.add(c.sha);
    out.set(v.sha, {
      verdict: v.verdict,
      probability: v.probability,
      threshold: model.threshold,
      score,
      why: v.reasons.filter((r) => r.kind === 'feature' || r.decided).map((r) => r.text),
    });
  }
  return out;
}

export interface LearnTakeInput {
  /** What may be seen: picks and commits before this (the model's cut). */
  cut: number;
  /** Fraction of the past audit's "take" that must have been picked. */
  precision: number;
  /** The examples: fixes made in [cut - days, cut - marginDays) (default 365 and 60). */
  days?: number;
  marginDays?: number;
  numstats?: (shas: readonly string[]) => Promise<Map<string, NumStat | null>>;
}

/**
 * The take threshold learned from history before `cut`: a model trained on what was visible at the
 * start of the period scores every mainline commit of the period that fixed (or reverted) something a
 * stable branch held when it was made; the outcome is whether a stable branch picked it before `cut`.
 * Commits a rule decides are left out (rules decide them in the audit too).
 */
export async function learnTakeThreshold(h: History, edges: readonly FixEdge[], input: LearnTakeInput): Promise<TakeThreshold> {
  const DAY = 86400;
  const from = input.cut - (input.days ?? 365) * DAY;
  const to = input.cut - (input.marginDays ?? 60) * DAY;
  const past = await trainModel(h, { cut: from, lag: 'weight', ...(input.numstats ? { numstats: input.numstats } : {}) });
  const fixers = new Set<string>();
  for (const e of edges) {
    if (e.kind === 'reapplies') continue;
    const c = h.commits.get(e.from);
    if (!c || c.time < from || c.time >= to || c.parentCount > 1 || !h.mainlineSet.has(e.from)) continue;
    const since = h.stableSince(e.to);
    if ((since !== null && since <= c.time) || h.pickedBefore(e.to, c.time)) fixers.add(e.from);
  }
  const commits = [...fixers].map((s) => h.commits.get(s)!).sort((a, b) => a.time - b.time || a.id - b.id);
  h.loadDetails(commits.map((c) => c.id));
  const ns = input.numstats ? await input.numstats(commits.map((c) => c.sha)) : undefined;
  const xs: ScoredOutcome[] = [];
  for (const c of commits) {
    const view = historyView(h, c.time, input.cut);
    const hits = evaluateRules(h, c, h.detailsOf(c.id), { view, checkHeld: false });
    if (decidingRule(hits, past.rules)) continue;
    xs.push({ score: rawScore(h, past, c, view, hits, input.cut, ns), picked: h.pickedBefore(c.sha, input.cut) !== null });
  }
  const day = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);
  return { ...thresholdForPrecision(xs, input.precision), from: day(from), to: day(to) };
}

export interface ClassifiedAuditOptions {
  asOf?: number;
  since?: number;
  includeReverted?: boolean;
  /** "take" = model probability at least this instead of the model's YES. */
  minProbability?: number;
  /** Also take what scores at least the threshold at which past fixes of stable-held code were picked with this precision. */
  takePrecision?: number;
  /** A stablepick.config.json to use instead of the repository's (for the opt-out list). */
  config?: string;
}

/** The branch's audit, each missing fix classified "take" or "review" by the stored selection model. */
export async function classifiedAudit(ctx: Context, branch: string, opts: ClassifiedAuditOptions = {}): Promise<ClassifiedAudit> {
  const { asOf, since } = opts;
  const r = auditBranch(ctx, branch, {
    ...(asOf === undefined ? {} : { asOf }),
    ...(since === undefined ? {} : { since }),
    includeReverted: opts.includeReverted === true,
  });
  const model = modelFromJson(loadModelJson(ctx.db, 'default'));
  const cutDay = new Date(model.cut * 1000).toISOString().slice(0, 10);
  if (asOf !== undefined && model.cut > asOf) {
    throw new StablepickError('BAD_OPTION', {
      option: '--as-of',
      why: `is before the history the stored selection model learned from (up to ${cutDay})`,
      fix: 'a replay must not use what came later: train a model on the history before the --as-of date, or drop --classify',
    });
  }
  const h = History.load(ctx.db);
  const shas = r.missing.map((m) => m.sha);
  const configDir = ctx.repo.workTree ?? ctx.repo.gitDir;
  const judged = judgeAuditItems(h, model, shas, {
    branch,
    branchAsOf: asOf ?? Infinity,
    visibleUntil: asOf ?? Infinity,
    numstats: await cachedNumstats(ctx.db, ctx.repo, shas),
    optOut: optOutMatchers(selectConfig(configDir, opts.config)),
  });
  const takeThreshold =
    opts.takePrecision === undefined
      ? undefined
      : await learnTakeThreshold(h, loadFixGraph(ctx.db).edges, {
          cut: model.cut,
          precision: opts.takePrecision,
          numstats: (s) => cachedNumstats(ctx.db, ctx.repo, s),
        });
  return classifyAudit(r, (s) => judged.get(s), {
    model: `selection model trained on history before ${cutDay}`,
    ...(opts.minProbability === undefined ? {} : { minProbability: opts.minProbability }),
    ...(takeThreshold ? { takeThreshold } : {}),
  });
}
