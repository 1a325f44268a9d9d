/**
 * A small upstream history with one stable branch, indexed into a temporary SQLite file, and the CLI
 * (with `review` registered) to run against it.
 *
 *   main:        base ─ fixA (lib/a.c) ─ fixB (lib/b.c) ─ gpu (drivers/gpu/drm.c) ─ mm (mm/page.c)
 *                      ─ fixC (lib/c.c, conflicts on the branch) ─ fixD (lib/d.c)
 *   linux-1.0.y: base ─ own change to lib/c.c
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeRepo, makeTempDir, type RepoBuilder } from '../helpers/repo-builder.js';
import { runCli, tempCacheDir, type CliResult } from '../helpers/cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'test', 'review', 'review-bin.ts');

export const BRANCH = 'linux-1.0.y';

export interface ReviewFixture {
  repo: RepoBuilder;
  db: string;
  base: string;
  fixA: string;
  fixB: string;
  gpu: string;
  mm: string;
  fixC: string;
  fixD: string;
  /** An sha no repository holds. */
  unknown: string;
  cleanup(): void;
}

const lines = (n: number, tag: string): string => Array.from({ length: n }, (_, i) => `int ${tag}${i} = ${i};\n`).join('');

export function buildReviewRepo(): ReviewFixture {
  const repo = makeRepo({ branch: 'main' });
  const base = repo.commit('initial import', {
    'lib/a.c': lines(20, 'a'),
    'lib/b.c': lines(20, 'b'),
    'lib/c.c': lines(20, 'c'),
    'lib/d.c': lines(20, 'd'),
    'drivers/gpu/drm.c': lines(20, 'g'),
    'mm/page.c': lines(20, 'p'),
  });
  repo.tag('v1.0');
  repo.branch(BRANCH);
  const fixA = repo.commit(
    'lib: fix a3',
    { 'lib/a.c': lines(20, 'a').replace('a3 = 3', 'a3 = 33') },
    { body: 'a3 overflowed.\n\nSigned-off-by: Dev <dev@example.org>' },
  );
  const fixB = repo.commit(
    'lib: fix b5',
    { 'lib/b.c': lines(20, 'b').replace('b5 = 5', 'b5 = 55') },
    { body: 'From the start b5 was wrong.\n\nSigned-off-by: Dev <dev@example.org>' },
  );
  const gpu = repo.commit('drm: fix g1', { 'drivers/gpu/drm.c': lines(20, 'g').replace('g1 = 1', 'g1 = 11') });
  const mm = repo.commit('mm: fix p2', { 'mm/page.c': lines(20, 'p').replace('p2 = 2', 'p2 = 22') });
  const fixC = repo.commit('lib: fix c7', { 'lib/c.c': lines(20, 'c').replace('c7 = 7', 'c7 = 77') });
  const fixD = repo.commit('lib: fix d9', { 'lib/d.c': lines(20, 'd').replace('d9 = 9', 'd9 = 99') });
  repo.checkout(BRANCH);
  repo.commit('lib: stable-only change to c7', { 'lib/c.c': lines(20, 'c').replace('c7 = 7', 'c7 = 70') });
  repo.checkout('main');
  const db = path.join(makeTempDir('stablepick-review-db-'), 'index.sqlite');
  const r = runCli(['index', '--repo', repo.dir, '--db', db]);
  if (r.code !== 0) throw new Error(`index failed: ${r.stderr}`);
  return { repo, db, base, fixA, fixB, gpu, mm, fixC, fixD, unknown: 'f'.repeat(40), cleanup: () => repo.cleanup() };
}

/** Runs `stablepick review <args>` against the fixture's repository and index. */
export function review(fx: ReviewFixture, args: readonly string[], extra: readonly string[] = []): CliResult {
  return runReview(['review', ...args, '--repo', fx.repo.dir, '--db', fx.db, ...extra]);
}

export function runReview(args: readonly string[]): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, STABLEPICK_CACHE_DIR: tempCacheDir() },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
