/** Every rule on a built repository: each fires with its evidence, and the deciding ones settle the verdict. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/history/db.js';
import { History } from '../../src/select/history.js';
import { judgeCommits, type Verdict } from '../../src/select/judge.js';
import { trainModel, type SelectionModel } from '../../src/select/model.js';
import { evaluateRules, globToRegExp, ruleStat, type RuleHit } from '../../src/select/rules.js';
import { branchView } from '../../src/select/view.js';
import { buildSelectRepo, type SelectFixture } from './builder.js';

let fx: SelectFixture;
let db: DB;
let h: History;
let cut: number;
let model: SelectionModel;
let verdicts: Map<string, Verdict>;

const hits = (sha: string, opts: { cut?: number; optOut?: RegExp[]; selected?: Set<string> } = {}): RuleHit[] => {
  const c = h.commits.get(sha)!;
  return evaluateRules(h, c, h.detailsOf(c.id), {
    view: branchView(h, 'stable-1.1', opts.cut ?? cut),
    checkPaths: true,
    optOut: opts.optOut ?? [],
    selected: opts.selected ?? new Set(),
  });
};
const ruleIds = (sha: string, opts?: Parameters<typeof hits>[1]): string[] => hits(sha, opts).map((x) => x.rule);

beforeAll(async () => {
  fx = buildSelectRepo();
  db = await fx.index();
  h = History.load(db);
  cut = h.commits.get(fx.c.v11)!.time;
  model = await trainModel(h, { cut, universe: h.graph.ancestors([fx.c.v11]) });
  const range = h.range('v1.1..v1.2');
  verdicts = new Map(judgeCommits(h, model, range.commits, branchView(h, 'stable-1.1', cut), { optOut: [globToRegExp('doc/**')] }).map((v) => [v.sha, v]));
}, 120_000);
afterAll(() => {
  db?.close();
  fx?.cleanup();
});

describe('rules', () => {
  it('a Fixes: whose target the branch holds is a strong YES, with the target as evidence', () => {
    const x = hits(fx.c.fixOld).find((r) => r.rule === 'fixes-in-branch');
    expect(x).toMatchObject({ verdict: 'YES', evidence: { fixes: fx.c.init, how: 'ancestor' } });
    expect(x!.text).toContain(fx.c.init.slice(0, 12));
    expect(verdicts.get(fx.c.fixOld)).toMatchObject({ verdict: 'YES' });
    expect(verdicts.get(fx.c.fixOld)!.reasons.find((r) => r.decided)?.rule).toBe('fixes-in-branch');
  });

  it('a Fixes: whose target the branch lacks (introduced after the fork) is a NO', () => {
    const x = hits(fx.c.fixNew);
    expect(x.map((r) => r.rule)).toContain('fixes-not-in-branch');
    expect(x.find((r) => r.rule === 'fixes-not-in-branch')!.evidence).toEqual({ fixes: [fx.c.featNew] });
    expect(verdicts.get(fx.c.fixNew)!.verdict).not.toBe('YES');
  });

  it('a fix of another commit of the range is judged with it (the queue), never a certain NO', () => {
    const c = h.commits.get(fx.c.fixNew)!;
    const queue = new Map([[fx.c.featNew, 'NEEDS-REVIEW' as const]]);
    const q = evaluateRules(h, c, h.detailsOf(c.id), {
      view: branchView(h, 'stable-1.1', cut),
      checkPaths: true,
      queue,
      addedInRange: new Map([['feat/sprocket.c', fx.c.featNew]]),
    });
    expect(q.map((r) => r.rule)).toContain('queued');
    expect(q.map((r) => r.rule)).not.toContain('fixes-not-in-branch');
    expect(q.map((r) => r.rule)).not.toContain('code-missing');
    expect(q.find((r) => r.rule === 'queued')!.evidence).toMatchObject({ with: fx.c.featNew, verdict: 'NEEDS-REVIEW' });
    // In the scan of v1.1..v1.2 the feature comes first; the fix follows its verdict.
    const v = verdicts.get(fx.c.fixNew)!;
    expect(v.reasons.find((r) => r.decided)?.rule).toBe('queued');
    const dep = verdicts.get(fx.c.featNew)!;
    expect(v.verdict).toBe(dep.verdict !== 'NO' && v.probability >= model.reviewThreshold ? 'NEEDS-REVIEW' : 'NO');
    expect(v.probability).toBeLessThanOrEqual(verdicts.get(fx.c.featNew)!.probability);
  });

  it('a fix of a commit the scan selects goes with it', () => {
    expect(ruleIds(fx.c.fixOfFix, { selected: new Set([fx.c.fixOld]) })).toContain('fixes-selected');
    expect(ruleIds(fx.c.fixOfFix)).toContain('fixes-not-in-branch');
    const v = verdicts.get(fx.c.fixOfFix)!;
    expect(v.verdict).toBe('YES');
    expect(v.reasons.find((r) => r.decided)?.rule).toBe('fixes-selected');
  });

  it('a stable tag is a YES, unless the author wrote noautosel', () => {
    expect(hits(fx.c.tagged).find((r) => r.rule === 'stable-tag')).toMatchObject({ verdict: 'YES' });
    expect(verdicts.get(fx.c.tagged)).toMatchObject({ verdict: 'YES' });
    const n = hits(fx.c.noautosel);
    expect(n.map((r) => r.rule)).toEqual(['noautosel']);
    expect(verdicts.get(fx.c.noautosel)).toMatchObject({ verdict: 'NO' });
  });

  it('a revert of a commit the branch holds is a YES; of one it lacks, a NO', () => {
    expect(hits(fx.c.revertHeld).find((r) => r.rule === 'revert-held')).toMatchObject({ verdict: 'YES', evidence: { reverts: fx.trainFixes[0] } });
    expect(verdicts.get(fx.c.revertHeld)!.verdict).toBe('YES');
    expect(hits(fx.c.revertWindow).find((r) => r.rule === 'revert-unheld')).toMatchObject({ verdict: 'NO', evidence: { reverts: fx.c.featCog } });
    expect(verdicts.get(fx.c.revertWindow)!.verdict).toBe('NO');
  });

  it('a commit already picked into the branch is skipped with the sha of the pick', () => {
    const later = hits(fx.c.fixOld, { cut: Infinity }).find((r) => r.rule === 'in-branch');
    expect(later).toMatchObject({ verdict: 'SKIP', evidence: { pick: fx.c.lateFixPick, branch: 'stable-1.1' } });
    const v = judgeCommits(h, model, [h.commits.get(fx.c.fixOld)!], branchView(h, 'stable-1.1', Infinity))[0]!;
    expect(v.already).toBe(fx.c.lateFixPick);
    // Before the pick was made, it is not in the branch.
    expect(ruleIds(fx.c.fixOld)).not.toContain('in-branch');
  });

  it('a commit changing code the branch does not have is a NO; a renamed file is not missing', () => {
    // (without the range's queue: the file's creator is not a candidate here)
    const x = hits(fx.c.fixNew).find((r) => r.rule === 'code-missing');
    expect(x).toMatchObject({ verdict: 'NO', evidence: { paths: ['feat/sprocket.c'] } });
    expect(ruleIds(fx.c.gizmoFix)).not.toContain('code-missing');
    expect(ruleIds(fx.c.renamedFix)).not.toContain('code-missing');
    expect(ruleIds(fx.c.renamedFix)).toContain('fixes-in-branch');
  });

  it('per-path opt-outs from the configuration make a NO', () => {
    expect(ruleIds(fx.c.docWindow, { optOut: [globToRegExp('doc/**')] })).toContain('opt-out');
    expect(ruleIds(fx.c.docWindow)).not.toContain('opt-out');
    expect(verdicts.get(fx.c.docWindow)).toMatchObject({ verdict: 'NO' });
    expect(verdicts.get(fx.c.docWindow)!.reasons.find((r) => r.decided)?.rule).toBe('opt-out');
  });

  it('every verdict has a confidence in [0, 1] and readable reasons', () => {
    for (const v of verdicts.values()) {
      expect(v.confidence).toBeGreaterThanOrEqual(0);
      expect(v.confidence).toBeLessThanOrEqual(1);
      expect(['YES', 'NO', 'NEEDS-REVIEW']).toContain(v.verdict);
      for (const r of v.reasons) expect(r.text.length).toBeGreaterThan(5);
    }
    // The feature that has no rule is judged by the model and explained by features.
    const f = verdicts.get(fx.c.featNew)!;
    expect(f.reasons.some((r) => r.kind === 'feature')).toBe(true);
    expect(f.verdict).not.toBe('YES');
  });

  it('history measures the rules: fixes-in-branch was always right here and decides', () => {
    expect(model.rules['fixes-in-branch']).toMatchObject({ decides: true });
    expect(model.rules['fixes-in-branch']!.n).toBeGreaterThanOrEqual(20);
    expect(model.rules['fixes-in-branch']!.precision).toBeGreaterThan(0.85);
  });

  it('a hint rule that history contradicts stops deciding; certain rules always decide', () => {
    expect(ruleStat('stable-tag', 'YES', 100, 40).decides).toBe(false);
    expect(ruleStat('stable-tag', 'YES', 100, 95).decides).toBe(true);
    expect(ruleStat('stable-tag', 'YES', 3, 0).decides).toBe(true);
    expect(ruleStat('code-missing', 'NO', 100, 90).decides).toBe(true);
  });

  it('a learned rule (a reported bug) decides only when enough history confirms it', () => {
    expect(ruleStat('reported-bug', 'YES', 5, 5).decides).toBe(false);
    expect(ruleStat('reported-bug', 'YES', 12, 11).decides).toBe(true);
    expect(ruleStat('reported-bug', 'YES', 40, 20).decides).toBe(false);
  });

  it('a reported bug is a rule hit that quotes the tag and the word', () => {
    const h2 = hits(fx.c.fixOld);
    expect(h2.some((x) => x.rule === 'reported-bug')).toBe(false); // no Reported-by: no hit
  });

  it('globs', () => {
    expect(globToRegExp('doc/**').test('doc/a/b.rst')).toBe(true);
    expect(globToRegExp('doc/**').test('src/doc/a')).toBe(false);
    expect(globToRegExp('*.md').test('a/b/README.md')).toBe(true);
    expect(globToRegExp('src/*.c').test('src/x/y.c')).toBe(false);
  });
});
