/**
 * The links between commits that messages state (tables `trailers` and `markers`: Fixes:, Link:,
 * Message-ID:, `This reverts commit ...`), read by the stages above history.
 */
import { cachedStatement, placeholders, type DB } from '../db.js';

/** A Fixes: trailer with a commit id, and how the index resolved it. */
export interface FixesTrailer {
  sha: string;
  key: string;
  value: string;
  line: number;
  prefix: string | null;
  subject: string | null;
  ref_sha: string | null;
  status: string | null;
}

const FIXES_TRAILER = `SELECT c.sha, t.key, t.value, t.line, t.ref_prefix AS prefix, t.ref_subject AS subject, t.ref_sha, t.ref_status AS status
       FROM trailers t JOIN commits c ON c.id = t.commit_id WHERE t.kind = 'fixes' AND t.ref_prefix IS NOT NULL`;

/** Every Fixes: trailer that names a commit id (`sha` is the commit carrying it). */
export function fixesTrailers(db: DB): FixesTrailer[] {
  return db.prepare(FIXES_TRAILER).all() as FixesTrailer[];
}

/** Which link rows: a commit's own, those the index resolved to one of some commits, or those it left unresolved. */
type LinkRows = { of: string } | { naming: readonly string[] } | 'unresolved';

/** Rows of a link query `base` over table alias `a` (resolved sha in `ref`, status in `status`), in table order. */
function linkRows<T>(db: DB, base: string, a: string, ref: string, status: string, which: LinkRows): T[] {
  const order = ` ORDER BY ${a}.rowid`;
  if (which === 'unresolved') return db.prepare(`${base} AND (${a}.${ref} IS NULL OR ${a}.${status} IS NOT 'resolved')${order}`).all() as T[];
  if ('of' in which) return cachedStatement(db, `${base} AND c.sha = ?${order}`).all(which.of) as T[];
  if (!which.naming.length) return [];
  return db.prepare(`${base} AND ${a}.${ref} IN (${placeholders(which.naming.length)})${order}`).all(...which.naming) as T[];
}

/**
 * Fixes: trailers that name a commit id: of one commit (message order), resolved by the index to one of
 * `naming` (through the trailers_ref index), or left unresolved (ambiguous, unknown or malformed ids).
 */
export function fixesTrailersWhere(db: DB, which: LinkRows): FixesTrailer[] {
  return linkRows<FixesTrailer>(db, FIXES_TRAILER, 't', 'ref_sha', 'ref_status', which);
}

/** Every resolved Fixes: trailer as [fixed sha, fixing sha, commit time of the fix]. */
export function resolvedFixes(db: DB): IterableIterator<[string, string, number]> {
  return db
    .prepare("SELECT t.ref_sha, c.sha, c.commit_time FROM trailers t JOIN commits c ON c.id = t.commit_id WHERE t.kind = 'fixes' AND t.ref_sha IS NOT NULL")
    .raw()
    .iterate() as IterableIterator<[string, string, number]>;
}

/** A `This reverts commit ...` marker, with the reverting commit's subject. */
export interface RevertMarker {
  sha: string;
  subject: string;
  prefix: string;
  line: number;
  target: string | null;
  status: string | null;
}

const REVERT_MARKER =
  "SELECT c.sha, c.subject, m.prefix, m.line, m.sha AS target, m.status FROM markers m JOIN commits c ON c.id = m.commit_id WHERE m.kind = 'reverts'";

/** Every `reverts` marker (`sha` is the reverting commit). */
export function revertMarkers(db: DB): RevertMarker[] {
  return db.prepare(REVERT_MARKER).all() as RevertMarker[];
}

/** `reverts` markers: of one commit, resolved by the index to one of `naming` (the markers_sha index), or left unresolved. */
export function revertMarkersWhere(db: DB, which: LinkRows): RevertMarker[] {
  return linkRows<RevertMarker>(db, REVERT_MARKER, 'm', 'sha', 'status', which);
}

/** Every resolved `reverts` marker as [reverted sha, reverting sha]. */
export function resolvedReverts(db: DB): IterableIterator<[string, string]> {
  return db
    .prepare("SELECT m.sha, c.sha FROM markers m JOIN commits c ON c.id = m.commit_id WHERE m.kind = 'reverts' AND m.sha IS NOT NULL")
    .raw()
    .iterate() as IterableIterator<[string, string]>;
}

/** Trailers of these commits (ids) but Signed-off-by, Cc and Message-ID, as [commit id, kind, key, value, ref sha, ref status, detail], in message order. */
export function trailersOfIds(db: DB, ids: readonly number[]): [number, string, string, string, string | null, string | null, string | null][] {
  return db
    .prepare(
      `SELECT commit_id, kind, key, value, ref_sha, ref_status, detail FROM trailers WHERE commit_id IN (${placeholders(ids.length)}) AND kind NOT IN ('signed-off-by', 'cc', 'message-id') ORDER BY commit_id, seq`,
    )
    .raw()
    .all(...ids) as [number, string, string, string, string | null, string | null, string | null][];
}

/** Resolved `reverts` markers of these commits (ids) as [commit id, reverted sha]. */
export function revertsOfIds(db: DB, ids: readonly number[]): [number, string][] {
  return db
    .prepare(`SELECT commit_id, sha FROM markers WHERE kind = 'reverts' AND sha IS NOT NULL AND commit_id IN (${placeholders(ids.length)})`)
    .raw()
    .all(...ids) as [number, string][];
}

/** Every Link: and Message-ID: trailer as [commit sha, key, value]. */
export function threadTrailers(db: DB): IterableIterator<[string, string, string]> {
  return db
    .prepare("SELECT c.sha, t.key, t.value FROM trailers t JOIN commits c ON c.id = t.commit_id WHERE t.kind IN ('link', 'message-id')")
    .raw()
    .iterate() as IterableIterator<[string, string, string]>;
}
