/**
 * The cut-back: a model trained "as of" a window's opening must not see any pick made after it. The test
 * plants such picks (of a training commit, and of a window commit) and proves the trained model and the
 * verdicts are byte-for-byte what they were without them — while a model without the cut does see them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/history/db.js';
import { evaluateWindow } from '../../src/select/evaluate.js';
import { History } from '../../src/select/history.js';
import { judgeCommits } from '../../src/select/judge.js';
import { modelToJson, trainModel } from '../../src/select/model.js';
import { branchView } from '../../src/select/view.js';
import { snapshotRepoState, expectRepoUnchanged } from '../helpers/repo-state.js';
import { nth } from '../helpers/repo-builder.js';
import { buildSelectRepo, type SelectFixture } from './builder.js';

let fx: SelectFixture;
let db: DB;

beforeAll(() => {
  fx = buildSelectRepo();
}, 120_000);
afterAll(() => {
  db?.close();
  fx?.cleanup();
});

async function asOfWindow(): Promise<{ model: string; verdicts: string; labelOfFeature: boolean }> {
  db?.close();
  db = await fx.index();
  const h = History.load(db);
  const start = h.commits.get(fx.c.v11)!;
  const m = await trainModel(h, { cut: start.time, universe: h.graph.ancestors([start.sha]) });
  const range = h.range('v1.1..v1.2');
  const vs = judgeCommits(h, m, range.commits, branchView(h, 'stable-1.1', start.time));
  return { model: modelToJson(m), verdicts: JSON.stringify(vs), labelOfFeature: h.pickedBefore(nth(fx.trainFeatures, 3), Infinity) !== null };
}

describe('cut-back', () => {
  it('a pick made after the window opened is invisible to training and judging', async () => {
    const before = await asOfWindow();
    expect(before.labelOfFeature).toBe(false);
    // Plant: stable-1.0 picks a training-era feature, and stable-1.1 picks two window commits — all after v1.1.
    fx.repo.checkout('stable-1.0');
    fx.repo.cherryPick(nth(fx.trainFeatures, 3), { marker: 'cherry-picked' });
    fx.repo.checkout('stable-1.1');
    fx.repo.cherryPick(fx.c.featNew, { marker: 'cherry-picked' });
    fx.repo.checkout('main');
    const after = await asOfWindow();
    // The index sees the new pick...
    expect(after.labelOfFeature).toBe(true);
    // ...but the model and the verdicts as of v1.1 are exactly the same.
    expect(after.model).toBe(before.model);
    expect(after.verdicts).toBe(before.verdicts);
  }, 120_000);

  it('without the cut the same pick does change what is learned (the test above can fail)', async () => {
    const h = History.load(db);
    const start = h.commits.get(fx.c.v11)!;
    const universe = h.graph.ancestors([start.sha]);
    const cut = await trainModel(h, { cut: start.time, universe, lag: 'none' });
    let last = 0;
    for (const c of h.commits.values()) last = Math.max(last, c.time);
    const uncut = await trainModel(h, { cut: last + 1, universe, lag: 'none' });
    expect(modelToJson(uncut)).not.toBe(modelToJson(cut));
    expect(uncut.picked).toBe(cut.picked + 1);
  }, 60_000);

  it('eval replays the window without touching the repository, labels from what the branch picked later', async () => {
    const state = snapshotRepoState(fx.repo.dir);
    const h = History.load(db);
    const r = await evaluateWindow(h, { window: 'v1.1..v1.2', branch: 'stable-1.1' });
    expectRepoUnchanged(fx.repo.dir, state);
    const row = (sha: string) => r.rows.find((x) => x.sha === sha)!;
    // Picked later (after v1.1): labelled 1, but not "already in the branch" for the replay.
    expect(row(fx.c.fixOld).label).toBe(1);
    expect(row(fx.c.featNew).label).toBe(1);
    expect(row(fx.c.fixOld).rule).toBe('fixes-in-branch');
    expect(row(fx.c.featNew).rule).not.toBe('in-branch');
    expect(r.n).toBe(r.rows.length);
    expect(r.picked).toBe(2);
    expect(r.baselines.allYes.recall).toBe(1);
    expect(r.stablepick.tp).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('at scale, unpicked examples are sampled (and weigh more); every pick is kept', async () => {
    const h = History.load(db);
    let last = 0;
    for (const c of h.commits.values()) last = Math.max(last, c.time);
    const full = await trainModel(h, { cut: last + 1, lag: 'none' });
    const capped = await trainModel(h, { cut: last + 1, lag: 'none', maxExamples: Math.ceil(full.examples * 0.8) });
    expect(capped.picked).toBe(full.picked);
    expect(capped.examples).toBeLessThan(full.examples);
    expect(capped.examples).toBeGreaterThan(full.picked);
  }, 60_000);
});
