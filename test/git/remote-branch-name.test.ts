/**
 * A branch the index lists as `release/2.6` may exist only as `origin/release/2.6` (a fresh clone): a
 * command given `--branch release/2.6` takes the remote-tracking branch, when every remote that has it
 * agrees, and still refuses a name no remote has.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCommit } from '../../src/git/refs.js';
import { makeRepo, runGitSync, type RepoBuilder } from '../helpers/repo-builder.js';

let origin: RepoBuilder;
let clone = '';
let tip = '';

beforeAll(() => {
  origin = makeRepo();
  origin.commit('one', { 'a.c': 'int a;\n' });
  origin.branch('release/2.6');
  origin.checkout('release/2.6');
  tip = origin.commit('two', { 'a.c': 'int a = 2;\n' });
  origin.checkout('main');
  clone = `${origin.dir}-clone`;
  runGitSync(path.dirname(origin.dir), ['clone', '-q', '--no-checkout', origin.dir, clone]);
});

afterAll(() => {
  origin?.cleanup();
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe('a branch name that only a remote has', () => {
  it('resolves to the remote-tracking branch', async () => {
    expect(runGitSync(clone, ['branch', '--list', 'release/2.6']).trim()).toBe('');
    expect(await resolveCommit({ gitDir: path.join(clone, '.git') }, 'release/2.6')).toBe(tip);
  });

  it('is refused when two remotes disagree, and when no remote has it', async () => {
    runGitSync(clone, ['update-ref', 'refs/remotes/other/release/2.6', `${tip}^`]);
    await expect(resolveCommit({ gitDir: path.join(clone, '.git') }, 'release/2.6')).rejects.toThrow(/unknown revision 'release\/2.6'/);
    await expect(resolveCommit({ gitDir: path.join(clone, '.git') }, 'release/9.9')).rejects.toThrow(/unknown revision/);
  });
});
