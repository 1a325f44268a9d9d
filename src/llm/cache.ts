/**
 * The LLM stage's cache in the index: answers by (model, hash of the request), with tokens and time
 * (table `llm_cache`). This module declares the table and is the only one that queries it; it is created
 * on the first answer (migration 4 of the index schema created it before; an index written then keeps it).
 */
import { cachedStatement, hasTable, type DB } from '../history/db.js';

/** The cache table, exactly as migration 4 of the index schema declared it. */
const LLM_TABLES = `
      CREATE TABLE llm_cache (
        model TEXT NOT NULL,
        prompt_hash TEXT NOT NULL,
        answer TEXT NOT NULL,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        ms INTEGER NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (model, prompt_hash)
      ) WITHOUT ROWID;
`;

/** A remembered answer of a model. */
export interface CachedAnswer {
  answer: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  ms: number;
}

/** The answer `model` gave to the request with this hash, or undefined (none, or no cache in this index). */
export function cachedAnswer(db: DB, model: string, promptHash: string): CachedAnswer | undefined {
  if (!hasTable(db, 'llm_cache')) return undefined;
  return cachedStatement(db, 'SELECT answer, prompt_tokens, completion_tokens, ms FROM llm_cache WHERE model = ? AND prompt_hash = ?').get(
    model,
    promptHash,
  ) as CachedAnswer | undefined;
}

/** Remembers an answer (creating the table on the first one). */
export function rememberAnswer(db: DB, model: string, promptHash: string, a: CachedAnswer): void {
  if (!hasTable(db, 'llm_cache')) {
    db.transaction(() => {
      if (!hasTable(db, 'llm_cache')) db.exec(LLM_TABLES);
    }).immediate();
  }
  cachedStatement(
    db,
    'INSERT OR REPLACE INTO llm_cache (model, prompt_hash, answer, prompt_tokens, completion_tokens, ms, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(model, promptHash, a.answer, a.prompt_tokens, a.completion_tokens, a.ms, Math.floor(Date.now() / 1000));
}
