/**
 * Shared types of the fix graph: who fixes, reverts or reapplies whom, which commits a branch holds, and
 * the follow-ups of a candidate. Every record carries the evidence a report can cite (the trailer line,
 * how a short id was resolved, the stable commit that carries a pick).
 */
import type { Conventions } from '../../conventions/types.js';
import type { Repository } from '../../git/repo.js';
import type { DB } from '../../history/db.js';

/** What every analysis function takes (a `Context` of src/workspace.ts fits). */
export interface AnalysisContext {
  repo: Repository;
  db: DB;
  conventions: Conventions;
}

/** A cut-back replay: only what existed before `asOf` (Unix seconds) is seen. */
export interface AsOfOptions {
  asOf?: number;
}

export type EdgeKind = 'fixes' | 'reverts' | 'reapplies';

/** How the target of an edge was found. */
export type Resolution =
  /** The index resolved the id (unique prefix, or settled by the quoted subject). */
  | 'index'
  /** A short id naming several commits, settled because only one of them is an ancestor of the fixing commit. */
  | 'ancestry'
  /** The id named no commit (or several), and the quoted subject names exactly one ancestor. */
  | 'subject'
  /** The message names a stable branch's copy; the edge points at the mainline original it carries. */
  | 'stable-copy'
  /** No id: a later commit with the reverted commit's subject (re-applied after a revert). */
  | 'same-subject';

export interface FixEdge {
  kind: EdgeKind;
  /** The fixing / reverting / reapplying commit. */
  from: string;
  /** The commit it names. */
  to: string;
  evidence: {
    /** The message line, e.g. `Fixes: 14c1da3895a1 ("sched_ext: ...")` or `This reverts commit ...`. */
    line: string;
    /** 1-based line of the message, when known. */
    lineNo: number | null;
    /** The id as written (empty for same-subject reapplies). */
    prefix: string;
    /** The quoted subject, when there is one. */
    subject: string | null;
    resolution: Resolution;
  };
}

/** How a branch holds a commit. */
export type Holding = { how: 'ancestor'; branch: string } | { how: 'picked'; branch: string; stableSha: string; via: string | null; stableTime: number };

export interface CommitRef {
  sha: string;
  subject: string;
  commitTime: number;
}

export interface FollowUp extends CommitRef {
  kind: EdgeKind;
  /** The edge that made it a follow-up (its `to` is the candidate or an earlier follow-up). */
  edge: FixEdge;
  /** 1 = names the candidate itself; 2 = names a follow-up of it; ... */
  depth: number;
  /** Null when the branch lacks it. */
  inBranch: Holding | null;
  /** The follow-up was itself reverted upstream (and not re-applied): it need not go along. */
  revertedUpstream: boolean;
}

/** Whether a commit is in effect upstream after its reverts, reverts of reverts and re-applications. */
export type UpstreamState = { state: 'active' } | { state: 'reverted'; by: string } | { state: 'reapplied'; revertedBy: string; reappliedBy: string };

export type FollowUpVerdict = 'alone' | 'must-go-together' | 'reverted-upstream';

export interface FollowUpResult {
  sha: string;
  branch: string | null;
  followUps: FollowUp[];
  upstream: UpstreamState;
  /** 'reverted-upstream' = do not pick (NO); 'must-go-together' = a needed follow-up is missing from the branch. */
  verdict: FollowUpVerdict;
  /** One sentence per fact, each naming its sha. */
  reasons: string[];
}
