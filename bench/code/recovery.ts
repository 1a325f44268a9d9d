/**
 * How well kernel-style C parses: the share of function definitions the parser recovers on the files of
 * a real tree. The reference is lexical and independent of tree-sitter: in kernel/DPDK style a function
 * body opens with `{` alone in column 0 right after the header's closing `)`. A function is recovered
 * when the parser reports a function whose body starts on that line.
 *
 * With --regions the file is parsed the way callers and touched parse it: only the regions (between
 * column-0 `}` lines) that hold the reference lines, each on its own.
 *
 *   npx tsx bench/code/recovery.ts [--repo DIR] [--rev REV] [--limit N] [--misses N] [--regions]
 */
import { parseArgs } from 'node:util';
import { openRepository } from '../../src/git/repo.js';
import { BlobReader, listFiles, resolveCommit } from '../../src/git/show.js';
import { loadCParser } from '../../src/analysis/code/parse-c.js';

const { values } = parseArgs({
  options: {
    repo: { type: 'string', default: '/work/.mirror/DPDK+dpdk/repo' },
    rev: { type: 'string', default: 'v23.03' },
    limit: { type: 'string', default: '0' },
    misses: { type: 'string', default: '15' },
    regions: { type: 'boolean', default: false },
  },
});

const repo = await openRepository(values.repo);
const sha = await resolveCommit(repo, values.rev ?? 'HEAD');
const parser = await loadCParser();
const reader = new BlobReader(repo);
let files = await listFiles(repo, sha, (p) => /\.[ch]$/.test(p));
const limit = Number(values.limit);
if (limit > 0) files = files.slice(0, limit);

let truth = 0;
let recovered = 0;
let reported = 0;
let errorLines = 0;
let totalLines = 0;
let bytes = 0;
let parseMs = 0;
const misses: string[] = [];
const t0 = performance.now();
for (const path of files) {
  const text = await reader.readText(sha, path);
  if (text === null) continue;
  bytes += Buffer.byteLength(text);
  const lines = text.split('\n');
  const want = new Set<number>();
  for (let i = 1; i < lines.length; i++) {
    if (!/^\{\s*(\/\*.*\*\/)?\s*$/.test(lines[i] ?? '')) continue;
    let j = i - 1;
    while (j >= 0 && (lines[j] ?? '').trim() === '') j--;
    const prev = (lines[j] ?? '').replace(/\/\*.*\*\/\s*$/, '').trimEnd();
    if (prev.endsWith(')') && !prev.startsWith('#')) want.add(i + 1);
  }
  const a = performance.now();
  const facts = values.regions ? parser.parse(text, { lines: [...want] }) : parser.parse(text);
  parseMs += performance.now() - a;
  errorLines += facts.errorLines;
  totalLines += facts.totalLines;
  const bodies = new Set(facts.items.filter((x) => x.kind === 'function').map((x) => x.bodyLine));
  reported += facts.items.filter((x) => x.kind === 'function').length;
  truth += want.size;
  for (const l of want) {
    if (bodies.has(l)) recovered++;
    else if (misses.length < Number(values.misses)) misses.push(`${path}:${l}`);
  }
}
reader.close();
const wall = performance.now() - t0;
const pct = (a: number, b: number): string => `${((100 * a) / Math.max(1, b)).toFixed(2)}%`;
console.log(
  JSON.stringify(
    {
      rev: values.rev,
      mode: values.regions ? 'regions' : 'whole files',
      sha,
      files: files.length,
      megabytes: +(bytes / 1e6).toFixed(1),
      referenceFunctions: truth,
      recovered,
      recoveredShare: pct(recovered, truth),
      functionsReported: reported,
      linesInErrorNodes: pct(errorLines, totalLines),
      parseSeconds: +(parseMs / 1000).toFixed(1),
      parseMBperSecond: +(bytes / 1e6 / (parseMs / 1000)).toFixed(1),
      wallSeconds: +(wall / 1000).toFixed(1),
      sampleMisses: misses,
    },
    null,
    1,
  ),
);
