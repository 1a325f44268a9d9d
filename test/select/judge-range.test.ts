/**
 * judgeRange (what scan, explain, mail and the dashboard call): a commit reverted upstream is a certain
 * NO that names the revert; a YES whose follow-up fix the branch lacks says they must go together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/history/db.js';
import { openRepository } from '../../src/git/repo.js';
import { History } from '../../src/select/history.js';
import type { Verdict } from '../../src/select/judge.js';
import { judgeRange } from '../../src/select/judge-range.js';
import { modelToJson, trainModel } from '../../src/select/model.js';
import { saveModel } from '../../src/select/store.js';
import { buildSelectRepo, type SelectFixture } from './builder.js';

let fx: SelectFixture;
let db: DB;
let byBranch: Map<string, Map<string, Verdict>>;

beforeAll(async () => {
  fx = buildSelectRepo();
  db = await fx.index();
  const h = History.load(db);
  const cut = h.commits.get(fx.c.v11)!.time;
  const model = await trainModel(h, { cut, universe: h.graph.ancestors([fx.c.v11]) });
  saveModel(db, 'default', cut, modelToJson(model));
  const branches = ['stable-1.0', 'stable-1.1'];
  const r = await judgeRange({ db, repo: await openRepository(fx.repo.dir), configDir: fx.repo.dir, branches, range: 'v1.1..v1.2' });
  byBranch = new Map(branches.map((b, i) => [b, new Map(r.verdicts[i]!.map((v) => [v.sha, v]))]));
}, 120_000);
afterAll(() => {
  db?.close();
  fx?.cleanup();
});

describe('judgeRange', () => {
  it('says NO to a commit reverted upstream, naming the revert', () => {
    for (const b of ['stable-1.0', 'stable-1.1']) {
      const v = byBranch.get(b)!.get(fx.c.featCog)!;
      expect(v.verdict).toBe('NO');
      const decided = v.reasons.find((r) => r.decided)!;
      expect(decided.rule).toBe('reverted-upstream');
      expect(decided.text).toContain(`reverted upstream by ${fx.c.revertWindow.slice(0, 12)}`);
    }
  });

  it('says that a YES must go together with the follow-up fix the branch lacks', () => {
    const v = byBranch.get('stable-1.0')!.get(fx.c.fixOld)!;
    expect(v.verdict).toBe('YES');
    expect(v.reasons.map((r) => r.text).join('\n')).toContain(`must go together with ${fx.c.fixOfFix.slice(0, 12)}`);
  });

  it('does not ask for a follow-up of a commit that has none', () => {
    const v = byBranch.get('stable-1.0')!.get(fx.c.tagged)!;
    expect(v.reasons.some((r) => r.text.startsWith('must go together'))).toBe(false);
  });
});
