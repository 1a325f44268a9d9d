/**
 * Conventions detected from a project's own history: which trailer keys the project uses to name the
 * commit a change fixes (beyond the well-known ones), which stable addresses it writes, which upstream
 * marker forms its stable branches carry. Pure: the index gathers the counts, this decides.
 */
import type { Conventions } from './types.js';

export interface TrailerKeyStat {
  /** Lower-case key as written (e.g. 'fixes-commit'). */
  key: string;
  total: number;
  /** Values that started with a commit id. */
  withRef: number;
  /** Of those, ids that named a commit of the repository. */
  resolved: number;
}

export interface DetectionInput {
  /** Keys of trailers that the current conventions did not give a meaning (kind 'other'). */
  otherKeys: readonly TrailerKeyStat[];
  /** Stable addresses seen in stable tags, with counts. */
  stableAddresses: readonly { address: string; n: number }[];
  /** Upstream marker kinds seen, with counts. */
  markerKinds: Readonly<Record<string, number>>;
}

export interface DetectedConventions {
  /** Extra fixes-like keys, each with the evidence that made it one. */
  fixesKeys: { key: string; total: number; resolved: number }[];
  /** Stable addresses the history uses, most used first. */
  stableAddresses: { address: string; n: number }[];
  /** Marker forms the history uses, most used first. */
  markerKinds: { kind: string; n: number }[];
}

/** A key must appear this often, and name a real commit this often, to count as fixes-like. */
const MIN_KEY_USES = 10;
const MIN_RESOLVED_SHARE = 0.8;
/** Keys that name another commit but mean something else than "this fixes it". */
// Keys that name the commit a stable commit carries (Xen's `master commit:`, `master changeset:`), not a bug.
const NOT_FIXES =
  /upstream|cherry|picked|backport|dep-of|revert|merge|based|depends|prereq|see-also|references?$|related|supersede|obsolete|replaces|master|changeset|commit-id/;

export function detectConventions(input: DetectionInput): DetectedConventions {
  const fixesKeys = input.otherKeys
    .filter((k) => k.total >= MIN_KEY_USES && k.resolved / k.total >= MIN_RESOLVED_SHARE && !NOT_FIXES.test(k.key))
    .map((k) => ({ key: k.key, total: k.total, resolved: k.resolved }))
    .sort((a, b) => b.total - a.total);
  return {
    fixesKeys,
    stableAddresses: [...input.stableAddresses].filter((a) => a.address).sort((a, b) => b.n - a.n),
    markerKinds: Object.entries(input.markerKinds)
      .map(([kind, n]) => ({ kind, n }))
      .sort((a, b) => b.n - a.n),
  };
}

/** What detection adds to the conventions (config still overrides it). */
export function detectedOverrides(base: Conventions, d: DetectedConventions): Partial<Conventions> {
  const extra = d.fixesKeys.map((k) => k.key).filter((k) => !base.fixesKeys.includes(k));
  return extra.length ? { fixesKeys: [...base.fixesKeys, ...extra] } : {};
}
