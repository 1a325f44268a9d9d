/**
 * The memo of git answers kept by a long-running process: on only when enabled for a repository, keyed
 * by full object ids (a name that moves is asked again), every caller gets its own copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitDiff } from '../../src/git/diff.js';
import { grepWords } from '../../src/git/grep.js';
import { enableMemo } from '../../src/git/memo.js';
import { openRepository } from '../../src/git/repo.js';
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';

let repo: RepoBuilder;
let first: string;

beforeAll(() => {
  repo = makeRepo();
  repo.commit('one', { 'a.c': 'int alpha(void);\n' });
  first = repo.commit('two', { 'a.c': 'int alpha(void);\nint beta(void);\n' });
});

afterAll(() => repo.cleanup());

describe('git memo', () => {
  it('answers as without it, each caller with its own copy', async () => {
    const plain = await openRepository(repo.dir);
    const kept = await openRepository(repo.dir);
    enableMemo(kept);
    const want = await commitDiff(plain, first);
    const a = await commitDiff(kept, first);
    expect(a).toEqual(want);
    a.files[0]!.hunks[0]!.added.push('changed by a caller');
    a.files.pop();
    expect(await commitDiff(kept, first)).toEqual(want);
  });

  it('asks git again for a name that moves (HEAD), not for a full id', async () => {
    const kept = await openRepository(repo.dir);
    enableMemo(kept);
    const atFirst = await grepWords(kept, first, ['gamma']);
    expect(atFirst.size).toBe(0);
    expect((await grepWords(kept, 'HEAD', ['gamma'])).size).toBe(0);
    repo.commit('three', { 'a.c': 'int alpha(void);\nint beta(void);\nint gamma(void);\n' });
    expect([...(await grepWords(kept, 'HEAD', ['gamma'])).keys()]).toEqual(['a.c']);
    expect((await grepWords(kept, first, ['gamma'])).size).toBe(0);
  });
});
