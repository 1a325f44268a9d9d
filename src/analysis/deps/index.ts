export { prerequisites, describeReason, linesToBlame } from './prerequisites.js';
export { pickQueue } from './queue.js';
export { parseThreadId } from './series.js';
export { identifiers } from './symbols.js';
export type * from './types.js';
