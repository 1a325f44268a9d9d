/**
 * Release tags and the first release that contains each commit, computed in bulk: tags are taken in
 * the order of their commits' dates, and each tag claims the commits it contains that no earlier tag
 * claimed (a walk that stops at claimed commits, since an earlier tag that contains a commit contains
 * all its ancestors). Each commit is visited once overall, not once per tag as with `git describe`.
 */
import type { RefInfo } from '../git/refs.js';
import { parseReleaseTag } from '../conventions/branch-names.js';
import type { Conventions } from '../conventions/types.js';
import type { DB } from './db.js';
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

/** Stores the tags and assigns first_release to commits that new tags contain. Returns commits assigned. */
export function updateReleases(db: DB, tags: readonly TagRow[], loadGraph: () => CommitGraph): number {
  const known = new Map((db.prepare('SELECT name, commit_sha, processed FROM tags').all() as { name: string; commit_sha: string; processed: number }[]).map((r) => [r.name, r]));
  const current = new Set(tags.map((t) => t.name));
  const removedOrMoved = [...known.values()].filter((k) => !current.has(k.name) || tags.find((t) => t.name === k.name)!.commit !== k.commit_sha);
  const timeOf = db.prepare('SELECT commit_time FROM commits WHERE sha = ?').pluck();
  db.transaction(() => {
    if (removedOrMoved.length) {
      // A tag vanished or moved: recompute everything (rare).
      db.prepare('DELETE FROM tags').run();
      db.prepare('UPDATE commits SET first_release = NULL WHERE first_release IS NOT NULL').run();
      known.clear();
    }
    const ins = db.prepare('INSERT OR IGNORE INTO tags (name, commit_sha, version, prerelease, date, processed) VALUES (?, ?, ?, ?, ?, 0)');
    for (const t of tags) if (!known.has(t.name)) ins.run(t.name, t.commit, t.version, t.prerelease ? 1 : 0, (timeOf.get(t.commit) as number | undefined) ?? t.date);
  }).immediate();
  const todo = db
    .prepare('SELECT name, commit_sha FROM tags WHERE processed = 0 AND prerelease = 0 ORDER BY date, name')
    .all() as { name: string; commit_sha: string }[];
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
    const sets: [number, string][] = [];
    db.transaction(() => {
      for (const t of todo) {
        const start = graph.indexOf(t.commit_sha);
        const stack = start >= 0 ? [start] : [];
        while (stack.length) {
          const i = stack.pop()!;
          if (claimed[i]) continue;
          claimed[i] = 1;
          sets.push([graph.dbIdAt(i), t.name]);
          assigned++;
          for (const q of graph.parentsAt(i)) if (!claimed[q]) stack.push(q);
        }
        done.run(t.name);
      }
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
