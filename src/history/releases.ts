/**
 * Release tags and the first release that contains each commit, computed in bulk: tags are taken in
 * the order of their commits' dates, and each tag claims the commits it contains that no earlier tag
 * claimed (a walk that stops at claimed commits, since an earlier tag that contains a commit contains
 * all its ancestors). Each commit is visited once overall, not once per tag as with `git describe`.
 */
import { env } from '../env.js';
import type { RefInfo } from '../git/refs.js';
import { parseReleaseTag } from '../conventions/branch-names.js';
import type { Conventions } from '../conventions/types.js';
import { getMeta, setMeta, type DB } from './db.js';
import { bulkUpdateByRowid } from './grouped-insert.js';
import type { CommitGraph } from './graph.js';

export interface TagRow {
  name: string;
  commit: string;
  version: string;
  prerelease: boolean;
  date: number;
}

export function releaseTags(refs: readonly RefInfo[], conv: Conventions): TagRow[] {
  const out: TagRow[] = [];
  for (const r of refs) {
    if (!r.name.startsWith('refs/tags/') || !r.commit) continue;
    const name = r.name.slice('refs/tags/'.length);
    const p = parseReleaseTag(name, conv);
    if (!p) continue;
    out.push({ name, commit: r.commit, version: p.version, prerelease: p.prerelease, date: r.date });
  }
  return out;
}

/**
 * Set (to a run id) while a first index writes provisional first releases with its commits, cleared when
 * that run has checked and fixed them. Found set by any other run (the writer was killed, or two runs
 * raced): no stored first release can be trusted, and all are computed again.
 */
const PROVISIONAL_RELEASES = 'releases_provisional';

/** Marks the start of a run that writes provisional first releases (see PROVISIONAL_RELEASES). */
export function beginProvisionalReleases(db: DB, runId: string): void {
  db.transaction(() => setMeta(db, PROVISIONAL_RELEASES, runId)).immediate();
}

/** First releases written with the commits by a first index (see ingest-worker). */
export interface StreamedReleases {
  runId: string;
  /** The value written for each commit, by position in the graph `loadGraph` returns. */
  values: readonly (string | null)[];
}

/**
 * Stores the tags and assigns first_release to commits that new tags contain. Returns commits assigned.
 * With `streamed`, the commits already carry provisional values: the same walk computes the exact ones
 * and only those that differ are written.
 */
export function updateReleases(db: DB, tags: readonly TagRow[], loadGraph: () => CommitGraph, streamed?: StreamedReleases): number {
  const known = new Map(
    (db.prepare('SELECT name, commit_sha, processed FROM tags').all() as { name: string; commit_sha: string; processed: number }[]).map((r) => [r.name, r]),
  );
  const current = new Set(tags.map((t) => t.name));
  const removedOrMoved = [...known.values()].filter((k) => !current.has(k.name) || tags.find((t) => t.name === k.name)!.commit !== k.commit_sha);
  const timeOf = db.prepare('SELECT commit_time FROM commits WHERE sha = ?').pluck();
  let checkStreamed = false;
  db.transaction(() => {
    const provisional = getMeta(db, PROVISIONAL_RELEASES);
    // Provisional values are checked only when this run wrote every commit and no other run touched them.
    checkStreamed =
      !!streamed &&
      provisional === streamed.runId &&
      known.size === 0 &&
      (db.prepare('SELECT count(*) FROM tags').pluck().get() as number) === 0 &&
      loadGraph().size === (db.prepare('SELECT count(*) FROM commits').pluck().get() as number);
    // A new tag older (by date, then name) than one already processed: in a clean index it would have
    // claimed its commits first (a tag that arrived late), so every first release is computed again.
    const order = (date: number, name: string): string => `${String(date).padStart(12, '0')}\0${name}`;
    let lastDone = '';
    for (const r of db.prepare('SELECT name, date FROM tags WHERE processed = 1 AND prerelease = 0').all() as { name: string; date: number }[]) {
      const o = order(r.date, r.name);
      if (o > lastDone) lastDone = o;
    }
    const lateTag = tags.some((t) => !t.prerelease && !known.has(t.name) && order((timeOf.get(t.commit) as number | undefined) ?? t.date, t.name) < lastDone);
    if (removedOrMoved.length || lateTag || (provisional !== null && !checkStreamed)) {
      // A tag vanished, moved or came late, or provisional values of another run: recompute everything.
      db.prepare('DELETE FROM tags').run();
      db.prepare('UPDATE commits SET first_release = NULL WHERE first_release IS NOT NULL').run();
      known.clear();
    }
    if (provisional !== null && !checkStreamed) db.prepare('DELETE FROM meta WHERE key = ?').run(PROVISIONAL_RELEASES);
    const ins = db.prepare('INSERT OR IGNORE INTO tags (name, commit_sha, version, prerelease, date, processed) VALUES (?, ?, ?, ?, ?, 0)');
    for (const t of tags)
      if (!known.has(t.name)) ins.run(t.name, t.commit, t.version, t.prerelease ? 1 : 0, (timeOf.get(t.commit) as number | undefined) ?? t.date);
  }).immediate();
  const todo = db.prepare('SELECT name, commit_sha FROM tags WHERE processed = 0 AND prerelease = 0 ORDER BY date, name').all() as {
    name: string;
    commit_sha: string;
  }[];
  if (checkStreamed && streamed) {
    // Tags and values are final together: a run killed before this commits leaves the flag set.
    let assigned = 0;
    db.transaction(() => {
      const exact = firstReleaseWalk(loadGraph(), todo, new Uint8Array(loadGraph().size));
      const fixes: [number, string | null][] = [];
      const graph = loadGraph();
      for (let i = 0; i < exact.length; i++) {
        if (exact[i] !== null) assigned++;
        if (exact[i] !== (streamed.values[i] ?? null)) fixes.push([graph.dbIdAt(i), exact[i] ?? null]);
      }
      const setRel = db.prepare('UPDATE commits SET first_release = ? WHERE id = ?');
      for (const [id, rel] of fixes) setRel.run(rel, id);
      const done = db.prepare('UPDATE tags SET processed = 1 WHERE name = ?');
      for (const t of todo) done.run(t.name);
      db.prepare('DELETE FROM meta WHERE key = ?').run(PROVISIONAL_RELEASES);
      if (env.timing()) process.stderr.write(`[timing] first releases written with the commits: ${exact.length - fixes.length} right, ${fixes.length} fixed\n`);
    }).immediate();
    return assigned;
  }
  if (!todo.length) return 0;
  const setRel = db.prepare('UPDATE commits SET first_release = ? WHERE id = ?');
  const done = db.prepare('UPDATE tags SET processed = 1 WHERE name = ?');
  let assigned = 0;
  if (todo.length > 3) {
    // Many tags (a first index): walk the graph in memory with a claimed flag per commit.
    const graph = loadGraph();
    const claimed = new Uint8Array(graph.size);
    for (const sha of db.prepare('SELECT sha FROM commits WHERE first_release IS NOT NULL').pluck().iterate() as IterableIterator<string>) {
      const i = graph.indexOf(sha);
      if (i >= 0) claimed[i] = 1;
    }
    const rel = firstReleaseWalk(graph, todo, claimed);
    const sets: [number, string][] = [];
    for (let i = 0; i < rel.length; i++) {
      if (rel[i] === null) continue;
      sets.push([graph.dbIdAt(i), rel[i]!]);
      assigned++;
    }
    db.transaction(() => {
      for (const t of todo) done.run(t.name);
      bulkUpdateByRowid(db, 'commits', ['first_release'], sets);
    }).immediate();
    return assigned;
  }
  // A few tags (an update): look commits up one by one; the walk stops at claimed commits at once.
  const one = db.prepare('SELECT id, parents, first_release FROM commits WHERE sha = ?');
  db.transaction(() => {
    for (const t of todo) {
      const stack = [t.commit_sha];
      const seen = new Set<string>();
      while (stack.length) {
        const sha = stack.pop()!;
        if (seen.has(sha)) continue;
        seen.add(sha);
        const r = one.get(sha) as { id: number; parents: string; first_release: string | null } | undefined;
        if (!r || r.first_release !== null) continue;
        setRel.run(t.name, r.id);
        assigned++;
        if (r.parents) for (const p of r.parents.split(' ')) stack.push(p);
      }
      done.run(t.name);
    }
  }).immediate();
  return assigned;
}

/**
 * Each tag, in order, claims the commits it contains that are not claimed yet (the walk stops at claimed
 * commits: an earlier tag that contains a commit contains its ancestors). Returns the claiming tag per
 * graph position (null: not claimed by these tags). `claimed` is updated.
 */
function firstReleaseWalk(graph: CommitGraph, tags: readonly { name: string; commit_sha: string }[], claimed: Uint8Array): (string | null)[] {
  const out = new Array<string | null>(graph.size).fill(null);
  for (const t of tags) {
    const start = graph.indexOf(t.commit_sha);
    const stack = start >= 0 ? [start] : [];
    while (stack.length) {
      const i = stack.pop()!;
      if (claimed[i]) continue;
      claimed[i] = 1;
      out[i] = t.name;
      for (const q of graph.parentsAt(i)) if (!claimed[q]) stack.push(q);
    }
  }
  return out;
}
