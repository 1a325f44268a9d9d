/** Where a bug was introduced and which stable branches hold it: per branch `vulnerable-since : fixed-by`. */
import type { FixEdge, Holding } from '../fixes/types.js';

export interface Introducer {
  sha: string;
  subject: string;
  /** Earliest release tag that contains it. */
  firstRelease: string | null;
  how: 'fixes' | 'reverts' | 'blame';
  /** The trailer / revert edge (how = fixes | reverts). */
  edge?: FixEdge;
  /** Removed lines of the candidate blamed to it, `path:line` at the candidate's parent (how = blame). */
  lines?: string[];
}

/** A commit of the project's ignore list (`.git-blame-ignore-revs`) that blame passed over, and for which lines. */
export interface SkippedByBlame {
  sha: string;
  subject: string;
  /** `path:line` at the candidate's parent. */
  lines: string[];
}

export interface BranchImpact {
  branch: string;
  version: string | null;
  /** affected: holds an introducer; fixed: also holds the candidate; clean: holds none. */
  status: 'affected' | 'fixed' | 'clean';
  /** The earliest introducer the branch holds, and how. */
  vulnerableSince: { sha: string; holding: Holding } | null;
  /** The candidate as the branch holds it (the pick's sha when picked). */
  fixedBy: { sha: string; holding: Holding } | null;
}

export interface AffectedResult {
  sha: string;
  subject: string;
  introducers: Introducer[];
  /** 'fixes' when the candidate names what it fixes; 'blame' when its removed lines were blamed; 'none' when neither gave anything. */
  evidence: 'fixes' | 'blame' | 'none';
  /** Ignored commits (reformatting) blame passed over to reach the introducers (evidence = blame). */
  blameSkipped: SkippedByBlame[];
  branches: BranchImpact[];
  /** e.g. "all stable branches that hold 14c1da3895a1 (first in v6.12): 6.12, 6.17". */
  summary: string;
}
