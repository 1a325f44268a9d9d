/**
 * Which of the audit's missing fixes will the branch take? The audit lists every commit that fixes
 * something the branch holds; on projects whose stable team takes only part of those (Xen takes about a
 * third), a maintainer wants them split. Two classes:
 *  - `take`: the selection model (src/select, trained on the project's history before the cut; passed in
 *    as plain judgements because analysis does not import select) says YES for this branch, and the
 *    fix is not older than what the branch has already picked (`passedOver`);
 *  - `review`: everything else. Nothing leaves the list: recall is that of the audit.
 * Every entry keeps the audit's evidence (the Fixes: edge, how the branch holds the target) and gains
 * one sentence per fact that put it in its class.
 */
import type { TakeThreshold } from './threshold.js';
import type { AuditItem, AuditResult } from './types.js';

/** What the selection model said about one commit for the branch. */
export interface AuditJudgement {
  verdict: 'YES' | 'NO' | 'NEEDS-REVIEW';
  /** Calibrated chance that the branch's maintainers pick it. */
  probability: number;
  /** The model's YES threshold (for the sentence). */
  threshold: number;
  /** The model's raw score (log-odds before calibration), for a learned take threshold. */
  score: number;
  /** The model's own reasons (rules and features), in words. */
  why: string[];
}

export type AuditClass = 'take' | 'review';

export interface ClassifiedItem extends AuditItem {
  class: AuditClass;
  /** The model's probability, null when the model did not judge the commit. */
  probability: number | null;
  /** Why the entry is in its class, one sentence per fact. */
  classReasons: string[];
  /** The model's reasons for its verdict. */
  modelReasons: string[];
}

export interface ClassifiedAudit extends Omit<AuditResult, 'missing'> {
  missing: ClassifiedItem[];
  counts: { take: number; review: number };
  /** Where the judgements come from (e.g. "selection model trained on history before 2024-11-01"). */
  model: string;
  takeThreshold: TakeThreshold | null;
}

export interface ClassifyOptions {
  /** Take also a commit whose probability reaches this, whatever the model's threshold (a stricter or looser cut). */
  minProbability?: number;
  /**
   * Take also a commit whose raw score reaches this threshold learned on the project's past fixes of
   * stable-held code (threshold.ts); ignored when its `score` is null.
   */
  takeThreshold?: TakeThreshold;
  /** Keep `passedOver` fixes in `take` when the model says YES (default false: they go to review). */
  keepPassedOver?: boolean;
  /** Description of the judgements' source, for the output. */
  model: string;
}

const day = (t: number): string => new Date(t * 1000).toISOString().slice(0, 10);

export function classifyAudit(result: AuditResult, judge: (sha: string) => AuditJudgement | undefined, opts: ClassifyOptions): ClassifiedAudit {
  const items: ClassifiedItem[] = result.missing.map((it) => {
    const j = judge(it.sha);
    const classReasons: string[] = [];
    let take = false;
    if (!j) {
      classReasons.push('the selection model did not judge this commit');
    } else {
      const p = j.probability.toFixed(2);
      const byModel = opts.minProbability !== undefined ? j.probability >= opts.minProbability : j.verdict === 'YES';
      if (byModel)
        classReasons.push(
          opts.minProbability !== undefined
            ? `the selection model gives it ${p} ≥ the asked minimum ${opts.minProbability}`
            : `the selection model says YES (${p}; threshold ${j.threshold.toFixed(2)})`,
        );
      else
        classReasons.push(
          opts.minProbability !== undefined
            ? `the selection model gives it ${p} < the asked minimum ${opts.minProbability}`
            : `the selection model says ${j.verdict} (${p}; threshold ${j.threshold.toFixed(2)})`,
        );
      take = byModel;
      const tt = opts.takeThreshold;
      if (!byModel && opts.minProbability === undefined && tt && tt.score !== null && j.score >= tt.score) {
        take = true;
        classReasons.push(
          `its score ${j.score.toFixed(2)} reaches the take threshold ${tt.score.toFixed(2)} learned on ${tt.examples} earlier fixes of stable-held code${tt.from ? ` (${tt.from}..${tt.to})` : ''}, of which those scoring as much were picked ${Math.round(tt.precision * 100)} % of the time`,
        );
      }
    }
    if (it.passedOver && result.newestPickedUpstream !== null) {
      classReasons.push(
        `passed over: dated ${day(it.commitTime)}, before ${day(result.newestPickedUpstream)}, the newest upstream commit the branch has picked`,
      );
      if (!opts.keepPassedOver) take = false;
    }
    if (it.revertedUpstream) {
      classReasons.push('reverted upstream');
      take = false;
    }
    return { ...it, class: take ? 'take' : 'review', probability: j ? j.probability : null, classReasons, modelReasons: j ? j.why : [] };
  });
  // Take first, then by the model's probability, then by date.
  items.sort((a, b) => (a.class === b.class ? 0 : a.class === 'take' ? -1 : 1) || (b.probability ?? -1) - (a.probability ?? -1) || a.commitTime - b.commitTime);
  const take = items.filter((i) => i.class === 'take').length;
  return { ...result, missing: items, counts: { take, review: items.length - take }, model: opts.model, takeThreshold: opts.takeThreshold ?? null };
}
