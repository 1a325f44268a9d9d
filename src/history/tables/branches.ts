/**
 * The branches family of the index (tables `branches`, `branch_commits`, `refs`), read by the stages
 * above history.
 */
import { cachedStatement, type DB } from '../db.js';

/** One indexed branch. */
export interface BranchRecord {
  name: string;
  role: string;
  version: string | null;
  base: string | null;
  tip: string;
}

const BRANCH = 'SELECT name, role, version, base, tip FROM branches';

/** The indexed branch `name`, or undefined. */
export function branchNamed(db: DB, name: string): BranchRecord | undefined {
  return cachedStatement(db, `${BRANCH} WHERE name = ?`).get(name) as BranchRecord | undefined;
}

/** The tip of the indexed branch `name`, or undefined. */
export function branchTip(db: DB, name: string): string | undefined {
  return branchNamed(db, name)?.tip;
}

/** The mainline branch, or undefined when the index knows none. */
export function mainlineBranch(db: DB): BranchRecord | undefined {
  return cachedStatement(db, `${BRANCH} WHERE role = 'mainline' LIMIT 1`).get() as BranchRecord | undefined;
}

/** Every indexed branch, the mainline too. */
export function allBranches(db: DB): BranchRecord[] {
  return cachedStatement(db, BRANCH).all() as BranchRecord[];
}

/** Names of the indexed branches, the mainline too, sorted. */
export function branchNames(db: DB): string[] {
  return cachedStatement(db, 'SELECT name FROM branches ORDER BY name', 'pluck').all() as string[];
}

/** Names of the stable and staging branches, sorted. */
export function stableBranchNames(db: DB): string[] {
  return cachedStatement(db, "SELECT name FROM branches WHERE role != 'mainline' ORDER BY name", 'pluck').all() as string[];
}

/** Every branch commit that carries a mainline commit as [branch commit sha, upstream sha]. */
export function branchCopies(db: DB): IterableIterator<[string, string]> {
  return db.prepare('SELECT sha, upstream_sha FROM branch_commits WHERE upstream_sha IS NOT NULL').raw().iterate() as IterableIterator<[string, string]>;
}

/** A commit of `branch` that carries the mainline commit `upstream`, or undefined. */
export function pickedAs(db: DB, branch: string, upstream: string): string | undefined {
  return cachedStatement(db, 'SELECT sha FROM branch_commits WHERE branch = ? AND upstream_sha = ? LIMIT 1', 'pluck').get(branch, upstream) as
    string | undefined;
}

/** Refs that `rev` may name (a tag, a local or remote-tracking branch, a full ref name), with their commits. */
export function refsNaming(db: DB, rev: string): { name: string; commit_sha: string }[] {
  return cachedStatement(db, 'SELECT name, commit_sha FROM refs WHERE commit_sha IS NOT NULL AND (name = ? OR name = ? OR name = ? OR name LIKE ?)').all(
    `refs/tags/${rev}`,
    `refs/heads/${rev}`,
    rev,
    `refs/remotes/%/${rev}`,
  ) as { name: string; commit_sha: string }[];
}
