/**
 * What the dashboard serves, behind one seam: the repository's judged range (repo-source.ts) in normal
 * use, generated rows in the benchmark. The HTTP layer (app.ts) only talks to this interface.
 */
import type {
  AuditStatus,
  AuditView,
  CandidateRow,
  CaseView,
  CommitDetail,
  ConflictView,
  ExportFormatName,
  ExportView,
  MailView,
  MatrixView,
  ReviewRequest,
  ReviewState,
} from './api-types.js';

export interface CandidateSource {
  /** The upstream range as given (`A..B`). */
  readonly range: string;
  readonly branches: readonly string[];
  /** Unix ms when the range was judged. */
  readonly judgedAt: number;
  /** Who a decision taken in the browser is recorded as; null when nobody is configured. */
  readonly reviewer: string | null;
  /** Every row of a branch, in range order (oldest first), with the review state as of now. */
  rows(branch: string): readonly CandidateRow[];
  /** The commit × branch matrix, with the review state as of now. */
  matrix(): MatrixView;
  /** Changes when the review state or the trial picks change (cheap: the page polls it). */
  version(): number;
  /** The commit page: message, files, diff and one row per branch (`withDiff: false`: diff left empty, for a fast first paint). */
  commit(sha: string, opts?: { withDiff?: boolean }): Promise<CommitDetail>;
  /** The written case of a commit for the session's branches. */
  writtenCase(sha: string): Promise<CaseView>;
  audit(branch: string): Promise<AuditView>;
  /** Records a decision ('unreviewed' takes the current one back) and returns the commit's recomputed row. */
  review(req: ReviewRequest): CandidateRow;
  /** The conflicting hunks of a commit per branch. */
  conflicts?(sha: string): Promise<ConflictView>;
  /** The accepted queue of a branch written as `review export` does. */
  exportQueue?(branch: string, format: ExportFormatName): Promise<ExportView>;
  /** The AUTOSEL mails of the accepted commits of a branch (preview; `write` records their Message-IDs). */
  mail?(branch: string, opts: { from?: string; to?: string[]; write: boolean }): Promise<MailView>;
  /** Review and apply state of the audit's missing fixes. */
  auditStatus?(branch: string): Promise<AuditStatus>;
  /** A decision on any indexed commit (the audit's missing fixes are outside the judged range). */
  reviewAny?(req: ReviewRequest): ReviewState;
}
