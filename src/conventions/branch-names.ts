/**
 * Stable branch names and release tags.
 *
 * A stable branch name is a version plus words that say "stable": `linux-6.17.y`, `22.11`,
 * `22.11-staging`, `stable-4.19`, `staging-4.19`, `v254-stable`, `release/2.40/master`, `branch-3.5`,
 * `stable/v2.40`, `nm-1-52`, `bind-9.20`, `v4-21-test`, `rpm-4.19.x`, `zfs-2.2-release`, `v5.0.x`,
 * `glib-2-84`, `stable-v60`, `gnome-48`, `28.x`, `docker-29.x`, `v5.5`, `1.4`, `stable-2.11`. Names are
 * given without `refs/heads/` or `refs/remotes/<remote>/`. Work, topic and leftover heads
 * (`cherry-pick-*`, `wip/*`, `dependabot/*`, ...) are never stable branches: see workHeadReason.
 */
import { compileConventions } from './compiled.js';
import { DEFAULT_CONVENTIONS, type Conventions } from './types.js';

export type BranchRole = 'stable' | 'staging';

export interface StableBranchName {
  /** Normalised dotted version: '6.17', '22.11', '254', '2.40', '1.52', '4.21', '25.03', '60', '48', '28'. */
  version: string;
  /**
   * 'staging': the branch picks land in first, before the stable branch of the same version
   * (DPDK `22.11-staging`, Xen `staging-4.19`, Samba `v4-21-test`, `queue/6.17`).
   */
  role: BranchRole;
}

export interface ReleaseTag {
  /** Normalised dotted version: 'v6.17-rc3' → '6.17', 'RELEASE-4.19.0' → '4.19.0', 'v9_20_0' → '9.20.0'. */
  version: string;
  prerelease: boolean;
  /** Lower-case family prefix without separators: 'glibc', 'release', 'xen-release', 'rpm', '' for 'v6.17'. */
  prefix: string;
}

/** Words that make a versioned name a stable branch. */
const STABLE_WORDS: ReadonlySet<string> = new Set(['stable', 'release', 'releases', 'branch', 'maint', 'maintenance', 'lts', 'rel', 'longterm']);
/** Words that make it a staging branch. */
const STAGING_WORDS: ReadonlySet<string> = new Set(['staging', 'test', 'queue']);
/** Project prefixes that never name a stable series. */
const NOT_STABLE_PREFIX: ReadonlySet<string> = new Set([
  'next',
  'for',
  'dev',
  'devel',
  'feature',
  'feat',
  'wip',
  'tmp',
  'temp',
  'fix',
  'bugfix',
  'hotfix',
  'pr',
  'pull',
  'merge',
  'backport',
  'backports',
  'topic',
  'bug',
  'issue',
  'gh',
  'coverity',
  'review',
  'draft',
  'test',
  'experimental',
  'exp',
  'old',
  'archive',
  'renovate',
  'dependabot',
  'revert',
  'master',
  'main',
  'mr',
  'part',
  'round',
  'try',
  'take',
  'attempt',
  'step',
  'phase',
  'rc',
  'cve',
  'bz',
  'jira',
  'ticket',
  'task',
  'sprint',
  'update',
  'bump',
  'poc',
  'spike',
  'cherry',
  'pick',
  'patch',
  'patches',
  'user',
  'users',
  'copilot',
]);

/**
 * Heads that are work in progress, a topic, a bot's or a forge's leftover: never a stable branch, whatever
 * version they carry or markers their commits have (GNOME's `cherry-pick-<sha>` heads hold one pick on
 * top of a stable branch). Each with what it is.
 */
const WORK_HEADS: readonly [RegExp, string][] = [
  [/^cherry-pick-/i, "a cherry-pick head (left by a forge's cherry-pick button)"],
  [/^(?:[^/]+\/)*wip(?:[/_-]|$)/i, 'a work-in-progress head'],
  [/^(?:dependabot|renovate|snyk|greenkeeper|pre-commit-ci)[/-]/i, "a dependency bot's head"],
  [/^(?:copilot|claude|codex|devin|cursor)\//i, "a coding agent's head"],
  [/^backports?[/-]|^(?:[^/]+\/)?backport-\d+-to-|^(?:mergify|backport-bot|patchback)\/(?:bp|backports?)\//i, 'a backport pull-request head'],
  [/^revert-/i, "a revert head (left by a forge's revert button)"],
  [/^gh-readonly-queue\//i, 'a merge-queue head'],
  [/^(?:pr|pull|mr|merge-requests?)[/-]\d/i, 'a pull-request head'],
  [/^(?:tmp|temp|scratch|test|try)[/-]/i, 'a scratch head'],
  [/^(?:feature|feat|topic|fix|bugfix|hotfix|dev|devel)[/-]/i, 'a topic head'],
];

/** Why `shortName` is a work, topic or leftover head (never a stable branch), or null. */
export function workHeadReason(shortName: string): string | null {
  for (const [re, why] of WORK_HEADS) if (re.test(shortName)) return why;
  return null;
}

/** True when the conventions' own `stableBranchPatterns` name `shortName` (the user said so). */
export function configNamesBranch(shortName: string, conv: Conventions = DEFAULT_CONVENTIONS): boolean {
  return compileConventions(conv).stableBranchPatterns.some((re) => re.test(shortName));
}

/**
 * `<prefix>/<version>[/<tail>]`: release/2.40/master, stable/v2.40, stable/10.4, release/2.6, queue/6.17.
 */
const SLASH_FORM = /^([a-z]+)\/v?(\d+(?:\.\d+){0,2})(?:\.[xy])?(?:\/(master|main|stable|staging|test|branch))?$/;
/**
 * `[<prefix>-]v?<version>[-<suffix>]`: version parts separated by '.' (optionally ending in .x/.y) or by
 * '-'/'_' (nm-1-52, glib-2-84, v4-21-test, OpenSSL_1_1_1-stable).
 */
const DASH_FORM = /^(?:([a-z](?:[a-z0-9]*[a-z])?)[-_])?v?(?:(\d+(?:\.\d+){0,2})(\.[xy])?|(\d+(?:-\d+){1,2})|(\d+(?:_\d+){1,2}))(?:[-_.]([a-z]+))?$/;

function normaliseVersion(v: string): string {
  return v.replace(/[-_]/g, '.');
}

export function parseStableBranchName(shortName: string, conv: Conventions = DEFAULT_CONVENTIONS): StableBranchName | null {
  const cc = compileConventions(conv);
  for (const re of cc.excludeBranchPatterns) if (re.test(shortName)) return null;
  for (const re of cc.stableBranchPatterns) {
    const m = re.exec(shortName);
    const v = m?.groups?.['version'];
    if (m && v) {
      return { version: normaliseVersion(v.replace(/^v/i, '').replace(/\.[xy]$/i, '')), role: m.groups?.['staging'] ? 'staging' : 'stable' };
    }
  }
  if (workHeadReason(shortName)) return null;
  const name = shortName.toLowerCase();
  if (name.length > 64 || !/\d/.test(name)) return null;
  const sm = SLASH_FORM.exec(name);
  if (sm) {
    const word = sm[1] as string;
    const tail = sm[3];
    const staging = STAGING_WORDS.has(word) || tail === 'staging' || tail === 'test';
    if (!staging && !STABLE_WORDS.has(word)) return null;
    return { version: sm[2] as string, role: staging ? 'staging' : 'stable' };
  }
  const dm = DASH_FORM.exec(name);
  if (!dm) return null;
  const prefix = dm[1];
  const dotted = dm[2];
  const xy = dm[3] !== undefined;
  const dashed = dm[4] ?? dm[5];
  const suffix = dm[6];
  const version = dotted ?? normaliseVersion(dashed as string);
  const parts = version.split('.').length;
  const prefixStable = prefix !== undefined && STABLE_WORDS.has(prefix);
  const prefixStaging = prefix !== undefined && STAGING_WORDS.has(prefix) && prefix !== 'test';
  if (suffix !== undefined && !STABLE_WORDS.has(suffix) && !STAGING_WORDS.has(suffix)) return null;
  const keyword = prefixStable || prefixStaging || suffix !== undefined;
  if (prefix !== undefined && !prefixStable && !prefixStaging && NOT_STABLE_PREFIX.has(prefix)) return null;
  if (!keyword) {
    // No stable word: a project prefix (linux-6.17.y, bind-9.20, nm-1-52, gnome-48) or a bare 22.11 /
    // v5.0.x / 28.x. One version part needs `.x`/`.y` (28.x, docker-29.x) or a project prefix and at most
    // three digits (gnome-48; not v254, 2024, fix-1234).
    if (parts < 2 && !xy && !(prefix !== undefined && dotted !== undefined && /^\d{1,3}$/.test(dotted))) return null;
    if (prefix === undefined) {
      if (dashed !== undefined) return null; // 2024-01, 1-52: too easily something else
      if (parts > 2 && !xy) return null; // 4.10.0: a release, not a series
    }
  } else if (parts > 3) return null;
  const staging = prefixStaging || (suffix !== undefined && STAGING_WORDS.has(suffix));
  return { version, role: staging ? 'staging' : 'stable' };
}

/**
 * Compare dotted versions numerically ('4.9' < '4.19' < '4.19.1'); a leading 'v' is ignored. Missing
 * parts count as 0, ties are broken by the number of parts ('6.1' before '6.1.0'), then by text.
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/i, '').split(/[._-]/);
  const pb = b.replace(/^v/i, '').split(/[._-]/);
  const n = Math.max(pa.length, pb.length);
  for (let k = 0; k < n; k++) {
    const x = pa[k] ?? '0';
    const y = pb[k] ?? '0';
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx < ny ? -1 : 1;
      continue;
    }
    // A numeric part sorts after a non-numeric one (1.0 > 1.rc1); otherwise text order.
    if (!Number.isNaN(nx)) return 1;
    if (!Number.isNaN(ny)) return -1;
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length < pb.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** True when `version` is `series` or a release of it: ('6.17.3', '6.17') → true, ('6.1', '6.17') → false. */
export function versionInSeries(version: string, series: string): boolean {
  const v = version.replace(/^v/i, '');
  const s = series.replace(/^v/i, '');
  return v === s || (v.startsWith(s) && v.charAt(s.length) === '.');
}

/**
 * A release tag: v6.17, v6.17-rc3 (prerelease), v22.11.1, RELEASE-4.19.0, 4.9.0-rc3, v254, v254-rc1,
 * glibc-2.40, glibc-2.40.9000 (prerelease), frr-10.4.0, 1.52.0, v9.20.0, v9_20_0, rpm-4.19.0-release,
 * zfs-2.2.0, v5.0.0rc1, openvpn-2.6.0, v2.6_beta1, 2.84.0, v60.0, samba-4.21.0rc1. Not: names with '/'
 * (debian/1.0-1), bare integers ('254'), v2.41-devel, latest-stable.
 */
export function parseReleaseTag(tag: string, conv: Conventions = DEFAULT_CONVENTIONS): ReleaseTag | null {
  if (tag.length === 0 || tag.length > 100) return null;
  const cc = compileConventions(conv);
  const m = cc.releaseTag.exec(tag);
  if (!m) return null;
  let raw = m.groups?.['version'];
  if (raw === undefined) raw = /\d+(?:[._]\d+)*/.exec(tag)?.[0];
  if (!raw || /^\d+$/.test(tag)) return null;
  const prefix = (m.groups?.['prefix'] ?? '')
    .replace(/[-_]+$/, '')
    .replace(/_/g, '-')
    .toLowerCase();
  return { version: raw.replace(/_/g, '.'), prerelease: cc.prerelease.test(tag), prefix };
}
