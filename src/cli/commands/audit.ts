/**
 * `stablepick audit --branch S [--as-of DATE] [--classify] [--json]`: mainline fixes of what S holds that
 * S lacks; with --classify, split into "take" (the selection model says YES, not passed over) and
 * "review".
 */
import type { Command } from 'commander';
import { auditBranch } from '../../analysis/audit/audit.js';
import { classifyAudit, type AuditJudgement } from '../../analysis/audit/classify.js';
import { thresholdForPrecision, type ScoredOutcome, type TakeThreshold } from '../../analysis/audit/threshold.js';
import { loadFixGraph } from '../../analysis/fixes/graph.js';
import type { FixEdge } from '../../analysis/fixes/types.js';
import { parseAsOf } from '../../analysis/fixes/as-of.js';
import { StablepickError } from '../../errors.js';
import type { NumStat } from '../../git/diff-batch.js';
import { optOutMatchers, selectConfig } from '../../select/config.js';
import { extractFeatures, vectorize } from '../../select/features.js';
import type { CommitRec, History } from '../../select/history.js';
import { History as HistoryClass } from '../../select/history.js';
import { judgeCommits } from '../../select/judge.js';
import { decidingRule, modelFromJson, trainModel, type SelectionModel } from '../../select/model.js';
import { evaluateRules } from '../../select/rules.js';
import { cachedNumstats, loadModelJson } from '../../select/store.js';
import { branchView, historyView, type BranchView } from '../../select/view.js';
import { withCommonOptions, withContext, type CommonOptions } from '../context.js';
import { formatTable, printJson } from '../output.js';
import type { CommandModule } from './index.js';

interface AuditCliOptions extends CommonOptions {
  branch: string;
  asOf?: string;
  since?: string;
  includeReverted?: boolean;
  classify?: boolean;
  minProbability?: string;
  takeOnly?: boolean;
  takePrecision?: string;
}

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
function rawScore(h: History, model: SelectionModel, c: CommitRec, view: BranchView, hits: ReturnType<typeof evaluateRules>, visibleUntil: number, numstats: Map<string, NumStat | null> | undefined): number {
  const fs = extractFeatures({ commit: c, details: h.detailsOf(c.id), hits, stats: model.stats, numstat: numstats?.get(c.sha) ?? null, visibleUntil, history: h, forkTime: view.forkTime(c.time) });
  return model.lr.score(vectorize(fs));
}

/** The selection model's verdict for each audited commit, for the branch as of the cut. */
export function judgeAuditItems(h: History, model: SelectionModel, shas: readonly string[], input: JudgeAuditInput): Map<string, AuditJudgement> {
  const commits = shas.map((s) => h.commits.get(s)).filter((c) => c !== undefined).sort((a, b) => a.time - b.time || a.id - b.id);
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
    out.set(v.sha, { verdict: v.verdict, probability: v.probability, threshold: model.threshold, score, why: v.reasons.filter((r) => r.kind === 'feature' || r.decided).map((r) => r.text) });
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

export const auditCommand: CommandModule = {
  register(program: Command) {
    withCommonOptions(
      program
        .command('audit')
        .description('every mainline commit that fixes (transitively) something the branch holds and that the branch lacks')
        .requiredOption('--branch <name>', 'the stable branch')
        .option('--as-of <date>', 'replay: the branch and mainline as they were before this date (Unix seconds or ISO date)')
        .option('--since <date>', 'only fixes committed on or after this date')
        .option('--include-reverted', 'also list fixes that upstream reverted')
        .option('--classify', 'split into "take" (the selection model of `stablepick train` says YES, not passed over) and "review"')
        .option('--min-probability <p>', 'with --classify: "take" = model probability at least p instead of the model\'s YES')
        .option('--take-only', 'with --classify: print only the "take" class')
        .option('--take-precision <p>', 'with --classify: also take what scores at least the threshold at which the project\'s past fixes of stable-held code (the year before the model\'s cut) were picked with precision p (trains one more model)'),
    ).action(async (opts: AuditCliOptions) => {
      await withContext(
        opts,
        async (ctx) => {
          const asOf = parseAsOf(opts.asOf);
          const since = parseAsOf(opts.since);
          const r = auditBranch(ctx, opts.branch, { ...(asOf === undefined ? {} : { asOf }), ...(since === undefined ? {} : { since }), includeReverted: opts.includeReverted === true });
          const classify = opts.classify === true || opts.minProbability !== undefined || opts.takeOnly === true || opts.takePrecision !== undefined;
          if (!classify) {
            if (ctx.json) return printJson(r);
            const rows = r.missing.map((m) => {
              const first = m.reasons[0]!;
              return [m.sha.slice(0, 12), new Date(m.commitTime * 1000).toISOString().slice(0, 10), m.depth, `${m.kind} ${first.edge.to.slice(0, 12)}${m.reasons.length > 1 ? ` +${m.reasons.length - 1}` : ''}`, m.subject];
            });
            process.stdout.write(`${formatTable(['sha', 'date', 'depth', 'fixes', 'subject'], rows)}\n${r.missing.length} missing fix(es) for ${r.branch} (tip ${r.tip.slice(0, 12)}); ${r.revertedSkipped} reverted upstream and left out\n`);
            return;
          }
          let minProbability: number | undefined;
          if (opts.minProbability !== undefined) {
            minProbability = Number(opts.minProbability);
            if (!(minProbability >= 0 && minProbability <= 1)) throw new StablepickError('BAD_ARGUMENT', `--min-probability ${opts.minProbability}: not a number between 0 and 1`, 'e.g. --min-probability 0.5');
          }
          let takePrecision: number | undefined;
          if (opts.takePrecision !== undefined) {
            takePrecision = Number(opts.takePrecision);
            if (!(takePrecision > 0 && takePrecision <= 1)) throw new StablepickError('BAD_ARGUMENT', `--take-precision ${opts.takePrecision}: not a number in (0, 1]`, 'e.g. --take-precision 0.8');
          }
          const model = modelFromJson(loadModelJson(ctx.db, 'default'));
          const cutDay = new Date(model.cut * 1000).toISOString().slice(0, 10);
          if (asOf !== undefined && model.cut > asOf) {
            throw new StablepickError('BAD_ARGUMENT', `the stored selection model learned from history up to ${cutDay}, after --as-of`, 'a replay must not use what came later: train a model on the history before the --as-of date, or drop --classify');
          }
          const h = HistoryClass.load(ctx.db);
          const shas = r.missing.map((m) => m.sha);
          const configDir = ctx.repo.workTree ?? ctx.repo.gitDir;
          const judged = judgeAuditItems(h, model, shas, {
            branch: opts.branch,
            branchAsOf: asOf ?? Infinity,
            visibleUntil: asOf ?? Infinity,
            numstats: await cachedNumstats(ctx.db, ctx.repo, shas),
            optOut: optOutMatchers(selectConfig(configDir, opts.config)),
          });
          const takeThreshold = takePrecision === undefined ? undefined : await learnTakeThreshold(h, loadFixGraph(ctx.db).edges, { cut: model.cut, precision: takePrecision, numstats: (s) => cachedNumstats(ctx.db, ctx.repo, s) });
          const c = classifyAudit(r, (s) => judged.get(s), { model: `selection model trained on history before ${cutDay}`, ...(minProbability === undefined ? {} : { minProbability }), ...(takeThreshold ? { takeThreshold } : {}) });
          const shown = opts.takeOnly === true ? c.missing.filter((m) => m.class === 'take') : c.missing;
          if (ctx.json) return printJson({ ...c, missing: shown });
          const rows = shown.map((m) => {
            const first = m.reasons[0]!;
            const note = m.revertedUpstream ? 'reverted' : m.passedOver ? 'passed over' : m.classReasons.some((t) => t.startsWith('its score')) ? 'threshold' : '';
            return [m.class, m.probability === null ? '-' : m.probability.toFixed(2), note, m.sha.slice(0, 12), new Date(m.commitTime * 1000).toISOString().slice(0, 10), m.depth, `${m.kind} ${first.edge.to.slice(0, 12)}${m.reasons.length > 1 ? ` +${m.reasons.length - 1}` : ''}`, m.subject];
          });
          process.stdout.write(
            `${formatTable(['class', 'p', 'note', 'sha', 'date', 'depth', 'fixes', 'subject'], rows)}\n${c.missing.length} missing fix(es) for ${c.branch} (tip ${c.tip.slice(0, 12)}): ${c.counts.take} to take, ${c.counts.review} to review (${c.model}); ${c.revertedSkipped} reverted upstream and left out\n`,
          );
        },
        { mustExist: true },
      );
    });
  },
};
