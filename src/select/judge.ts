/**
 * Judging commits for one branch: rules first (a deciding rule settles the verdict), the calibrated
 * model for the rest. Every verdict lists the rules that fired and the features that moved the score
 * most, in a maintainer's words.
 */
import type { NumStat } from '../git/diff-batch.js';
import { applyIsotonic } from './calibrate.js';
import { DIM, extractFeatures, vectorize, type Feature } from './features.js';
import type { CommitRec, History } from './history.js';
import { hash32 } from './text.js';
import { decidingRule, type SelectionModel } from './model.js';
import { evaluateRules, type RuleId } from './rules.js';
import type { BranchPolicy } from './policy.js';
import type { BranchView } from './view.js';

export type VerdictKind = 'YES' | 'NO' | 'NEEDS-REVIEW';

export interface Reason {
  /** 'rule': a fact that can decide; 'feature': something that moved the model's score. */
  kind: 'rule' | 'feature';
  rule?: RuleId;
  /** For a rule: whether it settled this verdict. */
  decided?: boolean;
  /** For a feature: its effect on the log-odds (positive raises the chance of a pick). */
  effect?: number;
  text: string;
  evidence?: Record<string, string | number | boolean | string[]>;
}

export interface Verdict {
  sha: string;
  branch: string;
  subject: string;
  verdict: VerdictKind;
  /** How sure the verdict is: the calibrated chance that it is right. */
  confidence: number;
  /** The calibrated chance that the branch's maintainers pick the commit. */
  probability: number;
  /** Set when the branch already holds the commit: the pick's sha ('ancestor' when it predates the fork). */
  already?: string;
  reasons: Reason[];
}

export interface JudgeOptions {
  /** Later fixes of a judged commit count when dated before this (default: everything indexed). */
  visibleUntil?: number;
  optOut?: readonly RegExp[];
  numstats?: Map<string, NumStat | null>;
  /** Explanations per verdict (features). */
  topFeatures?: number;
  onProgress?: (done: number, total: number) => void;
  /** Commits reverted upstream and not re-applied → the reverting commit (rule 'reverted-upstream'). */
  revertedUpstream?: ReadonlyMap<string, string>;
  /** The branch's recent policy: its shift moves every model-decided P(pick) (src/select/policy.ts). */
  policy?: BranchPolicy;
}

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

/** Judges `commits` (oldest first) for the branch of `view`. */
export function judgeCommits(h: History, model: SelectionModel, commits: readonly CommitRec[], view: BranchView, opts: JudgeOptions = {}): Verdict[] {
  h.loadDetails(commits.map((c) => c.id));
  const selected = new Set<string>();
  // The queue: verdicts of the range's earlier commits, and which commit of the range adds each file.
  const queue = new Map<string, VerdictKind>();
  const queueP = new Map<string, number>();
  const addedInRange = new Map<string, string>();
  for (const c of commits) for (const f of h.detailsOf(c.id).files) if (f.status === 'A' && !addedInRange.has(f.path)) addedInRange.set(f.path, c.sha);
  const out: Verdict[] = [];
  const top = opts.topFeatures ?? 4;
  for (const c of commits) {
    opts.onProgress?.(out.length, commits.length);
    const d = h.detailsOf(c.id);
    const hits = evaluateRules(h, c, d, {
      view,
      selected,
      optOut: opts.optOut ?? [],
      checkPaths: true,
      queue,
      addedInRange,
      ...(opts.revertedUpstream ? { revertedUpstream: opts.revertedUpstream } : {}),
    });
    const fs = extractFeatures({
      commit: c,
      details: d,
      hits,
      stats: model.stats,
      numstat: opts.numstats?.get(c.sha) ?? null,
      visibleUntil: opts.visibleUntil ?? Infinity,
      history: h,
      forkTime: view.forkTime(c.time),
    });
    const vec = vectorize(fs);
    const z = model.lr.score(vec);
    const shift = opts.policy?.shift ?? 0;
    const p0 = applyIsotonic(model.calibration, z);
    const p = shift ? 1 / (1 + Math.exp(-(Math.log(Math.max(1e-6, p0) / Math.max(1e-6, 1 - p0)) + shift))) : p0;
    const rule = decidingRule(hits, model.rules);
    const reasons: Reason[] = [];
    for (const hit of hits) {
      const st = model.rules[hit.rule];
      // Plain counts of earlier commits (the lag-weighted share decides, but a person reads counts).
      const history =
        st && st.commits && hit.verdict !== 'SKIP'
          ? ` [history: ${hit.verdict === 'YES' ? st.picked : st.commits - st.picked} of ${st.commits} earlier such commits ${hit.verdict === 'YES' ? 'were' : 'were not'} picked]`
          : '';
      reasons.push({ kind: 'rule', rule: hit.rule, decided: hit === rule, text: `${hit.text}${history}`, evidence: hit.evidence });
    }
    for (const f of explain(model, fs, top)) reasons.push(f);
    if (opts.policy && !rule && Math.abs(shift) >= MIN_EFFECT) {
      reasons.push({
        kind: 'feature',
        effect: round(shift, 2),
        text: `${view.label}'s policy now, ${opts.policy.text} (${shift > 0 ? 'raises' : 'lowers'} the score)`,
        evidence: { picks: opts.policy.examples },
      });
    }
    let verdict: VerdictKind;
    let confidence: number;
    let probability = p;
    let already: string | undefined;
    if (rule) {
      const st = model.rules[rule.rule];
      const prec = st && st.n >= 5 ? st.precision : 0.99;
      if (rule.rule === 'queued') {
        // Judged with the commit of the range it depends on: never more likely than that one, and up for
        // review only when that one is and its own score reaches the review band (a model NO, not a certain one).
        const dep = String(rule.evidence.with);
        probability = Math.min(p, queueP.get(dep) ?? p);
        verdict = queue.get(dep) !== 'NO' && probability >= model.reviewThreshold ? 'NEEDS-REVIEW' : 'NO';
        confidence = verdict === 'NO' ? 1 - probability : Math.max(probability, 1 - probability);
      } else if (rule.verdict === 'SKIP') {
        verdict = 'YES';
        confidence = 1;
        probability = 1;
        already = typeof rule.evidence.pick === 'string' ? rule.evidence.pick : 'ancestor';
      } else if (rule.verdict === 'YES') {
        verdict = 'YES';
        confidence = Math.max(prec, p);
        probability = confidence;
      } else {
        verdict = 'NO';
        confidence = Math.max(prec, 1 - p);
        probability = 1 - confidence;
      }
    } else if (p >= model.threshold) {
      verdict = 'YES';
      confidence = p;
    } else if (p >= model.reviewThreshold) {
      verdict = 'NEEDS-REVIEW';
      confidence = Math.max(p, 1 - p);
    } else {
      verdict = 'NO';
      confidence = 1 - p;
    }
    if (verdict === 'YES' && !already) selected.add(c.sha);
    if (!already) {
      queue.set(c.sha, verdict);
      queueP.set(c.sha, probability);
    }
    const v: Verdict = { sha: c.sha, branch: view.label, subject: c.subject, verdict, confidence: round(confidence), probability: round(probability), reasons };
    if (already) v.already = already;
    out.push(v);
  }
  return out;
}

/** A feature is a reason only when it moved the log-odds of a pick by at least this much. */
const MIN_EFFECT = 0.2;

/** The features that moved the score most, strongest first, grouped by what they say (with the commits they name). */
export function explain(model: Pick<SelectionModel, 'lr'>, fs: readonly Feature[], top: number): Reason[] {
  const byLabel = new Map<string, { effect: number; evidence?: Record<string, string> }>();
  for (const f of fs) {
    if (f.quiet || f.key.startsWith('r:')) continue;
    const w = model.lr.weights[hash32(f.key) & (DIM - 1)] ?? 0;
    const e = byLabel.get(f.label) ?? { effect: 0 };
    e.effect += w * f.value;
    if (f.evidence) e.evidence = { ...e.evidence, ...f.evidence };
    byLabel.set(f.label, e);
  }
  return [...byLabel.entries()]
    .filter(([, e]) => Math.abs(e.effect) >= MIN_EFFECT)
    .sort((a, b) => Math.abs(b[1].effect) - Math.abs(a[1].effect))
    .slice(0, top)
    .map(([text, e]): Reason => {
      const r: Reason = {
        kind: 'feature',
        effect: round(e.effect, 2),
        text: `${text}: log-odds ${e.effect > 0 ? '+' : '−'}${Math.abs(e.effect).toFixed(2)} (${e.effect > 0 ? 'raises' : 'lowers'} the score)`,
      };
      if (e.evidence) r.evidence = e.evidence;
      return r;
    });
}
