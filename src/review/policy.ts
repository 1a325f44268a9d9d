/**
 * The `review` section of stablepick.config.json, and how review decisions and maintainer policy change
 * a verdict:
 *
 *   "review": {
 *     "reviewers": ["Greg Kroah-Hartman <gregkh@linuxfoundation.org>"],
 *     "optOutPaths": [{ "paths": ["drivers/gpu/**"], "branches": ["linux-6.12.y"], "reason": "DRM sends its own" }],
 *     "ackPaths": [{ "paths": ["mm/**"], "reason": "mm patches need an ACK from the mm maintainers" }]
 *   }
 *
 * Precedence in applyReview(): a person's decision (rejected, accepted, deferred, needs-review) first,
 * then opt-outs, then explicit-ACK paths. A rejected (commit, branch) is a NO for ever.
 */
import { configError, loadConfig, registerConfigSection } from '../conventions/config.js';
import type { Reason, Verdict } from '../select/judge.js';
import { globToRegExp } from '../select/rules.js';
import type { DB } from '../history/db.js';
import { ReviewStore, type ReviewRecord } from './store.js';

export interface PathRule {
  /** The globs as written in the config. */
  globs: string[];
  paths: RegExp[];
  reason: string;
}

export interface OptOutRule extends PathRule {
  /** Branch names or globs the opt-out holds for; null: every branch. */
  branches: string[] | null;
  branchPatterns: RegExp[] | null;
}

export interface ReviewPolicy {
  /** "Name <email>" of the people whose mail replies decide. Empty: anyone's. */
  reviewers: string[];
  optOut: OptOutRule[];
  ack: PathRule[];
}

/** A reason added by review: a deciding fact without a RuleId of the selection stage. */
export interface ReviewReason extends Reason {
  source: 'review';
}

export const EMPTY_POLICY: ReviewPolicy = { reviewers: [], optOut: [], ack: [] };

const IDENTITY = /^[^<>]*<[^<>\s@]+@[^<>\s]+>$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function globList(where: string, key: string, v: unknown): void {
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw configError(where, `${key} must be a non-empty array of path globs`, 'write e.g. ["drivers/gpu/**", "*.md"]');
  }
}

function pathRules(where: string, key: string, v: unknown, allowBranches: boolean): void {
  if (!Array.isArray(v)) throw configError(where, `review.${key} must be an array`, `write "${key}": [{ "paths": ["mm/**"], "reason": "..." }]`);
  for (const [i, e] of v.entries()) {
    const at = `review.${key}[${i}]`;
    if (!isObject(e)) throw configError(where, `${at} must be an object`, 'write { "paths": ["mm/**"], "reason": "..." }');
    for (const [k, x] of Object.entries(e)) {
      if (k.startsWith('//')) continue;
      if (k === 'paths') globList(where, `${at}.paths`, x);
      else if (k === 'reason') {
        if (typeof x !== 'string' || x.trim() === '')
          throw configError(where, `${at}.reason must be a non-empty string`, 'say why, in words a maintainer reads in the report');
      } else if (k === 'branches' && allowBranches) {
        if (!Array.isArray(x) || x.length === 0 || x.some((s) => typeof s !== 'string' || s.trim() === '')) {
          throw configError(where, `${at}.branches must be a non-empty array of branch names`, 'write e.g. ["linux-6.12.y"], or leave it out for every branch');
        }
      } else {
        throw configError(where, `unknown key ${at}.${JSON.stringify(k)}`, `known keys: paths, reason${allowBranches ? ', branches' : ''}`);
      }
    }
    if (!('paths' in e)) throw configError(where, `${at} has no "paths"`, 'give the path globs it covers');
    if (!('reason' in e)) throw configError(where, `${at} has no "reason"`, 'say why, in words a maintainer reads in the report');
  }
}

function validate(value: unknown, where: string): void {
  if (!isObject(value)) throw configError(where, '"review" must be an object', 'write "review": { "reviewers": [], "optOutPaths": [], "ackPaths": [] }');
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('//')) continue;
    if (k === 'reviewers') {
      if (!Array.isArray(v)) throw configError(where, 'review.reviewers must be an array', 'write e.g. ["Jane Doe <jane@example.org>"]');
      for (const [i, s] of v.entries()) {
        if (typeof s !== 'string' || !IDENTITY.test(s.trim())) {
          throw configError(where, `review.reviewers[${i}] ${JSON.stringify(s)} is not "Name <email>"`, 'write e.g. "Jane Doe <jane@example.org>"');
        }
      }
    } else if (k === 'optOutPaths') pathRules(where, k, v, true);
    else if (k === 'ackPaths') pathRules(where, k, v, false);
    else throw configError(where, `unknown key review.${JSON.stringify(k)}`, 'known keys: reviewers, optOutPaths, ackPaths');
  }
}

registerConfigSection('review', validate);

interface RawRule {
  paths: string[];
  reason: string;
  branches?: string[];
}

/** The compiled review policy of the repository's config (an empty policy when the section is absent). */
export function reviewConfig(repoDir: string, explicitFile?: string): ReviewPolicy {
  const { config } = loadConfig(repoDir, explicitFile);
  return compilePolicy(config.review);
}

/** Compiles a validated `review` section (undefined: the empty policy). */
export function compilePolicy(section: unknown): ReviewPolicy {
  if (section === undefined) return EMPTY_POLICY;
  validate(section, 'config');
  const s = section as { reviewers?: string[]; optOutPaths?: RawRule[]; ackPaths?: RawRule[] };
  const rule = (r: RawRule): PathRule => ({ globs: [...r.paths], paths: r.paths.map(globToRegExp), reason: r.reason.trim() });
  return {
    reviewers: (s.reviewers ?? []).map((x) => x.trim()),
    optOut: (s.optOutPaths ?? []).map((r) => ({
      ...rule(r),
      branches: r.branches ? [...r.branches] : null,
      branchPatterns: r.branches ? r.branches.map(branchPattern) : null,
    })),
    ack: (s.ackPaths ?? []).map(rule),
  };
}

/** A branch name, or a glob over branch names ('linux-6.*.y'). */
function branchPattern(b: string): RegExp {
  const re = b
    .trim()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/** The e-mail address of "Name <email>" (or of a bare address), lower-cased; null when there is none. */
export function emailOf(identity: string): string | null {
  const m = /<([^<>\s]+@[^<>\s]+)>/.exec(identity) ?? /([^\s<>]+@[^\s<>]+)/.exec(identity);
  return m ? m[1]!.toLowerCase() : null;
}

/** Whether `who` is a listed reviewer (by e-mail address); true for everyone when none are listed. */
export function isReviewer(policy: ReviewPolicy, who: string): boolean {
  if (!policy.reviewers.length) return true;
  const mail = emailOf(who);
  return mail !== null && policy.reviewers.some((r) => emailOf(r) === mail);
}

/** The opt-out that covers every one of `files` on `branch`, if any. */
export function optOutFor(files: readonly string[], branch: string, policy: ReviewPolicy): OptOutRule | null {
  if (!files.length) return null;
  for (const o of policy.optOut) {
    if (o.branchPatterns && !o.branchPatterns.some((p) => p.test(branch))) continue;
    if (files.every((f) => o.paths.some((p) => p.test(f)))) return o;
  }
  return null;
}

/** The explicit-ACK rule that covers any of `files`, with the first file it covers. */
export function ackFor(files: readonly string[], policy: ReviewPolicy): { rule: PathRule; file: string } | null {
  for (const rule of policy.ack) {
    const file = files.find((f) => rule.paths.some((p) => p.test(f)));
    if (file !== undefined) return { rule, file };
  }
  return null;
}

function day(at: number): string {
  return new Date(at * 1000).toISOString().slice(0, 10);
}

function reviewReason(text: string, evidence: Record<string, string | number | boolean | string[]>): ReviewReason {
  return { kind: 'rule', source: 'review', decided: true, text, evidence };
}

function settle(v: Verdict, verdict: Verdict['verdict'], reason: ReviewReason, confidence: number, probability: number): Verdict {
  const others = v.reasons.map((r) => (r.kind === 'rule' && r.decided ? { ...r, decided: false } : r));
  return { ...v, verdict, confidence, probability, reasons: [reason, ...others] };
}

function recordEvidence(r: ReviewRecord): Record<string, string | number | boolean | string[]> {
  const e: Record<string, string | number | boolean | string[]> = { status: r.status, who: r.who, at: r.at, why: r.why, source: r.source };
  if (r.messageId) e.messageId = r.messageId;
  return e;
}

/**
 * The verdict after review: `record` is the current decision for (v.sha, v.branch), `files` the paths the
 * commit changes. Pure. A commit the branch already holds keeps its verdict (the decision is noted).
 */
export function applyReview(v: Verdict, files: readonly string[], record: ReviewRecord | null, policy: ReviewPolicy): Verdict {
  if (v.already) {
    if (!record) return v;
    const note: ReviewReason = {
      ...reviewReason(
        `${record.status} by ${record.who} on ${day(record.at)}${record.why ? `: ${record.why}` : ''} (the branch already holds it)`,
        recordEvidence(record),
      ),
      decided: false,
    };
    return { ...v, reasons: [...v.reasons, note] };
  }
  if (record) {
    const why = record.why ? `: ${record.why}` : '';
    const ev = recordEvidence(record);
    switch (record.status) {
      case 'rejected':
        return settle(v, 'NO', reviewReason(`rejected by ${record.who} on ${day(record.at)}${why}`, ev), 1, 0);
      case 'accepted':
        return settle(v, 'YES', reviewReason(`accepted by ${record.who} on ${day(record.at)}${why}`, ev), 1, 1);
      case 'deferred':
        return settle(v, 'NEEDS-REVIEW', reviewReason(`deferred by ${record.who} on ${day(record.at)}${why}`, ev), v.confidence, v.probability);
      case 'needs-review':
        return settle(v, 'NEEDS-REVIEW', reviewReason(`marked for review by ${record.who} on ${day(record.at)}${why}`, ev), v.confidence, v.probability);
    }
  }
  const opt = optOutFor(files, v.branch, policy);
  if (opt) {
    const scope = opt.branches ? ` for ${opt.branches.join(', ')}` : '';
    return settle(
      v,
      'NO',
      reviewReason(`opted out${scope} (${opt.globs.join(', ')}): ${opt.reason}`, { paths: opt.globs, branches: opt.branches ?? [], files: [...files] }),
      1,
      0,
    );
  }
  if (v.verdict === 'YES') {
    const ack = ackFor(files, policy);
    if (ack) {
      return settle(
        v,
        'NEEDS-REVIEW',
        reviewReason(`needs an explicit ACK: ${ack.rule.reason}`, { paths: ack.rule.globs, file: ack.file }),
        v.confidence,
        v.probability,
      );
    }
  }
  return v;
}

/**
 * The verdict adjustment every front end applies after the selection (judgeRange's `adjust`): the
 * recorded decision for (sha, branch), then the config's opt-outs and ACK paths (applyReview).
 */
export function reviewAdjuster(db: DB, configDir: string, configFile?: string): (v: Verdict, files: readonly string[]) => Verdict {
  const policy = reviewConfig(configDir, configFile);
  const store = new ReviewStore(db);
  return (v, files) => applyReview(v, files, store.get(v.sha, v.branch), policy);
}
