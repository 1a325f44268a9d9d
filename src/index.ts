/**
 * stablepick as a library: what a program (a bench, a test, an MCP server, a CI job) needs, with typed
 * options, and nothing of the command line. Open a workspace, index it, judge a range, follow a commit's
 * queue, trial-pick it, write its case, audit a branch, record and export review decisions. The CLI is
 * one user of this face; every function here is also what a command calls.
 */
export { InternalError, isInternalError, isStablepickError, StablepickError, type ErrorCode, type ErrorData, type ErrorDataMap } from './errors.js';
export { openContext, withContext, type CommonOptions, type Context } from './workspace.js';

// The index.
export { indexRepository, type IndexOptions, type IndexProgress, type IndexReport } from './history/indexer.js';
export { indexStats, listBranches, commitView, resolveIndexed, type IndexStats, type BranchInfo, type CommitView } from './history/queries.js';

// Facts per commit and branch.
export { followUps, type FollowUpOptions } from './analysis/fixes/follow-ups.js';
export { pickQueue } from './analysis/deps/queue.js';
export { affectedBranches, type AffectedOptions } from './analysis/affected/affected.js';
export { ApplyChecker, withApplyChecker, type ApplyCheckOptions } from './analysis/apply/apply-check.js';
export { applyOntoBranches, type ApplyRunOptions, type BranchApplyRun } from './analysis/apply/branch-run.js';
export { auditBranch } from './analysis/audit/audit.js';

// Selection.
export { judgeRange, type JudgeRangeInput, type JudgedRange } from './select/judge-range.js';
export { classifiedAudit, type ClassifiedAuditOptions } from './select/audit.js';
export { trainModel, modelToJson, modelFromJson, type SelectionModel } from './select/model.js';
export { trainAndStore, type TrainOptions } from './select/train.js';

// The written case.
export { buildCase, caseMarkdown, verifyCase, type CaseOptions } from './report/case/index.js';

// Review.
export { ReviewStore, REVIEW_STATUSES, type ReviewStatus, type ReviewRecord } from './review/store.js';
export { exportQueue, EXPORT_FORMATS, type ExportFormat, type ExportResult } from './review/export.js';
export { importMbox, type ImportSummary } from './review/import.js';
