/**
 * The training loop, the same for every engine: seeded shuffles, mini-batches, per-epoch
 * validation, early stopping with the best weights restored, divergence detection that keeps the
 * last good weights and says what to try, progress and cancel between batches.
 */
import { argmaxRows, classificationMetrics, regressionMetrics, type ClassificationMetrics, type RegressionMetrics } from '../common/ml/metrics';
import type { Task } from './engine/net';
import type { EpochMessage, StopReason } from '../common/ml/protocol';
import { mulberry32, permutation } from '../common/ml/random';
import { median } from '../common/ml/median';
import { deriveSeed } from './engine/rng';
import type { Runtime, Snapshot } from './runtime';

export interface Split {
  /** [n, length·channels] */
  x: Float32Array;
  /** class indices, or standardised values */
  y: Int32Array | Float32Array;
  n: number;
}

/** One epoch's figures (the protocol's epoch message). */
export type EpochReport = EpochMessage;


export interface FitResult {
  stopped: StopReason;
  /** Why the run diverged and what to try (stopped = 'diverged'), or the rule it met (stopped = 'converged'). */
  message?: string;
  epochs: EpochReport[];
  /** The epoch whose weights were kept when training ended at another (early stopping, or the last good one before a divergence); null when the last epoch's weights are the model. */
  bestEpoch: number | null;
  /** Median training throughput over the epochs (spectra per second, validation excluded). */
  spectraPerSecond: number;
}

export interface FitOptions {
  task: Task;
  train: Split;
  validation?: Split | null;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Early stopping: epochs without validation-loss improvement before stopping (0 = off). */
  patience?: number;
  /** Stop once the training loss has converged ({@link CONVERGENCE}); for runs whose epochs are only a ceiling. */
  stopWhenConverged?: boolean;
  /** The runtime holds this many copies of every training row (row c·n + i); each epoch takes one of each, at random. @default 1 */
  copies?: number;
  /** Called between batches (throttle inside); return true to cancel. */
  shouldStop?: () => boolean;
  onBatch?: (p: { epoch: number; batch: number; batches: number; loss: number }) => void;
  onEpoch?: (r: EpochReport) => void | Promise<void>;
  /** Class weights of the loss (classification), for the chance level of the not-learning check. @default all 1 */
  classWeights?: ArrayLike<number>;
  /** The configured learning rate, quoted in the divergence message. */
  learningRate?: number;
  /** Give the event loop a turn at most this often (ms), so cancel messages are read. */
  yieldEveryMs?: number;
  /**
   * Streamed training rows (./streamed-feed.ts): the epoch's order comes from the feed, which
   * loads each batch's window into the runtime's inputs and gives the batch's indices there.
   * `train.x` is then unused; `copies` must be 1.
   */
  feed?: BatchFeed;
}

/** Where a streamed run's batches come from (see FitOptions.feed). */
export interface BatchFeed {
  /** One epoch's order of the training rows (positions 0 … train.n − 1). */
  order(rand: () => number): Int32Array;
  /** Makes rows order[from … from + size) readable by the runtime; `runtime.step(index, at, size)` then trains on them. */
  batch(order: Int32Array, from: number, size: number): { index: Int32Array; at: number };
}

const yieldTurn = () => new Promise<void>((r) => setImmediate(r));

/** Mean cross-entropy (unweighted) or MSE of outputs against targets; an autoencoder's MSE against its inputs `x`. */
export function evaluateOutputs(task: Task, outputs: Float32Array, y: Int32Array | Float32Array, n: number, x?: Float32Array): { loss: number; metrics: Record<string, number>; detail: ClassificationMetrics | RegressionMetrics | null } {
  if (task.kind === 'reconstruction') {
    const values = outputs.length;
    let se = 0;
    for (let i = 0; i < values; i++) se += (outputs[i]! - x![i]!) ** 2;
    const mse = se / (values || 1);
    return { loss: mse, metrics: { rmse: Math.sqrt(mse) }, detail: null };
  }
  if (task.kind === 'classification') {
    const k = task.classes;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let j = 0; j < k; j++) m = Math.max(m, outputs[i * k + j]!);
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(outputs[i * k + j]! - m);
      loss += m + Math.log(s) - outputs[i * k + y[i]!]!;
    }
    const pred = argmaxRows(outputs, n, k);
    const cm = classificationMetrics(y, pred, k);
    return { loss: loss / (n || 1), metrics: { accuracy: cm.accuracy, balancedAccuracy: cm.balancedAccuracy, macroF1: cm.macroF1 }, detail: cm };
  }
  // Several targets: pooled over every target of every row (all standardised), as the training loss.
  const values = n * (task.outputs ?? 1);
  let se = 0;
  for (let i = 0; i < values; i++) se += (outputs[i]! - y[i]!) ** 2;
  const rm = regressionMetrics(y.subarray(0, values), outputs.subarray(0, values));
  return { loss: se / (values || 1), metrics: { rmse: rm.rmse, mae: rm.mae, r2: rm.r2 }, detail: rm };
}

function divergenceMessage(epoch: number, batch: number, loss: number, lr: number | undefined): string {
  const what = Number.isFinite(loss) ? `the loss exploded to ${loss.toExponential(2)}` : `the loss became ${String(loss)}`;
  return (
    `Training stopped at epoch ${epoch}, batch ${batch}: ${what}. The weights from the last good step are kept. ` +
    `Try, in this order: a smaller learning rate${lr ? ` (now ${lr}; try ${lr / 10})` : ''}; a recipe that scales the spectra (SNV, or autoscale) if their values are large; ` +
    `checking the inputs for extreme values.`
  );
}

/** A learning rate to suggest, without binary rounding noise (0.7 / 10 is 0.06999999999999999). */
const rounded = (v: number): number => Number(v.toPrecision(6));

function stalledMessage(epoch: number, loss: number, chance: number, lr: number | undefined): string {
  const rate = lr === undefined ? 'the learning rate' : lr >= 0.01 ? `a smaller learning rate (now ${lr}; try ${rounded(lr / 10)})` : `a larger learning rate (now ${lr}; try ${rounded(lr * 10)})`;
  return (
    `Training stopped at epoch ${epoch}: the network is not learning. Its training loss (${loss.toFixed(3)} over the last ${STALL_WINDOW} epochs) ` +
    `is no better than answering the class frequencies for every spectrum (${chance.toFixed(3)}). The best weights so far are kept. ` +
    `Try, in this order: ${rate}; a recipe that scales the spectra (SNV, or autoscale); checking that the labels belong to the spectra.`
  );
}

/** Epochs averaged by the not-learning check. */
const STALL_WINDOW = 10;
/** Optimiser steps before the not-learning check starts (a healthy CNN on 60 spectra is well below chance by then). */
const STALL_STEPS = 300;

/**
 * When a run whose epochs are only a ceiling stops because its training loss has converged: the
 * mean training loss over the last `window` epochs is below `loss` (cross-entropy or standardised
 * MSE per spectrum), and the lowest of these means over the last `patience` epochs is less than
 * `improvement` (relative) below the lowest before them; never before `minSteps` optimiser steps.
 * Chosen on UCR Coffee and Meat (resnet1d and cnn, seed 1): see docs/architecture.md, Training.
 */
export const CONVERGENCE = { window: 20, loss: 1e-3, patience: 50, improvement: 0.1, minSteps: 1000 } as const;

/** Whether the training loss has converged at `epoch`, given the window means of every epoch so far. */
function converged(means: number[], epoch: number, batches: number): boolean {
  const { window, loss, patience, improvement, minSteps } = CONVERGENCE;
  if (epoch < window + patience || epoch * batches < minSteps || !(means[epoch - 1]! < loss)) return false;
  const before = Math.min(...means.slice(window - 1, epoch - patience));
  const recent = Math.min(...means.slice(epoch - patience));
  return recent > (1 - improvement) * before;
}

function convergedMessage(epoch: number, planned: number, mean: number): string {
  const { window, loss, patience, improvement, minSteps } = CONVERGENCE;
  return (
    `Training stopped at epoch ${epoch} of ${planned}: the training loss has converged. Its mean over the last ${window} epochs (${mean.toPrecision(2)}) is below ${loss} ` +
    `and fell by less than ${improvement * 100} % over the last ${patience} epochs (checked after at least ${minSteps} optimiser steps, since the epochs were left at their default and no spectra are held back to stop early).`
  );
}

/**
 * The training loss of the best constant answer: the (class-weighted) class frequencies of the
 * training rows, whose cross-entropy is their entropy (natural log); ln(classes) with balanced weights.
 */
function chanceLoss(y: ArrayLike<number>, n: number, classes: number, weights?: ArrayLike<number>): number {
  const mass = new Float64Array(classes);
  for (let i = 0; i < n; i++) mass[y[i]!]! += weights ? weights[y[i]!]! : 1;
  const total = mass.reduce((s, v) => s + v, 0);
  let h = 0;
  for (const m of mass) if (m > 0) h -= (m / total) * Math.log(m / total);
  return h;
}

export async function fit(runtime: Runtime, opts: FitOptions): Promise<FitResult> {
  const { train, task } = opts;
  const rand = mulberry32(deriveSeed(opts.seed, 'shuffle'));
  const epochs: EpochReport[] = [];
  const speeds: number[] = [];
  const patience = opts.patience ?? 0;
  const yieldEvery = opts.yieldEveryMs ?? 50;
  let best: { loss: number; epoch: number; snap: Snapshot } | null = null;
  let firstLoss: number | null = null;
  let lastYield = performance.now();
  const batches = Math.ceil(train.n / opts.batchSize);
  // A classifier whose training loss stays at the level of a constant answer is not learning
  // (a learning rate far too large often does this without the loss ever exploding).
  const chance = task.kind === 'classification' ? chanceLoss(train.y, train.n, task.classes, opts.classWeights) : null;
  const stallFrom = Math.max(STALL_WINDOW * 2, Math.ceil(STALL_STEPS / batches));
  /** Mean training loss of the last CONVERGENCE.window epochs, at each epoch (only when stopping on convergence). */
  const windowMeans: number[] = [];

  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const feed = opts.feed;
    const perm = feed ? feed.order(rand) : permutation(train.n, rand);
    const copies = opts.copies ?? 1;
    if (feed && copies > 1) throw new Error('fit: streamed training rows have no augmented copies.');
    if (copies > 1) for (let i = 0; i < perm.length; i++) perm[i] += train.n * Math.floor(rand() * copies);
    const t0 = performance.now();
    let sum = 0;
    let count = 0;
    for (let b = 0; b < batches; b++) {
      const from = b * opts.batchSize;
      const size = Math.min(opts.batchSize, train.n - from);
      const fed = feed?.batch(perm, from, size);
      const r = fed ? runtime.step(fed.index, fed.at, size) : runtime.step(perm, from, size);
      const exploded = firstLoss !== null && Number.isFinite(r.loss) && r.loss > Math.max(1e4 * firstLoss, 1e6);
      if (!r.applied || exploded) {
        if (best) runtime.restore(best.snap);
        return { stopped: 'diverged', message: divergenceMessage(epoch, b + 1, r.loss, opts.learningRate), epochs, bestEpoch: best?.epoch ?? null, spectraPerSecond: medianSpeed(speeds) };
      }
      if (firstLoss === null) firstLoss = Math.max(r.loss, 1e-6);
      sum += r.loss * size;
      count += size;
      opts.onBatch?.({ epoch, batch: b + 1, batches, loss: r.loss });
      const now = performance.now();
      if (now - lastYield >= yieldEvery) {
        await yieldTurn();
        lastYield = performance.now();
        if (opts.shouldStop?.()) {
          if (best) runtime.restore(best.snap);
          return { stopped: 'cancelled', epochs, bestEpoch: best?.epoch ?? null, spectraPerSecond: medianSpeed(speeds) };
        }
      }
    }
    const trainSeconds = (performance.now() - t0) / 1000;
    speeds.push(train.n / trainSeconds);
    let validationLoss: number | null = null;
    let validation: Record<string, number> | null = null;
    if (opts.validation && opts.validation.n > 0) {
      const v = opts.validation;
      const out = runtime.predict(v.x, v.n);
      const ev = evaluateOutputs(task, out, v.y, v.n, v.x);
      validationLoss = ev.loss;
      validation = ev.metrics;
    }
    const report: EpochReport = {
      epoch,
      trainLoss: sum / (count || 1),
      validationLoss,
      validation,
      seconds: (performance.now() - t0) / 1000,
      spectraPerSecond: train.n / trainSeconds,
    };
    epochs.push(report);
    await opts.onEpoch?.(report);
    if (chance !== null && epoch >= stallFrom) {
      const recent = epochs.slice(-STALL_WINDOW).reduce((s, e) => s + e.trainLoss, 0) / STALL_WINDOW;
      if (!(recent < chance)) {
        if (best) runtime.restore(best.snap);
        return { stopped: 'diverged', message: stalledMessage(epoch, recent, chance, opts.learningRate), epochs, bestEpoch: best?.epoch ?? null, spectraPerSecond: medianSpeed(speeds) };
      }
    }
    const monitored = validationLoss ?? report.trainLoss;
    if (!best || monitored < best.loss) best = { loss: monitored, epoch, snap: runtime.snapshot() };
    else if (patience > 0 && epoch - best.epoch >= patience) {
      runtime.restore(best.snap);
      return { stopped: 'early-stopped', epochs, bestEpoch: best.epoch, spectraPerSecond: medianSpeed(speeds) };
    }
    if (opts.stopWhenConverged) {
      const recent = epochs.slice(-CONVERGENCE.window);
      windowMeans.push(recent.reduce((s, e) => s + e.trainLoss, 0) / recent.length);
      if (converged(windowMeans, epoch, batches)) {
        if (patience > 0) runtime.restore(best.snap);
        return { stopped: 'converged', message: convergedMessage(epoch, opts.epochs, windowMeans[epoch - 1]!), epochs, bestEpoch: patience > 0 ? best.epoch : null, spectraPerSecond: medianSpeed(speeds) };
      }
    }
    await yieldTurn();
    lastYield = performance.now();
    if (opts.shouldStop?.()) {
      return { stopped: 'cancelled', epochs, bestEpoch: best?.epoch ?? null, spectraPerSecond: medianSpeed(speeds) };
    }
  }
  if (best && patience > 0) runtime.restore(best.snap);
  // Without early stopping the last epoch's weights are kept: no other epoch is "the" model.
  return { stopped: 'completed', epochs, bestEpoch: patience > 0 ? (best?.epoch ?? null) : null, spectraPerSecond: medianSpeed(speeds) };
}

/** Median throughput; 0 when no epoch ran. */
function medianSpeed(v: number[]): number {
  return v.length ? median(v) : 0;
}
