/**
 * Writing commits into the index. Two halves, so that a full index can run them on two cores:
 * `commitRow` parses a commit's message once (trailers, upstream and revert markers) into a plain row
 * that can cross a thread boundary; `CommitRowWriter` writes rows. Idempotent: a commit already present
 * is skipped, so an interrupted index run can simply be run again.
 */
import type { RawCommit } from '../git/log.js';
import { parseMarkers, parseRevert } from '../conventions/markers.js';
import { parseTrailers } from '../conventions/trailers.js';
import type { Conventions } from '../conventions/types.js';
import type { DB } from './db.js';
import { GroupedInsert } from './grouped-insert.js';

/** A trailer as stored: kind, key, value, line, ref prefix, ref subject, ref status, detail JSON. */
export type TrailerRow = [string, string, string, number, string | null, string | null, string | null, string | null];
/** A marker as stored: kind, prefix, line. */
export type MarkerRow = [string, string, number];

export interface CommitRow {
  sha: string;
  /** author name, author email, author time, committer name, committer email, commit time */
  people: [string, string, number, string, string, number];
  subject: string;
  message: string;
  parents: string;
  parentCount: number;
  latin1: number;
  /** path, status (A, D, M, ...) pairs, flattened */
  files: string[];
  trailers: TrailerRow[];
  markers: MarkerRow[];
}

/** A value of a trailer that fixes-like keys did not claim but that starts with a commit id. */
const SHA_VALUE = /^(?:commit\s+)?([0-9a-f]{7,40})\b/i;

export function commitRow(c: RawCommit, conv: Conventions): CommitRow {
  const nl = c.message.indexOf('\n');
  const subject = (nl < 0 ? c.message : c.message.slice(0, nl)).trim();
  const files: string[] = [];
  for (const f of c.files) files.push(f.path, f.status);
  const trailers: TrailerRow[] = [];
  {
    for (const t of parseTrailers(c.message, conv)) {
      let detail: string | null = null;
      if (t.stable) detail = JSON.stringify(t.stable);
      else if (t.malformed) detail = JSON.stringify({ malformed: t.malformed });
      let prefix = t.ref?.prefix ?? null;
      let status = t.ref ? 'unknown' : t.kind === 'fixes' ? 'malformed' : null;
      if (!prefix && t.kind === 'other') {
        // Unknown keys whose value names a commit are kept resolvable: a project's own Fixes-like
        // trailer is then detected from history (see conventions/detect).
        const m = SHA_VALUE.exec(t.value);
        if (m) {
          prefix = m[1]!.toLowerCase();
          status = 'unknown';
        }
      }
      trailers.push([t.kind, t.key, t.value, t.line, prefix, t.ref?.subject ?? null, status, detail]);
    }
  }
  const markers: MarkerRow[] = [];
  for (const m of parseMarkers(c.message)) markers.push([m.kind, m.prefix, m.line]);
  const rev = parseRevert(c.message);
  if (rev) markers.push(['reverts', rev.prefix, rev.line]);
  return {
    sha: c.sha,
    people: [c.authorName, c.authorEmail, c.authorTime, c.committerName, c.committerEmail, c.commitTime],
    subject,
    message: c.message,
    parents: c.parents.join(' '),
    parentCount: c.parents.length,
    latin1: c.latin1 ? 1 : 0,
    files,
    trailers,
    markers,
  };
}

/** A reference written as 'unknown', to resolve at the end of a first index: row id, prefix, quoted subject. */
export type PendingRef = [number, string, string | null];

export class CommitRowWriter {
  private readonly insCommit;
  private readonly files;
  private readonly trailers;
  private readonly insPath;
  private readonly getPath;
  private readonly insMarker;
  private readonly pathIds = new Map<string, number>();
  written = 0;
  skipped = 0;
  /** With `trackRefs`: the trailers and markers this writer wrote with an unresolved reference. */
  readonly pending: { trailers: PendingRef[]; markers: PendingRef[] } | null;
  /** Trailer rows pushed so far, and the pushed ones with a reference, waiting for their row ids. */
  private trailerRows = 0;
  private trailerRowsDone = 0;
  private readonly waitingRefs: [number, string, string | null][] = [];

  constructor(db: DB, opts: { trackRefs?: boolean } = {}) {
    this.pending = opts.trackRefs ? { trailers: [], markers: [] } : null;
    this.insCommit = db.prepare(
      `INSERT INTO commits (sha, author_name, author_email, author_time, committer_name, committer_email, commit_time, subject, message, parents, parent_count, latin1, first_release)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha) DO NOTHING`,
    );
    this.files = new GroupedInsert(db, 'INSERT INTO commit_files (commit_id, path_id, status)', 3, '(?, ?, ?)');
    this.trailers = new GroupedInsert(
      db,
      'INSERT INTO trailers (commit_id, seq, kind, key, value, line, ref_prefix, ref_subject, ref_sha, ref_status, detail)',
      10,
      '(?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)',
      this.pending ? (first, count) => this.trailerRowids(first, count) : undefined,
    );
    this.insPath = db.prepare('INSERT INTO paths (path) VALUES (?) ON CONFLICT(path) DO NOTHING');
    this.getPath = db.prepare('SELECT id FROM paths WHERE path = ?').pluck();
    this.insMarker = db.prepare("INSERT INTO markers (commit_id, seq, kind, prefix, line, sha, status) VALUES (?, ?, ?, ?, ?, NULL, 'unknown')");
  }

  /** The trailer rows numbered [trailerRowsDone, +count) got row ids first, first + 1, ... */
  private trailerRowids(first: number, count: number): void {
    const end = this.trailerRowsDone + count;
    const w = this.waitingRefs;
    let k = 0;
    while (k < w.length && w[k]![0] < end) {
      const [n, prefix, subject] = w[k]!;
      this.pending!.trailers.push([first + (n - this.trailerRowsDone), prefix, subject]);
      k++;
    }
    if (k) w.splice(0, k);
    this.trailerRowsDone = end;
  }

  private pathId(path: string): number {
    let id = this.pathIds.get(path);
    if (id !== undefined) return id;
    const r = this.insPath.run(path);
    id = r.changes > 0 ? Number(r.lastInsertRowid) : (this.getPath.get(path) as number);
    this.pathIds.set(path, id);
    return id;
  }

  /**
   * Writes one commit (with a first release when the caller already knows one); returns its row id, or
   * null when it was already indexed. Call flush() before committing.
   */
  write(row: CommitRow, firstRelease: string | null = null): number | null {
    const p = row.people;
    const r = this.insCommit.run(row.sha, p[0], p[1], p[2], p[3], p[4], p[5], row.subject, row.message, row.parents, row.parentCount, row.latin1, firstRelease);
    if (r.changes === 0) {
      this.skipped++;
      return null;
    }
    const id = Number(r.lastInsertRowid);
    const f = row.files;
    for (let i = 0; i < f.length; i += 2) this.files.push(id, this.pathId(f[i]!), f[i + 1]);
    let seq = 0;
    for (const t of row.trailers) {
      if (this.pending && t[6] === 'unknown' && t[4]) this.waitingRefs.push([this.trailerRows, t[4], t[5]]);
      this.trailerRows++;
      this.trailers.push(id, seq++, t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7]);
    }
    seq = 0;
    for (const m of row.markers) {
      const r = this.insMarker.run(id, seq++, m[0], m[1], m[2]);
      this.pending?.markers.push([Number(r.lastInsertRowid), m[1], null]);
    }
    this.written++;
    return id;
  }

  /** Writes what is still queued (end of a batch, inside its transaction). */
  flush(): void {
    this.files.flush();
    this.trailers.flush();
  }

  /** Writes a batch of rows and flushes. */
  writeAll(rows: readonly CommitRow[]): void {
    for (const r of rows) this.write(r);
    this.flush();
  }
}
