/**
 * The one model of "stable branch S holds mainline commit X, and how that was found" (docs/index.md,
 * "Holdings"). The index stores one `branch_commits` row per (branch, own commit, upstream) with the
 * method in `via`; every stage reads holdings through this module.
 *
 * A branch's own commit is matched to the mainline commit it carries by, in order:
 *  1. marker: every upstream marker of the commit that names an indexed commit (a squashed pick carries
 *     several and holds them all; a pick of a pick is followed to mainline, `+chain`);
 *  2. patch-id: the same `git patch-id --stable` as a mainline candidate;
 *  3. author-date: the same author and author date (git cherry-pick and git am keep both);
 *  4. subject: the same normalised subject and author, committed after the mainline commit, changing a file
 *     in common and at least half the changed lines of the smaller patch; a mainline commit that several
 *     branch commits claim this way is held by none of them.
 * Candidates for 2-4 are mainline commits of the same author (email, case folded) with the same
 * normalised subject or the same author date: a patch-id is computed for those only (computing one for
 * every mainline commit would cost more than the whole index), so a pick whose author AND subject both
 * changed is not found. A marker naming a commit the index does not have (a fix backported from a private repository)
 * never ends the search: the commit goes on to 2-4.
 */
import { commitChangedLines } from '../git/diff-batch.js';
import type { GitTarget } from '../git/run.js';
import type { DB } from './db.js';
import type { CommitGraph } from './graph.js';

export type HoldingMethod = 'marker' | 'patch-id' | 'author-date' | 'subject';

/** The method a stored `via` names ('cherry-picked+chain' → marker); null for no holding. */
export function holdingMethod(via: string | null): HoldingMethod | null {
  if (!via) return null;
  const base = via.replace(/\+chain$/, '');
  if (base === 'patch-id' || base === 'author-date' || base === 'subject') return base;
  return 'marker';
}

/** How a holding was found, in words, for `show` and the cases ("marker (cherry-picked)", "patch-id"). */
export function describeVia(via: string | null): string {
  const m = holdingMethod(via);
  if (!m || !via) return 'not found';
  const chain = via.endsWith('+chain') ? ', through a pick of a pick' : '';
  const base = via.replace(/\+chain$/, '');
  if (m === 'marker') return `marker (${base})${chain}`;
  const words = {
    'patch-id': 'same patch-id',
    'author-date': 'same author and author date',
    subject: 'same normalised subject and author, changed lines contained',
  } as const;
  return `${words[m]}${chain}`;
}

const VERSION_TAG = /^\s*\[[^\]]*\]\s*/;
const PREFIX = /^\s*(?:backport(?:ed)?|upstream|fromgit|fromlist|cherry-pick)\s*:\s*/i;

/**
 * A subject as a pick may have changed it, back to what it names: case and whitespace folded, leading
 * bracket tags (`[1.3] `, `[PATCH 6.12]`, `[backport]`) and a `Backport:` prefix dropped. A revert stays
 * a revert of what it reverts (`Revert "[1.3] x"` → `revert:x`), never equal to the reverted subject.
 */
export function holdingSubject(subject: string): string {
  let s = subject.trim();
  for (let i = 0; i < 8; i++) {
    const before = s;
    s = s.replace(VERSION_TAG, '').replace(PREFIX, '');
    if (s === before) break;
  }
  const rev = /^revert\s*:?\s*"(.*)"\s*$/i.exec(s) ?? /^revert\s*:\s*(.*)$/i.exec(s);
  if (rev) return `revert:${holdingSubject(rev[1]!)}`;
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * A candidate pool of mainline commits: by author, and by author + author date. Filled one author at a
 * time, only for the authors of commits left to match (a few hundred of a history's thousands): reading
 * every commit into maps cost more than the matching itself.
 */
interface Pool {
  byEmail: Map<string, number[]>;
  byAuthorTime: Map<string, number[]>;
  rec: Map<number, { id: number; sha: string; email: string; authorTime: number; key: string | null; time: number }>;
  /** Authors (email, case folded) whose mainline commits are all in the maps. */
  loaded: Set<string>;
}

/** The pool of the last matcher per graph: a first index builds it once for the prefetch and the branch stage. */
const pools = new WeakMap<CommitGraph, { mainline: number; mask: Uint8Array; pool: Pool }>();

function sameMask(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const authorKey = (email: string, t: number): string => `${email.toLowerCase()}\0${t}`;

export interface HoldingItem {
  sha: string;
  upstream: string | null;
  via: string | null;
}

/** Matches a branch's own commits that no marker settled to mainline commits (methods 2-4 above). */
export class HoldingMatcher {
  private pool: Pool | null = null;
  private readonly info;
  private readonly subjectById;
  private readonly ofAuthors;

  constructor(
    private readonly target: GitTarget,
    private readonly db: DB,
    private readonly graph: CommitGraph,
    /** Mainline's ancestry (graph positions). */
    private readonly mainline: Uint8Array,
    private readonly patchIds: (shas: readonly string[]) => Promise<Map<string, string | null>>,
  ) {
    this.info = db.prepare('SELECT subject, author_email, author_time, commit_time FROM commits WHERE sha = ?');
    this.subjectById = db.prepare('SELECT subject FROM commits WHERE id = ?').pluck();
    // SQLite's lower() folds ASCII only: an email with any other character is returned too and folded
    // here (a Kelvin sign folds to 'k'), so the pool holds exactly what a fold of every row would.
    this.ofAuthors = db.prepare(
      'SELECT id, author_email, author_time FROM commits WHERE lower(author_email) IN (SELECT value FROM json_each(?)) OR length(CAST(author_email AS BLOB)) != length(author_email) ORDER BY id',
    );
  }

  private loadPool(): Pool {
    if (this.pool) return this.pool;
    const cached = pools.get(this.graph);
    if (cached && cached.mainline === this.mainline.length && sameMask(cached.mask, this.mainline)) return (this.pool = cached.pool);
    const pool: Pool = { byEmail: new Map(), byAuthorTime: new Map(), rec: new Map(), loaded: new Set() };
    pools.set(this.graph, { mainline: this.mainline.length, mask: this.mainline, pool });
    return (this.pool = pool);
  }

  /** Puts the mainline commits of these authors (emails, case folded) in the pool, in row id order. */
  private loadAuthors(emails: Iterable<string>): void {
    const pool = this.loadPool();
    const missing = new Set<string>();
    for (const e of emails) if (!pool.loaded.has(e)) missing.add(e);
    if (!missing.size) return;
    const add = (i: number, id: number, e: string, at: number): void => {
      pool.rec.set(i, { id, sha: this.graph.shaAt(i), email: e, authorTime: at, key: null, time: this.graph.timeAt(i) });
      push(pool.byEmail, e, i);
      push(pool.byAuthorTime, authorKey(e, at), i);
    };
    const authors = this.graph.authors;
    if (authors) {
      // A first index: the writer reported every row's author (positions ascend with row ids).
      const folded = new Map<string, string>();
      for (let i = 0; i < this.graph.size; i++) {
        if (!this.mainline[i]) continue;
        const raw = authors.emails[i]!;
        let e = folded.get(raw);
        if (e === undefined) folded.set(raw, (e = raw.toLowerCase()));
        if (missing.has(e)) add(i, this.graph.dbIdAt(i), e, authors.times[i]!);
      }
    } else {
      for (const [id, email, at] of this.ofAuthors.raw().iterate(JSON.stringify([...missing])) as IterableIterator<[number, string, number]>) {
        const e = email.toLowerCase();
        if (!missing.has(e)) continue;
        const i = this.graph.indexOfDbId(id);
        if (i >= 0 && this.mainline[i]) add(i, id, e, at);
      }
    }
    for (const e of missing) pool.loaded.add(e);
  }

  /** Loads the pool for the authors of these commits in one query (candidates() would ask per author). */
  prepareFor(shas: Iterable<string>): void {
    const emails = new Set<string>();
    for (const sha of shas) {
      const s = this.info.get(sha) as { author_email: string } | undefined;
      if (s) emails.add(s.author_email.toLowerCase());
    }
    this.loadAuthors(emails);
  }

  /** A pool commit's normalised subject (computed when first asked: most commits are never candidates). */
  private keyOf(i: number): string {
    const r = this.loadPool().rec.get(i)!;
    return (r.key ??= holdingSubject((this.subjectById.get(r.id) as string | undefined) ?? ''));
  }

  /** Mainline candidates of one own commit (graph positions): same author, and same normalised subject or same author date. */
  candidates(sha: string): number[] {
    const s = this.info.get(sha) as { subject: string; author_email: string; author_time: number } | undefined;
    if (!s) return [];
    const email = s.author_email.toLowerCase();
    this.loadAuthors([email]);
    const pool = this.loadPool();
    const key = holdingSubject(s.subject);
    const out = new Set<number>(key ? (pool.byEmail.get(email) ?? []).filter((i) => this.keyOf(i) === key) : []);
    for (const i of pool.byAuthorTime.get(authorKey(email, s.author_time)) ?? []) out.add(i);
    out.delete(this.graph.indexOf(sha));
    return [...out];
  }

  /** Sets `upstream` and `via` of the items it can match; leaves the others as they are. */
  async match(items: HoldingItem[]): Promise<void> {
    const pairs: { item: HoldingItem; cands: number[] }[] = [];
    this.prepareFor(items.map((it) => it.sha));
    for (const it of items) {
      const cands = this.candidates(it.sha);
      if (cands.length) pairs.push({ item: it, cands });
    }
    if (!pairs.length) return;
    const pool = this.loadPool();
    const need = new Set<string>();
    for (const p of pairs) {
      need.add(p.item.sha);
      for (const c of p.cands) need.add(pool.rec.get(c)!.sha);
    }
    const ids = await this.patchIds([...need]);
    const oldest = (list: number[]): string => list.map((i) => pool.rec.get(i)!).sort((a, b) => a.time - b.time || (a.sha < b.sha ? -1 : 1))[0]!.sha;
    const toConfirm: { item: HoldingItem; named: string[] }[] = [];
    for (const p of pairs) {
      const s = this.info.get(p.item.sha) as { subject: string; author_email: string; author_time: number };
      const mine = ids.get(p.item.sha);
      // Several identical mainline commits (a revert and reapply): the oldest is the original.
      const samePatch = mine ? p.cands.filter((c) => ids.get(pool.rec.get(c)!.sha) === mine) : [];
      if (samePatch.length) {
        p.item.upstream = oldest(samePatch);
        p.item.via = 'patch-id';
        continue;
      }
      const email = s.author_email.toLowerCase();
      const key = holdingSubject(s.subject);
      const dated = p.cands.filter((c) => pool.rec.get(c)!.authorTime === s.author_time);
      if (dated.length) {
        // One author's commits of the same second: the one with the same subject, if there is one.
        const bySubj = dated.filter((c) => this.keyOf(c) === key);
        p.item.upstream = oldest(bySubj.length ? bySubj : dated);
        p.item.via = 'author-date';
        continue;
      }
      // A pick is made after the commit it picks: a branch commit committed before a same-subject mainline
      // commit is a change of its own (a translation update, a release commit made on both lines).
      const own = this.info.get(p.item.sha) as { commit_time: number };
      const named = p.cands.filter((c) => pool.rec.get(c)!.email === email && !!key && this.keyOf(c) === key && pool.rec.get(c)!.time <= own.commit_time);
      if (named.length)
        toConfirm.push({
          item: p.item,
          named: named
            .map((i) => pool.rec.get(i)!)
            .sort((a, b) => a.time - b.time)
            .map((r) => r.sha),
        });
    }
    if (!toConfirm.length) return;
    // Same normalised subject and author, a patch of its own: confirmed by the changed lines (one git run).
    const lines = await commitChangedLines(this.target, [...new Set(toConfirm.flatMap((t) => [t.item.sha, ...t.named]))]);
    const found = new Map<HoldingItem, string>();
    const claims = new Map<string, number>();
    for (const t of toConfirm) {
      const mine = lines.get(t.item.sha);
      const hit = mine ? t.named.find((c) => contained(mine, lines.get(c) ?? null)) : undefined;
      if (hit) {
        found.set(t.item, hit);
        claims.set(hit, (claims.get(hit) ?? 0) + 1);
      }
    }
    // One mainline commit claimed by several branch commits through its subject alone ("Update version
    // for release" on every release of the branch) is held by none of them: a subject does not say which.
    for (const [item, hit] of found) {
      if (claims.get(hit) !== 1) continue;
      item.upstream = hit;
      item.via = 'subject';
    }
  }
}

/**
 * Whether the changed lines of the smaller of two patches are at least half in the other's (lines
 * compared trimmed, with their sign; lines shorter than 4 characters, such as a lone brace, not counted).
 */
function contained(a: Set<string>, b: Set<string> | null): boolean {
  if (!b) return false;
  // The two must change a file in common (release notes of 9.20 and of 9.21 share lines, not a file).
  let samePath = false;
  for (const l of a) if (l.startsWith('\0') && b.has(l)) samePath = true;
  if (!samePath) return false;
  const lines = (s: Set<string>): string[] => [...s].filter((l) => !l.startsWith('\0'));
  const [small, big] = a.size <= b.size ? [lines(a), b] : [lines(b), a];
  if (small.length === 0) return false;
  let hit = 0;
  for (const l of small) if (big.has(l)) hit++;
  return hit * 2 >= small.length;
}

function push1<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.add(v);
  else m.set(k, new Set([v]));
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** One holding: `branch` carries mainline commit `upstream` as its own commit `sha`. */
export interface PickRow {
  branch: string;
  sha: string;
  upstream: string;
  via: string | null;
  method: HoldingMethod;
  /** Commit time of the branch's commit: when the pick became visible. */
  time: number;
}

/** Every holding of the index (or of one branch) by a pick, read from `branch_commits`. */
export function readPicks(db: DB, branch?: string): PickRow[] {
  const sql =
    'SELECT bc.branch, bc.sha, bc.upstream_sha, bc.via, c.commit_time FROM branch_commits bc JOIN commits c ON c.sha = bc.sha WHERE bc.upstream_sha IS NOT NULL' +
    (branch === undefined ? '' : ' AND bc.branch = ?');
  const st = db.prepare(sql).raw();
  const rows = (branch === undefined ? st.all() : st.all(branch)) as [string, string, string, string | null, number][];
  return rows.map(([b, sha, upstream, via, time]) => ({ branch: b, sha, upstream, via, method: holdingMethod(via) ?? 'marker', time }));
}

/** The own commits of every branch (with or without an upstream), for "is this a branch's own commit". */
export function readOwnCommits(db: DB): { branch: string; sha: string; upstream: string | null; via: string | null; time: number }[] {
  const rows = db
    .prepare('SELECT bc.branch, bc.sha, bc.upstream_sha, bc.via, c.commit_time FROM branch_commits bc JOIN commits c ON c.sha = bc.sha')
    .raw()
    .all() as [string, string, string | null, string | null, number][];
  return rows.map(([branch, sha, upstream, via, time]) => ({ branch, sha, upstream, via, time }));
}

/**
 * The branches whose picks count as held by `name`: itself and its staging (or stable) twin, the
 * branches of the same version (Xen's staging-4.17 carries what stable-4.17 is about to get).
 */
export function holdingFamily(branches: readonly { name: string; version: string | null; role?: string }[], name: string): Set<string> {
  const b = branches.find((x) => x.name === name);
  const out = new Set([name]);
  if (b?.version) for (const o of branches) if (o.version === b.version && o.role !== 'mainline') out.add(o.name);
  return out;
}

/**
 * Of the stable branches whose tips did not move, those whose holdings a clean index would compute
 * differently now (the incremental index must equal a clean one, whatever order refs arrived in):
 *  - mainline now reaches some of the branch's own commits (its own commits shrank);
 *  - a marker of one of its own commits names an indexed commit that its rows do not hold (the commit
 *    arrived after the branch: two remotes fetched in turn);
 *  - a commit that mainline reaches since `oldMainTip` is a candidate (same normalised subject, or same
 *    author and author date) of one of its own commits not settled by a marker;
 *  - one of its rows names an upstream the index no longer has.
 * `newlyMainline`: the commits mainline reaches now and did not reach when the holdings were last computed
 * (`git rev-list new ^old`); null when unknown (every branch is stale).
 */
export function staleHoldings(db: DB, newlyMainline: ReadonlySet<string> | null, branches: readonly string[]): Set<string> {
  const out = new Set<string>();
  if (!branches.length) return out;
  if (newlyMainline === null) return new Set(branches);
  // Mainline commits new since the holdings were computed, by candidate key.
  const keys = new Set<string>();
  const authors = new Set<string>();
  const info = db.prepare('SELECT subject, author_email, author_time FROM commits WHERE sha = ?');
  for (const sha of newlyMainline) {
    const r = info.get(sha) as { subject: string; author_email: string; author_time: number } | undefined;
    if (!r) continue;
    authors.add(r.author_email.toLowerCase());
    keys.add(`s\0${r.author_email.toLowerCase()}\0${holdingSubject(r.subject)}`);
    keys.add(`a\0${authorKey(r.author_email, r.author_time)}`);
  }
  // Every row with its commit; the indexed commits each own commit's upstream markers name.
  type Row = { branch: string; sha: string; up: string | null; via: string | null; subject: string; email: string; at: number; gone: number };
  const rows = (
    db
      .prepare(
        'SELECT bc.branch, bc.sha, bc.upstream_sha, bc.via, c.subject, c.author_email, c.author_time, (bc.upstream_sha IS NOT NULL AND u.sha IS NULL) FROM branch_commits bc JOIN commits c ON c.sha = bc.sha LEFT JOIN commits u ON u.sha = bc.upstream_sha',
      )
      .raw()
      .all() as [string, string, string | null, string | null, string, string, number, number][]
  ).map(([branch, sha, up, via, subject, email, at, gone]): Row => ({ branch, sha, up, via, subject, email, at, gone }));
  const kinds = [...UPSTREAM_KINDS].map((k) => `'${k}'`).join(', ');
  const named = new Map<string, Set<string>>();
  for (const [sha, up] of db
    .prepare(
      `SELECT DISTINCT c.sha, m.sha FROM commits c JOIN markers m ON m.commit_id = c.id WHERE m.sha IS NOT NULL AND m.kind IN (${kinds}) AND c.sha IN (SELECT sha FROM branch_commits)`,
    )
    .raw()
    .iterate() as IterableIterator<[string, string]>)
    push1(named, sha, up);
  // A pick of a pick: what an own commit's upstream is (as resolveChains reads it).
  const upOf = new Map<string, string | null>();
  for (const r of rows) if (!upOf.has(r.sha) || r.up) upOf.set(r.sha, r.up);
  const chase = (x: string): string | null => {
    let up: string | null = x;
    for (let hops = 0; up && upOf.has(up) && hops < 16; hops++) up = upOf.get(up) ?? null;
    return up;
  };
  const byBranch = new Map<string, Row[]>();
  for (const r of rows) push(byBranch, r.branch, r);
  const isStale = (b: string): boolean => {
    const own = new Map<string, Row[]>();
    for (const r of byBranch.get(b) ?? []) push(own, r.sha, r);
    for (const [sha, rs] of own) {
      if (rs.some((r) => r.gone)) return true;
      if (newlyMainline.has(sha)) return true;
      const n = named.get(sha);
      const markerRows = rs.filter((r) => holdingMethod(r.via) === 'marker');
      if (n) {
        // What a clean index writes for these markers: one row per final upstream, one per chain that ended nowhere.
        const finals = [...n].map(chase);
        const want = new Set(finals.filter((f): f is string => f !== null));
        const have = new Set(markerRows.map((r) => r.up).filter((u): u is string => u !== null));
        if (want.size !== have.size || [...want].some((w) => !have.has(w))) return true;
        if (finals.filter((f) => f === null).length !== markerRows.filter((r) => r.up === null).length) return true;
        continue;
      }
      if (markerRows.length) return true;
      const r = rs[0]!;
      const email = r.email.toLowerCase();
      if (authors.has(email) && (keys.has(`a\0${authorKey(email, r.at)}`) || keys.has(`s\0${email}\0${holdingSubject(r.subject)}`))) return true;
    }
    return false;
  };
  for (const b of branches) if (isStale(b)) out.add(b);
  // A pick of a pick was followed through another branch's rows: if any branch is recomputed, so is
  // every branch with such a row (or with a marker row whose chain ended nowhere).
  if (out.size) {
    const chained = db
      .prepare("SELECT DISTINCT branch FROM branch_commits WHERE via LIKE '%+chain' OR (upstream_sha IS NULL AND via IS NOT NULL)")
      .pluck()
      .all() as string[];
    for (const b of chained) if (branches.includes(b)) out.add(b);
  }
  return out;
}

/** Marker kinds that name the commit a stable commit was picked from (not reverts, not stable-dep-of). */
export const UPSTREAM_KINDS: ReadonlySet<string> = new Set(['cherry-picked', 'backported-from', 'upstream-commit', 'commit-upstream', 'xen-master']);
