/** train, scan and eval as commands (built into a commander program here until the lead registers them). */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evalCommand } from '../../src/cli/commands/eval.js';
import { scanCommand } from '../../src/cli/commands/scan.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import { StablepickError } from '../../src/errors.js';
import { runInProcess } from '../helpers/in-process.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';
import { buildSelectRepo, type SelectFixture } from './builder.js';

let fx: SelectFixture;
let work: string;

const run = (args: string[]): Promise<string> => runInProcess([trainCommand, scanCommand, evalCommand], [...args, '--repo', fx.repo.dir, '--db', fx.dbFile]);

beforeAll(async () => {
  fx = buildSelectRepo();
  (await fx.index()).close();
  work = mkdtempSync(path.join(tmpdir(), 'stablepick-select-cmd-'));
}, 120_000);
afterAll(() => {
  fx?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('commands', () => {
  it('scan before train says to train first', async () => {
    await expect(run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1'])).rejects.toThrow(StablepickError);
    const e = await run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1']).catch((x: unknown) => x);
    expect((e as StablepickError).oneLine()).toMatch(/no selection model .* run `stablepick train` first/);
  });

  it('train stores a model with the index and reports what it learned', async () => {
    const state = snapshotRepoState(fx.repo.dir);
    const text = await run(['train']);
    expect(text).toMatch(/learned from \d+ mainline commits/);
    expect(text).toContain('fixes-in-branch');
    const json = JSON.parse(await run(['train', '--json'])) as { examples: number; picked: number; threshold: number };
    expect(json.examples).toBeGreaterThan(40);
    expect(json.picked).toBeGreaterThan(20);
    expect(json.threshold).toBeGreaterThan(0);
    expectRepoUnchanged(fx.repo.dir, state);
  });

  it('scan --json prints one verdict per commit and branch', async () => {
    const out = await run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1,stable-1.0', '--json']);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { sha: string; branch: string; verdict: string; confidence: number; reasons: unknown[]; already?: string });
    const n = Number(fx.repo.git(['rev-list', '--count', '--no-merges', 'v1.1..v1.2']).trim());
    expect(lines).toHaveLength(2 * n);
    for (const l of lines) {
      expect(l.sha).toMatch(/^[0-9a-f]{40}$/);
      expect(['YES', 'NO', 'NEEDS-REVIEW']).toContain(l.verdict);
      expect(l.confidence).toBeGreaterThanOrEqual(0);
      expect(l.confidence).toBeLessThanOrEqual(1);
      expect(Array.isArray(l.reasons)).toBe(true);
    }
    // Today stable-1.1 holds the old-bug fix: skipped with the pick's sha.
    const picked = lines.find((l) => l.sha === fx.c.fixOld && l.branch === 'stable-1.1')!;
    expect(picked.already).toBe(fx.c.lateFixPick);
    expect(lines.find((l) => l.sha === fx.c.noautosel && l.branch === 'stable-1.1')!.verdict).toBe('NO');
  });

  it('scan prints a table for a person', async () => {
    const out = await run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1', '--all']);
    expect(out).toMatch(/stable-1\.1: \d+ commits — \d+ YES/);
    expect(out).toContain('IN-BRANCH');
    expect(out).toContain(fx.c.tagged.slice(0, 12));
  });

  it('scan --sort p lists the likeliest picks first, --verdict keeps only the kinds asked for', async () => {
    const all = (await run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1', '--json', '--sort', 'p']))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { probability: number; verdict: string; already?: string });
    const ps = all.map((v) => v.probability);
    expect(ps).toEqual([...ps].sort((a, b) => b - a));
    const yes = (await run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1', '--json', '--verdict', 'yes']))
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { verdict: string; already?: string });
    expect(yes.length).toBe(all.filter((v) => v.verdict === 'YES' && !v.already).length);
    expect(yes.every((v) => v.verdict === 'YES' && !v.already)).toBe(true);
    const table = await run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1', '--verdict', 'NO']);
    expect(table).toContain('P(pick)');
    expect(table).not.toMatch(/ YES {2,}\d\.\d\d /);
    await expect(run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1', '--verdict', 'MAYBE'])).rejects.toThrow(/--verdict MAYBE/);
    await expect(run(['scan', 'v1.1..v1.2', '--branch', 'stable-1.1', '--sort', 'age'])).rejects.toThrow(/--sort age/);
  });

  it('scan refuses an unknown branch and a bad range', async () => {
    await expect(run(['scan', 'v1.1..v1.2', '--branch', 'nope'])).rejects.toThrow(/no branch 'nope' in the repository/);
    await expect(run(['scan', 'v1.1', '--branch', 'stable-1.1'])).rejects.toThrow(/not a range/);
    await expect(run(['scan', 'v1.1..v9', '--branch', 'stable-1.1'])).rejects.toThrow(/'v9'/);
  });

  it('eval compares with given labels and writes the predictions', async () => {
    const labels = path.join(work, 'labels.txt');
    const shas = fx.repo.git(['rev-list', '--no-merges', 'v1.1..v1.2']).trim().split('\n');
    writeFileSync(labels, shas.map((s) => `${s} ${s === fx.c.fixOld || s === fx.c.tagged ? 1 : 0}`).join('\n'));
    const out = path.join(work, 'pred.jsonl');
    const state = snapshotRepoState(fx.repo.dir);
    const text = await run(['eval', '--window', 'v1.1..v1.2', '--branch', 'stable-1.1', '--labels', labels, '--out', out]);
    expectRepoUnchanged(fx.repo.dir, state);
    expect(text).toContain('has a stable tag');
    expect(text).toContain('has a Fixes-like trailer');
    expect(text).toMatch(/stablepick\s+\d+\s+[01]\.\d{3}\s+[01]\.\d{3}\s+[01]\.\d{3}/);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { sha: string; label: number; verdict: string });
    expect(rows).toHaveLength(shas.length);
    expect(rows.find((r) => r.sha === fx.c.tagged)).toMatchObject({ label: 1, verdict: 'YES' });
    const json = JSON.parse(await run(['eval', '--window', 'v1.1..v1.2', '--branch', 'stable-1.1', '--labels', labels, '--out', out, '--json'])) as {
      n: number;
      picked: number;
      stablepick: { recall: number };
    };
    expect(json.n).toBe(shas.length);
    expect(json.picked).toBe(2);
    expect(json.stablepick.recall).toBe(1);
  });

  it('eval refuses a malformed labels file', async () => {
    const bad = path.join(work, 'bad.txt');
    writeFileSync(bad, 'not a label\n');
    await expect(run(['eval', '--window', 'v1.1..v1.2', '--branch', 'stable-1.1', '--labels', bad, '--out', path.join(work, 'x.jsonl')])).rejects.toThrow(
      /bad\.txt:1/,
    );
  });
});
