/** The audit split into "take" and "review" (src/analysis/audit/classify.ts, `audit --classify`), on a built repository. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditBranch } from '../../src/analysis/audit/audit.js';
import { classifyAudit, type AuditJudgement } from '../../src/analysis/audit/classify.js';
import { thresholdForPrecision } from '../../src/analysis/audit/threshold.js';
import { auditCommand } from '../../src/cli/commands/audit.js';
import { judgeAuditItems, learnTakeThreshold } from '../../src/select/audit.js';
import { loadFixGraph } from '../../src/analysis/fixes/graph.js';
import { openDb } from '../../src/history/db.js';
import { History } from '../../src/select/history.js';
import { modelToJson, trainModel } from '../../src/select/model.js';
import { saveModel } from '../../src/select/store.js';
import { runInProcess } from '../helpers/in-process.js';
import { snapshotRepoState, expectRepoUnchanged, type RepoStateSnapshot } from '../helpers/repo-state.js';
import { depsRepo, type DepsFixture } from './builder.js';
import { indexedContext, type TestContext } from './ctx.js';

const B = 'stable-1.0';
let fx: DepsFixture;
let ctx: TestContext;
let before: RepoStateSnapshot;

beforeAll(async () => {
  fx = depsRepo();
  ctx = await indexedContext(fx.repo.dir);
  before = snapshotRepoState(fx.repo.dir);
});
afterAll(() => {
  ctx?.close();
  fx?.cleanup();
});

const j = (verdict: AuditJudgement['verdict'], probability: number): AuditJudgement => ({
  verdict,
  probability,
  threshold: 0.5,
  score: probability * 4 - 2,
  why: [`p ${probability}`],
});

const run = (args: string[]): Promise<string> => runInProcess(auditCommand, [...args, '--repo', fx.repo.dir, '--db', ctx.dbPath]);

/** The audit with every fix newer than the branch's picks (in the fixture the branch picked late commits). */
const fresh = (): ReturnType<typeof auditBranch> => {
  const r = auditBranch(ctx, B);
  expect(r.missing.length).toBeGreaterThan(2);
  return { ...r, missing: r.missing.map((m) => ({ ...m, passedOver: false })) };
};

describe('classifyAudit', () => {
  it('takes what the model says YES to, keeps everything else for review, and keeps the evidence', () => {
    const r = fresh();
    const judged = new Map([
      [fx.fix2, j('YES', 0.9)],
      [fx.fixBySubject, j('NO', 0.1)],
      [fx.fixZed, j('NEEDS-REVIEW', 0.4)],
    ]);
    const c = classifyAudit(r, (s) => judged.get(s), { model: 'test model' });
    expect(c.missing.map((m) => m.sha).sort()).toEqual(r.missing.map((m) => m.sha).sort());
    expect(c.counts).toEqual({ take: 1, review: r.missing.length - 1 });
    const take = c.missing[0]!;
    expect(take).toMatchObject({ sha: fx.fix2, class: 'take', probability: 0.9, modelReasons: ['p 0.9'] });
    expect(take.classReasons[0]).toMatch(/says YES \(0\.90; threshold 0\.50\)/);
    // The audit's own evidence stays: the Fixes: edge and the pick that holds its target.
    expect(take.reasons[0]).toMatchObject({ edge: { kind: 'fixes', to: fx.fix1 }, targetHolding: { how: 'picked', stableSha: fx.pickFix1 } });
    const unjudged = c.missing.find((m) => m.sha === fx.fixAmbiguous)!;
    expect(unjudged).toMatchObject({ class: 'review', probability: null });
    expect(unjudged.classReasons).toContain('the selection model did not judge this commit');
    // Review entries ranked by probability.
    expect(c.missing.slice(1, 3).map((m) => m.sha)).toEqual([fx.fixZed, fx.fixBySubject]);
  });

  it('a minimum probability replaces the model verdict', () => {
    const r = fresh();
    const judged = new Map([
      [fx.fix2, j('YES', 0.9)],
      [fx.fixZed, j('NEEDS-REVIEW', 0.4)],
    ]);
    const c = classifyAudit(r, (s) => judged.get(s), { model: 'test model', minProbability: 0.3 });
    expect(
      c.missing
        .filter((m) => m.class === 'take')
        .map((m) => m.sha)
        .sort(),
    ).toEqual([fx.fix2, fx.fixZed].sort());
    expect(c.missing.find((m) => m.sha === fx.fixZed)!.classReasons[0]).toMatch(/0\.40 ≥ the asked minimum 0\.3/);
  });

  it('a learned take threshold adds what scores at least it, and says where the threshold comes from', () => {
    const r = fresh();
    const judged = new Map([
      [fx.fix2, j('YES', 0.9)],
      [fx.fixZed, j('NO', 0.3)], // score -0.8
      [fx.fixBySubject, j('NO', 0.1)], // score -1.6
    ]);
    const takeThreshold = { score: -1, precision: 0.82, recall: 0.9, examples: 150, picked: 90, target: 0.8, from: '2024-01-01', to: '2024-11-01' };
    const c = classifyAudit(r, (s) => judged.get(s), { model: 'test model', takeThreshold });
    expect(
      c.missing
        .filter((m) => m.class === 'take')
        .map((m) => m.sha)
        .sort(),
    ).toEqual([fx.fix2, fx.fixZed].sort());
    expect(c.missing.find((m) => m.sha === fx.fixZed)!.classReasons[1]).toBe(
      'its score -0.80 reaches the take threshold -1.00 learned on 150 earlier fixes of stable-held code (2024-01-01..2024-11-01), of which those scoring as much were picked 82 % of the time',
    );
    expect(c.takeThreshold).toEqual(takeThreshold);
    // A threshold that no score reached takes nothing more.
    expect(classifyAudit(r, (s) => judged.get(s), { model: 'm', takeThreshold: { ...takeThreshold, score: null } }).counts.take).toBe(1);
  });

  it('a fix the branch has passed over goes to review even when the model says YES', () => {
    const r = auditBranch(ctx, B);
    const newest = Math.max(...r.missing.map((m) => m.commitTime)) + 1;
    const aged = { ...r, newestPickedUpstream: newest, missing: r.missing.map((m) => ({ ...m, passedOver: true })) };
    const c = classifyAudit(aged, () => j('YES', 0.95), { model: 'test model' });
    expect(c.counts.take).toBe(0);
    expect(c.missing[0]!.classReasons[1]).toMatch(/^passed over: dated \d{4}-\d\d-\d\d, before \d{4}-\d\d-\d\d/);
    expect(classifyAudit(aged, () => j('YES', 0.95), { model: 'test model', keepPassedOver: true }).counts.take).toBe(r.missing.length);
  });
});

describe('thresholdForPrecision', () => {
  it('is the lowest score whose set above reaches the precision, ties together, at least minTaken', () => {
    const xs = [5, 4, 3, 2, 1, 0, -1, -2].map((score, i) => ({ score, picked: [true, true, true, false, true, false, false, true][i]! }));
    expect(thresholdForPrecision(xs, 0.8, 1)).toMatchObject({ score: 1, precision: 0.8, recall: 0.8, examples: 8, picked: 5 });
    expect(thresholdForPrecision(xs, 0.8, 6).score).toBeNull();
    expect(thresholdForPrecision(xs, 1, 1).score).toBe(3);
    const ties = [
      { score: 2, picked: true },
      { score: 1, picked: true },
      { score: 1, picked: false },
      { score: 1, picked: false },
    ];
    expect(thresholdForPrecision(ties, 0.9, 1).score).toBe(2);
  });
});

describe('judgeAuditItems and audit --classify', () => {
  it('says to train first when the index has no model', async () => {
    await expect(run(['audit', '--branch', B, '--classify'])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('judges every listed fix with a model trained on the history, and the command prints the classes', async () => {
    const h = History.load(ctx.db);
    const last = Math.max(...[...h.commits.values()].map((c) => c.time));
    const model = await trainModel(h, { cut: last + 1, lag: 'none' });
    const r = auditBranch(ctx, B);
    const judged = judgeAuditItems(
      h,
      model,
      r.missing.map((m) => m.sha),
      { branch: B, branchAsOf: Infinity, visibleUntil: Infinity },
    );
    expect([...judged.keys()].sort()).toEqual(r.missing.map((m) => m.sha).sort());
    for (const v of judged.values()) expect(v.probability).toBeGreaterThanOrEqual(0);
    const db = openDb(ctx.dbPath);
    saveModel(db, 'default', model.cut, modelToJson(model));
    db.close();
    const out = JSON.parse(await run(['audit', '--branch', B, '--classify', '--json'])) as {
      missing: { sha: string; class: string; reasons: unknown[] }[];
      counts: { take: number; review: number };
    };
    expect(out.missing.map((m) => m.sha).sort()).toEqual(r.missing.map((m) => m.sha).sort());
    expect(out.counts.take + out.counts.review).toBe(r.missing.length);
    for (const m of out.missing) expect(m.reasons.length).toBeGreaterThan(0);
    const tt = await learnTakeThreshold(h, loadFixGraph(ctx.db).edges, { cut: model.cut, precision: 0.8 });
    expect(tt).toMatchObject({ target: 0.8, from: expect.stringMatching(/^\d{4}-\d\d-\d\d$/) });
    const withTt = JSON.parse(await run(['audit', '--branch', B, '--take-precision', '0.8', '--json'])) as {
      takeThreshold: { target: number } | null;
      counts: { take: number; review: number };
    };
    expect(withTt.takeThreshold).toMatchObject({ target: 0.8 });
    expect(withTt.counts.take + withTt.counts.review).toBe(r.missing.length);
    const text = await run(['audit', '--branch', B, '--classify']);
    expect(text).toMatch(/to take, \d+ to review \(selection model trained on history before \d{4}-\d\d-\d\d\)/);
    // A replay before the model's cut would use later history: refused.
    await expect(run(['audit', '--branch', B, '--classify', '--as-of', '2000-01-01'])).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(run(['audit', '--branch', B, '--min-probability', '2'])).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });

  it('never writes to the repository', () => {
    expectRepoUnchanged(fx.repo.dir, before);
  });
});
