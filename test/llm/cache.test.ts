/** The LLM stage's cache table: declared by src/llm/cache.ts, created on the first answer, as migration 4 made it before. */
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/history/db.js';
import { cachedAnswer, rememberAnswer } from '../../src/llm/cache.js';

/** The table as migration 4 of the index schema created it (what indexes written before hold). */
const MIGRATION_4 = `
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

describe('llm cache', () => {
  it('answers nothing on an index without the table, creates it on the first answer as migration 4 did, and serves it', () => {
    const db = openDb(':memory:');
    const old = openDb(':memory:');
    try {
      expect(cachedAnswer(db, 'm', 'h')).toBeUndefined();
      rememberAnswer(db, 'm', 'h', { answer: '{"vote":"YES"}', prompt_tokens: 10, completion_tokens: null, ms: 7 });
      expect(cachedAnswer(db, 'm', 'h')).toEqual({ answer: '{"vote":"YES"}', prompt_tokens: 10, completion_tokens: null, ms: 7 });
      expect(cachedAnswer(db, 'm', 'other')).toBeUndefined();
      old.exec(MIGRATION_4);
      const sql = (d: typeof db): unknown => d.prepare("SELECT sql FROM sqlite_master WHERE name = 'llm_cache'").pluck().get();
      expect(sql(db)).toBe(sql(old));
    } finally {
      db.close();
      old.close();
    }
  });
});
