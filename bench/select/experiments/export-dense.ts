/**
 * Experiment (session 6): writes, for one dev window, the dense features (everything but the hashed words)
 * of every history example and every window commit, with a logistic score (out of fold for history: 5
 * random folds; the eval model's for the window), to /tmp/dense-<short>.tsv for gbdt.py beside it.
 *
 *   npx tsx bench/select/experiments/export-dense.ts <window name> <owner/repo> <short> <first-parent 0|1>
 *
 * Needs the index /tmp/sel5/<short>.sqlite (see ../RESULTS.md, session 5).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openRepository } from '../../../src/git/repo.js';
import { openDb } from '../../../src/history/db.js';
import { readLabels } from '../../../src/select/evaluate.js';
import { DIM, vectorize, type Feature } from '../../../src/select/features.js';
import { History } from '../../../src/select/history.js';
import { LogisticModel, prng } from '../../../src/select/logreg.js';
import { trainModel } from '../../../src/select/model.js';
import { cachedNumstats } from '../../../src/select/store.js';
import { DATA, windowFeatures, type Window } from '../windows.js';

const [name, repoName, short, fp] = process.argv.slice(2) as [string, string, string, string];
const w = (JSON.parse(readFileSync(path.join(DATA, 'datasets.json'), 'utf8')) as Window[]).find((x) => x.name === name)!;
const db = openDb(`/tmp/sel5/${short}.sqlite`);
const repo = await openRepository(`/work/.mirror/${repoName.replace('/', '+')}/repo`);
const h = History.load(db);
const labels = readLabels(path.join(DATA, 'labels', `${name}.txt`));
const range = h.range(w.window, { firstParent: fp === '1' });
const cut = h.commits.get(range.from)!.time;
const end = h.commits.get(range.to)!.time;
const numstats = (shas: readonly string[]) => cachedNumstats(db, repo, shas);
const model = await trainModel(h, { cut, universe: h.graph.ancestors([range.from]), lag: 'weight', numstats });
const fx = await windowFeatures(h, model, { from: range.from, commits: range.commits, branch: w.stable_branch, cut, end, labels }, numstats);
/** Hashed words and other sparse keys stay out: the trees get the dense facts and the logistic score. */
const WORD = /^(s|s2|b|p|p1|dir|key|ext|ms):/;
type Row = { fs: Feature[]; y: number; set: string; t: number; lrScore: number };
const rows: Row[] = [
  ...fx.history.map((x): Row => ({ fs: x.features, y: x.y, set: 'h', t: x.commit.time, lrScore: 0 })),
  ...fx.window.map((x): Row => ({ fs: x.features, y: x.y, set: 'w', t: x.commit.time, lrScore: model.lr.score(vectorize(x.features)) })),
];
// Out-of-fold logistic scores for history (5 random folds).
const hist = rows.filter((r) => r.set === 'h');
const vecs = hist.map((r) => vectorize(r.fs));
const rnd = prng(3);
const fold = hist.map(() => Math.floor(rnd() * 5));
for (let k = 0; k < 5; k++) {
  const m = LogisticModel.train(
    hist.map((r, i) => ({ ...vecs[i]!, y: r.y, w: 1 })).filter((_, i) => fold[i] !== k),
    { dim: DIM, epochs: 4, l2: 1e-3, learningRate: 0.1 },
  );
  hist.forEach((r, i) => {
    if (fold[i] === k) r.lrScore = m.score(vecs[i]!);
  });
}
const keys = new Set<string>();
for (const r of rows) for (const f of r.fs) if (!WORD.test(f.key)) keys.add(f.key);
const cols = [...keys].sort();
const lines = [['set', 'y', 't', 'lr', ...cols].join('\t')];
for (const r of rows) {
  const m = new Map(r.fs.map((f) => [f.key, f.value]));
  lines.push([r.set, r.y, r.t, r.lrScore.toFixed(4), ...cols.map((k) => (m.get(k) ?? 0).toFixed(4))].join('\t'));
}
writeFileSync(`/tmp/dense-${short}.tsv`, `${lines.join('\n')}\n`);
process.stdout.write(`${short}: ${rows.length} rows, ${cols.length} dense columns\n`);
