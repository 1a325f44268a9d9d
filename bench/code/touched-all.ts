/**
 * `touched` for every pick of a labels file (default: DPDK v22.11..v23.03, the 303 picks), timed, and each
 * hunk's function compared with the function git names in the hunk header (`@@ ... @@ <funcname line>`,
 * git's default funcname heuristic: the last line before the hunk that starts with a letter, `_` or `$`).
 *
 *   npx tsx bench/code/touched-all.ts [--repo DIR] [--labels FILE] [--sample N] [--out FILE]
 *
 * A hunk is checkable when all its lines sit in one function per stablepick and the hunk starts inside
 * it (git's header can only name something before the hunk). Disagreements are written to --out for a
 * check by hand (bench/code/RESULTS.md has the verdicts).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openRepository } from '../../src/git/repo.js';
import { BlobReader } from '../../src/git/show.js';
import { loadCParser } from '../../src/analysis/code/parse-c.js';
import { touched, type TouchedResult } from '../../src/analysis/code/touched.js';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: '/work/.mirror/DPDK+dpdk/repo' },
    labels: { type: 'string', default: '/work/shared/datasets/labels/dpdk-v22.11_v23.03.txt' },
    out: { type: 'string', default: 'bench/out/touched-disagreements.json' },
  },
});

const repo = await openRepository(values.repo);
const shas = readFileSync(values.labels ?? '', 'utf8')
  .split('\n')
  .filter((l) => l.endsWith(' 1'))
  .map((l) => l.split(' ')[0] ?? '');
const tInit = performance.now();
const parser = await loadCParser();
const reader = new BlobReader(repo);
const initMs = performance.now() - tInit;

const results: TouchedResult[] = [];
const t0 = performance.now();
for (const sha of shas) results.push(await touched(repo, sha, { reader, parser }));
const totalMs = performance.now() - t0;
reader.close();

let cHunks = 0;
let checkable = 0;
let agree = 0;
let headerEmpty = 0;
const disagreements: Array<{ sha: string; path: string; newStart: number; oldStart: number; ours: string; git: string }> = [];
let items = 0;
const kinds = new Map<string, number>();
for (const r of results) {
  items += r.items.length;
  for (const it of r.items) kinds.set(`${it.change} ${it.kind}`, (kinds.get(`${it.change} ${it.kind}`) ?? 0) + 1);
  for (const h of r.hunks) {
    cHunks++;
    if (h.items.length !== 1 || !h.items[0]?.startsWith('function ')) continue;
    const name = h.items[0].slice('function '.length);
    const fn = r.items.find((i) => i.kind === 'function' && i.name === name && i.path === h.path);
    // git's header names a line before the hunk: only hunks starting after the function's first line.
    const start = h.newCount ? h.newStart : h.oldStart;
    const span = h.newCount ? fn?.after : fn?.before;
    if (!span || start <= span.startLine) continue;
    checkable++;
    if (!h.gitHeader) headerEmpty++;
    if (new RegExp(`\\b${name}\\b`).test(h.gitHeader)) agree++;
    else disagreements.push({ sha: r.sha, path: h.path, newStart: h.newStart, oldStart: h.oldStart, ours: name, git: h.gitHeader });
  }
}
mkdirSync(path.dirname(values.out ?? 'x'), { recursive: true });
writeFileSync(values.out ?? '', JSON.stringify(disagreements, null, 1));
console.log(
  JSON.stringify(
    {
      commits: shas.length,
      initMs: Math.round(initMs),
      totalSeconds: +(totalMs / 1000).toFixed(2),
      msPerCommit: +(totalMs / shas.length).toFixed(1),
      files: results.reduce((s, r) => s + r.files.length, 0),
      cFiles: results.reduce((s, r) => s + r.files.filter((f) => f.isC).length, 0),
      items,
      byChange: Object.fromEntries([...kinds].sort((a, b) => b[1] - a[1])),
      cHunks,
      checkableHunks: checkable,
      headerAgrees: agree,
      agreement: `${((100 * agree) / Math.max(1, checkable)).toFixed(1)}%`,
      headerEmpty,
      disagreementsWritten: values.out,
    },
    null,
    1,
  ),
);
