/**
 * Branches: which ref is mainline, which are stable branches (by name, by config, or because their own
 * commits carry upstream markers), and which mainline commits each stable branch holds — by an upstream
 * marker in the pick's message (a pick of a pick followed to the mainline commit), else by an identical
 * `git patch-id --stable` with the same subject and author, else (an adapted pick) by the same subject,
 * author and author date.
 */
import { env } from '../env.js';
import { StablepickError } from '../errors.js';
import { commitPatchIds } from '../git/diff-batch.js';
import type { RefInfo } from '../git/refs.js';
import type { GitTarget } from '../git/run.js';
import { configNamesBranch, parseStableBranchName, workHeadReason } from '../conventions/branch-names.js';
import { compileConventions } from '../conventions/compiled.js';
import { type MarkerKind } from '../conventions/markers.js';
import type { Conventions } from '../conventions/types.js';
import { getMeta, setMeta, type DB } from './db.js';
import type { CommitGraph } from './graph.js';
import { HoldingMatcher, UPSTREAM_KINDS } from './holdings.js';
import { lowerBound } from '../util/sorted.js';

export type BranchRole = 'mainline' | 'stable' | 'staging';

export interface BranchRow {
  name: string;
  ref: string;
  role: BranchRole;
  version: string | null;
  tip: string;
  /** 'requested': named with `--branch` (see requestBranches), whatever its name and commits. */
  detectedBy: 'name' | 'config' | 'markers' | 'requested' | 'head' | 'default';
}

const MAINLINE_NAMES = ['main', 'master', 'trunk', 'mainline', 'devel', 'develop', 'development'];

/** Local and remote-tracking branches by short name (local wins); pull-request and other refs are not branches. */
export function branchRefs(refs: readonly RefInfo[]): Map<string, RefInfo> {
  const out = new Map<string, RefInfo>();
  for (const r of refs) {
    if (!r.commit || r.symref) continue;
    let short: string | null = null;
    if (r.name.startsWith('refs/heads/')) short = r.name.slice('refs/heads/'.length);
    else if (r.name.startsWith('refs/remotes/')) {
      const rest = r.name.slice('refs/remotes/'.length);
      const slash = rest.indexOf('/');
      if (slash < 0) continue;
      short = rest.slice(slash + 1);
      if (short === 'HEAD') continue;
    }
    if (!short) continue;
    const prev = out.get(short);
    if (!prev || (r.name.startsWith('refs/heads/') && !prev.name.startsWith('refs/heads/'))) out.set(short, r);
  }
  return out;
}

export function chooseMainline(branches: Map<string, RefInfo>, refs: readonly RefInfo[], head: string | null, conv: Conventions): BranchRow {
  const row = (name: string, by: BranchRow['detectedBy']): BranchRow => ({
    name,
    ref: branches.get(name)!.name,
    role: 'mainline',
    version: null,
    tip: branches.get(name)!.commit!,
    detectedBy: by,
  });
  if (conv.mainline) {
    if (!branches.has(conv.mainline)) {
      throw new StablepickError('BAD_CONFIG', {
        problem: `the configured mainline branch '${conv.mainline}' does not exist`,
        fix: 'fix "mainline" in stablepick.config.json or fetch that branch',
      });
    }
    return row(conv.mainline, 'config');
  }
  const originHead = refs.find((r) => /^refs\/remotes\/[^/]+\/HEAD$/.test(r.name) && r.symref);
  if (originHead) {
    const short = originHead.symref.replace(/^refs\/remotes\/[^/]+\//, '');
    if (branches.has(short) && !parseStableBranchName(short, conv)) return row(short, 'head');
  }
  if (head?.startsWith('refs/heads/')) {
    const short = head.slice('refs/heads/'.length);
    if (branches.has(short) && MAINLINE_NAMES.includes(short)) return row(short, 'head');
  }
  for (const n of MAINLINE_NAMES) if (branches.has(n)) return row(n, 'default');
  if (head?.startsWith('refs/heads/')) {
    const short = head.slice('refs/heads/'.length);
    if (branches.has(short) && !parseStableBranchName(short, conv)) return row(short, 'head');
  }
  throw new StablepickError('BAD_CONFIG', {
    problem: 'cannot tell which branch is mainline (no main, master or trunk)',
    fix: 'set "mainline" in stablepick.config.json',
  });
}

/** Stable (and staging) branches recognised by name or config patterns. */
function stableBranchesByName(branches: Map<string, RefInfo>, mainline: string, conv: Conventions): BranchRow[] {
  const out: BranchRow[] = [];
  for (const [name, ref] of branches) {
    if (name === mainline) continue;
    const p = parseStableBranchName(name, conv);
    if (!p) continue;
    out.push({ name, ref: ref.name, role: p.role, version: p.version, tip: ref.commit!, detectedBy: configNamesBranch(name, conv) ? 'config' : 'name' });
  }
  return out;
}

/** A branch that looked like a stable branch but is not one, and why. */
export interface ExcludedBranch {
  name: string;
  tip: string;
  reason: string;
}

export interface BranchClasses {
  /** Stable and staging branches: by name, by config, by markers, or named with `--branch`. */
  stable: BranchRow[];
  /** Work, topic and leftover heads, branches the config excludes, heads built on a stable branch. */
  excluded: ExcludedBranch[];
  /** The other branches: no version in the name, and too few of their own commits are picks. */
  others: number;
}

/** Marker kinds that name the upstream commit of a pick. */
const PICK_MARKER_KINDS = ['upstream-commit', 'commit-upstream', 'cherry-picked', 'xen-master', 'backported-from'];
/** How many of a branch's own commits (newest first) the marker test reads. */
const MARKER_SAMPLE = 200;

/**
 * Which branches are stable: by name or config patterns (never a work, topic or leftover head — see
 * workHeadReason — unless the config names it), the branches named with `--branch` (`requested`), and
 * branches whose own commits — every commit the branch has beyond mainline and the stable branches
 * found by name, side commits of its merges included — are mostly picks: at least 5, half of them with
 * an upstream marker or a merge that brings in a commit of a mainline side history (a merge-based
 * backport). A head whose commits are those of another such branch plus a few (a topic on it) or that
 * was merged into one is excluded.
 */
export function classifyBranches(
  db: DB,
  branches: Map<string, RefInfo>,
  mainline: BranchRow,
  conv: Conventions,
  graph: () => CommitGraph,
  requested: ReadonlySet<string> = new Set(),
): BranchClasses {
  const stable = stableBranchesByName(branches, mainline.name, conv);
  const byName = new Set(stable.map((b) => b.name));
  const excludePatterns = compileConventions(conv).excludeBranchPatterns;
  const excluded: ExcludedBranch[] = [];
  const candidates: BranchRow[] = [];
  for (const [name, ref] of branches) {
    if (name === mainline.name || byName.has(name)) continue;
    const row: BranchRow = { name, ref: ref.name, role: 'stable', version: null, tip: ref.commit!, detectedBy: 'markers' };
    if (requested.has(name)) {
      stable.push({ ...row, detectedBy: 'requested' });
      continue;
    }
    const why = excludePatterns.some((re) => re.test(name)) ? 'excluded by conventions.excludeBranchPatterns' : workHeadReason(name);
    if (why) excluded.push({ name, tip: row.tip, reason: why });
    else candidates.push(row);
  }
  if (!candidates.length) return { stable, excluded, others: 0 };
  // The marker test needs the commit graph: reuse the last answer while no candidate and no stable
  // branch moved (an update that moves only mainline need not load the graph for it).
  const key = JSON.stringify([
    getMeta(db, 'derived_version'),
    mainline.name,
    ...[candidates.map((b) => [b.name, b.tip]), stable.map((b) => [b.name, b.tip])].map((l) => l.sort()),
  ]);
  const cached = JSON.parse(getMeta(db, 'marker_branches') ?? 'null') as { key: string; stable: string[]; dropped: ExcludedBranch[]; others: number } | null;
  if (cached?.key === key) {
    const keep = new Set(cached.stable);
    return { stable: [...stable, ...candidates.filter((b) => keep.has(b.name))], excluded: [...excluded, ...cached.dropped], others: cached.others };
  }
  const g = graph();
  const mainAnc = g.ancestorsMask([mainline.tip]);
  const chain = g.firstParentChain(mainline.tip);
  const known = g.ancestorsMask(
    stable.map((b) => b.tip),
    mainAnc,
  );
  for (let i = 0; i < known.length; i++) if (mainAnc[i]) known[i] = 1;
  const hasMarker = db.prepare(`SELECT 1 FROM markers WHERE commit_id = ? AND kind IN (${PICK_MARKER_KINDS.map(() => '?').join(',')}) LIMIT 1`).pluck();
  const found: { row: BranchRow; own: Set<string> }[] = [];
  for (const row of candidates) {
    const own = g.exclusive(row.tip, known).own;
    let marked = 0;
    let n = 0;
    for (const sha of own.slice(0, MARKER_SAMPLE)) {
      const i = g.indexOf(sha);
      const parents = g.parentsAt(i);
      if (parents.length > 1) {
        // A merge counts when it brings in a mainline commit off mainline's first-parent chain.
        if (parents.slice(1).some((q) => mainAnc[q] === 1 && chain[q] === 0)) {
          marked++;
          n++;
        }
        continue;
      }
      n++;
      if (hasMarker.get(g.dbIdAt(i), ...PICK_MARKER_KINDS)) marked++;
    }
    if (n >= 5 && marked * 2 >= n) found.push({ row, own: new Set(own) });
  }
  // A head built on another marker-found branch, or merged into one, is that branch's topic, not a branch.
  const dropped = new Map<string, string>();
  for (const x of found) {
    for (const y of found) {
      if (x === y || x.row.tip === y.row.tip || dropped.has(y.row.name) || dropped.has(x.row.name)) continue;
      if (x.own.has(y.row.tip)) dropped.set(x.row.name, `builds on ${y.row.name} (has all its commits)`);
      else if (y.own.has(x.row.tip)) dropped.set(x.row.name, `merged into ${y.row.name}`);
      else {
        let shared = 0;
        for (const s of x.own) if (y.own.has(s)) shared++;
        if (shared > 0 && x.own.size - shared < y.own.size - shared) dropped.set(x.row.name, `forked from ${y.row.name} (${shared} commits in common)`);
      }
    }
  }
  const byMarkers: BranchRow[] = [];
  const droppedRows: ExcludedBranch[] = [];
  for (const f of found) {
    const why = dropped.get(f.row.name);
    if (why) droppedRows.push({ name: f.row.name, tip: f.row.tip, reason: why });
    else byMarkers.push(f.row);
  }
  const others = candidates.length - found.length;
  setMeta(db, 'marker_branches', JSON.stringify({ key, stable: byMarkers.map((b) => b.name), dropped: droppedRows, others }));
  return { stable: [...stable, ...byMarkers], excluded: [...excluded, ...droppedRows], others };
}

interface MarkerRow {
  kind: string;
  prefix: string;
  line: number;
  sha: string | null;
}

export class BranchIndexer {
  private readonly markersOf;
  /** Every marker of the index by commit, loaded once when many commits are looked up. */
  private markerMap: Map<string, MarkerRow[]> | null = null;
  private readonly commitTime;

  constructor(
    private readonly target: GitTarget,
    private readonly db: DB,
    /** Patch ids computed ahead (see prefetchPatchIds): used instead of running git for these commits. */
    private readonly knownPatchIds: ReadonlyMap<string, string | null> | null = null,
  ) {
    this.markersOf = db.prepare('SELECT m.kind, m.prefix, m.line, m.sha FROM markers m JOIN commits c ON c.id = m.commit_id WHERE c.sha = ? ORDER BY m.seq');
    this.commitTime = db.prepare('SELECT commit_time FROM commits WHERE sha = ?').pluck();
  }

  /**
   * The upstreams a stable commit names by marker (resolved sha, or null), with the marker kind: every
   * upstream marker, not one (a squashed pick holds each commit it names; Xen squashes a commit and its
   * follow-up into one pick with a `master commit:` line for each).
   */
  upstreamsByMarker(sha: string): { sha: string | null; kind: MarkerKind }[] {
    const rows = this.markerMap ? (this.markerMap.get(sha) ?? []) : (this.markersOf.all(sha) as MarkerRow[]);
    return rows.filter((r) => UPSTREAM_KINDS.has(r.kind)).map((r) => ({ sha: r.sha, kind: r.kind as MarkerKind }));
  }

  /**
   * Recomputes the commits of each given stable branch that mainline lacks, and their upstreams.
   * Returns the number of (branch, commit) rows written.
   */
  async index(rows: readonly BranchRow[], mainline: BranchRow, graph: CommitGraph, onProgress?: (done: number, total: number) => void): Promise<number> {
    const mark = phaseTimer('branches');
    const perBranch = new Map<string, string[]>();
    const bases = new Map<string, string | null>();
    // Walk the indexed graph: what mainline reaches once, then each branch down to it.
    const mainAnc = graph.ancestorsMask([mainline.tip]);
    // The fork point is where a branch left mainline's first-parent chain (not a merged side history's).
    const chain = graph.firstParentChain(mainline.tip);
    const merged = new Map<string, { sha: string; by: string }[]>();
    let done = 0;
    for (const b of rows) {
      const { own, base } = graph.exclusive(b.tip, mainAnc, chain);
      perBranch.set(b.name, own);
      bases.set(b.name, base);
      merged.set(b.name, graph.mergedIn(own, base, mainAnc));
      onProgress?.(++done, rows.length);
    }
    mark('own commits (graph)');
    const total = [...perBranch.values()].reduce((n, l) => n + l.length, 0);
    if (total > 500) this.markerMap = loadMarkerMap(this.db, graph);
    mark('marker map');
    // Upstream of every own commit by marker; the rest by patch id with the same subject.
    // Every marker that names an indexed commit is a holding; a commit with none (no marker, or markers
    // naming commits the index lacks) goes on to patch-id, author date and subject (holdings.ts).
    type Pending = { branch: string; sha: string; upstream: string | null; via: string | null };
    const pending: Pending[] = [];
    const noMarker: Pending[] = [];
    for (const b of rows) {
      const branch = b.name;
      const shas = perBranch.get(branch)!;
      for (const sha of shas) {
        const ups = [
          ...new Map(
            this.upstreamsByMarker(sha)
              .filter((u) => u.sha)
              .map((u) => [u.sha!, u.kind]),
          ).entries(),
        ];
        if (!ups.length) {
          const p: Pending = { branch, sha, upstream: null, via: null };
          pending.push(p);
          noMarker.push(p);
        }
        for (const [up, kind] of ups) pending.push({ branch, sha, upstream: up, via: kind });
      }
      // Mainline commits a merge of the branch brought in beyond its base: held since that merge.
      for (const m of merged.get(branch)!) pending.push({ branch, sha: m.by, upstream: m.sha, via: 'merge' });
    }
    mark('upstreams by marker');
    await new HoldingMatcher(this.target, this.db, graph, mainAnc, (s) => this.patchIds(s)).match(noMarker);
    mark('patch ids');
    const ins = this.db.prepare('INSERT INTO branch_commits (branch, sha, upstream_sha, via) VALUES (?, ?, ?, ?)');
    const del = this.db.prepare('DELETE FROM branch_commits WHERE branch = ?');
    const upd = this.db.prepare(
      'INSERT INTO branches (name, ref, role, version, tip, base, detected_by, last_update, own_commits, picks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0) ' +
        'ON CONFLICT(name) DO UPDATE SET ref = excluded.ref, role = excluded.role, version = excluded.version, tip = excluded.tip, base = excluded.base, detected_by = excluded.detected_by, last_update = excluded.last_update, own_commits = excluded.own_commits',
    );
    this.db
      .transaction(() => {
        for (const b of rows) {
          del.run(b.name);
          upd.run(
            b.name,
            b.ref,
            b.role,
            b.version,
            b.tip,
            bases.get(b.name) ?? null,
            b.detectedBy,
            (this.commitTime.get(b.tip) as number | undefined) ?? null,
            perBranch.get(b.name)!.length,
          );
        }
        for (const p of pending) ins.run(p.branch, p.sha, p.upstream, p.via);
      })
      .immediate();
    mark('branch_commits rows');
    this.resolveChains();
    mark('chains');
    return pending.length;
  }

  /** Patch ids from the cache, computing the missing ones with git. */
  async patchIds(shas: readonly string[]): Promise<Map<string, string | null>> {
    const get = this.db.prepare('SELECT p.patch_id FROM patch_ids p JOIN commits c ON c.id = p.commit_id WHERE c.sha = ?');
    const out = new Map<string, string | null>();
    const missing: string[] = [];
    const computed = new Map<string, string | null>();
    for (const s of shas) {
      const row = get.get(s) as { patch_id: string | null } | undefined;
      if (row) out.set(s, row.patch_id);
      else if (this.knownPatchIds?.has(s)) computed.set(s, this.knownPatchIds.get(s)!);
      else missing.push(s);
    }
    if (env.timing())
      process.stderr.write(
        `[timing]   branches: patch ids asked ${shas.length}, cached ${out.size}, computed ahead ${computed.size}, by git now ${missing.length}\n`,
      );
    if (missing.length) for (const [s, p] of await commitPatchIds(this.target, missing)) computed.set(s, p);
    if (computed.size) {
      const put = this.db.prepare('INSERT OR REPLACE INTO patch_ids (commit_id, patch_id) SELECT id, ? FROM commits WHERE sha = ?');
      this.db
        .transaction(() => {
          for (const [s, p] of computed) {
            out.set(s, p);
            put.run(p, s);
          }
        })
        .immediate();
    }
    return out;
  }

  /** A pick of a pick: follow upstream links through stable commits until a mainline commit. */
  resolveChains(): void {
    const all = this.db.prepare('SELECT rowid AS rid, branch, sha, upstream_sha, via FROM branch_commits ORDER BY rowid').all() as {
      rid: number;
      branch: string;
      sha: string;
      upstream_sha: string | null;
      via: string | null;
    }[];
    const upOf = new Map<string, string | null>();
    for (const r of all) if (!upOf.has(r.sha) || r.upstream_sha) upOf.set(r.sha, r.upstream_sha);
    const upd = this.db.prepare('UPDATE branch_commits SET upstream_sha = ?, via = ? WHERE rowid = ?');
    const drop = this.db.prepare('DELETE FROM branch_commits WHERE rowid = ?');
    const picks = new Map<string, Set<string>>();
    // A commit whose markers name a mainline commit and a pick of it holds it once: by its last marker
    // (a chained pick appends the intermediate pick last); rows are in marker order.
    const lastRow = new Map<string, number>();
    this.db
      .transaction(() => {
        for (const r of all) {
          let up = r.upstream_sha;
          let hops = 0;
          while (up && upOf.has(up) && hops < 16) {
            up = upOf.get(up) ?? null;
            hops++;
          }
          if (up) {
            const key = `${r.branch}\0${r.sha}\0${up}`;
            const prev = lastRow.get(key);
            if (prev !== undefined) drop.run(prev);
            lastRow.set(key, r.rid);
          }
          if (hops > 0) upd.run(up, up ? `${r.via}+chain` : r.via, r.rid);
          if (up && !upOf.has(up)) {
            let s = picks.get(r.branch);
            if (!s) picks.set(r.branch, (s = new Set()));
            s.add(up);
          }
        }
        const setPicks = this.db.prepare('UPDATE branches SET picks = ? WHERE name = ?');
        for (const name of this.db.prepare('SELECT name FROM branches').pluck().all() as string[]) setPicks.run(picks.get(name)?.size ?? 0, name);
      })
      .immediate();
  }
}

/** Every marker of the index by commit sha, in order; read without a join to `commits` (the graph maps row ids to shas). */
function loadMarkerMap(db: DB, graph: CommitGraph): Map<string, MarkerRow[]> {
  const map = new Map<string, MarkerRow[]>();
  const rows = db.prepare('SELECT commit_id, kind, prefix, line, sha FROM markers ORDER BY commit_id, seq').raw().all() as [
    number,
    string,
    string,
    number,
    string | null,
  ][];
  let lastId = -1;
  let list: MarkerRow[] | undefined;
  for (const [id, kind, prefix, line, sha] of rows) {
    if (id !== lastId) {
      lastId = id;
      const c = graph.shaOfDbId(id);
      list = undefined;
      if (c !== undefined) {
        list = map.get(c);
        if (!list) map.set(c, (list = []));
      }
    }
    list?.push({ kind, prefix, line, sha });
  }
  return map;
}

/**
 * A first index computes, while the worker thread finishes (references, secondary indexes), the patch ids
 * that the branch stage will ask for: those of the own commits of the branches named as stable that
 * carry no upstream marker, and of their same-subject candidates. Needs only what the stream wrote and
 * the `commits_subject` index (whether a commit has an upstream marker does not depend on resolving it).
 * A superset of what `matchByPatchId` needs (branches found by markers add stable commits, which only
 * removes candidates); anything else is computed there as before.
 */
export async function prefetchPatchIds(
  target: GitTarget,
  db: DB,
  refs: readonly RefInfo[],
  head: string | null,
  conv: Conventions,
  graph: CommitGraph,
): Promise<Map<string, string | null>> {
  const byName = branchRefs(refs);
  if (byName.size === 0) return new Map();
  const mainline = chooseMainline(byName, refs, head, conv);
  const stable = stableBranchesByName(byName, mainline.name, conv);
  const mainAnc = graph.ancestorsMask([mainline.tip]);
  const own = new Set<string>();
  for (const b of stable) for (const sha of graph.exclusive(b.tip, mainAnc).own) own.add(sha);
  const markers = loadMarkerMap(db, graph);
  const matcher = new HoldingMatcher(target, db, graph, mainAnc, () => Promise.resolve(new Map()));
  // A commit with an upstream marker is settled by it when the marker names a commit of the history
  // (most do: a prefix of one of the graph's shas); the others fall through to patch ids, so theirs are
  // computed here too.
  // A full id is looked up directly; the sorted list for short ones is made only if one comes (most markers are full).
  let sorted: string[] | null = null;
  const names = (prefix: string): boolean => {
    if (prefix.length === 40 || prefix.length === 64) return graph.indexOf(prefix) >= 0;
    sorted ??= Array.from({ length: graph.size }, (_, i) => graph.shaAt(i)).sort();
    return sorted[lowerBound(sorted, prefix)]?.startsWith(prefix) ?? false;
  };
  const unmarked = [...own].filter((sha) => !(markers.get(sha) ?? []).some((r) => UPSTREAM_KINDS.has(r.kind) && names(r.prefix)));
  matcher.prepareFor(unmarked);
  const need = new Set<string>();
  for (const sha of unmarked) {
    const cands = matcher.candidates(sha);
    if (!cands.length) continue;
    need.add(sha);
    for (const c of cands) need.add(graph.shaAt(c));
  }
  return need.size ? commitPatchIds(target, [...need]) : new Map();
}

/** With STABLEPICK_TIMING=1: a function that prints the time since its last call (or its creation) on stderr. */
export function phaseTimer(scope: string): (what: string) => void {
  if (!env.timing()) return () => undefined;
  let last = performance.now();
  return (what) => {
    const now = performance.now();
    process.stderr.write(`[timing]   ${scope}: ${what}: ${((now - last) / 1000).toFixed(3)} s\n`);
    last = now;
  };
}
