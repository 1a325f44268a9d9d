/**
 * Judging a whole upstream range for several branches, as `scan` does: the stored model, the config's
 * opt-outs, cached line counts. Shared by scan, mail, explain and the dashboard.
 */
import type { DB } from '../history/db.js';
import type { GitTarget } from '../git/run.js';
import { optOutMatchers, selectConfig } from './config.js';
import { History, type CommitRec } from './history.js';
import { judgeCommits, type Verdict } from './judge.js';
import { modelFromJson, type SelectionModel } from './model.js';
import { cachedNumstats, loadModelJson } from './store.js';
import { branchView } from './view.js';

export interface JudgeRangeInput {
  db: DB;
  repo: GitTarget;
  /** The folder whose stablepick.config.json applies (work tree or git dir). */
  configDir: string;
  configFile?: string;
  branches: readonly string[];
  /** `A..B`, or explicit commits (each judged alone, in the order given). */
  range?: string;
  shas?: readonly string[];
  firstParent?: boolean;
  onProgress?: (text: string) => void;
}

export interface JudgedRange {
  commits: CommitRec[];
  /** One list per branch, in the order of `branches`, each in commit order. */
  verdicts: Verdict[][];
  model: SelectionModel;
  history: History;
}

export async function judgeRange(input: JudgeRangeInput): Promise<JudgedRange> {
  const model = modelFromJson(loadModelJson(input.db, 'default'));
  const cfg = selectConfig(input.configDir, input.configFile);
  const h = History.load(input.db);
  const commits = input.range !== undefined ? h.range(input.range, { firstParent: input.firstParent === true }).commits : (input.shas ?? []).map((s) => h.commits.get(h.resolveRev(s))!);
  const views = input.branches.map((b) => branchView(h, b, Infinity));
  input.onProgress?.(`line counts of ${commits.length} commits…`);
  const ns = await cachedNumstats(input.db, input.repo, commits.map((c) => c.sha));
  const verdicts: Verdict[][] = [];
  for (const view of views) {
    verdicts.push(
      judgeCommits(h, model, commits, view, {
        optOut: optOutMatchers(cfg),
        numstats: ns,
        onProgress: (d, t) => input.onProgress?.(`${view.label}: ${'#'.repeat(Math.round((d / t) * 30)).padEnd(30, '.')} ${d}/${t}`),
      }),
    );
  }
  return { commits, verdicts, model, history: h };
}
