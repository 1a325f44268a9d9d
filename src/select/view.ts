/**
 * "Does the branch hold this commit?" as of a cut time, two ways:
 *  - for a named stable branch (scan, eval): an ancestor of its fork point, or picked into it (or its
 *    staging twin, `holdingFamily`) by a stable commit dated before the cut; paths it can contain come
 *    from the commits it holds. Picks are the holdings of src/history/holdings.ts (marker, patch-id,
 *    author date, subject);
 *  - for a training example made at time t: held by any stable branch then (an ancestor of a stable
 *    fork point older than t, or picked before t) — the same question asked of history.
 */
import { StablepickError } from '../errors.js';
import { holdingFamily } from '../history/holdings.js';
import type { History } from './history.js';

export type Holding = { how: 'ancestor' } | { how: 'pick'; pick: string; branch: string };

export interface BranchView {
  /** What the verdicts name: the branch, or 'stable' for the training view. */
  label: string;
  holds(sha: string): Holding | null;
  /** Of `paths`, those the branch cannot contain; null when unknown. */
  missingPaths(paths: readonly string[]): Set<string> | null;
  /** When the branch forked from mainline (for a commit made at `t`: the newest stable fork before it). */
  forkTime(t: number): number | null;
}

export function branchView(h: History, name: string, cut: number): BranchView {
  const b = h.branches.find((x) => x.name === name);
  if (!b) {
    if (name === h.mainline.name) throw new StablepickError('NOT_A_STABLE_BRANCH', { branch: name });
    const known = h.branches.map((x) => x.name).slice(0, 12);
    // Any branch of the repository given with --branch is indexed as a target (src/history/requested.ts).
    throw new StablepickError('UNKNOWN_BRANCH', { branch: name, scope: 'stable-indexed', known });
  }
  const family = holdingFamily(h.branches, name);
  const baseAnc = b.base ? h.graph.ancestors([b.base]) : new Set<string>();
  let heldIds: Set<number> | null = null;
  const pathCache = new Map<string, boolean>();
  const heldIdSet = (): Set<number> => {
    if (heldIds) return heldIds;
    const s = new Set<number>();
    for (const sha of baseAnc) {
      const c = h.commits.get(sha);
      if (c) s.add(c.id);
    }
    for (const [sha, owners] of h.own) {
      if (!owners.some((o) => family.has(o.branch) && o.time < cut)) continue;
      const c = h.commits.get(sha);
      if (c) s.add(c.id);
    }
    return (heldIds = s);
  };
  return {
    label: name,
    forkTime: () => b.baseTime,
    holds(sha: string): Holding | null {
      if (baseAnc.has(sha)) return { how: 'ancestor' };
      const p = h.pickedBefore(sha, cut, family);
      return p ? { how: 'pick', pick: p.sha, branch: p.branch } : null;
    },
    missingPaths(paths: readonly string[]): Set<string> | null {
      if (!b.base || paths.length === 0) return null;
      const ask = paths.filter((p) => !pathCache.has(p));
      if (ask.length) {
        const present = h.pathsTouchedBy(heldIdSet(), ask);
        // A file renamed after the fork exists there under its old name: not "missing".
        for (const p of ask) pathCache.set(p, present.has(p) || h.mayBeRenamed(p));
      }
      return new Set(paths.filter((p) => !pathCache.get(p)));
    },
  };
}

/** The training view for a commit made at `t`: what any stable branch held then. */
export function historyView(h: History, t: number, cut = Infinity): BranchView {
  return {
    label: 'stable',
    forkTime: (at: number) => newestFork(h, at, cut),
    holds(sha: string): Holding | null {
      const since = h.stableSince(sha);
      if (since !== null && since <= t) return { how: 'ancestor' };
      const p = h.pickedBefore(sha, t);
      return p ? { how: 'pick', pick: p.sha, branch: p.branch } : null;
    },
    missingPaths: () => null,
  };
}

/** The fork time of the newest stable branch (one that took picks before `cut`) forked before `t`. */
function newestFork(h: History, t: number, cut = Infinity): number | null {
  let best: number | null = null;
  for (const b of h.pickBranches) {
    if (b.baseTime === null || b.baseTime > t || b.baseTime >= cut) continue;
    if (best === null || b.baseTime > best) best = b.baseTime;
  }
  return best;
}
