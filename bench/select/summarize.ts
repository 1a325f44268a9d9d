/**
 * The results table from bench/out/select/<window>.<tag>.json (written by eval-windows.ts), with the
 * baselines of datasets.json, the means over the windows without stable tags, and, given several tags,
 * stablepick's F1 under each (the lag modes). AUC: the ranking of the window's commits by the P(pick) that
 * `eval` reports (rule-decided commits included; ties count one half).
 *
 *   npx tsx bench/select/summarize.ts final-weight [final-none final-drop]
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { EvalResult } from '../../src/select/evaluate.js';

interface Base {
  precision: number | null;
  recall: number | null;
}
interface Window {
  name: string;
  baseline_stable_tag: Base;
  baseline_fixes: Base;
  baseline_fixword_subject: Base;
  baseline_all_yes: Base;
}

const NO_TAGS = ['xen', 'systemd', 'glibc', 'util-linux', 'frr', 'networkmanager', 'rpm', 'openvpn', 'ovs', 'ovn'];
const tags = process.argv.slice(2);
if (!tags.length) tags.push('final-weight');
const windows = JSON.parse(readFileSync('/work/shared/datasets/datasets.json', 'utf8')) as Window[];
/** Area under the ROC curve of `score` against `label` (Mann-Whitney; ties count one half). */
function auc(rows: readonly { probability: number; label: number }[]): number {
  const s = [...rows].sort((a, b) => a.probability - b.probability);
  const pos = s.filter((r) => r.label === 1).length;
  const neg = s.length - pos;
  if (!pos || !neg) return Number.NaN;
  let rankSum = 0;
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j < s.length && s[j]!.probability === s[i]!.probability) j++;
    const mid = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (s[k]!.label === 1) rankSum += mid;
    i = j;
  }
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
const BASE_NAMES = ['stable tag', 'Fixes', 'fix word', 'all YES'];
const f1 = (b: Base): number => (b.precision && b.recall ? (2 * b.precision * b.recall) / (b.precision + b.recall) : 0);
const f = (x: number): string => x.toFixed(3);
const head = [
  'window',
  'N',
  'picked',
  'tag F1',
  'Fixes F1',
  'fix-word F1',
  'all-YES F1',
  'best baseline',
  'P',
  'R',
  `F1 (${tags[0]})`,
  ...tags.slice(1).map((t) => `F1 (${t})`),
  'YES+REVIEW R',
  'AUC',
  'YES',
  'time s',
];
const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
const sums = { best: 0, sp: tags.map(() => 0), n: 0 };
for (const w of windows) {
  const files = tags.map((t) => path.join('bench/out/select', `${w.name}.${t}.json`));
  if (!existsSync(files[0]!)) continue;
  const rs = files.map((p) => (existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as EvalResult) : null));
  const r = rs[0]!;
  const b = [f1(w.baseline_stable_tag), f1(w.baseline_fixes), f1(w.baseline_fixword_subject), f1(w.baseline_all_yes)];
  const best = Math.max(...b);
  const bestName = BASE_NAMES[b.indexOf(best)]!;
  if (NO_TAGS.some((p) => w.name.startsWith(p))) {
    sums.best += best;
    rs.forEach((x, i) => (sums.sp[i]! += x ? x.stablepick.f1 : 0));
    sums.n++;
  }
  out.push(
    `| ${w.name} | ${r.n} | ${r.picked} | ${b.map(f).join(' | ')} | ${f(best)} (${bestName}) | ${f(r.stablepick.precision)} | ${f(r.stablepick.recall)} | **${f(r.stablepick.f1)}** | ${rs
      .slice(1)
      .map((x) => (x ? f(x.stablepick.f1) : '–'))
      .join(
        ' | ',
      )}${rs.length > 1 ? ' | ' : ''}${f(r.withReview.recall)} | ${f(auc(r.rows))} | ${r.rows.filter((x) => x.verdict === 'YES').length} | ${r.seconds.total.toFixed(1)} |`,
  );
}
const mean = (x: number): string => f(x / Math.max(1, sums.n));
out.push('');
out.push(
  `Windows without stable tags (${sums.n}): mean best-of-four baseline F1 ${mean(sums.best)}; stablepick mean F1 ${tags.map((t, i) => `${mean(sums.sp[i]!)} (${t})`).join(', ')}; margin ${f((sums.sp[0]! - sums.best) / Math.max(1, sums.n))} (bar: +0.200).`,
);
process.stdout.write(`${out.join('\n')}\n`);
