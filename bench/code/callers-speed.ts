/**
 * find-callers against the `git grep -w` it starts from, in the same run: for each function, the plain
 * `git grep -w -n <name> <rev> -- '*.c' '*.h'` (the peer) and stablepick's findCallers (depth 1: grep,
 * read the matching files from git, parse the regions around the hits, sort every hit) alternate `--runs`
 * times; medians and their ratio are printed. The parser is loaded once before timing (a CLI run pays
 * it once, ~50 ms; see RESULTS.md for the whole-process time).
 *
 *   npx tsx bench/code/callers-speed.ts [--repo DIR] [--rev REV] [--runs N] [name ...]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openRepository } from '../../src/git/repo.js';
import { resolveCommit } from '../../src/git/show.js';
import { findCallers } from '../../src/analysis/code/callers.js';
import { openCodeContext } from '../../src/analysis/code/scan.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    repo: { type: 'string', default: '/work/.mirror/DPDK+dpdk/repo' },
    rev: { type: 'string', default: 'v23.03' },
    runs: { type: 'string', default: '5' },
  },
});
const names = positionals.length ? positionals : ['rte_pktmbuf_free', 'rte_eth_dev_configure', 'rte_mempool_create', 'rte_ring_create', 'rte_free'];
const repo = await openRepository(values.repo);
const sha = await resolveCommit(repo, values.rev ?? 'HEAD');
const ctx = await openCodeContext(repo);
const runs = Number(values.runs);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

function peer(name: string): { ms: number; lines: number } {
  const t = performance.now();
  const r = spawnSync('git', [`--git-dir=${repo.gitDir}`, 'grep', '-w', '-n', name, sha, '--', '*.c', '*.h'], { maxBuffer: 1 << 30 });
  const ms = performance.now() - t;
  return { ms, lines: r.stdout.toString().split('\n').filter(Boolean).length };
}

const rows: unknown[] = [];
for (const name of names) {
  // warm-up (page cache, pack index) for both
  peer(name);
  await findCallers(repo, name, { rev: sha, context: ctx });
  const g: number[] = [];
  const f: number[] = [];
  let lines = 0;
  let summary = '';
  for (let i = 0; i < runs; i++) {
    const p = peer(name);
    g.push(p.ms);
    lines = p.lines;
    const t = performance.now();
    const r = await findCallers(repo, name, { rev: sha, context: ctx });
    f.push(performance.now() - t);
    const calls = r.edges.filter((e) => e.kind === 'call').length;
    summary = `${r.tally.files} files, ${calls} call sites, ${r.tally.registrations} registrations/exports, ${r.tally.other} other hits`;
  }
  const gm = median(g);
  const fm = median(f);
  rows.push({ name, grepLines: lines, grepMs: Math.round(gm), findCallersMs: Math.round(fm), ratio: +(fm / gm).toFixed(2), summary });
}
ctx.close();
console.log(JSON.stringify({ rev: values.rev, sha, runs, results: rows }, null, 1));
