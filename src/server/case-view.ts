/** The written case of a commit, as the commit page shows it: the Markdown text and the queue per branch. */
import { buildCase, caseMarkdown, type CaseContext } from '../report/case/index.js';
import type { Verdict } from '../select/judge.js';
import type { WrittenCase } from '../report/case/types.js';
import { droppedLines, type LlmReport } from '../llm/stage.js';
import type { CaseLlmView, CaseView } from './api-types.js';

/** The model report as the commit page shows it: kept paragraphs with their model, removed sentences apart. */
function caseLlmView(r: LlmReport): CaseLlmView {
  const paragraphs: CaseLlmView['paragraphs'] = [];
  for (const a of r.answers) {
    if (a.bug?.kept.length) paragraphs.push({ model: a.model, part: 'bug', text: a.bug.kept.join(' ') });
    if (a.change?.kept.length) paragraphs.push({ model: a.model, part: 'change', text: a.change.kept.join(' ') });
  }
  return {
    paragraphs,
    votes: r.answers.filter((a) => a.vote).map((a) => ({ model: a.model, vote: a.vote!, reasons: a.reasons?.kept.join(' ') ?? '' })),
    stablepick: r.stablepick,
    disagreement: r.disagreement,
    unverified: r.answers.flatMap(droppedLines).map((l) => l.replace(/^- /, '')),
    notes: r.notes,
  };
}

/** `verdicts`: the dashboard's verdicts of the commit per branch (review applied), so the case says the same. */
/** `llm`: asks the language models about the built case (`serve --llm`); their failures are notes in the report. */
export async function caseView(
  ctx: CaseContext,
  sha: string,
  branches: readonly string[],
  verdicts?: ReadonlyMap<string, Verdict>,
  llm?: (c: WrittenCase) => Promise<LlmReport>,
): Promise<CaseView> {
  const c: WrittenCase = await buildCase(ctx, sha, [...branches], verdicts && verdicts.size ? { verdicts } : {});
  return {
    sha: c.sha,
    markdown: caseMarkdown(c),
    ...(llm ? { llm: caseLlmView(await llm(c)) } : {}),
    branches: c.branches.map((b) => ({
      branch: b.branch,
      verdict: b.verdict,
      confidence: b.confidence,
      applies: b.applies,
      already: b.already,
      bug: b.bug,
      queue: b.queue.map((q) => ({ sha: q.sha, subject: q.subject, role: q.role, why: q.why })),
      apply: b.apply.map((a) => ({ sha: a.sha, result: String(a.result), reason: a.reason })),
    })),
    followUps: c.followUps.map((f) => ({ sha: f.sha, subject: f.subject, kind: f.kind })),
    prerequisites: c.prerequisites.map((p) => ({ sha: p.sha, subject: p.subject, strength: p.strength })),
  };
}
