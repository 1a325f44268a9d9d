/** Does it apply: the trial cherry-pick stage (see docs/apply-check.md). */
export { ApplyChecker, withApplyChecker, subjectOf, type ApplyCheckOptions, type PickRequest } from './apply-check.js';
export { comparePatches, parsePatch, patchPaths, type PatchFile, type PatchHunk } from './patch-hunks.js';
export { upstreamShasInMessage, refNames } from './upstream-markers.js';
export * from './types.js';
