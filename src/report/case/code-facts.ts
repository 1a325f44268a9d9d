/**
 * Code evidence of a case: the functions a commit changes (tree-sitter, src/analysis/code), who calls
 * them, and the entry points above them — each with the path:line and revision it was read at.
 */
import type { GitTarget } from '../../git/run.js';
import { findCallers, openCodeContext, touched, type TouchedResult } from '../../analysis/code/index.js';
import type { CaseCaller, CaseEntry, CaseFunction, Citation } from './types.js';

export interface CodeFacts {
  functions: CaseFunction[];
  callers: CaseCaller[];
  entryPoints: CaseEntry[];
  notes: string[];
  touched: TouchedResult;
  citations: Citation[];
}

export interface CodeFactOptions {
  /** Functions whose callers are looked up (the most changed first; default 6). */
  maxFunctions?: number;
  /** Levels of callers (default 2). */
  depth?: number;
}

export async function codeFacts(repo: GitTarget, sha: string, opts: CodeFactOptions = {}): Promise<CodeFacts> {
  const t = await touched(repo, sha);
  const citations: Citation[] = [];
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
  const looked = functions
    .filter((f) => f.change !== 'removed')
    .sort((a, b) => b.added + b.removed - (a.added + a.removed))
    .slice(0, opts.maxFunctions ?? 6);
  const seenEntry = new Set<string>();
  // One parser and one cat-file process for all the lookups.
  const context = looked.length ? await openCodeContext(repo) : null;
  try {
    for (const f of looked) {
      const r = await findCallers(repo, f.name, { rev: sha, depth: opts.depth ?? 2, stopAtEntry: true, maxNodes: 60, ...(context ? { context } : {}) });
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
    context?.close();
  }
  return { functions, callers, entryPoints, notes, touched: t, citations };
}
