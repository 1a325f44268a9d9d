/**
 * The functions (and macros, types, globals) a commit changes. Every zero-context hunk of the commit's
 * diff against its first parent is mapped to the item it sits in: removed lines at the parent, added
 * lines at the commit. An item found on both sides is `modified`, on the commit's side only `added`, on
 * the parent's side only `removed`; an added function whose body matches a removed one is a rename.
 */
import type { GitTarget } from '../../git/run.js';
import { commitDiff, type FileDiff } from '../../git/diff.js';
import { BlobReader, resolveCommit } from '../../git/show.js';
import { loadCParser, type CParser } from './parse-c.js';
import type { CFileFacts, CItem, ItemKind } from './types.js';
import { memoized } from '../../git/memo.js';

export type TouchedKind = ItemKind | 'file-scope' | 'file';

export interface TouchedItem {
  /** Null for file-scope lines (includes, comments between items) and non-C files. */
  name: string | null;
  kind: TouchedKind;
  change: 'modified' | 'added' | 'removed';
  path: string;
  /** The path at the parent when the file was renamed. */
  oldPath?: string;
  linesAdded: number;
  linesRemoved: number;
  /** Where the item is at the parent (absent for an added item). */
  before?: { startLine: number; endLine: number };
  /** Where the item is at the commit (absent for a removed item). */
  after?: { startLine: number; endLine: number };
  renamedFrom?: string;
  renamedTo?: string;
  /** For functions: static / inline / attributes (at the commit, or the parent for a removed one). */
  isStatic?: boolean;
  isInline?: boolean;
  attributes?: string[];
}

export interface TouchedFile {
  path: string;
  oldPath: string | null;
  status: FileDiff['status'];
  isC: boolean;
  linesAdded: number;
  linesRemoved: number;
}

/** One zero-context hunk and the items its lines sit in (evidence for each TouchedItem). */
export interface TouchedHunk {
  path: string;
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** git's own guess (the hunk header's function context), for comparison. */
  gitHeader: string;
  /** `kind name` of every item a removed or added line sits in; `file-scope` for lines outside any item. */
  items: string[];
}

export interface TouchedResult {
  sha: string;
  parent: string | null;
  files: TouchedFile[];
  items: TouchedItem[];
  hunks: TouchedHunk[];
}

export interface TouchedOptions {
  /** Reuse a reader across calls (the caller closes it). */
  reader?: BlobReader;
  parser?: CParser;
}

function isCPath(p: string): boolean {
  return /\.(c|h)$/i.test(p);
}

/** Which top-level item a line sits in: the innermost, functions before everything else. */
const KIND_RANK: Record<ItemKind, number> = { function: 0, macro: 1, struct: 2, union: 2, enum: 2, typedef: 3, global: 4, prototype: 5 };

export function itemAt(items: readonly CItem[], line: number): CItem | null {
  let best: CItem | null = null;
  for (const it of items) {
    if (it.startLine > line || it.endLine < line) continue;
    if (!best) {
      best = it;
      continue;
    }
    const rb = KIND_RANK[best.kind];
    const ri = KIND_RANK[it.kind];
    if (ri < rb || (ri === rb && it.endLine - it.startLine < best.endLine - best.startLine)) best = it;
  }
  return best;
}

interface Side {
  text: string;
  facts: CFileFacts;
  whole: boolean;
}

function range(start: number, count: number, out: number[] = []): number[] {
  // Appends one by one: `push(...range())` of a 200,000-line hunk overflows the stack.
  for (let i = 0; i < count; i++) out.push(start + i);
  return out;
}

function dice(a: readonly string[], b: readonly string[]): number {
  const norm = (xs: readonly string[]): string[] => xs.map((x) => x.trim()).filter((x) => x.length > 1);
  const A = norm(a);
  const B = norm(b);
  if (!A.length || !B.length) return 0;
  const bag = new Map<string, number>();
  for (const x of A) bag.set(x, (bag.get(x) ?? 0) + 1);
  let common = 0;
  for (const x of B) {
    const k = bag.get(x) ?? 0;
    if (k > 0) {
      common++;
      bag.set(x, k - 1);
    }
  }
  return (2 * common) / (A.length + B.length);
}

/** The items a commit touches. `rev` may be any name of a commit. */
export async function touched(target: GitTarget, rev: string, opts: TouchedOptions = {}): Promise<TouchedResult> {
  const sha = await resolveCommit(target, rev);
  // A function of the commit's objects only: kept between questions when the repository's memo is on.
  return memoized(target, [sha], 'touched', () => touchedAt(target, sha, opts));
}

async function touchedAt(target: GitTarget, sha: string, opts: TouchedOptions): Promise<TouchedResult> {
  const diff = await commitDiff(target, sha);
  const parser = opts.parser ?? (await loadCParser());
  const reader = opts.reader ?? new BlobReader(target);
  try {
    const files: TouchedFile[] = [];
    const items: TouchedItem[] = [];
    const hunks: TouchedHunk[] = [];
    for (const f of diff.files) {
      const path = f.newPath ?? f.oldPath ?? '';
      const added = f.hunks.reduce((s, h) => s + h.newCount, 0);
      const removed = f.hunks.reduce((s, h) => s + h.oldCount, 0);
      const isC = isCPath(path) && !f.binary;
      files.push({ path, oldPath: f.oldPath, status: f.status, isC, linesAdded: added, linesRemoved: removed });
      if (!isC) {
        if (added || removed || f.status !== 'modified') {
          const change = f.status === 'added' ? 'added' : f.status === 'deleted' ? 'removed' : 'modified';
          const it: TouchedItem = { name: null, kind: 'file', change, path, linesAdded: added, linesRemoved: removed };
          if (f.oldPath && f.oldPath !== path) it.oldPath = f.oldPath;
          items.push(it);
        }
        continue;
      }
      for (const it of await touchedInFile(f, diff.parent, sha, reader, parser, hunks)) items.push(it);
    }
    return { sha, parent: diff.parent, files, items, hunks };
  } finally {
    if (!opts.reader) reader.close();
  }
}

async function touchedInFile(
  f: FileDiff,
  parent: string | null,
  sha: string,
  reader: BlobReader,
  parser: CParser,
  hunksOut: TouchedHunk[],
): Promise<TouchedItem[]> {
  const path = f.newPath ?? f.oldPath ?? '';
  const oldText = f.oldPath && parent ? await reader.readText(parent, f.oldPath) : null;
  const newText = f.newPath ? await reader.readText(sha, f.newPath) : null;
  const oldWanted: number[] = [];
  const newWanted: number[] = [];
  for (const h of f.hunks) {
    if (h.oldCount) range(h.oldStart, h.oldCount, oldWanted);
    else oldWanted.push(h.oldStart, h.oldStart + 1);
    if (h.newCount) range(h.newStart, h.newCount, newWanted);
    else newWanted.push(h.newStart, h.newStart + 1);
  }
  const parse = (text: string | null, wanted: number[]): Side | null =>
    text === null ? null : { text, facts: parser.parse(text, { lines: wanted }), whole: false };
  const oldSide = parse(oldText, oldWanted);
  const newSide = parse(newText, newWanted);
  const wholeOf = (s: Side): void => {
    if (!s.whole) s.facts = parser.parse(s.text);
    s.whole = true;
  };

  interface Acc {
    name: string | null;
    kind: TouchedKind;
    added: number;
    removed: number;
    before?: CItem;
    after?: CItem;
  }
  const acc = new Map<string, Acc>();
  const keyOf = (it: CItem | null): string => (it ? `${it.kind}\0${it.name}` : 'file-scope');
  const get = (it: CItem | null): Acc => {
    const k = keyOf(it);
    let a = acc.get(k);
    if (!a) {
      a = { name: it?.name ?? null, kind: it?.kind ?? 'file-scope', added: 0, removed: 0 };
      acc.set(k, a);
    }
    return a;
  };
  for (const h of f.hunks) {
    const names = new Set<string>();
    const label = (it: CItem | null): string => (it ? `${it.kind} ${it.name}` : 'file-scope');
    if (oldSide) {
      for (const l of range(h.oldStart, h.oldCount)) {
        const it = itemAt(oldSide.facts.items, l);
        names.add(label(it));
        const a = get(it);
        a.removed++;
        if (it && !a.before) a.before = it;
      }
    }
    if (newSide) {
      for (const l of range(h.newStart, h.newCount)) {
        const it = itemAt(newSide.facts.items, l);
        names.add(label(it));
        const a = get(it);
        a.added++;
        if (it && !a.after) a.after = it;
      }
    }
    hunksOut.push({ path, oldStart: h.oldStart, oldCount: h.oldCount, newStart: h.newStart, newCount: h.newCount, gitHeader: h.header, items: [...names] });
  }
  // Find each item's counterpart on the other side (parse the whole file there if the regions missed it).
  const find = (s: Side | null, a: Acc): CItem | undefined => {
    if (!s || a.name === null) return undefined;
    const look = (): CItem | undefined => s.facts.items.find((x) => x.kind === a.kind && x.name === a.name);
    let hit = look();
    if (!hit && !s.whole) {
      wholeOf(s);
      hit = look();
    }
    return hit;
  };
  // An item's name is taken from the source text (an identifier; the parser's own '<anonymous>' aside), so
  // a side whose text names none of the items looked up there cannot have them: its whole parse would
  // find nothing (and no other lookup reads it), so it is skipped.
  const canHave = (text: string, name: string): boolean => !/^[A-Za-z_]\w*$/.test(name) || text.includes(name);
  const lookedUp = (s: Side | null, side: 'before' | 'after'): boolean =>
    s !== null && [...acc.values()].some((a) => a.name !== null && !a[side] && canHave(s.text, a.name));
  const oldLook = lookedUp(oldSide, 'before') ? oldSide : null;
  const newLook = lookedUp(newSide, 'after') ? newSide : null;
  for (const a of acc.values()) {
    if (a.name === null) continue;
    if (!a.before) a.before = find(oldLook, a);
    if (!a.after) a.after = find(newLook, a);
  }

  const out: TouchedItem[] = [];
  for (const a of acc.values()) {
    const change: TouchedItem['change'] =
      a.name === null
        ? f.status === 'added'
          ? 'added'
          : f.status === 'deleted'
            ? 'removed'
            : 'modified'
        : a.before && a.after
          ? 'modified'
          : a.after
            ? 'added'
            : 'removed';
    const it: TouchedItem = { name: a.name, kind: a.kind, change, path, linesAdded: a.added, linesRemoved: a.removed };
    if (f.oldPath && f.oldPath !== path) it.oldPath = f.oldPath;
    if (a.before) it.before = { startLine: a.before.startLine, endLine: a.before.endLine };
    if (a.after) it.after = { startLine: a.after.startLine, endLine: a.after.endLine };
    const ref = a.after ?? a.before;
    if (ref?.kind === 'function') {
      it.isStatic = ref.isStatic ?? false;
      it.isInline = ref.isInline ?? false;
      if (ref.attributes) it.attributes = ref.attributes;
    }
    out.push(it);
  }
  // Renames: an added function whose body is close to a removed one's.
  const linesOf = (text: string, r: { startLine: number; endLine: number }): string[] => text.split('\n').slice(r.startLine, r.endLine);
  const addedFns = out.filter((x) => x.change === 'added' && x.kind === 'function' && x.after);
  const removedFns = out.filter((x) => x.change === 'removed' && x.kind === 'function' && x.before);
  for (const ad of addedFns) {
    let best: { r: TouchedItem; score: number } | null = null;
    for (const rm of removedFns) {
      if (rm.renamedTo || !oldText || !newText || !ad.after || !rm.before) continue;
      const score = dice(linesOf(oldText, rm.before), linesOf(newText, ad.after));
      if (score >= 0.6 && (!best || score > best.score)) best = { r: rm, score };
    }
    if (best && best.r.name && ad.name) {
      ad.renamedFrom = best.r.name;
      best.r.renamedTo = ad.name;
    }
  }
  out.sort((x, y) => (x.after?.startLine ?? x.before?.startLine ?? 0) - (y.after?.startLine ?? y.before?.startLine ?? 0));
  return out;
}
