/**
 * Picks without a marker whose patch had to be adapted (Open vSwitch's stable branches carry no marker;
 * DPDK's 22.11 took "common/mlx5: use just sufficient barrier for Arm" this way): git cherry-pick keeps
 * the author and the author date, so the same subject, author and author date name the mainline commit.
 * A commit redone on the branch with the same subject and author but its own date is not a pick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelledShas, makeRepo, type RepoBuilder } from '../helpers/repo-builder.js';
import { parseJson, runCli, tempCacheDir } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

interface ShowJson {
  sha: string;
  upstream: { branch: string; sha: string | null; via: string | null }[];
  branches: { branch: string; how: string; sha: string; via?: string | null }[];
}

const NET = 'Nia Dev <nia@example.org>';
const REL = 'Rel Manager <rel@example.org>';

let r: RepoBuilder;
let cache: string;
let before: ReturnType<typeof snapshotRepoState>;
const sha = labelledShas('fix', 'identical', 'prepMain', 'adapted', 'clean', 'prepBranch');
const cli = (...args: string[]) => runCli([...args, '--repo', r.dir], { env: { STABLEPICK_CACHE_DIR: cache } });

beforeAll(() => {
  r = makeRepo();
  const mainline = () => r.git(['symbolic-ref', '--short', 'HEAD']).trim();
  r.commit('net: add queue', { 'net/queue.c': 'int q_len;\nint q_max = 8;\nint q_init(void) { return 0; }\n' }, { author: NET });
  r.commit('Prepare for 1.0', { NEWS: '1.0\n' }, { author: REL });
  r.tag('v1.0');
  const main = mainline();
  r.branch('branch-1.0');
  // Mainline moves on: the context of the later fix is not what the branch has.
  r.commit('net: rename q_max', { 'net/queue.c': 'int q_len;\nint q_limit = 8;\nint q_init(void) { return 0; }\n' }, { author: NET });
  sha.fix = r.commit(
    'net: fix queue init',
    { 'net/queue.c': 'int q_len;\nint q_limit = 8;\nint q_init(void) { q_len = 0; return 0; }\n' },
    { author: NET, body: 'q_len was left stale.\n\nSigned-off-by: Nia Dev <nia@example.org>' },
  );
  sha.identical = r.commit('net: fix typo in comment', { 'net/README': 'queues\n' }, { author: NET });
  sha.prepMain = r.commit('Prepare for 1.1', { NEWS: '1.1\n' }, { author: REL });
  r.checkout('branch-1.0');
  // An adapted pick: same subject, author and author date; the patch differs (q_max, not q_limit).
  sha.adapted = r.cherryPick(sha.fix, {
    marker: 'none',
    files: { 'net/queue.c': 'int q_len;\nint q_max = 8;\nint q_init(void) { q_len = 0; return 0; }\n' },
  });
  sha.clean = r.cherryPick(sha.identical, { marker: 'none' });
  // The branch's own release commit: same subject and author as mainline's, its own date.
  sha.prepBranch = r.commit('Prepare for 1.1', { NEWS: '1.0.1\n' }, { author: REL });
  r.checkout(main);
  cache = tempCacheDir();
  before = snapshotRepoState(r.dir);
  const res = cli('index', '--json');
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
});

afterAll(() => {
  expectRepoUnchanged(r.dir, before);
  r.cleanup();
});

describe('picks without a marker', () => {
  it('maps an adapted pick by subject, author and author date', () => {
    const pid = (c: string): string => r.git(['patch-id', '--stable'], { input: r.git(['show', c]) }).split(' ')[0]!;
    expect(pid(sha.adapted)).not.toBe(pid(sha.fix));
    const pick = parseJson<ShowJson>(cli('show', sha.adapted, '--json'));
    expect(pick.upstream).toEqual([{ branch: 'branch-1.0', sha: sha.fix, via: 'author-date' }]);
    const up = parseJson<ShowJson>(cli('show', sha.fix, '--json'));
    expect(up.branches).toContainEqual(expect.objectContaining({ branch: 'branch-1.0', how: 'pick', sha: sha.adapted }));
  });

  it('still prefers the identical patch id when there is one', () => {
    const pick = parseJson<ShowJson>(cli('show', sha.clean, '--json'));
    expect(pick.upstream).toEqual([{ branch: 'branch-1.0', sha: sha.identical, via: 'patch-id' }]);
  });

  it('does not take a commit redone on the branch with its own date for a pick', () => {
    const own = parseJson<ShowJson>(cli('show', sha.prepBranch, '--json'));
    expect(own.upstream).toEqual([{ branch: 'branch-1.0', sha: null, via: null }]);
    const main = parseJson<ShowJson>(cli('show', sha.prepMain, '--json'));
    expect(main.branches.filter((b) => b.branch === 'branch-1.0')).toEqual([]);
  });
});
