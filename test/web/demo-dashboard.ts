/** The demo repository, indexed and trained, with a dashboard on it: what the server and browser tests share. */
import path from 'node:path';
import { openContext, type Context } from '../../src/workspace.js';
import { openDb } from '../../src/history/db.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { RepoSource } from '../../src/server/repo-source.js';
import { startDashboard, type RunningDashboard } from '../../src/server/server.js';
import { runCli } from '../helpers/cli.js';
import { makeTempDir } from '../helpers/repo-builder.js';
import { ensureWebBuilt, WEB_DIR } from './build-web.js';
import type { LlmConfig } from '../../src/llm/config.js';

export const RANGE = 'v6.17..master';
export const BRANCHES = ['linux-6.12.y', 'linux-6.17.y'];
export const REVIEWER = 'Web Tester <web@example.org>';

export interface DemoDashboard {
  demo: DemoResult;
  ctx: Context;
  source: RepoSource;
  dash: RunningDashboard;
  close(): Promise<void>;
}

/** Builds and trains the demo (once per test file), then starts a dashboard on a free port. */
export async function prepareDemo(): Promise<DemoResult> {
  await ensureWebBuilt();
  const demo = await runDemo({ dir: path.join(makeTempDir('stablepick-web-'), 'demo') });
  // The demo trains the model itself; train when it did not (an older demo).
  const db = openDb(demo.dbPath, { mustExist: true });
  let trained: boolean;
  try {
    trained =
      db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'select_models'").get() !== undefined &&
      db.prepare('SELECT 1 FROM select_models').get() !== undefined;
  } finally {
    db.close();
  }
  if (!trained) {
    const r = runCli(['train', '--repo', demo.repoDir, '--db', demo.dbPath]);
    if (r.code !== 0) throw new Error(`train failed: ${r.stderr}`);
  }
  return demo;
}

export async function startDemoDashboard(demo: DemoResult, extra: { llm?: LlmConfig } = {}): Promise<DemoDashboard> {
  const ctx = await openContext({ repo: demo.repoDir, db: demo.dbPath }, { mustExist: true });
  const source = await RepoSource.load({
    repo: ctx.repo,
    db: ctx.db,
    conventions: ctx.conventions,
    configDir: demo.repoDir,
    range: RANGE,
    branches: BRANCHES,
    reviewer: REVIEWER,
    ...extra,
  });
  const dash = await startDashboard({ source, port: 0, webDir: WEB_DIR });
  return {
    demo,
    ctx,
    source,
    dash,
    close: async () => {
      await dash.close();
      ctx.close();
    },
  };
}
