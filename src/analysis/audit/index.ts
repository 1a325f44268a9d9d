export { auditBranch } from './audit.js';
export type * from './types.js';
