/**
 * Plain records of C code facts. Every record carries its evidence: a path and 1-based lines, and, once it
 * leaves the parser, the revision (a full sha) it was read at.
 */

/** What a top-level item of a C file is. */
export type ItemKind = 'function' | 'macro' | 'struct' | 'union' | 'enum' | 'typedef' | 'global' | 'prototype';

/** A definition or declaration found in one file (lines are 1-based, inclusive). */
export interface CItem {
  name: string;
  kind: ItemKind;
  startLine: number;
  endLine: number;
  /** Functions: the line of the opening brace of the body. */
  bodyLine?: number;
  isStatic?: boolean;
  isInline?: boolean;
  /** Attribute macros blanked in the item's header (`__init`, `__rte_experimental`, ...). */
  attributes?: string[];
  /** The macro that wraps the definition: `SYSCALL_DEFINE3`, `RTE_INIT`, `BPF_CALL_2`, ... */
  definedBy?: string;
  /** Functions: the declaration text up to the body, on one line. Globals: the type. */
  signature?: string;
  /** Globals and typedefs: the struct/union type named in the declaration (e.g. `eth_dev_ops`). */
  structType?: string;
}

/** How a call names its callee. */
export type CallVia = 'direct' | 'field' | 'pointer' | 'macro-body';

/** A call expression, with the item it sits in. */
export interface CCall {
  callee: string;
  line: number;
  column: number;
  via: CallVia;
  /** Name of the enclosing function (or macro/global), null at file scope. */
  caller: string | null;
  callerKind: ItemKind | null;
}

/** Where an identifier is used as a value (not called): a function pointer being stored or passed. */
export type RefContext = 'initializer' | 'assignment' | 'argument' | 'macro-arg' | 'return' | 'other';

export interface CRef {
  name: string;
  line: number;
  column: number;
  context: RefContext;
  /** initializer: the designated field (`.open = name` gives `open`); assignment: the field assigned. */
  field?: string;
  /** argument / macro-arg: the function or macro called; assignment: the left-hand side text. */
  target?: string;
  argIndex?: number;
  /** initializer: the struct type of the initialized object, when the declaration names it. */
  structType?: string;
  /** initializer: the variable being initialized. */
  variable?: string;
  enclosing: string | null;
  enclosingKind: ItemKind | null;
}

/** `EXPORT_SYMBOL(name)`-style lines (blanked before parsing; recorded here). */
export interface CExportMark {
  name: string;
  line: number;
  macro: string;
}

/** Everything the parser tells about one file (or the parts of it that were parsed). */
export interface CFileFacts {
  items: CItem[];
  calls: CCall[];
  refs: CRef[];
  exports: CExportMark[];
  /** Line ranges that were parsed (the whole file, or regions around lines of interest). */
  parsed: Array<{ startLine: number; endLine: number }>;
  /** Lines that lie inside ERROR nodes of the syntax tree (a measure of how well the file parsed). */
  errorLines: number;
  totalLines: number;
}

/** A fact's evidence: where in which tree. */
export interface Evidence {
  path: string;
  line: number;
  /** Full sha of the commit the file was read at. */
  rev: string;
}
