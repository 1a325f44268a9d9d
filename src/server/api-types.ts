/**
 * The dashboard's JSON API: what the server sends and the browser reads. Type-only, shared by
 * src/server and web/ (the front end imports it with `import type`, so nothing of the server is bundled).
 */

export type RowVerdict = 'YES' | 'NO' | 'NEEDS-REVIEW' | 'IN-BRANCH';
export type ReviewState = 'accepted' | 'rejected' | 'needs-review' | 'deferred' | 'unreviewed';
export type WritableStatus = Exclude<ReviewState, 'unreviewed'>;

export const ROW_VERDICTS: readonly RowVerdict[] = ['YES', 'NEEDS-REVIEW', 'NO', 'IN-BRANCH'];
export const REVIEW_STATES: readonly ReviewState[] = ['unreviewed', 'accepted', 'rejected', 'needs-review', 'deferred'];

/** One upstream commit judged for one branch, with its review. */
export interface CandidateRow {
  sha: string;
  branch: string;
  subject: string;
  /** Position in the range, oldest first. */
  order: number;
  /** Author time (Unix s). */
  time: number;
  author: string;
  /** What the dashboard shows: the selection's verdict after the review ('IN-BRANCH' when the branch holds it). */
  verdict: RowVerdict;
  /** The selection's own verdict, before the review. */
  modelVerdict: RowVerdict;
  confidence: number;
  probability: number;
  /** The deciding reason in a maintainer's words (the review's reason when the review decided). */
  reason: string;
  reasons: string[];
  status: ReviewState;
  who: string | null;
  why: string | null;
  /** When the review was recorded (Unix s). */
  at: number | null;
  subsystem: string;
  /** Files of the commit (the first 50). */
  paths: string[];
  files: number;
  /** The pick's sha when the branch already holds the commit. */
  already: string | null;
}

export interface BranchOverview {
  branch: string;
  total: number;
  /** verdict → review state → count. */
  counts: Record<RowVerdict, Record<ReviewState, number>>;
  /** Confidence in 10 bins: [0,0.1), [0.1,0.2) ... [0.9,1]. */
  histogram: number[];
  /** Subsystems with their number of commits, most first. */
  subsystems: { name: string; count: number }[];
}

export interface Overview {
  range: string;
  branches: BranchOverview[];
  /** Unix ms when the range was judged. */
  judgedAt: number;
  reviewer: string | null;
}

export type SortKey = 'order' | 'sha' | 'subject' | 'verdict' | 'confidence' | 'status' | 'subsystem' | 'time';

export interface CandidateQuery {
  branch: string;
  verdict?: RowVerdict[];
  status?: ReviewState[];
  q?: string;
  path?: string;
  subsystem?: string;
  minConf?: number;
  sort?: SortKey;
  dir?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface CandidatePage {
  branch: string;
  /** Rows of the branch before filtering. */
  total: number;
  /** Rows that pass the filters. */
  matched: number;
  offset: number;
  rows: CandidateRow[];
}

export interface CommitDetail {
  sha: string;
  subject: string;
  author: { name: string; email: string; time: number };
  message: string;
  files: { path: string; status: string }[];
  /** The unified diff of the upstream commit against its first parent (3 lines of context). */
  diff: string;
  /** One row per branch of the session. */
  rows: CandidateRow[];
  /** Every review decision per branch, oldest first. */
  history: Record<string, ReviewEntry[]>;
  /** Trial pick per branch (absent while it runs or when not tried). */
  apply?: Record<string, { apply: ApplyState; reason: string }>;
  /** The range's queue this commit belongs to, with each member's state per branch. */
  queue?: (QueueInfo & { state: Record<string, { sha: string; subject: string; status: ReviewState; verdict: RowVerdict; apply: ApplyState }[]> }) | null;
}

export interface ReviewEntry {
  status: WritableStatus;
  who: string;
  at: number;
  why: string;
  source: string;
}

export interface QueueLink {
  sha: string;
  subject: string;
  role: 'prerequisite' | 'candidate' | 'follow-up';
  why: string[];
}

/** The language models' paragraphs of a case (`serve --llm`): each sentence was checked against the case's facts. */
export interface CaseLlmView {
  paragraphs: { model: string; part: 'bug' | 'change'; text: string }[];
  votes: { model: string; vote: string; reasons: string }[];
  /** stablepick's own verdict, beside the votes (the votes never change it). */
  stablepick: string;
  disagreement: string | null;
  /** The sentences removed because they cite what the facts do not hold, with why. */
  unverified: string[];
  notes: string[];
}

export interface CaseView {
  sha: string;
  markdown: string;
  /** Present only when the dashboard was started with `--llm` and an endpoint is configured. */
  llm?: CaseLlmView;
  branches: {
    branch: string;
    verdict: string;
    confidence: number;
    applies: boolean;
    already: string | null;
    bug: string;
    queue: QueueLink[];
    apply: { sha: string; result: string; reason: string }[];
  }[];
  followUps: { sha: string; subject: string; kind: string }[];
  prerequisites: { sha: string; subject: string; strength: string }[];
}

export interface AuditView {
  branch: string;
  tip: string;
  missing: {
    sha: string;
    subject: string;
    commitTime: number;
    firstRelease: string | null;
    depth: number;
    kind: string;
    fixes: { sha: string; subject: string }[];
    passedOver: boolean;
    revertedUpstream: boolean;
  }[];
  revertedSkipped: number;
  heldFixes: number;
}

export interface ReviewRequest {
  sha: string;
  branch: string;
  /** 'unreviewed' takes the current decision back (undo of a first decision). */
  status: WritableStatus | 'unreviewed';
  why?: string;
}

export interface ApiError {
  error: { code: string; message: string; hint: string };
}

/** Whether the commit applies to the branch's tip (a trial cherry-pick); 'pending' until it has been tried. */
export type ApplyState = 'clean' | 'offset' | 'conflict' | 'already' | 'empty' | 'pending' | 'failed';

/** A mark from the upstream message: a Fixes: trailer, a stable tag, a CVE id or security words, Reported-by. */
export type Mark = 'fixes' | 'stable' | 'cve' | 'security' | 'reported';
export const MARKS: readonly Mark[] = ['fixes', 'stable', 'cve', 'security', 'reported'];

/** One branch's cell of the matrix: the verdict, P(pick), whether it applies, the decision. */
export interface MatrixCell {
  verdict: RowVerdict;
  modelVerdict: RowVerdict;
  probability: number;
  confidence: number;
  status: ReviewState;
  who: string | null;
  why: string | null;
  apply: ApplyState;
  /** The trial pick's one-line reason (conflict file, offset, the branch's copy). */
  applyReason: string;
  reason: string;
}

/** Commits that must go together (connected by Fixes:-like edges inside the range), oldest first. */
export interface QueueInfo {
  /** The queue's members, in range order (this commit among them). */
  members: string[];
  /** Each edge, as the message line says it: `<from> fixes <to>: Fixes: abc ("...")`. */
  edges: { from: string; to: string; line: string }[];
}

export interface MatrixRow {
  sha: string;
  subject: string;
  order: number;
  time: number;
  author: string;
  subsystem: string;
  marks: Mark[];
  /** One per branch of MatrixView.branches; null when the commit is not judged for that branch. */
  cells: (MatrixCell | null)[];
  queue: QueueInfo | null;
}

export interface MatrixView {
  range: string;
  branches: string[];
  rows: MatrixRow[];
  /** Trial picks still running in the background: the apply column fills in as they finish. */
  applyPending: number;
  /** Changes whenever the review state or the apply results change (the page polls it). */
  version: number;
}

export interface BulkReviewRequest {
  decisions: ReviewRequest[];
}

/** Each branch's conflict of a commit: per file, the hunks with the branch's text and the patch's. */
export interface ConflictView {
  sha: string;
  branches: {
    branch: string;
    apply: ApplyState;
    reason: string;
    files: {
      path: string;
      kinds: string[];
      hunks: { branchStart: number | null; branchText: string; baseText: string; patchText: string; raw: string }[];
    }[];
  }[];
}

export type ExportFormatName = 'mbox' | 'cherry-pick' | 'quilt';

export interface ExportView {
  branch: string;
  format: ExportFormatName;
  /** Where the server wrote it (a fresh folder under the system's temp folder). */
  out: string;
  members: { sha: string; subject: string; state: string; reason: string; file?: string }[];
  conflict: { sha: string; subject: string; reason: string } | null;
  /** The written files (text), for the preview and the download. */
  files: { name: string; text: string }[];
}

export interface MailView {
  branch: string;
  /** The mbox of the AUTOSEL mails of the accepted commits. */
  mbox: string;
  mails: { sha: string; subject: string; messageId: string; to: string[]; cc: string[] }[];
  skipped: { sha: string; subject: string; reason: string }[];
  /** Set once written: the mbox file and the Message-IDs recorded for `review import`. */
  out: string | null;
}

export interface AuditStatus {
  /** sha → review state for the branch, and apply state. */
  status: Record<string, ReviewState>;
  apply: Record<string, { apply: ApplyState; reason: string }>;
}

/** A branch's matrix cell from its candidate row (shared by the server and the page, which updates cells after a decision). */
export function cellOfRow(r: CandidateRow, apply: { state: ApplyState; reason: string } | undefined): MatrixCell {
  return {
    verdict: r.verdict,
    modelVerdict: r.modelVerdict,
    probability: r.probability,
    confidence: r.confidence,
    status: r.status,
    who: r.who,
    why: r.why,
    apply: r.already ? 'already' : (apply?.state ?? 'pending'),
    applyReason: r.already ? `the branch has it as ${r.already.slice(0, 12)}` : (apply?.reason ?? ''),
    reason: r.reason,
  };
}
