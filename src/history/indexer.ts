/**
 * Building and updating the index. The first run streams every commit reachable from any ref; later
 * runs stream only what the refs gained since (new tips, minus the tips indexed last time) and drop the
 * commits that no ref reaches any more. Work is committed in batches, and the list of indexed tips is
 * written last, so a run killed at any point leaves an index that the next run completes.
 */
import { env } from '../env.js';
import { randomUUID } from 'node:crypto';
import { headRef, listRefs, type RefInfo } from '../git/refs.js';
import type { Repository } from '../git/repo.js';
import { isAncestor, revList } from '../git/rev-list.js';
import type { Conventions } from '../conventions/types.js';
import { ingestInPlace, ingestWithWorker, type WorkerIngest } from './ingest.js';
import { ensureSecondaryIndexes, getMeta, setMeta, type DB } from './db.js';
import { BranchIndexer, branchRefs, phaseTimer, prefetchPatchIds, chooseMainline, classifyBranches } from './branches.js';
import { detectAndApply, redetect, refreshDetection } from './detect.js';
import { CommitGraph } from './graph.js';
import { requestedBranches } from './requested.js';
import { resolvePendingRefs } from './resolve.js';
import { staleHoldings } from './holdings.js';

/** Meta key: mainline's tip when the holdings (branch_commits) were last computed. */
const HOLDINGS_MAIN_TIP = 'holdings_main_tip';
import { beginProvisionalReleases, releaseTags, updateReleases, type StreamedReleases } from './releases.js';
import { DERIVED_VERSION, SECONDARY_INDEX_NAMES } from './schema.js';

export interface IndexProgress {
  phase: 'commits' | 'resolve' | 'releases' | 'branches' | 'done';
  done: number;
  total?: number;
}

export interface IndexOptions {
  conventions: Conventions;
  onProgress?: (p: IndexProgress) => void;
  /** Commits per write transaction. */
  batchSize?: number;
}

export interface IndexReport {
  newCommits: number;
  removedCommits: number;
  totalCommits: number;
  refs: number;
  resolved: { trailers: number; markers: number; ambiguous: number };
  releasesAssigned: number;
  mainline: string;
  stableBranches: number;
  branchesUpdated: number;
  shallow: boolean;
  seconds: number;
}

interface TipState {
  [ref: string]: string;
}

export async function indexRepository(repo: Repository, db: DB, opts: IndexOptions): Promise<IndexReport> {
  const t0 = performance.now();
  const timing = env.timing();
  let tLast = t0;
  const mark = (what: string): void => {
    if (!timing) return;
    const now = performance.now();
    process.stderr.write(`[timing] ${what}: ${((now - tLast) / 1000).toFixed(3)} s\n`);
    tLast = now;
  };
  const conv = opts.conventions;
  const progress = opts.onProgress ?? (() => undefined);
  const refs = await listRefs(repo);
  const head = await headRef(repo);
  const oldTips: TipState = JSON.parse(getMeta(db, 'tips') ?? '{}') as TipState;
  const newTips: TipState = {};
  for (const r of refs) if (r.commit) newTips[r.name] = r.commit;
  const tipShas = [...new Set(Object.values(newTips))];
  const oldShas = [...new Set(Object.values(oldTips))];

  // 1. Commits no ref reaches any more (branch deleted, force-pushed): drop them.
  let removed = 0;
  // Old tips that are no tip any more; a ref that moved forward (its old tip is an ancestor of its new
  // tip) loses nothing, so only deleted refs and rewinds need the reachability walk.
  const gone: string[] = [];
  for (const [ref, old] of Object.entries(oldTips)) {
    if (tipShas.includes(old)) continue;
    const now = newTips[ref];
    if (now && (await isAncestor(repo, old, now))) continue;
    gone.push(old);
  }
  if (gone.length) {
    const unreachable = await revList(repo, gone, ['--not', '--all']);
    if (unreachable.length) removed = deleteCommits(db, unreachable);
  }

  // 2. New commits.
  const fresh = (db.prepare('SELECT count(*) FROM commits').pluck().get() as number) === 0;
  const firstNewId = ((db.prepare('SELECT max(id) FROM commits').pluck().get() as number | null) ?? 0) + 1;
  if (fresh) for (const name of SECONDARY_INDEX_NAMES) db.exec(`DROP INDEX IF EXISTS ${name}`);
  const revs = [...tipShas, ...oldShas.map((s) => `^${s}`)];
  const batchSize = opts.batchSize ?? env.indexBatch() ?? 2000;
  // A pause after each batch, for crash tests that must kill a run in the middle (0 in normal use).
  const throttleMs = env.indexThrottleMs();
  let seen = 0;
  let written = 0;
  const onBatch = (): void => {
    progress({ phase: 'commits', done: seen });
    if (throttleMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, throttleMs);
  };
  let graphCache: CommitGraph | null = null;
  let streamed: StreamedReleases | undefined;
  let workerIngest: WorkerIngest | null = null;
  let resolved = { trailers: 0, markers: 0, ambiguous: 0 };
  let detected = false;
  let knownPatchIds: Map<string, string | null> | null = null;
  try {
    if (tipShas.length) {
      // A first index of a large history writes on a second thread; updates write in place.
      const useWorker = fresh && db.name !== ':memory:' && env.indexWorker();
      const onCount = (n: number): void => {
        seen = n;
        onBatch();
      };
      if (useWorker) {
        // The worker writes provisional first releases with the commits (checked in updateReleases).
        const runId = `${process.pid}-${randomUUID()}`;
        beginProvisionalReleases(db, runId);
        const tags = releaseTags(refs, conv)
          .filter((t) => !t.prerelease)
          .map((t): [string, string] => [t.name, t.commit]);
        workerIngest = await ingestWithWorker(repo, db, conv, revs, batchSize, onCount, tags);
        written = workerIngest.written;
        // While the worker resolves references and builds the secondary indexes: the graph, as streamed.
        const h = workerIngest.history;
        if (h) {
          graphCache = h.graph();
          streamed = { runId, values: h.written };
        }
        mark('refs + commits');
        // Meanwhile, as soon as the subject index exists: the patch ids the branch stage will need.
        const g = graphCache;
        const prefetch = g ? workerIngest.subjectsIndexed.then(() => prefetchPatchIds(repo, db, refs, head, conv, g)).catch(() => null) : Promise.resolve(null);
        resolved = await workerIngest.indexed;
        knownPatchIds = await prefetch;
        detected = true;
        mark('references, conventions and secondary indexes (worker)');
        // The worker checkpoints the WAL meanwhile: this connection must not start one of its own.
        db.pragma('wal_autocheckpoint = 0');
      } else {
        written = await ingestInPlace(repo, db, conv, revs, batchSize, onCount);
      }
    }
    progress({ phase: 'commits', done: seen });
    if (!workerIngest) mark('refs + commits');
    ensureSecondaryIndexes(db);
    mark('secondary indexes');

    // 3. Commit ids named in messages (on a first index, the worker resolved all it could).
    progress({ phase: 'resolve', done: 0 });
    const more = resolvePendingRefs(db);
    resolved = { trailers: resolved.trailers + more.trailers, markers: resolved.markers + more.markers, ambiguous: resolved.ambiguous + more.ambiguous };
    mark('resolve');
    // Detect conventions on a first index or a large update; otherwise apply what was detected to new rows.
    // (A first index's worker has done it, after resolving.)
    // An index derived by an older stablepick is derived again (conventions, then every branch below).
    const stale = !fresh && getMeta(db, 'derived_version') !== String(DERIVED_VERSION);
    if (stale) redetect(db);
    else if (!detected && fresh) detectAndApply(db);
    // An update detects from all the commits again, as a clean index would (cheap: three aggregates).
    else if (!detected && (written > 0 || removed > 0)) refreshDetection(db, firstNewId);
    mark('detect conventions');

    // 4. Refs, releases, branches.
    storeRefs(db, refs);
    progress({ phase: 'releases', done: 0 });
    const loadGraph = (): CommitGraph => (graphCache ??= CommitGraph.load(db));
    const releasesAssigned = updateReleases(db, releaseTags(refs, conv), loadGraph, streamed);
    mark('releases');
    progress({ phase: 'branches', done: 0 });
    const { mainline, mainlineTip, stable, updated } = await updateBranches(
      repo,
      db,
      refs,
      head,
      conv,
      loadGraph,
      knownPatchIds,
      (d, t) => progress({ phase: 'branches', done: d, total: t }),
      stale,
      written > 0 || removed > 0,
    );

    mark('branches');
    db.transaction(() => {
      setMeta(db, 'tips', JSON.stringify(newTips));
      setMeta(db, 'mainline', mainline);
      setMeta(db, HOLDINGS_MAIN_TIP, mainlineTip);
      setMeta(db, 'shallow', repo.shallow ? '1' : '0');
      setMeta(db, 'partial', repo.partial ? '1' : '0');
      setMeta(db, 'git_dir', repo.commonDir);
      setMeta(db, 'indexed_at', String(Math.floor(Date.now() / 1000)));
      setMeta(db, 'derived_version', String(DERIVED_VERSION));
    }).immediate();
    if (workerIngest) {
      await workerIngest.finish();
      workerIngest = null;
      db.pragma('wal_autocheckpoint = 1000');
      mark('worker checkpoint (rest)');
    }
    progress({ phase: 'done', done: seen });
    if (timing) process.stderr.write(`[timing] peak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
    return {
      newCommits: written,
      removedCommits: removed,
      totalCommits: db.prepare('SELECT count(*) FROM commits').pluck().get() as number,
      refs: refs.length,
      resolved,
      releasesAssigned,
      mainline,
      stableBranches: stable,
      branchesUpdated: updated,
      shallow: repo.shallow,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    // On failure: stop the worker (what it committed stays; the next run completes the index).
    if (workerIngest) {
      await workerIngest.finish().catch(() => undefined);
      db.pragma('wal_autocheckpoint = 1000');
    }
  }
}

function storeRefs(db: DB, refs: readonly RefInfo[]): void {
  const ins = db.prepare('INSERT INTO refs (name, commit_sha, object, type, date) VALUES (?, ?, ?, ?, ?)');
  db.transaction(() => {
    db.prepare('DELETE FROM refs').run();
    for (const r of refs) ins.run(r.name, r.commit, r.object, r.objectType, r.date);
  }).immediate();
}

async function updateBranches(
  repo: Repository,
  db: DB,
  refs: readonly RefInfo[],
  head: string | null,
  conv: Conventions,
  graph: () => CommitGraph,
  knownPatchIds: ReadonlyMap<string, string | null> | null,
  onProgress: (done: number, total: number) => void,
  /** Recompute every stable branch (the index was derived by an older stablepick). */
  all = false,
  /** Commits were added or removed in this run. */
  historyChanged = true,
): Promise<{ mainline: string; mainlineTip: string; stable: number; updated: number }> {
  const mark = phaseTimer('branches');
  const byName = branchRefs(refs);
  if (byName.size === 0) return { mainline: '', mainlineTip: '', stable: 0, updated: 0 };
  const mainline = chooseMainline(byName, refs, head, conv);
  const classes = classifyBranches(db, byName, mainline, conv, graph, requestedBranches(db));
  const stable = classes.stable;
  mark('branches by name and by markers');
  const stored = new Map((db.prepare('SELECT name, tip, role FROM branches').all() as { name: string; tip: string; role: string }[]).map((r) => [r.name, r]));
  const oldMain = [...stored.values()].find((r) => r.role === 'mainline');
  const mainMovedAway = !oldMain || oldMain.tip !== mainline.tip;
  // A branch is recomputed when its tip moved, or when mainline moved in a way that is not a fast-forward.
  let mainRewound = false;
  if (oldMain && mainMovedAway) {
    mainRewound = !(await isAncestor(repo, oldMain.tip, mainline.tip));
  }
  const changed = stable.filter((b) => all || mainRewound || stored.get(b.name)?.tip !== b.tip || stored.get(b.name)?.role !== b.role);
  // Branches whose tips did not move, but whose holdings a clean index would compute differently now
  // (commits a marker names arrived later, mainline gained candidates or reached their commits).
  const oldMainTip = getMeta(db, HOLDINGS_MAIN_TIP);
  const rest = stable.filter((b) => !changed.includes(b));
  if (rest.length && (historyChanged || oldMainTip !== mainline.tip)) {
    // What mainline reaches since (git, not the in-memory graph: an update of a few commits stays cheap).
    let newly: Set<string> | null = null;
    if (oldMainTip === mainline.tip) newly = new Set();
    else if (oldMainTip && (await isAncestor(repo, oldMainTip, mainline.tip).catch(() => false)))
      newly = new Set(await revList(repo, [mainline.tip, `^${oldMainTip}`]));
    for (const name of staleHoldings(
      db,
      newly,
      rest.map((b) => b.name),
    ))
      changed.push(rest.find((b) => b.name === name)!);
    mark('stale holdings');
  }
  const keep = new Set([mainline.name, ...stable.map((s) => s.name)]);
  db.transaction(() => {
    for (const name of stored.keys()) {
      if (keep.has(name)) continue;
      db.prepare('DELETE FROM branches WHERE name = ?').run(name);
      db.prepare('DELETE FROM branch_commits WHERE branch = ?').run(name);
    }
    db.prepare(
      'INSERT INTO branches (name, ref, role, version, tip, base, detected_by, last_update, own_commits, picks) VALUES (?, ?, ?, NULL, ?, NULL, ?, (SELECT commit_time FROM commits WHERE sha = ?), 0, 0) ' +
        'ON CONFLICT(name) DO UPDATE SET ref = excluded.ref, role = excluded.role, tip = excluded.tip, detected_by = excluded.detected_by, last_update = excluded.last_update',
    ).run(mainline.name, mainline.ref, 'mainline', mainline.tip, mainline.detectedBy, mainline.tip);
    setMeta(db, 'excluded_branches', JSON.stringify({ excluded: classes.excluded, others: classes.others }));
  }).immediate();
  mark('mainline row');
  const indexer = new BranchIndexer(repo, db, knownPatchIds);
  if (changed.length) await indexer.index(changed, mainline, graph(), onProgress);
  return { mainline: mainline.name, mainlineTip: mainline.tip, stable: stable.length, updated: changed.length };
}

function deleteCommits(db: DB, shas: readonly string[]): number {
  const idOf = db.prepare('SELECT id FROM commits WHERE sha = ?').pluck();
  const stmts = ['commit_files', 'trailers', 'markers', 'commit_stats', 'patch_ids'].map((t) => db.prepare(`DELETE FROM ${t} WHERE commit_id = ?`));
  const delC = db.prepare('DELETE FROM commits WHERE id = ?');
  let n = 0;
  db.transaction(() => {
    for (const s of shas) {
      const id = idOf.get(s) as number | undefined;
      if (id === undefined) continue;
      for (const st of stmts) st.run(id);
      delC.run(id);
      n++;
    }
    // References to deleted commits become unresolved again.
    db.prepare("UPDATE trailers SET ref_sha = NULL, ref_status = 'unknown' WHERE ref_sha IS NOT NULL AND ref_sha NOT IN (SELECT sha FROM commits)").run();
    db.prepare("UPDATE markers SET sha = NULL, status = 'unknown' WHERE sha IS NOT NULL AND sha NOT IN (SELECT sha FROM commits)").run();
  }).immediate();
  return n;
}
