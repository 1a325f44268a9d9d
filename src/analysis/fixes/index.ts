export { loadFixGraph, type FixGraph } from './graph.js';
export { followUps, upstreamState, type FollowUpOptions } from './follow-ups.js';
export { branchState, mainlineState, commitGraph, describeHolding, stableBranchNames, tipAsOf, type BranchState } from './branch-state.js';
export type * from './types.js';
export { parseAsOf } from './as-of.js';
