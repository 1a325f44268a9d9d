/**
 * Judging a whole upstream range for several branches, as `scan` does: the stored model, the config's
 * opt-outs, cached line counts. Shared by scan, mail, explain and the dashboard.
 */
import type { DB } from '../history/db.js';
import type { Repository } from '../git/repo.js';
import { optOutMatchers, selectConfig } from './config.js';
import { History, type CommitRec } from './history.js';
import { judgeCommits, type Verdict } from './judge.js';
import { modelFromJson, type SelectionModel } from './model.js';
import { cachedNumstats, loadModelJson } from './store.js';
import { baseRateOf, branchPolicy, type BranchPolicy } from './policy.js';
import { branchView } from './view.js';

export interface JudgeRangeInput {
  db: DB;
  repo: Repository;
  /** The folder whose stablepick.config.json applies (work tree or git dir). */
  configDir: string;
  configFile?: string;
  branches: readonly string[];
  /** `A..B`, or explicit commits (each judged alone, in the order given). */
  range?: string;
  shas?: readonly string[];
  firstParent?: boolean;
  /** Adjusts each verdict, given the commit's files (review decisions and policy, applied by the caller). */
  adjust?: (v: Verdict, files: readonly string[]) => Verdict;
  onProgress?: (text: string) => void;
  /** The index's history, when the caller keeps one loaded (the MCP server does, between calls). */
  history?: History;
}

export interface JudgedRange {
  commits: CommitRec[];
  /** One list per branch, in the order of `branches`, each in commit order. */
  verdicts: Verdict[][];
  model: SelectionModel;
  history: History;
  /** Each branch's policy now (same order as `verdicts`). */
  policies: BranchPolicy[];
}

export async function judgeRange(input: JudgeRangeInput): Promise<JudgedRange> {
  const model = modelFromJson(loadModelJson(input.db, 'default'));
  const cfg = selectConfig(input.configDir, input.configFile);
  const h = input.history ?? History.load(input.db);
  const commits =
    input.range !== undefined
      ? h.range(input.range, { firstParent: input.firstParent === true }).commits
      : (input.shas ?? []).map((s) => h.commits.get(h.resolveRev(s))!);
  const views = input.branches.map((b) => branchView(h, b, Infinity));
  input.onProgress?.(`line counts of ${commits.length} commits…`);
  const ns = await cachedNumstats(
    input.db,
    input.repo,
    commits.map((c) => c.sha),
  );
  // Reverted upstream (and not re-applied): a certain NO. From the index's revert markers (the fix graph
  // of src/analysis/fixes resolves every Fixes: of the history first: minutes at kernel scale).
  const revertedUpstream = h.revertedOnMainline(commits.map((c) => c.sha));
  const verdicts: Verdict[][] = [];
  let now = 0;
  for (const c of h.commits.values()) if (c.time > now) now = c.time;
  const policies = input.branches.map((b) => branchPolicy(h, b, now + 1, baseRateOf(model)));
  for (const [bi, view] of views.entries()) {
    verdicts.push(
      judgeCommits(h, model, commits, view, {
        optOut: optOutMatchers(cfg),
        numstats: ns,
        revertedUpstream,
        policy: policies[bi]!,
        onProgress: (d, t) => input.onProgress?.(`${view.label}: ${'#'.repeat(Math.round((d / t) * 30)).padEnd(30, '.')} ${d}/${t}`),
      }),
    );
  }
  if (input.adjust) {
    const adjust = input.adjust;
    const files = (sha: string): string[] => {
      const c = h.commits.get(sha);
      return c ? h.detailsOf(c.id).files.map((f) => f.path) : [];
    };
    for (const vs of verdicts) vs.forEach((v, i) => (vs[i] = adjust(v, files(v.sha))));
  }
  // A YES whose own follow-up fixes (mainline commits naming it in a Fixes: trailer, not reverted) the
  // branch lacks: say that they must go together.
  input.branches.forEach((b, bi) => {
    const view = views[bi]!;
    for (const v of verdicts[bi]!) {
      if (v.verdict !== 'YES' || v.already) continue;
      const fu = h.followUpsOf(v.sha).filter((f) => !view.holds(f.sha));
      if (fu.length) {
        v.reasons.push({
          kind: 'rule',
          decided: false,
          text: `must go together with ${fu.map((f) => `${f.sha.slice(0, 12)} ("${f.subject}", ${f.line})`).join(', ')}, which ${b} lacks`,
          evidence: { followUps: fu.map((f) => f.sha) },
        });
      }
    }
  });
  return { commits, verdicts, model, history: h, policies };
}
