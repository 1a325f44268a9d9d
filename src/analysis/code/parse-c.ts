/**
 * The one module that touches tree-sitter. It turns C source text into plain records (types.ts):
 * definitions with line ranges, calls with their enclosing function, uses of chosen identifiers as values
 * (function pointers stored in ops tables, passed to INIT_WORK/timer_setup/..., assigned to fields), and
 * EXPORT_SYMBOL-style marks. Nothing else in stablepick sees a syntax tree.
 *
 * Pinned: web-tree-sitter 0.27.1 with the C grammar of tree-sitter-c 0.24.1 (its shipped wasm). The
 * parser is loaded once per process and reused.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree, type TreeCursor } from 'web-tree-sitter';
import { InternalError, StablepickError } from '../../errors.js';
import { blankAttributes, lineStartsOf, type BlankedAttribute } from './blank.js';
import { regionEndsOfText, regionsFromEnds, type Region } from './regions.js';
import type { CCall, CExportMark, CFileFacts, CItem, CRef, ItemKind, RefContext } from './types.js';
import { lowerBound } from '../../util/sorted.js';

export interface ParseOptions {
  /**
   * 1-based lines of interest. When given, only the regions (see regions.ts) holding these lines are
   * parsed; a region whose line of interest falls in a syntax error is retried with the whole file.
   */
  lines?: readonly number[];
  /** Identifiers whose uses as values (not calls) are recorded as refs. */
  refs?: ReadonlySet<string>;
}

export interface CParser {
  parse(source: string, opts?: ParseOptions): CFileFacts;
}

let loading: Promise<CParser> | null = null;

/** Loads the grammar once per process. */
export function loadCParser(): Promise<CParser> {
  loading ??= (async () => {
    try {
      const require = createRequire(import.meta.url);
      const wasm = require.resolve('tree-sitter-c/tree-sitter-c.wasm');
      await Parser.init();
      const lang = await Language.load(wasm);
      const parser = new Parser();
      parser.setLanguage(lang);
      return new TreeSitterC(parser);
    } catch (e) {
      loading = null;
      throw new StablepickError('IO', {
        op: 'load',
        target: 'the C grammar',
        why: (e as Error).message,
        fix: 'reinstall dependencies (npm ci): web-tree-sitter and tree-sitter-c must be present',
      });
    }
  })();
  return loading;
}

const C_KEYWORDS = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'sizeof',
  'do',
  'else',
  'case',
  'goto',
  'typeof',
  '__typeof__',
  'defined',
  '_Alignof',
  'alignof',
  '__alignof__',
  'offsetof',
  '_Static_assert',
  'static_assert',
  '__builtin_expect',
]);

interface Frame {
  depth: number;
  name: string;
  kind: ItemKind;
  /** Names declared inside this function (parameters, locals): uses of them are not uses of a function. */
  shadow?: Set<string>;
}

class TreeSitterC implements CParser {
  constructor(private readonly parser: Parser) {}

  parse(source: string, opts: ParseOptions = {}): CFileFacts {
    const lineStarts = lineStartsOf(source);
    const total = lineStarts.length;
    if (!opts.lines) return this.parseWhole(source, total, opts.refs);
    const regions = regionsFromEnds(regionEndsOfText(source, lineStarts), total, opts.lines);
    const facts = emptyFacts(total);
    for (const r of regions) {
      const from = lineStarts[r.startLine - 1] ?? 0;
      const to = r.endLine < lineStarts.length ? (lineStarts[r.endLine] ?? source.length) : source.length;
      const text = source.slice(from, to);
      const wantedHere = opts.lines.filter((l) => l >= r.startLine && l <= r.endLine);
      const focus = [...new Set(wantedHere.map((l) => l - r.startLine))].sort((a, b) => a - b);
      const part = this.parseText(text, r.startLine - 1, opts.refs, focus);
      if (part.badLines.size && wantedHere.some((l) => part.badLines.has(l) && !coveredByItem(part.facts.items, l))) {
        // The region parsed badly where we look: the cut may be wrong (another style). Parse the file.
        return this.parseWhole(source, total, opts.refs);
      }
      merge(facts, part.facts);
      facts.parsed.push(r);
    }
    return facts;
  }

  private parseWhole(source: string, total: number, refs?: ReadonlySet<string>): CFileFacts {
    const { facts } = this.parseText(source, 0, refs);
    facts.parsed = [{ startLine: 1, endLine: total }];
    facts.totalLines = total;
    return facts;
  }

  private parseText(text: string, lineOffset: number, refs?: ReadonlySet<string>, focus?: readonly number[]): { facts: CFileFacts; badLines: Set<number> } {
    const blanked = blankAttributes(text);
    const tree = this.parser.parse(blanked.text);
    if (!tree) throw new InternalError('tree-sitter-no-tree', 'tree-sitter returned no tree');
    try {
      const w = new Walker(tree, lineOffset, refs, blanked.attributes, blanked.exports, focus);
      w.run();
      const facts = emptyFacts(0);
      facts.items = w.items;
      facts.calls = w.calls;
      facts.refs = w.refs;
      facts.exports = blanked.exports.map((e) => ({ ...e, line: e.line + lineOffset }));
      facts.errorLines = w.badLines.size;
      return { facts, badLines: w.badLines };
    } finally {
      tree.delete();
    }
  }
}

function emptyFacts(total: number): CFileFacts {
  return { items: [], calls: [], refs: [], exports: [], parsed: [], errorLines: 0, totalLines: total };
}

function merge(into: CFileFacts, part: CFileFacts): void {
  // Appended one by one: spreading a generated file's hundred thousand refs overflows the stack.
  for (const x of part.items) into.items.push(x);
  for (const x of part.calls) into.calls.push(x);
  for (const x of part.refs) into.refs.push(x);
  for (const x of part.exports) into.exports.push(x);
  into.errorLines += part.errorLines;
}

function coveredByItem(items: readonly CItem[], line: number): boolean {
  return items.some((i) => i.kind === 'function' && i.startLine <= line && i.endLine >= line);
}

/** Collapses whitespace for one-line display. */
function oneLine(s: string, max = 240): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The identifier a declarator declares (through pointers, parentheses, arrays, function declarators). */
function declaratorName(n: Node | null): { name: string; isFunction: boolean } | null {
  let isFunction = false;
  let cur: Node | null = n;
  for (let guard = 0; cur && guard < 32; guard++) {
    switch (cur.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: cur.text, isFunction };
      case 'function_declarator':
        isFunction = true;
        cur = cur.childForFieldName('declarator');
        break;
      case 'pointer_declarator':
      case 'array_declarator':
      case 'init_declarator':
      case 'attributed_declarator':
        cur = cur.childForFieldName('declarator') ?? cur.firstNamedChild;
        break;
      case 'parenthesized_declarator':
        cur = cur.firstNamedChild;
        break;
      default:
        return null;
    }
  }
  return null;
}

function hasSpecifier(n: Node, word: string): boolean {
  for (const c of n.namedChildren) {
    if (c.type === 'storage_class_specifier' && c.text === word) return true;
  }
  return false;
}

function structTypeOf(typeNode: Node | null): string | undefined {
  if (!typeNode) return undefined;
  if (typeNode.type === 'struct_specifier' || typeNode.type === 'union_specifier') {
    return typeNode.childForFieldName('name')?.text;
  }
  if (typeNode.type === 'type_identifier') return typeNode.text;
  return undefined;
}

class Walker {
  readonly items: CItem[] = [];
  readonly calls: CCall[] = [];
  readonly refs: CRef[] = [];
  readonly badLines = new Set<number>();
  private readonly stack: Frame[] = [];
  /** Start offsets of compound statements that are bodies of macro-defined functions (SYSCALL_DEFINE3(...) {...}). */
  private readonly macroBodies = new Map<number, string>();
  /** Calls that are the header of a macro-defined function, not calls. */
  private readonly headerCalls = new Set<number>();
  private depth = 0;

  constructor(
    private readonly tree: Tree,
    private readonly off: number,
    private readonly refNames: ReadonlySet<string> | undefined,
    private readonly attributes: readonly BlankedAttribute[],
    private readonly exports: readonly CExportMark[],
    /** Sorted 0-based rows of the parsed text: when set, only nodes spanning one of them are walked. */
    private readonly focusRows?: readonly number[],
  ) {}

  private line(row: number): number {
    return row + 1 + this.off;
  }

  private endLine(n: { endPosition: { row: number; column: number }; startPosition: { row: number } }): number {
    const { row, column } = n.endPosition;
    return this.line(column === 0 && row > n.startPosition.row ? row - 1 : row);
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  run(): void {
    const c: TreeCursor = this.tree.walk();
    const focus = this.focusRows;
    try {
      for (;;) {
        let enter = true;
        let inside = true;
        if (focus && this.depth > 0) {
          // Only nodes that span a line of interest matter (the walk costs more than the parse); file-scope
          // items are still looked at, for macro-defined function headers (SYSCALL_DEFINE1(...) {).
          inside = intersects(focus, c.startPosition.row, c.endPosition.row);
          enter = inside || this.depth === 1;
        }
        const descend = enter && this.visit(c) && inside;
        if (descend && c.gotoFirstChild()) {
          this.depth++;
          continue;
        }
        for (;;) {
          if (c.gotoNextSibling()) {
            this.popTo(this.depth);
            break;
          }
          if (!c.gotoParent()) return;
          this.depth--;
          this.popTo(this.depth + 1);
        }
      }
    } finally {
      c.delete();
    }
  }

  /** Leaves frames opened at `depth` or deeper. */
  private popTo(depth: number): void {
    while (this.stack.length && (this.stack[this.stack.length - 1]?.depth ?? -1) >= depth) this.stack.pop();
  }

  private push(c: TreeCursor, name: string, kind: ItemKind): void {
    void c;
    this.stack.push({ depth: this.depth, name, kind });
  }

  /** Handles the cursor's node; returns whether to walk into its children. */
  private visit(c: TreeCursor): boolean {
    const type = c.nodeType;
    switch (type) {
      case 'function_definition':
        // Inside a function, `FOREACH_MACRO(i) { ... }` parses as a nested definition: it is a loop.
        if (this.top()?.kind !== 'function') this.functionDefinition(c);
        return true;
      case 'declaration':
        if (!this.stack.length) this.declaration(c);
        return true;
      case 'expression_statement':
        if (!this.stack.length) this.maybeMacroFunction(c);
        return true;
      case 'compound_statement':
        if (!this.stack.length) {
          const name = this.macroBodies.get(c.startIndex);
          if (name) this.push(c, name, 'function');
        }
        return true;
      case 'preproc_def':
      case 'preproc_function_def':
        this.macro(c);
        return false;
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier':
        this.tagged(c, type);
        return true;
      case 'type_definition':
        this.typedef(c);
        return true;
      case 'call_expression':
        this.call(c);
        return true;
      case 'identifier':
      case 'type_identifier':
        if (this.refNames?.has(c.nodeText)) this.ref(c);
        return false;
      case 'ERROR': {
        const s = c.startPosition.row;
        const e = c.endPosition.row;
        for (let r = s; r <= e; r++) this.badLines.add(this.line(r));
        return true;
      }
      case 'comment':
      case 'string_literal':
      case 'char_literal':
      case 'number_literal':
      case 'system_lib_string':
        return false;
      default:
        return true;
    }
  }

  private attributesIn(from: number, to: number): string[] | undefined {
    const out: string[] = [];
    for (const a of this.attributes) {
      const l = a.line + this.off;
      if (l >= from && l <= to && !out.includes(a.text)) out.push(a.text);
    }
    return out.length ? out : undefined;
  }

  private functionDefinition(c: TreeCursor): void {
    const n = c.currentNode;
    const body = n.childForFieldName('body');
    const declarator = n.childForFieldName('declarator');
    const typeNode = n.childForFieldName('type');
    let name: string | null = null;
    let definedBy: string | undefined;
    if (declarator?.type === 'parenthesized_declarator' && typeNode?.type === 'type_identifier') {
      // RTE_INIT(name) { ... }: a macro that expands to a function header.
      name = declarator.firstNamedChild?.text ?? null;
      definedBy = typeNode.text;
    } else {
      const d = declaratorName(declarator);
      name = d?.name ?? null;
      // `static DEFINE_FOO(name, args) {` parses as function `DEFINE_FOO` with parameters: use the first one.
      if (name && /^[A-Z][A-Z0-9_]*$/.test(name) && declarator?.type === 'function_declarator') {
        const first = declarator.childForFieldName('parameters')?.firstNamedChild;
        const inner = first ? (first.type === 'parameter_declaration' ? first.text : first.text) : null;
        if (inner && /^[A-Za-z_]\w*$/.test(inner)) {
          definedBy = name;
          name = inner;
        }
      }
    }
    if (!name) name = '<anonymous>';
    const startLine = this.line(n.startPosition.row);
    const endLine = this.endLine(n);
    const bodyLine = body ? this.line(body.startPosition.row) : endLine;
    const item: CItem = {
      name,
      kind: 'function',
      startLine,
      endLine,
      bodyLine,
      isStatic: hasSpecifier(n, 'static'),
      isInline: hasSpecifier(n, 'inline') || hasSpecifier(n, '__inline') || hasSpecifier(n, '__inline__'),
      signature: oneLine(
        n.children
          .filter((x) => x.type !== 'compound_statement' && x.type !== 'comment')
          .map((x) => x.text)
          .join(' '),
      ),
    };
    const attrs = this.attributesIn(startLine - 1, bodyLine);
    if (attrs) {
      item.attributes = attrs;
      if (attrs.some((a) => a.endsWith('always_inline'))) item.isInline = true;
    }
    if (definedBy) item.definedBy = definedBy;
    this.items.push(item);
    this.push(c, name, 'function');
  }

  /** `SYSCALL_DEFINE3(open, ...)` followed by a block at file scope: a function defined by a macro. */
  private maybeMacroFunction(c: TreeCursor): void {
    const n = c.currentNode;
    const call = n.firstNamedChild;
    if (call?.type !== 'call_expression') return;
    const next = n.nextNamedSibling;
    if (next?.type !== 'compound_statement') return;
    const macro = call.childForFieldName('function')?.text ?? '';
    if (!/^[A-Z_][A-Z0-9_]*$/.test(macro)) return;
    const first = call.childForFieldName('arguments')?.firstNamedChild;
    const name = first && /^[A-Za-z_]\w*$/.test(first.text) ? first.text : macro;
    const startLine = this.line(n.startPosition.row);
    const endLine = this.endLine(next);
    const item: CItem = {
      name,
      kind: 'function',
      startLine,
      endLine,
      bodyLine: this.line(next.startPosition.row),
      isStatic: false,
      isInline: false,
      definedBy: macro,
      signature: oneLine(call.text),
    };
    this.items.push(item);
    this.macroBodies.set(next.startIndex, name);
    this.headerCalls.add(call.startIndex);
  }

  private declaration(c: TreeCursor): void {
    const n = c.currentNode;
    const typeNode = n.childForFieldName('type');
    const structType = structTypeOf(typeNode);
    const startLine = this.line(n.startPosition.row);
    const endLine = this.endLine(n);
    const isStatic = hasSpecifier(n, 'static');
    let first: string | null = null;
    let firstKind: ItemKind = 'global';
    const declarators = n.childrenForFieldName('declarator');
    for (const d of declarators) {
      const dn = declaratorName(d);
      if (!dn?.name) continue;
      const kind: ItemKind = dn.isFunction ? 'prototype' : 'global';
      const item: CItem = { name: dn.name, kind, startLine, endLine, isStatic };
      if (kind === 'prototype') item.signature = oneLine(n.text);
      else if (typeNode) item.signature = oneLine(typeNode.text, 120);
      if (structType && kind === 'global') item.structType = structType;
      const attrs = this.attributesIn(startLine, endLine);
      if (attrs) item.attributes = attrs;
      this.items.push(item);
      if (!first) {
        first = dn.name;
        firstKind = kind;
      }
    }
    if (!first && typeNode?.type === 'macro_type_specifier') {
      // static DEFINE_SPINLOCK(lock); DEFINE_PER_CPU(type, name); DECLARE_WORK(w, fn);
      const m = /([A-Za-z_]\w*)\s*\(([\s\S]*)\)\s*;?\s*$/.exec(n.text);
      const macro = m?.[1] ?? '';
      const args = splitArgs(m?.[2] ?? '');
      const pick = /PER_CPU/.test(macro) ? args[args.length - 1] : args[0];
      if (pick && /^[A-Za-z_]\w*$/.test(pick)) {
        this.items.push({ name: pick, kind: 'global', startLine, endLine, isStatic, definedBy: macro });
        first = pick;
      }
    }
    if (first) this.push(c, first, firstKind);
  }

  private macro(c: TreeCursor): void {
    const n = c.currentNode;
    const name = n.childForFieldName('name')?.text;
    if (!name) return;
    const startLine = this.line(n.startPosition.row);
    const endLine = this.endLine(n);
    const item: CItem = { name, kind: 'macro', startLine, endLine };
    const params = n.childForFieldName('parameters');
    if (params) item.signature = `${name}${params.text}`;
    this.items.push(item);
    const value = n.childForFieldName('value');
    if (value) {
      // Macro bodies are not parsed by the grammar: find calls lexically (strings and comments blanked).
      const text = value.text.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => m.replace(/[^\n]/g, ' '));
      const base = value.startPosition.row;
      const re = /\b([A-Za-z_]\w*)\s*\(/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        const callee = m[1] ?? '';
        if (C_KEYWORDS.has(callee) || callee === name) continue;
        const row = base + countNewlines(text, m.index);
        this.calls.push({ callee, line: this.line(row), column: 0, via: 'macro-body', caller: name, callerKind: 'macro' });
      }
      if (this.refNames) {
        const idRe = /\b([A-Za-z_]\w*)\b(?!\s*\()/g;
        while ((m = idRe.exec(text)) !== null) {
          const id = m[1] ?? '';
          if (!this.refNames.has(id)) continue;
          const row = base + countNewlines(text, m.index);
          this.refs.push({ name: id, line: this.line(row), column: 0, context: 'other', enclosing: name, enclosingKind: 'macro' });
        }
      }
    }
  }

  private tagged(c: TreeCursor, type: string): void {
    const n = c.currentNode;
    const body = n.childForFieldName('body');
    const name = n.childForFieldName('name')?.text;
    if (!body || !name) return;
    const kind: ItemKind = type === 'struct_specifier' ? 'struct' : type === 'union_specifier' ? 'union' : 'enum';
    this.items.push({ name, kind, startLine: this.line(n.startPosition.row), endLine: this.endLine(n) });
  }

  private typedef(c: TreeCursor): void {
    const n = c.currentNode;
    const typeNode = n.childForFieldName('type');
    const structType = structTypeOf(typeNode);
    for (const d of n.childrenForFieldName('declarator')) {
      const dn = declaratorName(d);
      if (!dn) continue;
      const item: CItem = { name: dn.name, kind: 'typedef', startLine: this.line(n.startPosition.row), endLine: this.endLine(n) };
      if (structType) item.structType = structType;
      this.items.push(item);
    }
  }

  private call(c: TreeCursor): void {
    if (this.headerCalls.has(c.startIndex)) return;
    const n = c.currentNode;
    const fn = n.childForFieldName('function');
    if (!fn) return;
    let callee: string;
    let via: CCall['via'];
    if (fn.type === 'identifier') {
      callee = fn.text;
      via = 'direct';
    } else if (fn.type === 'field_expression') {
      callee = fn.childForFieldName('field')?.text ?? oneLine(fn.text, 80);
      via = 'field';
    } else {
      callee = oneLine(fn.text, 80);
      via = 'pointer';
    }
    const f = this.top();
    this.calls.push({
      callee,
      line: this.line(fn.startPosition.row),
      column: fn.startPosition.column,
      via,
      caller: f?.name ?? null,
      callerKind: f?.kind ?? null,
    });
  }

  private ref(c: TreeCursor): void {
    const field = c.currentFieldName;
    const n = c.currentNode;
    const parent = n.parent;
    if (!parent) return;
    // A call's callee, a definition's or declaration's own name: not a use as a value.
    if (field === 'function' && parent.type === 'call_expression') return;
    if (field === 'declarator') {
      // The name being declared: a definition, a prototype, a variable or a parameter. Inside a function a
      // parameter or local of that name hides the function for the rest of the body.
      const f = this.top();
      if (f?.kind === 'function' && parent.type !== 'function_declarator') (f.shadow ??= new Set()).add(c.nodeText);
      return;
    }
    if (this.top()?.shadow?.has(c.nodeText)) return;
    if (parent.type === 'parenthesized_declarator' && parent.parent?.type === 'function_definition') return;
    if (field === 'name' && (parent.type === 'preproc_def' || parent.type === 'preproc_function_def')) return;
    // The name in a macro-defined function's header (SYSCALL_DEFINE1(name, ...) {).
    if (parent.type === 'argument_list' && parent.parent && this.headerCalls.has(parent.parent.startIndex)) return;
    const f = this.top();
    const r: CRef = {
      name: n.text,
      line: this.line(n.startPosition.row),
      column: n.startPosition.column,
      context: 'other',
      enclosing: f?.name ?? null,
      enclosingKind: f?.kind ?? null,
    };
    this.classify(n, r);
    this.refs.push(r);
  }

  /** Climbs from a use of an identifier to the construct that gives it meaning. */
  private classify(n: Node, r: CRef): void {
    let child: Node = n;
    let p: Node | null = n.parent;
    let ctx: RefContext | null = null;
    for (let guard = 0; p && guard < 12; guard++) {
      switch (p.type) {
        case 'argument_list': {
          const call = p.parent;
          if (call?.type === 'call_expression') {
            const fn = call.childForFieldName('function');
            r.context = 'argument';
            r.target = fn?.type === 'field_expression' ? (fn.childForFieldName('field')?.text ?? fn.text) : oneLine(fn?.text ?? '', 80);
            r.argIndex = p.namedChildren.findIndex((x) => x.startIndex <= child.startIndex && x.endIndex >= child.endIndex);
            return;
          }
          break;
        }
        case 'macro_type_specifier': {
          r.context = 'macro-arg';
          r.target = p.childForFieldName('name')?.text ?? '';
          return;
        }
        case 'initializer_pair': {
          if (!ctx) {
            ctx = 'initializer';
            r.context = 'initializer';
            const d = p.childForFieldName('designator') ?? p.firstNamedChild;
            if (d) r.field = d.text.replace(/^[.[]\s*|\s*\]$/g, '');
          }
          break;
        }
        case 'initializer_list': {
          if (!ctx) {
            ctx = 'initializer';
            r.context = 'initializer';
          }
          break;
        }
        case 'init_declarator': {
          if (ctx === 'initializer') {
            const dn = declaratorName(p.childForFieldName('declarator'));
            if (dn) r.variable = dn.name;
            const decl = p.parent;
            if (decl?.type === 'declaration') {
              const st = structTypeOf(decl.childForFieldName('type'));
              if (st) r.structType = st;
            }
          }
          return;
        }
        case 'assignment_expression': {
          if (ctx) return;
          const left = p.childForFieldName('left');
          if (left && left.startIndex !== child.startIndex) {
            r.context = 'assignment';
            r.target = oneLine(left.text, 80);
            if (left.type === 'field_expression') {
              const fld = left.childForFieldName('field')?.text;
              if (fld) r.field = fld;
            }
          }
          return;
        }
        case 'return_statement':
          if (!ctx) r.context = 'return';
          return;
        case 'expression_statement':
        case 'declaration':
        case 'compound_statement':
        case 'function_definition':
        case 'translation_unit':
          return;
        default:
          break;
      }
      child = p;
      p = p.parent;
    }
  }
}

/** Splits a macro argument list at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Whether sorted `rows` has a value in [s, e]. */
function intersects(rows: readonly number[], s: number, e: number): boolean {
  const lo = lowerBound(rows, s);
  return lo < rows.length && (rows[lo] ?? Infinity) <= e;
}

function countNewlines(s: string, end: number): number {
  let k = 0;
  for (let i = s.indexOf('\n'); i >= 0 && i < end; i = s.indexOf('\n', i + 1)) k++;
  return k;
}

export type { Region };
