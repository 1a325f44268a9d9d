/**
 * Selection's own tables in the index file (created on demand, never touched by the indexer): the
 * trained model, and a cache of per-commit line counts (git diff-tree --numstat is the one slow input).
 */
import { userErrorOf, type DB } from '../history/db.js';
import { numstats, type NumStat } from '../git/diff-batch.js';
import type { GitTarget } from '../git/run.js';
import { StablepickError } from '../errors.js';
import { DIFF_FACTS_VERSION, diffFactsOf, type DiffFacts } from '../analysis/diff/facts.js';

/** A commit's line counts and, when computed, what its diff does. */
export type CommitStat = NumStat & { facts?: DiffFacts | null };

function ensureSelectTables(db: DB): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS select_numstat (sha TEXT PRIMARY KEY, added INTEGER, deleted INTEGER, files INTEGER, missing INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS select_difffacts (sha TEXT PRIMARY KEY, version INTEGER NOT NULL, bits INTEGER NOT NULL, quotes TEXT NOT NULL, code_added INTEGER NOT NULL, code_removed INTEGER NOT NULL, missing INTEGER NOT NULL DEFAULT 0);
    CREATE TABLE IF NOT EXISTS select_models (name TEXT PRIMARY KEY, created INTEGER NOT NULL, cut INTEGER NOT NULL, json TEXT NOT NULL);
  `);
}

// Large chunks: each spawn of git from a process holding a 1M-commit history costs about half a second (fork).
const NUMSTAT_CHUNK = 20000;

/**
 * Line counts of these commits, and what each diff does when `diffFacts` is true (off by default: on the dev
 * windows it gained no F1 and lost some on unseen projects, bench/select/RESULTS.md): from the cache, the rest
 * computed with git and cached.
 */
export async function cachedNumstats(
  db: DB,
  repo: GitTarget | null,
  shas: readonly string[],
  opts: { diffFacts?: boolean } = {},
): Promise<Map<string, CommitStat | null>> {
  const out = new Map<string, CommitStat | null>();
  let readonly = false;
  try {
    ensureSelectTables(db);
  } catch {
    readonly = true;
  }
  const missing: string[] = [];
  if (!readonly) {
    const get = db.prepare('SELECT added, deleted, files, missing FROM select_numstat WHERE sha = ?');
    for (const s of shas) {
      const r = get.get(s) as { added: number; deleted: number; files: number; missing: number } | undefined;
      if (!r) missing.push(s);
      else out.set(s, r.missing ? null : { added: r.added, deleted: r.deleted, files: r.files, binaryFiles: 0 });
    }
  } else for (const s of shas) missing.push(s);
  // In chunks, each cached as it comes: a long first run that is interrupted keeps what it computed.
  for (let i = 0; repo && i < missing.length; i += NUMSTAT_CHUNK) {
    const got = await numstats(repo, missing.slice(i, i + NUMSTAT_CHUNK));
    if (!readonly) {
      try {
        const put = db.prepare('INSERT OR REPLACE INTO select_numstat (sha, added, deleted, files, missing) VALUES (?, ?, ?, ?, ?)');
        db.transaction(() => {
          for (const [s, n] of got) put.run(s, n?.added ?? 0, n?.deleted ?? 0, n?.files ?? 0, n ? 0 : 1);
        }).immediate();
      } catch (e) {
        // A read-only (shared) index or a full disk: go on without caching.
        if (userErrorOf(e)?.code !== 'IO') throw e;
        readonly = true;
      }
    }
    for (const [s, n] of got) out.set(s, n);
  }
  if (opts.diffFacts === true) {
    const facts = await cachedDiffFacts(db, repo, shas, readonly);
    for (const [s, n] of out) if (n) n.facts = facts.get(s) ?? null;
  }
  return out;
}

async function cachedDiffFacts(db: DB, repo: GitTarget | null, shas: readonly string[], readonly: boolean): Promise<Map<string, DiffFacts | null>> {
  const out = new Map<string, DiffFacts | null>();
  const missing: string[] = [];
  if (!readonly) {
    const get = db.prepare('SELECT bits, quotes, code_added, code_removed, missing FROM select_difffacts WHERE sha = ? AND version = ?');
    for (const s of shas) {
      const r = get.get(s, DIFF_FACTS_VERSION) as { bits: number; quotes: string; code_added: number; code_removed: number; missing: number } | undefined;
      if (!r) missing.push(s);
      else
        out.set(
          s,
          r.missing ? null : { bits: r.bits, quotes: JSON.parse(r.quotes) as DiffFacts['quotes'], codeAdded: r.code_added, codeRemoved: r.code_removed },
        );
    }
  } else missing.push(...shas);
  for (let i = 0; repo && i < missing.length; i += NUMSTAT_CHUNK) {
    const got = await diffFactsOf(repo, missing.slice(i, i + NUMSTAT_CHUNK));
    if (!readonly) {
      try {
        const put = db.prepare(
          'INSERT OR REPLACE INTO select_difffacts (sha, version, bits, quotes, code_added, code_removed, missing) VALUES (?, ?, ?, ?, ?, ?, ?)',
        );
        db.transaction(() => {
          for (const [s, f] of got)
            put.run(s, DIFF_FACTS_VERSION, f?.bits ?? 0, JSON.stringify(f?.quotes ?? {}), f?.codeAdded ?? 0, f?.codeRemoved ?? 0, f ? 0 : 1);
        }).immediate();
      } catch (e) {
        if (userErrorOf(e)?.code !== 'IO') throw e;
        readonly = true;
      }
    }
    for (const [s, f] of got) out.set(s, f);
  }
  return out;
}

export function saveModel(db: DB, name: string, cut: number, json: string): void {
  ensureSelectTables(db);
  db.prepare('INSERT OR REPLACE INTO select_models (name, created, cut, json) VALUES (?, ?, ?, ?)').run(name, Math.floor(Date.now() / 1000), cut, json);
}

export function loadModelJson(db: DB, name: string): string {
  let row: { json: string } | undefined;
  try {
    row = db.prepare('SELECT json FROM select_models WHERE name = ?').get(name) as { json: string } | undefined;
  } catch {
    row = undefined;
  }
  if (!row) throw new StablepickError('NOT_FOUND', { what: 'model' });
  return row.json;
}
