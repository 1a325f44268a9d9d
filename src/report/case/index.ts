/** The written case: facts about one commit for some branches, checked, as Markdown or JSON. */
export { buildCase, branchRelease, type CaseContext, type CaseOptions } from './build.js';
export { caseMarkdown } from './markdown.js';
export { caseText } from './text.js';
export { findProblems, textProblems, verifyCase, type VerifyProblem } from './verify.js';
export * from './types.js';
