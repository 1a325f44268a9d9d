/**
 * Repositories that break naive indexers: shallow clones, non-UTF-8 messages, merges and octopus merges,
 * renames and binaries, a 10k-file commit, missing blobs, refs that name no commit; bad input.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { bigCommitRepo, mergesRepo, nonUtf8Repo, partialCloneMissingBlobs, shallowClone, markerRepo } from '../helpers/fixtures.js';
import { makeRepo, makeTempDir } from '../helpers/repo-builder.js';
import { parseJson, runCli, tempCacheDir } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';
import { openRepository } from '../../src/git/repo.js';
import { commitPatchIds, numstats } from '../../src/git/diff-batch.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups) c();
});

interface ShowJson {
  sha: string;
  subject: string;
  message: string;
  latin1: boolean;
  author: { name: string };
  parents: string[];
  files: { path: string; status: string }[];
}

function indexed(dir: string): { cli: (...a: string[]) => ReturnType<typeof runCli>; index: ReturnType<typeof runCli> } {
  const cache = tempCacheDir();
  const cli = (...a: string[]) => runCli([...a, '--repo', dir], { env: { STABLEPICK_CACHE_DIR: cache } });
  const before = snapshotRepoState(dir);
  const index = cli('index', '--json');
  expectRepoUnchanged(dir, before);
  return { cli, index };
}

const revListCount = (dir: string, g: (a: string[]) => string): number => g(['rev-list', '--all']).trim().split('\n').filter(Boolean).length;

describe('special repositories', () => {
  it('indexes a shallow clone and says so', () => {
    const src = markerRepo();
    cleanups.push(src.cleanup);
    const sh = shallowClone(src.repo, { depth: 3, allBranches: true });
    cleanups.push(sh.cleanup);
    const { cli, index } = indexed(sh.repo.dir);
    expect(index.code).toBe(0);
    const rep = parseJson<{ shallow: boolean; totalCommits: number }>(index);
    expect(rep.shallow).toBe(true);
    const stats = parseJson<{ commits: number; shallow: boolean }>(cli('stats', '--json'));
    expect(stats.shallow).toBe(true);
    expect(stats.commits).toBe(revListCount(sh.repo.dir, (a) => sh.repo.git(a)));
    expect(cli('index').stdout).toMatch(/shallow clone/);
  });

  it('keeps non-UTF-8 messages readable (Latin-1 without a header, re-encoded with one)', () => {
    const fx = nonUtf8Repo();
    cleanups.push(fx.cleanup);
    const { cli, index } = indexed(fx.repo.dir);
    expect(index.code).toBe(0);
    const noHeader = parseJson<ShowJson>(cli('show', fx.latin1NoHeader, '--json'));
    expect(noHeader.latin1).toBe(true);
    expect(noHeader.subject).toBe(fx.text.noHeaderSubject);
    expect(noHeader.author.name).toBe(fx.text.authorName);
    const header = parseJson<ShowJson>(cli('show', fx.latin1Header, '--json'));
    expect(header.subject).toBe(fx.text.headerSubject);
    expect(header.latin1).toBe(false); // git re-encoded it to UTF-8 for us
    const utf8 = parseJson<ShowJson>(cli('show', fx.utf8, '--json'));
    expect(utf8.subject).toBe(fx.text.utf8Subject);
  });

  it('records merges, octopus merges, renames and binary files', () => {
    const fx = mergesRepo();
    cleanups.push(fx.cleanup);
    const { cli, index } = indexed(fx.repo.dir);
    expect(index.code).toBe(0);
    expect(parseJson<ShowJson>(cli('show', fx.merge, '--json')).parents).toHaveLength(2);
    const oct = parseJson<ShowJson>(cli('show', fx.octopus, '--json'));
    expect(oct.parents.length).toBeGreaterThanOrEqual(3);
    const ren = parseJson<ShowJson>(cli('show', fx.rename, '--json'));
    // --no-renames: a rename is a delete and an add.
    expect(ren.files).toEqual(
      expect.arrayContaining([
        { path: fx.renameFrom, status: 'D' },
        { path: fx.renameTo, status: 'A' },
      ]),
    );
    const bin = parseJson<ShowJson>(cli('show', fx.binaryAdd, '--json'));
    expect(bin.files).toContainEqual({ path: fx.binaryPath, status: 'A' });
    const stats = parseJson<{ commits: number; merges: number }>(cli('stats', '--json'));
    expect(stats.commits).toBe(revListCount(fx.repo.dir, (a) => fx.repo.git(a)));
    expect(stats.merges).toBeGreaterThanOrEqual(3);
  });

  it('records a commit that touches 10,000 files', () => {
    const fx = bigCommitRepo(10000);
    cleanups.push(fx.cleanup);
    const { cli, index } = indexed(fx.repo.dir);
    expect(index.code).toBe(0);
    expect(parseJson<ShowJson>(cli('show', fx.big, '--json')).files).toHaveLength(10000);
  });

  it('indexes a repository with missing blobs, and the diff helpers isolate the commits they break', async () => {
    const fx = partialCloneMissingBlobs();
    cleanups.push(fx.cleanup);
    const { cli, index } = indexed(fx.repo.dir);
    expect(index.stderr).toBe('');
    expect(index.code).toBe(0);
    const stats = parseJson<{ commits: number }>(cli('stats', '--json'));
    expect(stats.commits).toBe(revListCount(fx.repo.dir, (a) => fx.repo.git(a)));
    const repo = await openRepository(fx.repo.dir);
    const all = fx.repo.git(['rev-list', '--all']).trim().split('\n');
    const before = snapshotRepoState(fx.repo.dir);
    const ns = await numstats(repo, all);
    const ids = await commitPatchIds(repo, all);
    expectRepoUnchanged(fx.repo.dir, before);
    for (const sha of all) {
      const broken = fx.affectedCommits.includes(sha);
      expect(ns.get(sha) === null, `numstat of ${sha}`).toBe(broken);
      if (broken) expect(ids.get(sha)).toBeNull();
    }
    expect(fx.affectedCommits.length).toBeGreaterThan(0);
  });

  it('skips refs that name no commit (a tag of a blob, a ref to a tree)', () => {
    const r = makeRepo();
    cleanups.push(() => r.cleanup());
    r.commit('first', { 'a.txt': 'a\n' });
    const blob = r.git(['rev-parse', 'HEAD:a.txt']).trim();
    const tree = r.git(['rev-parse', 'HEAD^{tree}']).trim();
    r.git(['tag', 'blobtag', blob]);
    r.git(['update-ref', 'refs/weird/tree', tree]);
    const { cli, index } = indexed(r.dir);
    expect(index.code).toBe(0);
    expect(parseJson<{ commits: number }>(cli('stats', '--json')).commits).toBe(1);
  });
});

describe('bad input gets one line and a non-zero exit', () => {
  const oneLine = (r: ReturnType<typeof runCli>): string => {
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(lines[0]).toMatch(/^stablepick: .+ — .+/); // what is wrong — what to do
    return lines[0]!;
  };

  it('a folder that is not a repository', () => {
    const d = makeTempDir();
    expect(oneLine(runCli(['index', '--repo', d]))).toMatch(/not inside a git repository/);
    expect(oneLine(runCli(['index', '--repo', `${d}/nope`]))).toMatch(/does not exist/);
  });

  it('an unknown commit, a non-hex id, a missing index', () => {
    const r = makeRepo();
    cleanups.push(() => r.cleanup());
    r.commit('first', { 'a.txt': 'a\n' });
    const cache = tempCacheDir();
    const cli = (...a: string[]) => runCli([...a, '--repo', r.dir], { env: { STABLEPICK_CACHE_DIR: cache } });
    expect(oneLine(cli('stats'))).toMatch(/no index/);
    expect(cli('index').code).toBe(0);
    expect(oneLine(cli('show', 'deadbeef'))).toMatch(/unknown revision 'deadbeef'/);
    expect(oneLine(cli('show', 'no-such-rev'))).toMatch(/unknown revision 'no-such-rev'/);
  });

  it('a malformed config file', () => {
    const r = makeRepo();
    cleanups.push(() => r.cleanup());
    r.commit('first', { 'a.txt': 'a\n' });
    const cfg = `${makeTempDir()}/stablepick.config.json`;
    writeFileSync(cfg, '{ "conventions": { "fixesKeys": 3 ');
    expect(oneLine(runCli(['index', '--repo', r.dir, '--config', cfg]))).toMatch(/stablepick\.config\.json/);
  });

  it('an unknown option is a usage error (exit 2)', () => {
    const r = runCli(['index', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option/);
  });
});
