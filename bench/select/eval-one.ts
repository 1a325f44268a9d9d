/**
 * The cut-back eval of one window outside the datasets (labels from bench/index/held-independent.sh), with the
 * diff-facts family when SEL_DIFF=1; prints P, R, F1, AUC (ranking by P(pick), ties one half), YES and the baselines.
 *
 *   npx tsx bench/select/eval-one.ts <index> <git dir> <A..B> <branch> <labels file>
 */
import { openDb } from '../../src/history/db.js';
import { openRepository } from '../../src/git/repo.js';
import { History } from '../../src/select/history.js';
import { evaluateWindow, readLabels } from '../../src/select/evaluate.js';
import { cachedNumstats } from '../../src/select/store.js';
const [dbf, gitdir, window, branch, labels] = process.argv.slice(2);
const db = openDb(dbf!);
const repo = await openRepository(gitdir!);
const h = History.load(db);
const r = await evaluateWindow(h, {
  window: window!,
  branch: branch!,
  labels: readLabels(labels!),
  lag: 'weight',
  numstats: (s) => cachedNumstats(db, repo, s, { diffFacts: process.env.SEL_DIFF === '1' }),
});
const pos = r.rows.filter((x) => x.label === 1).map((x) => x.probability);
const neg = r.rows.filter((x) => x.label === 0).map((x) => x.probability);
let a = 0;
for (const p of pos) for (const n of neg) a += p > n ? 1 : p === n ? 0.5 : 0;
const sp = r.stablepick;
console.log(
  JSON.stringify({
    n: r.n,
    picked: r.picked,
    P: sp.precision.toFixed(3),
    R: sp.recall.toFixed(3),
    F1: sp.f1.toFixed(3),
    AUC: (a / pos.length / neg.length).toFixed(3),
    yes: r.rows.filter((x) => x.verdict === 'YES').length,
    best: r.bestBaselineF1.toFixed(3),
    base: Object.fromEntries(Object.entries(r.baselines).map(([k, v]) => [k, v.f1.toFixed(3)])),
    thr: r.model.threshold.toFixed(2),
    secs: r.seconds.total.toFixed(1),
  }),
);
