/**
 * The change facts of a commit (src/analysis/code/change-facts.ts) as the "what the change does" part of
 * a case: storage and types first, then calls and allocations that moved between functions, calls that
 * moved past a check, then per function the guards, error paths, locking, RCU, refcounts, allocations and
 * assertions its lines add or remove; and an excerpt of every changed function's lines (with the count
 * of lines not shown). Every line named is cited with its text.
 */
import type { ChangeFacts, DiffLine, FunctionChange, PatternHit, PatternKind } from '../../analysis/code/change-facts.js';
import type { CaseChange, CaseExcerpt, CaseLine, Citation } from './types.js';

const PATTERN_WORDS: Record<PatternKind, string> = {
  'null-check': 'a NULL or zero check',
  'bounds-check': 'a bounds check',
  'state-check': 'a state check',
  'error-path': 'an error path',
  lock: 'a lock',
  unlock: 'an unlock',
  rcu: 'RCU',
  refcount: 'a reference count',
  alloc: 'an allocation',
  free: 'a free',
  assert: 'an assertion',
};

const TITLES: Record<PatternKind, string> = {
  'null-check': 'guard',
  'bounds-check': 'guard',
  'state-check': 'guard',
  'error-path': 'error path',
  lock: 'locking',
  unlock: 'locking',
  rcu: 'RCU',
  refcount: 'refcount',
  alloc: 'allocation',
  free: 'allocation',
  assert: 'assertion',
};

const at = (d: DiffLine): string => `${d.path}:${d.line}`;
const line = (d: DiffLine, sign: CaseLine['sign']): CaseLine => ({ path: d.path, line: d.line, rev: d.rev, text: d.text, sign });
const code = (t: string): string => `\`${t.trim().replace(/\s+/g, ' ')}\``;

export interface ChangeStory {
  changes: CaseChange[];
  excerpts: CaseExcerpt[];
  citations: Citation[];
}

/** One pattern of a function, in words: "adds a NULL check `!x` (path:line)". */
function patternPhrase(hits: readonly PatternHit[]): string {
  const h = hits[0]!;
  // A guard is quoted as its line (a condition over several lines is not rebuilt).
  const what =
    h.kind === 'null-check' || h.kind === 'bounds-check' || h.kind === 'state-check' ? h.text.trim() : h.kind === 'error-path' ? h.what : `${h.what}()`;
  return `${PATTERN_WORDS[h.kind]} ${code(what)} (${at(h)})${hits.length > 1 ? ` and ${hits.length - 1} more` : ''}`;
}

export function changeStory(cf: ChangeFacts, opts: { maxExcerpt?: number } = {}): ChangeStory {
  const changes: CaseChange[] = [];
  const citations: Citation[] = [];
  const cite = (...ls: DiffLine[]): void => {
    for (const d of ls) citations.push({ kind: 'file-line', rev: d.rev, path: d.path, line: d.line, text: d.text });
  };

  // Storage and types.
  for (const s of cf.storage) {
    const name = (d: DiffLine): string => /(\w+)\s*(?:\[[^\]]*\])*\s*(?:=.*)?;|,\s*(\w+)\s*\)\s*;/.exec(d.text)?.slice(1).find(Boolean) ?? '';
    changes.push({
      title: 'data structure',
      text: `${name(s.removed) || 'a file-scope variable'}, ${s.from}, is replaced by ${name(s.added) || 'a new variable'}, ${s.to} (${at(s.removed)} before, ${at(s.added)} after)`,
      lines: [line(s.removed, '-'), line(s.added, '+')],
    });
    cite(s.removed, s.added);
  }
  const types = cf.others.filter((o) => (o.kind === 'struct' || o.kind === 'union' || o.kind === 'enum' || o.kind === 'typedef') && o.change === 'added');
  for (const o of types) {
    changes.push({ title: 'data structure', text: `adds ${o.kind} ${o.name} (${at(o.at)})`, lines: [line(o.at, '+')] });
    cite(o.at);
  }

  // Calls and allocations that moved.
  for (const m of cf.moved) {
    const kind = m.kind === 'call' ? 'the call' : `the ${m.kind === 'alloc' ? 'allocation' : m.kind === 'free' ? 'free' : m.kind}`;
    const what = m.what.includes('→') ? m.what.split(' → ')[0]! : `${m.what}()`;
    changes.push({
      title: m.kind === 'alloc' || m.kind === 'free' ? 'allocation moved' : 'call moved',
      text: `${kind} ${what} leaves ${m.from}() (${at(m.removed)}); ${m.to}() now does it${m.via ? ` through the new ${m.via}()` : ''} (${at(m.added)})`,
      lines: [line(m.removed, '-'), line(m.added, '+')],
    });
    cite(m.removed, m.added);
  }
  // New helpers that allocate or free, and the changed functions that call them.
  // A new function allocates or frees itself, or through a new function it names (a call_rcu() callback).
  const fresh = cf.functions.filter((f) => f.change === 'added');
  const mentions = (f: FunctionChange, name: string): boolean => f.added.some((d) => /^\s/.test(d.text) && new RegExp(`\\b${name}\\b`).test(d.text));
  const memoryOf = (f: FunctionChange): string[] => {
    const own = f.patterns.filter((p) => p.kind === 'alloc' || p.kind === 'free').map((p) => `${p.kind === 'alloc' ? 'allocates' : 'frees'} with ${p.what}()`);
    const through = fresh
      .filter((g) => g !== f && mentions(f, g.name))
      .flatMap((g) =>
        g.patterns
          .filter((p) => p.kind === 'alloc' || p.kind === 'free')
          .map((p) => `${p.kind === 'alloc' ? 'allocates' : 'frees'} with ${p.what}() in ${g.name}()`),
      );
    return [...new Set([...own, ...through])];
  };
  for (const h of fresh) {
    if (cf.moved.some((m) => m.via === h.name)) continue;
    const kinds = memoryOf(h);
    if (!kinds.length) continue;
    for (const caller of cf.functions.filter((f) => f.change === 'modified')) {
      const call = caller.added.find((d) => new RegExp(`\\b${h.name}\\s*\\(`).test(d.text));
      if (!call) continue;
      changes.push({
        title: 'allocation',
        text: `${caller.name}() now calls the new ${h.name}(), which ${kinds.join(' and ')} (${at(call)})`,
        lines: [line(call, '+')],
      });
      cite(call);
    }
  }
  // A call that only changed indentation or moved into a new block is no reordering: only one that
  // now follows an unchanged line it came before is reported.
  for (const r of cf.reordered.filter((x) => x.after)) {
    const after = r.after ? `; it now comes after ${code(r.after.text)} (${at(r.after)}), which it came before` : '';
    changes.push({
      title: 'order',
      text: `${r.function}() moves its call to ${r.callee}() from line ${r.removed.line} of the parent to ${at(r.added)}${after}`,
      lines: [line(r.removed, '-'), line(r.added, '+'), ...(r.after ? [line(r.after, ' ')] : [])],
    });
    cite(r.removed, r.added, ...(r.after ? [r.after] : []));
  }

  // Per function: what its lines add and remove.
  for (const f of cf.functions) {
    const parts: string[] = [];
    const shown: CaseLine[] = [];
    for (const side of ['added', 'removed'] as const) {
      const hits = f.patterns.filter((p) => p.side === side);
      const kinds = [...new Set(hits.map((h) => h.kind))];
      if (!kinds.length) continue;
      const phrases = kinds.map((k) => patternPhrase(hits.filter((h) => h.kind === k)));
      parts.push(`${side === 'added' ? 'adds' : 'removes'} ${phrases.join(', ')}`);
      for (const k of kinds) {
        const h = hits.find((x) => x.kind === k)!;
        shown.push(line(h, side === 'added' ? '+' : '-'));
        cite(h);
      }
    }
    if (!parts.length) continue;
    const titles = [...new Set(f.patterns.map((p) => TITLES[p.kind]))];
    changes.push({ title: titles.join(', '), text: `${f.name}() (${f.change}, +${f.added.length} -${f.removed.length}) ${parts.join('; ')}`, lines: shown });
  }

  // Excerpts: the changed lines of every function, in file order, removed before added per hunk.
  const max = opts.maxExcerpt ?? 12;
  const excerpts: CaseExcerpt[] = [];
  for (const f of cf.functions) {
    const all = excerptLines(f);
    const shown = all.filter((l) => l.text.trim()).slice(0, max);
    for (const l of shown) citations.push({ kind: 'file-line', rev: l.rev, path: l.path, line: l.line, text: l.text });
    excerpts.push({ function: f.name, path: f.path, change: f.change, lines: shown, more: all.filter((l) => l.text.trim()).length - shown.length });
  }
  return { changes, excerpts, citations };
}

/** Removed and added lines of one function as a diff reads: each run of removed lines before the added ones next to it. */
function excerptLines(f: FunctionChange): CaseLine[] {
  const out: CaseLine[] = [];
  let i = 0;
  let j = 0;
  // Walk both sides by their distance into the function (removed lines are numbered at the parent).
  const r = f.removed;
  const a = f.added;
  const r0 = r[0]?.line ?? 0;
  const a0 = a[0]?.line ?? 0;
  while (i < r.length || j < a.length) {
    const takeRemoved = j >= a.length || (i < r.length && r[i]!.line - r0 <= a[j]!.line - a0);
    if (takeRemoved) out.push(line(r[i++]!, '-'));
    else out.push(line(a[j++]!, '+'));
  }
  return out;
}
