/**
 * Issue 18 on real history: the written cases (plain text, as mailed) of a random sample of the YES
 * commits of a window, each built, fact-checked and timed, one file per case for a person to read.
 *
 *   npx tsx bench/report/case-read.ts --repo R --db D --range A..B --branch S [--sample 10] [--seed 18] [--out DIR]
 *
 * Work on a copy of the index (cp). Nothing is written to the repository (trial picks use a private
 * object directory). DIR/<sha12>.txt holds each case; DIR/summary.json the times and fact counts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { openRepository } from '../../src/git/repo.js';
import { openDb } from '../../src/history/db.js';
import { buildCase, caseMarkdown, caseText, findProblems } from '../../src/report/case/index.js';
import { judgeRange } from '../../src/select/judge-range.js';
import { argv, opt } from '../args.js';

const branches = argv.flatMap((a, i) => (a === '--branch' && argv[i + 1] ? argv[i + 1]!.split(',') : []));
const repoPath = opt('--repo');
const dbPath = opt('--db');
const range = opt('--range');
if (!repoPath || !dbPath || !range || !branches.length) {
  console.error('usage: case-read.ts --repo R --db D --range A..B --branch S [--sample 10] [--seed 18] [--out DIR]');
  process.exit(2);
}
const sample = Number(opt('--sample') ?? 10);
let seed = Number(opt('--seed') ?? 18) >>> 0;
const out = path.resolve(opt('--out') ?? '/tmp/case-read');
mkdirSync(out, { recursive: true });
/** mulberry32: the same sample for the same seed. */
const rand = (): number => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const repo = await openRepository(repoPath);
const db = openDb(dbPath);
const t0 = performance.now();
const j = await judgeRange({ db, repo, configDir: repo.workTree ?? repo.gitDir, branches, range });
const judgeSeconds = (performance.now() - t0) / 1000;
const yes = j.commits.map((c, i) => ({ c, vs: j.verdicts.map((v) => v[i]!) })).filter((x) => x.vs.some((v) => v.verdict === 'YES' && !v.already));
const picked = [...yes].sort(() => rand() - 0.5).slice(0, sample);
const rows: { sha: string; subject: string; seconds: number; facts: number; problems: string[]; risk: string; priority: string | null; longLines: number }[] =
  [];
for (const { c, vs } of picked) {
  const s0 = performance.now();
  const wc = await buildCase({ repo, db, conventions: DEFAULT_CONVENTIONS, configDir: repo.workTree ?? repo.gitDir }, c.sha, branches, {
    verdicts: new Map(branches.map((b, i) => [b, vs[i]!])),
  });
  const text = caseText(wc);
  const problems = (await findProblems(repo, db, wc, [text, caseMarkdown(wc)])).map((p) => p.problem);
  const seconds = (performance.now() - s0) / 1000;
  writeFileSync(path.join(out, `${c.sha.slice(0, 12)}.txt`), `${c.sha} ${c.subject}\n\n${text}`);
  const row = {
    sha: c.sha,
    subject: c.subject,
    seconds: Math.round(seconds * 100) / 100,
    facts: wc.citations.length,
    problems,
    risk: wc.risk.level,
    priority: wc.priority?.level ?? null,
    longLines: text.split('\n').filter((l) => l.length > 75).length,
  };
  rows.push(row);
  process.stderr.write(`${c.sha.slice(0, 12)} ${row.seconds}s ${row.facts} facts ${problems.length} problems ${row.risk}/${row.priority} ${c.subject}\n`);
}
const secs = rows.map((r) => r.seconds).sort((a, b) => a - b);
const summary = {
  range,
  branches,
  judged: j.commits.length,
  yes: yes.length,
  sample: rows.length,
  judgeSeconds: Math.round(judgeSeconds * 10) / 10,
  medianSeconds: secs[Math.floor(secs.length / 2)] ?? null,
  maxSeconds: secs[secs.length - 1] ?? null,
  rows,
};
writeFileSync(path.join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
process.stderr.write(
  `${rows.length} cases, median ${summary.medianSeconds}s, max ${summary.maxSeconds}s, judged ${j.commits.length} in ${summary.judgeSeconds}s\n`,
);
db.close();
