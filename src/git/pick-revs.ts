/**
 * Small revision queries of the trial pick: naming a commit, ancestry, and the commits of one side of
 * a fork that touch some paths (with their messages, for upstream markers).
 */
import { runGit, type GitTarget } from './run.js';

export { resolveCommit as resolvePickRevision } from './refs.js';
export { isAncestor as isAncestorOf } from './rev-list.js';

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
