export { affectedBranches, type AffectedOptions } from './affected.js';
export type * from './types.js';
