/**
 * The written case for one upstream commit and one or more stable branches: every field is a computed
 * fact, and every fact that names a sha, a file:line, a function or a tag lists it in `citations`, which
 * are checked against the repository before the case is printed or mailed (verify.ts).
 */
import type { ApplyOutcome } from '../../analysis/apply/types.js';
import type { VerdictKind } from '../../select/judge.js';

export const CASE_VERSION = 1;

/** Something the case names, to be checked before output. */
export type Citation =
  | { kind: 'sha'; sha: string }
  | { kind: 'file-line'; rev: string; path: string; line: number; /** the line's text, when quoted */ text?: string }
  | { kind: 'function'; rev: string; path: string; name: string; line: number }
  | { kind: 'tag'; sha: string; /** the message line that carries it, verbatim */ line: string }
  | { kind: 'ref'; name: string; sha: string }
  /** A sentence or phrase quoted from the commit message (white space folded). */
  | { kind: 'quote'; sha: string; text: string }
  /** The first release that contains the commit, per the index (`commits.first_release`). */
  | { kind: 'release'; sha: string; tag: string };

/** A sentence and what backs it. */
export interface Fact {
  text: string;
  cites: Citation[];
}

export interface CaseFunction {
  name: string;
  kind: string;
  change: 'modified' | 'added' | 'removed' | 'renamed';
  path: string;
  /** Line in the commit's tree (the parent's for removed items). */
  line: number;
  rev: string;
  added: number;
  removed: number;
}

export interface CaseCaller {
  callee: string;
  caller: string | null;
  path: string;
  line: number;
  rev: string;
  how: string;
}

/** A changed line shown in an excerpt or named by a change (cited with its text). */
export interface CaseLine {
  path: string;
  line: number;
  rev: string;
  text: string;
  sign: '-' | '+' | ' ';
}

/** One thing the commit does, in words, with the lines that show it. */
export interface CaseChange {
  /** 'data structure', 'allocation moved', 'guard', 'RCU', 'locking', 'refcount', 'error path', ... */
  title: string;
  text: string;
  lines: CaseLine[];
}

/** The changed lines of one function, in order; `more` counts the ones not shown (never cut silently). */
export interface CaseExcerpt {
  function: string;
  path: string;
  change: string;
  lines: CaseLine[];
  more: number;
}

export interface CaseEntry {
  function: string;
  kind: string;
  how: string;
  path: string;
  line: number;
  rev: string;
}

export interface QueueItem {
  sha: string;
  subject: string;
  role: 'prerequisite' | 'candidate' | 'follow-up';
  why: string[];
}

export interface BranchCase {
  branch: string;
  /** The release the branch is at (its newest tag), e.g. "v6.17.1"; null when it has none. */
  release: string | null;
  tip: string;
  verdict: VerdictKind;
  confidence: number;
  /** Set when the branch already holds the commit: the pick's sha, or 'ancestor'. */
  already: string | null;
  /** The selection's reasons, verbatim (rules, then features). */
  reasons: string[];
  /** affected (holds the bug), fixed (holds the fix), clean (never had the bug), unknown (no evidence). */
  bug: 'affected' | 'fixed' | 'clean' | 'unknown';
  vulnerableSince: string | null;
  /** The bug comes with a commit this series picks for the branch (a follow-up of a pick): its sha. */
  bugWith?: string;
  /** Ordered queue: missing prerequisites, the candidate, missing follow-ups. */
  queue: QueueItem[];
  /** The follow-ups the branch already holds (sha → pick). */
  followUpsHeld: { sha: string; pick: string }[];
  /** Trial pick of the whole queue onto the branch tip, member by member. */
  apply: { sha: string; result: ApplyOutcome | 'not-tried'; reason: string }[];
  /** Every member applies. */
  applies: boolean;
}

export interface RuleRow {
  rule: string;
  status: 'met' | 'not met' | 'unknown';
  evidence: string;
}

export interface WrittenCase {
  version: number;
  sha: string;
  subject: string;
  author: { name: string; email: string };
  authorTime: number;
  /** The upstream message, verbatim. */
  message: string;
  /** Overall verdict: YES when some branch says YES (not counting branches that already hold it). */
  verdict: VerdictKind;
  summary: string;
  branches: BranchCase[];
  code: {
    functions: CaseFunction[];
    callers: CaseCaller[];
    entryPoints: CaseEntry[];
    /** Non-C files, or C files that did not parse: what is known without code facts. */
    notes: string[];
    /** What the change does, per function and across functions (src/analysis/code/change-facts.ts). */
    changes?: CaseChange[];
    excerpts?: CaseExcerpt[];
    /** The conclusion drawn from the callers and entry points, in one sentence, and how deep it looked. */
    reachability?: { conclusion: string; depth: number };
  };
  bug: {
    /** What the message and its tags say: Fixes:, Reported-by:, Cc: stable, Link:, Closes:. */
    tags: { key: string; value: string; line: string }[];
    fixes: { sha: string; subject: string; line: string }[];
    /** Bug class from words of the message, with the word that decided it; null when none. */
    bugClass: { name: string; word: string } | null;
    removed: { path: string; line: number; text: string }[];
    added: { path: string; line: number; text: string }[];
    /** Commits of `.git-blame-ignore-revs` the blame of the removed lines passed over (absent: none). */
    blameSkipped?: { sha: string; subject: string; lines: string[] }[];
    /** Sentences of the message that state the bug (quoted; `trigger` when they give the condition). */
    statements?: { text: string; trigger: boolean; effect: string }[];
    /** Numbers the message states, as written (">4096 CPUs"). */
    numbers?: string[];
    /** Reported-by values and the report links (Link:, Closes:, Bugzilla). */
    reporters?: string[];
    reportLinks?: string[];
    /** Assertions and crash sites the commit removes (BUG_ON, assert, panic), at the parent. */
    crashSites?: { path: string; line: number; text: string }[];
    /** The commits that introduced the bug (Fixes: or blame) with their first release. */
    introduced?: { sha: string; subject: string; release: string | null; how: string }[];
  };
  changes: { files: { path: string; added: number; removed: number }[]; added: number; removed: number; hunks: number };
  followUps: {
    sha: string;
    subject: string;
    kind: string;
    depth: number;
    line: string;
    revertedUpstream: boolean;
    /** What it fixes in this commit, from its message and diff. */ story?: string;
  }[];
  prerequisites: { sha: string; subject: string; strength: 'strong' | 'weak'; why: string[]; branches: string[] }[];
  suitability: { for: Fact[]; against: Fact[] };
  rules: { name: string; rows: RuleRow[] };
  risk: {
    level: 'low' | 'medium' | 'high';
    factors: string[];
    /** Why the verdict stands despite a high risk or a rule not met (absent when nothing needs it). */
    reconcile?: string;
  };
  /** How urgent the fix is, from the bug's effect as the message states it. */
  priority?: { level: 'HIGH' | 'MEDIUM' | 'LOW'; effect: string; word: string } | null;
  recommendation: {
    /** Branches to pick into (YES, holds the bug or unknown, queue applies). */
    targets: string[];
    /** Branches that hold the bug. */
    affected: string[];
    /** Branches where the queue applies cleanly. */
    applies: string[];
    /** Affected but the queue does not apply, or applies but unaffected: said in words. */
    gaps: string[];
    /** The commits to pick, in order (union over targets, oldest need first). */
    required: string[];
    confidence: number;
  };
  citations: Citation[];
}
