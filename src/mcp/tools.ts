/**
 * The MCP tools: each a thin, read-only wrapper over the library, with a typed input schema (zod) and a
 * JSON result that carries its evidence (shas, path:line, the trailer line, how a pick was matched).
 * Lists are bounded by `limit` and say when they were cut. See docs/mcp.md.
 */
import { z } from 'zod';
import { affectedBranches } from '../analysis/affected/affected.js';
import { ApplyChecker } from '../analysis/apply/apply-check.js';
import type { ApplyResult } from '../analysis/apply/types.js';
import { applyResultCache } from '../analysis/apply/branch-run.js';
import { auditBranch } from '../analysis/audit/audit.js';
import { findCallers } from '../analysis/code/callers.js';
import { itemAt } from '../analysis/code/touched.js';
import { openCodeContext, type CodeContext } from '../analysis/code/scan.js';
import { findSymbol } from '../analysis/code/symbols.js';
import { touched } from '../analysis/code/touched.js';
import { pickQueue } from '../analysis/deps/queue.js';
import { loadSeriesIndexes } from '../analysis/deps/series.js';
import { parseAsOf } from '../analysis/fixes/as-of.js';
import { branchRow, branchState, describeHolding, mainlineState } from '../analysis/fixes/branch-state.js';
import { stableBranchNames } from '../history/tables/branches.js';
import { followUps } from '../analysis/fixes/follow-ups.js';
import { loadFixGraph } from '../analysis/fixes/graph.js';
import { StablepickError } from '../errors.js';
import { grepPattern } from '../git/grep-pattern.js';
import { enableMemo } from '../git/memo.js';
import { startSpawner, stopSpawner } from '../git/spawner.js';
import { resolveCommit } from '../git/show.js';
import { revList } from '../git/rev-list.js';
import { commitView, listBranches, resolveIndexed } from '../history/queries.js';
import { branchRelease, buildCase, caseMarkdown, verifyCase } from '../report/case/index.js';
import { History } from '../select/history.js';
import type { Verdict } from '../select/judge.js';
import { judgeRange } from '../select/judge-range.js';
import { reviewAdjuster } from '../review/policy.js';
import { selectConfig } from '../select/config.js';
import type { Context } from '../workspace.js';
import { commitListing, findCommits, type CommitListing } from '../history/tables/commits.js';
import { branchTip } from '../history/tables/branches.js';

/** What a tool handler returns: any JSON value. */
export type ToolResult = Record<string, unknown>;

export interface ToolDef {
  name: string;
  description: string;
  input: z.ZodRawShape;
  run(args: Record<string, unknown>, s: Session): Promise<ToolResult>;
}

/** One server's state: the workspace and what is worth keeping between calls. */
export interface Session {
  ctx: Context;
  configDir: string;
  configFile?: string;
  code(): Promise<CodeContext>;
  /** The index's history, loaded on first use and kept (the selection reads it whole). */
  history(): History;
  /** Loads the parser, the history, the commit graph, the fix graph and what each branch holds now (after the handshake); errors are left to the calls. */
  warm(): void;
  /** Ends what the session started (the blob reader's git process). */
  close(): Promise<void>;
}

const MAX_LIMIT = 500;

/** The first `limit` items of a list, and a sentence when some were left out. */
function bounded<T>(items: readonly T[], limit: number, what: string): { items: T[]; total: number; truncated: string | null } {
  const total = items.length;
  return {
    items: items.slice(0, limit),
    total,
    truncated: total > limit ? `showing ${limit} of ${total} ${what}; raise limit (at most ${MAX_LIMIT}) to see more` : null,
  };
}

// ---- input pieces -------------------------------------------------------------------------------------

const ident = z.string().regex(/^[A-Za-z_]\w{0,127}$/, 'a C identifier, e.g. scx_enable');
const rev = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^-\s][^\s]*$/, 'a revision: a sha, branch or tag (no spaces, not starting with -)')
  .default('HEAD')
  .describe('revision to read the code at (sha, branch or tag; default HEAD)');
const commit = z
  .string()
  .regex(/^[0-9a-fA-F]{4,64}$/, 'a hex commit id (at least 4 digits)')
  .describe('an indexed commit id, full or a unique prefix');
const branch = z.string().min(1).max(200).describe('a stable branch as the index names it (see list_branches)');
const limit = (d: number): z.ZodDefault<z.ZodNumber> =>
  z.number().int().min(1).max(MAX_LIMIT).default(d).describe(`most items per list (default ${d}, at most ${MAX_LIMIT})`);
const asOf = z.string().max(40).optional().describe('replay: see only what existed before this date (Unix seconds or ISO date)');

const str = (a: Record<string, unknown>, k: string): string => a[k] as string;
const num = (a: Record<string, unknown>, k: string): number => a[k] as number;
const opt = <T>(a: Record<string, unknown>, k: string): T | undefined => a[k] as T | undefined;

function asOfOpt(a: Record<string, unknown>): { asOf?: number } {
  const v = parseAsOf(opt<string>(a, 'as_of'));
  return v === undefined ? {} : { asOf: v };
}

async function revSha(s: Session, r: string): Promise<string> {
  return resolveCommit(s.ctx.repo, r);
}

// ---- code ---------------------------------------------------------------------------------------------

const findFunction: ToolDef = {
  name: 'find_function',
  description:
    'Where a C function (or function-like macro) is defined and declared at a revision: path, lines, signature, static/inline, the macro that defines it.',
  input: { name: ident.describe('the function name'), rev, limit: limit(50) },
  async run(a, s) {
    const r = await findSymbol(s.ctx.repo, str(a, 'name'), {
      rev: await revSha(s, str(a, 'rev')),
      kinds: ['function', 'macro', 'prototype'],
      context: await s.code(),
    });
    const defs = bounded(r.definitions, num(a, 'limit'), 'definitions');
    const decls = bounded(r.declarations, num(a, 'limit'), 'declarations');
    return {
      name: r.name,
      rev: r.rev,
      found: r.definitions.length > 0,
      definitions: defs.items,
      declarations: decls.items,
      filesMentioning: r.filesMentioning,
      truncated: defs.truncated ?? decls.truncated,
    };
  },
};

async function callers(a: Record<string, unknown>, s: Session, mode: 'callers' | 'callchain'): Promise<ToolResult> {
  const r = await findCallers(s.ctx.repo, str(a, 'name'), {
    rev: await revSha(s, str(a, 'rev')),
    depth: num(a, 'depth'),
    stopAtEntry: mode === 'callchain',
    context: await s.code(),
  });
  const byId = new Map(r.nodes.map((n) => [n.id, n]));
  const root = r.root.map((id) => byId.get(id)).filter((n) => n !== undefined);
  const edges = bounded(mode === 'callers' ? r.edges.filter((e) => r.root.includes(e.callee)) : r.edges, num(a, 'limit'), 'call sites');
  const base = {
    name: r.name,
    rev: r.rev,
    definitions: root.map((n) => ({ id: n.id, definition: n.definition, entryPoints: n.entry })),
    grepTally: r.tally,
  };
  if (mode === 'callers') {
    return {
      ...base,
      callers: edges.items.map((e) => ({
        caller: e.caller ? (byId.get(e.caller)?.name ?? e.caller) : null,
        callee: byId.get(e.callee)?.name ?? e.callee,
        kind: e.kind,
        path: e.path,
        line: e.line,
        how: e.how ?? null,
        text: e.text.trim(),
      })),
      totalCallers: edges.total,
      further: r.nodes
        .filter((n) => n.depth > 0)
        .slice(0, num(a, 'limit'))
        .map((n) => ({
          depth: n.depth,
          name: n.name,
          definition: n.definition ? `${n.definition.path}:${n.definition.startLine}` : null,
          entryPoints: n.entry,
        })),
      truncated: edges.truncated,
    };
  }
  const chains = bounded(r.chains, num(a, 'limit'), 'chains');
  const edgeOf = (callee: string, caller: string): { path: string; line: number; kind: string } | null => {
    const e = r.edges.find((x) => x.callee === callee && x.caller === caller);
    return e ? { path: e.path, line: e.line, kind: e.kind } : null;
  };
  return {
    ...base,
    chains: chains.items.map((c) =>
      c.map((id, i) => {
        const n = byId.get(id);
        const next = c[i + 1];
        return {
          function: n?.name ?? id,
          defined: n?.definition ? `${n.definition.path}:${n.definition.startLine}` : null,
          entryPoints: n?.entry ?? [],
          expanded: n?.expanded ?? false,
          calledBy: next ? { function: byId.get(next)?.name ?? next, at: edgeOf(id, next) } : null,
        };
      }),
    ),
    totalChains: chains.total,
    truncated: chains.truncated,
    depthBound: depthBound(
      r.chains.map((c) => byId.get(c[c.length - 1]!)),
      num(a, 'depth'),
    ),
  };
}

/** A sentence when chains stop at the depth bound before an entry point (their top was not expanded). */
function depthBound(tops: readonly ({ expanded: boolean; entry: readonly unknown[] } | undefined)[], depth: number): string | null {
  const cut = tops.filter((n) => n && !n.expanded && !n.entry.length).length;
  return cut
    ? `${cut} of ${tops.length} chains stop at the depth bound (${depth}) without an entry point; their callers were not looked up; raise depth (at most 10; each level is one git grep of the whole tree)`
    : null;
}

const findCallersTool: ToolDef = {
  name: 'find_callers',
  description:
    'Call sites and registrations (ops tables, exports, init macros) of a C function at a revision, each with path:line and the source line; with depth > 1 also the callers of the callers.',
  input: {
    name: ident.describe('the function name'),
    rev,
    depth: z.number().int().min(1).max(6).default(1).describe('levels of callers (default 1)'),
    limit: limit(100),
  },
  run: (a, s) => callers(a, s, 'callers'),
};

const findCallchain: ToolDef = {
  name: 'find_callchain',
  description: 'Call chains from a C function up to entry points (syscalls, init, IRQ, work items, ops tables, exports), each link with the call site.',
  input: {
    name: ident.describe('the function name'),
    rev,
    depth: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(2)
      .describe('most levels to walk up (default 2; each level is one git grep of the whole tree; the result says how many chains stop at this bound)'),
    limit: limit(20),
  },
  run: (a, s) => callers(a, s, 'callchain'),
};

const diffFunctions: ToolDef = {
  name: 'diff_functions',
  description:
    'What a commit changes, by C item: functions, macros, types and globals modified, added, removed or renamed, with lines at the parent and at the commit, and the files with line counts.',
  input: {
    commit: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[^-\s][^\s]*$/, 'a commit: sha, branch or tag')
      .describe('the commit (any revision name)'),
    limit: limit(200),
  },
  async run(a, s) {
    const code = await s.code();
    const r = await touched(s.ctx.repo, str(a, 'commit'), { reader: code.reader, parser: code.parser });
    const items = bounded(r.items, num(a, 'limit'), 'changed items');
    const files = bounded(r.files, num(a, 'limit'), 'files');
    return { sha: r.sha, parent: r.parent, files: files.items, items: items.items, totalItems: items.total, truncated: items.truncated ?? files.truncated };
  },
};

const grepFunctions: ToolDef = {
  name: 'grep_functions',
  description: 'git grep -E of a pattern in the C files of a revision; each matching line with the function (or other top-level item) it sits in.',
  input: {
    pattern: z.string().min(1).max(500).describe('an extended regular expression (git grep -E)'),
    rev,
    path: z.array(z.string().min(1).max(500).regex(/^[^-]/, 'a pathspec, not an option')).max(20).optional().describe('pathspecs (default *.c and *.h)'),
    ignore_case: z.boolean().default(false),
    limit: limit(100),
  },
  async run(a, s) {
    const sha = await revSha(s, str(a, 'rev'));
    const lim = num(a, 'limit');
    const g = await grepPattern(s.ctx.repo, sha, str(a, 'pattern'), {
      max: lim,
      ignoreCase: a.ignore_case === true,
      pathspecs: opt<string[]>(a, 'path') ?? [],
    });
    const code = await s.code();
    const byPath = new Map<string, number[]>();
    for (const h of g.hits) byPath.set(h.path, [...(byPath.get(h.path) ?? []), h.line]);
    const items = new Map<string, ReturnType<typeof itemAt>[]>();
    for (const [p, lines] of byPath) {
      if (!/\.[ch]$/.test(p)) continue;
      const buf = await code.reader.read(sha, p);
      if (!buf) continue;
      const facts = code.parser.parse(buf.toString('utf8'), { lines });
      items.set(
        p,
        lines.map((l) => itemAt(facts.items, l)),
      );
    }
    const seen = new Map<string, number>();
    const matches = g.hits.map((h) => {
      const i = seen.get(h.path) ?? 0;
      seen.set(h.path, i + 1);
      const it = items.get(h.path)?.[i] ?? null;
      return {
        path: h.path,
        line: h.line,
        text: h.text.trim(),
        in: it ? { kind: it.kind, name: it.name, startLine: it.startLine, endLine: it.endLine } : null,
      };
    });
    return {
      rev: sha,
      pattern: str(a, 'pattern'),
      matches,
      totalMatches: g.total,
      truncated: g.total > lim ? `showing ${lim} of ${g.total} matching lines; raise limit (at most ${MAX_LIMIT}) or narrow the pattern/path` : null,
    };
  },
};

// ---- history ------------------------------------------------------------------------------------------

/** Which branches hold a commit, and how (ancestry or a pick, with how the pick was matched). */
function holders(s: Session, sha: string): { branch: string; how: string; stableSha: string | null; via: string | null; text: string }[] {
  const out: { branch: string; how: string; stableSha: string | null; via: string | null; text: string }[] = [];
  for (const b of listBranches(s.ctx.db, { includeMainline: true })) {
    const h = branchState(s.ctx, b.name).holds(sha);
    if (h)
      out.push({
        branch: b.name,
        how: h.how,
        stableSha: h.how === 'picked' ? h.stableSha : null,
        via: h.how === 'picked' ? h.via : null,
        text: describeHolding(h),
      });
  }
  return out;
}

const showCommit: ToolDef = {
  name: 'show_commit',
  description:
    'What the index knows about one commit: author, dates, message, files, parsed trailers (Fixes: resolved to shas), markers, first release, which branches hold it and how, what fixes or reverts it.',
  input: { commit, limit: limit(100) },
  async run(a, s) {
    const sha = resolveIndexed(s.ctx.db, str(a, 'commit'));
    const v = commitView(s.ctx.db, sha);
    const files = bounded(v.files, num(a, 'limit'), 'files');
    return { ...v, files: files.items, totalFiles: files.total, heldBy: holders(s, sha), truncated: files.truncated };
  },
};

const findCommit: ToolDef = {
  name: 'find_commit',
  description: 'Indexed commits by subject words, author, a range A..B and/or a path (all given conditions must hold), newest first.',
  input: {
    subject: z.string().min(1).max(300).optional().describe('text the subject contains (case-insensitive)'),
    author: z.string().min(1).max(200).optional().describe('text of the author name or email (case-insensitive)'),
    range: z
      .string()
      .max(300)
      .regex(/^[^-\s][^\s]*\.\.[^\s]+$/, 'a range A..B')
      .optional()
      .describe('git range A..B'),
    path: z.string().min(1).max(500).optional().describe('a file, or a folder (prefix) the commit touches'),
    limit: limit(50),
  },
  async run(a, s) {
    const subject = opt<string>(a, 'subject');
    const author = opt<string>(a, 'author');
    const range = opt<string>(a, 'range');
    const p = opt<string>(a, 'path');
    if (!subject && !author && !range && !p)
      throw new StablepickError('BAD_OPTION', {
        option: 'find_commit',
        why: 'needs at least one of subject, author, range, path',
        fix: 'e.g. {"subject": "kvzalloc"}',
      });
    let inRange: Set<string> | null = null;
    if (range) inRange = new Set(await revList(s.ctx.repo, [range]));
    const rows: CommitListing[] = [];
    let total = 0;
    const lim = num(a, 'limit');
    if (inRange && !subject && !author && !p) {
      for (const sha of inRange) {
        const r = commitListing(s.ctx.db, sha);
        if (!r) continue;
        total++;
        if (rows.length < lim) rows.push(r);
      }
    } else {
      for (const r of findCommits(s.ctx.db, { subject, author, path: p })) {
        if (inRange && !inRange.has(r.sha)) continue;
        total++;
        if (rows.length < lim) rows.push(r);
      }
    }
    return {
      commits: rows.map((r) => ({
        sha: r.sha,
        subject: r.subject,
        author: `${r.author} <${r.email}>`,
        authorDate: new Date(r.t * 1000).toISOString(),
        firstRelease: r.release,
      })),
      total,
      truncated: total > lim ? `showing ${lim} of ${total} commits; raise limit (at most ${MAX_LIMIT}) or narrow the search` : null,
    };
  },
};

const listBranchesTool: ToolDef = {
  name: 'list_branches',
  description:
    "The stable (and staging) branches of the index: tip, fork base and its release, newest release the tip holds, picks, own commits, how the branch was found, and the selection policy of the repository's config (opt-out paths, how recent unpicked commits count).",
  input: { include_mainline: z.boolean().default(false), limit: limit(100) },
  async run(a, s) {
    const policy = selectConfig(s.configDir, s.configFile);
    const rows = listBranches(s.ctx.db, { includeMainline: a.include_mainline === true });
    const b = bounded(rows, num(a, 'limit'), 'branches');
    return {
      branches: b.items.map((r) => ({
        ...r,
        release: branchRelease(s.ctx.db, r.tip),
        policy: { optOutPaths: policy.optOutPaths, lag: policy.lag },
      })),
      total: b.total,
      truncated: b.truncated,
    };
  },
};

const branchHolds: ToolDef = {
  name: 'branch_holds',
  description:
    'Does stable branch S hold commit X, and how: it is an ancestor of the tip, or it was picked as another commit (with how the pick was matched: marker, patch id, subject...).',
  input: { commit, branch },
  async run(a, s) {
    const sha = resolveIndexed(s.ctx.db, str(a, 'commit'));
    const st = branchState(s.ctx, str(a, 'branch'));
    const h = st.holds(sha);
    return {
      sha,
      branch: st.name,
      tip: st.tip,
      held: h !== null,
      how: h?.how ?? null,
      stableSha: h?.how === 'picked' ? h.stableSha : null,
      matchedBy: h?.how === 'picked' ? h.via : null,
      evidence: h ? describeHolding(h) : `${st.name} (tip ${st.tip.slice(0, 12)}) neither contains ${sha.slice(0, 12)} nor holds a pick of it`,
    };
  },
};

// ---- stable -------------------------------------------------------------------------------------------

const judge: ToolDef = {
  name: 'judge',
  description:
    "stablepick's selection verdict (YES / NO / NEEDS-REVIEW) for one commit and one stable branch: the calibrated probability that the branch's maintainers pick it, the confidence, and the reasons (rules with their evidence, then model features). Recorded review decisions (`stablepick review`) and the config's review policy (opt-outs, ACK paths) apply, as in `stablepick scan`.",
  input: { commit, branch },
  async run(a, s) {
    const sha = resolveIndexed(s.ctx.db, str(a, 'commit'));
    const b = str(a, 'branch');
    branchRow(s.ctx.db, b);
    const j = await verdictsOf(s, sha, [b]);
    return { ...j.verdicts[0]!, threshold: j.threshold };
  },
};

/** The selection's verdicts for one commit and some branches (the loaded history reused). */
async function verdictsOf(s: Session, sha: string, branches: readonly string[]): Promise<{ verdicts: Verdict[]; threshold: number }> {
  // Recorded review decisions and the config's review policy apply, as in `scan`, `mail` and `explain`.
  const adjust = reviewAdjuster(s.ctx.db, s.configDir, s.configFile);
  const j = await judgeRange({
    db: s.ctx.db,
    repo: s.ctx.repo,
    configDir: s.configDir,
    ...(s.configFile ? { configFile: s.configFile } : {}),
    branches,
    shas: [sha],
    history: s.history(),
    adjust,
  });
  return { verdicts: j.verdicts.map((vs) => vs[0]!), threshold: j.model.threshold };
}

const followUpsTool: ToolDef = {
  name: 'follow_ups',
  description:
    'Later upstream commits that fix or revert a commit (and fixes of those), each with the trailer line that names it and whether the branch already holds it; verdict alone / must-go-together / reverted-upstream.',
  input: { commit, branch: branch.optional(), as_of: asOf, limit: limit(100) },
  async run(a, s) {
    const sha = resolveIndexed(s.ctx.db, str(a, 'commit'));
    const r = followUps(s.ctx, sha, opt<string>(a, 'branch') ?? null, asOfOpt(a));
    const f = bounded(r.followUps, num(a, 'limit'), 'follow-ups');
    return { ...r, followUps: f.items, totalFollowUps: f.total, truncated: f.truncated };
  },
};

const prerequisitesTool: ToolDef = {
  name: 'prerequisites',
  description:
    'What must go with a pick onto a branch: missing prerequisites (blame of the changed lines, series, new symbols), the commit, and missing follow-ups, as an ordered queue with the reason for each member.',
  input: {
    commit,
    branch,
    as_of: asOf,
    depth: z.number().int().min(1).max(4).default(2).describe('prerequisites of prerequisites up to this depth'),
    limit: limit(50),
  },
  async run(a, s) {
    const sha = resolveIndexed(s.ctx.db, str(a, 'commit'));
    const q = await pickQueue(s.ctx, sha, str(a, 'branch'), { ...asOfOpt(a), depth: num(a, 'depth'), reader: (await s.code()).reader });
    const queue = bounded(q.queue, num(a, 'limit'), 'queue members');
    const pre = bounded(q.prerequisites.prerequisites, num(a, 'limit'), 'prerequisites');
    return {
      sha: q.sha,
      branch: q.branch,
      verdict: q.verdict,
      queue: queue.items.map((m) => ({ sha: m.sha, subject: m.subject, role: m.role, why: m.why })),
      prerequisites: pre.items,
      alreadyHeld: q.prerequisites.alreadyHeld.map((h) => ({ sha: h.sha, rule: h.rule, holding: describeHolding(h.holding) })),
      selfDefined: q.prerequisites.selfDefined,
      followUps: q.followUps.followUps.map((f) => ({
        sha: f.sha,
        subject: f.subject,
        kind: f.kind,
        line: f.edge.evidence.line,
        inBranch: f.inBranch ? describeHolding(f.inBranch) : null,
      })),
      truncated: queue.truncated ?? pre.truncated,
    };
  },
};

const affectedTool: ToolDef = {
  name: 'affected',
  description:
    'Where the bug a fix fixes came in (from Fixes:, or the blame of the removed lines) and, per stable branch, vulnerable-since : fixed-by, with the target summary.',
  input: { commit, as_of: asOf },
  async run(a, s) {
    const sha = resolveIndexed(s.ctx.db, str(a, 'commit'));
    return { ...(await affectedBranches(s.ctx, sha, asOfOpt(a))), sha };
  },
};

function slimApply(r: ApplyResult, withPatch: boolean, lim: number): Record<string, unknown> {
  const { patch, resultTree, ...rest } = r;
  return {
    ...rest,
    conflicts: r.conflicts.slice(0, lim),
    prerequisites: r.prerequisites.slice(0, lim),
    branchCommits: r.branchCommits.slice(0, lim),
    resultTree,
    patch: withPatch ? patch : patch ? `(${patch.length} characters; ask with include_patch: true)` : null,
  };
}

const applyCheck: ToolDef = {
  name: 'apply_check',
  description:
    'Does a commit (or a queue of commits, in order) cherry-pick onto a branch: a trial merge in a private object store (nothing is written to the repository), with conflicts (file, kind, branch lines), the branch commits and likely upstream prerequisites that touched the conflicting lines.',
  input: {
    commits: z
      .array(
        z
          .string()
          .min(1)
          .max(256)
          .regex(/^[^-\s][^\s]*$/, 'a commit id or name'),
      )
      .min(1)
      .max(50)
      .describe('upstream commits, in the order to apply'),
    branch,
    queue: z.boolean().default(false).describe('apply one after another onto the previous result, stop at the first conflict'),
    include_patch: z.boolean().default(false).describe('include the adapted patch text of clean picks'),
    limit: limit(20),
  },
  async run(a, s) {
    const b = str(a, 'branch');
    const tipOf = branchTip(s.ctx.db, b);
    const checker = await ApplyChecker.open(s.ctx.repo, { blame: true, fullIndex: true, cache: applyResultCache(s.ctx.db, { blame: true, fullIndex: true }) });
    try {
      const shas = await Promise.all((a.commits as string[]).map((c) => checker.resolve(c)));
      const tip = tipOf ?? (await checker.resolve(b));
      const lim = num(a, 'limit');
      if (a.queue === true) {
        const q = await checker.queueResolved(shas, tip, b);
        return { branch: b, tip, queue: true, firstFailure: q.firstFailure, results: q.members.map((r) => slimApply(r, a.include_patch === true, lim)) };
      }
      const rs = await checker.checkMany(shas.map((sha) => ({ sha, tip, branch: b })));
      return { branch: b, tip, queue: false, results: rs.map((r) => slimApply(r, a.include_patch === true, lim)) };
    } finally {
      checker.close();
    }
  },
};

const explain: ToolDef = {
  name: 'explain',
  description:
    'The written case of a commit for stable branches, as JSON: verdicts, code evidence (functions changed, callers, entry points), bug analysis, follow-ups, prerequisites, stable rules, risk, target trees and the pick queue. Every citation in it was checked against the repository. With markdown: true also the case as text.',
  input: {
    commit,
    branches: z.array(branch).min(1).max(10).describe('stable branches, newest first'),
    apply: z.boolean().default(true).describe('trial-pick the queue onto each branch (false: faster, apply "not-tried")'),
    markdown: z.boolean().default(false),
    callers_of: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(2)
      .describe(
        'look up the callers of this many changed functions, the most changed first (default 2; each is a git grep of the whole tree per level; the CLI explain uses 6)',
      ),
    caller_depth: z.number().int().min(1).max(3).default(1).describe('levels of callers to walk up towards entry points (default 1; the CLI explain uses 2)'),
  },
  async run(a, s) {
    const branches = a.branches as string[];
    for (const b of branches) branchRow(s.ctx.db, b);
    const sha = resolveIndexed(s.ctx.db, str(a, 'commit'));
    const { verdicts } = await verdictsOf(s, sha, branches);
    const code = { maxFunctions: num(a, 'callers_of'), depth: num(a, 'caller_depth'), context: await s.code() };
    const c = await buildCase(
      { repo: s.ctx.repo, db: s.ctx.db, conventions: s.ctx.conventions, configDir: s.configDir, ...(s.configFile ? { configFile: s.configFile } : {}) },
      sha,
      branches,
      { noApply: a.apply === false, verdicts: new Map(branches.map((b, i) => [b, verdicts[i]!])), code },
    );
    const md = caseMarkdown(c);
    await verifyCase(s.ctx.repo, s.ctx.db, c, [md]);
    const leftOut = c.code.notes.filter((n) => n.startsWith('callers looked up for'));
    if (code.depth < 2) leftOut.push(`callers walked up ${code.depth} level(s) only (entry points further up are not shown); raise caller_depth (at most 3)`);
    return { ...(a.markdown === true ? { case: c, markdown: md } : { case: c }), leftOut };
  },
};

const audit: ToolDef = {
  name: 'audit',
  description:
    'Mainline fixes (and reverts) of commits a stable branch holds that the branch lacks, each with the trailer line, how the branch holds the fixed commit, and whether the branch has passed over it.',
  input: {
    branch,
    as_of: asOf,
    since: z.string().max(40).optional().describe('only fixes dated at or after this (Unix seconds or ISO date)'),
    include_reverted: z.boolean().default(false),
    limit: limit(50),
  },
  async run(a, s) {
    const since = parseAsOf(opt<string>(a, 'since'));
    const r = auditBranch(s.ctx, str(a, 'branch'), { ...asOfOpt(a), ...(since === undefined ? {} : { since }), includeReverted: a.include_reverted === true });
    const m = bounded(r.missing, num(a, 'limit'), 'missing fixes');
    return {
      ...r,
      missing: m.items.map((x) => ({
        ...x,
        reasons: x.reasons.map((why) => ({
          fixes: why.edge.to,
          line: why.edge.evidence.line,
          targetSubject: why.targetSubject,
          targetHeld: why.targetHolding ? describeHolding(why.targetHolding) : null,
        })),
      })),
      totalMissing: m.total,
      truncated: m.truncated,
    };
  },
};

export const TOOLS: readonly ToolDef[] = [
  findFunction,
  findCallersTool,
  findCallchain,
  diffFunctions,
  grepFunctions,
  showCommit,
  findCommit,
  listBranchesTool,
  branchHolds,
  judge,
  followUpsTool,
  prerequisitesTool,
  affectedTool,
  applyCheck,
  explain,
  audit,
];

/** A session over an open workspace; the C parser is loaded on first use. */
export function openSession(ctx: Context, configFile?: string): Session {
  // Answers of git that depend only on full object ids (diffs, greps of a tree, blames) are kept between
  // calls: an agent asks about the same commit through several tools.
  enableMemo(ctx.repo);
  // git commands are started by a small helper process: a fork of this large heap costs 10-20 ms each.
  startSpawner();
  let code: Promise<CodeContext> | null = null;
  let history: History | null = null;
  const session: Session = {
    history: () => (history ??= History.load(ctx.db)),
    warm: () => {
      session.code().catch(() => undefined);
      // One piece per turn of the event loop, so that a call arriving meanwhile waits for one piece only.
      const steps = [
        (): unknown => session.history(),
        (): unknown => session.history().graph,
        (): unknown => loadFixGraph(ctx.db),
        (): unknown => mainlineState(ctx),
        (): unknown => loadSeriesIndexes(ctx.db, mainlineState(ctx)),
      ];
      // What each branch holds (its ancestors and picks): prerequisites, affected and explain ask it.
      try {
        for (const b of stableBranchNames(ctx.db)) steps.push(() => branchState(ctx, b));
      } catch {
        // an index without branches: the tools say so when called
      }
      const next = (): void => {
        const step = steps.shift();
        if (!step) return;
        try {
          step();
          setImmediate(next);
        } catch {
          // an index without history: the tools that need it say so when called
        }
      };
      setImmediate(next);
    },
    ctx,
    configDir: ctx.repo.workTree ?? ctx.repo.gitDir,
    ...(configFile ? { configFile } : {}),
    code: () => (code ??= openCodeContext(ctx.repo)),
    close: async () => {
      stopSpawner();
      if (code) (await code).close();
    },
  };
  return session;
}
