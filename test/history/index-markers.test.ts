/**
 * The index on a repository with every upstream-marker form: stable branches found by name, each pick
 * mapped to its mainline commit (by marker, by patch id, a pick of a pick followed to mainline), reverts,
 * releases — through the real CLI, with the repository proven untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markerRepo, type MarkerFixture } from '../helpers/fixtures.js';
import { parseJson, runCli, tempCacheDir } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

interface BranchJson {
  name: string;
  role: string;
  version: string | null;
  base: string | null;
  base_release: string | null;
  picks: number;
  own_commits: number;
}

interface ShowJson {
  sha: string;
  upstream: { branch: string; sha: string | null; via: string | null }[];
  pickedBy: { branch: string; sha: string; via: string | null }[];
  markers: { kind: string; sha: string | null; status: string | null }[];
  revertedBy: { sha: string }[];
  firstRelease: string | null;
  branches: { branch: string; how: string; sha: string }[];
}

let fx: MarkerFixture;
let cache: string;
let before: ReturnType<typeof snapshotRepoState>;
const env = (): Record<string, string> => ({ STABLEPICK_CACHE_DIR: cache });
const cli = (...args: string[]) => runCli([...args, '--repo', fx.repo.dir], { env: env() });

beforeAll(() => {
  fx = markerRepo();
  cache = tempCacheDir();
  before = snapshotRepoState(fx.repo.dir);
  const r = cli('index', '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
});

afterAll(() => {
  expectRepoUnchanged(fx.repo.dir, before);
  fx.cleanup();
});

describe('index of a repository with every marker form', () => {
  it('counts every commit reachable from any ref, like git rev-list --all', () => {
    const stats = parseJson<{ commits: number; mainline: string; stableBranches: number }>(cli('stats', '--json'));
    const revList = fx.repo.git(['rev-list', '--all']).trim().split('\n').length;
    expect(stats.commits).toBe(revList);
    expect(stats.mainline).toBe('master');
    expect(stats.stableBranches).toBe(5);
  });

  it('finds the stable branches by name with their base and version', () => {
    const branches = parseJson<{ branches: BranchJson[] }>(cli('branches', '--json')).branches;
    const byName = new Map(branches.map((b) => [b.name, b]));
    expect([...byName.keys()].sort()).toEqual(['22.11', 'linux-6.6.y', 'stable-4.17', 'v254-stable', 'v255-stable']);
    const linux = byName.get('linux-6.6.y')!;
    expect(linux.role).toBe('stable');
    expect(linux.version).toBe('6.6');
    expect(linux.base).toBe(fx.base);
    expect(linux.base_release).toBe('v6.6');
    // upstreamCommit, commitUpstream, prereq, needsPrereq, patchIdOnly, revertedLater (the revert and 6.6.1 map to nothing)
    expect(linux.picks).toBe(6);
    expect(linux.own_commits).toBe(8);
    expect(byName.get('22.11')!.picks).toBe(1);
    expect(byName.get('stable-4.17')!.picks).toBe(1);
    expect(byName.get('v254-stable')!.picks).toBe(1);
  });

  const upstreamOf = (stableSha: string): ShowJson['upstream'][number] => {
    const v = parseJson<ShowJson>(cli('show', stableSha, '--json'));
    expect(v.upstream).toHaveLength(1);
    return v.upstream[0]!;
  };

  it('maps each marker form to the mainline commit', () => {
    expect(upstreamOf(fx.stable.upstreamCommit)).toMatchObject({ sha: fx.up.upstreamCommit, via: 'upstream-commit' });
    expect(upstreamOf(fx.stable.commitUpstream)).toMatchObject({ sha: fx.up.commitUpstream, via: 'commit-upstream' });
    expect(upstreamOf(fx.stable.dpdk)).toMatchObject({ sha: fx.up.dpdk, via: 'upstream-commit' });
    expect(upstreamOf(fx.stable.xen)).toMatchObject({ sha: fx.up.xen, via: 'xen-master' });
    expect(upstreamOf(fx.stable.chainA1)).toMatchObject({ sha: fx.up.chained, via: 'cherry-picked' });
  });

  it('follows a pick of a pick to the mainline commit', () => {
    // chainB1 carries two (cherry picked from ...) lines; the last names chainA1, itself a pick of up.chained.
    expect(upstreamOf(fx.stable.chainB1)).toMatchObject({ sha: fx.up.chained, via: 'cherry-picked+chain' });
  });

  it('matches a pick without a marker by subject, author and patch id', () => {
    expect(upstreamOf(fx.stable.patchIdOnly)).toMatchObject({ sha: fx.up.patchIdOnly, via: 'patch-id' });
  });

  it('does not take Stable-dep-of as the upstream of the commit carrying it', () => {
    expect(upstreamOf(fx.stable.prereq)).toMatchObject({ sha: fx.up.prereq, via: 'upstream-commit' });
  });

  it('shows which branches hold a mainline commit, and how', () => {
    const v = parseJson<ShowJson>(cli('show', fx.up.chained.slice(0, 10), '--json'));
    expect(v.sha).toBe(fx.up.chained);
    expect(v.pickedBy.map((p) => p.branch).sort()).toEqual(['v254-stable', 'v255-stable']);
    expect(v.branches).toContainEqual({ branch: 'master', how: 'ancestor', sha: fx.up.chained });
    expect(v.firstRelease).toBe('v6.7');
    const base = parseJson<ShowJson>(cli('show', fx.base, '--json'));
    expect(
      base.branches
        .filter((b) => b.how === 'ancestor')
        .map((b) => b.branch)
        .sort(),
    ).toEqual(['22.11', 'linux-6.6.y', 'master', 'stable-4.17', 'v254-stable', 'v255-stable'].sort());
    expect(base.firstRelease).toBe('v6.6');
  });

  it('records reverts as edges to the reverted commit', () => {
    const v = parseJson<ShowJson>(cli('show', fx.stable.revertedPick, '--json'));
    expect(v.revertedBy.map((r) => r.sha)).toEqual([fx.stable.revert]);
    const m = parseJson<ShowJson>(cli('show', fx.up.mainlineReverted, '--json'));
    expect(m.revertedBy.map((r) => r.sha)).toEqual([fx.up.mainlineRevert]);
  });

  it('gives stable commits the stable release that first contains them', () => {
    const v = parseJson<ShowJson>(cli('show', fx.stable.upstreamCommit, '--json'));
    expect(v.firstRelease).toBe('v6.6.1');
  });

  it('prints a table for people', () => {
    const r = cli('branches');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^branch\s+role\s+version/m);
    expect(r.stdout).toMatch(/linux-6\.6\.y\s+stable\s+6\.6\s+/);
  });
});
