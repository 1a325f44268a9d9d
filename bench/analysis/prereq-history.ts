/**
 * Prerequisites on real history, and the speed of `deps` over every pick of a dataset window.
 *
 * Stable maintainers apply a prerequisite just before the commit that needs it. For every pick P of the
 * window (label 1 in ../shared/datasets/labels/<name>.txt) whose first parent T1 is itself a pick (of
 * upstream Uprev) with parent T0: trial-pick P's upstream U onto T1 and onto T0 (merge-ort in a private
 * object directory; nothing written to the repository). "Needed the earlier pick" = clean onto T1 and a
 * conflict onto T0. For those, stablepick's queue for U on the branch cut at T0 (tip override; mainline as
 * of P's date) should name Uprev. Reported: how many it names, by which rule, and the queue sizes.
 *
 * Speed: `pickQueue` for every pick of the window with the branch cut just before the pick (T1), beside
 * the plain-git peer doing the blame rule's raw work (git diff -U0 + git blame --porcelain -L ... ^T1 per file).
 *
 *   npx tsx bench/analysis/prereq-history.ts dpdk|xen [--limit N]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { ApplyChecker } from '../../src/analysis/apply/apply-check.js';
import { linesToBlame, toRanges } from '../../src/analysis/deps/prerequisites.js';
import { pickQueue } from '../../src/analysis/deps/queue.js';
import { commitGraph } from '../../src/analysis/fixes/branch-state.js';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { parseUnifiedDiff } from '../../src/git/diff.js';
import { openRepository } from '../../src/git/repo.js';
import { openDb } from '../../src/history/db.js';

const PROJECTS = {
  dpdk: { repo: '/work/.mirror/DPDK+dpdk/repo', db: '/tmp/deps-dpdk.sqlite', branch: '22.11', labels: 'dpdk-v22.11_v23.03' },
  xen: { repo: '/work/.mirror/xen-project+xen/repo', db: '/tmp/deps-xen.sqlite', branch: 'stable-4.19', labels: 'xen-4.19_4.20' },
} as const;
const name = (process.argv[2] ?? 'dpdk') as keyof typeof PROJECTS;
const P = PROJECTS[name];
const li = process.argv.indexOf('--limit');
const limit = li > 0 ? Number(process.argv[li + 1]) : Infinity;

const di = process.argv.indexOf('--db');
const db = openDb(di > 0 ? process.argv[di + 1]! : P.db, { readonly: true });
const repo = await openRepository(P.repo);
const ctx = { db, repo, conventions: DEFAULT_CONVENTIONS };
const graph = commitGraph(db);
const picked = readFileSync(`/work/shared/datasets/labels/${P.labels}.txt`, 'utf8')
  .split('\n')
  .filter((l) => l.endsWith(' 1'))
  .map((l) => l.split(' ')[0]!);
const pickOf = db
  .prepare('SELECT bc.sha FROM branch_commits bc JOIN commits c ON c.sha = bc.sha WHERE bc.branch = ? AND bc.upstream_sha = ? ORDER BY c.commit_time LIMIT 1')
  .pluck();
const upstreamOf = db.prepare('SELECT upstream_sha FROM branch_commits WHERE branch = ? AND sha = ? AND upstream_sha IS NOT NULL LIMIT 1').pluck();

interface Case {
  u: string;
  pick: string;
  t1: string;
  t0: string | null;
  uprev: string | null;
  time: number;
}
const cases: Case[] = [];
for (const u of picked) {
  const pick = pickOf.get(P.branch, u) as string | undefined;
  if (!pick) continue;
  const n = graph.get(pick);
  if (!n || n.parents.length !== 1) continue;
  const t1 = n.parents[0]!;
  const uprev = (upstreamOf.get(P.branch, t1) as string | undefined) ?? null;
  const t0 = uprev ? (graph.get(t1)?.parents[0] ?? null) : null;
  cases.push({ u, pick, t1, t0, uprev, time: n.time });
  if (cases.length >= limit) break;
}

// 1. Which picks needed the pick just before them.
const checker = await ApplyChecker.open(repo, { blame: false });
const t0Apply = performance.now();
const withPrev = cases.filter((c) => c.t0 && c.uprev);
const onT1 = await checker.checkMany(withPrev.map((c) => ({ sha: c.u, tip: c.t1 })));
const onT0 = await checker.checkMany(withPrev.map((c) => ({ sha: c.u, tip: c.t0! })));
checker.close();
const applyMs = performance.now() - t0Apply;
const clean = (r: string): boolean => r === 'clean' || r === 'clean-with-offset';
const needed = withPrev.filter((_, i) => clean(onT1[i]!.result) && onT0[i]!.result === 'conflict');

// 2. Does the queue (branch cut at T0) name the earlier pick?
const named: { u: string; uprev: string; rules: string[]; queue: number }[] = [];
const notNamed: { u: string; uprev: string; queue: number }[] = [];
for (const c of needed) {
  const q = await pickQueue(ctx, c.u, P.branch, { tip: c.t0!, asOf: c.time });
  const pre = q.prerequisites.prerequisites.find((p) => p.sha === c.uprev);
  const size = q.queue.length - 1;
  if (pre) named.push({ u: c.u, uprev: c.uprev!, rules: [...pre.reasons.map((r) => r.kind), pre.strength], queue: size });
  else notNamed.push({ u: c.u, uprev: c.uprev!, queue: size });
}

// 3. Speed: deps for every pick, branch cut just before it; and the plain-git peer of the blame rule.
let depsMs = 0;
let peerMs = 0;
let queued = 0;
let withPrereq = 0;
let prereqNamed = 0;
const byKind = new Map<string, { named: number; pickedEver: number }>();
let prereqPickedEver = 0;
const everPicked = db.prepare('SELECT 1 FROM branch_commits WHERE branch = ? AND upstream_sha = ? LIMIT 1').pluck();
for (const c of cases) {
  const t = performance.now();
  const q = await pickQueue(ctx, c.u, P.branch, { tip: c.t1, asOf: c.time });
  depsMs += performance.now() - t;
  queued += q.queue.length - 1;
  if (q.prerequisites.prerequisites.length) withPrereq++;
  for (const p of q.prerequisites.prerequisites) {
    prereqNamed++;
    const ever = everPicked.get(P.branch, p.sha) ? 1 : 0;
    if (ever) prereqPickedEver++;
    const kinds = p.reasons.map((r) =>
      r.kind === 'blame'
        ? r.lines.some((l) => l.use === 'removed')
          ? 'blame-removed'
          : 'blame-context'
        : r.kind === 'series'
          ? `series-${r.series.rule}`
          : r.kind,
    );
    kinds.push(`depth${p.depth}`, p.strength);
    for (const k of kinds) {
      const b = byKind.get(k) ?? { named: 0, pickedEver: 0 };
      b.named++;
      b.pickedEver += ever;
      byKind.set(k, b);
    }
  }
  const tp = performance.now();
  const parent = graph.get(c.u)?.parents[0];
  if (!parent) continue;
  const d = spawnSync('git', ['--git-dir', P.repo, 'diff', '-U0', '-M', parent, c.u], { maxBuffer: 1 << 28 });
  for (const f of parseUnifiedDiff(d.stdout.toString('utf8'))) {
    if (!f.oldPath || f.status === 'added' || !f.hunks.length) continue;
    const wc = spawnSync('git', ['--git-dir', P.repo, 'cat-file', '-p', `${parent}:${f.oldPath}`], { maxBuffer: 1 << 28 });
    const count = wc.stdout.toString('utf8').split('\n').length - 1;
    const ranges = toRanges(linesToBlame(f.hunks, count, 3).keys());
    if (!ranges.length) continue;
    spawnSync(
      'git',
      ['--git-dir', P.repo, 'blame', '--porcelain', ...ranges.flatMap((r) => ['-L', `${r.start},${r.end}`]), parent, `^${c.t1}`, '--', f.oldPath],
      { maxBuffer: 1 << 28 },
    );
  }
  peerMs += performance.now() - tp;
}

const out = {
  project: name,
  branch: P.branch,
  picks: cases.length,
  picksAfterAPick: withPrev.length,
  neededEarlierPick: needed.length,
  named: named.length,
  namedShare: needed.length ? named.length / needed.length : null,
  namedByRule: ['blame', 'series', 'symbol', 'strong', 'weak'].map((k) => ({ rule: k, n: named.filter((x) => x.rules.includes(k)).length })),
  meanQueueExtraWhenNeeded: needed.length ? [...named, ...notNamed].reduce((s, x) => s + x.queue, 0) / needed.length : null,
  notNamed: notNamed.map((x) => `${x.u.slice(0, 12)} needs ${x.uprev.slice(0, 12)}`),
  speed: {
    depsAllPicksMs: Math.round(depsMs),
    perPickMs: Math.round(depsMs / cases.length),
    plainGitBlamePeerMs: Math.round(peerMs),
    trialPicksMs: Math.round(applyMs),
    queuedExtra: queued,
    picksWithPrerequisites: withPrereq,
  },
  // Of the prerequisites named for the picks (branch cut just before each), how many the branch picked at some time.
  prerequisitesNamed: prereqNamed,
  prerequisitesPickedEver: prereqPickedEver,
  prerequisitePrecision: prereqNamed ? prereqPickedEver / prereqNamed : null,
  prerequisitesByReason: Object.fromEntries(byKind),
};
mkdirSync('bench/analysis/out', { recursive: true });
writeFileSync(`bench/analysis/out/prereq-${name}.json`, `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 1));
