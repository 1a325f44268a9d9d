/**
 * The search every code question starts from: `git grep -w` for some identifiers at a revision, then the
 * files that name them read from git (no checkout) and parsed around the lines that matched, while git is
 * still searching. One BlobReader and one parser serve a whole session of questions.
 */
import { C_PATHSPECS, streamGrepWords, type GrepHit } from '../../git/grep.js';
import type { GitTarget } from '../../git/run.js';
import { BlobReader } from '../../git/show.js';
import { loadCParser, type CParser } from './parse-c.js';
import type { CFileFacts } from './types.js';

export interface CodeContext {
  readonly target: GitTarget;
  readonly reader: BlobReader;
  readonly parser: CParser;
  close(): void;
}

export async function openCodeContext(target: GitTarget): Promise<CodeContext> {
  const parser = await loadCParser();
  const reader = new BlobReader(target);
  return { target, reader, parser, close: () => reader.close() };
}

export interface ScanFile {
  path: string;
  hits: GrepHit[];
  /** Null for files that are not C (e.g. DPDK's version.map). */
  facts: CFileFacts | null;
}

export interface ScanOptions {
  /** Extra pathspecs beyond `*.c` and `*.h` (their hits are returned unparsed). */
  extraPathspecs?: readonly string[];
  /** Record uses of the names as values (function pointers), not only calls and definitions. */
  refs?: boolean;
  /**
   * Where the hits come from instead of this call's own `git grep -w`: a search shared with other
   * questions that must hand over exactly the lines that grep would print, in git's order.
   */
  source?: HitSource;
}

/** Streams the hits of `git grep -w` of some names (with the pathspecs it is given) to `onHit`. */
export type HitSource = (names: readonly string[], pathspecs: readonly string[], onHit: (hit: GrepHit) => void) => Promise<void>;

/** Greps `names` in `sha` and parses the regions of every C file around its hits. */
export async function scanNames(ctx: CodeContext, sha: string, names: readonly string[], opts: ScanOptions = {}): Promise<ScanFile[]> {
  const refSet = opts.refs ? new Set(names) : undefined;
  const out: Array<Promise<ScanFile>> = [];
  let curPath: string | null = null;
  let curHits: GrepHit[] = [];
  const flush = (): void => {
    if (curPath === null) return;
    const path = curPath;
    const hits = curHits;
    if (!/\.[ch]$/.test(path)) {
      out.push(Promise.resolve({ path, hits, facts: null }));
    } else {
      out.push(
        ctx.reader.read(sha, path).then((buf) => {
          if (!buf) return { path, hits, facts: null };
          const opt: { lines: number[]; refs?: ReadonlySet<string> } = { lines: hits.map((h) => h.line) };
          if (refSet) opt.refs = refSet;
          return { path, hits, facts: ctx.parser.parse(buf.toString('utf8'), opt) };
        }),
      );
    }
    curPath = null;
    curHits = [];
  };
  const onHit = (h: GrepHit): void => {
    if (h.path !== curPath) {
      flush();
      curPath = h.path;
    }
    curHits.push(h);
  };
  const pathspecs = [...C_PATHSPECS, ...(opts.extraPathspecs ?? [])];
  await (opts.source ? opts.source(names, pathspecs, onHit) : streamGrepWords(ctx.target, sha, names, onHit, { pathspecs }));
  flush();
  return Promise.all(out);
}
