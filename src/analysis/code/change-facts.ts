/**
 * What a commit does, per function: the changed lines of each function the tree-sitter parse places them
 * in (touched.ts), read for the patterns a stable reviewer looks for — guards (NULL, bounds, state),
 * error paths, lock/unlock, RCU, refcounts, allocations and frees, assertions — plus the calls that move
 * from one function to another, the calls that move inside a function past a check, and file-scope
 * variables that change storage (a static pointer replaced by a per-CPU variable, a fixed array by an
 * allocation). Every fact is a diff line with its path, line and revision, so it can be checked.
 * Patterns are matched on the line's text: the fact says what the line is, not what it means.
 */
import type { CommitDiff } from '../../git/diff.js';
import type { BlobReader } from '../../git/show.js';
import type { TouchedResult } from './touched.js';

export type PatternKind = 'null-check' | 'bounds-check' | 'state-check' | 'error-path' | 'lock' | 'unlock' | 'rcu' | 'refcount' | 'alloc' | 'free' | 'assert';

export interface DiffLine {
  path: string;
  line: number;
  /** The commit for added lines, its parent for removed ones. */
  rev: string;
  text: string;
}

export interface PatternHit extends DiffLine {
  kind: PatternKind;
  side: 'added' | 'removed';
  /** The call or condition that matched (`kvzalloc_node`, `!pseqs_pcpu`). */
  what: string;
}

export interface FunctionChange {
  name: string;
  path: string;
  change: 'modified' | 'added' | 'removed';
  removed: DiffLine[];
  added: DiffLine[];
  callsAdded: string[];
  callsRemoved: string[];
  patterns: PatternHit[];
}

/** A call (or an allocation/free/lock) that left one function and appears in another. */
export interface MovedCall {
  what: string;
  kind: 'call' | PatternKind;
  from: string;
  to: string;
  removed: DiffLine;
  added: DiffLine;
  /** When `to` reaches it through a function this commit adds: that function. */
  via?: string;
}

/** A call removed and added again in the same function: its new place follows `after`. */
export interface ReorderedCall {
  function: string;
  callee: string;
  removed: DiffLine;
  added: DiffLine;
  /** An unchanged line the call came before and now comes after. */
  after: DiffLine | null;
}

export interface StorageChange {
  removed: DiffLine;
  added: DiffLine;
  from: string;
  to: string;
}

/** A type, macro or variable the commit adds, removes or changes (from the parse). */
export interface OtherChange {
  name: string;
  kind: string;
  change: 'modified' | 'added' | 'removed';
  at: DiffLine;
}

export interface ChangeFacts {
  functions: FunctionChange[];
  others: OtherChange[];
  moved: MovedCall[];
  reordered: ReorderedCall[];
  storage: StorageChange[];
}

const KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'sizeof',
  'case',
  'do',
  'else',
  'goto',
  '__alignof__',
  'alignof',
  'typeof',
  '__typeof__',
  'defined',
  'unlikely',
  'likely',
  'offsetof',
]);

const ALLOC =
  /\b((?:devm_)?k[mvz]?z?alloc\w*|kvzalloc\w*|kcalloc\w*|kmalloc_array\w*|vz?alloc\w*|__alloc_percpu\w*|alloc_percpu\w*|kmem_cache_z?alloc\w*|kstrdup|kmemdup|malloc|calloc|realloc|strdup|rte_[mzc]*alloc\w*|rte_calloc\w*|xz?alloc\w*|xmalloc\w*|xzalloc\w*|g_malloc0?|g_new0?)\s*\(/;
const FREE = /\b(kv?free(?:_rcu|_sensitive)?|vfree|free_percpu|kmem_cache_free|free|rte_free|xfree|XFREE|g_free)\s*\(/;
const LOCK =
  /\b((?:raw_)?spin_lock\w*|mutex_lock\w*|read_lock\w*|write_lock\w*|down_(?:read|write)\w*|down|rte_spinlock_lock|rte_rwlock_\w*_lock|pthread_mutex_lock|spin_trylock\w*|mutex_trylock)\s*\(/;
const UNLOCK =
  /\b((?:raw_)?spin_unlock\w*|mutex_unlock|read_unlock\w*|write_unlock\w*|up_(?:read|write)|up|rte_spinlock_unlock|rte_rwlock_\w*_unlock|pthread_mutex_unlock)\s*\(/;
const RCU =
  /\b(rcu_read_(?:un)?lock\w*|rcu_dereference\w*|rcu_assign_pointer|rcu_replace_pointer|rcu_access_pointer|call_rcu\w*|synchronize_rcu\w*|kfree_rcu|srcu_read_(?:un)?lock|list_\w+_rcu|RCU_INIT_POINTER)\s*\(/;
const REFCOUNT =
  /\b(kref_(?:get|put|init)\w*|refcount_(?:inc|dec|set|add|sub)\w*|get_device|put_device|dget|dput|fget|fput|sock_hold|sock_put|of_node_(?:get|put)|pm_runtime_(?:get|put)\w*|get_task_struct|put_task_struct|atomic_dec_and_test|rte_atomic\d*_(?:inc|dec)\w*)\s*\(/;
const ASSERT = /\b(BUG_ON|BUG|WARN_ON(?:_ONCE)?|WARN(?:_ONCE)?|assert|ASSERT|RTE_VERIFY|RTE_ASSERT|panic|abort)\s*\(/;
const IF = /\bif\s*\((.*)\)\s*\{?\s*$|\bif\s*\((.*)$/;
const ERROR_PATH = /^\s*(?:goto\s+(\w+)\s*;|return\s+(-E[A-Z0-9]+|PTR_ERR\([^)]*\)|ERR_PTR\([^)]*\)|-rte_errno|-1|NULL|false)\s*;)|^(\w+):\s*$/;

/** The calls a line makes (names followed by `(`, not keywords or declarations' types). */
export function callsIn(text: string): string[] {
  const code = text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\*.*?\*\/|\/\/.*$/g, '');
  const out: string[] = [];
  for (const m of code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    const n = m[1]!;
    if (KEYWORDS.has(n)) continue;
    out.push(n);
  }
  return out;
}

/** Whether the text is a comment line (or the inside of a block comment). */
function isComment(text: string): boolean {
  return /^\s*(?:\/\*|\*|\/\/)/.test(text);
}

/** What a condition of an `if` checks: a NULL / error pointer, a bound, or a state; null when none. */
export function guardKind(cond: string): PatternKind | null {
  if (/!\s*\w[\w.>-]*\s*(?:\)|$)|==\s*NULL|!=\s*NULL|\bNULL\s*[!=]=|IS_ERR(?:_OR_NULL)?\s*\(|!\s*\(?\s*\w+\s*=/.test(cond)) return 'null-check';
  if (
    /(?:(?<!-)>(?!>)=?|(?<!<)<(?!<)=?)\s*[\w(]|\b(?:ARRAY_SIZE|RTE_DIM)\s*\(/.test(cond) &&
    /\b(?:len|size|count|num|nr_\w*|n\w*_max|max\w*|limit|idx|index|ARRAY_SIZE|RTE_DIM|cnt|off\w*|pos)\b|\b[A-Z][A-Z0-9_]{2,}\b/.test(cond)
  )
    return 'bounds-check';
  if (/(?:==|!=)\s*[A-Z][A-Z0-9_]{2,}\b|\bstate\b|_state\s*\(|\benabled?\b|\bflags?\b|test_bit\s*\(/.test(cond)) return 'state-check';
  return null;
}

/** The patterns one line shows. */
export function patternsOf(text: string): { kind: PatternKind; what: string }[] {
  if (isComment(text)) return [];
  const out: { kind: PatternKind; what: string }[] = [];
  const iff = IF.exec(text);
  if (iff) {
    const cond = (iff[1] ?? iff[2] ?? '').trim();
    const g = guardKind(cond);
    if (g) out.push({ kind: g, what: cond.replace(/\)\s*\{?$/, '') });
  }
  const e = ERROR_PATH.exec(text);
  if (e) out.push({ kind: 'error-path', what: e[1] ? `goto ${e[1]}` : e[2] ? `return ${e[2]}` : `${e[3]}:` });
  for (const [kind, re] of [
    ['alloc', ALLOC],
    ['free', FREE],
    ['lock', LOCK],
    ['unlock', UNLOCK],
    ['rcu', RCU],
    ['refcount', REFCOUNT],
    ['assert', ASSERT],
  ] as const) {
    const m = re.exec(text);
    if (m) out.push({ kind, what: m[1]! });
  }
  return out;
}

/** What storage a file-scope declaration has, in words; null when the line declares none. */
export function storageOf(text: string): string | null {
  // File-scope declarations start at column 0 (struct members and locals are indented).
  if (isComment(text) || /^\s/.test(text)) return null;
  if (/\bDEFINE_PER_CPU\w*\s*\(/.test(text)) return /\*\s*,/.test(text) ? 'a per-CPU pointer (DEFINE_PER_CPU)' : 'a per-CPU variable (DEFINE_PER_CPU)';
  if (!/;\s*(?:\/\*.*)?$/.test(text) || /\(/.test(text.replace(/\[[^\]]*\]/g, ''))) return null;
  if (!/^\s*(?:static\s+)?(?:const\s+)?(?:unsigned\s+|signed\s+|struct\s+|enum\s+)?\w+[\s*]+[\w\s*]*\w+(?:\s*\[[^\]]*\])*\s*(?:=.*)?;/.test(text)) return null;
  const where = /^\s*static\b/.test(text) ? 'a static' : 'a global';
  if (/__percpu\s*\*/.test(text)) return `${where} pointer to one percpu allocation`;
  if (/\[[^\]]+\]\s*(?:=.*)?;/.test(text)) return `${where} fixed-size array`;
  if (/\*\s*\w+\s*(?:=.*)?;/.test(text)) return `${where} pointer`;
  return `${where} variable`;
}

function lineOf(f: CommitDiff['files'][number], rev: string, side: 'added' | 'removed', start: number, i: number, text: string): DiffLine {
  return { path: (side === 'added' ? f.newPath : f.oldPath) ?? '', line: start + i, rev, text };
}

/** Change facts of one commit: its diff (zero-context hunks) and the items the parse found. */
export async function changeFacts(diff: CommitDiff, t: TouchedResult, reader?: BlobReader): Promise<ChangeFacts> {
  const fns = t.items.filter((i) => i.kind === 'function' && i.name);
  const byName = new Map<string, FunctionChange>();
  const functions: FunctionChange[] = [];
  for (const it of fns) {
    const fc: FunctionChange = { name: it.name!, path: it.path, change: it.change, removed: [], added: [], callsAdded: [], callsRemoved: [], patterns: [] };
    functions.push(fc);
    byName.set(`${it.path}\0${it.name}`, fc);
  }
  const inside = (path: string, line: number, side: 'before' | 'after'): FunctionChange | null => {
    for (const it of fns) {
      const p = side === 'before' ? (it.oldPath ?? it.path) : it.path;
      const r = it[side];
      if (p === path && r && line >= r.startLine && line <= r.endLine) return byName.get(`${it.path}\0${it.name}`) ?? null;
    }
    return null;
  };
  const storage: StorageChange[] = [];
  for (const f of diff.files) {
    if (f.binary || !/\.[ch]$/i.test(f.newPath ?? f.oldPath ?? '')) continue;
    for (const h of f.hunks) {
      const gone: DiffLine[] = [];
      const came: DiffLine[] = [];
      h.removed.forEach((text, i) => {
        if (!diff.parent) return;
        const d = lineOf(f, diff.parent, 'removed', h.oldStart, i, text);
        const fc = inside(d.path, d.line, 'before');
        if (fc) fc.removed.push(d);
        else gone.push(d);
      });
      h.added.forEach((text, i) => {
        const d = lineOf(f, diff.sha, 'added', h.newStart, i, text);
        const fc = inside(d.path, d.line, 'after');
        if (fc) fc.added.push(d);
        else came.push(d);
      });
      // File-scope declarations replaced in the same hunk: the storage they had and have.
      const was = gone.map((d) => ({ d, s: storageOf(d.text) })).filter((x) => x.s);
      const now = came.map((d) => ({ d, s: storageOf(d.text) })).filter((x) => x.s);
      if (was.length === 1 && now.length === 1 && was[0]!.s !== now[0]!.s)
        storage.push({ removed: was[0]!.d, added: now[0]!.d, from: was[0]!.s!, to: now[0]!.s! });
    }
  }
  const texts = new Map<string, string[] | null>();
  const fileLines = async (rev: string, path: string): Promise<string[] | null> => {
    const k = `${rev}:${path}`;
    if (!texts.has(k)) texts.set(k, reader ? ((await reader.readText(rev, path))?.split('\n') ?? null) : null);
    return texts.get(k)!;
  };
  const counts = async (rev: string | null, path: string, r: { startLine: number; endLine: number } | undefined): Promise<Map<string, number> | null> => {
    if (!rev || !r) return null;
    const ls = await fileLines(rev, path);
    if (!ls) return null;
    const m = new Map<string, number>();
    for (const l of ls.slice(r.startLine - 1, r.endLine)) m.set(l.trim(), (m.get(l.trim()) ?? 0) + 1);
    return m;
  };
  for (const fc of functions) {
    // A line removed and added again in the same function moved (reordered below); a line the diff shows
    // as added that the function held as often before (git's alignment) adds nothing: neither is a pattern.
    const both = new Set(fc.removed.map((d) => d.text.trim()).filter((x) => fc.added.some((a) => a.text.trim() === x)));
    const it = fns.find((x) => x.name === fc.name && x.path === fc.path)!;
    const before = await counts(diff.parent, it.oldPath ?? it.path, it.before);
    const after = await counts(diff.sha, it.path, it.after);
    if (before && after) {
      for (const [text, n] of after) if (n <= (before.get(text) ?? 0) && fc.added.some((a) => a.text.trim() === text)) both.add(text);
      for (const [text, n] of before) if (n <= (after.get(text) ?? 0) && fc.removed.some((a) => a.text.trim() === text)) both.add(text);
    }
    for (const [side, lines] of [
      ['removed', fc.removed],
      ['added', fc.added],
    ] as const) {
      const calls = side === 'added' ? fc.callsAdded : fc.callsRemoved;
      for (const d of lines) {
        if (both.has(d.text.trim())) continue;
        if (!isComment(d.text)) for (const c of callsIn(d.text)) if (c !== fc.name && !calls.includes(c)) calls.push(c);
        for (const p of patternsOf(d.text)) fc.patterns.push({ ...d, kind: p.kind, side, what: p.what });
      }
    }
  }

  // Calls that moved: removed from one function, added in another (directly, or through a new function).
  const moved: MovedCall[] = [];
  const added = new Set(functions.filter((f) => f.change === 'added').map((f) => f.name));
  const callerOf = (name: string): { fc: FunctionChange; d: DiffLine } | null => {
    for (const fc of functions) {
      if (fc.name === name) continue;
      const d = fc.added.find((x) => !isComment(x.text) && callsIn(x.text).includes(name));
      if (d && !added.has(fc.name)) return { fc, d };
    }
    return null;
  };
  for (const from of functions) {
    for (const d of from.removed) {
      if (isComment(d.text)) continue;
      const kinds = patternsOf(d.text).filter(
        (p) => p.kind === 'alloc' || p.kind === 'free' || p.kind === 'lock' || p.kind === 'unlock' || p.kind === 'rcu' || p.kind === 'refcount',
      );
      for (const callee of callsIn(d.text)) {
        const kind = kinds.find((k) => k.what === callee)?.kind;
        // The call really left `from` (net of lines git only moved), and is not a log line.
        if (!from.callsRemoved.includes(callee) || from.callsAdded.includes(callee)) continue;
        if (!kind && /log|print|warn|err|dbg|debug|trace|assert|^BUG|^WARN/i.test(callee)) continue;
        if (moved.length >= 6) break;
        for (const to of functions) {
          if (to === from) continue;
          const same =
            to.callsAdded.includes(callee) && !to.callsRemoved.includes(callee)
              ? to.added.find((x) => !isComment(x.text) && callsIn(x.text).includes(callee))
              : undefined;
          // Another call of the same kind (an allocation for an allocation) only in a function the commit adds.
          const alike = !same && kind && to.change === 'added' ? to.patterns.find((p) => p.side === 'added' && p.kind === kind) : undefined;
          const hit = same ?? alike;
          if (!hit) continue;
          if (moved.some((m) => m.from === from.name && m.kind === (kind ?? 'call') && (m.what === callee || (kind && m.kind === kind)))) continue;
          const what = same ? callee : `${callee}() → ${(alike as PatternHit).what}`;
          const c = added.has(to.name) ? callerOf(to.name) : undefined;
          if (c && c.fc !== from) moved.push({ what, kind: kind ?? 'call', from: from.name, to: c.fc.name, removed: d, added: c.d, via: to.name });
          else
            moved.push({
              what,
              kind: kind ?? 'call',
              from: from.name,
              to: to.name,
              removed: d,
              added: { path: hit.path, line: hit.line, rev: hit.rev, text: hit.text },
            });
        }
      }
    }
  }

  // Calls that moved inside one function: the unchanged line they now follow.
  const reordered: ReorderedCall[] = [];
  for (const fc of functions.filter((f) => f.change === 'modified')) {
    for (const r of fc.removed) {
      if (isComment(r.text)) continue;
      const callee = callsIn(r.text)[0];
      if (!callee) continue;
      const a = fc.added.find((x) => x.text.trim() === r.text.trim());
      if (!a || reordered.some((x) => x.function === fc.name && x.callee === callee)) continue;
      const it = fns.find((x) => x.name === fc.name && x.path === fc.path)!;
      let after: DiffLine | null = null;
      let fallback: DiffLine | null = null;
      const before = it.before && diff.parent ? await fileLines(diff.parent, it.oldPath ?? it.path) : null;
      const now = it.after ? await fileLines(diff.sha, it.path) : null;
      if (before && now && it.before && it.after) {
        const removedSet = new Set(fc.removed.map((x) => x.line));
        const addedSet = new Set(fc.added.map((x) => x.line));
        // Unchanged lines after the old place, before the new place, found once on each side.
        for (let n = a.line - 1; n >= it.after.startLine; n--) {
          if (addedSet.has(n)) continue;
          const text = now[n - 1] ?? '';
          if (!text.trim() || !/\bif\s*\(|;\s*$/.test(text)) continue;
          const oldAt = before.findIndex((l, i) => i + 1 > r.line && i + 1 <= it.before!.endLine && !removedSet.has(i + 1) && l === text);
          if (oldAt < 0) continue;
          const d = { path: it.path, line: n, rev: diff.sha, text };
          if (/\bif\s*\(/.test(text)) {
            after = d;
            break;
          }
          fallback ??= d;
        }
      }
      after ??= fallback;
      reordered.push({ function: fc.name, callee, removed: r, added: a, after });
    }
  }
  const others: OtherChange[] = [];
  for (const it of t.items) {
    if (it.kind === 'function' || it.kind === 'file-scope' || it.kind === 'file' || it.kind === 'prototype' || !it.name) continue;
    const removedItem = it.change === 'removed';
    const r = removedItem ? it.before : it.after;
    const rev = removedItem ? diff.parent : diff.sha;
    const path = removedItem ? (it.oldPath ?? it.path) : it.path;
    if (!r || !rev) continue;
    const text = (await fileLines(rev, path))?.[r.startLine - 1];
    if (text === undefined) continue;
    others.push({ name: it.name, kind: it.kind, change: it.change, at: { path, line: r.startLine, rev, text } });
  }
  return { functions, others, moved, reordered, storage };
}
