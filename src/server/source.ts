/**
 * What the dashboard serves, behind one seam: the repository's judged range (repo-source.ts) in normal
 * use, generated rows in the benchmark. The HTTP layer (app.ts) only talks to this interface.
 */
import type { AuditView, CandidateRow, CaseView, CommitDetail, ReviewRequest } from './api-types.js';

export interface CandidateSource {
  /** The upstream range as given (`A..B`). */
  readonly range: string;
  readonly branches: readonly string[];
  /** Unix ms when the range was judged. */
  readonly judgedAt: number;
  /** Who a decision taken in the browser is recorded as; null when nobody is configured. */
  readonly reviewer: string | null;
  /** Every row of a branch, in range order (oldest first). The server filters and sorts these. */
  rows(branch: string): readonly CandidateRow[];
  /** The commit page: message, files, diff and one row per branch. */
  commit(sha: string): Promise<CommitDetail>;
  /** The written case of a commit for the session's branches. */
  writtenCase(sha: string): Promise<CaseView>;
  audit(branch: string): Promise<AuditView>;
  /** Records a decision and returns the commit's recomputed row for that branch. */
  review(req: ReviewRequest): CandidateRow;
}
