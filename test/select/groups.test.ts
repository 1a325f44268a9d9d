/**
 * Merge groups: the first-parent merge of mainline that brought a commit in (a pull request, a topic
 * branch). Stable teams take or leave a pull request whole, so the group is a selection feature; these
 * tests build a history with real git merges (a nested topic, a direct commit, an octopus) and check the
 * groups and the features a commit gets from its group.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { openRepository } from '../../src/git/repo.js';
import { openDb, type DB } from '../../src/history/db.js';
import { indexRepository } from '../../src/history/indexer.js';
import { DIM, extractFeatures, mergeWords, newStats } from '../../src/select/features.js';
import { explain } from '../../src/select/judge.js';
import { LogisticModel } from '../../src/select/logreg.js';
import { hash32 } from '../../src/select/text.js';
import { History } from '../../src/select/history.js';
import { labelledShas, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

let r: RepoBuilder;
let dir: string;
let db: DB;
const c = labelledShas('init', 'direct1', 't1', 'n1', 't2', 'mNested', 'direct2', 'm1', 'a1', 'b1', 'm2');

beforeAll(async () => {
  r = makeRepo();
  c.init = r.commit('core: initial import', { 'core.c': 'int main(void) { return 0; }\n' });
  c.direct1 = r.commit('core: fix a crash on exit', { 'core.c': 'int main(void) { return 1; }\n' });
  // A topic with a nested topic merged into it, merged into main as one pull request.
  r.branch('topic', { checkout: true });
  c.t1 = r.commit('net: add the foo option', { 'net.c': 'int foo;\n' });
  r.branch('nested', { checkout: true });
  c.n1 = r.commit('net: document foo', { 'net.txt': 'foo\n' });
  r.checkout('topic');
  c.t2 = r.commit('net: fix foo parsing', { 'net.c': 'int foo = 1;\n' });
  c.mNested = r.merge('nested');
  r.checkout('main');
  c.direct2 = r.commit('core: rename a variable', { 'core.c': 'int main(void) { int rc = 1; return rc; }\n' });
  c.m1 = r.merge('topic', { message: 'Merge pull request #12 from someone/net-foo-option' });
  // An octopus of two one-commit branches.
  r.branch('a', { checkout: true });
  c.a1 = r.commit('ui: fix a leak in the dialog', { 'ui.c': 'void ui(void) {}\n' });
  r.checkout('main');
  r.branch('b', { checkout: true });
  c.b1 = r.commit('ui: fix a typo', { 'ui.txt': 'ui\n' });
  r.checkout('main');
  c.m2 = r.octopus(['a', 'b'], { message: "Merge branches 'a' and 'b'" });
  dir = mkdtempSync(path.join(tmpdir(), 'stablepick-groups-'));
  const before = snapshotRepoState(r.dir);
  db = openDb(path.join(dir, 'index.sqlite'));
  await indexRepository(await openRepository(r.dir), db, { conventions: DEFAULT_CONVENTIONS });
  expectRepoUnchanged(r.dir, before);
}, 60_000);

afterAll(() => {
  db?.close();
  r?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('merge groups', () => {
  it('puts every commit a merge brought in, nested topics too, in that merge’s group, oldest first', () => {
    const h = History.load(db);
    const g = h.groupOf(c.t1)!;
    expect(g.merge).toBe(c.m1);
    expect(g.members).toEqual([c.t1, c.n1, c.t2]);
    expect(h.groupOf(c.n1)).toBe(g);
    expect(h.groupOf(c.t2)).toBe(g);
    expect(h.groupOf(c.m1)).toBe(g);
    // The nested merge is not a member (members are the non-merge commits).
    expect(g.members).not.toContain(c.mNested);
    const o = h.groupOf(c.a1)!;
    expect(o.merge).toBe(c.m2);
    expect(new Set(o.members)).toEqual(new Set([c.a1, c.b1]));
  });

  it('gives a commit made on mainline a group of its own', () => {
    const h = History.load(db);
    for (const s of [c.init, c.direct1, c.direct2]) expect(h.groupOf(s)).toEqual({ merge: null, members: [s] });
  });

  it('turns the group into features, and hides a merge made after the cut', () => {
    const h = History.load(db);
    const t2 = h.commits.get(c.t2)!;
    h.loadDetails([t2.id]);
    const feats = (visibleUntil: number) =>
      new Map(
        extractFeatures({ commit: t2, details: h.detailsOf(t2.id), hits: [], stats: newStats(), numstat: null, visibleUntil, forkTime: null, history: h }).map(
          (f) => [f.key, f],
        ),
      );
    const all = feats(Infinity);
    const m12 = c.m1.slice(0, 12);
    expect(all.get('g:merged')?.label).toBe(`came in with merge ${m12}`);
    expect(all.get('n:group-size')?.label).toBe(`came in with merge ${m12} and 2 other commits`);
    // One of the three subjects says "fix", one says "add".
    expect(all.get('n:group-fix')?.value).toBeCloseTo(1 / 3);
    expect(all.get('n:group-feat')?.value).toBeCloseTo(1 / 3);
    expect(all.has('ms:foo')).toBe(true);
    expect(all.has('ms:option')).toBe(true);
    const m1Time = h.commits.get(c.m1)!.time;
    const cut = feats(m1Time);
    expect(cut.has('g:merged')).toBe(false);
    expect([...cut.keys()].some((k) => k.startsWith('ms:') || k.startsWith('n:group'))).toBe(false);
    const d2 = h.commits.get(c.direct2)!;
    h.loadDetails([d2.id]);
    const direct = extractFeatures({
      commit: d2,
      details: h.detailsOf(d2.id),
      hits: [],
      stats: newStats(),
      numstat: null,
      visibleUntil: Infinity,
      forkTime: null,
      history: h,
    });
    expect(direct.find((f) => f.key === 'g:direct')?.label).toBe('committed directly on mainline');
  });

  it('names the merge in a reason with its full sha as evidence, for the fact check of a case', () => {
    const h = History.load(db);
    const t1 = h.commits.get(c.t1)!;
    h.loadDetails([t1.id]);
    const fs = extractFeatures({
      commit: t1,
      details: h.detailsOf(t1.id),
      hits: [],
      stats: newStats(),
      numstat: null,
      visibleUntil: Infinity,
      forkTime: null,
      history: h,
    });
    const weights = new Float32Array(DIM);
    weights[hash32('g:merged') & (DIM - 1)] = -0.8;
    weights[hash32('s:add') & (DIM - 1)] = -0.3;
    const reasons = explain({ lr: new LogisticModel(weights, 0) }, fs, 5);
    const merged = reasons.find((r) => r.text.startsWith('came in with merge'))!;
    expect(merged.text).toBe(`came in with merge ${c.m1.slice(0, 12)}: log-odds −0.80 (lowers the score)`);
    expect(merged.evidence).toEqual({ merge: c.m1 });
    expect(reasons.find((r) => r.text.startsWith('subject says "add"'))?.evidence).toBeUndefined();
  });

  it('reads the words of a merge subject, not the boilerplate', () => {
    expect(mergeWords('Merge pull request #30123 from yuwata/network-fix-crash_on_exit')).toEqual(['yuwata', 'network', 'fix', 'crash', 'on', 'exit']);
    expect(mergeWords("Merge branch 'stable-fixes' into master")).toEqual(['stable', 'fixes']);
  });
});
