/**
 * The helper process that starts git for a large process: every answer, error and input is the same as
 * when git is started directly, and stopping it brings back direct starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blameRanges } from '../../src/git/blame-range.js';
import { grepWords } from '../../src/git/grep.js';
import { openRepository, type Repository } from '../../src/git/repo.js';
import { runGit } from '../../src/git/run.js';
import { startSpawner, stopSpawner } from '../../src/git/spawner.js';
import { streamLines } from '../../src/git/stream.js';
import { StablepickError } from '../../src/errors.js';
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

let repo: RepoBuilder;
let target: Repository;
let second: string;
const big = Array.from({ length: 20000 }, (_, i) => `int f${i}(void) { return ${i}; } /* ${'x'.repeat(40)} */`).join('\n') + '\n';

beforeAll(async () => {
  repo = makeRepo();
  repo.commit('one', { 'a.c': 'int alpha(void);\n', 'big.c': big });
  second = repo.commit('two', { 'a.c': 'int alpha(void);\nint beta(void);\n' });
  target = await openRepository(repo.dir);
});

afterAll(() => {
  stopSpawner();
  repo.cleanup();
});

/** Everything below asked once with direct starts, once through the spawner. */
async function answers(): Promise<unknown> {
  const log = (await runGit(target, ['log', '--format=%H %s'])).stdout.toString('utf8');
  const cat = (await runGit(target, ['cat-file', '-p', `${second}:big.c`])).stdout.toString('utf8');
  const hashed = (await runGit(target, ['hash-object', '--stdin'], { input: big })).stdout.toString('utf8');
  const blame = await blameRanges(target, second, 'a.c', [{ start: 1, end: 2 }]);
  const grep = [...(await grepWords(target, second, ['beta', 'f19999']))];
  const lines: string[] = [];
  await streamLines(target, ['log', '--format=%s', second], (l) => lines.push(l));
  const exit = (await runGit(target, ['grep', '-q', 'nothing-here', second], { okCodes: [1] })).code;
  const failure = await runGit(target, ['rev-parse', '--verify', 'no-such-branch^{commit}']).then(
    () => 'no error',
    (e: unknown) => (e instanceof StablepickError ? `${e.code}: ${e.message}` : String(e)),
  );
  const streamFailure = await streamLines(target, ['log', 'no-such-branch'], () => undefined).then(
    () => 'no error',
    (e: unknown) => (e instanceof StablepickError ? e.code : String(e)),
  );
  const noFolder = await runGit({ gitDir: `${repo.dir}/.git`, workTree: `${repo.dir}/missing-folder` }, ['status']).then(
    () => 'no error',
    (e: unknown) => (e instanceof StablepickError ? e.code : String(e)),
  );
  return { log, catLength: cat.length, catSame: cat === big, hashed, blame, grep, lines, exit, failure, streamFailure, noFolder };
}

describe('git spawner', () => {
  it('gives the same output, exit codes and typed errors as starting git directly', async () => {
    const before = snapshotRepoState(repo.dir);
    const direct = await answers();
    startSpawner();
    const through = await answers();
    stopSpawner();
    const again = await answers();
    expect(through).toEqual(direct);
    expect(again).toEqual(direct);
    expect((direct as { catSame: boolean }).catSame).toBe(true);
    expect((direct as { failure: string }).failure).toMatch(/^UNKNOWN_REVISION/);
    expectRepoUnchanged(repo.dir, before);
  });

  it('starts git from the helper process while it runs, from this process otherwise', async () => {
    const parentOfGit = async (): Promise<number> =>
      Number((await runGit(target, ['-c', 'alias.parent=!ps -o ppid= -p $PPID', 'parent'])).stdout.toString().trim());
    expect(await parentOfGit()).toBe(process.pid);
    startSpawner();
    const through = await parentOfGit();
    stopSpawner();
    expect(through).not.toBe(process.pid);
    expect(through).toBeGreaterThan(0);
    expect(await parentOfGit()).toBe(process.pid);
  });

  it('runs commands side by side, each answer to its own caller', async () => {
    startSpawner();
    const shas = await Promise.all(Array.from({ length: 12 }, (_, i) => runGit(target, ['rev-parse', i % 2 ? second : `${second}^`])));
    stopSpawner();
    const want = [(await runGit(target, ['rev-parse', `${second}^`])).stdout.toString(), (await runGit(target, ['rev-parse', second])).stdout.toString()];
    expect(shas.map((r, i) => r.stdout.toString() === want[i % 2])).toEqual(shas.map(() => true));
  });
});
