/**
 * Blame passes over the commits a project lists in `.git-blame-ignore-revs` (a reformatting), as
 * `git blame --ignore-revs-file` does, and says so; a `blame.ignoreRevsFile` naming a missing file (a
 * common global setting) changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affectedBranches } from '../../src/analysis/affected/affected.js';
import { prerequisites, describeReason } from '../../src/analysis/deps/prerequisites.js';
import { blameRanges, parseIgnoreRevs } from '../../src/git/blame-range.js';
import { labelledShas, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { runInProcess } from '../helpers/in-process.js';
import { explainCommand } from '../../src/cli/commands/explain.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import { indexedContext, type TestContext } from '../analysis/ctx.js';

let r: RepoBuilder;
let ctx: TestContext;
const ids = labelledShas('base', 'bug', 'reformat', 'list', 'fix', 'tweak');

const file = (body: string[]): string => `${body.join('\n')}\n`;

beforeAll(async () => {
  r = makeRepo();
  ids.base = r.commit('add nat', {
    'src/nat.c': file(['int nat(int a)', '{', '  int x = 0;', '  return x;', '}', 'int other(void)', '{', '  return 0;', '}']),
  });
  ids.bug = r.commit('nat: add the shortcut', {
    'src/nat.c': file(['int nat(int a)', '{', '  int x = 0;', '  if (a) return a + 1;', '  return x;', '}', 'int other(void)', '{', '  return 0;', '}']),
  });
  r.tag('v1.0');
  r.branch('stable-1.0');
  ids.reformat = r.commit('The Great Reformatting', {
    'src/nat.c': file(['int nat(int a)', '{', '\tint x = 0;', '\tif (a) return a + 1;', '\treturn x;', '}', 'int other(void)', '{', '\treturn 0;', '}']),
  });
  ids.list = r.commit('list the reformatting for blame', { '.git-blame-ignore-revs': `# The Great Reformatting\n${ids.reformat}\n` });
  ids.fix = r.commit('nat: drop the shortcut', {
    'src/nat.c': file(['int nat(int a)', '{', '\tint x = 0;', '\treturn x;', '}', 'int other(void)', '{', '\treturn 0;', '}']),
  });
  ids.tweak = r.commit('other: fix a typo', { 'src/other.c': 'int other_fixed;\n' });
  r.tag('v1.1');
  r.checkout('stable-1.0');
  r.cherryPick(ids.tweak, { marker: 'cherry-picked' });
  r.checkout('main');
  ctx = await indexedContext(r.dir);
});
afterAll(() => {
  ctx?.close();
  r?.cleanup();
});

describe('blame and .git-blame-ignore-revs', () => {
  it('reads full ids, skipping comments and other lines', () => {
    expect(parseIgnoreRevs(`# c\n${'a'.repeat(40)} # why\n\nabc123\n${'B'.repeat(40)}\n`)).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
  });

  it('blames the line to the commit before the listed reformatting, and names what it skipped', async () => {
    const lines = await blameRanges(ctx.repo, `${ids.fix}^`, 'src/nat.c', [{ start: 4, end: 4 }]);
    expect(lines).toEqual([expect.objectContaining({ line: 4, commit: ids.bug, skipped: [ids.reformat] })]);
    const plain = await blameRanges(ctx.repo, `${ids.fix}^`, 'src/nat.c', [{ start: 4, end: 4 }], [], { ignoreRevs: false });
    expect(plain[0]?.commit).toBe(ids.reformat);
  });

  it('affected: the bug came with the shortcut, so stable-1.0 holds it; the reformatting was passed over', async () => {
    const a = await affectedBranches(ctx, ids.fix);
    expect(a.introducers.map((i) => i.sha)).toEqual([ids.bug]);
    expect(a.blameSkipped).toEqual([{ sha: ids.reformat, subject: 'The Great Reformatting', lines: ['src/nat.c:4'] }]);
    expect(a.branches).toEqual([expect.objectContaining({ branch: 'stable-1.0', status: 'affected' })]);
  });

  it('prerequisites: the reformatting is not a prerequisite of the fix', async () => {
    const p = await prerequisites(ctx, ids.fix, 'stable-1.0', { series: false, symbols: false });
    expect(p.prerequisites.map((x) => x.sha)).not.toContain(ids.reformat);
    expect(describeReason({ kind: 'blame', lines: [{ path: 'a.c', line: 4, use: 'removed', blamed: ids.bug, skipped: [ids.reformat] }] })).toContain(
      `passed over ${ids.reformat.slice(0, 12)}`,
    );
  });

  it('the written case says which ignored commit blame passed over', async () => {
    await runInProcess(trainCommand, ['train', '--repo', r.dir, '--db', ctx.dbPath]);
    const md = await runInProcess(explainCommand, ['explain', ids.fix, '--branch', 'stable-1.0', '--no-apply', '--repo', r.dir, '--db', ctx.dbPath]);
    expect(md).toContain(`Blame passed over ${ids.reformat.slice(0, 12)} ("The Great Reformatting"), listed in .git-blame-ignore-revs, for src/nat.c:4.`);
  });

  it('a blame.ignoreRevsFile naming a missing file changes nothing (git itself would stop)', async () => {
    r.git(['config', 'blame.ignoreRevsFile', '.no-such-file']);
    try {
      const a = await affectedBranches(ctx, ids.fix);
      expect(a.introducers.map((i) => i.sha)).toEqual([ids.bug]);
    } finally {
      r.git(['config', '--unset', 'blame.ignoreRevsFile']);
    }
  });
});
