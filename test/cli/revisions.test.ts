/**
 * Every revision expression a git user types, resolved by git itself, for scan (ranges) and show
 * (one commit); A...B refused in one line; a commit git knows but the index does not is named as such.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affectedCommand } from '../../src/cli/commands/affected.js';
import { depsCommand } from '../../src/cli/commands/deps.js';
import { evalCommand } from '../../src/cli/commands/eval.js';
import { explainCommand } from '../../src/cli/commands/explain.js';
import { scanCommand } from '../../src/cli/commands/scan.js';
import { showCommand } from '../../src/cli/commands/show.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import { failureLine, runInProcess } from '../helpers/in-process.js';
import { buildSelectRepo, type SelectFixture } from '../select/builder.js';

let fx: SelectFixture;

const run = (args: string[]): Promise<string> => runInProcess([trainCommand, scanCommand, showCommand], [...args, '--repo', fx.repo.dir, '--db', fx.dbFile]);
const scanned = async (range: string): Promise<string[]> =>
  [
    ...new Set(
      (await run(['scan', range, '--branch', 'stable-1.1', '--json']))
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { sha: string }).sha),
    ),
  ].sort();
const revList = (range: string): string[] => fx.repo.git(['rev-list', '--no-merges', range]).trim().split('\n').filter(Boolean).sort();
const failure = (args: string[]): Promise<string> => failureLine(run(args), args.join(' '));

beforeAll(async () => {
  fx = buildSelectRepo({ trainPairs: 8 });
  // A remote-tracking branch and an upstream for main, as a clone has them.
  fx.repo.git(['update-ref', 'refs/remotes/origin/main', 'v1.2^{commit}']);
  fx.repo.git(['config', 'branch.main.remote', 'origin']);
  fx.repo.git(['config', 'branch.main.merge', 'refs/heads/main']);
  fx.repo.git(['config', 'remote.origin.url', fx.repo.dir]);
  fx.repo.git(['config', 'remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*']);
  fx.repo.git(['tag', '-a', '-m', 'annotated', 'v1.1-annotated', 'v1.1']);
  (await fx.index()).close();
  await run(['train']);
}, 180_000);
afterAll(() => fx?.cleanup());

describe('ranges', () => {
  it('A..B, A.., ..B, HEAD~n..HEAD, origin/main, @{u}, v^{}, abbreviated and full ids all mean what git means', async () => {
    const want = revList('v1.1..v1.2');
    expect(want.length).toBeGreaterThan(2);
    const v11 = fx.repo.revParse('v1.1^{commit}');
    const v12 = fx.repo.revParse('v1.2^{commit}');
    expect(await scanned('v1.1..v1.2')).toEqual(want);
    expect(await scanned(`${v11}..${v12}`)).toEqual(want);
    expect(await scanned(`${v11.slice(0, 9)}..${v12.slice(0, 7)}`)).toEqual(want);
    expect(await scanned('v1.1-annotated^{}..origin/main')).toEqual(want);
    expect(await scanned('v1.1..@{u}')).toEqual(want);
    expect(await scanned('v1.1..')).toEqual(revList('v1.1..HEAD'));
    expect(await scanned('HEAD~3..HEAD')).toEqual(revList('HEAD~3..HEAD'));
    fx.repo.checkout('v1.1');
    try {
      expect(await scanned('..v1.2')).toEqual(want);
    } finally {
      fx.repo.checkout('main');
    }
  });

  it('A...B is refused in one line that says what to write', async () => {
    const msg = await failure(['scan', 'v1.1...v1.2', '--branch', 'stable-1.1']);
    expect(msg).toMatch(/symmetric difference .* write the window as A\.\.B/);
    expect(msg).not.toContain('\n');
  });

  it('an unknown name is named', async () => {
    expect(await failure(['scan', 'v1.1..no-such-tag', '--branch', 'stable-1.1'])).toMatch(/unknown revision 'no-such-tag'/);
  });
});

describe('one commit', () => {
  it('show takes HEAD~2, @{u}, origin/main, v^{} and ids', async () => {
    const sha = (args: string[]): Promise<string> => run(['show', ...args, '--json']).then((o) => (JSON.parse(o) as { sha: string }).sha);
    expect(await sha(['HEAD~2'])).toBe(fx.repo.revParse('HEAD~2'));
    expect(await sha(['@{u}'])).toBe(fx.repo.revParse('v1.2^{commit}'));
    expect(await sha(['origin/main~1'])).toBe(fx.repo.revParse('v1.2~1'));
    expect(await sha(['v1.1-annotated^{}'])).toBe(fx.repo.revParse('v1.1^{commit}'));
    expect(await sha([fx.repo.revParse('HEAD').slice(0, 8)])).toBe(fx.repo.revParse('HEAD'));
  });

  it('deps, affected, explain and eval take them too', async () => {
    const want = fx.repo.revParse('v1.2^{commit}');
    const dep = JSON.parse(
      await runInProcess(depsCommand, ['deps', 'origin/main', '--branch', 'stable-1.1', '--json', '--repo', fx.repo.dir, '--db', fx.dbFile]),
    ) as { queue: { sha: string }[] };
    expect(dep.queue.map((m) => m.sha)).toContain(want);
    const aff = JSON.parse(await runInProcess(affectedCommand, ['affected', '@{u}', '--json', '--repo', fx.repo.dir, '--db', fx.dbFile])) as { sha: string };
    expect(aff.sha).toBe(want);
    const md = await runInProcess(explainCommand, ['explain', 'v1.2^{}', '--branch', 'stable-1.1', '--no-apply', '--repo', fx.repo.dir, '--db', fx.dbFile]);
    expect(md).toContain(`# ${want.slice(0, 12)} `);
    const ev = JSON.parse(
      await runInProcess(evalCommand, ['eval', '--window', 'v1.1..origin/main', '--branch', 'stable-1.1', '--json', '--repo', fx.repo.dir, '--db', fx.dbFile]),
    ) as { n: number };
    expect(ev.n).toBe(revList('v1.1..v1.2').length);
  });

  it('a commit made after the index was built: "not in the index yet", run stablepick index', async () => {
    fx.repo.commit('a new commit', { 'new.c': 'int n;\n' });
    expect(await failure(['show', 'HEAD'])).toMatch(/'HEAD' \([0-9a-f]{12}\) is not in the index yet — run `stablepick index`/);
  });
});
