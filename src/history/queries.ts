/** Reading the index: counts, branches, and everything known about one commit. */
import { StablepickError } from '../errors.js';
import type { DB } from './db.js';
import { getMeta } from './db.js';
import { PrefixResolver } from './resolve.js';
import { storedDetection } from './detect.js';
import type { DetectedConventions } from '../conventions/detect.js';

export interface IndexStats {
  commits: number;
  merges: number;
  paths: number;
  latin1Commits: number;
  refs: { heads: number; remotes: number; tags: number; other: number };
  trailers: Record<string, number>;
  fixesRefs: { resolved: number; ambiguous: number; unknown: number; malformed: number };
  markers: Record<string, number>;
  releases: { tags: number; prereleases: number; commitsWithRelease: number };
  mainline: string | null;
  stableBranches: number;
  /** Conventions detected from this history (config overrides them). */
  detected: DetectedConventions | null;
  shallow: boolean;
  partial: boolean;
  indexedAt: string | null;
}

function countBy(db: DB, sql: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of db.prepare(sql).all() as { k: string; n: number }[]) out[r.k] = r.n;
  return out;
}

export function indexStats(db: DB): IndexStats {
  const one = (sql: string): number => (db.prepare(sql).pluck().get() as number | null) ?? 0;
  const refKinds = countBy(
    db,
    "SELECT CASE WHEN name LIKE 'refs/heads/%' THEN 'heads' WHEN name LIKE 'refs/remotes/%' THEN 'remotes' WHEN name LIKE 'refs/tags/%' THEN 'tags' ELSE 'other' END AS k, count(*) AS n FROM refs GROUP BY k",
  );
  const fixes = countBy(db, "SELECT ref_status AS k, count(*) AS n FROM trailers WHERE kind = 'fixes' GROUP BY ref_status");
  const at = getMeta(db, 'indexed_at');
  return {
    commits: one('SELECT count(*) FROM commits'),
    merges: one('SELECT count(*) FROM commits WHERE parent_count > 1'),
    paths: one('SELECT count(*) FROM paths'),
    latin1Commits: one('SELECT count(*) FROM commits WHERE latin1 = 1'),
    refs: { heads: refKinds.heads ?? 0, remotes: refKinds.remotes ?? 0, tags: refKinds.tags ?? 0, other: refKinds.other ?? 0 },
    trailers: countBy(db, 'SELECT kind AS k, count(*) AS n FROM trailers GROUP BY kind ORDER BY kind'),
    fixesRefs: { resolved: fixes.resolved ?? 0, ambiguous: fixes.ambiguous ?? 0, unknown: fixes.unknown ?? 0, malformed: fixes.malformed ?? 0 },
    markers: countBy(db, 'SELECT kind AS k, count(*) AS n FROM markers GROUP BY kind ORDER BY kind'),
    releases: {
      tags: one('SELECT count(*) FROM tags WHERE prerelease = 0'),
      prereleases: one('SELECT count(*) FROM tags WHERE prerelease = 1'),
      commitsWithRelease: one('SELECT count(*) FROM commits WHERE first_release IS NOT NULL'),
    },
    mainline: getMeta(db, 'mainline'),
    stableBranches: one("SELECT count(*) FROM branches WHERE role != 'mainline'"),
    detected: storedDetection(db),
    shallow: getMeta(db, 'shallow') === '1',
    partial: getMeta(db, 'partial') === '1',
    indexedAt: at ? new Date(Number(at) * 1000).toISOString() : null,
  };
}

export interface BranchInfo {
  name: string;
  role: string;
  version: string | null;
  ref: string;
  tip: string;
  base: string | null;
  base_release: string | null;
  picks: number;
  own_commits: number;
  last_update: string | null;
  detected_by: string;
}

export function listBranches(db: DB, opts: { includeMainline?: boolean } = {}): BranchInfo[] {
  const rows = db
    .prepare(
      `SELECT b.name, b.role, b.version, b.ref, b.tip, b.base, b.picks, b.own_commits, b.last_update, b.detected_by,
              (SELECT first_release FROM commits WHERE sha = b.base) AS base_release
       FROM branches b ${opts.includeMainline ? '' : "WHERE b.role != 'mainline'"}`,
    )
    .all() as (Omit<BranchInfo, 'last_update'> & { last_update: number | null })[];
  const out = rows.map((r) => ({ ...r, last_update: r.last_update ? new Date(r.last_update * 1000).toISOString() : null }));
  out.sort((a, b) =>
    a.role === b.role
      ? compareVersionish(b.version ?? b.name, a.version ?? a.name)
      : a.role === 'mainline'
        ? -1
        : b.role === 'mainline'
          ? 1
          : a.role.localeCompare(b.role),
  );
  return out;
}

function compareVersionish(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number(x));
  const pb = b.split(/[.-]/).map((x) => Number(x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (Number.isNaN(x) || Number.isNaN(y)) return a.localeCompare(b);
    if (x !== y) return x - y;
  }
  return 0;
}

/** Finds the full sha for a prefix among indexed commits. */
export function resolveIndexed(db: DB, rev: string): string {
  const p = rev.toLowerCase();
  if (!/^[0-9a-f]{4,64}$/.test(p)) throw new StablepickError('BAD_REVISION', { rev, expected: 'hex id', fix: 'give a hex commit id (at least 4 characters)' });
  const r = new PrefixResolver(db).resolve(p, null);
  if (r.status === 'resolved') return r.sha!;
  if (r.status === 'ambiguous') throw new StablepickError('AMBIGUOUS', { rev, among: 'indexed' });
  throw new StablepickError('NOT_INDEXED', { rev, how: 'prefix' });
}

export interface TrailerView {
  kind: string;
  key: string;
  value: string;
  line: number;
  ref?: { prefix: string; subject: string | null; sha: string | null; status: string };
  detail?: unknown;
}

export interface CommitView {
  sha: string;
  subject: string;
  author: { name: string; email: string; time: string };
  committer: { name: string; email: string; time: string };
  parents: string[];
  message: string;
  latin1: boolean;
  files: { path: string; status: string }[];
  trailers: TrailerView[];
  markers: { kind: string; prefix: string; line: number; sha: string | null; status: string | null }[];
  upstream: { branch: string; sha: string | null; via: string | null }[];
  pickedBy: { branch: string; sha: string; via: string | null }[];
  fixedBy: { sha: string; subject: string; kind: string }[];
  revertedBy: { sha: string; subject: string }[];
  firstRelease: string | null;
}

export function commitView(db: DB, sha: string): CommitView {
  const c = db.prepare('SELECT * FROM commits WHERE sha = ?').get(sha) as
    | {
        id: number;
        sha: string;
        subject: string;
        message: string;
        author_name: string;
        author_email: string;
        author_time: number;
        committer_name: string;
        committer_email: string;
        commit_time: number;
        latin1: number;
        parents: string;
        first_release: string | null;
      }
    | undefined;
  if (!c) throw new StablepickError('NOT_INDEXED', { rev: sha, how: 'commit' });
  const iso = (t: number): string => new Date(t * 1000).toISOString();
  const trailers = (
    db.prepare('SELECT * FROM trailers WHERE commit_id = ? ORDER BY seq').all(c.id) as {
      kind: string;
      key: string;
      value: string;
      line: number;
      ref_prefix: string | null;
      ref_subject: string | null;
      ref_sha: string | null;
      ref_status: string | null;
      detail: string | null;
    }[]
  ).map((t) => {
    const v: TrailerView = { kind: t.kind, key: t.key, value: t.value, line: t.line };
    if (t.ref_prefix) v.ref = { prefix: t.ref_prefix, subject: t.ref_subject, sha: t.ref_sha, status: t.ref_status ?? 'unknown' };
    if (t.detail) v.detail = JSON.parse(t.detail) as unknown;
    return v;
  });
  return {
    sha: c.sha,
    subject: c.subject,
    author: { name: c.author_name, email: c.author_email, time: iso(c.author_time) },
    committer: { name: c.committer_name, email: c.committer_email, time: iso(c.commit_time) },
    parents: c.parents ? c.parents.split(' ') : [],
    message: c.message,
    latin1: c.latin1 === 1,
    files: db.prepare('SELECT p.path, f.status FROM commit_files f JOIN paths p ON p.id = f.path_id WHERE f.commit_id = ? ORDER BY p.path').all(c.id) as {
      path: string;
      status: string;
    }[],
    trailers,
    markers: db.prepare('SELECT kind, prefix, line, sha, status FROM markers WHERE commit_id = ? ORDER BY seq').all(c.id) as CommitView['markers'],
    upstream: db.prepare('SELECT branch, upstream_sha AS sha, via FROM branch_commits WHERE sha = ?').all(c.sha) as {
      branch: string;
      sha: string | null;
      via: string | null;
    }[],
    pickedBy: db.prepare('SELECT branch, sha, via FROM branch_commits WHERE upstream_sha = ? ORDER BY branch').all(c.sha) as CommitView['pickedBy'],
    fixedBy: db
      .prepare(
        "SELECT c.sha, c.subject, t.key AS kind FROM trailers t JOIN commits c ON c.id = t.commit_id WHERE t.ref_sha = ? AND t.kind = 'fixes' ORDER BY c.commit_time",
      )
      .all(c.sha) as CommitView['fixedBy'],
    revertedBy: db
      .prepare("SELECT c.sha, c.subject FROM markers m JOIN commits c ON c.id = m.commit_id WHERE m.sha = ? AND m.kind = 'reverts' ORDER BY c.commit_time")
      .all(c.sha) as CommitView['revertedBy'],
    firstRelease: c.first_release,
  };
}
