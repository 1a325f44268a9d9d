/**
 * Missing-fixes audit on real history. For each cut date D of a stable branch S:
 *   (a) cut: branch and mainline as they were before D; the audit's list is compared with the picks S made
 *       in [D, D+M) whose upstream commit predates D and whose Fixes:/revert edge names a commit S held at D;
 *   (b) release-prep: S cut at D, mainline as of D+M (what a maintainer runs before the next release);
 *       truth = picks in [D, D+M) whose upstream fixes something S held at D (upstream dated before D+M).
 * Recall = truth found / truth. Precision = listed commits that S picked at any time after D / listed.
 * Also times the audit and a plain-git peer (log with Fixes trailers + rev-list of the branch + the log of
 * the branch's own commits for upstream markers), in the same run.
 *
 * With --classify, per cut a selection model is trained on the history before D only (trainModel with
 * cut = D: no commit, no pick dated at or after D), the listed commits are judged for S as of D, and the
 * list is split into "take" / "review" (src/analysis/audit/classify.ts); precision and recall are then
 * reported for "take" (recall of "take" + "review" together is the audit's).
 *
 *   npx tsx bench/analysis/audit-history.ts dpdk|xen|ovs [--months 4] [--db FILE] [--classify]
 *   AUDIT_DUMP=FILE (with --classify) appends one JSON line per listed commit: class, score, truth, picked later.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { openRepository } from '../../src/git/repo.js';
import { openDb } from '../../src/history/db.js';
import { auditBranch } from '../../src/analysis/audit/audit.js';
import { branchState, mainlineState } from '../../src/analysis/fixes/branch-state.js';
import { loadFixGraph } from '../../src/analysis/fixes/graph.js';
import { classifyAudit } from '../../src/analysis/audit/classify.js';
import { judgeAuditItems, learnTakeThreshold } from '../../src/select/audit.js';
import { History } from '../../src/select/history.js';
import { trainModel } from '../../src/select/model.js';
import { cachedNumstats } from '../../src/select/store.js';

const PROJECTS = {
  dpdk: {
    repo: '/work/.mirror/DPDK+dpdk/repo',
    db: '/tmp/deps-dpdk.sqlite',
    branch: '22.11',
    mainline: 'main',
    base: 'v22.11',
    cuts: ['2023-03-31', '2023-08-01', '2023-12-01', '2024-04-01'],
  },
  // A third project, only to check that the classification is not tuned to the first two.
  ovs: {
    repo: '/work/.mirror/openvswitch+ovs/repo',
    db: '/tmp/sel/ovs.sqlite',
    branch: 'branch-3.3',
    mainline: 'main',
    base: 'v3.3.0',
    cuts: ['2024-05-01', '2024-09-01', '2025-01-01', '2025-05-01'],
  },
  xen: {
    repo: '/work/.mirror/xen-project+xen/repo',
    db: '/tmp/deps-xen.sqlite',
    branch: 'stable-4.19',
    mainline: 'master',
    base: '57338346f29cea7b183403561bdc5f407163b846',
    cuts: ['2024-11-01', '2025-02-21', '2025-06-01', '2025-10-01'],
  },
} as const;

const name = (process.argv[2] ?? 'dpdk') as keyof typeof PROJECTS;
const P = PROJECTS[name];
const mi = process.argv.indexOf('--months');
const months = mi > 0 ? Number(process.argv[mi + 1]) : 4;
const di = process.argv.indexOf('--db');
// --classify caches line counts in the index (use a copy).
const db = openDb(di > 0 ? process.argv[di + 1]! : P.db, { readonly: !process.argv.some((a) => a === '--classify' || a === '--take-precision') });
const repo = await openRepository(P.repo);
const ctx = { db, repo, conventions: DEFAULT_CONVENTIONS };

let t0 = performance.now();
loadFixGraph(db);
branchState(ctx, P.branch);
mainlineState(ctx);
const tLoad = performance.now() - t0;
t0 = performance.now();
const full = auditBranch(ctx, P.branch);
const tAudit = performance.now() - t0;

// The plain-git peer: the raw material of the same audit, no resolution, no transitive closure.
const git = (args: string[]): number => {
  const t = performance.now();
  const r = spawnSync('git', ['--git-dir', P.repo, ...args], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString()}`);
  return performance.now() - t;
};
const tPeer =
  git(['log', '--no-merges', '--format=%H %(trailers:key=Fixes,valueonly,separator=;)', `${P.base}..${P.mainline}`]) +
  git(['rev-list', P.branch]) +
  git(['log', '--format=%H%n%B', `${P.base}..${P.branch}`]);

const picks = db
  .prepare(
    'SELECT bc.upstream_sha AS up, min(c.commit_time) AS t FROM branch_commits bc JOIN commits c ON c.sha = bc.sha WHERE bc.branch = ? AND bc.upstream_sha IS NOT NULL GROUP BY bc.upstream_sha',
  )
  .all(P.branch) as { up: string; t: number }[];
const pickTime = new Map(picks.map((p) => [p.up, p.t]));
const messageOf = db.prepare('SELECT message FROM commits WHERE sha = ?').pluck();
function heldHasPrefix(sorted: readonly string[], p: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m]! < p) lo = m + 1;
    else hi = m;
  }
  return lo < sorted.length && sorted[lo]!.startsWith(p);
}
const upTime = db.prepare('SELECT commit_time FROM commits WHERE sha = ?').pluck();

const tpi = process.argv.indexOf('--take-precision');
const takePrecision = tpi > 0 ? Number(process.argv[tpi + 1]) : undefined;
const classify = process.argv.includes('--classify') || takePrecision !== undefined;
const hist = classify ? History.load(db) : null;
interface TakeRow {
  takeThreshold?: unknown;
  take: number;
  takePickedLater: number;
  precisionTake: number;
  truthInTake: number;
  recallTake: number;
  review: number;
  reviewPickedLater: number;
  modelCut: string;
  threshold: number;
}
interface Row {
  take?: TakeRow;
  cut: string;
  variant: string;
  listed: number;
  truth: number;
  found: number;
  recall: number;
  listedPickedLater: number;
  precision: number;
  precisionWindow: number;
  fresh: number;
  freshPickedLater: number;
  precisionFresh: number;
  missed: string[];
}
const rows: Row[] = [];
for (const cut of P.cuts) {
  const D = Math.floor(Date.parse(`${cut}T00:00:00Z`) / 1000);
  const E = D + months * 30 * 86400;
  const held = branchState(ctx, P.branch, D);
  const heldSorted = [...held.ancestors, ...held.picks.keys()].sort();
  // Learned only from what was visible before D.
  const model = hist ? await trainModel(hist, { cut: D, lag: 'weight', numstats: (s) => cachedNumstats(db, repo, s) }) : null;
  const takeThreshold =
    hist && takePrecision !== undefined
      ? await learnTakeThreshold(hist, loadFixGraph(db).edges, { cut: D, precision: takePrecision, numstats: (s) => cachedNumstats(db, repo, s) })
      : undefined;
  for (const variant of ['cut', 'release-prep'] as const) {
    const a = auditBranch(ctx, P.branch, variant === 'cut' ? { asOf: D } : { asOf: D, mainlineAsOf: E });
    const listed = new Set(a.missing.map((m) => m.sha));
    const horizon = variant === 'cut' ? D : E;
    const truth = picks.filter((p) => {
      if (p.t < D || p.t >= E) return false;
      if ((upTime.get(p.up) as number) >= horizon) return false;
      // Independent of the fix graph: the raw `Fixes:` lines of the message, each id matched by prefix
      // against what the branch held at D (ancestors of the cut tip, and picked upstream commits).
      const msg = (messageOf.get(p.up) as string | undefined) ?? '';
      const ids = [...msg.matchAll(/^\s*Fixes:\s*(?:commit\s+)?([0-9a-f]{7,40})\b/gim)].map((m) => m[1]!.toLowerCase());
      const reverted = /This reverts commit ([0-9a-f]{7,40})/.exec(msg)?.[1];
      if (reverted) ids.push(reverted);
      return ids.some((id) => heldHasPrefix(heldSorted, id));
    });
    const found = truth.filter((p) => listed.has(p.up));
    const pickedLater = [...listed].filter((s) => (pickTime.get(s) ?? 0) >= D);
    const pickedInWindow = [...listed].filter((s) => {
      const t = pickTime.get(s) ?? 0;
      return t >= D && t < E;
    });
    let take: TakeRow | undefined;
    if (hist && model) {
      const judged = judgeAuditItems(hist, model, [...listed], {
        branch: P.branch,
        branchAsOf: D,
        visibleUntil: horizon,
        numstats: await cachedNumstats(db, repo, [...listed]),
      });
      const c = classifyAudit(a, (s) => judged.get(s), { model: `trained before ${cut}`, ...(takeThreshold ? { takeThreshold } : {}) });
      const takeSet = new Set(c.missing.filter((m) => m.class === 'take').map((m) => m.sha));
      const tp = [...takeSet].filter((s) => (pickTime.get(s) ?? 0) >= D).length;
      const tit = truth.filter((p) => takeSet.has(p.up)).length;
      // AUDIT_DUMP=FILE: one JSON line per listed commit (for reading the misses; the file is not committed).
      if (process.env.AUDIT_DUMP) {
        const truthSet = new Set(truth.map((p) => p.up));
        const lines = c.missing.map((m) =>
          JSON.stringify({
            cut,
            variant,
            sha: m.sha,
            subject: (messageOf.get(m.sha) as string | undefined)?.split('\n')[0],
            cls: m.class,
            p: m.probability,
            score: judged.get(m.sha)?.score,
            passedOver: m.passedOver,
            truth: truthSet.has(m.sha),
            pickedLater: (pickTime.get(m.sha) ?? 0) >= D,
            why: m.modelReasons.slice(0, 6),
          }),
        );
        appendFileSync(process.env.AUDIT_DUMP, `${lines.join('\n')}\n`);
      }
      take = {
        take: takeSet.size,
        takePickedLater: tp,
        precisionTake: takeSet.size ? tp / takeSet.size : NaN,
        truthInTake: tit,
        recallTake: truth.length ? tit / truth.length : NaN,
        review: listed.size - takeSet.size,
        reviewPickedLater: pickedLater.length - tp,
        modelCut: new Date(model.cut * 1000).toISOString().slice(0, 10),
        threshold: model.threshold,
        ...(takeThreshold ? { takeThreshold } : {}),
      };
    }
    rows.push({
      ...(take ? { take } : {}),
      cut,
      variant,
      listed: listed.size,
      truth: truth.length,
      found: found.length,
      recall: truth.length ? found.length / truth.length : NaN,
      listedPickedLater: pickedLater.length,
      precision: listed.size ? pickedLater.length / listed.size : NaN,
      precisionWindow: listed.size ? pickedInWindow.length / listed.size : NaN,
      fresh: a.missing.filter((m) => !m.passedOver).length,
      freshPickedLater: a.missing.filter((m) => !m.passedOver && (pickTime.get(m.sha) ?? 0) >= D).length,
      precisionFresh: NaN,
      missed: truth.filter((p) => !listed.has(p.up)).map((p) => p.up),
    });
  }
}
for (const r of rows) r.precisionFresh = r.fresh ? r.freshPickedLater / r.fresh : NaN;
const sum = (v: string, k: 'truth' | 'found' | 'listed' | 'listedPickedLater' | 'fresh' | 'freshPickedLater'): number =>
  rows.filter((r) => r.variant === v).reduce((s, r) => s + r[k], 0);
const sumT = (v: string, k: 'take' | 'takePickedLater' | 'truthInTake'): number =>
  rows.filter((r) => r.variant === v).reduce((s, r) => s + (r.take?.[k] ?? 0), 0);
const pooled = ['cut', 'release-prep'].map((v) => ({
  variant: v,
  recall: sum(v, 'found') / sum(v, 'truth'),
  precision: sum(v, 'listedPickedLater') / sum(v, 'listed'),
  precisionFresh: sum(v, 'freshPickedLater') / sum(v, 'fresh'),
  truth: sum(v, 'truth'),
  listed: sum(v, 'listed'),
  ...(classify
    ? { take: sumT(v, 'take'), precisionTake: sumT(v, 'takePickedLater') / sumT(v, 'take'), recallTake: sumT(v, 'truthInTake') / sum(v, 'truth') }
    : {}),
}));
const out = {
  project: name,
  branch: P.branch,
  months,
  timings: { loadMs: Math.round(tLoad), auditMs: Math.round(tAudit), plainGitPeerMs: Math.round(tPeer), listedNow: full.missing.length },
  rows: rows.map((r) => ({ ...r, missed: r.missed.slice(0, 10) })),
  pooled,
};
mkdirSync('bench/analysis/out', { recursive: true });
writeFileSync(
  `bench/analysis/out/audit-${name}${takePrecision !== undefined ? `-take${takePrecision}` : classify ? '-classify' : ''}.json`,
  `${JSON.stringify(out, null, 2)}\n`,
);
console.log(JSON.stringify({ ...out, rows: rows.map((r) => ({ ...r, missed: r.missed.length })) }, null, 1));
