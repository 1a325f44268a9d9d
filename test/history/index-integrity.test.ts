/**
 * A damaged, read-only or full index is the user's problem, named in one line (exit 1), never an
 * "internal error" (exit 70):
 *   - damaged pages: `index` runs SQLite's quick_check and refuses the index with INDEX_CORRUPT (it used to
 *     exit 0 without noticing); `stats`, `explain`, `deps` say the index is damaged (stats used to exit 70);
 *   - a read-only index (a shared team copy: file 0444 in a folder 0555, read by another user) answers
 *     every command that only reads; the commands that record say it is read-only;
 *   - a full disk (a real tmpfs, filled): the commands that write say "no space left" and leave no partial
 *     output file (write to a temporary file, then rename).
 * The repository is never changed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempCacheDir } from '../helpers/cli.js';
import { makeRepo, makeTempDir, type RepoBuilder } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BRANCH = 'linux-1.0.y';
const isRoot = process.getuid?.() === 0;
/** The uid/gid a root test runs the CLI as, so that file modes apply (root ignores them). */
const OTHER = 65534;

let r: RepoBuilder;
let before: RepoStateSnapshot;
let cleanDb: string;
let fix: string;

/** `n` upstream commits by fast-import (pages enough to damage), a stable branch, a few picks. */
function history(repo: RepoBuilder, n: number): void {
  const lines: string[] = [];
  const head = repo.revParse('HEAD');
  const base = Number(repo.git(['log', '-1', '--format=%ct']).trim());
  for (let i = 0; i < n; i++) {
    const cc = i % 20 === 0 ? 'Cc: stable@vger.kernel.org\n' : '';
    const msg = `sub${i % 13}: fix thing ${i}\n\nA longer text for change ${i}, so that rows fill pages.\n\n${cc}Signed-off-by: Dev ${i % 5} <dev${i % 5}@example.org>\n`;
    lines.push(
      'commit refs/heads/main',
      `mark :${i + 1}`,
      `author Dev <dev@example.org> ${base + i + 1} +0000`,
      `committer Dev <dev@example.org> ${base + i + 1} +0000`,
    );
    lines.push(`data ${Buffer.byteLength(msg)}`, msg);
    if (i === 0) lines.push(`from ${head}`);
    lines.push(`M 100644 inline dir${i % 11}/file${i % 97}.c`, `data ${String(i).length + 1}`, `${i}`, '');
  }
  repo.git(['fast-import', '--quiet', '--force'], { input: lines.join('\n') + '\n' });
  repo.git(['reset', '-q', '--hard', 'main']);
  // The stable branch picks every 20th commit (the ones with a stable tag), by commit-tree.
  const mainShas = repo.git(['rev-list', '--reverse', 'main']).trim().split('\n').slice(1);
  let tip = repo.revParse(BRANCH);
  const tree = repo.git(['rev-parse', `${tip}^{tree}`]).trim();
  for (let i = 0; i < n; i += 20) {
    tip = repo
      .git(['commit-tree', tree, '-p', tip, '-m', `sub${i % 13}: fix thing ${i}\n\ncommit ${mainShas[i]} upstream.\n\nSigned-off-by: Greg <greg@example.org>`])
      .trim();
  }
  repo.git(['update-ref', `refs/heads/${BRANCH}`, tip]);
}

beforeAll(() => {
  r = makeRepo({ branch: 'main' });
  r.commit('Initial', { README: 'x\n', 'lib/a.c': 'int a = 1;\n' });
  r.tag('v1.0', { annotated: true, message: 'v1.0' });
  r.branch(BRANCH, { checkout: false });
  history(r, 3000);
  fix = r.commit('lib: fix a', { 'lib/a.c': 'int a = 2;\n' }, { body: 'Cc: stable@vger.kernel.org\nSigned-off-by: Dev <dev@example.org>' });
  cleanDb = path.join(makeTempDir('stablepick-integrity-'), 'clean.sqlite');
  const res = runCli(['index', '--repo', r.dir, '--db', cleanDb]);
  if (res.code !== 0) throw new Error(res.stderr);
  // explain and deps need a selection model.
  const trained = runCli(['train', '--repo', r.dir, '--db', cleanDb]);
  if (trained.code !== 0) throw new Error(trained.stderr);
  before = snapshotRepoState(r.dir);
}, 180_000);

afterAll(() => {
  expectRepoUnchanged(r.dir, before);
  r.cleanup();
});

/** A copy of the clean index in a new folder. */
function copyIndex(): string {
  const dir = makeTempDir('stablepick-integrity-');
  const file = path.join(dir, 'index.sqlite');
  copyFileSync(cleanDb, file);
  return file;
}

/** Overwrites the middle fifth of the file's pages with bytes no b-tree page can hold. */
function damagePages(file: string): void {
  const head = readFileSync(file).subarray(0, 100);
  const pageSize = head.readUInt16BE(16) === 1 ? 65536 : head.readUInt16BE(16);
  const pages = Math.floor(statSync(file).size / pageSize);
  expect(pages).toBeGreaterThan(20);
  const fd = openSync(file, 'r+');
  try {
    for (let p = Math.floor(pages * 0.4); p < Math.floor(pages * 0.6); p++) writeSync(fd, Buffer.alloc(pageSize, 0x41), 0, pageSize, p * pageSize);
  } finally {
    closeSync(fd);
  }
}

const common = (db: string): string[] => ['--repo', r.dir, '--db', db];

describe('a damaged index', () => {
  it('index refuses it with INDEX_CORRUPT; stats, explain and deps name the damage in one line (exit 1, not 70)', () => {
    const db = copyIndex();
    damagePages(db);
    const idx = runCli(['index', ...common(db)]);
    expect(idx.code).toBe(1);
    expect(idx.stderr).toMatch(
      new RegExp(`^stablepick: the index ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged \\(.*\\) — delete it and run \`stablepick index\` again\\n$`),
    );
    for (const args of [['stats'], ['explain', fix, '--branch', BRANCH], ['deps', fix, '--branch', BRANCH]]) {
      const res = runCli([...args, ...common(db)]);
      expect(res.code, `${args[0]}: ${res.stderr}`).toBe(1);
      expect(res.stderr).toMatch(/^stablepick: the index .* is damaged .* — delete it and run `stablepick index` again\n$/);
    }
    // Deleting it and indexing again, as the message says, works.
    rmSync(db);
    expect(runCli(['index', ...common(db)]).code).toBe(0);
  }, 120_000);

  it('a clean index passes the check', () => {
    const db = copyIndex();
    const idx = runCli(['index', ...common(db), '--json']);
    expect(idx.stderr).toBe('');
    expect(idx.code).toBe(0);
  }, 60_000);
});

/** The CLI as a user who cannot write the index (root runs it as uid 65534, for whom modes apply). */
function runAsReader(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const prefix = isRoot ? ['setpriv', `--reuid=${OTHER}`, `--regid=${OTHER}`, '--clear-groups'] : [];
  const cache = tempCacheDir();
  chmodSync(cache, 0o777);
  // The repository belongs to root: git's safe.directory, from the reader's own global config.
  writeFileSync(path.join(cache, '.gitconfig'), '[safe]\n\tdirectory = *\n');
  chmodSync(path.join(cache, '.gitconfig'), 0o644);
  const env = { ...process.env, STABLEPICK_CACHE_DIR: cache, HOME: cache, XDG_CONFIG_HOME: cache };
  const cmd = [...prefix, process.execPath, '--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), ...args];
  const res = spawnSync(cmd[0]!, cmd.slice(1), { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/** Makes the test repository readable by the reader (modes only; its content is untouched). */
function shareRepo(): void {
  if (!isRoot) return;
  const walk = (d: string): void => {
    chmodSync(d, statSync(d).mode | 0o005);
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) chmodSync(p, statSync(p).mode | 0o004);
    }
  };
  walk(r.dir);
  for (let d = path.dirname(r.dir); d !== path.dirname(d); d = path.dirname(d)) chmodSync(d, statSync(d).mode | 0o005);
}

describe('a read-only index (a shared copy)', () => {
  let roDb: string;
  const READS: string[][] = [];
  beforeAll(() => {
    shareRepo();
    // After the repository changed owner its snapshot is taken again (ownership is not content).
    before = snapshotRepoState(r.dir);
    const dir = makeTempDir('stablepick-readonly-');
    roDb = path.join(dir, 'index.sqlite');
    copyFileSync(cleanDb, roDb);
    chmodSync(roDb, 0o444);
    chmodSync(dir, 0o555);
    READS.push(
      ['stats'],
      ['branches'],
      ['show', fix],
      ['scan', `${r.revParse(`${fix}~5`)}..${fix}`, '--branch', BRANCH],
      ['affected', fix],
      ['review', 'history', fix, '--branch', BRANCH],
      ['explain', fix, '--branch', BRANCH],
      ['deps', fix, '--branch', BRANCH],
      ['review', 'list'],
      ['apply-check', fix, '--branch', BRANCH],
    );
  });

  it('answers every command that only reads, as a writable index does', () => {
    for (const args of READS) {
      const ro = runAsReader([...args, ...common(roDb)]);
      expect(ro.stderr, args.join(' ')).toBe('');
      expect(ro.code, args.join(' ')).toBe(0);
      const rw = runCli([...args, ...common(cleanDb)]);
      expect(ro.stdout.replaceAll(roDb, 'DB'), args.join(' ')).toBe(rw.stdout.replaceAll(cleanDb, 'DB'));
    }
    expect(existsSync(`${roDb}-wal`)).toBe(false);
  }, 300_000);

  it('the commands that record say in one line that it is read-only (exit 1)', () => {
    for (const args of [['review', 'accept', fix, '--branch', BRANCH, '--who', 'Rev <rev@example.org>'], ['index']]) {
      const res = runAsReader([...args, ...common(roDb)]);
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(1);
      expect(res.stderr).toMatch(/^stablepick: cannot write .*read-only — .*\n$/);
    }
  }, 120_000);
});

/** A tmpfs of `size` mounted on a new folder (root only), or null when this system cannot mount one. */
function smallTmpfs(size: string): { dir: string; fill(): void; unmount(): void } | null {
  if (!isRoot) return null;
  const dir = makeTempDir('stablepick-full-');
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (m.status !== 0) return null;
  return {
    dir,
    // Fills what is left with one file, until the file system says ENOSPC.
    fill: () => {
      const fd = openSync(path.join(dir, 'filler'), 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      } finally {
        closeSync(fd);
      }
      // Smaller writes take the last partial block.
      const fd2 = openSync(path.join(dir, 'filler2'), 'w');
      try {
        for (;;) writeSync(fd2, Buffer.alloc(512, 1));
      } catch {
        // full
      } finally {
        closeSync(fd2);
      }
    },
    unmount: () => {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const canMount = ((): boolean => {
  const t = smallTmpfs('1m');
  t?.unmount();
  return t !== null;
})();

describe.skipIf(!canMount)('a full disk (a real tmpfs, filled)', () => {
  it('review decisions and exports fail in one line (exit 1) and leave no partial file', () => {
    const fs = smallTmpfs(`${Math.ceil(statSync(cleanDb).size / 1024 / 1024) + 8}m`)!;
    try {
      const db = path.join(fs.dir, 'index.sqlite');
      copyFileSync(cleanDb, db);
      const accepted = runCli(['review', 'accept', fix, '--branch', BRANCH, '--who', 'Rev <rev@example.org>', ...common(db)]);
      expect(accepted.stderr).toBe('');
      expect(accepted.code).toBe(0);
      fs.fill();
      const out = path.join(fs.dir, 'queue.mbox');
      const exp = runCli(['review', 'export', '--branch', BRANCH, '--format', 'mbox', '--out', out, ...common(db)]);
      expect(exp.code, exp.stderr).toBe(1);
      expect(exp.stderr).toMatch(/^stablepick: no space left on the disk .*— free some space .*\n$/);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(fs.dir).filter((f) => f.includes('stablepick-'))).toEqual([]);
      const quilt = path.join(fs.dir, 'quilt');
      const q = runCli(['review', 'export', '--branch', BRANCH, '--format', 'quilt', '--out', quilt, ...common(db)]);
      expect(q.code, q.stderr).toBe(1);
      expect(existsSync(quilt)).toBe(false);
      const dec = runCli([
        'review',
        'reject',
        fix,
        '--branch',
        BRANCH,
        '--who',
        'Rev <rev@example.org>',
        '--why',
        'a long reason '.repeat(2000),
        ...common(db),
      ]);
      expect(dec.code, dec.stderr).toBe(1);
      expect(dec.stderr).toMatch(/^stablepick: (no space left on the disk|input\/output error).*\n$/);
      const stats = runCli(['stats', ...common(db)]);
      expect([0, 1]).toContain(stats.code);
      if (stats.code === 1) expect(stats.stderr).toMatch(/^stablepick: no space left on the disk .*\n$/);
    } finally {
      fs.unmount();
    }
  }, 180_000);
});
