/**
 * Branches the user names with `--branch`: a target whatever its name. A branch of the repository that
 * the index did not find stable (no version in its name, too few markers yet — a freshly forked branch —,
 * or a head excluded as work in progress) is indexed as a stable branch on first use, remembered in the
 * index's meta (`requested_branches`) and kept up to date by later `index` runs. Names that are no branch
 * are left to the command (apply-check takes any commit).
 */
import type { RefInfo } from '../git/refs.js';
import type { GitTarget } from '../git/run.js';
import { parseStableBranchName } from '../conventions/branch-names.js';
import type { Conventions } from '../conventions/types.js';
import { BranchIndexer, branchRefs, type BranchRow, type ExcludedBranch } from './branches.js';
import { getMeta, setMeta, type DB } from './db.js';
import { CommitGraph } from './graph.js';

/** Names given with `--branch` before, in the order first given. */
export function requestedBranches(db: DB): Set<string> {
  const raw = getMeta(db, 'requested_branches');
  return new Set(raw ? (JSON.parse(raw) as string[]) : []);
}

/** What `index` stored about the branches it did not take as stable (see classifyBranches). */
export function excludedBranches(db: DB): { excluded: ExcludedBranch[]; others: number } {
  const raw = getMeta(db, 'excluded_branches');
  return raw ? (JSON.parse(raw) as { excluded: ExcludedBranch[]; others: number }) : { excluded: [], others: 0 };
}

/** A branch named with `--branch` that the index had not found stable, and why it had not. */
export interface RequestedBranch {
  name: string;
  /** Why the index did not take it as stable. */
  notDetected: string;
  ownCommits: number;
  base: string | null;
}

/**
 * Indexes every name of `names` that is a branch of the repository (as the index saw its refs) but not yet
 * a stable branch of the index. Returns what was added (empty when nothing was).
 */
export async function requestBranches(target: GitTarget, db: DB, conv: Conventions, names: readonly string[]): Promise<RequestedBranch[]> {
  const inIndex = new Set(db.prepare('SELECT name FROM branches').pluck().all() as string[]);
  const missing = [...new Set(names)].filter((n) => !inIndex.has(n));
  if (!missing.length) return [];
  const main = db.prepare("SELECT name, ref, tip, detected_by FROM branches WHERE role = 'mainline'").get() as
    { name: string; ref: string; tip: string; detected_by: BranchRow['detectedBy'] } | undefined;
  if (!main) return [];
  const refs = (
    db.prepare('SELECT name, commit_sha, object, type, date FROM refs').all() as {
      name: string;
      commit_sha: string | null;
      object: string;
      type: string;
      date: number;
    }[]
  ).map((r): RefInfo => ({ name: r.name, commit: r.commit_sha, object: r.object, objectType: r.type, date: r.date, symref: '' }));
  const byName = branchRefs(refs);
  const rows: BranchRow[] = [];
  for (const name of missing) {
    const ref = byName.get(name);
    if (!ref?.commit || name === main.name) continue;
    const p = parseStableBranchName(name, conv);
    rows.push({ name, ref: ref.name, role: p?.role ?? 'stable', version: p?.version ?? null, tip: ref.commit, detectedBy: 'requested' });
  }
  if (!rows.length) return [];
  const excluded = new Map(excludedBranches(db).excluded.map((e) => [e.name, e.reason]));
  const mainline: BranchRow = { name: main.name, ref: main.ref, role: 'mainline', version: null, tip: main.tip, detectedBy: main.detected_by };
  await new BranchIndexer(target, db).index(rows, mainline, CommitGraph.load(db));
  const all = [...requestedBranches(db), ...rows.map((r) => r.name)];
  setMeta(db, 'requested_branches', JSON.stringify([...new Set(all)]));
  const info = db.prepare('SELECT own_commits, base FROM branches WHERE name = ?');
  return rows.map((r) => {
    const b = info.get(r.name) as { own_commits: number; base: string | null };
    return {
      name: r.name,
      notDetected: excluded.get(r.name) ?? 'no stable version in its name, and too few of its own commits carry upstream markers',
      ownCommits: b.own_commits,
      base: b.base,
    };
  });
}
