/**
 * Small revision queries of the trial pick: naming a commit, ancestry, and the commits of one side of
 * a fork that touch some paths (with their messages, for upstream markers).
 */
import { StablepickError } from '../errors.js';
import { runGit, type GitTarget } from './run.js';

/** The full id of the commit `rev` names (branch, tag, id, any revision expression). */
export async function resolvePickRevision(target: GitTarget, rev: string): Promise<string> {
  if (!rev || rev.startsWith('-')) throw new StablepickError('BAD_ARGUMENT', `not a revision: ${JSON.stringify(rev)}`, 'give a commit id, branch or tag');
  const r = await runGit(target, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { okCodes: [1, 128] });
  const sha = r.stdout.toString('utf8').trim();
  if (r.code !== 0 || !sha) {
    throw new StablepickError('UNKNOWN_REVISION', `${rev} does not name a commit in this repository`, 'check the name (git rev-parse must know it)');
  }
  return sha;
}

/** Whether `ancestor` is reachable from `descendant`. */
export async function isAncestorOf(target: GitTarget, ancestor: string, descendant: string): Promise<boolean> {
  const r = await runGit(target, ['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [1] });
  return r.code === 0;
}

export interface CommitWithMessage {
  sha: string;
  message: string;
}

/**
 * Non-merge commits reachable from `from` and not from any of `exclude`, that touch one of `paths`
 * (all commits if `paths` is empty), newest first, at most `limit`.
 */
export async function commitsTouching(
  target: GitTarget,
  from: string,
  exclude: readonly string[],
  paths: readonly string[],
  limit = 200,
): Promise<CommitWithMessage[]> {
  const args = ['log', '--no-merges', `--max-count=${limit}`, '--format=%H%x00%B%x1e', from, ...exclude.map((e) => `^${e}`)];
  if (paths.length) args.push('--', ...paths);
  const r = await runGit(target, args);
  const out: CommitWithMessage[] = [];
  for (const rec of r.stdout.toString('utf8').split('\x1e')) {
    const t = rec.replace(/^\n+/, '');
    const nul = t.indexOf('\0');
    if (nul < 0) continue;
    out.push({ sha: t.slice(0, nul), message: t.slice(nul + 1) });
  }
  return out;
}
