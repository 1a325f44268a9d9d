/** Indexes a test repository into a temporary SQLite file and opens an analysis context on it. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { openRepository } from '../../src/git/repo.js';
import { openDb } from '../../src/history/db.js';
import { indexRepository } from '../../src/history/indexer.js';
import type { AnalysisContext } from '../../src/analysis/fixes/types.js';

export interface TestContext extends AnalysisContext {
  dbPath: string;
  close(): void;
}

export async function indexedContext(dir: string): Promise<TestContext> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'stablepick-deps-'));
  const dbPath = path.join(tmp, 'index.sqlite');
  const repo = await openRepository(dir);
  const db = openDb(dbPath);
  await indexRepository(repo, db, { conventions: DEFAULT_CONVENTIONS });
  return {
    repo,
    db,
    conventions: DEFAULT_CONVENTIONS,
    dbPath,
    close: () => {
      db.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
