/**
 * What `explain --llm`, `mail --llm` and `scan --llm-vote` call: each a single call from its command.
 * Without a configured endpoint they change nothing and touch no network (a one-line note on stderr says
 * so); with one, every model failure is a one-line note and the deterministic output stands.
 */
import { StablepickError } from '../errors.js';
import type { AnalysisContext } from '../analysis/fixes/types.js';
import { touched } from '../analysis/code/touched.js';
import { commitView, listBranches } from '../history/queries.js';
import { loadLlmConfig, userConfigPath, type LlmConfig } from '../llm/config.js';
import { addNumbers } from '../llm/ground.js';
import { limiter, llmMarkdown, llmReview, type LlmReport } from '../llm/stage.js';
import { buildCase } from '../report/case/build.js';
import { caseLlmInput } from '../report/case/llm-facts.js';
import type { WrittenCase } from '../report/case/types.js';
import type { SeriesPlan } from '../report/series/plan.js';
import type { Verdict } from '../select/judge.js';

type Ctx = AnalysisContext & { configDir?: string; configFile?: string };

function configured(note: (line: string) => void): LlmConfig | null {
  const cfg = loadLlmConfig();
  if (!cfg)
    note(
      `stablepick: no LLM endpoint configured (set "llm" in ${userConfigPath()} or STABLEPICK_LLM_URL and STABLEPICK_LLM_MODELS); the output is stablepick's alone`,
    );
  return cfg;
}

const branchNames = (ctx: AnalysisContext): string[] => listBranches(ctx.db, { includeMainline: true }).map((b) => b.name);

const stderrNote = (line: string): void => void process.stderr.write(`${line}\n`);

function tell(r: LlmReport, note: (line: string) => void): void {
  for (const n of r.notes) note(`stablepick: LLM: ${n}`);
  const t = r.totals;
  note(
    `stablepick: LLM: ${t.requests} request(s), ${t.promptTokens} prompt + ${t.completionTokens} completion tokens, ${(t.ms / 1000).toFixed(1)} s; ${t.cached} answer(s) from the cache`,
  );
}

/** `explain --llm`: the model section for the case (null when no endpoint is configured). */
export async function llmForCase(
  ctx: AnalysisContext,
  c: WrittenCase,
  note: (line: string) => void = stderrNote,
): Promise<{ report: LlmReport; markdown: string } | null> {
  const cfg = configured(note);
  if (!cfg) return null;
  const report = await llmReview(caseLlmInput(c, branchNames(ctx)), ctx.db, cfg);
  tell(report, note);
  return { report, markdown: llmMarkdown(report) };
}

/** `mail --llm`: appends the model section to the analysis of every pick of the plan. */
export async function llmForPlan(ctx: AnalysisContext, plan: SeriesPlan, note: (line: string) => void = stderrNote): Promise<LlmReport[]> {
  const cfg = configured(note);
  if (!cfg) return [];
  const run = limiter(cfg.concurrency);
  const names = branchNames(ctx);
  const members = plan.members.filter((m) => m.case);
  const reports = await Promise.all(members.map((m) => llmReview(caseLlmInput(m.case!, names), ctx.db, cfg, { run })));
  members.forEach((m, i) => (m.analysis = `${m.analysis.trimEnd()}\n\n${llmMarkdown(reports[i]!)}`));
  for (const r of reports) tell(r, note);
  return reports;
}

/**
 * `scan --llm-vote`: the models vote on the NEEDS-REVIEW rows (all rows with `all`). Each vote becomes a
 * reason of the row; a vote against a YES or NO verdict makes the row NEEDS-REVIEW, saying so.
 */
export async function llmVotes(ctx: Ctx, verdicts: Verdict[][], rowsOpt: string | true, note: (line: string) => void = stderrNote): Promise<number> {
  const which = rowsOpt === true ? 'review' : rowsOpt;
  if (which !== 'review' && which !== 'all')
    throw new StablepickError('BAD_OPTION', {
      option: '--llm-vote',
      why: `takes review or all, not ${which}`,
      fix: 'e.g. scan A..B --branch S --llm-vote all (the range goes before --llm-vote)',
    });
  const cfg = configured(note);
  if (!cfg) return 0;
  const run = limiter(cfg.concurrency);
  const names = branchNames(ctx);
  const rows = verdicts.flat().filter((v) => !v.already && (which === 'all' || v.verdict === 'NEEDS-REVIEW'));
  const caseCtx = { ...ctx, configDir: ctx.configDir ?? ctx.repo.workTree ?? ctx.repo.gitDir, ...(ctx.configFile ? { configFile: ctx.configFile } : {}) };
  const totals = { requests: 0, cached: 0, tokens: 0 };
  await Promise.all(
    rows.map(async (v) => {
      const c = await buildCase(caseCtx, v.sha, [v.branch], { verdicts: new Map([[v.branch, v]]), noApply: true });
      const r = await llmReview(caseLlmInput(c, names), ctx.db, cfg, { run });
      for (const n of r.notes) note(`stablepick: LLM: ${v.sha.slice(0, 12)}: ${n}`);
      totals.requests += r.totals.requests;
      totals.cached += r.totals.cached;
      totals.tokens += r.totals.promptTokens + r.totals.completionTokens;
      const votes = r.answers.filter((a) => a.vote).map((a) => `${a.model} ${a.vote}`);
      if (votes.length) v.reasons.push({ kind: 'rule', decided: false, text: `LLM votes: ${votes.join(', ')}`, evidence: { llm: votes } });
      if (r.disagreement) {
        if (v.verdict !== 'NEEDS-REVIEW')
          v.reasons.unshift({ kind: 'rule', decided: true, text: `NEEDS-REVIEW instead of ${v.verdict}: ${r.disagreement}`, evidence: { llm: votes } });
        v.verdict = 'NEEDS-REVIEW';
      }
    }),
  );
  note(
    `stablepick: LLM: ${rows.length} row(s) put to the models, ${totals.requests} request(s), ${totals.tokens} tokens, ${totals.cached} answer(s) from the cache`,
  );
  return rows.length;
}

export interface LlmEvalRow {
  /** 'stablepick' or a model. */
  predictor: string;
  rows: number;
  yes: number;
  tp: number;
  fp: number;
  fn: number;
  unsure: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * `eval --llm-vote`: the models vote on the window's NEEDS-REVIEW rows (all rows with `all`), given only
 * facts of the commit itself (message, files, C items changed) — nothing that came after the window
 * opened, so the replay stays a cut-back. Each model's YES is scored against the labels beside
 * stablepick's YES on the same rows (UNSURE and no answer count as not YES).
 */
export async function llmEvalVotes(
  ctx: AnalysisContext,
  branch: string,
  rows: readonly { sha: string; label: number; verdict: Verdict['verdict'] }[],
  rowsOpt: string | true,
  note: (line: string) => void = stderrNote,
): Promise<LlmEvalRow[]> {
  const which = rowsOpt === true ? 'review' : rowsOpt;
  if (which !== 'review' && which !== 'all')
    throw new StablepickError('BAD_OPTION', { option: '--llm-vote', why: `takes review or all, not ${which}`, fix: 'e.g. --llm-vote all' });
  const cfg = configured(note);
  if (!cfg) return [];
  const run = limiter(cfg.concurrency);
  const chosen = rows.filter((r) => which === 'all' || r.verdict === 'NEEDS-REVIEW');
  const votes = new Map<string, Map<string, string | null>>(cfg.models.map((m) => [m, new Map()]));
  let requests = 0;
  await Promise.all(
    chosen.map(async (r) => {
      const v = commitView(ctx.db, r.sha);
      const t = await touched(ctx.repo, r.sha);
      const facts = {
        sha: v.sha,
        subject: v.subject,
        message: v.message,
        stableBranch: branch,
        files: t.files.map((f) => ({ path: f.path, added: f.linesAdded, removed: f.linesRemoved })),
        changed: t.items.filter((i) => i.name).map((i) => ({ name: i.name, kind: i.kind, change: i.change, path: i.path })),
      };
      const numbers = new Set<string>();
      addNumbers(numbers, JSON.stringify(facts));
      const grounding = {
        shas: [v.sha],
        functions: new Set(t.items.flatMap((i) => (i.name ? [i.name] : []))),
        pathLines: new Set<string>(),
        paths: new Set(t.files.map((f) => f.path)),
        numbers,
        branches: new Set([branch]),
      };
      const rep = await llmReview({ id: r.sha, verdict: r.verdict, facts, grounding }, ctx.db, cfg, { run });
      requests += rep.totals.requests;
      for (const n of rep.notes) note(`stablepick: LLM: ${r.sha.slice(0, 12)}: ${n}`);
      for (const a of rep.answers) votes.get(a.model)!.set(r.sha, a.vote);
    }),
  );
  const score = (predictor: string, yes: (sha: string) => boolean, unsure: (sha: string) => boolean): LlmEvalRow => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let u = 0;
    for (const r of chosen) {
      const y = yes(r.sha);
      if (y && r.label === 1) tp++;
      else if (y) fp++;
      else if (r.label === 1) fn++;
      if (unsure(r.sha)) u++;
    }
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    return {
      predictor,
      rows: chosen.length,
      yes: tp + fp,
      tp,
      fp,
      fn,
      unsure: u,
      precision,
      recall,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    };
  };
  const verdictOf = new Map(chosen.map((r) => [r.sha, r.verdict]));
  const out = [
    score(
      'stablepick',
      (s) => verdictOf.get(s) === 'YES',
      (s) => verdictOf.get(s) === 'NEEDS-REVIEW',
    ),
  ];
  for (const [m, vs] of votes)
    out.push(
      score(
        m,
        (s) => vs.get(s) === 'YES',
        (s) => vs.get(s) === 'UNSURE' || vs.get(s) === null || vs.get(s) === undefined,
      ),
    );
  note(`stablepick: LLM: ${chosen.length} row(s) put to ${cfg.models.length} model(s), ${requests} request(s)`);
  return out;
}
