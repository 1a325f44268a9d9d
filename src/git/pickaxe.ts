/**
 * `git log -S<word>` over a range: the commits that changed how often a string occurs (added or removed
 * it), newest first. Used to find the upstream commit that introduced an identifier a patch uses.
 */
import { memoized } from './memo.js';
import { runGit, type GitTarget } from './run.js';

/** Commits of `rev` not reachable from any of `exclude` whose patch changes the count of `word`. */
export function pickaxeCommits(
  target: GitTarget,
  word: string,
  rev: string,
  exclude: readonly string[] = [],
  paths: readonly string[] = [],
): Promise<string[]> {
  return memoized(target, [rev, ...exclude], `pickaxe\0${word}\0${paths.join('\0')}`, () => pickaxe(target, word, rev, exclude, paths));
}

async function pickaxe(target: GitTarget, word: string, rev: string, exclude: readonly string[], paths: readonly string[]): Promise<string[]> {
  const args = ['log', '--format=%H', '--no-merges', `-S${word}`, rev, ...exclude.map((e) => `^${e}`), '--', ...paths];
  const r = await runGit(target, args);
  return r.stdout
    .toString('utf8')
    .split('\n')
    .filter((l) => /^[0-9a-f]{40,64}$/.test(l));
}
