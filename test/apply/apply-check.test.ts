import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyChecker } from '../../src/analysis/apply/apply-check.js';
import type { ApplyCache, ApplyResult } from '../../src/analysis/apply/types.js';
import { patchIdsOfTexts } from '../../src/git/patch-id.js';
import { openRepository } from '../../src/git/repo.js';
import { formatPatch } from '../../src/git/format-patch.js';
import { labelledShas, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { repoStateHash } from '../helpers/repo-state.js';

const lines = (n: number, tag: string, from = 1): string => Array.from({ length: n }, (_, i) => `${tag} line ${i + from}`).join('\n') + '\n';

function replaceLine(text: string, lineNo: number, repl: string): string {
  const a = text.split('\n');
  a[lineNo - 1] = repl;
  return a.join('\n');
}

/** The upstream and stable commits of the world, by label. */
const LABELS = [
  'clean',
  'prereq',
  'needsPrereq',
  'renamed',
  'modDel',
  'binary',
  'binaryConflict',
  'backported',
  'dup',
  'emptyCommit',
  'q1',
  'q2',
  'offsetLater',
  'adaptedUp',
  'stableShift',
  'stableRename',
  'stableDelete',
  'stableIcon',
  'stableG',
  'stableBackport',
  'stableDup',
  'stableAdapted',
] as const;

/**
 * One repository with every situation. main: base -> ... upstream commits; stable: forked at base,
 * with its own backports and changes. The clone is where real `git cherry-pick`s run.
 */
interface World {
  repo: RepoBuilder;
  clone: RepoBuilder;
  base: string;
  stableTip: string;
  c: Record<(typeof LABELS)[number], string>;
}

function build(): World {
  const repo = makeRepo({ prefix: 'sp-apply-', identity: 'Test Author <author@example.org>' });
  const c = labelledShas(...LABELS);
  const f = lines(40, 'f');
  const base = repo.commit('base', {
    'src/f.c': f,
    'src/g.c': lines(30, 'g'),
    'src/h.c': lines(30, 'h'),
    'src/old.c': lines(30, 'old'),
    'src/gone.c': lines(20, 'gone'),
    'img/logo.bin': Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 7]),
    'img/icon.bin': Buffer.from([0, 9, 9, 9, 0, 1]),
    'src/dup.c': lines(20, 'dup'),
    'src/k.c': lines(20, 'k'),
  });

  // ---- upstream (main)
  c.clean = repo.commit('f: fix line 30', { 'src/f.c': replaceLine(f, 30, 'f line 30 fixed') });
  c.prereq = repo.commit('g: rework line 10', { 'src/g.c': replaceLine(lines(30, 'g'), 10, 'g line 10 prereq') });
  c.needsPrereq = repo.commit('g: fix line 11 next to the rework', {
    'src/g.c': replaceLine(replaceLine(lines(30, 'g'), 10, 'g line 10 prereq'), 11, 'g line 11 needs prereq'),
  });
  c.renamed = repo.commit('old: fix line 5', { 'src/old.c': replaceLine(lines(30, 'old'), 5, 'old line 5 fixed') });
  c.modDel = repo.commit('gone: fix line 3', { 'src/gone.c': replaceLine(lines(20, 'gone'), 3, 'gone line 3 fixed') });
  c.binary = repo.commit('img: new logo', { 'img/logo.bin': Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 8, 8]) });
  c.binaryConflict = repo.commit('img: new icon', { 'img/icon.bin': Buffer.from([0, 7, 7, 7, 0, 1]) });
  c.backported = repo.commit('h: fix line 20', { 'src/h.c': replaceLine(lines(30, 'h'), 20, 'h line 20 fixed') });
  c.dup = repo.commit('dup: fix line 7', { 'src/dup.c': replaceLine(lines(20, 'dup'), 7, 'dup line 7 fixed') });
  c.emptyCommit = repo.commit('nothing at all');
  // A queue: q1 adds a function, q2 changes it.
  c.q1 = repo.commit('q: add q()', { 'src/q.c': 'int q(void)\n{\n\treturn 1;\n}\n' });
  c.q2 = repo.commit('q: return 2', { 'src/q.c': 'int q(void)\n{\n\treturn 2;\n}\n' });
  c.offsetLater = repo.commit('h: change line 2', {
    'src/h.c': replaceLine(replaceLine(lines(30, 'h'), 20, 'h line 20 fixed'), 2, 'h line 2 changed upstream'),
  });
  c.adaptedUp = repo.commit('k: fix line 9', { 'src/k.c': replaceLine(lines(20, 'k'), 9, 'k line 9 fixed upstream') });

  // ---- stable
  repo.branch('stable', { at: base, checkout: true });
  c.stableShift = repo.commit('f: stable-only header', { 'src/f.c': lines(5, 'stable-only') + f }); // moves every line of f.c down by 5
  repo.rename('src/old.c', 'src/new.c');
  c.stableRename = repo.commit('old: rename to new.c');
  c.stableDelete = repo.commit('gone: remove', { 'src/gone.c': null });
  c.stableIcon = repo.commit('img: stable icon', { 'img/icon.bin': Buffer.from([0, 5, 5, 5, 0, 1]) });
  c.stableG = repo.commit(
    'g: stable fix',
    { 'src/g.c': replaceLine(lines(30, 'g'), 11, 'g line 11 stable variant') },
    {
      body: `(cherry picked from commit ${'ab12cd34ef'.padEnd(40, '0')})`,
    },
  );
  // The backport of c.backported, as git cherry-pick -x writes it.
  c.stableBackport = repo.cherryPick(c.backported, { marker: 'cherry-picked' });
  // dup's fix made by a bigger stable-only commit (another patch-id, no marker).
  c.stableDup = repo.commit('dup: several fixes', { 'src/dup.c': replaceLine(replaceLine(lines(20, 'dup'), 7, 'dup line 7 fixed'), 15, 'dup line 15 too') });
  // An adapted backport of c.adaptedUp, DPDK style: picking it again would conflict.
  c.stableAdapted = repo.commit(
    'k: fix line 9',
    { 'src/k.c': replaceLine(lines(20, 'k'), 9, 'k line 9 fixed the 1.x way') },
    {
      body: `[ upstream commit: ${c.adaptedUp} ]`,
    },
  );
  const stableTip = repo.revParse('HEAD');
  repo.checkout('main');
  return { repo, clone: repo.clone({ prefix: 'sp-apply-clone-', identity: 'Test Picker <picker@example.org>' }), base, stableTip, c };
}

let w: World;
let checker: ApplyChecker;
let stateBefore: string;

beforeAll(async () => {
  w = build();
  stateBefore = repoStateHash(w.repo.dir, { mtimes: true });
  checker = await ApplyChecker.open(await openRepository(w.repo.dir));
});

afterAll(() => {
  checker?.close();
  w?.repo.cleanup();
  w?.clone.cleanup();
});

async function check(name: (typeof LABELS)[number], onto = 'stable'): Promise<ApplyResult> {
  return checker.check(w.c[name], onto);
}

/** The adapted patch must be what format-patch prints for a real cherry-pick, apart from the From line. */
function expectSameAsRealPick(r: ApplyResult): void {
  const real = w.clone.cherryPickOnto(r.tip, r.sha);
  expect(real.tree).toBe(r.resultTree);
  if (real.commit && r.patch) {
    const realPatch = w.clone.git(['format-patch', '-1', '--stdout', '--full-index', real.commit]);
    expect(r.patch.replace(/^From \S+/, 'From X')).toBe(realPatch.replace(/^From \S+/, 'From X'));
  }
}

describe('trial cherry-pick', () => {
  it('clean: applies as is, same tree and patch as git cherry-pick', async () => {
    const r = await check('clean', w.base);
    expect(r.result).toBe('clean');
    expect(r.tip).toBe(w.base);
    expect(r.patch).toMatch(
      /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001\nFrom: Test Author <author@example.org>\nDate: .*\nSubject: \[PATCH\] f: fix line 30\n/,
    );
    expect(r.patch).toContain('-f line 30\n+f line 30 fixed\n');
    expect(r.patch?.startsWith(`From ${r.sha} `)).toBe(true);
    expect(r.adaptation?.identicalChange).toBe(true);
    expectSameAsRealPick(r);
  });

  it('clean-with-offset: the hunk moved, the adapted patch has the branch lines', async () => {
    const r = await check('clean');
    expect(r.result).toBe('clean-with-offset');
    expect(r.adaptation?.identicalChange).toBe(true);
    expect(r.adaptation?.shiftedHunks).toEqual([{ path: 'src/f.c', upstreamLine: 27, branchLine: 32, offset: 5 }]);
    expect(r.patch).toContain('@@ -32,7 +32,7 @@');
    expectSameAsRealPick(r);
    // Same change, so the same patch-id as upstream's.
    const up = await formatPatch(checker.target, r.sha);
    const [a, b] = await patchIdsOfTexts(checker.target, [up, r.patch ?? '']);
    expect(a).toBeTruthy();
    expect(a).toBe(b);
  });

  it('rename: follows the branch rename like git cherry-pick', async () => {
    const r = await check('renamed');
    expect(['clean', 'clean-with-offset']).toContain(r.result);
    expect(r.patch).toContain('diff --git a/src/new.c b/src/new.c');
    expect(r.adaptation?.movedFiles).toEqual([{ upstream: 'src/old.c', branch: 'src/new.c' }]);
    expectSameAsRealPick(r);
  });

  it('conflict: names the hunk, the branch commit that touched it and the missing upstream prerequisite', async () => {
    const r = await check('needsPrereq');
    expect(r.result).toBe('conflict');
    expect(r.patch).toBeNull();
    expect(w.clone.cherryPickOnto(r.tip, r.sha).tree).toBeNull();
    expect(r.conflicts).toHaveLength(1);
    const f = r.conflicts[0];
    expect(f?.path).toBe('src/g.c');
    expect(f?.kinds).toEqual(['content']);
    expect(f?.hunks).toHaveLength(1);
    expect(f?.hunks[0]?.branch).toEqual({ start: 10, count: 2 });
    expect(f?.hunks[0]?.upstream).toEqual({ start: 10, count: 2 });
    expect(f?.hunks[0]?.text).toContain('g line 11 stable variant');
    expect(r.branchCommits.map((b) => b.sha)).toEqual([w.c.stableG]);
    expect(r.branchCommits[0]?.upstream).toBe('ab12cd34ef'.padEnd(40, '0'));
    expect(r.branchCommits[0]?.where).toEqual([{ path: 'src/g.c', lines: [11] }]);
    expect(r.prerequisites.map((p) => p.sha)).toEqual([w.c.prereq]);
    expect(r.prerequisites[0]?.where).toEqual([{ path: 'src/g.c', lines: [10] }]);
  });

  it('delete/modify: the branch deleted the file', async () => {
    const r = await check('modDel');
    expect(r.result).toBe('conflict');
    expect(w.clone.cherryPickOnto(r.tip, r.sha).tree).toBeNull();
    expect(r.conflicts.map((f) => [f.path, f.kinds])).toEqual([['src/gone.c', ['modify/delete']]]);
    expect(r.conflicts[0]?.ours).toBeNull();
    expect(r.conflicts[0]?.theirs).toBeTruthy();
    expect(r.branchCommits.map((b) => b.sha)).toEqual([w.c.stableDelete]);
  });

  it('binary: a clean binary change carries a binary patch', async () => {
    const r = await check('binary');
    expect(r.result).toBe('clean');
    expect(r.patch).toContain('GIT binary patch');
    expectSameAsRealPick(r);
  });

  it('binary: both sides changed the file', async () => {
    const r = await check('binaryConflict');
    expect(r.result).toBe('conflict');
    expect(w.clone.cherryPickOnto(r.tip, r.sha).tree).toBeNull();
    expect(r.conflicts[0]?.path).toBe('img/icon.bin');
    expect(r.conflicts[0]?.hunks).toEqual([]);
    expect(r.branchCommits.map((b) => b.sha)).toEqual([w.c.stableIcon]);
  });

  it('already applied: the branch has a cherry-pick -x of it', async () => {
    const r = await check('backported');
    expect(r.result).toBe('already-applied');
    expect(r.appliedAs).toBe(w.c.stableBackport);
    expect(r.patch).toBeNull();
  });

  it('already applied: the branch has an adapted backport (a re-pick would conflict)', async () => {
    const r = await check('adaptedUp');
    expect(r.result).toBe('already-applied');
    expect(r.appliedAs).toBe(w.c.stableAdapted);
    expect(r.conflicts.map((f) => f.path)).toEqual(['src/k.c']);
    expect(w.clone.cherryPickOnto(r.tip, r.sha).tree).toBeNull();
  });

  it('already applied: the commit is in the branch history', async () => {
    const r = await checker.check(w.c.clean, 'main');
    expect(r.result).toBe('already-applied');
    expect(r.appliedAs).toBe(w.c.clean);
  });

  it('empty after apply: another branch commit made the same change', async () => {
    const r = await check('dup');
    expect(r.result).toBe('empty');
    expect(r.appliedAs).toBeNull();
    expect(r.resultTree).toBe(w.repo.revParse('stable^{tree}'));
  });

  it('empty: the commit itself changes nothing', async () => {
    const r = await check('emptyCommit');
    expect(r.result).toBe('empty');
  });

  it('accepts any commit as the tip', async () => {
    const r = await checker.check(w.c.clean, w.c.stableShift);
    expect(r.tip).toBe(w.c.stableShift);
    expect(r.result).toBe('clean-with-offset');
  });
});

describe('batches', () => {
  it('checkMany answers as one check per pick does, in order', async () => {
    const names = ['clean', 'renamed', 'needsPrereq', 'modDel', 'binary', 'backported', 'dup', 'emptyCommit', 'q1'] as const;
    const tip = w.repo.revParse('stable');
    const many = await checker.checkMany(names.map((n) => ({ sha: w.c[n], tip, branch: 'stable' })));
    const one: ApplyResult[] = [];
    for (const n of names) one.push(await check(n));
    expect(many).toEqual(one);
  });

  it('removes its private object directory on close', async () => {
    const c = await ApplyChecker.open(await openRepository(w.repo.dir));
    const dir = (c.target.env ?? {}).GIT_OBJECT_DIRECTORY ?? '';
    expect(dir).toContain('stablepick-objects-');
    await c.check(w.c.clean, 'stable');
    expect(existsSync(dir)).toBe(true);
    c.close();
    expect(existsSync(dir)).toBe(false);
  });
});

describe('queues', () => {
  it('a member that applies only after the previous one', async () => {
    const alone = await check('q2');
    expect(alone.result).toBe('conflict');
    expect(alone.conflicts[0]?.kinds).toContain('modify/delete');
    const q = await checker.queue([w.c.q1, w.c.q2], 'stable');
    expect(q.firstFailure).toBeNull();
    expect(q.members.map((m) => m.result)).toEqual(['clean', 'clean']);
    expect(q.members[1]?.onto).not.toBe(w.stableTip);
    expect(q.members[1]?.patch).toContain('-\treturn 1;\n+\treturn 2;\n');
    // The final tree is what two real cherry-picks give.
    w.clone.cherryPickOnto(w.stableTip, w.c.q1);
    expect(q.resultTree).toBe(w.clone.cherryPickOnto(w.clone.revParse('HEAD'), w.c.q2).tree);
  });

  it('reports the first failure and stops', async () => {
    const q = await checker.queue([w.c.clean, w.c.q2, w.c.q1], 'stable');
    expect(q.members.map((m) => m.result)).toEqual(['clean-with-offset', 'conflict']);
    expect(q.firstFailure).toEqual({ index: 1, sha: w.c.q2 });
  });

  it('a member already applied by an earlier one', async () => {
    const q = await checker.queue([w.c.q1, w.c.q1], 'stable');
    expect(q.members.map((m) => m.result)).toEqual(['clean', 'already-applied']);
    expect(q.members[1]?.appliedAs).toBe(w.c.q1);
  });

  it('a conflict with a queue member names the member', async () => {
    // q1 then a change of q.c that conflicts with q1's content: blame points at the synthetic q1 commit.
    w.repo.branch('side', { at: w.c.q1, checkout: true });
    const side = w.repo.commit('q: return 3', { 'src/q.c': 'int q(void)\n{\n\treturn 3;\n}\n' });
    w.repo.checkout('main');
    const q = await checker.queue([w.c.q1, w.c.q2, side], 'stable');
    expect(q.firstFailure?.index).toBe(2);
    const last = q.members[2];
    expect(last?.branchCommits.map((b) => b.queueMember)).toEqual([w.c.q2]);
    stateBefore = repoStateHash(w.repo.dir, { mtimes: true }); // this test changed the repository on purpose
  });
});

describe('cache hook', () => {
  it('asks the cache first and stores results keyed by (commit, tip)', async () => {
    const store = new Map<string, ApplyResult>();
    const cache: ApplyCache = {
      get: (sha, tip) => store.get(`${sha} ${tip}`),
      put: (r) => {
        store.set(`${r.sha} ${r.tip}`, r);
      },
    };
    const c2 = await ApplyChecker.open(await openRepository(w.repo.dir), { cache });
    try {
      const r1 = await c2.check(w.c.clean, 'stable');
      expect(store.size).toBe(1);
      const fake = { ...r1, reason: 'from the cache' };
      store.set(`${r1.sha} ${r1.tip}`, fake);
      const r2 = await c2.check(w.c.clean, 'stable');
      expect(r2.reason).toBe('from the cache');
      expect(JSON.parse(JSON.stringify(r1))).toEqual(r1);
    } finally {
      c2.close();
    }
  });
});

describe('the user repository', () => {
  it('is untouched by every trial pick (refs, HEAD, index, work tree, objects)', async () => {
    const before = repoStateHash(w.repo.dir, { mtimes: true });
    const c3 = await ApplyChecker.open(await openRepository(w.repo.dir));
    try {
      for (const name of LABELS) {
        try {
          await c3.check(w.c[name], 'stable');
        } catch {
          /* merge commits etc. are refused; irrelevant here */
        }
      }
      await c3.queue([w.c.q1, w.c.q2], 'stable');
    } finally {
      c3.close();
    }
    expect(repoStateHash(w.repo.dir, { mtimes: true })).toBe(before);
    expect(stateBefore).toBe(before);
  });
});
