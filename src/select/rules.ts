/**
 * Rules: facts about one commit for one branch that can settle a verdict by themselves, each with its
 * evidence. A rule that is certain by construction (already in the branch, the code is not there, the
 * bug never reached the branch, an opt-out) decides; a rule that is a strong hint (a stable tag, a
 * Fixes: whose target the branch holds) decides only when the repository's own history shows it is
 * reliable (see RuleStat), and otherwise is a feature of the model and a reason in the explanation.
 * Later stages (follow-ups, prerequisites, affected branches) add rules by adding RuleIds here.
 */
import type { CommitRec, Details, History } from './history.js';
import { BUG_WORDS, proseOfBody } from './text.js';
import type { BranchView } from './view.js';

export type RuleId =
  | 'in-branch'
  | 'opt-out'
  | 'code-missing'
  | 'noautosel'
  | 'reverted-upstream'
  | 'revert-held'
  | 'revert-unheld'
  | 'fixes-in-branch'
  | 'fixes-selected'
  | 'fixes-not-in-branch'
  | 'queued'
  | 'stable-tag'
  | 'reported-bug';

export type RuleVerdict = 'YES' | 'NO' | 'SKIP';

export interface RuleHit {
  rule: RuleId;
  verdict: RuleVerdict;
  /** A sentence a maintainer understands, with shas. */
  text: string;
  evidence: Record<string, string | number | boolean | string[]>;
}

/** Decision order: the first deciding rule wins. */
export const RULE_ORDER: readonly RuleId[] = [
  'in-branch',
  'opt-out',
  'code-missing',
  'noautosel',
  'reverted-upstream',
  'revert-unheld',
  // Where code-missing would have decided (a file only another candidate adds); its Fixes: form never
  // meets fixes-in-branch (it fires only when no target is held).
  'queued',
  'revert-held',
  'fixes-in-branch',
  'fixes-selected',
  'fixes-not-in-branch',
  'stable-tag',
  'reported-bug',
];

/**
 * Rules that decide whatever history says: they are true by construction. The others decide unless the
 * repository's history shows them wrong too often (RULE_MIN_PRECISION over at least RULE_MIN_SUPPORT
 * commits); then they are features of the model.
 */
export const CERTAIN_RULES: ReadonlySet<RuleId> = new Set<RuleId>(['in-branch', 'opt-out', 'code-missing', 'noautosel', 'reverted-upstream', 'revert-unheld']);

/**
 * Rules that only hint: they decide when the repository's history confirms them (RULE_MIN_PRECISION over
 * at least RULE_MIN_SUPPORT commits), and are only features of the model otherwise — also when history is
 * too short to tell.
 */
const LEARNED_RULES: ReadonlySet<RuleId> = new Set<RuleId>(['reported-bug']);

/** Bug classes severe enough that a reported one is worth a stable maintainer's look (see text.ts). */
const SEVERE_BUGS = ['cve', 'crash', 'oops', 'uaf', 'deadlock', 'hang', 'overflow', 'null', 'leak', 'regression'];

export interface RuleContext {
  view: BranchView;
  /** Commits judged YES earlier in this scan (a fix of one of them goes with it). */
  selected?: ReadonlySet<string>;
  /** Path globs whose commits the project never backports (config select.optOutPaths). */
  optOut?: readonly RegExp[];
  /** Check the code-missing rule (needs the branch's paths; off for training). */
  checkPaths?: boolean;
  /** Check whether the branch already holds the commit itself (off for training: a label, not a rule). */
  checkHeld?: boolean;
  /** Commits reverted upstream (and not re-applied) → the reverting commit (scan, explain, mail). */
  revertedUpstream?: ReadonlyMap<string, string>;
  /**
   * Earlier commits of the range being judged → their verdict (the queue). A commit whose Fixes: target,
   * or whose missing files, come from another candidate of the range is judged with that candidate,
   * never a certain NO.
   */
  queue?: ReadonlyMap<string, 'YES' | 'NO' | 'NEEDS-REVIEW'>;
  /** Files added by commits of the range being judged → the (oldest) commit that adds each. */
  addedInRange?: ReadonlyMap<string, string>;
}

const short = (s: string): string => s.slice(0, 12);

function quote(h: History, sha: string): string {
  const c = h.commits.get(sha);
  return c ? `${short(sha)} ("${c.subject}")` : short(sha);
}

/** Every rule that fires for `c` on the branch of `ctx.view`. */
export function evaluateRules(h: History, c: CommitRec, d: Details, ctx: RuleContext): RuleHit[] {
  const out: RuleHit[] = [];
  const view = ctx.view;
  const held = ctx.checkHeld === false ? null : view.holds(c.sha);
  if (held && held.how === 'pick') {
    out.push({
      rule: 'in-branch',
      verdict: 'SKIP',
      text: `already in ${view.label} as ${short(held.pick)} (picked into ${held.branch})`,
      evidence: { pick: held.pick, branch: held.branch },
    });
  } else if (held) {
    out.push({ rule: 'in-branch', verdict: 'SKIP', text: `already in ${view.label}: it predates the branch point`, evidence: { ancestor: true } });
  }
  if (ctx.optOut?.length && d.files.length > 0) {
    const all = d.files.every((f) => ctx.optOut!.some((re) => re.test(f.path)));
    if (all)
      out.push({
        rule: 'opt-out',
        verdict: 'NO',
        text: `every file it touches is opted out of backports by the configuration (select.optOutPaths)`,
        evidence: { files: d.files.map((f) => f.path).slice(0, 10) },
      });
  }
  if (ctx.checkPaths) {
    const modified = d.files.filter((f) => f.status !== 'A').map((f) => f.path);
    if (modified.length > 0) {
      const missing = view.missingPaths(modified);
      const creators = [...(missing ?? [])].map((p) => ctx.addedInRange?.get(p)).filter((x): x is string => !!x && x !== c.sha && !!ctx.queue?.has(x));
      if (missing && missing.size === modified.length && creators.length) {
        // Added by another commit of this range: it can only go with that one, so it is never a certain NO
        // and never a YES on its own (at most NEEDS-REVIEW, see judge.ts).
        const by = creators.find((x) => ctx.queue!.get(x) !== 'NO') ?? creators[0]!;
        out.push({
          rule: 'queued',
          verdict: 'NO',
          text: `the code it changes is added by ${quote(h, by)}, another commit of this range (judged ${ctx.queue!.get(by)}): they go together`,
          evidence: { with: by, verdict: ctx.queue!.get(by)! },
        });
      } else if (missing && missing.size === modified.length) {
        const list = [...missing].slice(0, 3).join(', ');
        out.push({
          rule: 'code-missing',
          verdict: 'NO',
          text: `the code it changes does not exist in ${view.label}: ${list}${missing.size > 3 ? ` and ${missing.size - 3} more` : ''} never reached the branch`,
          evidence: { paths: [...missing].slice(0, 20) },
        });
      }
    }
  }
  const revertedBy = ctx.revertedUpstream?.get(c.sha);
  if (revertedBy)
    out.push({
      rule: 'reverted-upstream',
      verdict: 'NO',
      text: `reverted upstream by ${quote(h, revertedBy)} and not re-applied: do not pick`,
      evidence: { revertedBy },
    });
  const stable = d.trailers.filter((t) => t.kind === 'stable' || t.kind === 'backport-to');
  if (stable.some((t) => t.noautosel)) {
    out.push({
      rule: 'noautosel',
      verdict: 'NO',
      text: 'the author asked not to pick it automatically (stable+noautosel)',
      evidence: { tag: stable.find((t) => t.noautosel)!.value },
    });
  } else if (stable.length) {
    const t = stable[0]!;
    out.push({ rule: 'stable-tag', verdict: 'YES', text: `tagged for stable: "${t.key}: ${t.value}"`, evidence: { tag: `${t.key}: ${t.value}` } });
  }
  for (const r of d.reverts) {
    const rh = view.holds(r);
    if (rh)
      out.push({
        rule: 'revert-held',
        verdict: 'YES',
        text: `reverts ${quote(h, r)}, which ${view.label} holds${rh.how === 'pick' ? ` as ${short(rh.pick)}` : ''}`,
        evidence: { reverts: r, ...(rh.how === 'pick' ? { pick: rh.pick } : {}) },
      });
    else out.push({ rule: 'revert-unheld', verdict: 'NO', text: `reverts ${quote(h, r)}, which ${view.label} does not have`, evidence: { reverts: r } });
  }
  const fixes = d.trailers.filter((t) => t.kind === 'fixes');
  const resolved = fixes.filter((t) => t.refSha && t.refStatus === 'resolved').map((t) => t.refSha!);
  if (resolved.length) {
    const inBranch = resolved.filter((s) => view.holds(s));
    const sel = resolved.filter((s) => ctx.selected?.has(s));
    if (inBranch.length) {
      const s = inBranch[0]!;
      const how = view.holds(s)!;
      const target = h.commits.get(s);
      const days = target ? Math.round((c.time - target.time) / 86400) : null;
      out.push({
        rule: 'fixes-in-branch',
        verdict: 'YES',
        text: `fixes ${quote(h, s)}, which ${view.label} holds${how.how === 'pick' ? ` (picked as ${short(how.pick)})` : ''}${days !== null ? `; the bug is ${days} days old` : ''}`,
        evidence: { fixes: s, how: how.how, ...(how.how === 'pick' ? { pick: how.pick } : {}) },
      });
    } else if (sel.length) {
      out.push({
        rule: 'fixes-selected',
        verdict: 'YES',
        text: `fixes ${quote(h, sel[0]!)}, which this scan selects for ${view.label}: they go together`,
        evidence: { fixes: sel[0]! },
      });
    } else if (resolved.some((s) => ctx.queue?.has(s))) {
      const s = resolved.find((x) => ctx.queue?.has(x))!;
      out.push({
        rule: 'queued',
        verdict: 'NO',
        text: `fixes ${quote(h, s)}, another commit of this range (judged ${ctx.queue!.get(s)}): they go together`,
        evidence: { with: s, verdict: ctx.queue!.get(s)! },
      });
    } else if (resolved.length === fixes.length) {
      out.push({
        rule: 'fixes-not-in-branch',
        verdict: 'NO',
        text: `fixes ${quote(h, resolved[0]!)}, which ${view.label} does not have: the bug never reached it`,
        evidence: { fixes: resolved },
      });
    }
  }
  const reported = d.trailers.find((t) => t.kind === 'reported-by' || t.kind === 'closes');
  if (reported && !out.some((x) => x.verdict === 'NO' && x.rule === 'fixes-not-in-branch')) {
    const prose = `${c.subject}\n${proseOfBody(d.message)}`;
    const bug = SEVERE_BUGS.map((name) => BUG_WORDS.find((w) => w.name === name)!).find((w) => w.re.test(prose));
    if (bug) {
      const word = bug.re.exec(prose)?.[0] ?? bug.label;
      out.push({
        rule: 'reported-bug',
        verdict: 'YES',
        text: `a reported bug ("${reported.key}: ${reported.value}") whose message says "${word}"`,
        evidence: { tag: `${reported.key}: ${reported.value}`, word, class: bug.name },
      });
    }
  }
  return out;
}

/** How often a rule was right on the history learned from. */
export interface RuleStat {
  /** Lag-weighted count of examples the rule fired on (an unpicked recent commit weighs less than 1). */
  n: number;
  /** Plain count of earlier commits the rule fired on (for explanations: a count, not a weight). */
  commits?: number;
  /** Weighted count of examples that were picked. */
  picked: number;
  /** Share of its verdict that history confirms (picked for YES, not picked for NO). */
  precision: number;
  /** Whether the rule settles verdicts by itself. */
  decides: boolean;
}

/** A rule that is not certain by construction decides when history confirms it this often. */
const RULE_MIN_PRECISION = 0.85;
export const RULE_MIN_SUPPORT = 10;

export function ruleStat(rule: RuleId, verdict: RuleVerdict, n: number, picked: number, commits?: number): RuleStat {
  const precision = n > 0 ? (verdict === 'YES' ? picked / n : 1 - picked / n) : 0;
  // Without enough history a rule keeps its meaning (a stable tag is a YES); with enough, history decides.
  const decides = LEARNED_RULES.has(rule)
    ? n >= RULE_MIN_SUPPORT && precision >= RULE_MIN_PRECISION
    : CERTAIN_RULES.has(rule) || verdict === 'SKIP' || n < RULE_MIN_SUPPORT || precision >= RULE_MIN_PRECISION;
  return commits === undefined ? { n, picked, precision, decides } : { n, commits, picked, precision, decides };
}

/** Glob ('drivers/**', '*.md', 'doc/') to a RegExp over repository paths. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim();
  if (g.endsWith('/')) g += '**';
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const ch = g[i]!;
    if (ch === '*') {
      if (g[i + 1] === '*') {
        re += '.*';
        i++;
        if (g[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const anchored = g.includes('/') ? `^${re}$` : `(?:^|/)${re}$`;
  return new RegExp(anchored);
}
