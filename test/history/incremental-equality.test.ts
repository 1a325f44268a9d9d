/**
 * An incremental index equals a clean one, whatever order refs arrived in (issue 15 item 1): a stable
 * branch fetched before the mainline commits it picks (two remotes fetched in turn), a release tag that
 * arrives late, a tag that moves. Each order is replayed on a mirror of one built repository, indexed
 * after each step, and the last index is compared with a clean index of the full mirror, row for row
 * with row ids replaced by shas (test/helpers/index-digest.ts, 'logical').
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledShas, makeRepo, type RepoBuilder, runGitSync as gitSync } from '../helpers/repo-builder.js';
import { digestDifferences, indexDigest } from '../helpers/index-digest.js';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { openRepository } from '../../src/git/repo.js';
import { openDb } from '../../src/history/db.js';
import { indexRepository } from '../../src/history/indexer.js';

const ANN = 'Ann Dev <ann@example.org>';
let r: RepoBuilder;
let tmp: string;
let main: string;
let clean: Map<string, string>;
const sha = labelledShas('f1', 'f2', 'f3', 'f4');
const allRefs: [string, string][] = [];

const body = (n: number): string => Array.from({ length: 8 }, (_, i) => `line ${i} of ${n};`).join('\n') + '\n';

beforeAll(async () => {
  r = makeRepo();
  main = r.currentBranch()!;
  r.commit('initial', { 'a.c': body(1), 'b.c': body(2), 'c.c': body(3), 'd.c': body(4) });
  r.tag('v1.0');
  r.branch('stable-1.0');
  sha.f1 = r.commit('a: fix one', { 'a.c': body(1).replace('line 2', 'LINE 2') }, { author: ANN });
  sha.f2 = r.commit('b: fix two', { 'b.c': body(2).replace('line 3', 'LINE 3') }, { author: ANN });
  r.tag('v1.1');
  sha.f3 = r.commit('c: fix three', { 'c.c': body(3).replace('line 4', 'LINE 4') }, { author: ANN });
  sha.f4 = r.commit('d: fix four', { 'd.c': body(4).replace('line 5', 'LINE 5') }, { author: ANN });
  r.tag('v1.2');
  r.checkout('stable-1.0');
  r.cherryPick(sha.f1, { marker: 'cherry-picked' });
  r.cherryPick(sha.f2, { marker: 'none' }); // matched by patch-id
  r.cherryPick(sha.f3, { marker: 'upstream-commit' });
  r.commit('[1.0] d: Fix Four', { 'd.c': body(4).replace('line 5', 'LINE 5') }, { author: ANN }); // by normalised subject + patch-id
  r.tag('v1.0.1');
  r.checkout(main);
  for (const line of r.git(['for-each-ref', '--format=%(refname) %(objectname)']).trim().split('\n')) {
    const [name, obj] = line.split(' ');
    allRefs.push([name!, obj!]);
  }
  tmp = mkdtempSync(path.join(tmpdir(), 'stablepick-incr-'));
  const c = mirror('clean');
  clean = await indexAt(c, 'clean');
});

afterAll(() => {
  r?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function mirror(name: string): string {
  const dir = path.join(tmp, `${name}.git`);
  gitSync(tmp, ['clone', '-q', '--mirror', r.dir, dir]);
  return dir;
}

async function indexAt(dir: string, db: string): Promise<Map<string, string>> {
  const file = path.join(tmp, `${db}.sqlite`);
  const h = openDb(file);
  try {
    await indexRepository(await openRepository(dir), h, { conventions: DEFAULT_CONVENTIONS });
  } finally {
    h.close();
  }
  return indexDigest(file, 'logical');
}

/** Sets refs of a mirror: each [ref, commit] (null deletes it). */
function setRefs(dir: string, refs: readonly [string, string | null][]): void {
  for (const [ref, to] of refs) {
    if (to === null) gitSync(dir, ['update-ref', '-d', ref]);
    else gitSync(dir, ['update-ref', ref, to]);
  }
}

const restoreAll = (): [string, string | null][] => allRefs.map(([n, o]) => [n, o]);

/** Replays `steps` (ref changes) on a fresh mirror, indexing after each; returns the last index's differences from the clean one. */
async function replay(name: string, steps: readonly (readonly [string, string | null][])[]): Promise<string[]> {
  const dir = mirror(name);
  let last = new Map<string, string>();
  for (const s of steps) {
    setRefs(dir, s);
    last = await indexAt(dir, name);
  }
  return digestDifferences(clean, last);
}

describe('an incremental index equals a clean one', () => {
  it('has picks and first releases to compare', () => {
    expect(clean.get('picks of stable-1.0')).toBe('4');
  });

  it('when the stable branch arrives before the mainline commits it picks (two remotes)', async () => {
    const diff = await replay('two-remotes', [
      [
        [`refs/heads/${main}`, r.revParse('v1.0')],
        ['refs/tags/v1.1', null],
        ['refs/tags/v1.2', null],
      ],
      restoreAll(),
    ]);
    expect(diff).toEqual([]);
  });

  it('when mainline arrives in two fetches after the stable branch', async () => {
    const diff = await replay('three-steps', [
      [
        [`refs/heads/${main}`, r.revParse('v1.0')],
        ['refs/tags/v1.1', null],
        ['refs/tags/v1.2', null],
      ],
      [[`refs/heads/${main}`, sha.f2]],
      restoreAll(),
    ]);
    expect(diff).toEqual([]);
  });

  it('when a release tag arrives late', async () => {
    const diff = await replay('late-tag', [[['refs/tags/v1.1', null]], restoreAll()]);
    expect(diff).toEqual([]);
  });

  it('when a release tag moves', async () => {
    const diff = await replay('moved-tag', [[['refs/tags/v1.1', sha.f1]], restoreAll()]);
    expect(diff).toEqual([]);
  });

  it('when the stable branch arrives last', async () => {
    const diff = await replay('branch-last', [
      [
        ['refs/heads/stable-1.0', null],
        ['refs/tags/v1.0.1', null],
      ],
      restoreAll(),
    ]);
    expect(diff).toEqual([]);
  });
});
