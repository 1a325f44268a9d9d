/**
 * `git grep -w` at a revision, without a checkout: the lines of a tree that name one or more identifiers.
 * Hits stream to a callback in git's order (grouped by file), so a consumer can start on a file while git
 * still searches the others.
 */
import { streamLines, type StreamOptions } from './stream.js';
import { memoized } from './memo.js';
import type { GitTarget } from './run.js';

export interface GrepHit {
  path: string;
  /** 1-based. */
  line: number;
  text: string;
}

export interface GrepOptions {
  /** Pathspecs (default: C sources and headers). */
  pathspecs?: readonly string[];
  /** Ignore case (default false). */
  ignoreCase?: boolean;
}

export const C_PATHSPECS: readonly string[] = ['*.c', '*.h'];

/**
 * Streams every line of `tree` (a commit sha or tree-ish) that holds one of `words` as a whole word
 * (`git grep -w -F`). Resolves when git is done; no match is not an error.
 */
export function streamGrepWords(
  target: GitTarget,
  tree: string,
  words: readonly string[],
  onHit: (hit: GrepHit) => void,
  opts: GrepOptions & Pick<StreamOptions, 'env'> = {},
): Promise<void> {
  if (words.length === 0) return Promise.resolve();
  const args = ['grep', '-w', '-n', '-z', '-I', '-F', '--no-color', '--full-name'];
  if (opts.ignoreCase) args.push('-i');
  for (const w of words) args.push('-e', w);
  args.push(tree, '--', ...(opts.pathspecs ?? C_PATHSPECS));
  const prefix = `${tree}:`;
  return streamLines(
    target,
    args,
    (l) => {
      const a = l.indexOf('\0');
      if (a < 0) return;
      const b = l.indexOf('\0', a + 1);
      if (b < 0) return;
      const where = l.slice(0, a);
      const path = where.startsWith(prefix) ? where.slice(prefix.length) : where.slice(where.indexOf(':') + 1);
      onHit({ path, line: Number(l.slice(a + 1, b)), text: l.slice(b + 1) });
    },
    { okCodes: [1], env: opts.env },
  );
}

const WORD_RUN = /[A-Za-z0-9_]+/g;

/**
 * Whether one of `names` (identifiers) occurs in `text` as `git grep -w` finds words: bounded by
 * characters that are not [A-Za-z0-9_] (the C locale) — the same as one of the line's maximal runs of
 * word characters being that name. So the lines of a grep of some names, kept when they name one of a
 * subset, are the lines of a grep of the subset.
 */
export function hasWholeWord(text: string, names: ReadonlySet<string>): boolean {
  for (const m of text.matchAll(WORD_RUN)) if (names.has(m[0])) return true;
  return false;
}

/** All hits of `words` in `tree`, grouped by path (in git's order). */
export function grepWords(target: GitTarget, tree: string, words: readonly string[], opts: GrepOptions = {}): Promise<Map<string, GrepHit[]>> {
  return memoized(target, [tree], `grepWords\0${opts.ignoreCase ? 'i' : ''}\0${words.join(' ')}\0${(opts.pathspecs ?? C_PATHSPECS).join('\0')}`, () =>
    grepAll(target, tree, words, opts),
  );
}

async function grepAll(target: GitTarget, tree: string, words: readonly string[], opts: GrepOptions): Promise<Map<string, GrepHit[]>> {
  const out = new Map<string, GrepHit[]>();
  await streamGrepWords(
    target,
    tree,
    words,
    (h) => {
      const list = out.get(h.path);
      if (list) list.push(h);
      else out.set(h.path, [h]);
    },
    opts,
  );
  return out;
}
