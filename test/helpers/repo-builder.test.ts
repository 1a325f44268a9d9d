import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOCK_START, CLOCK_STEP, appendToTrailerBlock, labelledShas, makeRepo, makeTempDir, nth, type RepoBuilder } from './repo-builder.js';
import { diffRepoState, expectRepoUnchanged, repoStateHash, snapshotRepoState } from './repo-state.js';
import {
  bigCommitRepo,
  fixesRepo,
  markerRepo,
  mergesRepo,
  nonUtf8Repo,
  partialCloneMissingBlobs,
  shallowClone,
  type BigCommitFixture,
  type FixesFixture,
  type MarkerFixture,
  type MergesFixture,
  type MissingBlobsFixture,
  type NonUtf8Fixture,
  type ShallowFixture,
} from './fixtures.js';

const toClean: Array<{ cleanup(): void }> = [];
function track<T extends { cleanup(): void }>(x: T): T {
  toClean.push(x);
  return x;
}
afterAll(() => {
  for (const x of toClean.reverse()) x.cleanup();
});

const lines = (s: string): string[] => s.split('\n').filter(Boolean);
const message = (r: RepoBuilder, rev: string): string => r.git(['log', '-1', '--format=%B', rev]);
const parents = (r: RepoBuilder, rev: string): string[] => r.git(['log', '-1', '--format=%P', rev]).trim().split(' ').filter(Boolean);
const patchId = (r: RepoBuilder, rev: string): string => r.git(['patch-id', '--stable'], { input: r.git(['show', rev]) }).split(' ')[0] ?? '';

describe('RepoBuilder', () => {
  it('initialises an isolated repository under os.tmpdir() on branch main', () => {
    const r = track(makeRepo());
    expect(path.isAbsolute(r.dir)).toBe(true);
    expect(r.dir.startsWith(tmpdir())).toBe(true);
    expect(r.git(['symbolic-ref', 'HEAD']).trim()).toBe('refs/heads/main');
    expect(r.git(['config', 'commit.gpgsign']).trim()).toBe('false');
    expect(r.git(['config', 'user.email']).trim()).toBe('tester@example.org');
    // nothing from the user's global config leaks in
    expect(
      r
        .git(['config', '--show-origin', '--list'])
        .split('\n')
        .every((l) => l === '' || l.startsWith('file:.git/config') || l.startsWith('command line:')),
    ).toBe(true);
  });

  it('ignores inherited GIT_* variables such as GIT_DIR', () => {
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = '/nonexistent/stablepick-test';
    try {
      const r = track(makeRepo());
      const a = r.commit('x', { f: '1\n' });
      expect(r.revParse('HEAD')).toBe(a);
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });

  it('commits files with a deterministic, strictly increasing clock and overrides', () => {
    const r = track(makeRepo());
    const a = r.commit(
      'subsys: add foo',
      { 'src/foo.c': 'int foo;\n' },
      {
        body: 'Longer text.\n\nSigned-off-by: A <a@x.org>',
        author: 'Ann <ann@x.org>',
      },
    );
    const b = r.commit('subsys: fix foo', { 'src/foo.c': 'int foo = 1;\n', 'src/bar.c': 'x\n' });
    const c = r.commit('subsys: drop bar', { 'src/bar.c': null });
    const d = r.commit('dated', { 'src/d.c': 'd\n' }, { date: '2024-06-01T12:00:00Z', authorDate: '2023-01-01T00:00:00Z' });
    const e = r.commit('after dated', { 'src/e.c': 'e\n' });
    const times = (rev: string): number[] => r.git(['log', '-1', '--format=%at %ct', rev]).trim().split(' ').map(Number);
    expect(times(a)).toEqual([CLOCK_START, CLOCK_START]);
    expect(times(b)).toEqual([CLOCK_START + CLOCK_STEP, CLOCK_START + CLOCK_STEP]);
    expect(times(c)[1]).toBe(CLOCK_START + 2 * CLOCK_STEP);
    expect(times(d)).toEqual([Date.UTC(2023, 0, 1) / 1000, Date.UTC(2024, 5, 1, 12) / 1000]);
    expect(times(e)[1]).toBe(Date.UTC(2024, 5, 1, 13) / 1000);
    expect(r.git(['log', '-1', '--format=%an <%ae>|%cn <%ce>', a]).trim()).toBe('Ann <ann@x.org>|Stable Tester <tester@example.org>');
    expect(message(r, a)).toBe('subsys: add foo\n\nLonger text.\n\nSigned-off-by: A <a@x.org>\n\n');
    expect(r.git(['ls-tree', '-r', '--name-only', c]).trim()).toBe('src/foo.c');
    expect(r.git(['show', `${b}:src/foo.c`])).toBe('int foo = 1;\n');
    expect(r.git(['status', '--porcelain'], { env: { GIT_OPTIONAL_LOCKS: '0' } })).toBe('');
  });

  it('builds the same object ids every time', () => {
    const build = (): string[] => {
      const r = track(makeRepo());
      const a = r.commit('a', { f: '1\n' });
      r.tag('v1', { annotated: true });
      r.branch('stable');
      const b = r.commit('b', { f: '2\n' });
      r.checkout('stable');
      const p = r.cherryPick(b, { marker: 'commit-upstream' });
      return [a, b, p, r.revParse('v1')];
    };
    expect(build()).toEqual(build());
  });

  it('makes lightweight and annotated tags, branches, checkouts', () => {
    const r = track(makeRepo());
    const a = r.commit('a', { f: '1\n' });
    expect(r.tag('light')).toBe(a);
    expect(r.tag('v1.0', { annotated: true, message: 'Release 1.0' })).toBe(a);
    expect(r.git(['cat-file', '-t', 'light']).trim()).toBe('commit');
    expect(r.git(['cat-file', '-t', 'v1.0']).trim()).toBe('tag');
    expect(r.git(['tag', '-l', '--format=%(contents)', 'v1.0']).trim()).toBe('Release 1.0');
    expect(r.branch('linux-1.0.y')).toBe(a);
    expect(r.currentBranch()).toBe('main');
    const b = r.commit('b', { f: '2\n' });
    expect(r.branch('side', { at: a, checkout: true })).toBe(a);
    expect(r.currentBranch()).toBe('side');
    r.checkout(b);
    expect(r.currentBranch()).toBeNull();
    expect(r.revParse('HEAD')).toBe(b);
  });

  it('stages rm, rename and binary files for the next commit', () => {
    const r = track(makeRepo());
    r.commit('a', { 'a.txt': 'line\n'.repeat(20), 'gone.txt': 'x\n' });
    r.rm('gone.txt');
    r.rename('a.txt', 'dir/b.txt');
    r.writeBinary('img.bin', Buffer.from([0, 1, 2, 255, 0, 10]));
    const c = r.commit('move things');
    expect(lines(r.git(['show', '--name-status', '-M', '--format=', c])).sort()).toEqual(['A\timg.bin', 'D\tgone.txt', 'R100\ta.txt\tdir/b.txt']);
    expect(r.git(['show', '--numstat', '--format=', c, '--', 'img.bin']).trim()).toBe('-\t-\timg.bin');
  });

  it('writes every upstream marker form on cherry-pick, keeping the original author', () => {
    const r = track(makeRepo());
    const a = r.commit('subsys: add foo', { 'src/foo.c': 'int foo;\n' });
    r.branch('linux-1.0.y');
    const b = r.commit(
      'subsys: fix foo',
      { 'src/foo.c': 'int foo = 1;\n' },
      {
        author: 'Ann <ann@x.org>',
        body: `Fixes: ${a.slice(0, 12)} ("subsys: add foo")\nSigned-off-by: Ann <ann@x.org>`,
      },
    );
    const date = r.git(['log', '-1', '--format=%ci', b]).trim();
    const got: Record<string, string> = {};
    for (const m of ['commit-upstream', 'upstream-commit', 'upstream-commit-lc', 'cherry-picked', 'xen', 'none'] as const) {
      r.branch(`s-${m}`, { at: 'linux-1.0.y', checkout: true });
      const p = r.cherryPick(b, { marker: m });
      got[m] = message(r, p);
      expect(r.git(['log', '-1', '--format=%an %at', p])).toBe(r.git(['log', '-1', '--format=%an %at', b]));
      expect(patchId(r, p)).toBe(patchId(r, b));
    }
    const trailers = `Fixes: ${a.slice(0, 12)} ("subsys: add foo")\nSigned-off-by: Ann <ann@x.org>`;
    expect(got['commit-upstream']).toBe(`subsys: fix foo\n\ncommit ${b} upstream.\n\n${trailers}\n\n`);
    expect(got['upstream-commit']).toBe(`subsys: fix foo\n\n[ Upstream commit ${b} ]\n\n${trailers}\n\n`);
    expect(got['upstream-commit-lc']).toBe(`subsys: fix foo\n\n[ upstream commit ${b} ]\n\n${trailers}\n\n`);
    expect(got['cherry-picked']).toBe(`subsys: fix foo\n\n${trailers}\n(cherry picked from commit ${b})\n\n`);
    expect(got.xen).toBe(`subsys: fix foo\n\n${trailers}\nmaster commit: ${b}\nmaster date: ${date}\n\n`);
    expect(got.none).toBe(message(r, b));
    expect(existsSync(path.join(r.dir, '.git', 'CHERRY_PICK_HEAD'))).toBe(false);
  });

  it('cherry-picks with adapted files, replaced body and extra trailers', () => {
    const r = track(makeRepo());
    r.commit('base', { 'f.c': 'a\n' });
    r.branch('old');
    const up = r.commit('f: fix', { 'f.c': 'b\n' }, { body: 'Why.\n\nSigned-off-by: X <x@y.org>' });
    r.checkout('old');
    const p = r.cherryPick(up, { marker: 'commit-upstream', files: { 'f.c': 'b-adapted\n' }, appendTrailers: ['Signed-off-by: Greg <g@k.org>'] });
    expect(message(r, p)).toBe(`f: fix\n\ncommit ${up} upstream.\n\nWhy.\n\nSigned-off-by: X <x@y.org>\nSigned-off-by: Greg <g@k.org>\n\n`);
    expect(r.git(['show', `${p}:f.c`])).toBe('b-adapted\n');
  });

  it('appends to a trailer block like git cherry-pick -x', () => {
    expect(appendToTrailerBlock('s\n\nbody\n', ['X: y'])).toBe('s\n\nbody\n\nX: y\n');
    expect(appendToTrailerBlock('s\n\nbody\n\nA-b: c\n', ['X: y'])).toBe('s\n\nbody\n\nA-b: c\nX: y\n');
    expect(appendToTrailerBlock('s\n', ['X: y'])).toBe('s\n\nX: y\n');
  });

  it('merges, octopus-merges and reverts', () => {
    const r = track(makeRepo());
    r.commit('base', { 'f.c': 'a\n' });
    for (const b of ['t1', 't2', 't3']) {
      r.branch(b, { checkout: true });
      r.commit(`${b}: add`, { [`${b}.c`]: `${b}\n` });
      r.checkout('main');
    }
    const m = r.merge('t1', { message: 'Merge t1' });
    expect(parents(r, m)).toHaveLength(2);
    expect(r.git(['log', '-1', '--format=%s', m]).trim()).toBe('Merge t1');
    const o = r.octopus(['t2', 't3']);
    expect(parents(r, o)).toHaveLength(3);
    const x = r.commit('x: change', { 'f.c': 'b\n' });
    const rv = r.revert(x);
    expect(message(r, rv)).toBe(`Revert "x: change"\n\nThis reverts commit ${x}.\n\n`);
    expect(r.git(['show', `${rv}:f.c`])).toBe('a\n');
  });

  it('finds a commit with a chosen id prefix', () => {
    const r = track(makeRepo());
    const a = r.commit('first', { a: '1\n' });
    const b = r.commitWithShaPrefix(a.slice(0, 4), 'second', { a: '2\n' });
    expect(b.slice(0, 4)).toBe(a.slice(0, 4));
    expect(b).not.toBe(a);
    expect(parents(r, b)).toEqual([a]);
    const t = r.git(['log', '-1', '--format=%at %ct', b]).trim().split(' ').map(Number);
    expect(t[0]).toBeGreaterThan(CLOCK_START);
    expect(t[1]).toBeLessThan(CLOCK_START + 2 * CLOCK_STEP);
    const c = r.commit('third', { a: '3\n' });
    expect(Number(r.git(['log', '-1', '--format=%ct', c]).trim())).toBe(CLOCK_START + 2 * CLOCK_STEP);
  });

  it('imports a bulk commit with fast-import and keeps index and work tree in step', () => {
    const r = track(makeRepo());
    r.commit('base', { keep: 'k\n', gone: 'g\n' });
    const files: Record<string, string | null> = { gone: null };
    for (let i = 0; i < 50; i++) files[`d/${i}.c`] = `${i}\n`;
    const big = r.bulkCommit('bulk', files);
    expect(lines(r.git(['ls-tree', '-r', '--name-only', big]))).toHaveLength(51);
    expect(r.git(['status', '--porcelain'], { env: { GIT_OPTIONAL_LOCKS: '0' } })).toBe('');
    expect(existsSync(path.join(r.dir, 'd/49.c'))).toBe(true);
    expect(existsSync(path.join(r.dir, 'gone'))).toBe(false);
    const after = r.commit('after', { 'd/0.c': 'zero\n' });
    expect(lines(r.git(['diff-tree', '--no-commit-id', '-r', '--name-only', after]))).toEqual(['d/0.c']);
  });

  it('writes raw commit bytes', () => {
    const r = track(makeRepo());
    r.commit('base', { a: '1\n' });
    const c = r.rawCommit({ message: Buffer.from('caf\xe9\n', 'latin1'), author: Buffer.from('Jos\xe9 <j@x.org>', 'latin1'), files: { a: '2\n' } });
    const raw = r.gitBytes(['cat-file', 'commit', c]);
    expect(raw.includes(Buffer.from('author Jos\xe9 <j@x.org> ', 'latin1'))).toBe(true);
    expect(raw.subarray(raw.length - 6).equals(Buffer.from('\n\ncaf\xe9\n', 'latin1').subarray(1))).toBe(true);
    expect(r.revParse('HEAD')).toBe(c);
    expect(r.git(['status', '--porcelain'], { env: { GIT_OPTIONAL_LOCKS: '0' } })).toBe('');
  });
});

describe('one builder for every story', () => {
  it('commits as the identity given to makeRepo()', () => {
    const r = track(makeRepo({ identity: 'Test Author <author@example.org>' }));
    const sha = r.commit('a: add', { 'a.c': 'a\n' });
    expect(r.git(['log', '-1', '--format=%an <%ae>|%cn <%ce>', sha]).trim()).toBe('Test Author <author@example.org>|Test Author <author@example.org>');
    expect(r.git(['config', 'user.email']).trim()).toBe('author@example.org');
    expect(r.identity()).toBe('Test Author <author@example.org>');
  });

  it('clones with objects of its own and a picker identity; real picks there leave the source alone', () => {
    const r = track(makeRepo());
    r.commit('base', { 'a.c': 'one\ntwo\nthree\n' });
    r.branch('stable');
    const fix = r.commit('a: fix two', { 'a.c': 'one\ntwo fixed\nthree\n' });
    const again = r.commit('a: fix two again', { 'a.c': 'one\ntwo fixed again\nthree\n' });
    const before = snapshotRepoState(r.dir, { mtimes: true });
    const c = track(r.clone({ identity: 'Test Picker <picker@example.org>' }));
    expect(c.dir).not.toBe(r.dir);
    expect(existsSync(path.join(c.dir, '.git/objects/info/alternates'))).toBe(false);
    expect(c.revParse('origin/stable')).toBe(r.revParse('stable'));
    const stable = r.revParse('stable');
    const picked = c.cherryPickOnto(stable, fix);
    expect(picked.tree).toBe(r.revParse(`${fix}^{tree}`));
    expect(c.git(['log', '-1', '--format=%an|%cn', picked.commit ?? 'HEAD']).trim()).toBe('Stable Tester|Test Picker');
    // picked alone, the second fix conflicts: nulls, and the clone is clean again at `onto`
    expect(c.cherryPickOnto(stable, again)).toEqual({ tree: null, commit: null });
    expect(c.revParse('HEAD')).toBe(stable);
    expect(c.git(['status', '--porcelain']).trim()).toBe('');
    expectRepoUnchanged(r.dir, before);
  });

  it('labelledShas: typed labels, and a clear error for a label read before it was stored', () => {
    const c = labelledShas('base', 'fix');
    c.base = 'a'.repeat(40);
    expect(c.base).toBe('a'.repeat(40));
    expect(Object.keys(c)).toEqual(['base']);
    expect(() => c.fix).toThrow('fixture commit "fix" was read before one was stored (stored: base)');
    expect(() => {
      (c as Record<string, string>).other = 'b'.repeat(40);
    }).toThrow('"other" is not one of the fixture\'s labels: base, fix');
    // what vitest and await probe on any object stays undefined
    expect((c as unknown as { then?: unknown }).then).toBeUndefined();
    expect(nth(['x', 'y'], 1)).toBe('y');
    expect(() => nth(['x', 'y'], 2, 'picks')).toThrow('no element 2 in the list of 2 picks');
  });
});

describe('repo state', () => {
  let r: RepoBuilder;
  beforeAll(() => {
    r = track(makeRepo());
    r.commit('a', { 'src/a.c': 'a\n', README: 'r\n' });
    r.tag('v1', { annotated: true });
    r.branch('stable');
    r.commit('b', { 'src/a.c': 'b\n' });
  });

  it('does not change under read-only git commands', () => {
    const before = snapshotRepoState(r.dir);
    const hash = repoStateHash(r.dir);
    r.git(['log', '--all', '--numstat', '-p']);
    r.git(['rev-parse', 'HEAD', 'v1^{commit}']);
    r.git(['for-each-ref']);
    r.git(['cat-file', '--batch-check', '--batch-all-objects']);
    r.git(['status', '--porcelain'], { env: { GIT_OPTIONAL_LOCKS: '0' } });
    r.git(['diff', 'stable', 'main']);
    r.git(['patch-id', '--stable'], { input: r.git(['show', 'HEAD']) });
    r.git(['merge-base', 'stable', 'main']);
    expect(repoStateHash(r.dir)).toBe(hash);
    expect(diffRepoState(before, snapshotRepoState(r.dir))).toEqual([]);
    expect(() => expectRepoUnchanged(r.dir, before)).not.toThrow();
  });

  const mutations: Array<[string, string, (x: RepoBuilder) => void]> = [
    ['a new branch', 'refs', (x) => x.git(['branch', 'new-branch'])],
    ['a moved branch', 'refs', (x) => x.git(['update-ref', 'refs/heads/stable', 'HEAD'])],
    ['a new lightweight tag', 'refs', (x) => x.git(['tag', 'light'])],
    ['a checkout', 'HEAD', (x) => x.git(['symbolic-ref', 'HEAD', 'refs/heads/stable'])],
    [
      'a staged file',
      'index',
      (x) => {
        writeFileSync(path.join(x.dir, 'staged.txt'), 's\n');
        x.git(['add', 'staged.txt']);
      },
    ],
    ['an edited work tree file', 'work tree', (x) => appendFileSync(path.join(x.dir, 'README'), 'more\n')],
    ['an untracked file', 'work tree', (x) => writeFileSync(path.join(x.dir, 'untracked.txt'), 'u\n')],
    ['an empty directory', 'work tree', (x) => mkdirSync(path.join(x.dir, 'emptydir'))],
    ['a written object', 'objects', (x) => x.git(['hash-object', '-w', '--stdin'], { input: 'new object\n' })],
    ['packed refs', 'packed-refs', (x) => x.git(['pack-refs', '--all'])],
    ['a repacked object store', 'objects', (x) => x.git(['repack', '-a', '-d', '-q'])],
    ['a config change', 'config', (x) => x.git(['config', 'stablepick.test', '1'])],
    ['an alternates file', 'objects/info', (x) => writeFileSync(path.join(x.dir, '.git/objects/info/alternates'), `${tmpdir()}/nowhere/objects\n`)],
    ['ORIG_HEAD', 'git directory files', (x) => writeFileSync(path.join(x.dir, '.git/ORIG_HEAD'), `${x.revParse('HEAD')}\n`)],
    ['a shallow file', 'shallow', (x) => writeFileSync(path.join(x.dir, '.git/shallow'), `${x.revParse('HEAD')}\n`)],
  ];
  for (const [what, part, mutate] of mutations) {
    it(`changes and names the part for ${what}`, () => {
      const before = snapshotRepoState(r.dir);
      const hash = repoStateHash(r.dir);
      mutate(r);
      expect(repoStateHash(r.dir)).not.toBe(hash);
      const diffs = diffRepoState(before, snapshotRepoState(r.dir));
      expect(diffs.some((d) => d.startsWith(`${part}`))).toBe(true);
      expect(() => expectRepoUnchanged(r.dir, before)).toThrow(new RegExp(`repository .* changed:[\\s\\S]*${part.replace(/[()/]/g, '.')}`));
    });
  }

  it('with { mtimes: true }, also a file rewritten with the same bytes', () => {
    const file = path.join(r.dir, '.git', 'description');
    const before = snapshotRepoState(r.dir, { mtimes: true });
    const plain = repoStateHash(r.dir);
    writeFileSync(file, readFileSync(file));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(repoStateHash(r.dir)).toBe(plain);
    expect(() => expectRepoUnchanged(r.dir, before)).toThrow(/modification times \(ms\):\s+~ description/);
  });

  it('handles linked worktrees', () => {
    const dir = makeTempDir();
    track({ cleanup: () => rmSync(dir, { recursive: true, force: true }) });
    const wt = path.join(dir, 'wt');
    r.git(['worktree', 'add', '-q', '-b', 'wt-branch', wt, 'stable']);
    const s = snapshotRepoState(wt);
    expect(s.gitDir).not.toBe(s.commonDir);
    expect(Object.keys(s.worktree ?? {})).toContain('src/a.c');
    expect(s.head).toBe('ref: refs/heads/wt-branch\n');
    writeFileSync(path.join(wt, 'new.txt'), 'n\n');
    expect(() => expectRepoUnchanged(wt, s)).toThrow(/work tree:\s+\+ new\.txt/);
  });

  it('handles bare repositories (no work tree)', () => {
    const dir = makeTempDir();
    track({ cleanup: () => rmSync(dir, { recursive: true, force: true }) });
    const bare = path.join(dir, 'bare.git');
    r.git(['clone', '-q', '--bare', r.dir, bare]);
    const s = snapshotRepoState(bare);
    expect(s.worktree).toBeNull();
    expect(s.refs.length).toBeGreaterThan(0);
    const h = repoStateHash(bare);
    r.git(['--git-dir', bare, 'branch', 'x', 'main']);
    expect(repoStateHash(bare)).not.toBe(h);
  });
});

describe('fixtures', () => {
  describe('shallowClone', () => {
    let f: ShallowFixture;
    let src: RepoBuilder;
    beforeAll(() => {
      src = track(makeRepo());
      for (let i = 0; i < 10; i++) src.commit(`c${i}`, { f: `${i}\n` });
      f = track(shallowClone(src));
    });
    it('is shallow with 5 commits of history', () => {
      expect(f.repo.git(['rev-parse', '--is-shallow-repository']).trim()).toBe('true');
      expect(f.repo.git(['rev-list', '--count', 'HEAD']).trim()).toBe('5');
      expect(f.shallowRoots).toEqual([src.revParse('HEAD~4')]);
      expect(f.repo.revParse('HEAD')).toBe(src.revParse('HEAD'));
    });
  });

  for (const mode of ['deleted-loose', 'promisor'] as const) {
    describe(`partialCloneMissingBlobs (${mode})`, () => {
      let f: MissingBlobsFixture;
      beforeAll(() => {
        f = track(partialCloneMissingBlobs(undefined, { mode }));
      });
      it('really lacks the blobs', () => {
        expect(f.missingBlobs.length).toBeGreaterThan(0);
        for (const b of f.missingBlobs) expect(f.repo.tryGit(['cat-file', '-e', b]).status).not.toBe(0);
        for (const m of f.missing) {
          expect(m.paths.length).toBeGreaterThan(0);
          expect(m.commits.length).toBeGreaterThan(0);
        }
      });
      it('fails git log --numstat but not git log --raw --no-renames, and a failed read changes nothing', () => {
        const before = snapshotRepoState(f.repo.dir);
        const numstat = f.repo.tryGit(['log', '--all', '--numstat']);
        expect(numstat.status).not.toBe(0);
        expect(numstat.stderr).toMatch(/unable to read|could not fetch/);
        const raw = f.repo.tryGit(['log', '--all', '--raw', '--no-renames', '--format=%H']);
        expect(raw.status).toBe(0);
        for (const c of f.affectedCommits) expect(raw.stdout).toContain(c);
        expectRepoUnchanged(f.repo.dir, before);
      });
      if (mode === 'deleted-loose') {
        it('names the missing blobs and the commits that touch them; HEAD is intact', () => {
          expect(f.missing).toHaveLength(2);
          const c = f.commits;
          const byPath = Object.fromEntries(f.missing.map((m) => [m.paths.join(','), m.commits]));
          expect(byPath['lib/eal/log.c']).toEqual([c.logLevel, c.logDrop].sort());
          expect(byPath['lib/eal/memory.c']).toEqual([c.memoryFix, c.memoryRework].sort());
          expect(f.repo.tryGit(['status', '--porcelain'], { env: { GIT_OPTIONAL_LOCKS: '0' } }).status).toBe(0);
          expect(f.repo.tryGit(['log', '--numstat', '-1', 'HEAD']).status).toBe(0);
        });
        it('works on a copy of a given source, leaving the source whole', () => {
          const src = track(makeRepo());
          src.commit('a', { x: '1\n' });
          src.commit('b', { x: '2\n' });
          src.commit('c', { x: '3\n' });
          const g = track(partialCloneMissingBlobs(src, { count: 1 }));
          expect(g.missingBlobs).toHaveLength(1);
          expect(g.repo.tryGit(['cat-file', '-e', g.missingBlobs[0] ?? '']).status).not.toBe(0);
          expect(src.tryGit(['cat-file', '-e', g.missingBlobs[0] ?? '']).status).toBe(0);
        });
      }
    });
  }

  describe('nonUtf8Repo', () => {
    let f: NonUtf8Fixture;
    beforeAll(() => {
      f = track(nonUtf8Repo());
    });
    const raw = (rev: string): Buffer => f.repo.gitBytes(['cat-file', 'commit', rev]);
    const latin1 = (t: string): Buffer => Buffer.from(t, 'latin1');
    it('stores latin1 bytes without an encoding header', () => {
      const c = raw(f.latin1NoHeader);
      expect(c.includes(latin1('\nencoding '))).toBe(false);
      expect(c.includes(latin1(`author ${f.text.authorName} <${f.text.authorEmail}>`))).toBe(true);
      expect(c.includes(latin1(`\n\n${f.text.noHeaderSubject}\n`))).toBe(true);
      // without a header git passes the bytes through: %an is not valid UTF-8
      const an = f.repo.gitBytes(['log', '-1', '--format=%an', f.latin1NoHeader]);
      expect(an.equals(latin1(`${f.text.authorName}\n`))).toBe(true);
    });
    it('has encoding headers that git log re-encodes to UTF-8', () => {
      expect(raw(f.latin1Header).includes(latin1('\nencoding ISO-8859-1\n'))).toBe(true);
      expect(raw(f.latin1Header).includes(latin1(`\n\n${f.text.headerSubject}\n`))).toBe(true);
      expect(raw(f.latin1HeaderAuthor).includes(latin1('\nencoding ISO-8859-1\n'))).toBe(true);
      expect(f.repo.git(['log', '-1', '--format=%s', f.latin1Header]).trim()).toBe(f.text.headerSubject);
      expect(f.repo.git(['log', '-1', '--format=%an|%s', f.latin1HeaderAuthor]).trim()).toBe(`${f.text.authorName}|${f.text.headerAuthorSubject}`);
      expect(f.repo.git(['log', '-1', '--format=%an|%s', f.utf8]).trim()).toBe(`${f.text.utf8Author}|${f.text.utf8Subject}`);
    });
  });

  describe('bigCommitRepo', () => {
    let f: BigCommitFixture;
    beforeAll(() => {
      f = track(bigCommitRepo());
    });
    it('is a bare repository with one commit touching 10000 files', () => {
      expect(f.repo.bare).toBe(true);
      expect(f.repo.git(['rev-parse', '--is-bare-repository']).trim()).toBe('true');
      const names = lines(f.repo.git(['diff-tree', '--no-commit-id', '-r', '--name-only', f.big]));
      expect(names).toHaveLength(10000);
      expect(names).toContain(f.pathOf(9999));
      expect(parents(f.repo, f.after)).toEqual([f.big]);
      expect(parents(f.repo, f.big)).toEqual([f.base]);
      expect(f.repo.revParse('main')).toBe(f.after);
    });
    it('can have a work tree', () => {
      const g = track(bigCommitRepo(20, { bare: false }));
      expect(g.repo.bare).toBe(false);
      expect(existsSync(path.join(g.repo.dir, g.pathOf(19)))).toBe(true);
      expect(g.repo.git(['status', '--porcelain'], { env: { GIT_OPTIONAL_LOCKS: '0' } })).toBe('');
    });
  });

  describe('mergesRepo', () => {
    let f: MergesFixture;
    beforeAll(() => {
      f = track(mergesRepo());
    });
    it('has a 2-parent merge, a 4-parent octopus and a resolved conflict merge', () => {
      expect(parents(f.repo, f.merge)).toEqual([f.mainSide, f.topic[1]]);
      expect(parents(f.repo, f.octopus)).toHaveLength(4);
      expect(parents(f.repo, f.octopus).slice(1)).toEqual(f.octopusBranches);
      expect(parents(f.repo, f.conflictMerge)).toHaveLength(2);
      expect(f.repo.git(['show', `${f.conflictMerge}:src/main.c`])).toContain('main_0(void) { return 3; }');
    });
    it('has renames and a binary file', () => {
      expect(f.repo.git(['show', '-M', '--name-status', '--format=', f.rename]).trim()).toBe(`R100\t${f.renameFrom}\t${f.renameTo}`);
      expect(f.repo.git(['show', '-M', '--name-status', '--format=', f.renameEdit]).trim()).toMatch(/^R0[0-9]{2}\tsrc\/moved\.c\tlib\/moved\.c$/);
      expect(f.repo.git(['show', '--numstat', '--format=', f.binaryAdd]).trim()).toBe(`-\t-\t${f.binaryPath}`);
      expect(f.repo.git(['show', '--numstat', '--format=', f.binaryModify]).trim()).toBe(`-\t-\t${f.binaryPath}`);
    });
  });

  describe('markerRepo', () => {
    let f: MarkerFixture;
    beforeAll(() => {
      f = track(markerRepo());
    });
    const msg = (rev: string): string => message(f.repo, rev);
    it('has every marker form on branches named like real projects', () => {
      const { up, stable } = f;
      expect(msg(stable.upstreamCommit)).toContain(`\n\n[ Upstream commit ${up.upstreamCommit} ]\n\n`);
      expect(msg(stable.commitUpstream)).toContain(`\n\ncommit ${up.commitUpstream} upstream.\n\n`);
      expect(msg(stable.dpdk)).toContain(`\n\n[ upstream commit ${up.dpdk} ]\n\n`);
      expect(msg(stable.xen)).toMatch(new RegExp(`\nmaster commit: ${up.xen}\nmaster date: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000\n`));
      expect(msg(stable.chainA1)).toContain(`(cherry picked from commit ${up.chained})`);
      for (const [name, b] of Object.entries(f.branches)) expect(f.repo.tryRevParse(`refs/heads/${b}`), name).not.toBeNull();
    });
    it('has a chained pick with two cherry-picked lines, the last naming the intermediate pick', () => {
      const cp = lines(msg(f.stable.chainB1)).filter((l) => l.startsWith('(cherry picked from commit '));
      expect(cp).toEqual([`(cherry picked from commit ${f.up.chained})`, `(cherry picked from commit ${f.stable.chainA1})`]);
      expect(f.repo.git(['branch', '--contains', f.stable.chainA1, '--format=%(refname:short)']).trim()).toBe(f.branches.systemdA);
    });
    it('has Stable-dep-of, a patch-id-only pick and reverts', () => {
      const subj = f.repo.git(['log', '-1', '--format=%s', f.up.needsPrereq]).trim();
      expect(msg(f.stable.prereq)).toContain(`Stable-dep-of: ${f.up.needsPrereq.slice(0, 12)} ("${subj}")`);
      expect(msg(f.stable.patchIdOnly)).toBe(msg(f.up.patchIdOnly));
      expect(f.stable.patchIdOnly).not.toBe(f.up.patchIdOnly);
      expect(patchId(f.repo, f.stable.patchIdOnly)).toBe(patchId(f.repo, f.up.patchIdOnly));
      expect(msg(f.stable.revert)).toContain(`This reverts commit ${f.stable.revertedPick}.`);
      expect(msg(f.up.mainlineRevert)).toContain(`This reverts commit ${f.up.mainlineReverted}.`);
      expect(f.repo.git(['describe', '--tags', f.tags.v661]).trim()).toBe('v6.6.1');
    });
    it('leaves no sequencer state behind', () => {
      expect(f.repo.currentBranch()).toBe('master');
      for (const n of ['CHERRY_PICK_HEAD', 'REVERT_HEAD', 'MERGE_HEAD', 'sequencer']) expect(existsSync(path.join(f.repo.dir, '.git', n))).toBe(false);
      expect(f.repo.git(['status', '--porcelain'], { env: { GIT_OPTIONAL_LOCKS: '0' } })).toBe('');
    });
  });

  describe('fixesRepo', () => {
    let f: FixesFixture;
    beforeAll(() => {
      f = track(fixesRepo());
    });
    const msg = (rev: string): string => message(f.repo, rev);
    it('has an ambiguous 4-digit prefix that git rev-parse refuses', () => {
      expect(f.ambiguousA.startsWith(f.ambiguousPrefix)).toBe(true);
      expect(f.ambiguousB.startsWith(f.ambiguousPrefix)).toBe(true);
      expect(f.ambiguousA).not.toBe(f.ambiguousB);
      const r = f.repo.tryGit(['rev-parse', '--verify', `${f.ambiguousPrefix}^{commit}`]);
      expect(r.status).not.toBe(0);
      expect(f.repo.tryGit(['rev-parse', f.ambiguousPrefix]).stderr).toMatch(/ambiguous/);
      const subjectB = f.repo.git(['log', '-1', '--format=%s', f.ambiguousB]).trim();
      expect(msg(f.fixAmbiguous)).toContain(`Fixes: ${f.ambiguousPrefix} ("${subjectB}")`);
      expect(f.repo.git(['log', '-1', '--format=%s', f.ambiguousA]).trim()).not.toBe(subjectB);
    });
    it('has well-formed, short and malformed Fixes lines', () => {
      expect(msg(f.fixFull)).toContain(`Fixes: ${f.introduced.slice(0, 12)} ("foo: add foo")`);
      const short7 = f.introducedBar.slice(0, 7);
      expect(msg(f.fixShort7)).toContain(`Fixes: ${short7} ("bar: add bar queue")`);
      expect(f.repo.revParse(short7)).toBe(f.introducedBar);
      expect(msg(f.fixIssueNumber)).toContain('Fixes: #1234\n');
      expect(msg(f.fixUrl)).toContain('Fixes: https://bugs.example/1\n');
      expect(msg(f.fixNoSubject)).toContain('Fixes: commit abcdef0\n');
      expect(msg(f.fixBareSha)).toContain(`Fixes: ${f.introduced.slice(0, 12)}\n`);
      expect(msg(f.fixUnknown)).toContain(`Fixes: ${f.unknownSha} (`);
      expect(f.repo.tryRevParse(f.unknownSha)).toBeNull();
    });
    it('has the Cc: stable forms and the other trailers', () => {
      expect(msg(f.ccStableVersion)).toContain('Cc: stable@vger.kernel.org # 6.1.x\n');
      expect(msg(f.ccStableAfterRc)).toContain('Cc: <stable@vger.kernel.org> # after -rc3\n');
      expect(msg(f.ccStablePrereq)).toContain(`Cc: stable@vger.kernel.org # 3.3.x: ${f.prereq.slice(0, 7)}: prerequisite\n`);
      expect(msg(f.ccNoAutosel)).toMatch(/^Cc: stable\+noautosel@kernel\.org # \S/m);
      const keys = lines(f.repo.git(['interpret-trailers', '--parse'], { input: msg(f.manyTrailers) })).map((l) => l.split(':')[0]);
      for (const k of [
        'Reported-by',
        'Reviewed-by',
        'Tested-by',
        'Acked-by',
        'Suggested-by',
        'Co-developed-by',
        'Link',
        'Closes',
        'Message-ID',
        'Backport-to',
        'Signed-off-by',
      ]) {
        expect(keys).toContain(k);
      }
      expect(msg(f.followUpFor)).toContain(`Follow-up for: ${f.introduced}\n`);
      expect(msg(f.addresses)).toContain(`Addresses: ${f.introducedBar}\n`);
    });
  });
});
