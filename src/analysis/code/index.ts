/** C code evidence: parsing (parse-c.ts, the only module that sees syntax trees), touched items, callers, symbols, MAINTAINERS. */
export * from './types.js';
export { loadCParser, GRAMMAR, type CParser, type ParseOptions } from './parse-c.js';
export { blankAttributes } from './blank.js';
export { touched, itemAt, isCPath, type TouchedItem, type TouchedResult, type TouchedFile } from './touched.js';
export { findCallers, type CallersResult, type CallNode, type CallEdge, type FunctionDef, type HitTally } from './callers.js';
export { findSymbol, symbolExists, type SymbolDef, type SymbolResult } from './symbols.js';
export { parseMaintainers, matchMaintainers, maintainersForPaths, maintainersForCommit, patternMatches, type MaintainersResult, type MaintainersSection, type SectionMatch } from './maintainers.js';
export { openCodeContext, scanNames, type CodeContext } from './scan.js';
export type { EntryKind, EntryTag } from './entry.js';
