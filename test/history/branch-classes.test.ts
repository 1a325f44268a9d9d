/**
 * Stable branches as a maintainer names them, and a fork point that survives merged side histories, on
 * a repository built here:
 *  - `lib-upstream`, an unrelated history (a library kept as a subtree, like flatpak's libglnx), merged
 *    into mainline before and after the fork and into the stable branch `app-1.0.x` after it: git's
 *    merge-base is then the newest library commit, yet the branch forked at v1.0;
 *  - branch names gnome-48, 28.x, docker-29.x, v5.5, 1.4, stable-2.11;
 *  - `maint-line` (no version in the name) whose picks come in through merged pull-request branches,
 *    `vendor-stable` whose fixes come in by merging mainline topic branches (merge-based backports);
 *  - leftover heads on the stable branch (`cherry-pick-<sha>`, `wip/...`, `dependabot/...`), and
 *    `fresh-work`, a branch without version or markers that `--branch` makes a target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledShas, makeRepo, nth, type RepoBuilder } from '../helpers/repo-builder.js';
import { parseJson, runCli, tempCacheDir } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

/** The fields of a `branches --json` row these tests read. */
type BranchJson = Record<'name' | 'detected_by', string> & Record<'version' | 'base' | 'base_release', string | null> & { picks: number };
interface BranchesJson {
  branches: BranchJson[];
  excluded: { name: string; tip: string; reason: string }[];
  others: number;
}
interface ShowJson {
  pickedBy: { branch: string; sha: string; via: string | null }[];
}

let r: RepoBuilder;
let cache: string;
let before: ReturnType<typeof snapshotRepoState>;
const c = labelledShas('init', 'lib1', 'fork', 'newFile', 'lib2', 'lib3', 'mainLibMerge', 'branchLibMerge', 'freshOwn');
const cli = (...args: string[]) => runCli([...args, '--repo', r.dir], { env: { STABLEPICK_CACHE_DIR: cache } });

/** Merges `branch` into the checked-out branch, unrelated histories allowed. */
function mergeUnrelated(branch: string, message: string): string {
  r.git(['merge', '--no-ff', '--allow-unrelated-histories', '-q', '-m', message, branch], {
    env: { GIT_AUTHOR_DATE: `${r.tick()} +0000`, GIT_COMMITTER_DATE: `${r.tick()} +0000` },
  });
  return r.revParse('HEAD');
}

beforeAll(() => {
  r = makeRepo();
  const main = r.git(['symbolic-ref', '--short', 'HEAD']).trim();
  c.init = r.commit('core: initial import', { 'src/a.c': 'int a;\n', 'src/b.c': 'int b;\n' });
  // The library's own history, merged into mainline.
  r.git(['checkout', '-q', '--orphan', 'lib-upstream']);
  r.git(['rm', '-rq', '--cached', '.']);
  r.git(['clean', '-fdq']);
  c.lib1 = r.commit('lib: first', { 'lib/l.c': 'int l;\n' });
  r.checkout(main);
  mergeUnrelated('lib-upstream', 'Merge lib-upstream (first)');
  for (let i = 0; i < 6; i++)
    r.commit(`core: fix bug ${i} in a`, { 'src/a.c': `int a = ${i};\n` }, { body: `Fixes a crash.\n\nSigned-off-by: Dev <dev@example.org>` });
  c.fork = r.commit('Release 1.0', { NEWS: '1.0\n' });
  r.tag('v1.0');
  r.branch('app-1.0.x');
  // Mainline moves on: a file the branch never gets, more fixes.
  c.newFile = r.commit('feature: add the gizmo', { 'src/gizmo.c': 'int gizmo;\n' });
  const later: string[] = [];
  for (let i = 0; i < 6; i++)
    later.push(r.commit(`core: fix bug ${i} in b`, { 'src/b.c': `int b = ${i};\n` }, { body: `Fixes a leak.\n\nSigned-off-by: Dev <dev@example.org>` }));
  const spare = [r.commit('core: fix c', { 'src/c.c': 'int c;\n' }), r.commit('core: fix d', { 'src/d.c': 'int d;\n' })];
  const more: string[] = [];
  for (let i = 0; i < 10; i++) more.push(r.commit(`io: fix bug ${i}`, { [`src/io${i}.c`]: `int io${i};\n` }));
  // The library moves on and is merged into mainline and into the stable branch.
  r.checkout('lib-upstream');
  c.lib2 = r.commit('lib: fix overflow', { 'lib/l.c': 'int l = 1;\n' });
  c.lib3 = r.commit('lib: fix leak', { 'lib/l.c': 'int l = 2;\n' });
  r.checkout(main);
  c.mainLibMerge = mergeUnrelated('lib-upstream', 'Merge lib-upstream (update)');
  r.commit('Release 1.1', { NEWS: '1.1\n' });
  r.tag('v1.1');
  r.checkout('app-1.0.x');
  for (const f of later) r.cherryPick(f, { marker: 'cherry-picked' });
  c.branchLibMerge = mergeUnrelated('lib-upstream', 'Merge lib-upstream (update) into 1.0.x');
  for (const f of more) r.cherryPick(f, { marker: 'cherry-picked' });
  // Names of every built-in form, one commit each on top of v1.0.
  for (const name of ['gnome-48', '28.x', 'docker-29.x', 'v5.5', '1.4', 'stable-2.11']) {
    r.branch(name, { at: 'v1.0', checkout: true });
    r.commit(`Post-release bump for ${name}`, { NEWS: `${name}\n` });
  }
  // Picks that come in through merged pull-request branches: the first-parent chain holds only merges.
  r.branch('maint-line', { at: 'v1.0', checkout: true });
  for (let k = 0; k < 3; k++) {
    r.branch(`pr-head-${k}`, { checkout: true });
    r.cherryPick(nth(later, 2 * k), { marker: 'cherry-picked' });
    r.cherryPick(nth(later, 2 * k + 1), { marker: 'cherry-picked' });
    r.checkout('maint-line');
    r.merge(`pr-head-${k}`, { message: `Merge pull request #${k} from pr-head-${k}` });
    r.git(['branch', '-q', '-D', `pr-head-${k}`]);
  }
  // Merge-based backports: each fix is a topic branch off v1.0, merged into mainline and the branch.
  r.branch('vendor-stable', { at: 'v1.0' });
  for (let k = 0; k < 5; k++) {
    r.branch(`topic-${k}`, { at: 'v1.0', checkout: true });
    r.commit(`core: fix race ${k}`, { [`src/race${k}.c`]: `int race${k};\n` });
    r.checkout(main);
    r.merge(`topic-${k}`, { message: `Merge branch 'topic-${k}'` });
    r.checkout('vendor-stable');
    r.merge(`topic-${k}`, { message: `Merge branch 'topic-${k}' into vendor-stable` });
    r.git(['branch', '-q', '-D', `topic-${k}`]);
  }
  // Leftover heads on the stable branch, a bot's head on mainline, a fresh branch without markers.
  r.branch('cherry-pick-1a2b3c4d', { at: 'app-1.0.x', checkout: true });
  r.cherryPick(nth(spare, 0), { marker: 'cherry-picked' });
  r.branch('wip/alice/faster-a', { at: 'app-1.0.x', checkout: true });
  r.cherryPick(nth(spare, 1), { marker: 'cherry-picked' });
  r.branch('dependabot/npm_and_yarn/left-pad-1.4', { at: main, checkout: true });
  r.commit('build(deps): bump left-pad', { 'package.json': '{}\n' });
  r.branch('fresh-work', { at: 'v1.1', checkout: true });
  c.freshOwn = r.commit('Start the fresh branch', { NEWS: 'fresh\n' });
  r.checkout(main);
  r.git(['branch', '-q', '-D', 'lib-upstream']);
  cache = tempCacheDir();
  before = snapshotRepoState(r.dir);
  const res = cli('index', '--json');
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
}, 120_000);

afterAll(() => {
  if (before) expectRepoUnchanged(r.dir, before);
  r.cleanup();
});

const branches = (): BranchesJson => {
  const j = parseJson<BranchesJson | BranchJson[]>(cli('branches', '--json'));
  // (An array before the excluded branches were listed: read so that the checks below fail on facts.)
  return Array.isArray(j) ? { branches: j, excluded: [], others: 0 } : j;
};

describe('fork point', () => {
  it('is where the branch left mainline, not the merge-base of a side history merged into both', () => {
    // The trap: git's merge-base is the library's newest commit.
    expect(r.git(['merge-base', 'app-1.0.x', r.git(['symbolic-ref', '--short', 'HEAD']).trim()]).trim()).toBe(c.lib3);
    const b = branches().branches.find((x) => x.name === 'app-1.0.x')!;
    expect(b.base).toBe(c.fork);
    expect(b.base_release).toBe('v1.0');
  });

  it('counts the side history the branch merged as held, since its merge', () => {
    const v = parseJson<ShowJson>(cli('show', c.lib2, '--json'));
    expect(v.pickedBy).toContainEqual({ branch: 'app-1.0.x', sha: c.branchLibMerge, via: 'merge' });
    // What mainline added after the fork is not held.
    expect(parseJson<ShowJson>(cli('show', c.newFile, '--json')).pickedBy).toEqual([]);
  });
});

describe('stable branches', () => {
  it('finds every built-in name form', () => {
    const found = new Map(branches().branches.map((b) => [b.name, b]));
    for (const [name, version] of [
      ['gnome-48', '48'],
      ['28.x', '28'],
      ['docker-29.x', '29'],
      ['v5.5', '5.5'],
      ['1.4', '1.4'],
      ['stable-2.11', '2.11'],
      ['app-1.0.x', '1.0'],
    ]) {
      expect(found.get(name!), name).toMatchObject({ version, detected_by: 'name', base: c.fork });
    }
  });

  it('finds a branch by the markers of all its own commits: picks merged from pull-request branches', () => {
    expect(branches().branches.find((b) => b.name === 'maint-line')).toMatchObject({ detected_by: 'markers', base: c.fork });
  });

  it('finds a branch whose fixes come in by merging mainline topic branches', () => {
    const b = branches().branches.find((x) => x.name === 'vendor-stable');
    expect(b).toMatchObject({ detected_by: 'markers', base: c.fork, picks: 5 });
  });

  it('never takes work, topic and leftover heads as stable, and says why', () => {
    const all = branches();
    const names = all.branches.map((b) => b.name);
    for (const n of ['cherry-pick-1a2b3c4d', 'wip/alice/faster-a', 'dependabot/npm_and_yarn/left-pad-1.4', 'fresh-work']) expect(names).not.toContain(n);
    const why = new Map(all.excluded.map((e) => [e.name, e.reason]));
    expect(why.get('cherry-pick-1a2b3c4d')).toMatch(/cherry-pick head/);
    expect(why.get('wip/alice/faster-a')).toMatch(/work-in-progress/);
    expect(why.get('dependabot/npm_and_yarn/left-pad-1.4')).toMatch(/dependency bot/);
    const text = cli('branches');
    expect(text.stdout).toMatch(/^not stable branches \(3\):$/m);
    expect(text.stdout).toMatch(/^ {2}1 × a cherry-pick head \(left by a forge's cherry-pick button\): cherry-pick-1a2b3c4d$/m);
  });

  it('takes any branch given with --branch as a target, and says how it was classified', () => {
    const res = cli('audit', '--branch', 'fresh-work', '--json');
    expect(res.stderr).toMatch(
      /^stablepick: fresh-work: taken as a stable branch because --branch names it \(not found stable by the index: no stable version in its name, and too few of its own commits carry upstream markers\); 1 commits of its own, base [0-9a-f]{12}\n/,
    );
    expect(res.code).toBe(0);
    expect(branches().branches.find((b) => b.name === 'fresh-work')).toMatchObject({ detected_by: 'requested', base: r.revParse('v1.1') });
    // Remembered: a later index keeps it, and says nothing more.
    expect(cli('index', '--json').code).toBe(0);
    expect(branches().branches.find((b) => b.name === 'fresh-work')).toMatchObject({ detected_by: 'requested' });
    expect(cli('audit', '--branch', 'fresh-work', '--json').stderr).toBe('');
  });

  it('refuses a name that is no branch', () => {
    const res = cli('audit', '--branch', 'no-such-branch');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^stablepick: no indexed branch 'no-such-branch'/);
  });
});
