/**
 * `git grep -E` of one pattern at a revision, without a checkout: the matching lines of a tree, at most
 * `max` of them (git keeps searching, the rest is counted, not kept).
 */
import { streamLines } from './stream.js';
import type { GitTarget } from './run.js';
import { C_PATHSPECS, type GrepHit } from './grep.js';

export interface PatternGrepResult {
  hits: GrepHit[];
  /** Every matching line, also those beyond `max`. */
  total: number;
}

export async function grepPattern(
  target: GitTarget,
  tree: string,
  pattern: string,
  opts: { max: number; ignoreCase?: boolean; pathspecs?: readonly string[] },
): Promise<PatternGrepResult> {
  const args = ['grep', '-n', '-z', '-I', '-E', '--no-color', '--full-name'];
  if (opts.ignoreCase) args.push('-i');
  args.push('-e', pattern, tree, '--', ...(opts.pathspecs?.length ? opts.pathspecs : C_PATHSPECS));
  const prefix = `${tree}:`;
  const hits: GrepHit[] = [];
  let total = 0;
  await streamLines(
    target,
    args,
    (l) => {
      const a = l.indexOf('\0');
      const b = a < 0 ? -1 : l.indexOf('\0', a + 1);
      if (b < 0) return;
      total++;
      if (hits.length >= opts.max) return;
      const where = l.slice(0, a);
      hits.push({
        path: where.startsWith(prefix) ? where.slice(prefix.length) : where.slice(where.indexOf(':') + 1),
        line: Number(l.slice(a + 1, b)),
        text: l.slice(b + 1),
      });
    },
    { okCodes: [1] },
  );
  return { hits, total };
}
