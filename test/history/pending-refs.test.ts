/**
 * A first index keeps the references it writes unresolved (trailers and markers with their row ids), so
 * the resolve step needs no table scan. The row ids must be the rows' own: checked against the tables
 * for more than one multi-row INSERT's worth of trailers, and the resolution must equal the scanning one.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import type { RawCommit } from '../../src/git/log.js';
import { commitRow, CommitRowWriter } from '../../src/history/commit-writer.js';
import { openDb, type DB } from '../../src/history/db.js';
import { resolvePendingRefs } from '../../src/history/resolve.js';

const hex = (n: number): string => createHash('sha1').update(`commit ${n}`).digest('hex');

function raw(n: number, message: string): RawCommit {
  return {
    sha: hex(n),
    parents: [],
    authorName: 'A',
    authorEmail: 'a@example.org',
    authorTime: n,
    committerName: 'A',
    committerEmail: 'a@example.org',
    commitTime: n,
    message,
    latin1: false,
    files: [{ path: `f${n % 7}.c`, status: 'M' } as RawCommit['files'][number]],
  };
}

/** 300 commits; most name an earlier one in Fixes: (with a subject), some carry a marker and other trailers. */
function writeHistory(db: DB, trackRefs: boolean): CommitRowWriter {
  const w = new CommitRowWriter(db, { trackRefs });
  db.transaction(() => {
    for (let n = 1; n <= 300; n++) {
      const lines = [`c${n}: fix thing ${n}`, '', 'Body.', ''];
      if (n > 1 && n % 3 !== 0) lines.push(`Fixes: ${hex(n - 1).slice(0, 12)} ("c${n - 1}: fix thing ${n - 1}")`);
      if (n % 5 === 0) lines.push(`Reviewed-by: R <r@example.org>`);
      if (n % 11 === 0) lines.push(`Fixes: 0123456789ab ("nothing")`);
      lines.push('Signed-off-by: A <a@example.org>');
      if (n % 4 === 0) lines.push('', `(cherry picked from commit ${hex(n - 2)})`);
      w.write(commitRow(raw(n, lines.join('\n')), DEFAULT_CONVENTIONS));
    }
    w.flush();
  })();
  return w;
}

function refsOf(db: DB): unknown[] {
  return [
    db.prepare('SELECT rowid, ref_prefix, ref_sha, ref_status FROM trailers ORDER BY rowid').raw().all(),
    db.prepare('SELECT rowid, prefix, sha, status FROM markers ORDER BY rowid').raw().all(),
  ];
}

describe('references kept by a first index', () => {
  it('names each unresolved trailer and marker by its own row id', () => {
    const db = openDb(':memory:');
    try {
      const w = writeHistory(db, true);
      const p = w.pending!;
      const unknownT = db.prepare("SELECT rowid, ref_prefix, ref_subject FROM trailers WHERE ref_status = 'unknown' ORDER BY rowid").raw().all();
      const unknownM = db.prepare("SELECT rowid, prefix, NULL FROM markers WHERE status = 'unknown' ORDER BY rowid").raw().all();
      // More than one 64-row INSERT's worth, and the last partial group from flush().
      expect(p.trailers.length).toBeGreaterThan(200);
      expect(p.trailers).toEqual(unknownT);
      expect(p.markers).toEqual(unknownM);
    } finally {
      db.close();
    }
  });

  it('resolves them exactly as a scan of the tables does', () => {
    const a = openDb(':memory:');
    const b = openDb(':memory:');
    try {
      const w = writeHistory(a, true);
      writeHistory(b, false);
      const ra = resolvePendingRefs(a, w.pending!);
      const rb = resolvePendingRefs(b);
      expect(ra).toEqual(rb);
      expect(ra.trailers).toBeGreaterThan(150);
      expect(refsOf(a)).toEqual(refsOf(b));
      // The unknown id stays unknown, to be tried again by the next run.
      expect(a.prepare("SELECT count(*) FROM trailers WHERE ref_prefix = '0123456789ab' AND ref_status = 'unknown'").pluck().get()).toBe(27);
    } finally {
      a.close();
      b.close();
    }
  });
});
