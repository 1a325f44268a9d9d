/**
 * Special repositories for the index tests, each built from scratch with real git. Every factory returns
 * `{ repo, ...named ids, cleanup() }`; `cleanup()` removes every directory the factory made (a clone's
 * source too, when the factory built it). Dates and identities are fixed, so the ids are the same on
 * every run with the same git.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { makeRepo, makeTempDir, openRepo, runGitSync, type FileMap, type RepoBuilder } from './repo-builder.js';

export interface Fixture {
  repo: RepoBuilder;
  /** Removes every directory this fixture created. */
  cleanup(): void;
}

const SOB = (who: string): string => `Signed-off-by: ${who}`;
const GREG = 'Greg Kroah-Hartman <gregkh@linuxfoundation.org>';
const SASHA = 'Sasha Levin <sashal@kernel.org>';

/** A C-ish file body of `lines` lines, so that renames and patches look real. */
function cSource(name: string, version: number, lines = 12): string {
  const out = [`/* ${name} */`, '#include <stddef.h>', ''];
  for (let i = 0; i < lines; i++) out.push(`int ${name.replace(/\W/g, '_')}_${i}(void) { return ${i * (version + 1)}; }`);
  return `${out.join('\n')}\n`;
}

function short(sha: string, n = 12): string {
  return sha.slice(0, n);
}

function subjectOf(repo: RepoBuilder, sha: string): string {
  return repo.git(['log', '-1', '--format=%s', sha]).trim();
}

/* ------------------------------------------------------------------------------------------------ */
/* shallow clone                                                                                     */

export interface ShallowFixture extends Fixture {
  source: RepoBuilder;
  /** The commits at the shallow boundary (content of .git/shallow). */
  shallowRoots: string[];
  depth: number;
}

/** `git clone --depth <depth> file://<src>` (single branch unless `allBranches`). */
export function shallowClone(src: RepoBuilder, opts: { depth?: number; branch?: string; allBranches?: boolean } = {}): ShallowFixture {
  const depth = opts.depth ?? 5;
  const dir = makeTempDir('stablepick-shallow-');
  const args = ['clone', '-q', '--depth', String(depth)];
  if (opts.allBranches) args.push('--no-single-branch');
  if (opts.branch) args.push('--branch', opts.branch);
  runGitSync(dir, [...args, `file://${src.dir}`, '.']);
  const repo = openRepo(dir, { clockStart: src.nextClock });
  const shallowRoots = readFileSync(path.join(dir, '.git', 'shallow'), 'utf8')
    .split('\n')
    .filter(Boolean);
  return { repo, source: src, shallowRoots, depth, cleanup: () => repo.cleanup() };
}

/* ------------------------------------------------------------------------------------------------ */
/* missing blobs                                                                                     */

export interface MissingBlob {
  blob: string;
  /** Paths the blob was stored under. */
  paths: string[];
  /** Commits whose diff against their first parent (or the empty tree) adds, changes or removes it. */
  commits: string[];
}

export interface MissingBlobsFixture extends Fixture {
  /** 'deleted-loose': a normal repository with some loose blob files deleted (DPDK's GitHub copy);
   *  'promisor': a `--filter=blob:none` clone whose promisor remote is unreachable. */
  mode: 'deleted-loose' | 'promisor';
  /** The repository the commits came from (null when the fixture built history in place). */
  source: RepoBuilder | null;
  missing: MissingBlob[];
  /** Ids of the missing blobs. */
  missingBlobs: string[];
  /** Every commit touching a missing blob (sorted, unique). */
  affectedCommits: string[];
  /** Named commits of the built history (deleted-loose mode without a source). */
  commits: Record<string, string>;
}

/** Every (commit, blob, path) of `git log --raw --no-renames --all` (tree diffs only: no blob is read). */
function blobTouches(repo: RepoBuilder): Array<{ commit: string; blob: string; path: string }> {
  const out = repo.git(['log', '--all', '--raw', '--no-renames', '--no-abbrev', '--root', '-m', '--first-parent', '--format=@%H']);
  const touches: Array<{ commit: string; blob: string; path: string }> = [];
  let commit = '';
  for (const line of out.split('\n')) {
    if (line.startsWith('@')) commit = line.slice(1);
    const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) \w+\t(.*)$/.exec(line);
    if (!m) continue;
    for (const blob of [m[1] ?? '', m[2] ?? '']) if (!/^0+$/.test(blob)) touches.push({ commit, blob, path: m[3] ?? '' });
  }
  return touches;
}

function describeMissing(repo: RepoBuilder, blobs: readonly string[]): MissingBlob[] {
  const want = new Set(blobs);
  const by = new Map<string, { paths: Set<string>; commits: Set<string> }>();
  for (const t of blobTouches(repo)) {
    if (!want.has(t.blob)) continue;
    const e = by.get(t.blob) ?? { paths: new Set<string>(), commits: new Set<string>() };
    e.paths.add(t.path);
    e.commits.add(t.commit);
    by.set(t.blob, e);
  }
  return [...blobs].sort().map((blob) => ({
    blob,
    paths: [...(by.get(blob)?.paths ?? [])].sort(),
    commits: [...(by.get(blob)?.commits ?? [])].sort(),
  }));
}

/** Blob ids in the trees of ref tips (never deleted: checkout and status must keep working). */
function tipBlobs(repo: RepoBuilder): Set<string> {
  const tips = repo.git(['for-each-ref', '--format=%(objectname)^{tree}']).split('\n').filter(Boolean);
  tips.push('HEAD^{tree}');
  const set = new Set<string>();
  for (const tip of new Set(tips)) {
    if (!repo.tryRevParse(tip)) continue;
    for (const line of repo.git(['ls-tree', '-r', '--full-tree', tip]).split('\n')) {
      const m = /^\d+ blob ([0-9a-f]+)\t/.exec(line);
      if (m?.[1]) set.add(m[1]);
    }
  }
  return set;
}

function deleteLooseBlob(repo: RepoBuilder, blob: string): void {
  const commonDir = repo.git(['rev-parse', '--path-format=absolute', '--git-common-dir']).trim();
  const file = path.join(commonDir, 'objects', blob.slice(0, 2), blob.slice(2));
  rmSync(file); // throws if the blob is not loose (then it is in a pack and this fixture cannot remove it)
}

/**
 * A repository where blobs referenced by commits are genuinely absent.
 *
 * Default mode 'deleted-loose': builds a small history (or copies `src` with `git clone --local
 * --no-hardlinks`, which keeps loose objects loose) and deletes `count` loose blob files that no ref tip
 * uses: `git log --numstat` then dies with "unable to read <blob>", while `git log --raw --no-renames`
 * (tree diffs only) still works, and checkout/status are fine. That is DPDK's GitHub copy (10 blobs).
 *
 * Mode 'promisor': `git clone --filter=blob:none --no-checkout file://<src>`, then the promisor remote's
 * URL is pointed at a path that does not exist, so git's lazy fetch fails. Every blob is missing.
 */
export function partialCloneMissingBlobs(src?: RepoBuilder, opts: { mode?: 'deleted-loose' | 'promisor'; count?: number } = {}): MissingBlobsFixture {
  const mode = opts.mode ?? 'deleted-loose';
  const made: RepoBuilder[] = [];
  const cleanup = (): void => {
    for (const r of made) r.cleanup();
  };
  try {
    let commits: Record<string, string> = {};
    let source: RepoBuilder | null = src ?? null;
    if (mode === 'promisor' && !source) {
      const built = buildBlobHistory();
      made.push(built.repo);
      source = built.repo;
      commits = built.commits;
    }
    let repo: RepoBuilder;
    if (mode === 'promisor') {
      const dir = makeTempDir('stablepick-partial-');
      const from = source as RepoBuilder;
      // upload-pack reads the source's own config: makeRepo()/openRepo() set uploadpack.allowFilter there.
      runGitSync(dir, ['clone', '-q', '--filter=blob:none', '--no-checkout', `file://${from.dir}`, '.']);
      repo = openRepo(dir, { clockStart: from.nextClock });
      made.push(repo);
      repo.git(['config', 'remote.origin.url', path.join(dir, 'promisor-remote-is-gone')]);
      const missing = repo
        .git(['rev-list', '--objects', '--all', '--missing=print'])
        .split('\n')
        .filter((l) => l.startsWith('?'))
        .map((l) => l.slice(1).trim());
      const described = describeMissing(repo, missing);
      return finish(repo, mode, from, described, commits, cleanup);
    }
    if (source) {
      const dir = makeTempDir('stablepick-missing-');
      runGitSync(dir, ['clone', '-q', '--local', '--no-hardlinks', source.dir, '.']);
      repo = openRepo(dir, { clockStart: source.nextClock });
      made.push(repo);
      // Local branches for every source branch, so the deleted blobs' commits stay reachable from refs.
      for (const ref of repo.git(['for-each-ref', '--format=%(refname:strip=3)', 'refs/remotes/origin']).split('\n').filter(Boolean)) {
        if (ref !== 'HEAD' && !repo.tryRevParse(`refs/heads/${ref}`)) repo.git(['branch', '-q', ref, `origin/${ref}`]);
      }
    } else {
      const built = buildBlobHistory();
      repo = built.repo;
      made.push(repo);
      commits = built.commits;
    }
    const keep = tipBlobs(repo);
    const seen = new Set<string>();
    const candidates: string[] = [];
    for (const t of blobTouches(repo)) {
      if (keep.has(t.blob) || seen.has(t.blob)) continue;
      seen.add(t.blob);
      candidates.push(t.blob);
    }
    const count = opts.count ?? 2;
    // Newest first (git log order): old versions replaced late in history, so no root commit is involved.
    const chosen = candidates.slice(0, count);
    if (chosen.length < count) throw new Error(`only ${chosen.length} blobs outside the ref tips; need ${count}`);
    const described = describeMissing(repo, chosen);
    for (const b of chosen) deleteLooseBlob(repo, b);
    return finish(repo, mode, source, described, commits, cleanup);
  } catch (e) {
    cleanup();
    throw e;
  }
}

function finish(
  repo: RepoBuilder,
  mode: 'deleted-loose' | 'promisor',
  source: RepoBuilder | null,
  missing: MissingBlob[],
  commits: Record<string, string>,
  cleanup: () => void,
): MissingBlobsFixture {
  const affected = [...new Set(missing.flatMap((m) => m.commits))].sort();
  return { repo, mode, source, missing, missingBlobs: missing.map((m) => m.blob), affectedCommits: affected, commits, cleanup };
}

/** Two files edited in turn, so that middle versions of each are in no ref tip. */
function buildBlobHistory(): { repo: RepoBuilder; commits: Record<string, string> } {
  const r = makeRepo({ prefix: 'stablepick-blobs-' });
  const commits: Record<string, string> = {};
  commits.init = r.commit('eal: add memory and log', { 'lib/eal/memory.c': cSource('memory', 0), 'lib/eal/log.c': cSource('log', 0), README: 'DPDK-like\n' });
  commits.memoryFix = r.commit('eal: fix memory leak', { 'lib/eal/memory.c': cSource('memory', 1) });
  commits.logLevel = r.commit('eal: add log levels', { 'lib/eal/log.c': cSource('log', 1) });
  commits.memoryRework = r.commit('eal: rework memory', { 'lib/eal/memory.c': cSource('memory', 2) });
  commits.logDrop = r.commit('eal: drop old log level', { 'lib/eal/log.c': cSource('log', 2) });
  commits.doc = r.commit('doc: describe eal', { 'doc/eal.rst': 'EAL\n===\n' });
  return { repo: r, commits };
}

/* ------------------------------------------------------------------------------------------------ */
/* legacy encodings                                                                                  */

export interface NonUtf8Fixture extends Fixture {
  base: string;
  /** Message and author name in ISO-8859-1 bytes, no `encoding` header (like old kernel commits). */
  latin1NoHeader: string;
  /** Made by `git -c i18n.commitEncoding=ISO-8859-1 commit`: `encoding ISO-8859-1` header, latin1 message. */
  latin1Header: string;
  /** Written byte by byte: `encoding ISO-8859-1` header, latin1 author name and message. */
  latin1HeaderAuthor: string;
  /** A normal UTF-8 commit with non-ASCII author and subject, for comparison. */
  utf8: string;
  /** What the latin1 texts say, decoded. */
  text: {
    authorName: string;
    authorEmail: string;
    noHeaderSubject: string;
    headerSubject: string;
    headerAuthorSubject: string;
    utf8Author: string;
    utf8Subject: string;
  };
}

export function nonUtf8Repo(): NonUtf8Fixture {
  const r = makeRepo({ prefix: 'stablepick-latin1-' });
  try {
    const text = {
      authorName: 'José Müller',
      authorEmail: 'jose@example.org',
      noHeaderSubject: 'café: fix crème brûlée parser',
      headerSubject: 'i18n: add Grüße to the greeting table',
      headerAuthorSubject: 'façade: ne plus échouer à la première erreur',
      utf8Author: 'Jürgen Groß',
      utf8Subject: 'xen: fix Groß typo in naïve code',
    };
    const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
    const base = r.commit('Initial import', { README: 'i18n test\n', 'src/cafe.c': cSource('cafe', 0) });
    const latin1NoHeader = r.rawCommit({
      author: latin1(`${text.authorName} <${text.authorEmail}>`),
      message: latin1(`${text.noHeaderSubject}\n\nRésumé: the parser choked on ü and ß.\n\n${SOB(`${text.authorName} <${text.authorEmail}>`)}\n`),
      files: { 'src/cafe.c': cSource('cafe', 1) },
    });
    const latin1Header = r.commit(
      text.headerSubject,
      { 'src/greet.c': cSource('greet', 0) },
      {
        encoding: 'ISO-8859-1',
        body: `Grüße, «bonjour», ¡hola!\n\n${SOB('Stable Tester <tester@example.org>')}`,
      },
    );
    const latin1HeaderAuthor = r.rawCommit({
      author: latin1(`${text.authorName} <${text.authorEmail}>`),
      encoding: 'ISO-8859-1',
      message: latin1(`${text.headerAuthorSubject}\n\nÀ noter: «façade».\n\n${SOB(`${text.authorName} <${text.authorEmail}>`)}\n`),
      files: { 'src/facade.c': cSource('facade', 0) },
    });
    const utf8 = r.commit(
      text.utf8Subject,
      { 'src/xen.c': cSource('xen', 0) },
      {
        author: `${text.utf8Author} <jgross@example.org>`,
        body: `Naïve code.\n\n${SOB(`${text.utf8Author} <jgross@example.org>`)}`,
      },
    );
    return { repo: r, base, latin1NoHeader, latin1Header, latin1HeaderAuthor, utf8, text, cleanup: () => r.cleanup() };
  } catch (e) {
    r.cleanup();
    throw e;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* one huge commit                                                                                   */

export interface BigCommitFixture extends Fixture {
  base: string;
  /** Adds `nFiles` files (written with git fast-import). */
  big: string;
  /** A small commit on top that changes pathOf(0). */
  after: string;
  nFiles: number;
  /** Path of the i-th file of the big commit. */
  pathOf(i: number): string;
}

/**
 * Branch 'main': base -> big (adds nFiles files) -> after, all written with git fast-import.
 * Bare by default (like a mirror): checking out 10k files takes seconds on slow file systems, the
 * import itself half a second. `{ bare: false }` gives a work tree checked out at `after`.
 */
export function bigCommitRepo(nFiles = 10000, opts: { bare?: boolean } = {}): BigCommitFixture {
  const r = makeRepo({ prefix: 'stablepick-big-', bare: opts.bare ?? true });
  try {
    const pathOf = (i: number): string => `drivers/gen/d${String(i % 100).padStart(2, '0')}/f${String(i).padStart(5, '0')}.c`;
    const base = r.bulkCommit('Initial import', { README: 'big\n', Makefile: 'all:\n' });
    const files: Record<string, string> = {};
    for (let i = 0; i < nFiles; i++) files[pathOf(i)] = `int f${i}(void) { return ${i}; }\n`;
    const big = r.bulkCommit(`drivers: add ${nFiles} generated drivers`, files, {
      body: `Generated.\n\n${SOB('Bot <bot@example.org>')}`,
      author: 'Bot <bot@example.org>',
    });
    const after = r.bulkCommit('drivers: fix f00000', { [pathOf(0)]: 'int f0(void) { return -1; }\n' });
    return { repo: r, base, big, after, nFiles, pathOf, cleanup: () => r.cleanup() };
  } catch (e) {
    r.cleanup();
    throw e;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* merges, renames, binaries                                                                         */

export interface MergesFixture extends Fixture {
  base: string;
  topic: string[];
  /** The main-line commit made while topic was out. */
  mainSide: string;
  /** A two-parent merge of 'topic'. */
  merge: string;
  /** Tips of 'oct-a', 'oct-b', 'oct-c'. */
  octopusBranches: string[];
  /** An octopus merge with 4 parents (main + three branches). */
  octopus: string;
  /** A pure rename (100% similarity). */
  rename: string;
  renameFrom: string;
  renameTo: string;
  /** A rename with a small change (similarity below 100%). */
  renameEdit: string;
  binaryPath: string;
  binaryAdd: string;
  binaryModify: string;
  /** A two-parent merge with a conflict in src/main.c resolved by hand. */
  conflictMerge: string;
  conflictBranch: string;
}

export function mergesRepo(): MergesFixture {
  const r = makeRepo({ prefix: 'stablepick-merges-' });
  try {
    const base = r.commit('Initial import', {
      README: 'merges\n',
      'src/main.c': cSource('main', 0),
      'src/util.c': cSource('util', 0),
      'src/old_name.c': cSource('old_name', 0, 30),
      'src/moved.c': cSource('moved', 0, 30),
    });
    r.branch('topic', { checkout: true });
    const topic = [
      r.commit('topic: add feature', { 'src/feature.c': cSource('feature', 0) }),
      r.commit('topic: wire feature up', { 'src/feature.h': 'int feature_0(void);\n' }),
    ];
    r.checkout('main');
    const mainSide = r.commit('util: tweak helpers', { 'src/util.c': cSource('util', 1) });
    const merge = r.merge('topic', { message: "Merge branch 'topic'" });
    const octopusBranches: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      r.branch(`oct-${name}`, { checkout: true });
      octopusBranches.push(r.commit(`oct-${name}: add ${name}.c`, { [`src/oct/${name}.c`]: cSource(`oct_${name}`, 0) }));
      r.checkout('main');
    }
    const octopus = r.octopus(['oct-a', 'oct-b', 'oct-c'], { message: "Merge branches 'oct-a', 'oct-b' and 'oct-c'" });
    r.rename('src/old_name.c', 'src/new_name.c');
    const rename = r.commit('src: rename old_name.c to new_name.c');
    const moved = readFileSync(path.join(r.dir, 'src/moved.c'), 'utf8');
    r.rename('src/moved.c', 'lib/moved.c');
    const renameEdit = r.commit('lib: move moved.c and fix a constant', { 'lib/moved.c': moved.replace('return 0;', 'return 42;') });
    const binaryPath = 'assets/logo.bin';
    const bin = Buffer.alloc(2048);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 7) % 256;
    r.writeBinary(binaryPath, bin);
    const binaryAdd = r.commit('assets: add logo');
    const bin2 = Buffer.from(bin);
    bin2[100] = 0;
    bin2[1000] = 255;
    const binaryModify = r.commit('assets: update logo', { [binaryPath]: bin2 });
    const conflictBranch = 'conflict';
    r.branch(conflictBranch, { checkout: true });
    r.commit('main: return 1 from main_0', { 'src/main.c': cSource('main', 0).replace('main_0(void) { return 0; }', 'main_0(void) { return 1; }') });
    r.checkout('main');
    r.commit('main: return 2 from main_0', { 'src/main.c': cSource('main', 0).replace('main_0(void) { return 0; }', 'main_0(void) { return 2; }') });
    const conflictMerge = r.merge(conflictBranch, {
      message: "Merge branch 'conflict'",
      files: { 'src/main.c': cSource('main', 0).replace('main_0(void) { return 0; }', 'main_0(void) { return 3; }') },
    });
    return {
      repo: r,
      base,
      topic,
      mainSide,
      merge,
      octopusBranches,
      octopus,
      rename,
      renameFrom: 'src/old_name.c',
      renameTo: 'src/new_name.c',
      renameEdit,
      binaryPath,
      binaryAdd,
      binaryModify,
      conflictMerge,
      conflictBranch,
      cleanup: () => r.cleanup(),
    };
  } catch (e) {
    r.cleanup();
    throw e;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* upstream markers                                                                                  */

export interface MarkerFixture extends Fixture {
  /** Mainline branch name ('master'). */
  mainline: string;
  /** Stable branch names. */
  branches: { linux: string; dpdk: string; xen: string; systemdA: string; systemdB: string };
  /** Mainline: the initial import (tagged v6.6) and the v6.7 tip. */
  base: string;
  v67: string;
  /** Mainline originals. */
  up: {
    upstreamCommit: string;
    commitUpstream: string;
    prereq: string;
    needsPrereq: string;
    dpdk: string;
    xen: string;
    chained: string;
    patchIdOnly: string;
    revertedLater: string;
    /** A mainline commit that mainline itself reverted. */
    mainlineReverted: string;
    /** Mainline's `Revert "..."` of mainlineReverted. */
    mainlineRevert: string;
  };
  /** Stable commits. */
  stable: {
    /** linux-6.6.y: `[ Upstream commit <up.upstreamCommit> ]` */
    upstreamCommit: string;
    /** linux-6.6.y: `commit <up.commitUpstream> upstream.` */
    commitUpstream: string;
    /** linux-6.6.y: `[ Upstream commit <up.prereq> ]` plus `Stable-dep-of: <up.needsPrereq 12> ("subject")` */
    prereq: string;
    /** linux-6.6.y: `[ Upstream commit <up.needsPrereq> ]` */
    needsPrereq: string;
    /** linux-6.6.y: same subject, author and patch as up.patchIdOnly, no marker */
    patchIdOnly: string;
    /** linux-6.6.y: `commit <up.revertedLater> upstream.`, reverted by `revert` below */
    revertedPick: string;
    /** linux-6.6.y: `This reverts commit <revertedPick>.` */
    revert: string;
    /** 22.11 (DPDK): `[ upstream commit <up.dpdk> ]` */
    dpdk: string;
    /** stable-4.17 (Xen): `master commit: <up.xen>` / `master date: ...` */
    xen: string;
    /** v255-stable: `(cherry picked from commit <up.chained>)` */
    chainA1: string;
    /** v254-stable: picked from chainA1 with -x: two lines, up.chained then chainA1 */
    chainB1: string;
  };
  tags: { v66: string; v67: string; v661: string };
}

export function markerRepo(): MarkerFixture {
  const r = makeRepo({ branch: 'master', prefix: 'stablepick-markers-' });
  try {
    const files: Record<string, string> = {};
    const paths = {
      e1000: 'drivers/net/e1000/main.c',
      ext4: 'fs/ext4/inode.c',
      slab: 'mm/slab.c',
      ixgbe: 'drivers/net/ixgbe/ixgbe_rxtx.c',
      spec: 'xen/arch/x86/spec_ctrl.c',
      unit: 'src/core/unit.c',
      strscpy: 'lib/string.c',
      hda: 'sound/pci/hda/hda_intel.c',
      blk: 'block/blk-core.c',
    };
    for (const [k, p] of Object.entries(paths)) files[p] = cSource(k, 0);
    files.Makefile = 'VERSION = 6\nPATCHLEVEL = 6\n';
    const base = r.commit('Linux 6.6', files, { author: 'Linus Torvalds <torvalds@linux-foundation.org>' });
    r.tag('v6.6', { annotated: true, message: 'Linux 6.6' });

    const dev = (who: string, text: string): string => `${text}\n\n${SOB(who)}`;
    const edit = (p: string, k: string, v: number): FileMap => ({ [p]: cSource(k, v) });
    const up = {
      upstreamCommit: r.commit('e1000: fix Tx ring overflow', edit(paths.e1000, 'e1000', 1), {
        author: 'Ann Dev <ann@example.org>',
        body: dev('Ann Dev <ann@example.org>', 'The ring wrapped one slot early.'),
      }),
      commitUpstream: r.commit('ext4: fix inode leak on error path', edit(paths.ext4, 'ext4', 1), {
        author: 'Ted Dev <ted@example.org>',
        body: dev('Ted Dev <ted@example.org>', 'iput() was skipped.'),
      }),
      prereq: r.commit('mm/slab: add slab_free_checked() helper', edit(paths.slab, 'slab', 1), {
        author: 'Vlasta Dev <vlasta@example.org>',
        body: dev('Vlasta Dev <vlasta@example.org>', 'A helper for the next patch.'),
      }),
      needsPrereq: '',
      dpdk: r.commit('net/ixgbe: fix Rx queue setup', edit(paths.ixgbe, 'ixgbe', 1), {
        author: 'Qi Dev <qi@example.org>',
        body: dev('Qi Dev <qi@example.org>', 'Fixes the descriptor count.'),
      }),
      xen: r.commit('x86/spec-ctrl: fix SPEC_CTRL handling on resume', edit(paths.spec, 'spec', 1), {
        author: 'Andrew Dev <andrew@example.org>',
        body: dev('Andrew Dev <andrew@example.org>', 'MSR was not restored.'),
      }),
      chained: r.commit('core/unit: fix crash on unit reload', edit(paths.unit, 'unit', 1), {
        author: 'Lennart Dev <lennart@example.org>',
        body: 'Null pointer when the unit file vanished.',
      }),
      patchIdOnly: r.commit('lib/string: fix strscpy() return value', edit(paths.strscpy, 'strscpy', 1), {
        author: 'Kees Dev <kees@example.org>',
        body: dev('Kees Dev <kees@example.org>', 'Returned the wrong length.'),
      }),
      revertedLater: r.commit('ALSA: hda: enable runtime PM by default', edit(paths.hda, 'hda', 1), {
        author: 'Takashi Dev <takashi@example.org>',
        body: dev('Takashi Dev <takashi@example.org>', 'Saves power.'),
      }),
      mainlineReverted: r.commit('block: skip plug flush for single request', edit(paths.blk, 'blk', 1), {
        author: 'Jens Dev <jens@example.org>',
        body: dev('Jens Dev <jens@example.org>', 'Faster.'),
      }),
      mainlineRevert: '',
    };
    up.needsPrereq = r.commit('mm/slab: use slab_free_checked() in kfree()', edit(paths.slab, 'slab', 2), {
      author: 'Vlasta Dev <vlasta@example.org>',
      body: dev('Vlasta Dev <vlasta@example.org>', 'Catches double frees.'),
    });
    up.mainlineRevert = r.revert(up.mainlineReverted, { body: 'It broke NVMe.\n\nSigned-off-by: Jens Dev <jens@example.org>' });
    const v67 = r.commit('Linux 6.7', { Makefile: 'VERSION = 6\nPATCHLEVEL = 7\n' }, { author: 'Linus Torvalds <torvalds@linux-foundation.org>' });
    r.tag('v6.7', { annotated: true, message: 'Linux 6.7' });

    const branches = { linux: 'linux-6.6.y', dpdk: '22.11', xen: 'stable-4.17', systemdA: 'v255-stable', systemdB: 'v254-stable' };
    r.branch(branches.linux, { at: 'v6.6', checkout: true });
    const upstreamCommit = r.cherryPick(up.upstreamCommit, { marker: 'upstream-commit', appendTrailers: [SOB(SASHA)] });
    const commitUpstream = r.cherryPick(up.commitUpstream, { marker: 'commit-upstream', appendTrailers: [SOB(GREG)] });
    const prereq = r.cherryPick(up.prereq, {
      marker: 'upstream-commit',
      appendTrailers: [`Stable-dep-of: ${short(up.needsPrereq)} ("${subjectOf(r, up.needsPrereq)}")`, SOB(SASHA)],
    });
    const needsPrereq = r.cherryPick(up.needsPrereq, { marker: 'upstream-commit', appendTrailers: [SOB(SASHA)] });
    const patchIdOnly = r.cherryPick(up.patchIdOnly, { marker: 'none' });
    const revertedPick = r.cherryPick(up.revertedLater, { marker: 'commit-upstream', appendTrailers: [SOB(GREG)] });
    const revert = r.revert(revertedPick, { body: `It causes clicks on some codecs.\n\n${SOB(GREG)}` });
    const v661 = r.commit('Linux 6.6.1', { Makefile: 'VERSION = 6\nPATCHLEVEL = 6\nSUBLEVEL = 1\n' }, { author: GREG });
    r.tag('v6.6.1', { annotated: true, message: 'Linux 6.6.1' });

    r.branch(branches.dpdk, { at: 'v6.6', checkout: true });
    const dpdk = r.cherryPick(up.dpdk, { marker: 'upstream-commit-lc' });

    r.branch(branches.xen, { at: 'v6.6', checkout: true });
    const xen = r.cherryPick(up.xen, { marker: 'xen' });

    r.branch(branches.systemdA, { at: 'v6.6', checkout: true });
    const chainA1 = r.cherryPick(up.chained, { marker: 'cherry-picked' });
    r.branch(branches.systemdB, { at: 'v6.6', checkout: true });
    const chainB1 = r.cherryPick(chainA1, { marker: 'cherry-picked' });

    r.checkout('master');
    return {
      repo: r,
      mainline: 'master',
      branches,
      base,
      v67,
      up,
      stable: { upstreamCommit, commitUpstream, prereq, needsPrereq, patchIdOnly, revertedPick, revert, dpdk, xen, chainA1, chainB1 },
      tags: { v66: base, v67, v661 },
      cleanup: () => r.cleanup(),
    };
  } catch (e) {
    r.cleanup();
    throw e;
  }
}

/* ------------------------------------------------------------------------------------------------ */
/* Fixes:, Cc: stable and other trailers                                                             */

export interface FixesFixture extends Fixture {
  base: string;
  /** 'foo: add foo' and its fix with `Fixes: <12> ("foo: add foo")`. */
  introduced: string;
  fixFull: string;
  /** 'bar: add bar queue' and its fix with a 7-char (unique) id. */
  introducedBar: string;
  fixShort7: string;
  /** Two commits whose ids share `ambiguousPrefix` (4 hex digits). */
  ambiguousA: string;
  ambiguousB: string;
  ambiguousPrefix: string;
  /** `Fixes: <ambiguousPrefix> ("<subject of ambiguousB>")`: only the subject says which. */
  fixAmbiguous: string;
  /** `Fixes: #1234` */
  fixIssueNumber: string;
  /** `Fixes: https://bugs.example/1` */
  fixUrl: string;
  /** `Fixes: commit abcdef0` (no subject; abcdef0 names nothing) */
  fixNoSubject: string;
  /** `Fixes: <12 chars of introduced>` with no subject */
  fixBareSha: string;
  /** `Fixes: <unknownSha> ("net: fix a thing that never was")` */
  fixUnknown: string;
  unknownSha: string;
  /** `Cc: stable@vger.kernel.org # 6.1.x` */
  ccStableVersion: string;
  /** `Cc: <stable@vger.kernel.org> # after -rc3` */
  ccStableAfterRc: string;
  /** `Cc: stable@vger.kernel.org # 3.3.x: <prereq 7>: prerequisite`; prereq is a real commit */
  ccStablePrereq: string;
  prereq: string;
  /** `Cc: stable+noautosel@kernel.org # reason` */
  ccNoAutosel: string;
  /** Reported-by, Reviewed-by, Tested-by, Acked-by, Suggested-by, Co-developed-by, Link, Closes,
   *  Message-ID, Backport-to, Signed-off-by */
  manyTrailers: string;
  /** systemd: `Follow-up for: <introduced>` */
  followUpFor: string;
  /** util-linux: `Addresses: <introducedBar>` */
  addresses: string;
}

export function fixesRepo(): FixesFixture {
  const r = makeRepo({ branch: 'master', prefix: 'stablepick-fixes-' });
  try {
    const me = 'Dev One <dev1@example.org>';
    const msg = (text: string, ...trailers: string[]): string => `${text}\n\n${[...trailers, SOB(me)].join('\n')}`;
    const f = (p: string, v: number): FileMap => ({ [p]: cSource(p.replace(/^.*\//, ''), v) });
    const base = r.commit('Initial import', { README: 'fixes\n', ...f('drivers/foo.c', 0), ...f('drivers/bar.c', 0), ...f('drivers/baz.c', 0) });

    const introduced = r.commit('foo: add foo', f('drivers/foo.c', 1), { author: me, body: msg('Adds foo.') });
    const fixFull = r.commit('foo: fix NULL dereference in foo_0()', f('drivers/foo.c', 2), {
      author: me,
      body: msg('foo_0() did not check its argument.', `Fixes: ${short(introduced)} ("foo: add foo")`),
    });

    const introducedBar = r.commit('bar: add bar queue', f('drivers/bar.c', 1), { author: me, body: msg('Adds a queue.') });
    const short7 = short(introducedBar, 7);
    if (r.tryRevParse(`${short7}^{commit}`) !== introducedBar) throw new Error(`${short7} is not unique`);
    const fixShort7 = r.commit('bar: fix queue overflow', f('drivers/bar.c', 2), {
      author: me,
      body: msg('Off by one.', `Fixes: ${short7} ("bar: add bar queue")`),
    });

    const ambiguousA = r.commit('baz: add baz locking', f('drivers/baz.c', 1), { author: me, body: msg('Adds a lock.') });
    const ambiguousPrefix = ambiguousA.slice(0, 4);
    // Instead of making commits until two collide (~300 on average), search the author and committer
    // seconds of one new commit in-process until its id starts with the same 4 digits.
    const ambiguousB = r.commitWithShaPrefix(ambiguousPrefix, 'baz: rework baz locking', f('drivers/baz.c', 2), { author: me, body: msg('Finer locks.') });
    if (r.tryRevParse(ambiguousPrefix) !== null) throw new Error(`${ambiguousPrefix} is not ambiguous`);
    const fixAmbiguous = r.commit('baz: fix deadlock in baz_3()', f('drivers/baz.c', 3), {
      author: me,
      body: msg('Lock order inverted.', `Fixes: ${ambiguousPrefix} ("baz: rework baz locking")`),
    });

    let n = 10;
    const touch = (): FileMap => f('drivers/misc.c', n++);
    const fixIssueNumber = r.commit('misc: fix crash reported in #1234', touch(), { author: me, body: msg('See the issue.', 'Fixes: #1234') });
    const fixUrl = r.commit('misc: fix bug 1', touch(), { author: me, body: msg('See the bug.', 'Fixes: https://bugs.example/1') });
    if (r.tryRevParse('abcdef0^{object}')) throw new Error('abcdef0 unexpectedly names an object');
    const fixNoSubject = r.commit('misc: fix old commit', touch(), { author: me, body: msg('Old bug.', 'Fixes: commit abcdef0') });
    const fixBareSha = r.commit('foo: fix foo_1() too', f('drivers/foo.c', 3), { author: me, body: msg('Same bug.', `Fixes: ${short(introduced)}`) });
    const unknownSha = 'deadbeefcafe';
    if (r.tryRevParse(`${unknownSha}^{object}`)) throw new Error(`${unknownSha} unexpectedly names an object`);
    const fixUnknown = r.commit('misc: fix a thing', touch(), {
      author: me,
      body: msg('From another tree.', `Fixes: ${unknownSha} ("net: fix a thing that never was")`),
    });

    const prereq = r.commit('misc: add misc_prepare()', touch(), { author: me, body: msg('Needed by the next fix.') });
    const ccStableVersion = r.commit('misc: fix leak', touch(), { author: me, body: msg('Leak.', 'Cc: stable@vger.kernel.org # 6.1.x') });
    const ccStableAfterRc = r.commit('misc: fix race', touch(), { author: me, body: msg('Race.', 'Cc: <stable@vger.kernel.org> # after -rc3') });
    const ccStablePrereq = r.commit('misc: fix misc_prepare() users', touch(), {
      author: me,
      body: msg('Needs the helper.', `Cc: stable@vger.kernel.org # 3.3.x: ${short(prereq, 7)}: prerequisite`, 'Cc: stable@vger.kernel.org # 3.3.x'),
    });
    const ccNoAutosel = r.commit('misc: change default timeout', touch(), {
      author: me,
      body: msg('Behaviour change.', 'Cc: stable+noautosel@kernel.org # changes user-visible behaviour'),
    });
    const manyTrailers = r.commit('misc: fix overflow in misc_7()', touch(), {
      author: me,
      body: [
        'Overflow when the count is large.',
        '',
        'Reported-by: Reporter <reporter@example.org>',
        'Closes: https://bugs.example/show_bug.cgi?id=42',
        'Suggested-by: Suggester <suggester@example.org>',
        'Co-developed-by: Co Dev <codev@example.org>',
        'Signed-off-by: Co Dev <codev@example.org>',
        'Reviewed-by: Reviewer <reviewer@example.org>',
        'Tested-by: Tester <tester2@example.org>',
        'Acked-by: Maintainer <maint@example.org>',
        'Link: https://lore.kernel.org/r/20240101000000.1234-1-dev1@example.org',
        'Message-ID: <20240101000000.1234-1-dev1@example.org>',
        'Backport-to: 6.6',
        SOB(me),
      ].join('\n'),
    });
    const followUpFor = r.commit('foo: follow-up for foo rework', f('drivers/foo.c', 4), {
      author: me,
      body: `Also handle the second caller.\n\nFollow-up for: ${introduced}`,
    });
    const addresses = r.commit('bar: fix queue length check', f('drivers/bar.c', 3), {
      author: me,
      body: `Addresses: ${introducedBar}\n${SOB(me)}`,
    });
    return {
      repo: r,
      base,
      introduced,
      fixFull,
      introducedBar,
      fixShort7,
      ambiguousA,
      ambiguousB,
      ambiguousPrefix,
      fixAmbiguous,
      fixIssueNumber,
      fixUrl,
      fixNoSubject,
      fixBareSha,
      fixUnknown,
      unknownSha,
      ccStableVersion,
      ccStableAfterRc,
      ccStablePrereq,
      prereq,
      ccNoAutosel,
      manyTrailers,
      followUpFor,
      addresses,
      cleanup: () => r.cleanup(),
    };
  } catch (e) {
    r.cleanup();
    throw e;
  }
}
