/**
 * A branch's policy now, on a built repository: stable-1.0 is in security-only maintenance (it took only
 * the CVE fixes of the last months), stable-2.0 is young and takes nearly everything, tests included. The
 * same commit gets a lower P(pick) for the first than for the second, and the policy says why in counts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { openRepository } from '../../src/git/repo.js';
import { openDb, type DB } from '../../src/history/db.js';
import { indexRepository } from '../../src/history/indexer.js';
import { History } from '../../src/select/history.js';
import { judgeCommits } from '../../src/select/judge.js';
import { trainModel } from '../../src/select/model.js';
import { baseRateOf, branchPolicy } from '../../src/select/policy.js';
import { branchView } from '../../src/select/view.js';
import { CLOCK_START, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

const DAY = 86400;
let r: RepoBuilder;
let dir: string;
let db: DB;
let day = 0;
const at = (): number => CLOCK_START + ++day * DAY;
const security: string[] = [];
const later: string[] = [];
let probe = '';

beforeAll(async () => {
  r = makeRepo();
  r.commit('core: initial import', { 'core.c': 'int x;\n' }, { date: at() });
  for (let i = 0; i < 20; i++) r.commit(`core: add option ${i}`, { [`opt${i}.c`]: `int o${i};\n` }, { date: at() });
  r.tag('v1.0', { annotated: true, message: 'v1.0' });
  r.branch('stable-1.0');
  // Mainline after 1.0: features, tests and a few security fixes; the 1.0 branch takes only the latter.
  const main1: string[] = [];
  for (let i = 0; i < 60; i++) {
    if (i % 12 === 5) {
      const s = r.commit(`parser: fix CVE-2024-${1000 + i} buffer overflow`, { [`p${i}.c`]: `int p${i};\n` }, { date: at() });
      security.push(s);
      main1.push(s);
    } else if (i % 3 === 0) main1.push(r.commit(`tests: cover case ${i}`, { [`tests/t${i}.sh`]: `echo ${i}\n` }, { date: at() }));
    else main1.push(r.commit(`net: add knob ${i}`, { [`n${i}.c`]: `int n${i};\n` }, { date: at() }));
  }
  r.tag('v2.0', { annotated: true, message: 'v2.0' });
  r.branch('stable-2.0');
  for (let i = 0; i < 40; i++)
    later.push(r.commit(i % 2 ? `tests: cover more ${i}` : `ui: add toggle ${i}`, { [i % 2 ? `tests/m${i}.sh` : `u${i}.c`]: `${i}\n` }, { date: at() }));
  probe = r.commit('ui: add a dark mode', { 'dark.c': 'int dark;\n' }, { date: at() });
  r.checkout('stable-1.0');
  for (const s of security) r.cherryPick(s, { marker: 'cherry-picked', date: at() });
  r.checkout('stable-2.0');
  for (const s of later.slice(0, 36)) r.cherryPick(s, { marker: 'cherry-picked', date: at() });
  r.checkout('main');
  dir = mkdtempSync(path.join(tmpdir(), 'stablepick-policy-'));
  const before = snapshotRepoState(r.dir);
  db = openDb(path.join(dir, 'index.sqlite'));
  await indexRepository(await openRepository(r.dir), db, { conventions: DEFAULT_CONVENTIONS });
  expectRepoUnchanged(r.dir, before);
}, 120_000);

afterAll(() => {
  db?.close();
  r?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('branch policy', () => {
  it('a security-only branch and a young branch that takes almost everything get different verdicts for the same commit', async () => {
    const h = History.load(db);
    const now = CLOCK_START + (day + 1) * DAY;
    const model = await trainModel(h, { cut: now, lag: 'none' });
    const base = baseRateOf(model);
    const old = branchPolicy(h, 'stable-1.0', now, base, 365);
    const young = branchPolicy(h, 'stable-2.0', now, base, 365);
    expect(old.picks).toBe(security.length);
    expect(old.kinds.security).toBe(security.length);
    expect(old.text).toContain(`${security.length} security fixes`);
    expect(old.shift).toBeLessThan(0);
    expect(young.picks).toBe(36);
    expect(young.kinds.ciTestDoc).toBe(18);
    expect(young.text).toMatch(/^since its fork \d+ days ago: 36 picks of 41 mainline commits/);
    expect(young.shift).toBeGreaterThan(0);
    const c = h.commits.get(probe)!;
    const [vOld] = judgeCommits(h, model, [c], branchView(h, 'stable-1.0', now), { policy: old });
    const [vYoung] = judgeCommits(h, model, [c], branchView(h, 'stable-2.0', now), { policy: young });
    expect(vOld!.probability).toBeLessThan(vYoung!.probability);
    expect(vOld!.reasons.some((x) => x.text.startsWith("stable-1.0's policy now") && x.text.endsWith('(lowers the score)'))).toBe(true);
  }, 60_000);

  it('a branch too young to say anything is not shifted', () => {
    const h = History.load(db);
    const forked = h.branches.find((b) => b.name === 'stable-2.0')!.baseTime!;
    const p = branchPolicy(h, 'stable-2.0', forked + 3 * DAY, 0.3);
    expect(p.shift).toBe(0);
    expect(p.text).toContain('too short to shift the verdicts');
  });
});
