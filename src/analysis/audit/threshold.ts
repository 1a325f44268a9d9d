/**
 * The "take" threshold of the audit, learned from the project's own past: earlier commits that fixed
 * something a stable branch held when they were made (what an audit would have listed then), each with
 * the score a selection model trained before them gave it and whether a stable branch picked it (as seen
 * at the cut). The threshold is the lowest score at which the commits scoring at least as much were
 * picked with the asked precision: the one that keeps the most picks. Pure: the scoring is the caller's.
 */

export interface ScoredOutcome {
  score: number;
  picked: boolean;
}

export interface TakeThreshold {
  /** Take when the model's score is at least this; null when no score reached the precision. */
  score: number | null;
  /** Precision and recall of `score >= threshold` on the examples. */
  precision: number;
  recall: number;
  examples: number;
  picked: number;
  target: number;
  /** The period the examples come from (ISO dates), for the sentence. */
  from?: string;
  to?: string;
}

/**
 * Lowest score whose "score ≥ it" set has precision ≥ `target`, among sets of at least `minTaken`
 * examples (fewer is noise).
 */
export function thresholdForPrecision(xs: readonly ScoredOutcome[], target: number, minTaken = 10): TakeThreshold {
  const srt = [...xs].sort((a, b) => b.score - a.score);
  const picked = srt.filter((x) => x.picked).length;
  let best: { score: number; precision: number; recall: number } | null = null;
  let tp = 0;
  for (let i = 0; i < srt.length; i++) {
    tp += srt[i]!.picked ? 1 : 0;
    // Only where the score changes: ties go together.
    if (i + 1 < srt.length && srt[i + 1]!.score === srt[i]!.score) continue;
    const n = i + 1;
    if (n >= minTaken && tp / n >= target) best = { score: srt[i]!.score, precision: tp / n, recall: picked ? tp / picked : 0 };
  }
  return { score: best?.score ?? null, precision: best?.precision ?? NaN, recall: best?.recall ?? 0, examples: srt.length, picked, target };
}
