/**
 * A very large hunk (a generated table, a vendored file) must not overflow the stack: the line lists of
 * a 200,000-line hunk were spread into `push(...)`, which throws "Maximum call stack size exceeded".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { touched } from '../../src/analysis/code/touched.js';
import { openRepository, type Repository } from '../../src/git/repo.js';
import { makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

const LINES = 200_000;

let r: RepoBuilder;
let repo: Repository;
let big: string;
beforeAll(async () => {
  r = makeRepo();
  r.commit('add a small file', { 'table.c': 'int small;\n' });
  const body: string[] = ['static const int table[] = {'];
  for (let i = 0; i < LINES - 2; i++) body.push(`\t${i},`);
  body.push('};');
  big = r.commit('table: generate the whole table', { 'table.c': body.join('\n') + '\n', 'table.txt': body.join('\n') + '\n' });
  repo = await openRepository(r.dir);
}, 120_000);
afterAll(() => r.cleanup());

describe('touched on a 200,000-line hunk', () => {
  it('maps every line without overflowing the stack', async () => {
    const before = snapshotRepoState(r.dir);
    const res = await touched(repo, big);
    const c = res.files.find((f) => f.path === 'table.c');
    expect(c).toMatchObject({ linesAdded: LINES, linesRemoved: 1 });
    const txt = res.files.find((f) => f.path === 'table.txt');
    expect(txt).toMatchObject({ linesAdded: LINES, linesRemoved: 0 });
    const table = res.items.find((i) => i.name === 'table');
    expect(table?.linesAdded).toBe(LINES);
    expectRepoUnchanged(r.dir, before);
  }, 120_000);
});
