/**
 * `apply-check` as a program asks for it: every commit onto every branch (one by one, or as a queue that
 * stops at the first conflict), with the index's result cache when there is an index. The CLI only
 * parses, prints and writes the patch files.
 */
import { existsSync } from 'node:fs';
import type { GitTarget } from '../../git/run.js';
import { openDb, type DB } from '../../history/db.js';
import { ResultCache } from '../../history/result-cache.js';
import { ApplyChecker, type ApplyCheckOptions } from './apply-check.js';
import { APPLY_RESULT_VERSION, type ApplyCache, type ApplyResult, type QueueResult } from './types.js';

/** What one branch got: its results in the order of the commits, and the queue when one was asked for. */
export interface BranchApplyRun {
  branch: string;
  results: ApplyResult[];
  queue: QueueResult | null;
}

export interface ApplyRunOptions extends ApplyCheckOptions {
  /** Apply the commits in order, each onto the previous result; stop at the first conflict. */
  queue?: boolean;
  /** The index whose result cache to use; `required`: fail when it does not exist (else: no cache). */
  index?: { path: string; required: boolean };
}

/**
 * Trial-picks `commits` (any revisions git resolves) onto each of `branches` (names or commits), calling
 * `onBranch` as each branch is done. Nothing is written to the repository.
 */
export async function applyOntoBranches(
  repo: GitTarget,
  commits: readonly string[],
  branches: readonly string[],
  opts: ApplyRunOptions,
  onBranch: (run: BranchApplyRun) => void,
): Promise<void> {
  const checkOpts: ApplyCheckOptions = { ...opts };
  const cached = opts.index ? openApplyResultCache(opts.index.path, opts.index.required, checkOpts) : null;
  if (cached) checkOpts.cache = cached.cache;
  const checker = await ApplyChecker.open(repo, checkOpts);
  try {
    const shas = await Promise.all(commits.map((s) => checker.resolve(s)));
    for (const branch of branches) {
      const tip = await checker.resolve(branch);
      if (opts.queue) {
        const q = await checker.queueResolved(shas, tip, branch);
        onBranch({ branch, results: q.members, queue: q });
      } else {
        onBranch({ branch, results: await checker.checkMany(shas.map((sha) => ({ sha, tip, branch }))), queue: null });
      }
    }
  } finally {
    checker.close();
    cached?.close();
  }
}

/**
 * The index's result cache as the trial pick's cache: results by (commit, tip), keyed also by the options
 * that change a result. No index yet → no cache (the command works without one), unless `required`.
 */
function openApplyResultCache(dbPath: string, required: boolean, o: ApplyCheckOptions): { cache: ApplyCache; close(): void } | null {
  if (!required && !existsSync(dbPath)) return null;
  // A read-only (shared) index still answers from its cache; new results then go uncached.
  const db = openDb(dbPath, { mustExist: true, readonlyOk: true });
  return {
    cache: applyResultCache(db, o),
    close: () => db.close(),
  };
}

/** The trial-pick cache kept in the index: results by (commit, tip), keyed also by the options that change a result. */
export function applyResultCache(db: DB, o: Pick<ApplyCheckOptions, 'blame' | 'fullIndex'>): ApplyCache {
  const rc = new ResultCache(db);
  const variant = `${o.blame === false ? 'noblame' : 'blame'}:${o.fullIndex === false ? 'abbrev' : 'full'}`;
  return {
    get: (sha, tip) => rc.get('apply', sha, `${tip}:${variant}`, APPLY_RESULT_VERSION) as ApplyResult | undefined,
    put: (r) => rc.put('apply', r.sha, `${r.tip}:${variant}`, APPLY_RESULT_VERSION, r),
  };
}
