/**
 * Callers of 20 functions checked against `git grep -w` by hand: for functions changed by DPDK picks
 * (every 7th modified function of the picks, at the pick's commit), print every line `git grep -w` finds
 * and what stablepick made of it (call and its caller, registration, definition, declaration, or other).
 * The verdicts of the check by hand are in RESULTS.md.
 *
 *   npx tsx bench/code/callers-check.ts [--repo DIR] [--labels FILE] [--count 20] > bench/out/callers-check.txt
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { grepWords } from '../../src/git/grep.js';
import { openRepository } from '../../src/git/repo.js';
import { findCallers } from '../../src/analysis/code/callers.js';
import { openCodeContext } from '../../src/analysis/code/scan.js';
import { touched } from '../../src/analysis/code/touched.js';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: '/work/.mirror/DPDK+dpdk/repo' },
    labels: { type: 'string', default: '/work/shared/datasets/labels/dpdk-v22.11_v23.03.txt' },
    count: { type: 'string', default: '20' },
    every: { type: 'string', default: '7' },
  },
});
const repo = await openRepository(values.repo);
const ctx = await openCodeContext(repo);
const shas = readFileSync(values.labels ?? '', 'utf8')
  .split('\n')
  .filter((l) => l.endsWith(' 1'))
  .map((l) => l.split(' ')[0] ?? '');
const picked: Array<{ sha: string; name: string }> = [];
let k = 0;
const seen = new Set<string>();
for (const sha of shas) {
  const t = await touched(repo, sha, { reader: ctx.reader, parser: ctx.parser });
  for (const it of t.items) {
    if (it.kind !== 'function' || it.change !== 'modified' || !it.name || seen.has(it.name)) continue;
    seen.add(it.name);
    if (k++ % Number(values.every) === 0) picked.push({ sha, name: it.name });
  }
  if (picked.length >= Number(values.count)) break;
}
let totalHits = 0;
let totalExplained = 0;
for (const { sha, name } of picked) {
  const r = await findCallers(repo, name, { rev: sha, context: ctx });
  const grep = await grepWords(repo, sha, [name]);
  const lines: string[] = [];
  const ours = new Map<string, string>();
  for (const e of r.edges) ours.set(`${e.path}:${e.line}`, `${e.kind}${e.caller ? ` from ${e.caller}` : ''}${e.how ? ` (${e.how})` : ''}`);
  for (const n of r.nodes) {
    const d = n.definition;
    if (n.depth !== 0 || !d) continue;
    for (let l = d.startLine; l <= Math.min(d.endLine, d.startLine + 3); l++) ours.set(`${d.path}:${l}`, 'definition');
  }
  for (const n of r.nodes) for (const e of n.entry) if (!ours.has(`${e.path}:${e.line}`)) ours.set(`${e.path}:${e.line}`, `entry ${e.kind} (${e.how})`);
  let hits = 0;
  let explained = 0;
  for (const [path, hs] of grep) {
    for (const h of hs) {
      hits++;
      const o = ours.get(`${path}:${h.line}`);
      if (o) explained++;
      lines.push(`  ${path}:${h.line}\t${o ?? '-'}\t| ${h.text.trim().slice(0, 110)}`);
    }
  }
  totalHits += hits;
  totalExplained += explained;
  const calls = r.edges.filter((e) => e.kind === 'call').length;
  console.log(
    `\n## ${name} at ${sha.slice(0, 12)}: ${hits} grep lines, ${calls} calls, ${r.edges.length - calls} other uses; entry: ${
      r.nodes
        .filter((n) => n.depth === 0)
        .flatMap((n) => n.entry.map((e) => `${e.kind} ${e.how}`))
        .join('; ') || '-'
    }`,
  );
  console.log(lines.join('\n'));
}
ctx.close();
console.log(
  `\n${picked.length} functions, ${totalHits} grep lines, ${totalExplained} given a meaning (call, registration, definition, entry); the rest are '-' (prototypes, comments, strings, other identifiers).`,
);
