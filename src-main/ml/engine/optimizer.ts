/**
 * The optimisers over one contiguous parameter block on a Kernels heap — Adam (AdamW when
 * weightDecay > 0), SGD with momentum and RMSprop, each with tfjs's update rule (`tf.train.adam`,
 * `tf.train.momentum`, `tf.train.rmsprop`) — with global-norm gradient clipping, a linear
 * learning-rate warm-up and an optional cosine decay.
 */
import type { Kernels } from '../kernels/types';
import { defaultMomentum, type OptimizerName } from '../../common/ml/protocol';

export interface OptimizerOptions {
  /** @default 'adam' */
  kind?: OptimizerName;
  learningRate: number;
  /** Adam's moment decays. */
  beta1?: number;
  beta2?: number;
  /** Adam and RMSprop (tfjs adds it under RMSprop's square root). @default 1e-7 */
  epsilon?: number;
  /** SGD: v = momentum·v + g, w −= lr·v (default 0.9); RMSprop: momentum of its step (default 0). */
  momentum?: number;
  /** RMSprop's decay of the mean square gradient. @default 0.9 */
  rho?: number;
  /** Decoupled weight decay: w −= lr·weightDecay·w with each step. */
  weightDecay?: number;
  /** Clip the gradient's global L2 norm to this value (0 = off). */
  clipNorm?: number;
  /** Linear warm-up over this many steps (0 = off). */
  warmupSteps?: number;
  /** Cosine decay from the learning rate to 1 % of it over this many steps after the warm-up (0 = constant rate). */
  decaySteps?: number;
}

/** The learning rate at optimiser step `step` (0-based): linear warm-up, then cosine decay to 1 %. */
export function scheduledRate(o: OptimizerOptions, step: number): number {
  const lr = o.learningRate;
  const w = o.warmupSteps ?? 0;
  if (w > 0 && step < w) return (lr * (step + 1)) / w;
  const d = o.decaySteps ?? 0;
  if (d <= 0) return lr;
  const t = Math.min(1, (step - w) / d);
  return lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

export class Optimizer {
  /** Adam's first moment, or the momentum of SGD and RMSprop. */
  private readonly m: number;
  /** Adam's second moment, or RMSprop's mean square. */
  private readonly v: number;
  step = 0;
  readonly kind: OptimizerName;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly rho: number;
  constructor(
    private readonly k: Kernels,
    private readonly weights: number,
    private readonly grads: number,
    private readonly n: number,
    readonly opts: OptimizerOptions,
  ) {
    this.kind = opts.kind ?? 'adam';
    this.m = k.alloc(Math.max(n, 1));
    this.v = this.kind === 'sgd' ? -1 : k.alloc(Math.max(n, 1));
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
    this.momentum = opts.momentum ?? defaultMomentum(this.kind);
    this.rho = opts.rho ?? 0.9;
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
    const wd = this.opts.weightDecay ?? 0;
    if (this.kind === 'adam') k.adam(this.weights, this.grads, this.m, this.v, this.n, lr, this.beta1, this.beta2, this.epsilon, this.beta1 ** this.step, this.beta2 ** this.step, wd);
    else this.applyPlain(lr, wd);
    return norm;
  }

  /** SGD with momentum and RMSprop: one pass over the parameters, in JS (the cost is small beside the step's matrix products). */
  private applyPlain(lr: number, wd: number) {
    const f = this.k.f32();
    const p = this.weights >> 2, g = this.grads >> 2, m = this.m >> 2;
    const mu = this.momentum, decay = 1 - lr * wd;
    if (this.kind === 'sgd') {
      for (let i = 0; i < this.n; i++) {
        const vi = mu * f[m + i]! + f[g + i]!;
        f[m + i] = vi;
        f[p + i] = f[p + i]! * decay - lr * vi;
      }
      return;
    }
    const v = this.v >> 2, rho = this.rho, eps = this.epsilon;
    for (let i = 0; i < this.n; i++) {
      const gi = f[g + i]!;
      const ms = rho * f[v + i]! + (1 - rho) * gi * gi;
      const mom = mu * f[m + i]! + (lr * gi) / Math.sqrt(ms + eps);
      f[v + i] = ms;
      f[m + i] = mom;
      f[p + i] = f[p + i]! * decay - mom;
    }
  }
}
