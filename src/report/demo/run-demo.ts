/**
 * The demo pipeline on the sample repository: build it, index it, and gather the computed facts the
 * written case will stand on — branches and their picks, the window's commits with their tags and
 * Fixes: links, the follow-up of the lazy-allocation fix, the functions it changes and who calls them.
 * Stages that are not built yet (selection, the written case, the mbox) are added here as they land.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StablepickError } from '../../errors.js';
import { openRepository } from '../../git/repo.js';
import { revList } from '../../git/rev-list.js';
import { DEFAULT_CONVENTIONS } from '../../conventions/types.js';
import { openDb } from '../../history/db.js';
import { indexRepository, type IndexReport } from '../../history/indexer.js';
import { commitView, listBranches, type BranchInfo, type CommitView } from '../../history/queries.js';
import { findCallers, touched, type CallersResult, type TouchedResult } from '../../analysis/code/index.js';
import { buildDemoRepo, type DemoRepo } from './story.js';

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
}

export async function runDemo(opts: { dir?: string; onStep?: (what: string) => void }): Promise<DemoResult> {
  const step = opts.onStep ?? (() => undefined);
  const dir = opts.dir ? path.resolve(opts.dir) : mkdtempSync(path.join(os.tmpdir(), 'stablepick-demo-'));
  const repoDir = path.join(dir, 'demo-kernel');
  try {
    if (readdirSync(repoDir).length) throw new StablepickError('BAD_ARGUMENT', `${repoDir} already exists and is not empty`, 'give --dir a new or empty folder');
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
    const windowShas = (await revList(repo, ['master', '^v6.17'], ['--reverse', '--no-merges']));
    const window = windowShas.map((s) => commitView(db, s));
    step('reading the code of the lazy-allocation fix');
    const lazyTouched = await touched(repo, demo.shas.lazyAlloc);
    const enableCallers = await findCallers(repo, 'scx_enable', { rev: demo.shas.lazyAlloc, depth: 3 });
    return { dir, repoDir, dbPath, demo, index, branches: listBranches(db), window, lazyTouched, enableCallers };
  } finally {
    db.close();
  }
}
