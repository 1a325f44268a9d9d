/**
 * Where the time of a written case goes (bug E): runs the steps of src/report/case/build.ts `buildCase` one
 * by one, in one process, for each given commit, and times each; with SHIM_LOG set (the file a `git` wrapper on
 * PATH appends "start<TAB>end<TAB>code<TAB>args" to, one line per git process; git gets no GIT_* variables
 * from stablepick, so the wrapper cannot read its path from one) it also sums the wall
 * time of the git processes each step started, by git command. The steps are called as buildCase calls them
 * (same functions, same arguments); verdicts come from one judgeRange over all the commits, as `mail` does.
 *
 *   npx tsx bench/report/case-steps.ts --repo R --db D --branch S1,S2 [--no-apply] [--split] [--whole] SHAFILE
 *
 * One JSON line per commit, then a summary line (`{"summary": ...}`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { openContext } from '../../src/workspace.js';
import { commitDiff } from '../../src/git/diff.js';
import { resolveIndexed, commitView } from '../../src/history/queries.js';
import { affectedBranches } from '../../src/analysis/affected/index.js';
import { withApplyChecker } from '../../src/analysis/apply/apply-check.js';
import { prerequisites } from '../../src/analysis/deps/prerequisites.js';
import { pickQueue } from '../../src/analysis/deps/queue.js';
import type { PickQueue } from '../../src/analysis/deps/types.js';
import { followUps } from '../../src/analysis/fixes/follow-ups.js';
import { commitGraph } from '../../src/analysis/fixes/branch-state.js';
import { judgeRange } from '../../src/select/judge-range.js';
import { buildCase, caseMarkdown, findProblems, branchRelease } from '../../src/report/case/index.js';
import { codeFacts } from '../../src/report/case/code-facts.js';
import { bugFacts } from '../../src/report/case/bug-facts.js';
import { argv, opt } from '../args.js';

const repo = opt('--repo');
const db = opt('--db');
const branches = (opt('--branch') ?? '').split(',').filter(Boolean);
const noApply = argv.includes('--no-apply');
const split = argv.includes('--split');
const whole = argv.includes('--whole');
const file = argv[argv.length - 1];
if (!repo || !db || !branches.length || !file || file.startsWith('--')) {
  console.error('usage: case-steps.ts --repo R --db D --branch S1,S2 [--no-apply] [--split] [--whole] SHAFILE');
  process.exit(2);
}
const shimLog = process.env.SHIM_LOG;
interface GitRow {
  start: number;
  end: number;
  cmd: string;
}
let shimOffset = 0;
function gitRows(): GitRow[] {
  if (!shimLog || !existsSync(shimLog)) return [];
  const all = readFileSync(shimLog, 'utf8');
  const text = all.slice(shimOffset);
  shimOffset = all.length;
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [a, b, , args] = l.split('\t');
      const words = (args ?? '').split(' ').filter((w) => !w.startsWith('--git-dir=') && !w.startsWith('-c') && !w.includes('='));
      return { start: Number(a) * 1000, end: Number(b) * 1000, cmd: words.slice(0, 2).join(' ') };
    });
}

const ctx0 = await openContext({ repo, db }, { mustExist: true });
const ctx = { repo: ctx0.repo, db: ctx0.db, conventions: ctx0.conventions, configDir: ctx0.repo.workTree ?? ctx0.repo.gitDir };
const shas = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const total: Record<string, number> = {};
const gitTotal: Record<string, Record<string, number>> = {};
try {
  const tj = performance.now();
  const j = await judgeRange({ db: ctx.db, repo: ctx.repo, configDir: ctx.configDir, branches, shas: shas.map((s) => resolveIndexed(ctx.db, s)) });
  const judgeMs = performance.now() - tj;
  gitRows();
  console.log(JSON.stringify({ judgeRange: { commits: shas.length, ms: Math.round(judgeMs) } }));
  for (const [k, rev] of shas.entries()) {
    const sha = resolveIndexed(ctx.db, rev);
    const verdicts = new Map(j.verdicts.map((vs, i) => [branches[i]!, vs[k]!]));
    const steps: { step: string; t0: number; t1: number }[] = [];
    const time = async <T>(step: string, f: () => Promise<T> | T): Promise<T> => {
      const t0 = Date.now();
      const r = await f();
      steps.push({ step, t0, t1: Date.now() });
      return r;
    };
    const view = await time('commitView', () => commitView(ctx.db, sha));
    const diff = await time('commitDiff', () => commitDiff(ctx.repo, sha));
    await time('codeFacts', () => codeFacts(ctx.repo, sha));
    await time('bugFacts', () => bugFacts(view, diff));
    await time('affectedBranches', () => affectedBranches(ctx, sha));
    const queues = new Map<string, PickQueue>();
    for (const b of branches) {
      // pickQueue = prerequisites + followUps; with --split also timed apart first (nothing is cached between
      // the calls, so this doubles their cost), then the queue itself (as buildCase calls it).
      if (split) {
        await time(`prerequisites ${b}`, () => prerequisites(ctx, sha, b, {}));
        await time(`followUps ${b}`, () => followUps(ctx, sha, b, {}));
      }
      queues.set(b, await time(`pickQueue ${b}`, () => pickQueue(ctx, sha, b)));
    }
    if (!noApply) {
      await time('apply', () =>
        withApplyChecker(ctx.repo, { blame: false }, async (checker) => {
          for (const b of branches) {
            const tip = ctx.db.prepare('SELECT tip FROM branches WHERE name = ?').pluck().get(b) as string | undefined;
            if (!tip || verdicts.get(b)?.already) continue;
            const q = queues.get(b)!;
            await checker.queueResolved(
              q.queue.filter((m) => m.role !== 'prerequisite' || m.prerequisite?.strength === 'strong').map((m) => m.sha),
              tip,
              b,
            );
          }
        }),
      );
    }
    await time('branchRelease', () => {
      for (const b of branches) {
        const tip = ctx.db.prepare('SELECT tip FROM branches WHERE name = ?').pluck().get(b) as string | undefined;
        if (tip) branchRelease(ctx.db, tip);
      }
    });
    await time('onMainline', () => {
      const m = ctx.db.prepare("SELECT tip FROM branches WHERE role = 'mainline'").pluck().get() as string | undefined;
      return m ? commitGraph(ctx.db).ancestors([m]).has(sha) : false;
    });
    // The whole case (again, without trial picks) for the check; with --whole also timed (it repeats the steps).
    const wc = whole
      ? await time('buildCase (whole, again)', () => buildCase(ctx, sha, branches, { verdicts, noApply: true }))
      : await buildCase(ctx, sha, branches, { verdicts, noApply: true });
    const problems = await time('verify', () => findProblems(ctx.repo, ctx.db, wc, [caseMarkdown(wc)]));
    const rows = gitRows();
    const out: Record<string, { ms: number; git: Record<string, number> }> = {};
    for (const s of steps) {
      const key = s.step.replace(/ .*$/, '');
      const o = (out[key] ??= { ms: 0, git: {} });
      o.ms += s.t1 - s.t0;
      for (const r of rows) {
        if (r.start < s.t0 - 5 || r.start > s.t1 + 5) continue;
        o.git[r.cmd] = (o.git[r.cmd] ?? 0) + Math.round(Math.min(r.end, s.t1) - r.start);
      }
    }
    for (const [key, o] of Object.entries(out)) {
      total[key] = (total[key] ?? 0) + o.ms;
      const g = (gitTotal[key] ??= {});
      for (const [c, ms] of Object.entries(o.git)) g[c] = (g[c] ?? 0) + ms;
    }
    console.log(JSON.stringify({ sha: sha.slice(0, 12), ok: problems.length === 0, steps: out }));
  }
  console.log(JSON.stringify({ summary: { commits: shas.length, msByStep: total, gitMsByStep: gitTotal } }));
} finally {
  ctx0.close();
}
