/**
 * Which of a list of words occur anywhere in a tree (`git grep -o -h -w -F`), without a checkout: the
 * dependency stage asks whether identifiers a patch uses exist in a stable branch at all.
 */
import { memoized } from './memo.js';
import type { GitTarget } from './run.js';
import { streamLines } from './stream.js';

/** The subset of `words` that occur as whole words in `tree` (files matching `pathspecs`; default all). */
export function wordsPresent(target: GitTarget, tree: string, words: readonly string[], pathspecs: readonly string[] = []): Promise<Set<string>> {
  return memoized(target, [tree], `wordsPresent\0${words.join(' ')}\0${pathspecs.join('\0')}`, () => present(target, tree, words, pathspecs));
}

async function present(target: GitTarget, tree: string, words: readonly string[], pathspecs: readonly string[]): Promise<Set<string>> {
  const want = new Set(words);
  const found = new Set<string>();
  if (!want.size) return found;
  // Many fixed strings make git grep's matcher slow down faster than linearly (a 60-word grep over a
  // large tree took minutes, bench/report/RESULTS.md); one alternation does the same work in a pass.
  const args = ['grep', '-o', '-h', '-w', '-I', '--no-color'];
  if (want.size <= 3) {
    args.push('-F');
    for (const w of want) args.push('-e', w);
  } else {
    args.push('-E', '-e', `(${[...want].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`);
  }
  args.push(tree, '--', ...pathspecs);
  await streamLines(
    target,
    args,
    (l) => {
      if (want.has(l)) found.add(l);
    },
    { okCodes: [1] },
  );
  return found;
}
