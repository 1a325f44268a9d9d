/** The written case of a commit, as the commit page shows it: the Markdown text and the queue per branch. */
import { buildCase, caseMarkdown, type CaseContext } from '../report/case/index.js';
import type { Verdict } from '../select/judge.js';
import type { WrittenCase } from '../report/case/types.js';
import type { CaseView } from './api-types.js';


/** `verdicts`: the dashboard's verdicts of the commit per branch (review applied), so the case says the same. */
export async function caseView(ctx: CaseContext, sha: string, branches: readonly string[], verdicts?: ReadonlyMap<string, Verdict>): Promise<CaseView> {
  const c: WrittenCase = await buildCase(ctx, sha, [...branches], verdicts && verdicts.size ? { verdicts } : {});
  return {
    sha: c.sha,
    markdown: caseMarkdown(c),
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
