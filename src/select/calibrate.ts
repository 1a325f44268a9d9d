/**
 * Calibration: isotonic regression (pool adjacent violators) from raw model scores to the observed pick
 * rate on held-out history, so that a 0.8 means about 80 % picked. Also the F1-optimal threshold.
 */
import { lowerBound } from '../util/sorted.js';

export interface Isotonic {
  /** Ascending raw scores: the upper end of each block. */
  x: number[];
  /** Calibrated probability of each block (non-decreasing). */
  y: number[];
}

/** Fits a non-decreasing step function; `w` are example weights. */
export function fitIsotonic(scores: readonly number[], labels: readonly number[], w?: readonly number[], prior = { rate: 0.5, strength: 0 }): Isotonic {
  const n = scores.length;
  if (n === 0) return { x: [1e9], y: [prior.rate] };
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const bx: number[] = [];
  const bsum: number[] = [];
  const bw: number[] = [];
  for (const i of order) {
    const wi = w ? w[i]! : 1;
    if (wi <= 0) continue;
    bx.push(scores[i]!);
    bsum.push(labels[i]! * wi);
    bw.push(wi);
    while (bx.length > 1) {
      const k = bx.length - 1;
      const m1 = bsum[k - 1]! / bw[k - 1]!;
      const m2 = bsum[k]! / bw[k]!;
      if (m1 <= m2) break;
      bsum[k - 1]! += bsum[k]!;
      bw[k - 1]! += bw[k]!;
      bx[k - 1] = bx[k]!;
      bx.pop();
      bsum.pop();
      bw.pop();
    }
  }
  // Shrink small blocks toward the prior so one lucky example cannot say 100 %.
  const y = bsum.map((s, i) => (s + prior.rate * prior.strength) / (bw[i]! + prior.strength));
  for (let i = 1; i < y.length; i++) if (y[i]! < y[i - 1]!) y[i] = y[i - 1]!;
  // The last block reaches every larger score (a finite bound: the model is stored as JSON).
  if (bx.length) bx[bx.length - 1] = 1e9;
  return { x: bx, y };
}

/** The calibrated probability of a raw score (linear between block ends). */
export function applyIsotonic(cal: Isotonic, score: number): number {
  const { x, y } = cal;
  const lo = lowerBound(x, score, x.length - 1);
  return y[lo] ?? y[y.length - 1] ?? 0;
}

export interface PRF {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

export function prf(pred: readonly boolean[], truth: readonly boolean[], w?: readonly number[]): PRF {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < pred.length; i++) {
    const wi = w ? w[i]! : 1;
    if (pred[i] && truth[i]) tp += wi;
    else if (pred[i]) fp += wi;
    else if (truth[i]) fn += wi;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { tp, fp, fn, precision, recall, f1 };
}

/** The threshold on `p` that maximises weighted F1 (YES when p ≥ threshold). */
export function bestThreshold(p: readonly number[], truth: readonly boolean[], w?: readonly number[]): { threshold: number; f1: number } {
  const order = p.map((_, i) => i).sort((a, b) => p[b]! - p[a]!);
  let totalPos = 0;
  for (let i = 0; i < p.length; i++) if (truth[i]) totalPos += w ? w[i]! : 1;
  let tp = 0;
  let fp = 0;
  let best = { threshold: 1.01, f1: 0 };
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const wi = w ? w[i]! : 1;
    if (truth[i]) tp += wi;
    else fp += wi;
    // Only cut between distinct values.
    const next = order[k + 1];
    if (next !== undefined && p[next] === p[i]) continue;
    const prec = tp + fp > 0 ? tp / (tp + fp) : 0;
    const rec = totalPos > 0 ? tp / totalPos : 0;
    const f1 = prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
    if (f1 > best.f1) best = { threshold: p[i]!, f1 };
  }
  return best;
}

/**
 * The YES threshold for calibrated probabilities: the best cut found on held-out history, but never
 * below half the F1 reached there. Adding a commit of probability p to a YES set whose F1 is F raises the
 * expected F1 only when p > F / 2 (Lipton, Elkan and Naryanaswamy, "Optimal thresholding of classifiers
 * to maximize F1", 2014), so a lower cut that won on the validation periods won on their noise.
 */
export function yesThreshold(best: { threshold: number; f1: number }): number {
  return Math.max(best.threshold, best.f1 / 2);
}
