/**
 * What the user types for a commit or a range, resolved by git itself (so every expression git accepts
 * works: `HEAD~2`, `@{u}`, `origin/master`, `v6.17^{}`, `A..`, `..B`, ids of any length), then checked
 * against the index: a commit git knows but the index does not yet is named as such.
 */
import { StablepickError } from '../errors.js';
import { resolveCommit, resolveRange } from '../git/refs.js';
import type { GitTarget } from '../git/run.js';
import type { DB } from '../history/db.js';
import { isIndexedCommit } from '../history/tables/commits.js';

function mustBeIndexed(db: DB, sha: string, typed: string): void {
  if (isIndexedCommit(db, sha)) return;
  const named = typed === sha ? sha.slice(0, 12) : `'${typed}' (${sha.slice(0, 12)})`;
  throw new StablepickError('NOT_INDEXED', { rev: named, how: 'new' });
}

/** The full id of the indexed commit `expr` names. */
export async function indexedCommit(ctx: { repo: GitTarget; db: DB }, expr: string): Promise<string> {
  const sha = await resolveCommit(ctx.repo, expr.trim());
  mustBeIndexed(ctx.db, sha, expr.trim());
  return sha;
}

/** `expr` as `<full id>..<full id>`, both ends indexed. */
export async function indexedRange(ctx: { repo: GitTarget; db: DB }, expr: string): Promise<string> {
  const spec = expr.trim();
  const { from, to } = await resolveRange(ctx.repo, spec);
  const at = spec.indexOf('..');
  mustBeIndexed(ctx.db, from, spec.slice(0, at) || 'HEAD');
  mustBeIndexed(ctx.db, to, spec.slice(at + 2) || 'HEAD');
  return `${from}..${to}`;
}

/** Whether a command argument is a range rather than one commit. */
export function isRange(expr: string): boolean {
  return expr.includes('..');
}
