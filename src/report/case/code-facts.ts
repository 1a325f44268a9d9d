/**
 * Code evidence of a case: the functions a commit changes (tree-sitter, src/analysis/code), who calls
 * them, and the entry points above them — each with the path:line and revision it was read at.
 */
import type { GitTarget } from '../../git/run.js';
import { commitDiff } from '../../git/diff.js';
import { BlobReader } from '../../git/show.js';
import { findCallersMany, openCodeContext, touched, type CodeContext, type TouchedResult } from '../../analysis/code/index.js';
import { changeFacts, type ChangeFacts } from '../../analysis/code/change-facts.js';
import { changeStory } from './change-story.js';
import { bugStatements } from './statements.js';
import type { CaseCaller, CaseChange, CaseEntry, CaseExcerpt, CaseFunction, Citation } from './types.js';

export interface CodeFacts {
  functions: CaseFunction[];
  callers: CaseCaller[];
  entryPoints: CaseEntry[];
  notes: string[];
  touched: TouchedResult;
  changeFacts: ChangeFacts;
  changes: CaseChange[];
  excerpts: CaseExcerpt[];
  reachability: { conclusion: string; depth: number };
  citations: Citation[];
}

export interface CodeFactOptions {
  /** Functions whose callers are looked up (the most changed first; default 6). */
  maxFunctions?: number;
  /** Levels of callers (default 2). */
  depth?: number;
  /** A parser and blob reader to reuse (kept open); one is opened and closed here otherwise. */
  context?: CodeContext;
}

/** The items a commit touches and its change facts (one cat-file process for the file texts: the context's, if given). */
async function touchedWithFacts(repo: GitTarget, sha: string, context?: CodeContext): Promise<{ t: TouchedResult; cf: ChangeFacts }> {
  if (context) {
    const t = await touched(repo, sha, { reader: context.reader, parser: context.parser });
    return { t, cf: await changeFacts(await commitDiff(repo, sha), t, context.reader) };
  }
  const reader = new BlobReader(repo);
  try {
    const t = await touched(repo, sha, { reader });
    return { t, cf: await changeFacts(await commitDiff(repo, sha), t, reader) };
  } finally {
    reader.close();
  }
}

export async function codeFacts(repo: GitTarget, sha: string, opts: CodeFactOptions = {}): Promise<CodeFacts> {
  const { t, cf } = await touchedWithFacts(repo, sha, opts.context);
  const story = changeStory(cf);
  const citations: Citation[] = [...story.citations];
  const functions: CaseFunction[] = [];
  for (const it of t.items) {
    if (it.kind !== 'function' || !it.name) continue;
    const removed = it.change === 'removed';
    const at = removed ? it.before : it.after;
    const rev = removed ? t.parent : t.sha;
    if (!at || !rev) continue;
    const path = removed ? (it.oldPath ?? it.path) : it.path;
    const change = it.renamedFrom ? 'renamed' : it.change;
    functions.push({ name: it.name, kind: it.kind, change, path, line: at.startLine, rev, added: it.linesAdded, removed: it.linesRemoved });
    citations.push({ kind: 'function', rev, path, name: it.name, line: at.startLine });
  }
  const notes: string[] = [];
  const nonC = t.files.filter((f) => !f.isC).map((f) => f.path);
  if (nonC.length) notes.push(`not C code, no function facts: ${nonC.slice(0, 8).join(', ')}${nonC.length > 8 ? ` and ${nonC.length - 8} more` : ''}`);
  const callers: CaseCaller[] = [];
  const entryPoints: CaseEntry[] = [];
  const present = functions.filter((f) => f.change !== 'removed').sort((a, b) => b.added + b.removed - (a.added + a.removed));
  const looked = present.slice(0, opts.maxFunctions ?? 6);
  const skipped = present.slice(looked.length);
  if (skipped.length)
    notes.push(
      `callers looked up for ${looked.length} of ${present.length} changed functions (the most changed); not for: ${skipped
        .slice(0, 8)
        .map((f) => `${f.name}()`)
        .join(', ')}${skipped.length > 8 ? ` and ${skipped.length - 8} more` : ''}`,
    );
  const seenEntry = new Set<string>();
  // One parser and one cat-file process for all the lookups.
  const context = opts.context ?? (looked.length ? await openCodeContext(repo) : null);
  try {
    // The walks run side by side and share one git grep per level; their answers are taken in order.
    const walks = looked.length
      ? await findCallersMany(
          repo,
          looked.map((f) => f.name),
          { rev: sha, depth: opts.depth ?? 2, stopAtEntry: true, maxNodes: 60, ...(context ? { context } : {}) },
        )
      : [];
    for (const [i, f] of looked.entries()) {
      const r = walks[i]!;
      for (const e of r.edges) {
        if (e.kind === 'reference') continue;
        // Direct callers of a changed function; deeper edges only when they lead to an entry point.
        if (!r.root.includes(e.callee)) continue;
        const caller = e.caller ? e.caller.replace(/@.*/, '') : null;
        if (caller === f.name) continue;
        callers.push({ callee: f.name, caller, path: e.path, line: e.line, rev: sha, how: e.how ?? e.kind });
        citations.push({ kind: 'file-line', rev: sha, path: e.path, line: e.line });
      }
      for (const n of r.nodes) {
        for (const tag of n.entry) {
          const key = `${n.name}:${tag.kind}:${tag.path}:${tag.line}`;
          if (seenEntry.has(key)) continue;
          seenEntry.add(key);
          entryPoints.push({ function: n.name, kind: tag.kind, how: tag.how, path: tag.path, line: tag.line, rev: sha });
          citations.push({ kind: 'file-line', rev: sha, path: tag.path, line: tag.line });
        }
      }
    }
  } finally {
    if (!opts.context) context?.close();
  }
  const depth = opts.depth ?? 2;
  return {
    functions,
    callers,
    entryPoints,
    notes,
    touched: t,
    changeFacts: cf,
    changes: story.changes,
    excerpts: story.excerpts,
    reachability: { conclusion: reachabilityOf(functions, callers, entryPoints, depth), depth },
    citations,
  };
}

const CALLBACK_WORDS: Record<string, string> = {
  work: 'work item',
  'irq-work': 'irq work',
  timer: 'timer',
  tasklet: 'tasklet',
  'rcu-callback': 'RCU callback',
  thread: 'thread',
  'irq-handler': 'interrupt handler',
  callback: 'callback',
  exit: 'exit hook',
};

/**
 * The conclusion of the call graph in one sentence: how the changed functions are reached (at init, as
 * callbacks the code registers, through an ops table, from system calls, by other modules), and what was
 * not found within the levels searched.
 */
export function reachabilityOf(functions: readonly CaseFunction[], callers: readonly CaseCaller[], entries: readonly CaseEntry[], depth: number): string {
  if (!functions.length) return 'No C function is changed: no call graph.';
  if (!entries.length) {
    const none = functions.filter((f) => f.change !== 'removed' && !callers.some((c) => c.callee === f.name)).map((f) => `${f.name}()`);
    return `No entry point (system call, ops table, registration, init, export) was found within ${depth} level(s) of callers${none.length ? `; no caller was found for ${none.slice(0, 4).join(', ')}` : ''}.`;
  }
  const by = (k: string): CaseEntry[] => entries.filter((e) => e.kind === k);
  const parts: string[] = [];
  const user = [...by('syscall'), ...by('bpf-helper')];
  if (user.length) parts.push(`from user space through ${user.map((e) => `${e.function}() (${e.kind}, ${e.path}:${e.line})`).join(', ')}`);
  const mains = by('main');
  if (mains.length) parts.push(`from program entry points: ${mains.map((e) => `main() at ${e.path}:${e.line}`).join(', ')}`);
  const ops = by('ops');
  if (ops.length)
    parts.push(
      `through ops-table registrations: ${ops.map((e) => `${e.function}() is registered ${e.how.startsWith('.') ? 'as ' : ''}${e.how} (${e.path}:${e.line})`).join('; ')}`,
    );
  const cbs = entries.filter((e) => CALLBACK_WORDS[e.kind]);
  if (cbs.length)
    parts.push(
      `as callbacks the code registers: ${cbs.map((e) => `${e.function}() as ${CALLBACK_WORDS[e.kind]} (${e.how.replace(/^passed to /, 'through ')}, ${e.path}:${e.line})`).join('; ')}`,
    );
  // The same function marked __init in several trees (one per architecture) is named once.
  const init = [...new Map(by('init').map((e) => [`${e.function}\0${e.how}`, e])).values()];
  if (init.length) parts.push(`at initialisation: ${init.map((e) => `${e.function}() (${e.how})`).join(', ')}`);
  const exported = by('exported');
  if (exported.length) parts.push(`by other modules: ${exported.map((e) => `${e.function}() (${e.how})`).join(', ')}`);
  const missing: string[] = [];
  if (!user.length) missing.push('no system call or other user-space entry');
  if (!exported.length) missing.push('no exported function');
  const only =
    !user.length && !exported.length && !mains.length && ops.length
      ? ` From outside this code it is reached only through the ops registration${ops.length > 1 ? 's' : ''} ${ops.map((e) => `${e.function}()`).join(', ')}.`
      : '';
  return `The changed code is reached ${parts.join('; ')}.${missing.length ? ` Within ${depth} level(s) of callers: ${missing.join(', ')}.` : ''}${only}`;
}

/**
 * The follow-up's own case in one paragraph: what its message says is wrong with the candidate (a
 * sentence quoted), and what its diff does about it (which function, which order), from its change facts.
 */
export async function followUpStory(repo: GitTarget, sha: string, message: string): Promise<{ text: string; citations: Citation[] }> {
  const { cf } = await touchedWithFacts(repo, sha);
  const story = changeStory(cf, { maxExcerpt: 0 });
  const citations: Citation[] = [...story.citations];
  const said = bugStatements(message, 2);
  for (const s of said) citations.push({ kind: 'quote', sha, text: s.text });
  const parts: string[] = [];
  if (said.length) parts.push(`Its message says: ${said.map((s) => `"${s.text}"`).join(' ')}`);
  const order = story.changes.filter((c) => c.title === 'order' || c.title === 'call moved' || c.title === 'allocation moved');
  const rest = story.changes.filter((c) => !order.includes(c) && c.title !== 'data structure');
  const did = [...order, ...rest].slice(0, 3).map((c) => c.text);
  const fns = cf.functions.map((f) => `${f.name}() (+${f.added.length} -${f.removed.length})`);
  if (did.length) parts.push(`Its diff: ${did.join('; ')}.`);
  else if (fns.length) parts.push(`Its diff changes ${fns.join(', ')}.`);
  return { text: parts.join(' '), citations };
}
