/**
 * New symbols: identifiers a patch starts using (functions, macros, struct fields, config options) that
 * the branch's tree does not have anywhere, and the upstream commit that introduced each (`git log -S`
 * over the commits the branch lacks).
 */
import type { FileDiff } from '../../git/diff.js';
import { grepWords, type GrepHit } from '../../git/grep.js';
import { wordsPresent } from '../../git/grep-present.js';
import { pickaxeCommits } from '../../git/pickaxe.js';
import { mapBounded } from './bounded.js';
import { literalPathspec, treeDiffPaths } from '../../git/tree-diff-paths.js';
import type { BlobReader } from '../../git/show.js';
import type { AnalysisContext } from '../fixes/types.js';
import type { SymbolEvidence } from './types.js';

const KEYWORDS = new Set(
  (
    'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
    '_Bool _Complex _Atomic _Static_assert _Noreturn _Thread_local bool true false NULL define include ifdef ifndef endif elif undef pragma error warning defined ' +
    'uint8_t uint16_t uint32_t uint64_t int8_t int16_t int32_t int64_t size_t ssize_t uintptr_t intptr_t u8 u16 u32 u64 s8 s16 s32 s64 __u8 __u16 __u32 __u64 __le16 __le32 __le64 __be16 __be32 __be64 ' +
    'likely unlikely typeof __typeof__ asm __asm__ __attribute__ __inline__ __func__ __FILE__ __LINE__'
  ).split(' '),
);

/** Keywords and builtins of the other languages whose files the rule reads: never "new symbols". */
const OTHER_KEYWORDS = new Set(
  (
    'import from def class self None True False elif lambda with yield async await print str len range dict list set tuple pass raise try except finally not and or is as global nonlocal assert del object super isinstance ' +
    'function let var new this undefined instanceof export package func type impl pub mut use crate mod match loop where trait Self string interface map chan defer select go fmt err nil make append ' +
    'public private protected final abstract extends implements throws throw catch boolean byte'
  ).split(' '),
);

function keywordsFor(path: string): ReadonlySet<string> | null {
  return /\.(c|h|S|s)$|(^|\/)Kconfig[^/]*$/.test(path) ? null : OTHER_KEYWORDS;
}

/** Identifiers of a line of C-like code, comments and string literals removed (and `extra` words). */
export function identifiers(line: string, extra: ReadonlySet<string> | null = null): string[] {
  const code = line
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\/\*.*?\*\//g, ' ')
    .replace(/\/\/.*$/, ' ')
    .replace(/\/\*.*$/, ' ')
    .replace(/^\s*\*.*$/, ' ');
  return (
    code.match(/\b[A-Za-z_][A-Za-z0-9_]*\b/g)?.filter((w) => w.length >= 3 && !KEYWORDS.has(w) && !extra?.has(w) && !/^\d/.test(w) && !/^0x/i.test(w)) ?? []
  );
}

function kindOf(name: string, text: string): SymbolEvidence['kind'] {
  if (/^CONFIG_/.test(name)) return 'config';
  const esc = name.replace(/[$]/g, '\\$');
  if (new RegExp(`(->|\\.)\\s*${esc}\\b`).test(text)) return 'field';
  if (/^[A-Z][A-Z0-9_]+$/.test(name)) return 'macro';
  if (new RegExp(`\\b${esc}\\s*\\(`).test(text)) return 'function';
  return 'identifier';
}

const CODE_FILE = /\.(c|h|cc|cpp|hh|hpp|cxx|S|s|py|rs|go|js|ts|java)$|(^|\/)Kconfig[^/]*$/;

export interface NewSymbols {
  /** Introducer commit → the symbols it introduced that the candidate uses. */
  byIntroducer: Map<string, SymbolEvidence[]>;
  /** Used, absent from the branch, and not introduced by an earlier upstream commit (the patch defines them). */
  selfDefined: string[];
}

export async function newSymbols(
  ctx: AnalysisContext,
  files: readonly FileDiff[],
  parent: string,
  branchTip: string,
  reader: BlobReader,
  opts: { max?: number } = {},
): Promise<NewSymbols> {
  const used = new Map<string, SymbolEvidence>();
  const removedIds = new Set<string>();
  const exts = new Set<string>(['*.c', '*.h']);
  for (const f of files) {
    const p = f.newPath ?? f.oldPath;
    if (!p || f.binary || !CODE_FILE.test(p)) continue;
    const ext = /\.([A-Za-z0-9]+)$/.exec(p)?.[1];
    exts.add(ext ? `*.${ext}` : '*Kconfig*');
    for (const h of f.hunks) for (const l of h.removed) for (const w of identifiers(l, keywordsFor(p))) removedIds.add(w);
  }
  for (const f of files) {
    const p = f.newPath;
    if (!p || f.binary || !CODE_FILE.test(p)) continue;
    for (const h of f.hunks) {
      h.added.forEach((l, i) => {
        for (const w of identifiers(l, keywordsFor(p))) {
          if (removedIds.has(w) || used.has(w)) continue;
          used.set(w, { name: w, kind: kindOf(w, l), path: p, line: h.newStart + i, text: l.trim(), missingIn: branchTip });
        }
      });
    }
  }
  if (!used.size) return { byIntroducer: new Map(), selfDefined: [] };
  // Drop what the branch's versions of the touched files already mention (cheap, and most names).
  for (const f of files) {
    const p = f.oldPath ?? f.newPath;
    if (!p) continue;
    const text = await reader.readText(branchTip, p);
    if (!text) continue;
    for (const w of text.match(/\b[A-Za-z_][A-Za-z0-9_]*\b/g) ?? []) used.delete(w);
    if (!used.size) return { byIntroducer: new Map(), selfDefined: [] };
  }
  const names = [...used.keys()].slice(0, opts.max ?? 60);
  const present = await wordsPresent(ctx.repo, branchTip, names, [...exts]);
  const missing = names.filter((n) => !present.has(n));
  const byIntroducer = new Map<string, SymbolEvidence[]>();
  const selfDefined: string[] = [];
  // Names the parent's tree lacks are the patch's own; the others came from an upstream commit the branch
  // lacks: `git log -S` limited to the files that mention the name at the parent.
  const atParent = missing.length ? await grepMissingAtParent(ctx, parent, branchTip, missing, [...exts]) : new Map<string, GrepHit[]>();
  const filesOf = new Map<string, string[]>();
  for (const [path, hits] of atParent) {
    for (const n of missing) {
      if (!hits.some((h) => new RegExp(`\\b${n}\\b`).test(h.text))) continue;
      const l = filesOf.get(n);
      if (l) l.push(path);
      else filesOf.set(n, [path]);
    }
  }
  // The `git log -S` of the names run a few at a time; their answers are taken in the names' order.
  const named = missing.slice(0, 20);
  const introducers = await mapBounded(named, PICKAXE_LANES, async (n) => {
    const paths = filesOf.get(n);
    if (!paths) return undefined;
    const shas = await pickaxeCommits(ctx.repo, n, parent, [branchTip], paths.slice(0, 20));
    return shas[shas.length - 1];
  });
  for (const [i, n] of named.entries()) {
    const intro = introducers[i];
    if (!intro) {
      selfDefined.push(n);
      continue;
    }
    const l = byIntroducer.get(intro);
    if (l) l.push(used.get(n)!);
    else byIntroducer.set(intro, [used.get(n)!]);
  }
  return { byIntroducer, selfDefined };
}

/** `git log -S` searches run at once for one commit's new symbols. */
const PICKAXE_LANES = 3;

/** Above this many differing files the parent's whole tree is searched (one long command line is no gain). */
const MAX_DIFFERING_PATHS = 4000;

/**
 * The lines of the parent's tree that name `missing` (names no file of the branch tip has). A file whose
 * blob is the same at the tip and at the parent cannot name them, so only the files that differ between
 * the two trees are searched: the same hits as a search of the parent's whole tree, for a fraction of it.
 */
async function grepMissingAtParent(
  ctx: AnalysisContext,
  parent: string,
  branchTip: string,
  missing: readonly string[],
  pathspecs: readonly string[],
): Promise<Map<string, GrepHit[]>> {
  const differing = await treeDiffPaths(ctx.repo, branchTip, parent, pathspecs);
  if (!differing.length) return new Map();
  const only = differing.length <= MAX_DIFFERING_PATHS ? differing.map(literalPathspec) : pathspecs;
  return grepWords(ctx.repo, parent, missing, { pathspecs: only });
}
