/** The release tags of the index (table `tags`), read by the stages above history. */
import { cachedStatement, type DB } from '../db.js';

/** Every release tag as [name, date, prerelease (1) or not (0)]. */
export function everyTag(db: DB): [string, number, number][] {
  return db.prepare('SELECT name, date, prerelease FROM tags').raw().all() as [string, number, number][];
}

/** Releases (not prereleases) as [name, commit sha], newest first. */
export function releasesNewestFirst(db: DB): [string, string][] {
  return cachedStatement(db, 'SELECT name, commit_sha FROM tags WHERE prerelease = 0 ORDER BY date DESC, name DESC', 'raw').all() as [string, string][];
}

/** The commit the release tag `name` points at, or undefined. */
export function tagCommit(db: DB, name: string): string | undefined {
  return cachedStatement(db, 'SELECT commit_sha FROM tags WHERE name = ?', 'pluck').get(name) as string | undefined;
}

/** Whether the index knows the release tag `name`. */
export function isReleaseTag(db: DB, name: string): boolean {
  return cachedStatement(db, 'SELECT 1 FROM tags WHERE name = ?', 'pluck').get(name) !== undefined;
}
