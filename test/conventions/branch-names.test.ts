import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  configNamesBranch,
  parseReleaseTag,
  parseStableBranchName,
  versionInSeries,
  workHeadReason,
} from '../../src/conventions/branch-names.js';
import { DEFAULT_CONVENTIONS, type Conventions } from '../../src/conventions/types.js';

describe('parseStableBranchName', () => {
  it.each([
    ['linux-6.17.y', '6.17', 'stable'], // Linux
    ['linux-4.19.y', '4.19', 'stable'],
    ['22.11', '22.11', 'stable'], // DPDK LTS
    ['20.11', '20.11', 'stable'],
    ['22.11-staging', '22.11', 'staging'],
    ['stable-4.19', '4.19', 'stable'], // Xen
    ['staging-4.19', '4.19', 'staging'],
    ['v254-stable', '254', 'stable'], // systemd-stable
    ['release/2.40/master', '2.40', 'stable'], // glibc
    ['branch-3.5', '3.5', 'stable'], // Open vSwitch
    ['branch-25.03', '25.03', 'stable'], // OVN
    ['stable/v2.40', '2.40', 'stable'], // util-linux
    ['stable/10.4', '10.4', 'stable'], // FRR
    ['nm-1-52', '1.52', 'stable'], // NetworkManager
    ['bind-9.20', '9.20', 'stable'], // BIND
    ['v4-21-test', '4.21', 'staging'], // Samba: picks land in -test first
    ['v4-21-stable', '4.21', 'stable'],
    ['rpm-4.19.x', '4.19', 'stable'], // rpm
    ['zfs-2.2-release', '2.2', 'stable'], // OpenZFS
    ['v5.0.x', '5.0', 'stable'], // Open MPI
    ['release/2.6', '2.6', 'stable'], // OpenVPN
    ['glib-2-84', '2.84', 'stable'], // GLib
    ['stable-v60', '60', 'stable'], // rdma-core
    ['stable-6.1', '6.1', 'stable'],
    ['openssl-3.0', '3.0', 'stable'],
    ['OpenSSL_1_1_1-stable', '1.1.1', 'stable'],
    ['queue/6.17', '6.17', 'staging'],
    ['Stable-4.19', '4.19', 'stable'],
    ['gnome-48', '48', 'stable'], // GNOME since 40
    ['gnome-3-38', '3.38', 'stable'],
    ['28.x', '28', 'stable'], // moby
    ['docker-29.x', '29', 'stable'],
    ['v5.5', '5.5', 'stable'],
    ['1.4', '1.4', 'stable'],
    ['stable-2.11', '2.11', 'stable'],
    ['systemd-254', '254', 'stable'],
  ])('%s → %s (%s)', (name, version, role) => {
    expect(parseStableBranchName(name)).toEqual({ version, role });
  });

  it.each([
    'main',
    'master',
    'trunk',
    'staging', // Xen's mainline staging branch
    'next-net-for-main',
    'next-virtio-staging',
    'releases',
    'linux-rolling-stable', // no version
    'linux-rolling-lts',
    'dev/foo',
    'pull/12/head',
    'coverity-tested/master',
    'coverity-tested/smoke',
    '4.10.0-shim-comet',
    '4.8.3pre-shim-comet',
    '4.9.1-shim-vixen',
    'feature-2.0',
    'fix-1234',
    'pr-1234',
    'wip/6.17',
    'fedora/2.10/master',
    'hjl/release/2.20/master',
    'azanella/bz23960-dirent',
    '2024-01',
    '4.10.0',
    'v254',
    'linux-4.19.y-cip',
    'for-50', // GNOME: work for the next release
    'issue-36',
    'mr-1234',
    'fix-1234',
    'part-2',
    'x-2024', // a year, not a series
    'v48', // one number without a project prefix: a tag's shape
    'wip/gnome-48',
    'cherry-pick-1.4',
    'backport-2.6',
    'revert-register-session-48',
    'dependabot/npm_and_yarn/1.4',
  ])('%s → null', (name) => {
    expect(parseStableBranchName(name)).toBeNull();
  });

  it('conventions add forms (named group version, optional staging) and exclude names', () => {
    const conv: Conventions = {
      ...DEFAULT_CONVENTIONS,
      stableBranchPatterns: ['^ops/(?<version>\\d+\\.\\d+)(?<staging>-next)?$', '^cycle(?<version>\\d{4})$'],
      excludeBranchPatterns: ['^stable-4\\.(?:[0-9]|1[0-5])$', '-staging$'],
    };
    expect(parseStableBranchName('ops/2.9', conv)).toEqual({ version: '2.9', role: 'stable' });
    expect(parseStableBranchName('ops/2.9-next', conv)).toEqual({ version: '2.9', role: 'staging' });
    expect(parseStableBranchName('cycle2023', conv)).toEqual({ version: '2023', role: 'stable' });
    expect(parseStableBranchName('stable-4.9', conv)).toBeNull();
    expect(parseStableBranchName('stable-4.19', conv)).toEqual({ version: '4.19', role: 'stable' });
    expect(parseStableBranchName('22.11-staging', conv)).toBeNull();
    expect(parseStableBranchName('ops/2.9')).toBeNull();
    expect(parseStableBranchName('cycle2023')).toBeNull();
  });
});

describe('workHeadReason', () => {
  it.each([
    ['cherry-pick-46547ae0', 'cherry-pick'],
    ['wip/carlosg/im-caret-taps-x11-3.36', 'work-in-progress'],
    ['wip-6.17', 'work-in-progress'],
    ['alice/wip/thing', 'work-in-progress'],
    ['dependabot/go_modules/golang.org/x/net-0.33.0', 'dependency bot'],
    ['renovate/major-golang', 'dependency bot'],
    ['backport-1234-to-28.x', 'backport pull-request'],
    ['alice/backport-48123-to-27.x', 'backport pull-request'],
    ['backports/2.6', 'backport pull-request'],
    ['mergify/bp/stable/10.4/pr-19876', 'backport pull-request'],
    ['patchback/backports/3.11/5c3f/pr-8812', 'backport pull-request'],
    ['revert-42-main', 'revert'],
    ['copilot/ci-post-comment-validation-failures', 'coding agent'],
    ['gh-readonly-queue/main/pr-1-abc', 'merge-queue'],
    ['pr-1234', 'pull-request'],
    ['feature/new-ui', 'topic'],
  ])('%s is a work head (%s)', (name, what) => {
    expect(workHeadReason(name)).toContain(what);
  });

  it.each(['gnome-48', '28.x', 'linux-6.17.y', 'release/2.6', 'stable-4.19', 'flatpak-1.16.x', 'wipe-1.0', 'main', 'reverted-2.0'])('%s is not', (name) => {
    expect(workHeadReason(name)).toBeNull();
  });

  it('a config pattern names a branch whatever its shape', () => {
    const conv: Conventions = { ...DEFAULT_CONVENTIONS, stableBranchPatterns: ['^backport-(?<version>\\d+\\.\\d+)$'] };
    expect(configNamesBranch('backport-2.6', conv)).toBe(true);
    expect(parseStableBranchName('backport-2.6', conv)).toEqual({ version: '2.6', role: 'stable' });
    expect(configNamesBranch('backport-2.6')).toBe(false);
  });
});

describe('compareVersions and versionInSeries', () => {
  it('orders numerically', () => {
    const vs = ['4.19', '4.9', '6.1', '4.19.1', '10.4', '2.6', 'v6.17', '6.1.0', '254', '22.11', '3.5'];
    expect([...vs].sort(compareVersions)).toEqual(['2.6', '3.5', '4.9', '4.19', '4.19.1', '6.1', '6.1.0', 'v6.17', '10.4', '22.11', '254']);
    expect(compareVersions('4.19', '4.19')).toBe(0);
    expect(compareVersions('25.03', '25.3')).toBe(-1); // equal numerically: the text breaks the tie
    expect(compareVersions('2.40', '2.9')).toBe(1);
  });

  it('versionInSeries', () => {
    expect(versionInSeries('6.17.3', '6.17')).toBe(true);
    expect(versionInSeries('6.17', '6.17')).toBe(true);
    expect(versionInSeries('6.1.5', '6.17')).toBe(false);
    expect(versionInSeries('6.17', '6.1')).toBe(false);
    expect(versionInSeries('v254.5', '254')).toBe(true);
  });
});

describe('parseReleaseTag', () => {
  it.each([
    ['v6.17', '6.17', false, ''],
    ['v6.17-rc3', '6.17', true, ''],
    ['v6.17.2', '6.17.2', false, ''],
    ['v22.11', '22.11', false, ''],
    ['v22.11.1', '22.11.1', false, ''],
    ['v22.11.1-rc1', '22.11.1', true, ''],
    ['RELEASE-4.19.0', '4.19.0', false, 'release'],
    ['4.19.0-rc1', '4.19.0', true, ''],
    ['xen-RELEASE-4.14.5', '4.14.5', false, 'xen-release'],
    ['v254', '254', false, ''],
    ['v254-rc1', '254', true, ''],
    ['v254.5', '254.5', false, ''],
    ['glibc-2.40', '2.40', false, 'glibc'],
    ['glibc-2.40.9000', '2.40.9000', true, 'glibc'],
    ['v2.40', '2.40', false, ''],
    ['v2.40.1-rc1', '2.40.1', true, ''],
    ['frr-10.4.0', '10.4.0', false, 'frr'],
    ['1.52.0', '1.52.0', false, ''],
    ['v9.20.0', '9.20.0', false, ''],
    ['v9_16_0', '9.16.0', false, ''],
    ['rpm-4.19.0-release', '4.19.0', false, 'rpm'],
    ['rpm-4.19.0-beta1', '4.19.0', true, 'rpm'],
    ['rpm-4.20.0-alpha', '4.20.0', true, 'rpm'],
    ['zfs-2.2.0', '2.2.0', false, 'zfs'],
    ['zfs-2.2.0-rc1', '2.2.0', true, 'zfs'],
    ['v5.0.0rc1', '5.0.0', true, ''],
    ['v5.0.0', '5.0.0', false, ''],
    ['openvpn-2.6.0', '2.6.0', false, 'openvpn'],
    ['v2.6_beta1', '2.6', true, ''],
    ['2.84.0', '2.84.0', false, ''],
    ['v60.0', '60.0', false, ''],
    ['samba-4.21.0', '4.21.0', false, 'samba'],
    ['samba-4.21.0rc1', '4.21.0', true, 'samba'],
    ['OpenSSL_1_1_1', '1.1.1', false, 'openssl'],
    ['openssl-3.0.0-alpha1', '3.0.0', true, 'openssl'],
    ['bind-9.20.0', '9.20.0', false, 'bind'],
  ])('%s → %s prerelease=%s prefix=%j', (tag, version, prerelease, prefix) => {
    expect(parseReleaseTag(tag)).toEqual({ version, prerelease, prefix });
  });

  it.each([
    'debian/1.0-1',
    'upstream/2.40',
    '254',
    '001',
    'latest-stable',
    'beta1',
    'v2.41-devel',
    'v2.41-start',
    'v239-10',
    '4.10.0-shim-comet-2',
    'v1.0-1',
    '',
  ])('%j → null', (tag) => {
    expect(parseReleaseTag(tag)).toBeNull();
  });

  it('conventions replace the tag and pre-release patterns', () => {
    const conv: Conventions = {
      ...DEFAULT_CONVENTIONS,
      releaseTagPattern: '^REL_(?<version>\\d+_\\d+)(?:_(?:RC|BETA)\\d+)?$',
      prereleasePattern: '_(?:RC|BETA)\\d+$',
    };
    expect(parseReleaseTag('REL_16_2', conv)).toEqual({ version: '16.2', prerelease: false, prefix: '' });
    expect(parseReleaseTag('REL_17_BETA1', conv)).toBeNull();
    expect(parseReleaseTag('REL_17_0_BETA1', conv)).toEqual({ version: '17.0', prerelease: true, prefix: '' });
    expect(parseReleaseTag('REL_17_2_RC1', conv)).toEqual({ version: '17.2', prerelease: true, prefix: '' });
    expect(parseReleaseTag('v6.17', conv)).toBeNull();
  });
});
