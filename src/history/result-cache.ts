/**
 * A cache of results that later stages compute from the repository (e.g. trial cherry-picks by commit and
 * branch tip): plain JSON under (kind, key, key) with a version, so a result from an older stablepick is
 * simply recomputed. A key names immutable objects (shas), so entries never go stale.
 */
import { userErrorOf, type DB } from './db.js';

export class ResultCache {
  private readonly getStmt;
  private readonly putStmt;
  /** False once a write failed on a read-only index or a full disk: the cache is then only read. */
  private writable = true;

  constructor(db: DB) {
    this.getStmt = db.prepare('SELECT version, json FROM result_cache WHERE kind = ? AND a = ? AND b = ?');
    this.putStmt = db.prepare('INSERT OR REPLACE INTO result_cache (kind, a, b, version, json) VALUES (?, ?, ?, ?, ?)');
  }

  get(kind: string, a: string, b: string, version: number): unknown {
    const r = this.getStmt.get(kind, a, b) as { version: number; json: string } | undefined;
    if (!r || r.version !== version) return undefined;
    return JSON.parse(r.json) as unknown;
  }

  put(kind: string, a: string, b: string, version: number, value: unknown): void {
    if (!this.writable) return;
    try {
      this.putStmt.run(kind, a, b, version, JSON.stringify(value));
    } catch (e) {
      if (userErrorOf(e)?.code !== 'IO') throw e;
      this.writable = false;
    }
  }
}
