/** C code evidence: parsing (parse-c.ts, the only module that sees syntax trees), touched items, callers, symbols, MAINTAINERS. */
export * from './types.js';
export { type CParser, type ParseOptions } from './parse-c.js';
export { touched, type TouchedItem, type TouchedResult, type TouchedFile } from './touched.js';
export { findCallers, findCallersMany, type CallersResult, type CallNode, type CallEdge, type FunctionDef, type HitTally } from './callers.js';
export { type SymbolDef, type SymbolResult } from './symbols.js';
export { type MaintainersResult, type MaintainersSection, type SectionMatch } from './maintainers.js';
export { openCodeContext, type CodeContext } from './scan.js';
export type { EntryKind, EntryTag } from './entry.js';
