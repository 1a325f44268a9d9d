/**
 * Writing commits into the index: the commit row, its parents, the files it touches, its trailers and
 * its upstream/revert markers, all parsed once here. Idempotent: a commit already present is skipped, so
 * an interrupted index run can simply be run again.
 */
import type { RawCommit } from '../git/log.js';
import { parseMarkers, parseRevert } from '../conventions/markers.js';
import { parseTrailers } from '../conventions/trailers.js';
import type { Conventions } from '../conventions/types.js';
import type { DB } from './db.js';

export class CommitWriter {
  private readonly insCommit;
  private readonly insFile;
  private readonly insPath;
  private readonly getPath;
  private readonly insTrailer;
  private readonly insMarker;
  private readonly pathIds = new Map<string, number>();
  written = 0;
  skipped = 0;

  constructor(
    private readonly db: DB,
    private readonly conv: Conventions,
  ) {
    this.insCommit = db.prepare(
      `INSERT INTO commits (sha, author_name, author_email, author_time, committer_name, committer_email, commit_time, subject, message, parents, parent_count, latin1)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sha) DO NOTHING`,
    );
    this.insFile = db.prepare('INSERT INTO commit_files (commit_id, path_id, status) VALUES (?, ?, ?)');
    this.insPath = db.prepare('INSERT INTO paths (path) VALUES (?) ON CONFLICT(path) DO NOTHING');
    this.getPath = db.prepare('SELECT id FROM paths WHERE path = ?').pluck();
    this.insTrailer = db.prepare(
      `INSERT INTO trailers (commit_id, seq, kind, key, value, line, ref_prefix, ref_subject, ref_sha, ref_status, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`,
    );
    this.insMarker = db.prepare('INSERT INTO markers (commit_id, seq, kind, prefix, line, sha, status) VALUES (?, ?, ?, ?, ?, NULL, ?)');
  }

  private pathId(path: string): number {
    let id = this.pathIds.get(path);
    if (id !== undefined) return id;
    const r = this.insPath.run(path);
    id = r.changes > 0 ? Number(r.lastInsertRowid) : (this.getPath.get(path) as number);
    this.pathIds.set(path, id);
    return id;
  }

  /** Writes one commit; returns false when it was already indexed. */
  write(c: RawCommit): boolean {
    const nl = c.message.indexOf('\n');
    const subject = (nl < 0 ? c.message : c.message.slice(0, nl)).trim();
    const r = this.insCommit.run(
      c.sha,
      c.authorName,
      c.authorEmail,
      c.authorTime,
      c.committerName,
      c.committerEmail,
      c.commitTime,
      subject,
      c.message,
      c.parents.join(' '),
      c.parents.length,
      c.latin1 ? 1 : 0,
    );
    if (r.changes === 0) {
      this.skipped++;
      return false;
    }
    const id = Number(r.lastInsertRowid);
    for (const f of c.files) this.insFile.run(id, this.pathId(f.path), f.status);
    let seq = 0;
    if (c.message.indexOf(':') >= 0) {
      for (const t of parseTrailers(c.message, this.conv)) {
        let detail: string | null = null;
        if (t.stable) detail = JSON.stringify(t.stable);
        else if (t.malformed) detail = JSON.stringify({ malformed: t.malformed });
        const status = t.ref ? 'unknown' : t.kind === 'fixes' ? 'malformed' : null;
        this.insTrailer.run(id, seq++, t.kind, t.key, t.value, t.line, t.ref?.prefix ?? null, t.ref?.subject ?? null, status, detail);
      }
    }
    let mseq = 0;
    for (const m of parseMarkers(c.message)) this.insMarker.run(id, mseq++, m.kind, m.prefix, m.line, 'unknown');
    const rev = parseRevert(c.message);
    if (rev) this.insMarker.run(id, mseq++, 'reverts', rev.prefix, rev.line, 'unknown');
    this.written++;
    return true;
  }
}
