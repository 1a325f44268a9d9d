/** Fix graph, follow-ups, prerequisites, pick queue, affected branches and the audit, on a built repository. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affectedBranches } from '../../src/analysis/affected/affected.js';
import { auditBranch } from '../../src/analysis/audit/audit.js';
import { pickQueue } from '../../src/analysis/deps/queue.js';
import { prerequisites } from '../../src/analysis/deps/prerequisites.js';
import { parseThreadId } from '../../src/analysis/deps/series.js';
import { identifiers } from '../../src/analysis/deps/symbols.js';
import { followUps } from '../../src/analysis/fixes/follow-ups.js';
import { loadFixGraph } from '../../src/analysis/fixes/graph.js';
import { snapshotRepoState, expectRepoUnchanged, type RepoStateSnapshot } from '../helpers/repo-state.js';
import { depsRepo, type DepsFixture } from './builder.js';
import { indexedContext, type TestContext } from './ctx.js';

let fx: DepsFixture;
let ctx: TestContext;
let before: RepoStateSnapshot;
const B = 'stable-1.0';

beforeAll(async () => {
  fx = depsRepo();
  ctx = await indexedContext(fx.repo.dir);
  before = snapshotRepoState(fx.repo.dir);
});
afterAll(() => {
  ctx?.close();
  fx?.cleanup();
});

describe('fix graph', () => {
  it('resolves Fixes: edges to full shas with their trailer line', () => {
    const fg = loadFixGraph(ctx.db);
    const e = fg.namedBy(fx.alpha).find((x) => x.from === fx.fix1)!;
    expect(e).toMatchObject({ kind: 'fixes', to: fx.alpha, evidence: { resolution: 'index', subject: 'core: add alpha' } });
    expect(e.evidence.line).toMatch(/^Fixes: [0-9a-f]{12} \("core: add alpha"\)$/);
  });

  it('settles an ambiguous short sha by the quoted subject', () => {
    expect(fx.q1.slice(0, 4)).toBe(fx.q2.slice(0, 4));
    const e = loadFixGraph(ctx.db).names(fx.fixAmbiguous);
    expect(e).toHaveLength(1);
    expect(e[0]!.to).toBe(fx.q2);
  });

  it('settles an ambiguous short sha without a subject by ancestry', () => {
    expect(fx.zedTwin.slice(0, 4)).toBe(fx.zed.slice(0, 4));
    const e = loadFixGraph(ctx.db).names(fx.fixZed);
    expect(e).toEqual([expect.objectContaining({ to: fx.zed, evidence: expect.objectContaining({ resolution: 'ancestry', prefix: fx.zed.slice(0, 4) }) })]);
  });

  it('resolves an id that names nothing by its quoted subject', () => {
    const e = loadFixGraph(ctx.db).names(fx.fixBySubject);
    expect(e).toEqual([expect.objectContaining({ to: fx.alpha, evidence: expect.objectContaining({ resolution: 'subject', prefix: '0123456789ab' }) })]);
  });
});

describe('follow-ups', () => {
  it('finds a fix of a fix, marks what the branch holds, and says must go together', () => {
    const r = followUps(ctx, fx.alpha, B);
    const shas = r.followUps.map((f) => f.sha);
    expect(shas).toEqual([fx.fix1, fx.fix2, fx.fixBySubject]);
    expect(r.followUps[0]!.inBranch).toMatchObject({ how: 'picked', stableSha: fx.pickFix1 });
    expect(r.followUps[1]).toMatchObject({ depth: 2, inBranch: null });
    expect(r.verdict).toBe('must-go-together');
    expect(r.reasons[0]).toContain(fx.fix2.slice(0, 12));
  });

  it('a follow-up already picked leaves the candidate alone', () => {
    const r = followUps(ctx, fx.delta, B);
    expect(r.followUps).toHaveLength(1);
    expect(r.followUps[0]).toMatchObject({ sha: fx.deltaFix, inBranch: { how: 'picked', stableSha: fx.pickDeltaFix } });
    expect(r.verdict).toBe('alone');
  });

  it('a commit reverted upstream is a NO', () => {
    const r = followUps(ctx, fx.gamma, B);
    expect(r.upstream).toEqual({ state: 'reverted', by: fx.gammaRevert });
    expect(r.verdict).toBe('reverted-upstream');
    expect(r.followUps.map((f) => [f.sha, f.kind])).toEqual([[fx.gammaRevert, 'reverts']]);
  });

  it('a revert and a reapply (revert of the revert) leave the commit in effect', () => {
    const r = followUps(ctx, fx.beta, B);
    expect(r.upstream).toEqual({ state: 'reapplied', revertedBy: fx.betaRevert, reappliedBy: fx.betaReapply });
    expect(r.followUps.map((f) => f.sha)).toEqual([fx.betaRevert, fx.betaReapply]);
    expect(r.followUps[0]!.revertedUpstream).toBe(true);
    expect(r.verdict).not.toBe('reverted-upstream');
  });

  it('replays as of a date: picks made later do not count', () => {
    const t = Number(fx.repo.git(['log', '-1', '--format=%ct', fx.pickFix1]).trim());
    const r = followUps(ctx, fx.alpha, B, { asOf: t });
    expect(r.followUps[0]).toMatchObject({ sha: fx.fix1, inBranch: null });
  });
});

describe('prerequisites', () => {
  it('a three-patch series where the branch lacks patch 1', async () => {
    const q = await pickQueue(ctx, fx.p3, B);
    expect(q.queue.map((m) => [m.role, m.sha])).toEqual([
      ['prerequisite', fx.p1],
      ['candidate', fx.p3],
    ]);
    const pre = q.prerequisites.prerequisites[0]!;
    expect(pre.reasons).toContainEqual({ kind: 'series', series: expect.objectContaining({ rule: 'thread', position: 1, candidatePosition: 3 }) });
    expect(q.prerequisites.alreadyHeld).toContainEqual(
      expect.objectContaining({ sha: fx.p2, rule: 'series', holding: expect.objectContaining({ how: 'picked', stableSha: fx.pickP2 }) }),
    );
    expect(q.queue[0]!.why.join(' ')).toMatch(/patch 1 of the thread/);
  });

  it('a candidate that calls a function the branch lacks needs the commit that added it', async () => {
    const r = await prerequisites(ctx, fx.caller, B);
    expect(r.prerequisites.map((p) => p.sha)).toEqual([fx.helper]);
    const reason = r.prerequisites[0]!.reasons[0]!;
    expect(reason).toMatchObject({ kind: 'symbol', symbols: [{ name: 'helper_new', kind: 'function', path: 'src/user.c', line: 5 }] });
    expect(r.prerequisites[0]!.strength).toBe('strong');
    expect(r.selfDefined).toEqual(['user_value']);
  });

  it('blames the removed lines to the commit that wrote them', async () => {
    const r = await prerequisites(ctx, fx.gammaFix, B);
    expect(r.prerequisites.map((p) => p.sha)).toEqual([fx.gammaRework]);
    expect(r.prerequisites[0]!.reasons[0]).toMatchObject({ kind: 'blame', lines: [{ path: 'src/core.c', line: 20, use: 'removed', blamed: fx.gammaRework }] });
  });

  it("in a linear history, the same author's adjacent commits with one prefix are a series", async () => {
    const r = await prerequisites(ctx, fx.drvStep2, B);
    expect(r.prerequisites.map((p) => p.sha)).toEqual([fx.drvStep1]);
    expect(r.prerequisites[0]!.reasons).toEqual([
      { kind: 'series', series: expect.objectContaining({ rule: 'adjacent', key: 'two@example.org drv', position: 1, candidatePosition: 2 }) },
    ]);
    expect(r.prerequisites[0]!.strength).toBe('weak');
  });

  it('orders the queue: prerequisites, candidate, follow-ups', async () => {
    const q = await pickQueue(ctx, fx.fix1, B, { asOf: Number(fx.repo.git(['log', '-1', '--format=%ct', fx.pickFix1]).trim()) });
    expect(q.queue.map((m) => [m.role, m.sha])).toEqual([
      ['candidate', fx.fix1],
      ['follow-up', fx.fix2],
    ]);
    expect(q.verdict).toBe('must-go-together');
  });
});

describe('affected branches', () => {
  it('a bug the branch holds, fixed by a pick: vulnerable-since : fixed-by', async () => {
    const r = await affectedBranches(ctx, fx.fix1);
    expect(r.evidence).toBe('fixes');
    expect(r.introducers.map((i) => i.sha)).toEqual([fx.alpha]);
    expect(r.branches).toEqual([
      expect.objectContaining({
        branch: B,
        status: 'fixed',
        vulnerableSince: expect.objectContaining({ sha: fx.alpha }),
        fixedBy: expect.objectContaining({ sha: fx.pickFix1 }),
      }),
    ]);
    expect(r.summary).toContain(fx.alpha.slice(0, 12));
    expect(r.summary).toContain('v1.0');
  });

  it('a bug introduced after the branch point does not affect the branch', async () => {
    const r = await affectedBranches(ctx, fx.yoloFix);
    expect(r.branches[0]).toMatchObject({ branch: B, status: 'clean', vulnerableSince: null });
  });

  it('without Fixes: blames the removed lines', async () => {
    const r = await affectedBranches(ctx, fx.gammaFix);
    expect(r.evidence).toBe('blame');
    expect(r.introducers.map((i) => i.sha)).toEqual([fx.gammaRework]);
    expect(r.branches[0]!.status).toBe('clean');
  });
});

describe('audit', () => {
  it('lists every mainline fix of what the branch holds that it lacks, transitively', () => {
    const r = auditBranch(ctx, B);
    expect(r.missing.map((m) => m.sha).sort()).toEqual([fx.fix2, fx.fixBySubject, fx.fixAmbiguous, fx.fixZed].sort());
    const f2 = r.missing.find((m) => m.sha === fx.fix2)!;
    expect(f2.reasons[0]).toMatchObject({ targetHolding: { how: 'picked', stableSha: fx.pickFix1 } });
  });

  it('replays as of a date: the fix picked later is missing, and its fix comes at depth 2', () => {
    const t = Number(fx.repo.git(['log', '-1', '--format=%ct', fx.pickFix1]).trim());
    const r = auditBranch(ctx, B, { asOf: t });
    expect(r.missing.find((m) => m.sha === fx.fix1)).toMatchObject({ depth: 1 });
    expect(r.missing.find((m) => m.sha === fx.fix2)).toMatchObject({ depth: 2, reasons: [expect.objectContaining({ targetHolding: null })] });
    expect(r.tip).toBe(fx.pickDeltaFix);
  });
});

describe('helpers', () => {
  it('parses series ids of git send-email and b4', () => {
    expect(parseThreadId('https://lore.kernel.org/r/20251103180246.4097432-2-sashal@kernel.org')).toEqual({
      key: '20251103180246.4097432-*-sashal@kernel.org',
      position: 2,
    });
    expect(parseThreadId('<20240101-topic-v2-3-abc123@kernel.org>')).toEqual({ key: '20240101-topic-v2-*-abc123@kernel.org', position: 3 });
    expect(parseThreadId('http://lkml.kernel.org/r/20251007133523.GA93086@pauld.westford.csb')).toBeNull();
  });

  it('takes identifiers from code, not from strings or comments', () => {
    expect(identifiers('\tret = helper_new(dev->ring_size, "a_string"); /* a_comment */')).toEqual(['ret', 'helper_new', 'dev', 'ring_size']);
  });
});

describe('safety', () => {
  it('never writes to the repository', () => {
    expectRepoUnchanged(fx.repo.dir, before);
  });
});
