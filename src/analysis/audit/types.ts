/** The missing-fixes audit of a stable branch. */
import type { FixEdge, Holding } from '../fixes/types.js';

export interface AuditReason {
  /** The fix / revert edge: `edge.to` is what it fixes. */
  edge: FixEdge;
  targetSubject: string;
  /** How the branch holds the target; null when the target is itself a missing fix listed here (depth > 1). */
  targetHolding: Holding | null;
}

export interface AuditItem {
  sha: string;
  subject: string;
  commitTime: number;
  firstRelease: string | null;
  /** 1 = fixes something the branch holds; 2 = fixes a missing fix of depth 1; ... */
  depth: number;
  kind: 'fixes' | 'reverts';
  reasons: AuditReason[];
  /** The fix was itself reverted upstream (listed only with includeReverted). */
  revertedUpstream: boolean;
  /**
   * The branch has already picked an upstream commit newer than this fix: its maintainer has probably
   * seen it and passed over it (declined, or did not apply). Fresh fixes have `passedOver` false.
   */
  passedOver: boolean;
}

export interface AuditOptions {
  asOf?: number;
  /** Mainline as of this time instead of `asOf` (a release-prep replay: the branch cut at asOf, mainline later). */
  mainlineAsOf?: number;
  /** Keep fixes that upstream reverted again (default false). */
  includeReverted?: boolean;
  /** Follow fixes of fixes this deep (default 6). */
  maxDepth?: number;
  /** Only fix commits dated at or after this (Unix s). */
  since?: number;
}

export interface AuditResult {
  branch: string;
  tip: string;
  asOf: number | null;
  missing: AuditItem[];
  /** Fixes left out because upstream reverted them. */
  revertedSkipped: number;
  /** Fix edges of mainline commits the branch already holds (how much it has taken). */
  heldFixes: number;
  /** Commit time of the newest upstream commit the branch has picked (null when none). */
  newestPickedUpstream: number | null;
}
