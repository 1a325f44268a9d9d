/**
 * How far can the features go? An optimistic ceiling for selection on each dev window, NOT the protocol:
 * the window's own labels are used for training, which the protocol forbids. If even this cannot reach a
 * quality bar, no threshold or calibration trick on the same features can.
 *
 * Per window: the model is trained at the window's start as `eval` does (for the path / people rates
 * and the rule statistics), every window commit gets the same feature vector `scan` computes, then
 *   - protocol : the model's own ranking, threshold chosen in hindsight (oracle threshold);
 *   - in-window: 5 random folds over the window's commits, a logistic regression trained on the history
 *                examples plus 4/5 of the window (window commits weigh `--window-weight`), judged on the
 *                fifth; the best threshold over the pooled out-of-fold scores (oracle threshold).
 *   Random folds inside a window mix a series' commits (the datasets' README: about +0.1 F1), so this is
 *   an upper bound on what these features say, not an estimate of it.
 *
 *   npx tsx bench/select/ceiling.ts [--index-dir DIR] [--only name,name] [--window-weight 3]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openRepository } from '../../src/git/repo.js';
import { openDb } from '../../src/history/db.js';
import { bestThreshold } from '../../src/select/calibrate.js';
import { readLabels } from '../../src/select/evaluate.js';
import { DIM, vectorize } from '../../src/select/features.js';
import { History } from '../../src/select/history.js';
import { LogisticModel, prng } from '../../src/select/logreg.js';
import { trainModel } from '../../src/select/model.js';
import { cachedNumstats } from '../../src/select/store.js';
import { DATA, FIRST_PARENT, SHORT, windowFeatures, type Window } from './windows.js';
import { opt } from '../args.js';

const indexDir = opt('--index-dir') ?? '/tmp/sel5';
const only = opt('--only')?.split(',');
const ww = Number(opt('--window-weight') ?? '3');
const windows = (JSON.parse(readFileSync(path.join(DATA, 'datasets.json'), 'utf8')) as Window[]).filter(
  (w) => SHORT[w.repo] && (!only || only.some((o) => w.name.startsWith(o))),
);

const out: Record<string, unknown>[] = [];
const f = (x: number): string => x.toFixed(3);
process.stdout.write('| window | N | picked | protocol, oracle threshold F1 | in-window 5-fold, oracle threshold F1 |\n|---|---|---|---|---|\n');
for (const w of windows) {
  const short = SHORT[w.repo]!;
  const db = openDb(`${indexDir}/${short}.sqlite`);
  const repo = await openRepository(`/work/.mirror/${w.repo.replace('/', '+')}/repo`);
  const h = History.load(db);
  const labels = readLabels(path.join(DATA, 'labels', `${w.name}.txt`));
  const range = h.range(w.window, { firstParent: FIRST_PARENT.test(w.name) });
  const cut = h.commits.get(range.from)!.time;
  const end = h.commits.get(range.to)!.time;
  const numstats = (shas: readonly string[]) => cachedNumstats(db, repo, shas);
  const model = await trainModel(h, { cut, universe: h.graph.ancestors([range.from]), lag: 'weight', numstats });
  const fx = await windowFeatures(h, model, { from: range.from, commits: range.commits, branch: w.stable_branch, cut, end, labels }, numstats);
  const hist = fx.history.map((x) => ({ vec: vectorize(x.features), y: x.y }));
  const win = fx.window.map((x) => ({ vec: vectorize(x.features), y: x.y }));
  const truth = win.map((x) => x.y === 1);
  const protocol = bestThreshold(
    win.map((x) => model.lr.score(x.vec)),
    truth,
  );
  // In-window folds.
  const rnd = prng(7);
  const fold = win.map(() => Math.floor(rnd() * 5));
  const oof = new Array<number>(win.length).fill(0);
  for (let k = 0; k < 5; k++) {
    const tr = [...hist.map((x) => ({ ...x.vec, y: x.y, w: 1 })), ...win.filter((_, i) => fold[i] !== k).map((x) => ({ ...x.vec, y: x.y, w: ww }))];
    const m = LogisticModel.train(tr, { dim: DIM, epochs: 4, l2: 1e-3, learningRate: 0.1 });
    win.forEach((x, i) => {
      if (fold[i] === k) oof[i] = m.score(x.vec);
    });
  }
  const inWin = bestThreshold(oof, truth);
  process.stdout.write(`| ${w.name} | ${win.length} | ${truth.filter(Boolean).length} | ${f(protocol.f1)} | ${f(inWin.f1)} |\n`);
  out.push({
    window: w.name,
    n: win.length,
    picked: truth.filter(Boolean).length,
    protocolOracleF1: protocol.f1,
    inWindowOracleF1: inWin.f1,
    historyExamples: hist.length,
  });
  db.close();
}
mkdirSync('bench/out/select', { recursive: true });
writeFileSync(`bench/out/select/ceiling.w${ww}.json`, JSON.stringify(out, null, 1));
