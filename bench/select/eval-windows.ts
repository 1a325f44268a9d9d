/**
 * Runs the cut-back evaluation on the dev windows of ../shared/datasets (one at a time) and prints a
 * table; per-window JSON (metrics + per-commit predictions) goes to bench/out/select/.
 *
 *   npx tsx bench/select/eval-windows.ts [--only name,name] [--lag weight|drop|none] [--tag suffix] [--extra]
 *        [--db FILE] [--index-dir DIR]   (SEL_DIFF=1: with the diff-facts family, off by default)
 *
 * Each window needs its repository fetched and indexed: /work/.mirror/<owner>+<name>/repo indexed into
 * /tmp/sel/<short>.sqlite (or DIR/<short>.sqlite; see RESULTS.md for the commands). --db FILE uses that index instead (only when
 * the selected windows are all of one repository, e.g. with --only).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDb } from '../../src/history/db.js';
import { openRepository } from '../../src/git/repo.js';
import { History } from '../../src/select/history.js';
import { evaluateWindow, readLabels } from '../../src/select/evaluate.js';
import { cachedNumstats } from '../../src/select/store.js';
import type { LagMode } from '../../src/select/model.js';
import { DATA, EXTRA, FIRST_PARENT, SHORT as SHORT0, type Window } from './windows.js';
import { opt } from '../args.js';

const SHORT: Record<string, string> = { ...SHORT0 };
const indexDir = opt('--index-dir') ?? '/tmp/sel';
if (process.argv.includes('--extra')) for (const [k, v] of Object.entries(EXTRA)) if (existsSync(`${indexDir}/${v}.done`)) SHORT[k] = v;
const only = opt('--only')?.split(',');
const lag = (opt('--lag') ?? 'weight') as LagMode;
const tag = opt('--tag') ?? lag;
const windows = (JSON.parse(readFileSync(path.join(DATA, 'datasets.json'), 'utf8')) as Window[]).filter(
  (w) => SHORT[w.repo] && (!only || only.some((o) => w.name.startsWith(o))),
);
const dbFile = opt('--db');
if (dbFile) {
  const repos = new Set(windows.map((w) => w.repo));
  if (repos.size !== 1) throw new Error(`--db needs windows of one repository (got ${repos.size}: use --only)`);
  if (!existsSync(dbFile)) throw new Error(`--db ${dbFile}: no such file`);
}
const outDir = path.resolve('bench/out/select');
mkdirSync(outDir, { recursive: true });
const f = (x: number): string => x.toFixed(3);
const lines: string[] = [
  '| window | N | picked | tag F1 | fixes F1 | fixword F1 | all-yes F1 | best base | stablepick P | R | F1 | +review R | train s | judge s |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const w of windows) {
  const short = SHORT[w.repo]!;
  const db = openDb(dbFile ?? `${indexDir}/${short}.sqlite`);
  const repo = await openRepository(`/work/.mirror/${w.repo.replace('/', '+')}/repo`);
  const t0 = performance.now();
  const h = History.load(db);
  const r = await evaluateWindow(h, {
    window: w.window,
    branch: w.stable_branch,
    firstParent: FIRST_PARENT.test(w.name),
    labels: readLabels(path.join(DATA, 'labels', `${w.name}.txt`)),
    lag,
    numstats: (shas) => cachedNumstats(db, repo, shas, { diffFacts: process.env.SEL_DIFF === '1' }),
    ...(process.env.SEL_POLICY === '0' ? { policy: false } : {}),
    train: {
      ...(process.env.SEL_LABEL ? { label: process.env.SEL_LABEL as 'newest' | 'any' } : {}),
      ...(process.env.SEL_HALFLIFE ? { halfLifeDays: Number(process.env.SEL_HALFLIFE) } : {}),
      ...(process.env.SEL_THR ? { thresholdFrom: process.env.SEL_THR as 'all' | 'last' } : {}),
      ...(process.env.SEL_FOLDS ? { foldsBy: process.env.SEL_FOLDS as 'release' | 'days' } : {}),
      ...(process.env.SEL_EPOCHS ? { epochs: Number(process.env.SEL_EPOCHS) } : {}),
      ...(process.env.SEL_L2 ? { l2: Number(process.env.SEL_L2) } : {}),
      ...(process.env.SEL_LR ? { learningRate: Number(process.env.SEL_LR) } : {}),
    },
  });
  const secs = (performance.now() - t0) / 1000;
  writeFileSync(path.join(outDir, `${w.name}.${tag}.json`), JSON.stringify(r, null, 1));
  const b = r.baselines;
  const line = `| ${w.name} | ${r.n} | ${r.picked} | ${f(b.stableTag.f1)} | ${f(b.fixes.f1)} | ${f(b.fixWord.f1)} | ${f(b.allYes.f1)} | ${f(r.bestBaselineF1)} | ${f(r.stablepick.precision)} | ${f(r.stablepick.recall)} | **${f(r.stablepick.f1)}** | ${f(r.withReview.recall)} | ${r.seconds.train.toFixed(1)} | ${r.seconds.judge.toFixed(1)} |`;
  lines.push(line);
  process.stdout.write(
    `${line}  (load+all ${secs.toFixed(1)} s; unmatched ${JSON.stringify(r.unmatched)}; thr ${r.model.threshold.toFixed(2)}/${r.model.reviewThreshold.toFixed(2)} cvF1 ${r.model.cvF1.toFixed(3)} ex ${r.model.examples}/${r.model.picked} lag med ${r.model.lag.medianDays.toFixed(0)}d)\n`,
  );
  db.close();
}
writeFileSync(path.join(outDir, `table.${tag}.md`), `${lines.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\n`);
