/**
 * The candidate pool of holdings.ts folds author emails as JavaScript does, whether a first index reads
 * the authors the writer reported or an update asks SQLite for them (whose lower() folds ASCII only): a
 * mainline commit whose email has a Kelvin sign (folds to 'k') is the candidate of a pick by the same
 * author written with a plain 'k', in both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledShas, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { parseJson, runCli, tempCacheDir } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

interface ShowJson {
  upstream: { branch: string; sha: string | null; via: string | null }[];
}

let r: RepoBuilder;
let cache: string;
let before: ReturnType<typeof snapshotRepoState>;
const sha = labelledShas('fix', 'pick');
let main = '';
const cli = (...args: string[]) => runCli([...args, '--repo', r.dir], { env: { STABLEPICK_CACHE_DIR: cache } });

beforeAll(() => {
  r = makeRepo();
  main = r.git(['symbolic-ref', '--short', 'HEAD']).trim();
  r.commit('net: add queue', { 'net/queue.c': 'int q_len;\nint q_max = 8;\n' }, { author: 'Kim Dev <kim@example.org>' });
  r.tag('v1.0');
  r.branch('branch-1.0');
  r.commit('net: rename q_max', { 'net/queue.c': 'int q_len;\nint q_limit = 8;\n' }, { author: 'Kim Dev <kim@example.org>' });
  sha.fix = r.commit('net: fix queue init', { 'net/queue.c': 'int q_len = 0;\nint q_limit = 8;\n' }, { author: 'Kim Dev <\u212Aim@example.org>' });
  r.checkout('branch-1.0');
  // An adapted pick whose author email was written with a plain 'k': same author date, no marker.
  r.cherryPick(sha.fix, { marker: 'none', files: { 'net/queue.c': 'int q_len = 0;\nint q_max = 8;\n' } });
  r.git(['commit', '--amend', '--no-edit', '--author=Kim Dev <kim@example.org>']);
  sha.pick = r.git(['rev-parse', 'HEAD']).trim();
  r.checkout(main);
  cache = tempCacheDir();
  before = snapshotRepoState(r.dir);
});

afterAll(() => {
  expectRepoUnchanged(r.dir, before);
  r.cleanup();
});

describe('the holdings candidate pool', () => {
  it('folds a non-ASCII email on a first index and on an update alike', () => {
    expect(r.git(['log', '-1', '--format=%ae %at', sha.pick]).trim()).toBe(`kim@example.org ${r.git(['log', '-1', '--format=%at', sha.fix]).trim()}`);
    expect(cli('index', '--json').code).toBe(0);
    expect(parseJson<ShowJson>(cli('show', sha.pick, '--json')).upstream).toEqual([{ branch: 'branch-1.0', sha: sha.fix, via: 'author-date' }]);
    // An update: the branch moves, its holdings are computed again from the index (SQLite's side).
    r.checkout('branch-1.0');
    r.commit('branch: local note', { NOTE: 'x\n' });
    r.checkout(main);
    before = snapshotRepoState(r.dir);
    expect(cli('index', '--json').code).toBe(0);
    expect(parseJson<ShowJson>(cli('show', sha.pick, '--json')).upstream).toEqual([{ branch: 'branch-1.0', sha: sha.fix, via: 'author-date' }]);
  });
});
