/**
 * The commits family of the index (tables `commits`, `paths`, `commit_files`), read by the stages above
 * history: one function per question, so no stage above writes SQL against these tables.
 */
import { cachedStatement, placeholders, type DB } from '../db.js';

/** What one indexed commit is, without its message. */
export interface CommitRecord {
  id: number;
  sha: string;
  subject: string;
  author_name: string;
  author_email: string;
  author_time: number;
  commit_time: number;
  /** Parent shas separated by one blank ('' for a root commit). */
  parents: string;
  parent_count: number;
  first_release: string | null;
}

const ROW = 'SELECT id, sha, subject, author_name, author_email, author_time, commit_time, parents, parent_count, first_release FROM commits';

/** The indexed commit `sha` (full id), or undefined. */
export function commitRecord(db: DB, sha: string): CommitRecord | undefined {
  return cachedStatement(db, `${ROW} WHERE sha = ?`).get(sha) as CommitRecord | undefined;
}

/** The indexed commit `sha` with its whole message, or undefined. */
export function commitWithMessage(db: DB, sha: string): (CommitRecord & { message: string }) | undefined {
  return cachedStatement(db, `${ROW.replace(' FROM', ', message FROM')} WHERE sha = ?`).get(sha) as (CommitRecord & { message: string }) | undefined;
}

/** Whether the index holds the commit `sha` (full id). */
export function isIndexedCommit(db: DB, sha: string): boolean {
  return cachedStatement(db, 'SELECT 1 FROM commits WHERE sha = ?').get(sha) !== undefined;
}

/** The subject of the indexed commit `sha`, or undefined. */
export function commitSubject(db: DB, sha: string): string | undefined {
  return cachedStatement(db, 'SELECT subject FROM commits WHERE sha = ?', 'pluck').get(sha) as string | undefined;
}

/** The whole message of the indexed commit `sha`, or undefined. */
export function commitMessage(db: DB, sha: string): string | undefined {
  return cachedStatement(db, 'SELECT message FROM commits WHERE sha = ?', 'pluck').get(sha) as string | undefined;
}

/** Up to 50 indexed commits with exactly this subject. */
export function shasWithSubject(db: DB, subject: string): string[] {
  return cachedStatement(db, 'SELECT sha FROM commits WHERE subject = ? LIMIT 50', 'pluck').all(subject) as string[];
}

/** Up to two indexed commits whose id starts with `prefix` (lower-case hex). */
export function shasWithPrefix(db: DB, prefix: string): string[] {
  return cachedStatement(db, 'SELECT sha FROM commits WHERE sha >= ? AND sha < ? LIMIT 2', 'pluck').all(prefix, `${prefix}g`) as string[];
}

/** Commits whose subject starts with `Revert "` or `Reapply "`. */
export function revertLikeSubjects(db: DB): { sha: string; subject: string }[] {
  return db.prepare("SELECT sha, subject FROM commits WHERE subject LIKE 'Revert \"%' OR subject LIKE 'Reapply \"%'").all() as {
    sha: string;
    subject: string;
  }[];
}

/** Every commit as [id, sha, commit time, author time, author email, author name, committer email, subject, parent count, first release], in id order. */
export function everyCommitSummary(db: DB): IterableIterator<[number, string, number, number, string, string, string, string, number, string | null]> {
  return db
    .prepare('SELECT id, sha, commit_time, author_time, author_email, author_name, committer_email, subject, parent_count, first_release FROM commits')
    .raw()
    .iterate() as IterableIterator<[number, string, number, number, string, string, string, string, number, string | null]>;
}

/** Every commit as [sha, parents] (parents separated by one blank). */
export function everyCommitParents(db: DB): IterableIterator<[string, string]> {
  return db.prepare('SELECT sha, parents FROM commits').raw().iterate() as IterableIterator<[string, string]>;
}

/** [id, message] of these commits (ids). */
export function messagesOfIds(db: DB, ids: readonly number[]): [number, string][] {
  return db
    .prepare(`SELECT id, message FROM commits WHERE id IN (${placeholders(ids.length)})`)
    .raw()
    .all(...ids) as [number, string][];
}

/** [commit id, path, status] of the files these commits (ids) change. */
export function filesOfIds(db: DB, ids: readonly number[]): [number, string, string][] {
  return db
    .prepare(`SELECT f.commit_id, p.path, f.status FROM commit_files f JOIN paths p ON p.id = f.path_id WHERE f.commit_id IN (${placeholders(ids.length)})`)
    .raw()
    .all(...ids) as [number, string, string][];
}

/** Ids of the commits that change `path` (an iteration: a caller may stop at the first it needs). */
export function commitIdsTouching(db: DB, path: string): IterableIterator<number> {
  return db
    .prepare('SELECT f.commit_id FROM commit_files f JOIN paths p ON p.id = f.path_id WHERE p.path = ?')
    .pluck()
    .iterate(path) as IterableIterator<number>;
}

/** Ids of the commits that add `path`. */
export function commitIdsAdding(db: DB, path: string): number[] {
  return cachedStatement(db, "SELECT f.commit_id FROM commit_files f JOIN paths p ON p.id = f.path_id WHERE p.path = ? AND f.status = 'A'", 'pluck').all(
    path,
  ) as number[];
}

/** Whether the commit (id) deletes a file. */
export function deletesAFile(db: DB, id: number): boolean {
  return cachedStatement(db, "SELECT 1 FROM commit_files WHERE commit_id = ? AND status = 'D' LIMIT 1", 'pluck').get(id) !== undefined;
}

/** Path ids of the files the commit `sha` changes. */
export function pathIdsOf(db: DB, sha: string): number[] {
  return cachedStatement(db, 'SELECT f.path_id FROM commit_files f JOIN commits c ON c.id = f.commit_id WHERE c.sha = ?', 'pluck').all(sha) as number[];
}

/** One commit as `find_commit` lists it. */
export interface CommitListing {
  sha: string;
  subject: string;
  author: string;
  email: string;
  t: number;
  release: string | null;
}

const LISTING = 'SELECT c.sha, c.subject, c.author_name AS author, c.author_email AS email, c.author_time AS t, c.first_release AS release FROM commits c';

/** The indexed commit `sha` as a listing, or undefined. */
export function commitListing(db: DB, sha: string): CommitListing | undefined {
  return cachedStatement(db, `${LISTING} WHERE c.sha = ?`).get(sha) as CommitListing | undefined;
}

const escapeLike = (t: string): string => t.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Indexed commits, newest first, whose subject contains `subject`, whose author name or email contains
 * `author` (both case-insensitive) and that touch the file or folder `path` (each condition when given).
 */
export function findCommits(
  db: DB,
  by: { subject?: string | undefined; author?: string | undefined; path?: string | undefined },
): IterableIterator<CommitListing> {
  const where: string[] = [];
  const params: unknown[] = [];
  const like = (t: string): string => `%${escapeLike(t)}%`;
  if (by.subject) {
    where.push("c.subject LIKE ? ESCAPE '\\'");
    params.push(like(by.subject));
  }
  if (by.author) {
    where.push("(c.author_name LIKE ? ESCAPE '\\' OR c.author_email LIKE ? ESCAPE '\\')");
    params.push(like(by.author), like(by.author));
  }
  if (by.path) {
    const dir = by.path.replace(/\/+$/, '');
    where.push("c.id IN (SELECT f.commit_id FROM commit_files f JOIN paths q ON q.id = f.path_id WHERE q.path = ? OR q.path LIKE ? ESCAPE '\\')");
    params.push(dir, `${escapeLike(dir)}/%`);
  }
  const sql = `${LISTING} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.commit_time DESC, c.id DESC`;
  return db.prepare(sql).iterate(...params) as IterableIterator<CommitListing>;
}
