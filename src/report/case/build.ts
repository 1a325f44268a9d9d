/**
 * The written case of one upstream commit for one or more stable branches, assembled from computed facts
 * in the seed mail's order: verdict, code evidence, bug analysis, changes, follow-ups, prerequisites,
 * suitability, stable rules, risk, recommendation. Nothing here is phrased beyond what the facts say,
 * and every sha, file:line and function it names is in `citations` (checked by verify.ts).
 */
import type { Conventions } from '../../conventions/types.js';
import { commitDiff } from '../../git/diff.js';
import type { Repository } from '../../git/repo.js';
import type { BlobReader } from '../../git/show.js';
import type { DB } from '../../history/db.js';
import { commitView, resolveIndexed } from '../../history/queries.js';
import { affectedBranches } from '../../analysis/affected/index.js';
import { withApplyChecker } from '../../analysis/apply/apply-check.js';
import type { QueueResult } from '../../analysis/apply/types.js';
import { pickQueue } from '../../analysis/deps/queue.js';
import type { PickQueue } from '../../analysis/deps/types.js';
import { commitGraph, mainlineState } from '../../analysis/fixes/branch-state.js';
import type { Verdict } from '../../select/judge.js';
import { judgeRange, type JudgeRangeInput } from '../../select/judge-range.js';
import { bugFacts } from './bug-facts.js';
import { codeFacts, followUpStory, type CodeFactOptions } from './code-facts.js';
import { bugStatements, numbersOf, priorityOf } from './statements.js';
import { recommend, riskOf, suitability, summaryOf } from './judgement.js';
import { stableRules, trivialOnly } from './stable-rules.js';
import { CASE_VERSION, type BranchCase, type Citation, type WrittenCase } from './types.js';
import { commitMessage, commitRecord } from '../../history/tables/commits.js';
import { branchTip, mainlineBranch } from '../../history/tables/branches.js';
import { releasesNewestFirst } from '../../history/tables/tags.js';

export interface CaseContext {
  repo: Repository;
  db: DB;
  conventions: Conventions;
  /** The folder whose stablepick.config.json applies. */
  configDir: string;
  configFile?: string;
}

export interface CaseOptions {
  /** Verdicts already computed (by a scan of the whole range), per branch; judged alone otherwise. */
  verdicts?: ReadonlyMap<string, Verdict>;
  /** When judged here: the review step of the front ends (src/review/policy.ts reviewAdjuster). */
  adjust?: JudgeRangeInput['adjust'];
  /** Skip the trial picks (faster; apply status 'not-tried'). */
  noApply?: boolean;
  /** Commits a series picks before this one, per branch: a fix of one of them is needed there too. */
  selected?: ReadonlyMap<string, ReadonlySet<string>>;
  /** How far the code facts look for callers (default: the 6 most changed functions, 2 levels). */
  code?: CodeFactOptions;
}

/** Per index handle: branch tip → its newest release (a walk of the tip's ancestors, done once per tip). */
const releases = new WeakMap<DB, Map<string, string | null>>();

/** The newest release tag a branch tip contains, e.g. v6.17.1 (null when none). */
export function branchRelease(db: DB, tip: string): string | null {
  let known = releases.get(db);
  if (!known) releases.set(db, (known = new Map()));
  if (known.has(tip)) return known.get(tip)!;
  const g = commitGraph(db);
  const mask = g.ancestorsMask([tip]);
  const tags = releasesNewestFirst(db);
  let found: string | null = null;
  for (const [name, sha] of tags) {
    const i = g.indexOf(sha);
    if (i >= 0 && mask[i]) {
      found = name;
      break;
    }
  }
  known.set(tip, found);
  return found;
}

/** Lines of a unified diff with 3 lines of context, from zero-context hunks: changed lines plus context, merged per file. */
function linesWithContext(diff: Awaited<ReturnType<typeof commitDiff>>): number {
  let n = 0;
  for (const f of diff.files) {
    let lastEnd = -Infinity;
    for (const h of f.hunks) {
      const start = h.oldStart - 3;
      const end = h.oldStart + Math.max(h.oldCount, 0) + 3;
      const ctx = Math.min(3, Math.max(0, start - lastEnd)) + 3;
      n += h.removed.length + h.added.length + Math.min(ctx, 6);
      lastEnd = end;
    }
  }
  return n;
}

export async function buildCase(ctx: CaseContext, rev: string, branches: readonly string[], opts: CaseOptions = {}): Promise<WrittenCase> {
  const sha = resolveIndexed(ctx.db, rev);
  const view = commitView(ctx.db, sha);
  const citations: Citation[] = [{ kind: 'sha', sha }];

  // Verdicts per branch.
  let verdicts = opts.verdicts;
  if (!verdicts) {
    const j = await judgeRange({
      db: ctx.db,
      repo: ctx.repo,
      configDir: ctx.configDir,
      ...(ctx.configFile ? { configFile: ctx.configFile } : {}),
      branches,
      shas: [sha],
      ...(opts.adjust ? { adjust: opts.adjust } : {}),
    });
    verdicts = new Map(j.verdicts.map((vs, i) => [branches[i]!, vs[0]!]));
  }

  // The pick queues (blame, the new symbols' greps) run beside the code facts (the callers' greps): both
  // mostly wait for git. Two lanes at most; each lane's answers are the same as run alone.
  const queuesDone = pickQueues(ctx, sha, branches, opts.code?.context?.reader);
  queuesDone.catch(() => undefined); // awaited below; a failure of the code facts first must not leave it unhandled

  // Facts of the commit itself.
  const diff = await commitDiff(ctx.repo, sha);
  const code = await codeFacts(ctx.repo, sha, opts.code);
  citations.push(...code.citations);
  const bug = bugFacts(view, diff);
  citations.push(...bug.citations);
  // What the message states about the bug, quoted; the crash sites the diff removes.
  const statements = bugStatements(view.message);
  const numbers = numbersOf(view.message);
  for (const s of statements) citations.push({ kind: 'quote', sha, text: s.text });
  for (const n of numbers) citations.push({ kind: 'quote', sha, text: n });
  const crashSites = code.changeFacts.functions.flatMap((f) =>
    f.patterns.filter((p) => p.side === 'removed' && p.kind === 'assert').map((p) => ({ path: p.path, line: p.line, text: p.text })),
  );
  if (diff.parent) for (const s of crashSites) citations.push({ kind: 'file-line', rev: diff.parent, path: s.path, line: s.line, text: s.text });
  const reporters = bug.bug.tags.filter((t) => t.key.toLowerCase() === 'reported-by').map((t) => t.value);
  const reportLinks = bug.bug.tags.filter((t) => /^(?:link|closes|bugzilla|bug)$/i.test(t.key)).map((t) => t.value);
  const files = code.touched.files.map((f) => ({ path: f.path, added: f.linesAdded, removed: f.linesRemoved }));
  const changes = {
    files,
    added: files.reduce((a, f) => a + f.added, 0),
    removed: files.reduce((a, f) => a + f.removed, 0),
    hunks: diff.files.reduce((a, f) => a + f.hunks.length, 0),
  };

  // Where the bug is, and what goes with the pick, per branch.
  // Only the case's branches: each other stable branch would cost a walk of its whole history.
  const affected = await affectedBranches(ctx, sha, { branches });
  for (const i of affected.introducers) citations.push({ kind: 'sha', sha: i.sha });
  for (const k of affected.blameSkipped) citations.push({ kind: 'sha', sha: k.sha });
  const introduced: NonNullable<WrittenCase['bug']['introduced']> = affected.introducers.map((i) => {
    const row = commitRecord(ctx.db, i.sha);
    const release = row?.first_release ?? null;
    if (release) citations.push({ kind: 'release', sha: i.sha, tag: release });
    return { sha: i.sha, subject: row?.subject ?? '', release, how: affected.evidence === 'fixes' ? 'named by Fixes:' : 'blame of the removed lines' };
  });
  const queues = await queuesDone;
  // Weak prerequisites (only context lines, or only adjacency) are reported, not queued: stable teams
  // rarely take them (bench/analysis/RESULTS.md); a conflict without them shows up in the trial pick.
  const queued = (q: PickQueue): PickQueue['queue'] => q.queue.filter((m) => m.role !== 'prerequisite' || m.prerequisite?.strength === 'strong');
  const applies = new Map<string, QueueResult>();
  const tips = new Map<string, string>();
  for (const b of branches) {
    const row = branchTip(ctx.db, b);
    if (row) tips.set(b, row);
  }
  if (!opts.noApply) {
    await withApplyChecker(ctx.repo, { blame: false }, async (checker) => {
      for (const b of branches) {
        const q = queues.get(b)!;
        const tip = tips.get(b);
        if (!tip || verdicts!.get(b)?.already) continue;
        applies.set(
          b,
          await checker.queueResolved(
            queued(q).map((m) => m.sha),
            tip,
            b,
          ),
        );
      }
    });
  }

  const branchCases: BranchCase[] = branches.map((b) => {
    const v = verdicts!.get(b)!;
    const q = queues.get(b)!;
    const impact = affected.branches.find((x) => x.branch === b);
    const ap = applies.get(b);
    const tip = tips.get(b) ?? '';
    const status = impact ? impact.status : 'unknown';
    let bugState: BranchCase['bug'] =
      affected.evidence === 'none' ? 'unknown' : status === 'affected' || status === 'fixed' || status === 'clean' ? status : 'unknown';
    const bugWith = bugState === 'clean' ? affected.introducers.find((i) => opts.selected?.get(b)?.has(i.sha))?.sha : undefined;
    if (bugWith) bugState = 'affected';
    // The selection's reasons are quoted verbatim: the commits they name are in their evidence.
    for (const r of v.reasons) {
      for (const val of Object.values(r.evidence ?? {})) {
        for (const x of Array.isArray(val) ? val : [val]) if (typeof x === 'string' && /^[0-9a-f]{40}$/.test(x)) citations.push({ kind: 'sha', sha: x });
      }
    }
    for (const m of q.queue) {
      citations.push({ kind: 'sha', sha: m.sha });
      for (const r of m.prerequisite?.reasons ?? []) {
        if (r.kind === 'blame') {
          const need = m.prerequisite!.neededBy;
          const at = need === sha ? view.parents[0] : (commitRecord(ctx.db, need)?.parents.split(' ')[0] ?? undefined);
          citations.push({ kind: 'sha', sha: need });
          for (const l of r.lines) if (at) citations.push({ kind: 'file-line', rev: at, path: l.path, line: l.line });
        } else if (r.kind === 'symbol') {
          for (const y of r.symbols) {
            citations.push({ kind: 'file-line', rev: m.prerequisite!.neededBy, path: y.path, line: y.line });
            if (/^[0-9a-f]{40}$/.test(y.missingIn)) citations.push({ kind: 'sha', sha: y.missingIn });
          }
        }
      }
    }
    if (v.already && v.already !== 'ancestor') citations.push({ kind: 'sha', sha: v.already });
    if (tip) citations.push({ kind: 'ref', name: b, sha: tip });
    const held = q.followUps.followUps
      .filter((f) => f.inBranch)
      .map((f) => ({ sha: f.sha, pick: f.inBranch!.how === 'picked' ? f.inBranch!.stableSha : 'ancestor' }));
    for (const h of held) {
      citations.push({ kind: 'sha', sha: h.sha });
      if (h.pick !== 'ancestor') citations.push({ kind: 'sha', sha: h.pick });
    }
    const apply: BranchCase['apply'] = queued(q).map((m) => {
      const r = ap?.members.find((x) => x.sha === m.sha);
      return {
        sha: m.sha,
        result: r ? r.result : 'not-tried',
        reason: r ? r.reason : ap ? 'not tried: an earlier member of the queue does not apply' : v.already ? 'already in the branch' : 'not tried',
      };
    });
    const vulnerableSince = impact?.vulnerableSince?.sha ?? null;
    if (vulnerableSince) citations.push({ kind: 'sha', sha: vulnerableSince });
    if (bugWith) citations.push({ kind: 'sha', sha: bugWith });
    return {
      ...(bugWith ? { bugWith } : {}),
      branch: b,
      release: tip ? branchRelease(ctx.db, tip) : null,
      tip,
      verdict: v.verdict,
      confidence: v.confidence,
      already: v.already ?? null,
      reasons: v.reasons.map((r) => r.text),
      bug: bugState,
      vulnerableSince,
      queue: queued(q).map((m) => ({ sha: m.sha, subject: m.subject, role: m.role, why: m.why })),
      followUpsHeld: held,
      apply,
      applies: ap !== undefined && ap.firstFailure === null && apply.every((a) => a.result !== 'conflict' && a.result !== 'not-tried'),
    };
  });

  // Follow-ups and prerequisites over all branches.
  const followUps: WrittenCase['followUps'] = [];
  for (const q of queues.values()) {
    for (const f of q.followUps.followUps) {
      if (followUps.some((x) => x.sha === f.sha)) continue;
      let story: string | undefined;
      if (f.kind === 'fixes') {
        const msg = commitMessage(ctx.db, f.sha);
        const s = await followUpStory(ctx.repo, f.sha, msg ?? '');
        if (s.text) {
          story = s.text;
          citations.push(...s.citations);
        }
      }
      followUps.push({
        sha: f.sha,
        subject: f.subject,
        kind: f.kind,
        depth: f.depth,
        line: f.edge.evidence.line,
        revertedUpstream: f.revertedUpstream,
        ...(story ? { story } : {}),
      });
      citations.push({ kind: 'sha', sha: f.sha });
    }
  }
  const prerequisites: WrittenCase['prerequisites'] = [];
  for (const [b, q] of queues) {
    for (const m of q.queue.filter((x) => x.role === 'prerequisite')) {
      const have = prerequisites.find((x) => x.sha === m.sha);
      if (have) have.branches.push(b);
      else prerequisites.push({ sha: m.sha, subject: m.subject, strength: m.prerequisite?.strength ?? 'weak', why: m.why, branches: [b] });
    }
  }

  // The stable rules table.
  const mainline = mainlineBranch(ctx.db);
  // The mainline's ancestors are cached per index handle (a series builds many cases).
  const onMainline = mainline ? mainlineState(ctx).ancestors.has(sha) : false;
  const tagValues = (kind: string): string[] => view.trailers.filter((t) => t.kind === kind).map((t) => t.value);
  const kernel = branches.some((b) => /^linux-\d+\.\d+\.y$/.test(b)) || view.trailers.some((t) => t.kind === 'stable' && /vger\.kernel\.org/.test(t.value));
  const newFiles = code.touched.files.filter((f) => f.status === 'added').map((f) => f.path);
  const rules = stableRules({
    kernel,
    upstream: { yes: onMainline, mainline: mainline?.name ?? 'the mainline branch' },
    linesWithContext: linesWithContext(diff),
    added: changes.added,
    removed: changes.removed,
    bugClass: bug.bug.bugClass,
    fixesTags: bug.bug.tags.filter((t) => t.key.toLowerCase() === 'fixes').map((t) => t.line),
    reportedBy: tagValues('reported-by'),
    testedBy: tagValues('tested-by'),
    reviewedBy: tagValues('reviewed-by'),
    ackedBy: tagValues('acked-by'),
    signedOff: view.trailers.some((t) => t.kind === 'signed-off-by'),
    featureWords: bug.featureWords,
    trivialOnly: trivialOnly(
      files.map((f) => f.path),
      view.subject,
    ),
    newFiles,
  });
  if (mainline) citations.push({ kind: 'ref', name: mainline.name, sha: mainline.tip });

  const partial = {
    sha,
    subject: view.subject,
    branches: branchCases,
    code: {
      functions: code.functions,
      callers: code.callers,
      entryPoints: code.entryPoints,
      notes: code.notes,
      changes: code.changes,
      excerpts: code.excerpts,
      reachability: code.reachability,
    },
    bug: {
      ...bug.bug,
      statements,
      numbers,
      reporters,
      reportLinks,
      crashSites,
      introduced,
      ...(affected.blameSkipped.length ? { blameSkipped: affected.blameSkipped } : {}),
    },
    changes,
    followUps,
    prerequisites,
    rules,
  };
  const suit = suitability(partial, bug.featureWords);
  const priority = priorityOf(statements, view.message);
  if (priority && view.message.replace(/\s+/g, ' ').includes(priority.word)) citations.push({ kind: 'quote', sha, text: priority.word });
  const risk = riskOf(partial, priority);
  const recommendation = recommend(partial);
  const overall = branchCases.some((b) => b.verdict === 'YES' && !b.already)
    ? 'YES'
    : branchCases.some((b) => b.verdict === 'NEEDS-REVIEW' && !b.already)
      ? 'NEEDS-REVIEW'
      : 'NO';
  const c: WrittenCase = {
    version: CASE_VERSION,
    author: { name: view.author.name, email: view.author.email },
    authorTime: Math.round(Date.parse(view.author.time) / 1000),
    message: view.message,
    verdict: overall,
    summary: '',
    ...partial,
    suitability: suit,
    risk,
    priority,
    recommendation,
    citations: dedupe(citations),
  };
  c.summary = summaryOf(c);
  return c;
}

/** The pick queue of `sha` for each branch, one branch after the other. */
async function pickQueues(ctx: CaseContext, sha: string, branches: readonly string[], reader?: BlobReader): Promise<Map<string, PickQueue>> {
  const queues = new Map<string, PickQueue>();
  for (const b of branches) queues.set(b, await pickQueue(ctx, sha, b, reader ? { reader } : {}));
  return queues;
}

function dedupe(cs: readonly Citation[]): Citation[] {
  const seen = new Set<string>();
  const out: Citation[] = [];
  for (const c of cs) {
    const k = JSON.stringify(c);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out;
}
