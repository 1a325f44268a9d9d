/**
 * Checks the index's branch membership against a dataset's ground-truth labels: of the window's mainline
 * commits that the labels say the stable branch picked, how many does the index map as picked (by marker
 * or patch id), and how many does it map that the labels say were not picked.
 *
 *   npx tsx bench/index/check-labels.ts --db FILE --labels ../shared/datasets/labels/dpdk-v22.11_v23.03.txt --branch 22.11
 */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';

const args = process.argv.slice(2);
const opt = (n: string): string => {
  const i = args.indexOf(`--${n}`);
  if (i < 0 || !args[i + 1]) throw new Error(`--${n} is required`);
  return args[i + 1]!;
};
const db = new Database(opt('db'), { readonly: true });
const branch = opt('branch');
const labels = readFileSync(opt('labels'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => l.split(' ') as [string, string]);
const picked = new Set(db.prepare('SELECT upstream_sha FROM branch_commits WHERE branch = ? AND upstream_sha IS NOT NULL').pluck().all(branch) as string[]);
const via = db.prepare('SELECT via FROM branch_commits WHERE branch = ? AND upstream_sha = ?').pluck();
let tp = 0;
let fn = 0;
let fp = 0;
const byVia: Record<string, number> = {};
const missed: string[] = [];
for (const [sha, lab] of labels) {
  const ours = picked.has(sha);
  if (lab === '1' && ours) {
    tp++;
    const v = String(via.get(branch, sha));
    byVia[v] = (byVia[v] ?? 0) + 1;
  } else if (lab === '1') {
    fn++;
    missed.push(sha);
  } else if (ours) fp++;
}
process.stdout.write(
  `${JSON.stringify({ branch, labelled_picks: tp + fn, mapped: tp, missed: fn, mapped_but_labelled_0: fp, by: byVia, missed_shas: missed.slice(0, 20) }, null, 2)}\n`,
);
