/** Prerequisites of a pick and the ordered queue (prerequisites, candidate, follow-ups), with evidence. */
import type { FollowUp, FollowUpResult, Holding } from '../fixes/types.js';
import type { BlobReader } from '../../git/show.js';

/** A line of the candidate's parent that the patch removes or needs as context, and who wrote it. */
export interface BlameEvidence {
  path: string;
  /** 1-based line at the candidate's parent. */
  line: number;
  use: 'removed' | 'context';
  /** The commit blame names for that line (the prerequisite). */
  blamed: string;
  /** Commits of the project's ignore list (`.git-blame-ignore-revs`) blame passed over to reach `blamed`. */
  skipped?: string[];
}

export interface SeriesEvidence {
  rule: 'thread' | 'merge' | 'adjacent';
  /**
   * thread: the series' Message-ID pattern with `*` for the patch number; merge: the merge commit;
   * adjacent: `<author email> <subject prefix>` of the run of commits applied together.
   */
  key: string;
  /** Patch number of the member (thread), or position in the merged topic (merge). */
  position: number;
  candidatePosition: number;
  /** The trailer line (thread), the merge subject (merge), or the member's commit time (adjacent). */
  line: string;
}

export interface SymbolEvidence {
  name: string;
  kind: 'function' | 'macro' | 'field' | 'config' | 'identifier';
  /** Where the candidate starts using it. */
  path: string;
  line: number;
  text: string;
  /** The branch tree that lacks it (the branch tip, or the cut-back tip). */
  missingIn: string;
}

export type PrereqReason =
  { kind: 'blame'; lines: BlameEvidence[] } | { kind: 'series'; series: SeriesEvidence } | { kind: 'symbol'; symbols: SymbolEvidence[] };

export interface Prerequisite {
  sha: string;
  subject: string;
  commitTime: number;
  /** The commit that needs it (the candidate, or a prerequisite at depth > 1). */
  neededBy: string;
  depth: number;
  reasons: PrereqReason[];
  /**
   * strong: it wrote lines the patch removes, is an earlier patch of the same thread or merged topic, or
   * introduced a symbol the patch uses; weak: only context lines, or only adjacency (same author, prefix
   * and time). On DPDK 22.11 and Xen 4.19 the weak ones are rarely picked (bench/analysis/RESULTS.md).
   */
  strength: 'strong' | 'weak';
}

export interface PrereqOptions {
  asOf?: number;
  /** Replays: use this commit of the branch as its tip (overrides asOf for the branch, not for mainline). */
  tip?: string;
  /** Prerequisites of prerequisites, up to this depth (default 2). */
  depth?: number;
  /** At most this many prerequisites in all (default 25). */
  maxCommits?: number;
  /** Context lines around each hunk to blame (default 3, like `git apply`). */
  context?: number;
  /** Which rules to run (default all). */
  blame?: boolean;
  series?: boolean;
  symbols?: boolean;
  /** A blob reader to use (kept open; the caller closes it); one is opened and closed here otherwise. */
  reader?: BlobReader;
}

export interface PrereqResult {
  sha: string;
  branch: string;
  /** The branch tip used (the cut-back tip with asOf). */
  tip: string;
  prerequisites: Prerequisite[];
  /** Commits the rules named that the branch already holds (not prerequisites; for the record). */
  alreadyHeld: { sha: string; holding: Holding; rule: PrereqReason['kind'] }[];
  /** Identifiers that the patch uses, the branch lacks, and no earlier upstream commit introduced (the patch defines them). */
  selfDefined: string[];
}

export type QueueRole = 'prerequisite' | 'candidate' | 'follow-up';

export interface QueueMember {
  sha: string;
  subject: string;
  role: QueueRole;
  /** One sentence per reason, each citing its evidence. */
  why: string[];
  prerequisite?: Prerequisite;
  followUp?: FollowUp;
}

export interface PickQueue {
  sha: string;
  branch: string;
  /** Apply in this order. Members the branch already holds are left out. */
  queue: QueueMember[];
  prerequisites: PrereqResult;
  followUps: FollowUpResult;
  verdict: FollowUpResult['verdict'];
}
