/**
 * The AUTOSEL series for a range (or some commits) and stable branches: which commits are mailed, for
 * which trees, in which order, with which adapted patch and written case.
 *
 *  - A commit is mailed when some branch says YES (never for a NO or a commit the branch holds), and for
 *    the trees its case recommends (YES, the bug is there or unknown, the queue applies).
 *  - Its strong prerequisites go first, as their own mails marked `Stable-dep-of:` (the kernel's form).
 *  - Per tree, the members that name it are trial-picked in order onto the branch tip, each onto the
 *    result of the previous: a member that stops applying there loses that tree.
 *  - Each mail carries the patch adapted to the newest tree it names.
 */
import { withApplyChecker } from '../../analysis/apply/apply-check.js';
import { judgeRange, type JudgeRangeInput } from '../../select/judge-range.js';
import type { Verdict } from '../../select/judge.js';
import { FACT_CHECK, InternalError } from '../../errors.js';
import { buildCase, branchRelease, caseMarkdown, caseText, textProblems, verifyCase, type CaseContext, type WrittenCase } from '../case/index.js';
import { branchNamed } from '../../history/tables/branches.js';

/** What a series needs: the same as a case. */
export type SeriesContext = CaseContext;

/** What to judge: the request of judgeRange, less what the context gives (index, repository, config). */
export type SeriesRequest = Pick<JudgeRangeInput, 'branches' | 'range' | 'shas' | 'firstParent' | 'adjust' | 'onProgress'>;

export interface SeriesTree {
  branch: string;
  /** The version the subject names, e.g. "6.17". */
  version: string;
  /** The branch's newest release, e.g. "v6.17.1" (null when none). */
  release: string | null;
  tip: string;
}

export interface SeriesMember {
  sha: string;
  subject: string;
  /** 'pick' for a YES commit; 'dependency' for a prerequisite of one (Stable-dep-of). */
  kind: 'pick' | 'dependency';
  /** For a dependency: the picks that need it. */
  neededBy: string[];
  /** Trees the mail names, newest first. */
  trees: SeriesTree[];
  /** The patch adapted to the newest tree (format-patch text). */
  patch: string;
  /** The written case (picks), checked; the Markdown that goes in the mail. */
  case: WrittenCase | null;
  analysis: string;
}

export interface SeriesSkip {
  sha: string;
  subject: string;
  reason: string;
}

export interface SeriesPlan {
  trees: SeriesTree[];
  members: SeriesMember[];
  skipped: SeriesSkip[];
  /** Cases that failed the fact check (a bug in stablepick): not mailed, reported, the command fails. */
  failed: SeriesSkip[];
  judged: number;
}

const short = (s: string): string => s.slice(0, 12);

function versionKey(v: string): number[] {
  return v
    .split(/[^0-9]+/)
    .filter(Boolean)
    .map(Number);
}

/** Newest first, by the version numbers in the name. */
function newestFirst<T extends { version: string }>(xs: readonly T[]): T[] {
  return [...xs].sort((a, b) => {
    const x = versionKey(a.version);
    const y = versionKey(b.version);
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (y[i] ?? -1) - (x[i] ?? -1);
    return 0;
  });
}

export interface SeriesTrial {
  result: string;
  reason: string;
  /** How many earlier members of the series apply to this tree (their mails come first). */
  before: number;
}

/**
 * The mail's patch is the trial pick onto its newest tree after the series' earlier members there; the
 * case tried the commit after its own queue only. When the two trials differ, the mail says so, so the
 * analysis never describes another patch than the one below it.
 */
export function seriesTrialNote(wc: WrittenCase, branch: string, trial: SeriesTrial | undefined): string {
  if (!trial) return '';
  const own = wc.branches.find((b) => b.branch === branch)?.apply.find((a) => a.sha === wc.sha);
  if (own && own.result === trial.result && own.reason === trial.reason) return '';
  const after = trial.before > 0 ? `after the ${trial.before} earlier mail${trial.before > 1 ? 's' : ''} of this series for ${branch}` : `onto ${branch}`;
  return `\n\nThe patch below is the trial pick ${after}: ${trial.result}${trial.reason ? ` — ${trial.reason}` : ''}${own ? ` (the case above tried it after its own queue only: ${own.result}${own.reason ? ` — ${own.reason}` : ''})` : ''}.\n`;
}

export async function planSeries(ctx: SeriesContext, req: SeriesRequest): Promise<SeriesPlan> {
  const step = req.onProgress ?? (() => undefined);
  const rows = req.branches.map((b) => branchNamed(ctx.db, b));
  const trees = newestFirst(
    rows.flatMap((r, i) => (r ? [{ branch: r.name, version: r.version ?? r.name, release: branchRelease(ctx.db, r.tip), tip: r.tip, order: i }] : [])),
  ).map(({ branch, version, release, tip }) => ({ branch, version, release, tip }));
  const branches = trees.map((t) => t.branch);

  step('judging the commits…');
  const j = await judgeRange({
    db: ctx.db,
    repo: ctx.repo,
    configDir: ctx.configDir,
    ...(ctx.configFile ? { configFile: ctx.configFile } : {}),
    branches,
    ...(req.range !== undefined ? { range: req.range } : { shas: req.shas ?? [] }),
    ...(req.firstParent ? { firstParent: true } : {}),
    ...(req.adjust ? { adjust: req.adjust } : {}),
    onProgress: step,
  });
  const verdictOf = new Map<string, Map<string, Verdict>>();
  j.commits.forEach((c, ci) => verdictOf.set(c.sha, new Map(branches.map((b, bi) => [b, j.verdicts[bi]![ci]!]))));

  // Cases of the YES commits; their targets are the trees they are mailed for.
  const skipped: SeriesSkip[] = [];
  const failed: SeriesSkip[] = [];
  const picks: { sha: string; case: WrittenCase; analysis: string }[] = [];
  const yes = j.commits.filter((c) => [...verdictOf.get(c.sha)!.values()].some((v) => v.verdict === 'YES' && !v.already));
  const selected = new Map<string, Set<string>>(branches.map((b) => [b, new Set<string>()]));
  for (const [i, c] of yes.entries()) {
    step(`written case ${i + 1}/${yes.length}: ${short(c.sha)}`);
    const wc = await buildCase(ctx, c.sha, branches, { verdicts: verdictOf.get(c.sha)!, selected });
    // The mail carries the plain-text form; both forms are checked.
    const analysis = caseText(wc);
    try {
      await verifyCase(ctx.repo, ctx.db, wc, [analysis, caseMarkdown(wc)]);
    } catch (e) {
      // One case that fails the fact check is not mailed; the others still are (the command reports it).
      if (!(e instanceof InternalError) || e.contract !== FACT_CHECK) throw e;
      failed.push({ sha: c.sha, subject: c.subject, reason: e.message });
      continue;
    }
    for (const t of wc.recommendation.targets) selected.get(t)!.add(c.sha);
    // Every YES branch that is not a target says why.
    for (const b of wc.branches) {
      if (b.verdict !== 'YES' || b.already || wc.recommendation.targets.includes(b.branch)) continue;
      const gap = wc.recommendation.gaps.find((g) => g.startsWith(b.branch));
      const why =
        gap ?? (b.bug === 'clean' ? `${b.branch} never had the bug` : !b.applies ? `the queue does not apply to ${b.branch}` : `${b.branch} is not a target`);
      skipped.push({ sha: c.sha, subject: c.subject, reason: `not mailed for ${b.branch}: ${why}` });
    }
    if (!wc.recommendation.targets.length) continue;
    picks.push({ sha: c.sha, case: wc, analysis });
  }

  // Members in upstream order: each pick's strong prerequisites before it (once), then the pick.
  const members: SeriesMember[] = [];
  const bySha = new Map<string, SeriesMember>();
  for (const p of picks) {
    const targets = new Set(p.case.recommendation.targets);
    for (const b of p.case.branches.filter((x) => targets.has(x.branch))) {
      for (const q of b.queue) {
        if (q.role === 'candidate' || q.role === 'follow-up') continue;
        let m = bySha.get(q.sha);
        if (!m) {
          m = { sha: q.sha, subject: q.subject, kind: 'dependency', neededBy: [], trees: [], patch: '', case: null, analysis: '' };
          bySha.set(q.sha, m);
          members.push(m);
        }
        if (!m.neededBy.includes(p.sha)) m.neededBy.push(p.sha);
        const t = trees.find((x) => x.branch === b.branch)!;
        if (!m.trees.includes(t)) m.trees.push(t);
      }
    }
    const existing = bySha.get(p.sha);
    const m: SeriesMember = existing ?? {
      sha: p.sha,
      subject: p.case.subject,
      kind: 'pick',
      neededBy: [],
      trees: [],
      patch: '',
      case: p.case,
      analysis: p.analysis,
    };
    m.kind = 'pick';
    m.case = p.case;
    m.analysis = p.analysis;
    for (const t of trees) if (targets.has(t.branch) && !m.trees.includes(t)) m.trees.push(t);
    if (!existing) {
      bySha.set(p.sha, m);
      members.push(m);
    }
  }
  // Upstream order (a dependency found late may be older than earlier picks).
  const pos = (s: string): number => j.history.commits.get(s)?.time ?? 0;
  members.sort((a, b) => pos(a.sha) - pos(b.sha));

  // Per tree, the queue of the members that name it: a member that stops applying loses the tree.
  step('trial picks of the series…');
  /** Per tree, the members that apply there: their adapted patch and trial (`before`: patches ahead of it). */
  const applied = new Map<string, Map<string, SeriesTrial & { patch: string }>>();
  await withApplyChecker(ctx.repo, { blame: false }, async (checker) => {
    for (const t of trees) {
      const mine = members.filter((m) => m.trees.includes(t));
      if (!mine.length) continue;
      const q = await checker.queueResolved(
        mine.map((m) => m.sha),
        t.tip,
        t.branch,
      );
      const got = new Map<string, SeriesTrial & { patch: string }>();
      for (const r of q.members)
        if (r.patch && (r.result === 'clean' || r.result === 'clean-with-offset'))
          got.set(r.sha, { patch: r.patch, result: r.result, reason: r.reason, before: got.size });
      applied.set(t.branch, got);
      for (const m of mine) {
        if (got.has(m.sha)) continue;
        m.trees = m.trees.filter((x) => x !== t);
        const r = q.members.find((x) => x.sha === m.sha);
        skipped.push({
          sha: m.sha,
          subject: m.subject,
          reason: `not mailed for ${t.branch}: ${r ? `${r.result} — ${r.reason}` : 'an earlier member of the series does not apply there'}`,
        });
      }
    }
  });
  const kept: SeriesMember[] = [];
  for (const m of members) {
    m.trees = newestFirst(m.trees);
    const newest = m.trees[0];
    if (!newest) continue;
    const trial = applied.get(newest.branch)?.get(m.sha);
    m.patch = trial?.patch ?? '';
    if (m.kind === 'pick' && m.case && trial) {
      const note = seriesTrialNote(m.case, newest.branch, trial);
      const problems = textProblems(m.case, [note]);
      if (problems.length)
        throw new InternalError(FACT_CHECK, `the series note for ${short(m.sha)} names an unchecked fact: ${problems[0]!.problem}; nothing was written`);
      m.analysis += note;
    }
    if (m.kind === 'dependency') {
      m.analysis = dependencyAnalysis(m, bySha);
      // Its text quotes the needing picks' cases: it must name only what they cite.
      const cases = m.neededBy.map((s) => bySha.get(s)?.case).filter((c): c is WrittenCase => !!c);
      const all = cases.flatMap((c) => c.citations);
      const probe = cases[0];
      if (probe) {
        const problems = textProblems({ ...probe, citations: [...all, { kind: 'sha', sha: m.sha }] }, [m.analysis]);
        if (problems.length)
          throw new InternalError(
            FACT_CHECK,
            `the prerequisite note for ${short(m.sha)} names an unchecked fact: ${problems[0]!.problem}; nothing was written`,
          );
      }
    }
    kept.push(m);
  }
  // A pick whose dependency was dropped for a tree cannot go to that tree either.
  for (const m of kept) {
    if (m.kind !== 'pick') continue;
    for (const d of kept.filter((x) => x.kind === 'dependency' && x.neededBy.includes(m.sha))) {
      const lost = m.trees.filter((t) => !d.trees.includes(t));
      if (lost.length) m.trees = m.trees.filter((t) => d.trees.includes(t));
    }
  }
  return { trees, members: kept.filter((m) => m.trees.length && m.patch), skipped, failed, judged: j.commits.length };
}

function dependencyAnalysis(m: SeriesMember, bySha: ReadonlyMap<string, SeriesMember>): string {
  const lines = [
    `# ${short(m.sha)} ${m.subject}`,
    '',
    `**Prerequisite** of ${m.neededBy.map((s) => `${short(s)} ("${bySha.get(s)?.subject ?? ''}")`).join(', ')}: it goes first.`,
    '',
  ];
  for (const need of m.neededBy) {
    const c = bySha.get(need)?.case;
    const p = c?.prerequisites.find((x) => x.sha === m.sha);
    if (!p) continue;
    lines.push(`Why ${short(need)} needs it:`);
    for (const w of p.why) lines.push(`    ${w}`);
    lines.push('');
  }
  lines.push(`Trees: ${m.trees.map((t) => t.branch).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** `Linux 6.17.1` for a kernel tag `v6.17.1`; the tag itself otherwise. */
export function stableBaseOf(t: SeriesTree, kernel: boolean): string {
  if (!t.release) return t.branch;
  return kernel ? `Linux ${t.release.replace(/^v/, '')}` : t.release;
}
