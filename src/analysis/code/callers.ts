/**
 * Callers and call chains at a revision, semcode's find_callers / find_callchain computed on the spot:
 * `git grep -w` finds the candidate files, the parser keeps the real call sites and the places that store
 * the function as a pointer (ops tables, INIT_WORK, init_irq_work, ...), and the walk goes up a bounded
 * number of levels, one grep per level for all the names of that level, until it meets entry points.
 */
import { resolveCommit } from '../../git/show.js';
import type { GitTarget } from '../../git/run.js';
import { entryFromDefinition, entryFromExport, entryFromRef, type EntryTag } from './entry.js';
import { openCodeContext, scanNames, type CodeContext, type HitSource, type ScanFile } from './scan.js';
import { SharedGrep } from './shared-grep.js';
import type { CItem, ItemKind } from './types.js';

export interface FunctionDef {
  name: string;
  path: string;
  startLine: number;
  endLine: number;
  isStatic: boolean;
  isInline: boolean;
  kind: 'function' | 'macro';
  definedBy?: string;
  attributes?: string[];
  signature?: string;
}

export interface CallNode {
  /** `name` for a global function, `name@path` for a static one defined in a .c file. */
  id: string;
  name: string;
  /** Levels above the function asked about (0 is that function). */
  depth: number;
  definition: FunctionDef | null;
  /** Why this function is an entry point (empty if it is not known to be one). */
  entry: EntryTag[];
  /** False when this node's own callers and entry kinds were not looked up (depth bound, or above an entry point). */
  expanded: boolean;
}

export type EdgeKind = 'call' | 'registration' | 'macro' | 'reference';

export interface CallEdge {
  /** The function (node id) or other item holding the site; null at file scope. */
  caller: string | null;
  callerKind: ItemKind | null;
  callee: string;
  kind: EdgeKind;
  path: string;
  line: number;
  /** For registrations: how the callee is registered. */
  how?: string;
  text: string;
}

export interface HitTally {
  /** Lines `git grep -w` returned for the names of a level. */
  grepHits: number;
  calls: number;
  registrations: number;
  definitions: number;
  declarations: number;
  /** Comments, strings, macro names, struct fields of the same name, ... */
  other: number;
  files: number;
}

export interface CallersResult {
  name: string;
  rev: string;
  root: string[];
  nodes: CallNode[];
  edges: CallEdge[];
  /** Paths from the function up to an entry point or a function without callers (node ids, callee first). */
  chains: string[][];
  tally: HitTally;
}

export interface CallersOptions {
  /** Revision (default HEAD). */
  rev?: string;
  /** Levels to walk up (1 = direct callers). */
  depth?: number;
  /** Stop walking through a node once it is an entry point (default true). */
  stopAtEntry?: boolean;
  /** Upper bound on the number of nodes (default 300). */
  maxNodes?: number;
  /** Share a context across calls. */
  context?: CodeContext;
}

function isHeader(p: string): boolean {
  return p.endsWith('.h');
}

function nodeId(name: string, def: FunctionDef | null): string {
  return def && def.isStatic && !isHeader(def.path) ? `${name}@${def.path}` : name;
}

function toDef(it: CItem, path: string): FunctionDef {
  const d: FunctionDef = {
    name: it.name,
    path,
    startLine: it.startLine,
    endLine: it.endLine,
    isStatic: it.isStatic ?? false,
    isInline: it.isInline ?? false,
    kind: it.kind === 'macro' ? 'macro' : 'function',
  };
  if (it.definedBy) d.definedBy = it.definedBy;
  if (it.attributes) d.attributes = it.attributes;
  if (it.signature) d.signature = it.signature;
  return d;
}

interface Site {
  name: string;
  path: string;
  line: number;
  kind: EdgeKind;
  caller: string | null;
  callerKind: ItemKind | null;
  /** Static definition of the caller in this file (to resolve static callers). */
  tag?: EntryTag;
  text: string;
}

interface LevelFacts {
  defs: Map<string, FunctionDef[]>;
  /** Every function defined in a scanned file, by file then name (to resolve a site's caller). */
  fileDefs: Map<string, Map<string, FunctionDef>>;
  sites: Site[];
  exports: Map<string, EntryTag[]>;
  tally: HitTally;
}

/** One level: grep all names, parse, sort every hit into definition, call, registration or other. */
async function level(ctx: CodeContext, sha: string, names: readonly string[], source?: HitSource): Promise<LevelFacts> {
  const files: ScanFile[] = await scanNames(ctx, sha, names, { refs: true, extraPathspecs: ['*version.map', '*.map'], ...(source ? { source } : {}) });
  const want = new Set(names);
  const defs = new Map<string, FunctionDef[]>();
  const fileDefs = new Map<string, Map<string, FunctionDef>>();
  const sites: Site[] = [];
  const exports = new Map<string, EntryTag[]>();
  const tally: HitTally = { grepHits: 0, calls: 0, registrations: 0, definitions: 0, declarations: 0, other: 0, files: files.length };
  const addExport = (name: string, tag: EntryTag): void => {
    const l = exports.get(name);
    if (l) l.push(tag);
    else exports.set(name, [tag]);
  };
  for (const f of files) {
    tally.grepHits += f.hits.length;
    const textAt = new Map(f.hits.map((h) => [h.line, h.text]));
    if (!f.facts) {
      // DPDK version scripts: `rte_foo;` inside a version block exports rte_foo.
      for (const h of f.hits) {
        const m = /^\s*([A-Za-z_]\w*)\s*;/.exec(h.text);
        if (m?.[1] && want.has(m[1])) {
          addExport(m[1], entryFromExport('version.map', f.path, h.line));
          tally.registrations++;
        } else tally.other++;
      }
      continue;
    }
    const explained = new Set<number>();
    const byName = new Map<string, FunctionDef>();
    for (const it of f.facts.items) {
      if (it.kind === 'function') byName.set(it.name, toDef(it, f.path));
      if (!want.has(it.name)) continue;
      if (it.kind === 'function' || (it.kind === 'macro' && it.signature)) {
        const d = toDef(it, f.path);
        const l = defs.get(it.name);
        if (l) l.push(d);
        else defs.set(it.name, [d]);
        const headerEnd = it.kind === 'function' ? (it.bodyLine ?? it.startLine) : it.startLine;
        for (let i = it.startLine; i <= headerEnd; i++)
          if (textAt.has(i) && !explained.has(i)) {
            explained.add(i);
            tally.definitions++;
          }
      } else if (it.kind === 'prototype') {
        for (let i = it.startLine; i <= it.endLine; i++)
          if (textAt.has(i) && !explained.has(i)) {
            explained.add(i);
            tally.declarations++;
          }
      }
    }
    fileDefs.set(f.path, byName);
    // A file that defines a variable of that name means the variable there, not the function.
    const shadowed = new Set(
      f.facts.items.filter((it) => it.kind === 'global' && want.has(it.name) && !/\bextern\b/.test(it.signature ?? '')).map((it) => it.name),
    );
    for (const e of f.facts.exports) {
      if (!want.has(e.name)) continue;
      addExport(e.name, entryFromExport(e.macro, f.path, e.line));
      if (!explained.has(e.line)) {
        explained.add(e.line);
        tally.registrations++;
      }
    }
    const seen = new Set<string>();
    for (const c of f.facts.calls) {
      if (!want.has(c.callee) || shadowed.has(c.callee) || (c.via !== 'direct' && c.via !== 'macro-body')) continue;
      const key = `${c.callee}:${c.line}:${c.caller ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sites.push({
        name: c.callee,
        path: f.path,
        line: c.line,
        kind: c.via === 'macro-body' ? 'macro' : 'call',
        caller: c.caller,
        callerKind: c.callerKind,
        text: textAt.get(c.line)?.trim() ?? '',
      });
      if (!explained.has(c.line)) {
        explained.add(c.line);
        tally.calls++;
      }
    }
    for (const r of f.facts.refs) {
      if (!want.has(r.name) || shadowed.has(r.name)) continue;
      const tag = entryFromRef(r, f.path);
      const key = `${r.name}:${r.line}:ref`;
      if (seen.has(key)) continue;
      seen.add(key);
      const s: Site = {
        name: r.name,
        path: f.path,
        line: r.line,
        kind: tag ? 'registration' : 'reference',
        caller: r.enclosing,
        callerKind: r.enclosingKind,
        text: textAt.get(r.line)?.trim() ?? '',
      };
      if (tag) s.tag = tag;
      sites.push(s);
      if (!explained.has(r.line)) {
        explained.add(r.line);
        tally.registrations++;
      }
    }
    for (const h of f.hits) if (!explained.has(h.line)) tally.other++;
  }
  return { defs, fileDefs, sites, exports, tally };
}

/** Whether a site in `path` can refer to the definition `def` (static functions are file-local). */
function siteMatches(def: FunctionDef | null, allDefs: readonly FunctionDef[], path: string): boolean {
  if (!def) return !allDefs.some((d) => d.isStatic && !isHeader(d.path) && d.path === path);
  if (def.isStatic && !isHeader(def.path)) return def.path === path;
  // A global (or header) definition: not for files that define their own static one.
  return !allDefs.some((d) => d !== def && d.isStatic && !isHeader(d.path) && d.path === path);
}

/**
 * Callers of `name` (depth 1) or its call chains up to `depth` levels, stopping at entry points.
 */
export async function findCallers(target: GitTarget, name: string, opts: CallersOptions = {}): Promise<CallersResult> {
  const sha = await resolveCommit(target, opts.rev ?? 'HEAD');
  const ctx = opts.context ?? (await openCodeContext(target));
  try {
    return await walk(ctx, sha, name, opts);
  } finally {
    if (!opts.context) ctx.close();
  }
}

/**
 * The callers of several functions at one revision, each answer the same as findCallers' for that name:
 * the walks run side by side and share one `git grep` per level (SharedGrep) instead of one per function.
 */
export async function findCallersMany(target: GitTarget, names: readonly string[], opts: CallersOptions = {}): Promise<CallersResult[]> {
  const sha = await resolveCommit(target, opts.rev ?? 'HEAD');
  const ctx = opts.context ?? (await openCodeContext(target));
  try {
    const shared = new SharedGrep(ctx.target, sha, names.length);
    return await Promise.all(
      names.map(async (n) => {
        try {
          return await walk(ctx, sha, n, opts, shared.source);
        } finally {
          shared.leave();
        }
      }),
    );
  } finally {
    if (!opts.context) ctx.close();
  }
}

async function walk(ctx: CodeContext, sha: string, name: string, opts: CallersOptions, source?: HitSource): Promise<CallersResult> {
  const maxDepth = Math.max(1, opts.depth ?? 1);
  const maxNodes = opts.maxNodes ?? 300;
  const stopAtEntry = opts.stopAtEntry ?? true;
  const nodes = new Map<string, CallNode>();
  const staticPath = new Map<string, string>();
  const edges: CallEdge[] = [];
  const tally: HitTally = { grepHits: 0, calls: 0, registrations: 0, definitions: 0, declarations: 0, other: 0, files: 0 };
  const parentsOf = new Map<string, Set<string>>();
  const root: string[] = [];
  let frontier: CallNode[] = [];

  for (let depth = 0; depth < maxDepth; depth++) {
    const names = depth === 0 ? [name] : [...new Set(frontier.map((n) => n.name))];
    if (!names.length) break;
    const lv = await level(ctx, sha, names, source);
    for (const k of Object.keys(tally) as Array<keyof HitTally>) tally[k] += lv.tally[k];
    if (depth === 0) {
      const fns = (lv.defs.get(name) ?? []).filter((d) => d.kind === 'function');
      const macros = (lv.defs.get(name) ?? []).filter((d) => d.kind === 'macro');
      const defs: Array<FunctionDef | null> = fns.length ? fns : [macros[0] ?? null];
      for (const d of defs) {
        const id = nodeId(name, d);
        if (nodes.has(id)) continue;
        const node: CallNode = { id, name, depth: 0, definition: d, entry: [], expanded: false };
        nodes.set(id, node);
        root.push(id);
        frontier.push(node);
      }
    }
    const next: CallNode[] = [];
    for (const node of frontier) {
      node.expanded = true;
      const defsHere = (lv.defs.get(node.name) ?? []).filter((d) => d.kind === 'function');
      if (!node.definition) {
        const sp = staticPath.get(node.id);
        node.definition = (sp ? defsHere.find((d) => d.path === sp) : defsHere.find((d) => !d.isStatic || isHeader(d.path))) ?? null;
      }
      const def = node.definition;
      if (def && def.kind === 'function') {
        node.entry.push(
          ...entryFromDefinition(
            {
              name: node.name,
              kind: 'function',
              startLine: def.startLine,
              endLine: def.endLine,
              isStatic: def.isStatic,
              ...(def.attributes ? { attributes: def.attributes } : {}),
              ...(def.definedBy ? { definedBy: def.definedBy } : {}),
            },
            def.path,
          ),
        );
      }
      if (!(def?.isStatic && !isHeader(def.path))) node.entry.push(...(lv.exports.get(node.name) ?? []));
      const parents = new Set<string>();
      const fresh: CallNode[] = [];
      for (const s of lv.sites) {
        if (s.name !== node.name || !siteMatches(def, defsHere, s.path)) continue;
        let callerId: string | null = null;
        let callerDef: FunctionDef | null = null;
        if (s.caller && s.callerKind === 'function') {
          callerDef = lv.fileDefs.get(s.path)?.get(s.caller) ?? null;
          callerId = nodeId(s.caller, callerDef);
          if (callerDef?.isStatic && !isHeader(callerDef.path)) staticPath.set(callerId, callerDef.path);
        } else if (s.caller) callerId = s.caller;
        const edge: CallEdge = { caller: callerId, callerKind: s.callerKind, callee: node.id, kind: s.kind, path: s.path, line: s.line, text: s.text };
        if (s.tag) {
          edge.how = s.tag.how;
          node.entry.push(s.tag);
        }
        edges.push(edge);
        if ((s.kind === 'call' || s.kind === 'macro') && callerId && (s.callerKind === 'function' || s.callerKind === 'macro') && callerId !== node.id) {
          parents.add(callerId);
          if (!nodes.has(callerId)) {
            const cname = s.caller ?? callerId;
            const cn: CallNode = { id: callerId, name: cname, depth: depth + 1, definition: callerDef, entry: [], expanded: false };
            nodes.set(callerId, cn);
            fresh.push(cn);
          }
        }
      }
      parentsOf.set(node.id, parents);
      node.entry = dedupeTags(node.entry);
      // Above the function asked about, an entry point ends the walk: its callers are listed, not expanded.
      if (!(stopAtEntry && node.depth > 0 && node.entry.length)) for (const cn of fresh) next.push(cn);
    }
    frontier = next.slice(0, Math.max(0, maxNodes - (nodes.size - next.length)));
  }
  const chains = buildChains(root, parentsOf, nodes, 50, stopAtEntry);
  return { name, rev: sha, root, nodes: [...nodes.values()].sort((a, b) => a.depth - b.depth || a.id.localeCompare(b.id)), edges, chains, tally };
}

function dedupeTags(tags: EntryTag[]): EntryTag[] {
  const seen = new Set<string>();
  return tags.filter((t) => {
    const k = `${t.kind}|${t.how}|${t.path}|${t.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Paths from each root up through callers, ending at entry points, leaves or the depth bound. */
function buildChains(
  root: readonly string[],
  parentsOf: ReadonlyMap<string, ReadonlySet<string>>,
  nodes: ReadonlyMap<string, CallNode>,
  limit: number,
  stopAtEntry: boolean,
): string[][] {
  const out: string[][] = [];
  const go = (path: string[]): void => {
    if (out.length >= limit) return;
    const last = path[path.length - 1] ?? '';
    const node = nodes.get(last);
    const ps = [...(parentsOf.get(last) ?? [])].filter((p) => !path.includes(p) && nodes.has(p));
    const stop = path.length > 1 && ((stopAtEntry && (node?.entry.length ?? 0) > 0) || !node?.expanded);
    if (!ps.length || stop) {
      out.push(path);
      return;
    }
    for (const p of ps) go([...path, p]);
  };
  for (const r of root) go([r]);
  return out;
}
