/** wordsPresent: the same answer with a few fixed strings and with one alternation for many words. */
import { afterAll, describe, expect, it } from 'vitest';
import { openRepository } from '../../src/git/repo.js';
import { wordsPresent } from '../../src/git/grep-present.js';
import { makeRepo } from '../helpers/repo-builder.js';

const r = makeRepo();
afterAll(() => r.cleanup());

describe('wordsPresent', () => {
  it('finds whole words only, for few and for many words, with pathspecs', async () => {
    const tip = r.commit('import', {
      'src/a.c': 'int foo_bar(void) { return foo + CONFIG_X; }\nstatic int bazqux;\n',
      'src/b.py': 'import os\nfoo = 1\n',
      'doc/x.txt': 'only_in_doc\n',
    });
    const repo = await openRepository(r.dir);
    expect(await wordsPresent(repo, tip, ['foo', 'baz', 'nope'])).toEqual(new Set(['foo']));
    const many = ['foo', 'foo_bar', 'baz', 'bazqux', 'CONFIG_X', 'CONFIG', 'only_in_doc', 'nope', 'a.c'];
    expect(await wordsPresent(repo, tip, many)).toEqual(new Set(['foo', 'foo_bar', 'bazqux', 'CONFIG_X', 'only_in_doc']));
    expect(await wordsPresent(repo, tip, many, ['*.c'])).toEqual(new Set(['foo', 'foo_bar', 'bazqux', 'CONFIG_X']));
  });
});
