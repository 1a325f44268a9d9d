/**
 * The holding model (src/history/holdings.ts): how a stable branch's own commit is matched to the
 * mainline commit it carries, when the marker names a commit the index lacks, when one commit squashes
 * two picks, when the branch changed the subject, and a revert that must not count as what it reverts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledShas, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { indexedContext, type TestContext } from '../analysis/ctx.js';
import { holdingSubject, readPicks } from '../../src/history/holdings.js';
import { branchState } from '../../src/analysis/fixes/branch-state.js';
import { parseJson, runCli } from '../helpers/cli.js';

const ANN = 'Ann Dev <ann@example.org>';
const UNKNOWN = '0123456789abcdef0123456789abcdef01234567';
const lines = (name: string, n: number, change: Record<number, string> = {}): string =>
  Array.from({ length: n }, (_, i) => change[i] ?? `${name} line ${i} of the original file;`).join('\n') + '\n';

let r: RepoBuilder;
let ctx: TestContext;
const sha = labelledShas('a', 'b', 'c', 'd', 'e', 'f', 'pickA', 'squash', 'pickD', 'pickE', 'revF');

beforeAll(async () => {
  r = makeRepo();
  const files: Record<string, string> = {};
  for (const f of ['a', 'b', 'c', 'd', 'e', 'f']) files[`src/${f}.c`] = lines(f, 12);
  r.commit('initial', files);
  r.tag('v1.0');
  const main = r.currentBranch()!;
  r.branch('stable-1.0');
  sha.a = r.commit('ssl: check the peer id', { 'src/a.c': lines('a', 12, { 5: 'if (peer_id > MAX) return -1;' }) }, { author: ANN });
  sha.b = r.commit('net: fix b', { 'src/b.c': lines('b', 12, { 3: 'b fixed;' }) }, { author: ANN });
  sha.c = r.commit('net: fix c', { 'src/c.c': lines('c', 12, { 7: 'c fixed;' }) }, { author: ANN });
  sha.d = r.commit('net: fix queue init', { 'src/d.c': lines('d', 12, { 2: 'd fixed;' }) }, { author: ANN });
  sha.e = r.commit('net: fix the other thing', { 'src/e.c': lines('e', 12, { 2: 'e two fixed;', 4: 'e four fixed;', 8: 'e eight fixed;' }) }, { author: ANN });
  sha.f = r.commit('net: fix f', { 'src/f.c': lines('f', 12, { 6: 'f fixed;' }) }, { author: ANN });
  r.checkout('stable-1.0');
  // A security fix backported from a private repository: its marker names a commit nobody has.
  sha.pickA = r.commit(
    'ssl: check the peer id',
    { 'src/a.c': lines('a', 12, { 5: 'if (peer_id > MAX) return -1;' }) },
    {
      author: ANN,
      body: `(cherry picked from commit ${UNKNOWN})`,
    },
  );
  // Two fixes squashed into one pick, a marker for each.
  sha.squash = r.commit(
    'net: fix b and c',
    { 'src/b.c': lines('b', 12, { 3: 'b fixed;' }), 'src/c.c': lines('c', 12, { 7: 'c fixed;' }) },
    {
      author: ANN,
      body: `(cherry picked from commit ${sha.b})\n(cherry picked from commit ${sha.c})`,
    },
  );
  // The same patch, the subject tagged and recased, a date of its own.
  sha.pickD = r.commit('[1.3] Net: Fix  Queue Init', { 'src/d.c': lines('d', 12, { 2: 'd fixed;' }) }, { author: ANN });
  // An adapted pick: tagged subject, own date, one of three changed lines different.
  sha.pickE = r.commit(
    '[PATCH 6.12] net: fix the other thing',
    { 'src/e.c': lines('e', 12, { 2: 'e two fixed;', 4: 'e four fixed differently;', 8: 'e eight fixed;' }) },
    { author: ANN },
  );
  // A revert of f (by f's author, undoing on the branch what f does on mainline): it is not f.
  r.commit('net: fix f', { 'src/f.c': lines('f', 12, { 6: 'f fixed;' }) }, { author: 'Other <other@example.org>' });
  sha.revF = r.commit('Revert "[1.3] net: fix f"', { 'src/f.c': lines('f', 12) }, { author: ANN });
  r.checkout(main);
  ctx = await indexedContext(r.dir);
});

afterAll(() => {
  ctx?.close();
  r?.cleanup();
});

const upstreamsOf = (stable: string): { upstream: string; via: string | null }[] =>
  readPicks(ctx.db, 'stable-1.0')
    .filter((p) => p.sha === stable)
    .map((p) => ({ upstream: p.upstream, via: p.via }))
    .sort((x, y) => (x.upstream < y.upstream ? -1 : 1));

describe('holdings', () => {
  it('a marker naming an unknown commit does not end the search: the same patch-id is found', () => {
    expect(upstreamsOf(sha.pickA)).toEqual([{ upstream: sha.a, via: 'patch-id' }]);
    expect(branchState(ctx, 'stable-1.0').holds(sha.a)).toMatchObject({ how: 'picked', stableSha: sha.pickA });
  });

  it('a squashed pick holds every commit its markers name', () => {
    expect(upstreamsOf(sha.squash)).toEqual(
      [
        { upstream: sha.b, via: 'cherry-picked' },
        { upstream: sha.c, via: 'cherry-picked' },
      ].sort((x, y) => (x.upstream! < y.upstream! ? -1 : 1)),
    );
  });

  it('a `[1.3] `-prefixed, recased subject with the same patch is held by patch-id', () => {
    expect(upstreamsOf(sha.pickD)).toEqual([{ upstream: sha.d, via: 'patch-id' }]);
  });

  it('an adapted pick with a `[PATCH 6.12]` subject is held by subject, confirmed by its changed lines', () => {
    expect(upstreamsOf(sha.pickE)).toEqual([{ upstream: sha.e, via: 'subject' }]);
  });

  it('a revert of f is not f', () => {
    expect(upstreamsOf(sha.revF)).toEqual([]);
    expect(holdingSubject('Revert "[1.3] net: fix f"')).toBe('revert:net: fix f');
    expect(holdingSubject('Revert "[1.3] net: fix f"')).not.toBe(holdingSubject('net: fix f'));
    expect(holdingSubject('[PATCH 6.12] Backport: NET:  fix F')).toBe('net: fix f');
    expect(holdingSubject('[backport] [1.3] net: fix f')).toBe('net: fix f');
  });

  it('`show` says for each branch how the holding was found', () => {
    const show = (c: string, ...more: string[]) => runCli(['show', c, '--repo', r.dir, '--db', ctx.dbPath, ...more]);
    const j = parseJson<{ branches: { branch: string; how: string; sha: string; method?: string | null }[] }>(show(sha.e, '--json'));
    expect(j.branches).toContainEqual(expect.objectContaining({ branch: 'stable-1.0', how: 'pick', sha: sha.pickE, method: 'subject' }));
    const text = show(sha.a).stdout;
    expect(text).toContain(`stable-1.0: picked as ${sha.pickA}, found by same patch-id`);
    expect(show(sha.b).stdout).toContain(`stable-1.0: picked as ${sha.squash}, found by marker (cherry-picked)`);
  });
});

/**
 * What the subject method must not take for a pick (seen on util-linux, OVN, BIND and FRR in the dataset
 * re-check): a change made on the branch before mainline's, one mainline commit that every release of the
 * branch repeats, and the same lines in a different file.
 */
describe('holdings by subject are picks, not look-alikes', () => {
  let q: RepoBuilder;
  let qctx: TestContext;
  const s = labelledShas('branchPo', 'mainPo', 'bump', 'mainNotes', 'fix', 'bump1', 'bump2', 'branchNotes', 'pickFix');
  const po = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => `msgstr "translated string ${i} ${tag}"`).join('\n') + '\n';

  beforeAll(async () => {
    q = makeRepo();
    q.commit('initial', { 'po/de.po': po(10, 'v0'), 'version.mk': 'VERSION = 1.0\nEXTRA = \n', 'notes/1.0.rst': 'Notes\n', 'src/x.c': lines('x', 12) });
    q.tag('v1.0');
    const main = q.currentBranch()!;
    q.branch('stable-1.0');
    // On the branch first: a translation update; mainline takes the same update a day later.
    q.checkout('stable-1.0');
    s.branchPo = q.commit('po: update German translation', { 'po/de.po': po(10, 'v1') }, { author: ANN });
    q.checkout(main);
    s.mainPo = q.commit('po: update German translation', { 'po/de.po': po(10, 'v1') + 'msgstr "one more string of mainline"\n' }, { author: ANN });
    // A release commit on mainline that the branch repeats at each of its releases.
    s.bump = q.commit('Update version for release', { 'version.mk': 'VERSION = 1.1\nEXTRA = -release-candidate\n' }, { author: ANN });
    // Release notes: the same text added to each line's own file.
    s.mainNotes = q.commit(
      'Add the release note for the parser fix',
      { 'notes/1.1.rst': 'Notes\nThe parser no longer crashes on an empty input file.\n' },
      { author: ANN },
    );
    // A real adapted pick, made after its mainline commit: still held.
    s.fix = q.commit('x: fix the crash', { 'src/x.c': lines('x', 12, { 2: 'x two fixed;', 4: 'x four fixed;', 8: 'x eight fixed;' }) }, { author: ANN });
    q.checkout('stable-1.0');
    s.bump1 = q.commit('Update version for release', { 'version.mk': 'VERSION = 1.0.1\nEXTRA = -release-candidate\n' }, { author: ANN });
    q.commit('Back to development', { 'version.mk': 'VERSION = 1.0.1\nEXTRA = \n' }, { author: ANN });
    s.bump2 = q.commit('Update version for release', { 'version.mk': 'VERSION = 1.0.2\nEXTRA = -release-candidate\n' }, { author: ANN });
    s.branchNotes = q.commit(
      'Add the release note for the parser fix',
      { 'notes/1.0.rst': 'Notes\nThe parser no longer crashes on an empty input file.\n' },
      { author: ANN },
    );
    s.pickFix = q.commit(
      '[1.0] x: fix the crash',
      { 'src/x.c': lines('x', 12, { 2: 'x two fixed;', 4: 'x four fixed otherwise;', 8: 'x eight fixed;' }) },
      { author: ANN },
    );
    q.checkout(main);
    qctx = await indexedContext(q.dir);
  });

  afterAll(() => {
    qctx?.close();
    q?.cleanup();
  });

  const held = (stable: string): string[] =>
    readPicks(qctx.db, 'stable-1.0')
      .filter((p) => p.sha === stable)
      .map((p) => `${p.upstream}:${p.via}`);

  it('a branch commit made before the mainline commit of the same subject is not its pick', () => {
    expect(held(s.branchPo)).toEqual([]);
  });

  it('a mainline commit that several branch commits repeat is held by none of them', () => {
    expect(held(s.bump1)).toEqual([]);
    expect(held(s.bump2)).toEqual([]);
  });

  it('the same lines in another file are not a pick', () => {
    expect(held(s.branchNotes)).toEqual([]);
  });

  it('an adapted pick made after its mainline commit is still held by subject', () => {
    expect(held(s.pickFix)).toEqual([`${s.fix}:subject`]);
  });
});
