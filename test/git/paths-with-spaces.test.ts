/** File names with spaces, quotes and tabs: read whole, never split on spaces (issue 15 item 2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { depsCommand } from '../../src/cli/commands/deps.js';
import { CatFileBatch } from '../../src/git/cat-file-batch.js';
import { commitDiff } from '../../src/git/diff.js';
import { unquoteGitPath } from '../../src/git/quoted-path.js';
import { runInProcess } from '../helpers/in-process.js';
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { indexedContext, type TestContext } from '../analysis/ctx.js';

let r: RepoBuilder;
let ctx: TestContext;
let fix: string;
let odd: string;
let fixNew: string;

beforeAll(async () => {
  r = makeRepo();
  r.commit('add files', { 'src/my file.c': 'int a;\nint b;\nint c;\n', 'src/plain.c': 'int p;\n' });
  r.tag('v1.0');
  r.branch('stable-1.0');
  fix = r.commit('my file: fix b', { 'src/my file.c': 'int a;\nint b = 1;\nint c;\n' });
  odd = r.commit('odd names', { 'src/tab\tname "q".c': 'int t;\n', 'src/new file.c': 'int n;\n' });
  fixNew = r.commit('new file: fix n', { 'src/new file.c': 'int n = 1;\n' });
  ctx = await indexedContext(r.dir);
});
afterAll(() => {
  ctx?.close();
  r?.cleanup();
});

describe('paths with spaces', () => {
  it('cat-file --batch answers "missing" for a name with spaces, and keeps answering', async () => {
    const b = CatFileBatch.open(ctx.repo);
    try {
      expect(await b.read(`${fix}:src/no such file.c`)).toBeNull();
      const o = await b.read(`${fix}:src/my file.c`);
      expect(o?.data.toString('utf8')).toBe('int a;\nint b = 1;\nint c;\n');
      expect(await b.read(`${fix}^:src/new file.c`)).toBeNull();
    } finally {
      b.close();
    }
  });

  it('the diff names the files exactly, quoted or not', async () => {
    const d = await commitDiff(ctx.repo, odd);
    expect(d.files.map((f) => f.newPath).sort()).toEqual(['src/new file.c', 'src/tab\tname "q".c']);
    expect(unquoteGitPath('"a\\303\\251\\t\\"b\\\\"')).toBe('aé\t"b\\');
  });

  it('deps works on a commit that changes a file with a space in its name', async () => {
    const out = await runInProcess(depsCommand, ['deps', fix, '--branch', 'stable-1.0', '--json', '--repo', r.dir, '--db', ctx.dbPath]);
    const q = JSON.parse(out) as { queue: { sha: string }[] };
    expect(q.queue.map((m) => m.sha)).toContain(fix);
    // A file the branch does not have: every look-up of it answers "missing".
    const q2 = JSON.parse(await runInProcess(depsCommand, ['deps', fixNew, '--branch', 'stable-1.0', '--json', '--repo', r.dir, '--db', ctx.dbPath])) as {
      queue: { sha: string }[];
    };
    expect(q2.queue.map((m) => m.sha)).toContain(fixNew);
  });
});
