/**
 * The paths whose blobs differ between two trees (`git diff-tree -r --name-only --no-renames`), limited
 * by pathspecs: a search that needs only the files one tree has and the other lacks reads these alone.
 */
import { memoized } from './memo.js';
import { runGit, type GitTarget } from './run.js';

/** Paths (matching `pathspecs`) that are added, deleted or changed between tree-ishes `a` and `b`. */
export function treeDiffPaths(target: GitTarget, a: string, b: string, pathspecs: readonly string[] = []): Promise<string[]> {
  return memoized(target, [a, b], `treeDiffPaths\0${pathspecs.join('\0')}`, () => diffPaths(target, a, b, pathspecs));
}

async function diffPaths(target: GitTarget, a: string, b: string, pathspecs: readonly string[]): Promise<string[]> {
  const r = await runGit(target, ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--no-ext-diff', a, b, '--', ...pathspecs]);
  return r.stdout
    .toString('utf8')
    .split('\0')
    .filter((p) => p !== '');
}

/** A path as a pathspec that matches that path only (no glob, no magic). */
export function literalPathspec(path: string): string {
  return `:(literal)${path}`;
}
