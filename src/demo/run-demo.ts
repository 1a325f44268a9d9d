/**
 * The demo pipeline on the sample repository: build it, index it, learn from the picks made before the
 * window, judge the window for both stable branches, write the checked case of every picked commit and
 * the AUTOSEL mbox, and apply that mbox with `git am` onto both branches in a throwaway clone.
 */
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StablepickError } from '../errors.js';
import { openRepository } from '../git/repo.js';
import { revList } from '../git/rev-list.js';
import { DEFAULT_CONVENTIONS } from '../conventions/types.js';
import { openDb } from '../history/db.js';
import { indexRepository, type IndexReport } from '../history/indexer.js';
import { commitView, listBranches, type BranchInfo, type CommitView } from '../history/queries.js';
import { findCallers, touched, type CallersResult, type TouchedResult } from '../analysis/code/index.js';
import { amCheck, type AmCheckResult } from '../git/am-check.js';
import { History } from '../select/history.js';
import type { Verdict } from '../select/judge.js';
import { judgeRange } from '../select/judge-range.js';
import { modelToJson, trainModel } from '../select/model.js';
import { cachedNumstats, saveModel } from '../select/store.js';
import { caseMarkdown, type WrittenCase } from '../report/case/index.js';
import { writeMbox } from '../report/mail/index.js';
import { planSeries, type SeriesPlan } from '../report/series/plan.js';
import { writeSeries, type WrittenMail } from '../report/series/write.js';
import { buildDemoRepo, type DemoRepo } from './story.js';
import { writeOutputFile } from '../report/output-file.js';

/** The demo's stable team: the sender of its AUTOSEL mails and their list. */
const DEMO_SENDER = 'Sasha Demo <sasha@demo-kernel.org>';
const DEMO_LIST = 'stable@vger.kernel.org';

export interface DemoResult {
  dir: string;
  repoDir: string;
  dbPath: string;
  demo: DemoRepo;
  index: IndexReport;
  branches: BranchInfo[];
  window: CommitView[];
  lazyTouched: TouchedResult;
  enableCallers: CallersResult;
  /** Selection: the model's training summary and the verdicts per branch (old branch first). */
  training: { examples: number; picked: number; cut: number };
  verdicts: Record<string, Verdict[]>;
  /** The written cases of the mailed picks, and where they were written. */
  cases: WrittenCase[];
  caseFiles: string[];
  plan: SeriesPlan;
  mails: WrittenMail[];
  mboxPath: string;
  /** `git am` of the mails that name each branch, in a throwaway clone. */
  am: AmCheckResult[];
}

export async function runDemo(opts: { dir?: string; onStep?: (what: string) => void }): Promise<DemoResult> {
  const step = opts.onStep ?? (() => undefined);
  const dir = opts.dir ? path.resolve(opts.dir) : mkdtempSync(path.join(os.tmpdir(), 'stablepick-demo-'));
  const repoDir = path.join(dir, 'demo-kernel');
  try {
    if (readdirSync(repoDir).length)
      throw new StablepickError('BAD_OUTPUT', { path: repoDir, why: 'exists-not-empty', fix: 'give --dir a new or empty folder' });
  } catch (e) {
    if (e instanceof StablepickError) throw e;
  }
  step('building the sample repository');
  const demo = await buildDemoRepo(repoDir);
  const repo = await openRepository(repoDir);
  const dbPath = path.join(dir, 'stablepick.sqlite');
  const db = openDb(dbPath);
  try {
    step('indexing it');
    const index = await indexRepository(repo, db, { conventions: DEFAULT_CONVENTIONS });
    const windowShas = await revList(repo, ['master', '^v6.17'], ['--reverse', '--no-merges']);
    const window = windowShas.map((s) => commitView(db, s));
    step('reading the code of the lazy-allocation fix');
    const lazyTouched = await touched(repo, demo.shas.lazyAlloc);
    const enableCallers = await findCallers(repo, 'scx_enable', { rev: demo.shas.lazyAlloc, depth: 3 });

    // Learn from the history before the window (what a stable team knew when the window opened).
    step('learning from the history before the window');
    const h = History.load(db);
    const cut = window.reduce((m, c) => Math.min(m, Date.parse(c.committer.time) / 1000), Infinity);
    const model = await trainModel(h, { cut, lag: 'weight', maxYears: 6, numstats: (shas) => cachedNumstats(db, repo, shas) });
    saveModel(db, 'default', model.cut, modelToJson(model));

    step('judging the window');
    const branches = [demo.branches.new, demo.branches.old];
    const configDir = repoDir;
    const j = await judgeRange({ db, repo, configDir, branches, range: demo.window });
    const verdicts: Record<string, Verdict[]> = {};
    branches.forEach((b, i) => (verdicts[b] = j.verdicts[i]!));

    step('writing the cases and the AUTOSEL mails');
    const ctx = { repo, db, conventions: DEFAULT_CONVENTIONS, configDir };
    const plan = await planSeries(ctx, { branches, range: demo.window });
    const mails = await writeSeries(repo, db, plan, {
      from: DEMO_SENDER,
      to: ['patches@lists.linux.dev', DEMO_LIST],
      kernel: true,
      now: Date.UTC(2025, 10, 3) / 1000,
    });
    const casesDir = path.join(dir, 'cases');
    mkdirSync(casesDir, { recursive: true });
    const cases = plan.members.flatMap((m) => (m.case ? [m.case] : []));
    const caseFiles: string[] = [];
    for (const c of cases) {
      const base = path.join(casesDir, c.sha.slice(0, 12));
      writeOutputFile(`${base}.md`, caseMarkdown(c));
      writeOutputFile(`${base}.json`, `${JSON.stringify(c, null, 2)}\n`);
      caseFiles.push(`${base}.md`, `${base}.json`);
    }
    const mboxPath = path.join(dir, 'autosel.mbox');
    writeOutputFile(mboxPath, writeMbox(mails));

    step('applying the mails to each stable branch with git am');
    const am: AmCheckResult[] = [];
    for (const b of branches) am.push(await amCheck(repo, b, writeMbox(mails.filter((m) => m.branches.includes(b)))));
    return {
      dir,
      repoDir,
      dbPath,
      demo,
      index,
      branches: listBranches(db),
      window,
      lazyTouched,
      enableCallers,
      training: { examples: model.examples, picked: model.picked, cut: model.cut },
      verdicts,
      cases,
      caseFiles,
      plan,
      mails,
      mboxPath,
      am,
    };
  } finally {
    db.close();
  }
}
