/** Writing many rows fast: multi-row INSERTs, and bulk UPDATEs through a temporary table. */
import type { DB } from './db.js';

/**
 * Rows of one table written many at a time: values are queued and sent to SQLite as multi-row INSERTs of
 * `GROUP` rows (one statement call instead of GROUP), the rest one by one at flush().
 */
export class GroupedInsert {
  private static readonly GROUP = 64;
  private readonly one;
  private readonly many;
  private readonly queued: unknown[] = [];

  /**
   * `onRows(firstRowid, count)` is told the row ids of every statement's rows, in order (a rowid table
   * gives the rows of one INSERT consecutive row ids: each new row takes the largest plus one).
   */
  constructor(
    db: DB,
    head: string,
    private readonly width: number,
    tuple: string,
    private readonly onRows?: (firstRowid: number, count: number) => void,
  ) {
    this.one = db.prepare(`${head} VALUES ${tuple}`);
    this.many = db.prepare(`${head} VALUES ${Array.from({ length: GroupedInsert.GROUP }, () => tuple).join(', ')}`);
  }

  push(...values: unknown[]): void {
    for (const v of values) this.queued.push(v);
    if (this.queued.length >= GroupedInsert.GROUP * this.width) {
      const r = this.many.run(this.queued);
      this.queued.length = 0;
      this.onRows?.(Number(r.lastInsertRowid) - GroupedInsert.GROUP + 1, GroupedInsert.GROUP);
    }
  }

  flush(): void {
    for (let i = 0; i < this.queued.length; i += this.width) {
      const r = this.one.run(this.queued.slice(i, i + this.width));
      this.onRows?.(Number(r.lastInsertRowid), 1);
    }
    this.queued.length = 0;
  }
}

/**
 * Sets `columns` of many rows of `table`, by rowid, in one statement: the new values go into a temporary
 * table with multi-row INSERTs, then one `UPDATE ... FROM` applies them. `rows` are [rowid, ...values].
 * Call inside a transaction.
 */
export function bulkUpdateByRowid(db: DB, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): void {
  if (!rows.length) return;
  const cols = columns.map((c, i) => `v${i}`);
  db.exec(`DROP TABLE IF EXISTS temp._bulk_update; CREATE TEMP TABLE _bulk_update (rid INTEGER PRIMARY KEY, ${cols.join(', ')})`);
  const ins = new GroupedInsert(
    db,
    `INSERT INTO temp._bulk_update (rid, ${cols.join(', ')})`,
    columns.length + 1,
    `(${['?', ...cols.map(() => '?')].join(', ')})`,
  );
  for (const r of rows) ins.push(...r);
  ins.flush();
  db.exec(`UPDATE ${table} SET ${columns.map((c, i) => `${c} = u.v${i}`).join(', ')} FROM temp._bulk_update AS u WHERE ${table}.rowid = u.rid`);
  db.exec('DROP TABLE temp._bulk_update');
}
