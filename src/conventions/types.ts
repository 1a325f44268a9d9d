/**
 * What a project's commit messages and ref names mean: the vocabulary the rest of stablepick reads
 * messages with. A `Conventions` value is treated as immutable once it has been used (compiled forms
 * of it are cached per object); build a new object to change it.
 */
export interface Conventions {
  /** Canonical (lower-case) trailer keys whose value names a commit that this one fixes. */
  fixesKeys: string[];
  /**
   * Address patterns that make a Cc:/To: trailer a stable tag. A plain string is a lower-case
   * substring of the address that must start the address or follow a non-alphanumeric character
   * ('stable@' matches 'qemu-stable@nongnu.org' but not 'unstable@example.org'); a string written
   * '/regex/flags' is a regular expression tested against the lower-case address.
   */
  stableAddresses: string[];
  /** Canonical trailer keys that are a stable request by themselves (`Backport-to: 6.12`). */
  stableKeys: string[];
  /** Mainline branch name, when known (config); null = detect. */
  mainline: string | null;
  /**
   * Extra stable branch name patterns: regex strings with a named group `version` (and optionally a
   * named group `staging` that, when it matches, makes the branch a staging branch). Tried before the
   * built-in forms.
   */
  stableBranchPatterns: string[];
  /** Regex strings: a branch name matching any of them is never a stable branch. Tried first. */
  excludeBranchPatterns: string[];
  /**
   * Regex (string, tested case-insensitively against the whole tag name) that a release tag matches.
   * A named group `version` (digits separated by '.' or '_') gives the version; a named group `prefix`
   * gives the tag family ('glibc', 'release', ...).
   */
  releaseTagPattern: string;
  /** Regex (string, case-insensitive) that marks a release tag as a pre-release (-rc, beta, ...). */
  prereleasePattern: string;
}

/**
 * The default release tag form: an optional one- or two-word family prefix ('glibc-', 'RELEASE-',
 * 'xen-RELEASE-', 'OpenSSL_'; not 'v239-' as in RHEL's v239-10), an optional 'v', a version whose parts are separated by '.' or '_', and
 * an optional pre-release suffix and/or '-release' (rpm). Tags with '/' (debian/1.0-1) never match.
 */
const DEFAULT_RELEASE_TAG_PATTERN =
  '^(?<prefix>(?:(?!v\\d)[a-z][a-z0-9+]*[-_]){0,2})v?(?<version>\\d+(?:\\.\\d+)*|\\d+(?:_\\d+)+)' +
  '(?<suffix>(?:[-_.~]?(?:rc|beta|alpha|pre|a|b)[-_.]?\\d*)?(?:[-_]release)?)$';

/** The default pre-release form: -rc3, rc1, _beta1, -alpha, pre1, 5.0.0a1, and glibc's 2.40.9000. */
const DEFAULT_PRERELEASE_PATTERN = '(?:^|[-_.~\\d])(?:rc|beta|alpha|pre|a|b)[-_.]?\\d*(?:[-_]release)?$|\\.9\\d{3}(?:\\.\\d+)?$';

function freezeConventions(c: Conventions): Conventions {
  Object.freeze(c.fixesKeys);
  Object.freeze(c.stableAddresses);
  Object.freeze(c.stableKeys);
  Object.freeze(c.stableBranchPatterns);
  Object.freeze(c.excludeBranchPatterns);
  return Object.freeze(c);
}

export const DEFAULT_CONVENTIONS: Conventions = freezeConventions({
  fixesKeys: ['fixes', 'follow-up for', 'follow-up-for', 'addresses', 'fixes-commit', 'follow-up to'],
  stableAddresses: ['stable@vger.kernel.org', 'stable@kernel.org', 'stable@dpdk.org', 'qemu-stable@nongnu.org', 'mesa-stable', 'stable@lists.', 'stable@'],
  // 'backport' is Xen's `Backport: 4.9+`.
  stableKeys: ['backport-to', 'cc-stable', 'backport'],
  mainline: null,
  stableBranchPatterns: [],
  excludeBranchPatterns: [],
  releaseTagPattern: DEFAULT_RELEASE_TAG_PATTERN,
  prereleasePattern: DEFAULT_PRERELEASE_PATTERN,
});

/** The keys of `Conventions`, for validating configuration. */
export const CONVENTION_KEYS: readonly (keyof Conventions)[] = Object.freeze([
  'fixesKeys',
  'stableAddresses',
  'stableKeys',
  'mainline',
  'stableBranchPatterns',
  'excludeBranchPatterns',
  'releaseTagPattern',
  'prereleasePattern',
]);
