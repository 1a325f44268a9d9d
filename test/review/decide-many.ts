/**
 * A writer for the concurrency test: `node --import tsx decide-many.ts <db> <who> <n> <sha>...` records
 * `n` decisions through the review store, cycling over the commits, each in its own transaction.
 */
import { openDb } from '../../src/history/db.js';
import { ReviewStore } from '../../src/review/store.js';
import { BRANCH } from './fixture.js';

const [dbPath, who, count, ...shas] = process.argv.slice(2);
const db = openDb(dbPath!, { mustExist: true });
const store = new ReviewStore(db);
const statuses = ['accepted', 'rejected', 'deferred', 'needs-review'] as const;
for (let i = 0; i < Number(count); i++) {
  const status = statuses[i % statuses.length]!;
  store.set({ sha: shas[i % shas.length]!, branch: BRANCH, status, who: who!, why: `${who} decision ${i}`, source: 'cli', at: 1_800_000_000 + i });
}
db.close();
