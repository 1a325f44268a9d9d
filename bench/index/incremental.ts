/**
 * Incremental index against a clean one on a real repository (issue 15 item 1). A bare `clone --shared`
 * of the repository (refs/heads and refs/tags only) is indexed clean; then, for each order, the refs are
 * cut back, indexed, restored, indexed again, and the last index is compared with the clean one: row
 * counts and digests (test/helpers/index-digest.ts, 'logical': row ids replaced by shas), picks of the
 * named stable branch, commits whose first release differs, and the seconds of the repairing run.
 *
 *   npx tsx bench/index/incremental.ts --repo /work/.mirror/DPDK+dpdk/repo --branch 22.11 --old v22.11 \
 *     [--late-tags v22.11,v23.03,v23.07] [--work /tmp/sp-incr] [--src /path/to/a/stablepick/checkout]
 *
 * Orders: `issue` (the branch and every tag removed, mainline reset to --old, every other branch that
 * reaches past it removed), `two-remotes` (the branch kept, mainline and what reaches past --old removed,
 * tags of removed commits removed), `late-tag` (every ref, but the --late-tags). `--src` runs another
 * checkout's indexer (for a before/after comparison).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { digestDifferences, indexDigest } from '../../test/helpers/index-digest.js';
import { opt } from '../args.js';

const repoSrc = opt('--repo') ?? '/work/.mirror/DPDK+dpdk/repo';
const branch = opt('--branch') ?? '22.11';
const old = opt('--old') ?? 'v22.11';
const lateTags = (opt('--late-tags') ?? 'v22.11,v23.03,v23.07').split(',');
const work = opt('--work') ?? '/tmp/sp-incr';
const src = path.resolve(opt('--src') ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..'));
const only = opt('--orders')?.split(',');

const { indexRepository } = (await import(path.join(src, 'src/history/indexer.ts'))) as typeof import('../../src/history/indexer.js');
const { openDb } = (await import(path.join(src, 'src/history/db.ts'))) as typeof import('../../src/history/db.js');
const { openRepository } = (await import(path.join(src, 'src/git/repo.ts'))) as typeof import('../../src/git/repo.js');
const { DEFAULT_CONVENTIONS } = (await import(path.join(src, 'src/conventions/types.ts'))) as typeof import('../../src/conventions/types.js');

const git = (dir: string, a: string[]): string => execFileSync('git', ['-C', dir, ...a], { encoding: 'utf8', maxBuffer: 1 << 30 });

function cloneTo(name: string): { dir: string; refs: Map<string, string> } {
  const dir = path.join(work, `${name}.git`);
  rmSync(dir, { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', '--bare', '--shared', repoSrc, dir]);
  const refs = new Map<string, string>();
  for (const l of git(dir, ['for-each-ref', '--format=%(refname) %(objectname)']).trim().split('\n')) {
    const [n, o] = l.split(' ');
    refs.set(n!, o!);
  }
  return { dir, refs };
}

async function index(dir: string, file: string): Promise<number> {
  const db = openDb(file);
  const t0 = performance.now();
  try {
    await indexRepository(await openRepository(dir), db, { conventions: DEFAULT_CONVENTIONS });
  } finally {
    db.close();
  }
  return (performance.now() - t0) / 1000;
}

function setRefs(dir: string, changes: Map<string, string | null>): void {
  const input = [...changes].map(([r, o]) => (o === null ? `delete ${r}\n` : `update ${r} ${o}\n`)).join('');
  execFileSync('git', ['-C', dir, 'update-ref', '--stdin'], { input });
}

/** Refs to delete so that nothing reaches past `oldCommit` but `keep`, plus mainline reset to it. */
function cutBack(
  dir: string,
  refs: Map<string, string>,
  main: string,
  oldCommit: string,
  keep: Set<string>,
  dropTags: 'all' | 'unreachable',
): Map<string, string | null> {
  const ch = new Map<string, string | null>();
  const oldAnc = new Set(git(dir, ['rev-list', oldCommit]).trim().split('\n'));
  for (const [r, o] of refs) {
    if (!r.startsWith('refs/heads/') || r === main) continue;
    if (keep.has(r)) continue;
    const c = git(dir, ['rev-parse', `${o}^{commit}`]).trim();
    if (!oldAnc.has(c)) ch.set(r, null);
  }
  ch.set(main, oldCommit);
  const keptTips = [oldCommit, ...[...keep].map((k) => refs.get(k)!).filter(Boolean)];
  const reach = new Set(
    git(dir, ['rev-list', ...keptTips])
      .trim()
      .split('\n'),
  );
  for (const [r, o] of refs) {
    if (!r.startsWith('refs/tags/')) continue;
    if (dropTags === 'all') ch.set(r, null);
    else if (!reach.has(git(dir, ['rev-parse', `${o}^{commit}`]).trim())) ch.set(r, null);
  }
  return ch;
}

function report(name: string, file: string, clean: string, seconds: number[]): void {
  const a = indexDigest(clean, 'logical');
  const b = indexDigest(file, 'logical');
  const diff = digestDifferences(a, b);
  const db = new Database(file, { readonly: true });
  db.prepare('ATTACH DATABASE ? AS clean').run(clean);
  const wrongRelease = db
    .prepare('SELECT count(*) FROM commits c JOIN clean.commits k ON k.sha = c.sha WHERE c.first_release IS NOT k.first_release')
    .pluck()
    .get() as number;
  const picks = (d: string): number =>
    db.prepare(`SELECT count(DISTINCT upstream_sha) FROM ${d}.branch_commits WHERE branch = ? AND upstream_sha IS NOT NULL`).pluck().get(branch) as number;
  const rows = (d: string): number => db.prepare(`SELECT count(*) FROM ${d}.branch_commits`).pluck().get() as number;
  process.stdout.write(
    `${name}: index runs ${seconds.map((s) => s.toFixed(2)).join(' s, ')} s; ${branch} picks ${picks('main')} (clean ${picks('clean')}); ` +
      `branch_commits rows ${rows('main')} (clean ${rows('clean')}); commits with another first release: ${wrongRelease}; ` +
      `${diff.length ? `DIFFER:\n  ${diff.join('\n  ')}` : 'logical digest identical'}\n`,
  );
  process.stdout.write(
    `  digest: ${[...b]
      .filter(([k]) => k.startsWith('table '))
      .map(([k, v]) => `${k.slice(6)} ${v}`)
      .join('; ')}\n`,
  );
  db.close();
}

mkdirSync(work, { recursive: true });
const cleanDb = path.join(work, 'clean.sqlite');
const base = cloneTo('clean');
const main = 'refs/heads/main';
const oldCommit = git(base.dir, ['rev-parse', `${old}^{commit}`]).trim();
if (!existsSync(cleanDb)) process.stdout.write(`clean index: ${(await index(base.dir, cleanDb)).toFixed(2)} s (src ${src})\n`);

const orders: [string, (refs: Map<string, string>, dir: string) => Map<string, string | null>][] = [
  [
    'issue',
    (refs, dir) => {
      const ch = cutBack(dir, refs, main, oldCommit, new Set(), 'all');
      ch.set(`refs/heads/${branch}`, null);
      ch.set(`refs/heads/${branch}-staging`, null);
      return ch;
    },
  ],
  [
    'two-remotes',
    (refs, dir) =>
      cutBack(dir, refs, main, oldCommit, new Set([`refs/heads/${branch}`, `refs/heads/${branch}-staging`].filter((r) => refs.has(r))), 'unreachable'),
  ],
  ['late-tag', () => new Map(lateTags.map((t) => [`refs/tags/${t}`, null]))],
];
for (const [name, cut] of orders) {
  if (only && !only.includes(name)) continue;
  const { dir, refs } = cloneTo(name);
  const file = path.join(work, `${name}.sqlite`);
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const ch = cut(refs, dir);
  setRefs(dir, ch);
  const t1 = await index(dir, file);
  const restore = new Map<string, string | null>([...ch.keys()].map((r) => [r, refs.get(r) ?? null]));
  setRefs(dir, restore);
  const t2 = await index(dir, file);
  // The run after: nothing changed, nothing to repair.
  const t3 = await index(dir, file);
  report(name, file, cleanDb, [t1, t2, t3]);
}
