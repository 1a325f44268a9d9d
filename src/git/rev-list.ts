/** Walking the commit graph with `git rev-list` and asking ancestry questions. */
import { runGit, type GitTarget } from './run.js';
import { streamLines } from './stream.js';

/**
 * Every commit reachable from the positive revisions and not from the negative ones ('^x'). Revisions go
 * through standard input, so any number fits; `extra` goes on the command line before them (e.g.
 * ['--not', '--all'] to exclude everything a ref reaches — it does not apply to the stdin revisions).
 * Missing revisions are ignored.
 */
export async function revList(target: GitTarget, revs: readonly string[], extra: readonly string[] = []): Promise<string[]> {
  const out: string[] = [];
  await streamLines(
    target,
    ['rev-list', '--ignore-missing', ...extra, '--stdin'],
    (l) => {
      if (l) out.push(l);
    },
    { input: `${revs.join('\n')}\n`, env: { GIT_FLUSH: '0' } },
  );
  return out;
}

/** Whether `ancestor` is reachable from `descendant` (a commit is its own ancestor). */
export async function isAncestor(target: GitTarget, ancestor: string, descendant: string): Promise<boolean> {
  const r = await runGit(target, ['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [1] });
  return r.code === 0;
}
