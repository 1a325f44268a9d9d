/**
 * A small L2-regularised logistic regression over sparse features (hashed words plus a few numeric
 * columns), trained with AdaGrad over weighted examples. 50k examples × ~100 active features train in
 * about a second; the weights serialise to base64 Float32.
 */

export interface SparseExample {
  /** Feature indexes (may repeat: values add). */
  idx: Int32Array;
  val: Float32Array;
  /** 1 = picked, 0 = not. */
  y: number;
  /** Example weight (lag censoring); default 1. */
  w: number;
}

export interface TrainOptions {
  dim: number;
  epochs?: number;
  /** L2 strength per example pass. */
  l2?: number;
  learningRate?: number;
  /** Weight of positive examples relative to negatives (class balance). */
  positiveWeight?: number;
  seed?: number;
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** A deterministic PRNG (mulberry32) for shuffling. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class LogisticModel {
  constructor(
    readonly weights: Float32Array,
    public bias: number,
  ) {}

  get dim(): number {
    return this.weights.length;
  }

  score(x: { idx: Int32Array; val: Float32Array }): number {
    let z = this.bias;
    const w = this.weights;
    for (let i = 0; i < x.idx.length; i++) z += (w[x.idx[i]!] ?? 0) * x.val[i]!;
    return z;
  }

  predict(x: { idx: Int32Array; val: Float32Array }): number {
    return sigmoid(this.score(x));
  }

  /** Each feature's contribution to the score (weight × value), summed per index. */
  contributions(x: { idx: Int32Array; val: Float32Array }): Map<number, number> {
    const out = new Map<number, number>();
    for (let i = 0; i < x.idx.length; i++) {
      const j = x.idx[i]!;
      out.set(j, (out.get(j) ?? 0) + (this.weights[j] ?? 0) * x.val[i]!);
    }
    return out;
  }

  static train(examples: readonly SparseExample[], opts: TrainOptions): LogisticModel {
    const dim = opts.dim;
    const epochs = opts.epochs ?? 8;
    const l2 = opts.l2 ?? 1e-5;
    const lr = opts.learningRate ?? 0.2;
    const posW = opts.positiveWeight ?? 1;
    const w = new Float64Array(dim);
    const g2 = new Float64Array(dim).fill(1e-8);
    let b = 0;
    let gb = 1e-8;
    // Start the bias at the weighted base rate: fewer epochs needed, and stable for rare positives.
    let pos = 0;
    let tot = 0;
    for (const e of examples) {
      const ew = e.w * (e.y ? posW : 1);
      tot += ew;
      if (e.y) pos += ew;
    }
    if (tot > 0 && pos > 0 && pos < tot) b = Math.log(pos / (tot - pos));
    const order = examples.map((_, i) => i);
    const rnd = prng(opts.seed ?? 1);
    for (let ep = 0; ep < epochs; ep++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      for (const k of order) {
        const e = examples[k]!;
        const ew = e.w * (e.y ? posW : 1);
        if (ew <= 0) continue;
        let z = b;
        for (let i = 0; i < e.idx.length; i++) z += w[e.idx[i]!]! * e.val[i]!;
        const g = (sigmoid(z) - e.y) * ew;
        gb += g * g;
        b -= (lr * g) / Math.sqrt(gb);
        for (let i = 0; i < e.idx.length; i++) {
          const j = e.idx[i]!;
          const gj = g * e.val[i]! + l2 * w[j]!;
          g2[j]! += gj * gj;
          w[j]! -= (lr * gj) / Math.sqrt(g2[j]!);
        }
      }
    }
    return new LogisticModel(Float32Array.from(w), b);
  }

  toJSON(): { dim: number; bias: number; weights: string } {
    return { dim: this.dim, bias: this.bias, weights: Buffer.from(this.weights.buffer, this.weights.byteOffset, this.weights.byteLength).toString('base64') };
  }

  static fromJSON(j: { dim: number; bias: number; weights: string }): LogisticModel {
    const buf = Buffer.from(j.weights, 'base64');
    const copy = new Uint8Array(buf.byteLength);
    copy.set(buf);
    const w = new Float32Array(copy.buffer, 0, j.dim);
    return new LogisticModel(w, j.bias);
  }
}
