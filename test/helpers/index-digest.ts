/**
 * What an index file holds, as row counts and hashes (sha-256 of the rows in a fixed order by every
 * column), to compare two indexes: `bench/index/compare-index.ts` prints it, tests assert on it.
 *
 * - 'physical': every table as stored (row ids included), the schema and meta but `indexed_at`, and the
 *   named checks (first release per commit, branch_commits, resolved references). Two runs that wrote
 *   the same commits in the same order are equal.
 * - 'logical': every fact the index derives (meta but `indexed_at` and `git_dir`), with row ids replaced by what they name (a commit's sha, a
 *   path's text), so an incremental index that received refs in another order compares equal to a clean
 *   one when it says the same. Caches (`patch_ids`, `result_cache`) are not compared: they hold what some
 *   run happened to compute.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

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

const LOGICAL: readonly [string, string][] = [
  [
    'commits',
    'SELECT sha, author_name, author_email, author_time, committer_name, committer_email, commit_time, subject, message, parents, parent_count, latin1, first_release FROM commits',
  ],
  ['commit_files', 'SELECT c.sha, p.path, f.status FROM commit_files f JOIN commits c ON c.id = f.commit_id JOIN paths p ON p.id = f.path_id'],
  [
    'trailers',
    'SELECT c.sha, t.seq, t.kind, t.key, t.value, t.line, t.ref_prefix, t.ref_subject, t.ref_sha, t.ref_status, t.detail FROM trailers t JOIN commits c ON c.id = t.commit_id',
  ],
  ['markers', 'SELECT c.sha, m.seq, m.kind, m.prefix, m.line, m.sha, m.status FROM markers m JOIN commits c ON c.id = m.commit_id'],
  ['commit_stats', 'SELECT c.sha, s.added, s.deleted, s.files, s.binary_files, s.missing FROM commit_stats s JOIN commits c ON c.id = s.commit_id'],
  ['refs', 'SELECT * FROM refs'],
  ['branches', 'SELECT * FROM branches'],
  ['branch_commits', 'SELECT branch, sha, upstream_sha, via FROM branch_commits'],
  ['tags', 'SELECT * FROM tags'],
  ['meta', "SELECT key, value FROM meta WHERE key NOT IN ('indexed_at', 'git_dir')"],
  ['review', 'SELECT * FROM review'],
];

/** The digest of an index file: name → 'N rows, hash' (see the module comment for the two modes). */
export function indexDigest(file: string, mode: 'physical' | 'logical' = 'physical'): Map<string, string> {
  const db = new Database(file, { readonly: true });
  const out = new Map<string, string>();
  const sorted = (sql: string): IterableIterator<Row> => {
    const n = db.prepare(sql).columns().length;
    return db
      .prepare(`SELECT * FROM (${sql}) ORDER BY ${Array.from({ length: n }, (_, i) => String(i + 1)).join(', ')}`)
      .raw()
      .iterate() as IterableIterator<Row>;
  };
  try {
    out.set('user_version', String(db.pragma('user_version', { simple: true })));
    if (mode === 'logical') {
      for (const [name, sql] of LOGICAL) {
        // The review tables are created by the review store on first use: an index without them has no decisions.
        const absent = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) === undefined;
        const { n, hash } = hashRows(absent ? [] : sorted(sql));
        out.set(`table ${name}`, `${n} rows, ${hash}`);
      }
    } else {
      const schema = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").raw().all() as Row[];
      out.set('schema', hashRows(schema).hash);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
      for (const t of tables) {
        const where = t === 'meta' ? " WHERE key != 'indexed_at'" : '';
        const { n, hash } = hashRows(sorted(`SELECT * FROM ${t}${where}`));
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
    }
    out.set('commits with a first release', String(db.prepare('SELECT count(*) FROM commits WHERE first_release IS NOT NULL').pluck().get()));
    for (const [b, n] of db
      .prepare('SELECT branch, count(*) FROM branch_commits WHERE upstream_sha IS NOT NULL GROUP BY branch ORDER BY branch')
      .raw()
      .all() as [string, number][]) {
      out.set(`picks of ${b}`, String(n));
    }
  } finally {
    db.close();
  }
  return out;
}

/** The keys whose values differ (a key missing on one side counts), as 'key: a vs b' lines. */
export function digestDifferences(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const va = a.get(key) ?? '(missing)';
    const vb = b.get(key) ?? '(missing)';
    if (va !== vb) out.push(`${key}: ${va} vs ${vb}`);
  }
  return out;
}
