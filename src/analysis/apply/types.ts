/**
 * What a trial cherry-pick of one commit onto one branch tip found. Plain JSON, so the index can cache
 * it by (commit, tip): `sha` and `tip` are the key, `version` tells a cached result from an older
 * stablepick apart.
 */

export const APPLY_RESULT_VERSION = 1;

export type ApplyOutcome = 'clean' | 'clean-with-offset' | 'conflict' | 'already-applied' | 'empty';

export interface ApplyResult {
  version: number;
  /** The upstream commit picked, and its subject. */
  sha: string;
  subject: string;
  /** The branch as the user named it (or the tip id when given an id). */
  branch: string;
  /** The branch tip the pick was tried on (a real commit of the repository). */
  tip: string;
  /**
   * The commit the pick was applied to: `tip` itself, or, inside a queue, the synthetic commit holding
   * the earlier members' results (it exists only in the run's private object directory).
   */
  onto: string;
  result: ApplyOutcome;
  /** Why, in one line (e.g. "3 hunks moved", "CONFLICT (content) in lib/x.c"). */
  reason: string;
  /** The merged tree of a clean pick (an object of the private store); null otherwise. */
  resultTree: string | null;
  /** The adapted patch (git format-patch text against `onto`), for clean and clean-with-offset. */
  patch: string | null;
  /** How the adapted patch differs from the upstream one (clean picks). */
  adaptation: Adaptation | null;
  conflicts: ConflictFile[];
  /** Upstream commits (not on the branch) that last changed the lines in conflict: likely missing prerequisites. */
  prerequisites: SuspectCommit[];
  /** Branch commits (not upstream of the picked commit) that last changed the lines in conflict. */
  branchCommits: SuspectCommit[];
  /** For already-applied: the commit of the branch that carries the change (or `sha` itself, when merged). */
  appliedAs: string | null;
  /** merge-ort's informational messages (renames followed, auto-merges), verbatim. */
  messages: string[];
}

export interface Adaptation {
  /** Same added, removed and context lines as upstream (equal patch-id up to whitespace): only line numbers may differ. */
  identicalChange: boolean;
  /** Hunks whose text is upstream's but which start at another line on the branch. */
  shiftedHunks: HunkShift[];
  /** Hunks whose text differs from upstream's (other context, merged or split hunks). */
  changedHunks: HunkChange[];
  /** Files upstream changes that the adapted patch leaves alone (already so on the branch). */
  droppedFiles: string[];
  /** Files the adapted patch changes under another name than upstream (renames followed). */
  movedFiles: { upstream: string; branch: string }[];
}

export interface HunkShift {
  path: string;
  /** First old-side line of the hunk upstream and on the branch. */
  upstreamLine: number;
  branchLine: number;
  offset: number;
}

export interface HunkChange {
  path: string;
  upstreamLine: number | null;
  branchLine: number | null;
}

export interface ConflictFile {
  /** Path in the merged tree. */
  path: string;
  /** The file at the branch tip (null when the branch lacks it) and in the pick's parent. */
  branchPath: string | null;
  upstreamPath: string | null;
  /** merge-ort's conflict types for the path: `content`, `modify/delete`, `rename/delete`, `add/add`, `binary`, ... */
  kinds: string[];
  /** Blob ids of the three sides (null when a side lacks the file). */
  base: string | null;
  ours: string | null;
  theirs: string | null;
  hunks: ConflictHunk[];
  messages: string[];
}

export interface ConflictHunk {
  /** Lines at the branch tip that conflict (1-based start, count may be 0: the branch removed them). */
  branch: { start: number; count: number } | null;
  /** The same region in the pick's parent (upstream before the change). */
  upstream: { start: number; count: number } | null;
  /** Lines the pick wanted there. */
  theirsCount: number;
  /** The hunk as written in the conflicted file (diff3 markers), at most 60 lines. */
  text: string;
}

export interface SuspectCommit {
  sha: string;
  summary: string;
  /** The upstream commit this branch commit says it backports (from its message), if any. */
  upstream: string | null;
  /** Paths and line numbers (at the side blamed) it last touched. */
  where: { path: string; lines: number[] }[];
  /** For a prerequisite: a branch commit that already backports it (so it is not missing after all). */
  onBranchAs: string | null;
  /** In a queue: the member whose synthetic result commit this is. */
  queueMember: string | null;
}

export interface QueueResult {
  branch: string;
  tip: string;
  members: ApplyResult[];
  /** The first member that did not apply (conflict), or null when all applied. */
  firstFailure: { index: number; sha: string } | null;
  /** The tree after the last applied member. */
  resultTree: string;
}

/** The caching hook: the index stores results by (commit, tip). Only direct picks (onto === tip) are cached. */
export interface ApplyCache {
  get(sha: string, tip: string): ApplyResult | undefined | Promise<ApplyResult | undefined>;
  put(result: ApplyResult): void | Promise<void>;
}
