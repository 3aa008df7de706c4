/**
 * Adam (AdamW when weightDecay > 0) over one contiguous parameter block on a Kernels heap, with
 * global-norm gradient clipping, a linear learning-rate warm-up and an optional cosine decay.
 */
import type { Kernels } from '../kernels/types';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  weightDecay?: number;
  /** Clip the gradient's global L2 norm to this value (0 = off). */
  clipNorm?: number;
  /** Linear warm-up over this many steps (0 = off). */
  warmupSteps?: number;
  /** Cosine decay from the learning rate to 1 % of it over this many steps after the warm-up (0 = constant rate). */
  decaySteps?: number;
}

/** The learning rate at optimiser step `step` (0-based): linear warm-up, then cosine decay to 1 %. */
export function scheduledRate(o: AdamOptions, step: number): number {
  const lr = o.learningRate;
  const w = o.warmupSteps ?? 0;
  if (w > 0 && step < w) return (lr * (step + 1)) / w;
  const d = o.decaySteps ?? 0;
  if (d <= 0) return lr;
  const t = Math.min(1, (step - w) / d);
  return lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

export class Adam {
  private readonly m: number;
  private readonly v: number;
  step = 0;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(
    private readonly k: Kernels,
    private readonly weights: number,
    private readonly grads: number,
    private readonly n: number,
    readonly opts: AdamOptions,
  ) {
    this.m = k.alloc(Math.max(n, 1));
    this.v = k.alloc(Math.max(n, 1));
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
  }

  /** Learning rate at the next step (after warm-up scaling). */
  currentRate(): number {
    return scheduledRate(this.opts, this.step);
  }

  /** Applies one update from the gradient block; returns the gradient norm before clipping. */
  apply(): number {
    const k = this.k;
    const norm = Math.sqrt(k.sumSquares(this.grads, this.n));
    const clip = this.opts.clipNorm ?? 0;
    if (clip > 0 && norm > clip) k.scale(this.grads, clip / norm, this.n);
    const lr = this.currentRate();
    this.step++;
    k.adam(this.weights, this.grads, this.m, this.v, this.n, lr, this.beta1, this.beta2, this.epsilon, this.beta1 ** this.step, this.beta2 ** this.step, this.opts.weightDecay ?? 0);
    return norm;
  }
}
