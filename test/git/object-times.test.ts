/**
 * A trial pick or a `git am` check that makes git write an object the repository already has must not
 * leave git's "freshening" behind: the times of every object file, in the repository and in the one a
 * `git clone --shared` borrows from, are as they were (issue 15, item 8).
 */
import { readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amCheck } from '../../src/git/am-check.js';
import { objectDirsWithAlternates } from '../../src/git/object-times.js';
import { TrialPickSession } from '../../src/git/trial-pick.js';
import { makeRepo, runGitSync, type RepoBuilder } from '../helpers/repo-builder.js';
import { repoStateHash } from '../helpers/repo-state.js';

let origin: RepoBuilder;
let borrower = '';
let fix = '';

/** Every object file under an object directory, with its modification time in nanoseconds. */
function objectTimes(objectDir: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name !== 'alternates') out.set(path.relative(objectDir, p), statSync(p, { bigint: true }).mtimeNs);
    }
  };
  walk(objectDir);
  return out;
}

/** Sets every object file's times to 2020-01-01, so that any freshening shows. */
function ageObjects(objectDir: string): void {
  const t = Date.UTC(2020, 0, 1) / 1000;
  for (const rel of objectTimes(objectDir).keys()) utimesSync(path.join(objectDir, rel), t, t);
}

beforeAll(() => {
  origin = makeRepo();
  origin.commit('add a', { 'a.c': 'int a;\nint b;\n' });
  origin.branch('old');
  origin.branch('stable');
  fix = origin.commit('a: fix b', { 'a.c': 'int a;\nint b = 1;\n' });
  origin.checkout('stable');
  origin.cherryPick(fix, { marker: 'cherry-picked' });
  origin.checkout('main');
  // Half of the objects packed, half loose: git freshens both kinds.
  origin.git(['repack', '-q']);
  origin.commit('b: another', { 'b.c': 'int c;\n' });
  borrower = path.join(path.dirname(origin.dir), `${path.basename(origin.dir)}-shared`);
  runGitSync(path.dirname(origin.dir), ['clone', '-q', '--shared', '--no-checkout', origin.dir, borrower]);
  for (const b of ['old', 'stable']) runGitSync(borrower, ['branch', '-q', b, `origin/${b}`]);
});

afterAll(() => {
  origin?.cleanup();
  if (borrower) rmSync(borrower, { recursive: true, force: true });
});

describe('object times', () => {
  it('follows alternates from a shared clone to its origin', () => {
    const dirs = objectDirsWithAlternates(path.join(borrower, '.git', 'objects'));
    expect(dirs).toEqual([path.join(borrower, '.git', 'objects'), path.join(origin.dir, '.git', 'objects')]);
  });

  it('a trial pick whose result the branch already has leaves the borrowed objects untouched', async () => {
    const originObjects = path.join(origin.dir, '.git', 'objects');
    ageObjects(originObjects);
    const before = objectTimes(originObjects);
    const state = repoStateHash(origin.dir);
    const session = await TrialPickSession.open({ gitDir: path.join(borrower, '.git') });
    let tree = '';
    try {
      const c = await session.readCommit(fix);
      const onto = (await session.readCommit(runGitSync(borrower, ['rev-parse', 'stable']).trim())).tree;
      const m = await session.pick(c, onto);
      tree = m.merge.tree ?? '';
      expect(tree).toBe(onto); // git wrote the branch's own tree again: the case that freshens
    } finally {
      session.close();
    }
    expect(objectTimes(originObjects)).toEqual(before);
    expect(repoStateHash(origin.dir)).toBe(state);
  });

  it('git am of a pick onto a branch leaves the times of objects it wrote again alone', async () => {
    const originObjects = path.join(origin.dir, '.git', 'objects');
    const ownObjects = path.join(borrower, '.git', 'objects');
    ageObjects(originObjects);
    ageObjects(ownObjects);
    const before = [objectTimes(originObjects), objectTimes(ownObjects)];
    const mbox = runGitSync(origin.dir, ['format-patch', '--stdout', `${fix}^..${fix}`]);
    const res = await amCheck({ gitDir: path.join(borrower, '.git') }, 'old', mbox);
    expect(res.ok).toBe(true);
    expect([objectTimes(originObjects), objectTimes(ownObjects)]).toEqual(before);
  });
});
