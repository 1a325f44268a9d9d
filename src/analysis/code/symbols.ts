/**
 * Symbols at a revision: where identifier X is defined in tree T (function, macro, struct, union, enum,
 * typedef, global) and where it is only declared. The dependency stage asks "does this symbol exist in
 * the stable branch?" with symbolExists().
 */
import type { GitTarget } from '../../git/run.js';
import { resolveCommit } from '../../git/show.js';
import { openCodeContext, scanNames, type CodeContext } from './scan.js';
import type { ItemKind } from './types.js';

export interface SymbolDef {
  name: string;
  kind: ItemKind;
  path: string;
  startLine: number;
  endLine: number;
  /** Full sha of the commit read. */
  rev: string;
  isStatic?: boolean;
  isInline?: boolean;
  definedBy?: string;
  attributes?: string[];
  signature?: string;
  structType?: string;
}

export interface SymbolResult {
  name: string;
  rev: string;
  /** Definitions (functions, macros, types, globals). */
  definitions: SymbolDef[];
  /** Prototypes and `extern` declarations. */
  declarations: SymbolDef[];
  /** Files where `git grep -w` found the name. */
  filesMentioning: number;
}

export interface SymbolOptions {
  rev?: string;
  /** Only these kinds (default all). */
  kinds?: readonly ItemKind[];
  context?: CodeContext;
}

/** Where `name` is defined and declared at `rev` (default HEAD). */
export async function findSymbol(target: GitTarget, name: string, opts: SymbolOptions = {}): Promise<SymbolResult> {
  const rev = await resolveCommit(target, opts.rev ?? 'HEAD');
  const ctx = opts.context ?? (await openCodeContext(target));
  try {
    const files = await scanNames(ctx, rev, [name]);
    const definitions: SymbolDef[] = [];
    const declarations: SymbolDef[] = [];
    for (const f of files) {
      if (!f.facts) continue;
      for (const it of f.facts.items) {
        if (it.name !== name) continue;
        if (opts.kinds && !opts.kinds.includes(it.kind)) continue;
        const d: SymbolDef = { name, kind: it.kind, path: f.path, startLine: it.startLine, endLine: it.endLine, rev };
        for (const k of ['isStatic', 'isInline', 'definedBy', 'attributes', 'signature', 'structType'] as const) {
          if (it[k] !== undefined) (d as unknown as Record<string, unknown>)[k] = it[k]; // copy the optional facts present
        }
        const isDecl = it.kind === 'prototype' || (it.kind === 'global' && /\bextern\b/.test(it.signature ?? ''));
        (isDecl ? declarations : definitions).push(d);
      }
    }
    return { name, rev, definitions, declarations, filesMentioning: files.length };
  } finally {
    if (!opts.context) ctx.close();
  }
}

/** Whether `name` is defined (any kind, or the given kinds) at `rev`. */
export async function symbolExists(
  target: GitTarget,
  name: string,
  opts: SymbolOptions = {},
): Promise<{ exists: boolean; definitions: SymbolDef[]; rev: string }> {
  const r = await findSymbol(target, name, opts);
  return { exists: r.definitions.length > 0, definitions: r.definitions, rev: r.rev };
}
