/**
 * Compares the content of two index files: every table's row count and a hash of all its rows (in a
 * fixed order by every column, so row ids of the physical layout do not matter but every value does),
 * the schema (tables, indexes, user_version) and meta (but `indexed_at`). Also prints the named checks
 * of issue 2: first_release per commit, branch_commits, trailers' ref_sha.
 *
 *   npx tsx bench/index/compare-index.ts A.sqlite B.sqlite
 *
 * Exits 1 when anything differs.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

const [fileA, fileB] = process.argv.slice(2);
if (!fileA || !fileB) {
  process.stderr.write('usage: compare-index.ts A.sqlite B.sqlite\n');
  process.exit(2);
}

type Row = unknown[];

function hashRows(rows: Iterable<Row>): { n: number; hash: string } {
  const h = createHash('sha256');
  let n = 0;
  for (const r of rows) {
    h.update(JSON.stringify(r));
    h.update('\n');
    n++;
  }
  return { n, hash: h.digest('hex').slice(0, 16) };
}

function fingerprint(file: string): Map<string, string> {
  const db = new Database(file, { readonly: true });
  const out = new Map<string, string>();
  try {
    out.set('user_version', String(db.pragma('user_version', { simple: true })));
    const schema = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").raw().all() as Row[];
    out.set('schema', hashRows(schema).hash);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    for (const t of tables) {
      const cols = (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
      const where = t === 'meta' ? " WHERE key != 'indexed_at'" : '';
      const order = cols.map((_, i) => String(i + 1)).join(', ');
      const rows = db.prepare(`SELECT * FROM ${t}${where} ORDER BY ${order}`).raw().iterate() as IterableIterator<Row>;
      const { n, hash } = hashRows(rows);
      out.set(`table ${t}`, `${n} rows, ${hash}`);
    }
    const named: [string, string][] = [
      ['first_release per commit', 'SELECT sha, first_release FROM commits ORDER BY sha'],
      ['branch_commits', 'SELECT branch, sha, upstream_sha, via FROM branch_commits ORDER BY 1, 2, 3, 4'],
      ['trailers ref_sha', 'SELECT c.sha, t.seq, t.ref_sha, t.ref_status FROM trailers t JOIN commits c ON c.id = t.commit_id ORDER BY 1, 2'],
      ['markers sha', 'SELECT c.sha, m.seq, m.sha, m.status FROM markers m JOIN commits c ON c.id = m.commit_id ORDER BY 1, 2'],
      ['trailers in rowid order', 'SELECT rowid, commit_id, seq FROM trailers ORDER BY rowid'],
      ['commit ids', 'SELECT id, sha FROM commits ORDER BY id'],
    ];
    for (const [name, sql] of named) {
      const { n, hash } = hashRows(db.prepare(sql).raw().iterate() as IterableIterator<Row>);
      out.set(`check ${name}`, `${n} rows, ${hash}`);
    }
    out.set('commits with a first release', String(db.prepare('SELECT count(*) FROM commits WHERE first_release IS NOT NULL').pluck().get()));
  } finally {
    db.close();
  }
  return out;
}

const a = fingerprint(fileA);
const b = fingerprint(fileB);
let differ = 0;
for (const key of new Set([...a.keys(), ...b.keys()])) {
  const va = a.get(key) ?? '(missing)';
  const vb = b.get(key) ?? '(missing)';
  const same = va === vb;
  if (!same) differ++;
  process.stdout.write(`${same ? 'same  ' : 'DIFFER'} ${key}: ${va}${same ? '' : ` vs ${vb}`}\n`);
}
process.stdout.write(differ ? `${differ} difference(s)\n` : 'identical\n');
process.exit(differ ? 1 : 0);
