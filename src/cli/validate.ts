/**
 * Options that name a branch, a person or an address are checked before anything is written: a typo is
 * an error with a non-zero exit, never a decision for a branch that does not exist or an address that
 * was silently changed.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { StablepickError } from '../errors.js';
import { runGit, type GitTarget } from '../git/run.js';
import type { DB } from '../history/db.js';
import { parseMailbox } from '../report/mail/headers.js';
import { branchNamed, branchNames } from '../history/tables/branches.js';

/** Throws unless `name` is a branch the index knows or a branch (local or remote-tracking) git knows. */
export async function mustBeBranch(ctx: { repo: GitTarget; db: DB }, name: string, option = '--branch'): Promise<void> {
  if (branchNamed(ctx.db, name) !== undefined) return;
  if (name && !name.startsWith('-') && !/[\0\n]/.test(name)) {
    const refs = await runGit(ctx.repo, ['for-each-ref', '--format=%(refname)', `refs/heads/${name}`, `refs/remotes/${name}`, `refs/remotes/*/${name}`], {
      okCodes: [1],
    });
    if (refs.stdout.toString('utf8').trim()) return;
  }
  const known = branchNames(ctx.db).slice(0, 6);
  throw new StablepickError('UNKNOWN_BRANCH', { branch: name, scope: 'repository', known, option, more: known.length === 6 });
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\0-\x1f\x7f]/;

/** A mail address option (`--to`, `--cc`, `--from`): refused with a line break, a control character or no address in it. */
export function addressOption(value: string, option: string): string {
  if (CONTROL.test(value)) throw new StablepickError('BAD_ADDRESS', { value, field: option, why: 'control' });
  try {
    parseMailbox(value);
  } catch {
    throw new StablepickError('BAD_ADDRESS', { value, field: option, why: 'not-an-address' });
  }
  return value.trim();
}

/** Who decides (`--who`): "Name <user@example.org>", nothing else. */
export function identityOption(value: string, option = '--who'): string {
  const v = value.trim();
  if (CONTROL.test(value) || !/^[^<>]*\S[^<>]*<[^<>\s]+>$/.test(v)) {
    throw new StablepickError('BAD_ADDRESS', { value, field: option, why: 'not-name-email' });
  }
  addressOption(v, option);
  return v;
}

/** The real path of `p`, through its nearest existing ancestor when it does not exist yet. */
function realPathOf(p: string): string {
  let head = path.resolve(p);
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = path.dirname(head);
      if (parent === head) return path.resolve(p);
      tail.push(path.basename(head));
      head = parent;
    }
  }
}

/**
 * An output path (`--out`, `--out-dir`, `--patch-dir`): refused inside the work tree or the git
 * directory, whoever names it, as `review export` always did (docs/cli.md, "Where stablepick writes").
 * Returns its real path.
 */
export function outsideRepository(repo: { workTree?: string | undefined; gitDir: string; commonDir?: string }, p: string, option: string): string {
  const out = realPathOf(p);
  for (const dir of [repo.workTree, repo.gitDir, repo.commonDir]) {
    if (!dir) continue;
    const d = realPathOf(dir);
    if (out === d || out.startsWith(`${d}${path.sep}`)) {
      throw new StablepickError('BAD_OUTPUT', {
        path: out,
        option,
        why: 'inside-repository',
        fix: 'stablepick never writes into the repository: give a path outside it',
      });
    }
  }
  return out;
}
