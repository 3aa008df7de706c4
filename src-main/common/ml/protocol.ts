/**
 * The trainer process's message protocol (one typed channel, both directions). The main process
 * (or the CLI) sends `start` once and may send `cancel`; the trainer answers with `engine`, then
 * `progress` and `epoch` messages, and ends with exactly one `done` or `failed`. Typed arrays
 * cross as structured clones (fork with serialization 'advanced', or Electron's utilityProcess).
 */
import type { LayerSpec } from './model';
import type { PlsDecision } from './pls';
import type { PlsDecisionChoice } from './pls-decision';
import type { Augmentation } from './prepare';
import type { TrainerEvent } from '../runs/events';
import type { ChosenRecipe, RecipeChoiceInput } from '../runs/recipe-choice';
import type { SpectralChoice } from '../runs/augment-choice';
import type { StartWeights } from '../runs/encoder';
import type { ErrorInfo } from '../errors';
import type { ResolvedPipeline } from '../preprocessing/pipeline';
import type { JsonValue } from '../preprocessing/types';

export type EngineId = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'js';
export const ENGINE_IDS = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'js'] as const satisfies readonly EngineId[];

export interface EngineInfo {
  id: EngineId;
  /** What the user sees, e.g. "GPU · NVIDIA RTX A4000 (TensorFlow CUDA)" or "CPU · WebAssembly SIMD · 2 threads". */
  label: string;
  /** Why faster engines were not used (one line each), e.g. "@tensorflow/tfjs-node-gpu is not installed". */
  fallbacks: string[];
  threads: number;
  /** Versions of what computes (recorded with each run), e.g. { "tfjs-core": "4.22.0", "tfjs-node-gpu": "4.22.0" } or { kernels: "wasm-simd", node: "22.20.0" }. */
  versions?: Record<string, string>;
}

/** The optimisers a network trains with (src-main/ml/engine/optimizer.ts; tfjs's update rules). */
export const OPTIMIZER_NAMES = ['adam', 'sgd', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];
/** The momentum an optimiser takes when none is given: 0.9 for SGD (plain SGD is too slow to be a default), none for RMSprop and Adam. */
export function defaultMomentum(kind: OptimizerName): number {
  return kind === 'sgd' ? 0.9 : 0;
}

/**
 * How a training ended: 'early-stopped' on the monitored spectra, 'converged' on the training
 * loss (epochs left at their default, none held back), 'diverged' also for a classifier that does
 * not learn.
 */
export type StopReason = 'completed' | 'early-stopped' | 'converged' | 'cancelled' | 'diverged';
export const STOP_REASONS = ['completed', 'early-stopped', 'converged', 'cancelled', 'diverged'] as const satisfies readonly StopReason[];

/** Regression `outputs`: several targets, each standardised, one output each (absent: one). */
export type TaskSpec = { kind: 'classification'; classes: number } | { kind: 'regression'; loss: 'mse' | 'huber'; huberDelta?: number; outputs?: number } | { kind: 'reconstruction' };

/** The network's outputs per sample: one logit per class, or one value per target. */
export function taskOutputs(task: TaskSpec): number {
  if (task.kind === 'reconstruction') throw new Error('An autoencoder has one output per input value, not a count of its own.');
  return task.kind === 'classification' ? task.classes : (task.outputs ?? 1);
}

export interface TrainJob {
  /** A PLS model instead of a network (then `layers` is empty): components, or null to choose by cross-validation. */
  pls?: { components: number | null; folds?: number; /** PLS-DA class decision; 'auto': chosen by cross-validation (PLS-DA when the components are given). @default 'auto' */ decision?: PlsDecisionChoice };
  layers: LayerSpec[];
  /** Per-sample input [length, channels]. */
  input: [number, number];
  task: TaskSpec;
  /** `y`: class indices, or standardised values [n, outputs] row-major. */
  train: { x: Float32Array; y: Int32Array | Float32Array; n: number };
  /** Monitored each epoch (early stopping); never the test set. */
  validation: { x: Float32Array; y: Int32Array | Float32Array; n: number } | null;
  /** Sets the final model is applied to (e.g. the test split); their outputs come back in `done`. */
  evaluate?: { x: Float32Array; n: number }[];
  classWeights?: Float32Array;
  /** Noisy copies of the training rows (decided by the plan, common/runs/plan.ts); null or absent: none. */
  augmentation?: Augmentation | null;
  /**
   * The copies' spectral changes are chosen here, before training, by cross-validation of the
   * training rows (common/runs/augment-choice.ts), so that the process that planned the run does
   * not do it; answered by one `augmentationChosen` before the first epoch.
   */
  chooseSpectralChanges?: boolean;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** @default 'adam' */
  optimizer?: OptimizerName;
  /** SGD's or RMSprop's momentum (absent: 0.9 for SGD, 0 for RMSprop). */
  momentum?: number;
  weightDecay?: number;
  clipNorm?: number;
  warmupSteps?: number;
  /** Cosine learning-rate decay over this many steps after the warm-up (0 or absent: constant). */
  decaySteps?: number;
  patience?: number;
  /** Stop once the training loss has converged (ml/fit.ts, CONVERGENCE): set when the epochs were left at their default and no spectra are monitored. */
  stopWhenConverged?: boolean;
  seed: number;
  /** 'auto' (best available) or a forced engine. */
  engine: EngineId | 'auto';
  /** Worker threads for the WebAssembly/JS engines (default: the machine's cores, at most 2 per batch of 32). */
  threads?: number;
  /** Values some parameters start from instead of their random initialisation (an autoencoder's encoder, ../runs/encoder.ts); the whole network trains from there. */
  startWeights?: StartWeights;
  /** Tests only: make the trainer crash at this epoch. */
  crashAtEpoch?: number;
  /**
   * A streamed run: the trainer reads the training spectra (and the first evaluation set's) from
   * the project file a window at a time; `train.x` and `evaluate[0].x` are then empty.
   */
  stream?: StreamedInput;
}

/** Where a streamed run's spectra are and how they become the model's inputs (ml/streamed-feed.ts). */
export interface StreamedInput {
  /** The project file, opened read-only by the trainer. */
  project: string;
  /** better-sqlite3's binding for the runtime the trainer runs in (Electron), when not the default. */
  nativeBinding?: string;
  datasetId: number;
  /** Sample ids of the training rows, in the order of `train.y`. */
  train: Int32Array;
  /** Sample ids of the rows of `evaluate[0]` (the test rows), in order. */
  evaluate: Int32Array;
  /** The stored spectra's axis (before the recipe). */
  axis: Float64Array;
  /** The run's recipe with its state fitted in the main process, or null for raw spectra. */
  recipe: { spec: ResolvedPipeline; states: (JsonValue | null)[] } | null;
  /** The input standardisation fitted with the recipe. */
  scaling: { mean: number; std: number };
  /** Training spectra held at once (a multiple of the batch size). */
  windowRows: number;
  /** Consecutive training rows shuffled as one (the epoch's order shuffles blocks, then rows within a window). */
  blockRows: number;
}

export interface EpochMessage {
  epoch: number;
  trainLoss: number;
  validationLoss: number | null;
  validation: Record<string, number> | null;
  seconds: number;
  spectraPerSecond: number;
  /** Regression: the validation RMSE and MAE in the target's units (the trainer reports them standardised). */
  validationUnits?: { rmse: number; mae: number } | null;
}

export type TrainerToParent =
  | TrainerEvent
  | {
      type: 'done';
      stopped: StopReason;
      message?: string;
      bestEpoch: number | null;
      spectraPerSecond: number;
      weights: Float32Array;
      state: Float32Array;
      paramNames: { name: string; shape: number[]; offset: number; size: number }[];
      /** Outputs of the final model on the validation set (logits or standardised values). */
      validationOutputs: Float32Array | null;
      /** Outputs of the final model on each `evaluate` set, in order. */
      evaluations: Float32Array[];
      /** Epoch reports (also sent one by one as `epoch` messages). */
      epochs: EpochMessage[];
      /** Live tfjs tensors at the end (null on our engine) and the trainer process's peak resident memory. */
      memory: { tensors: number | null; peakRssBytes: number };
      /** PLS runs: the fitted model (JSON) and the cross-validation curve, when components were chosen. */
      pls?: { model: unknown; cv: { components: number; rule: string; decision: PlsDecision; curve: { components: number; score: number; standardError: number }[]; centroidCurve?: { components: number; score: number; standardError: number }[]; nearestNeighbourCurve?: { components: number; score: number; standardError: number }[]; nearestNeighbourSkipped?: string } | null };
    }
  | { type: 'failed'; message: string; log: string }
  /** The spectral changes chosen for the augmented copies (a job with `chooseSpectralChanges`), before its first epoch. */
  | { type: 'augmentationChosen'; choice: SpectralChoice }
  /** The auto recipe's choice (`chooseRecipe`): one `recipeProgress` per candidate scored, then `recipeChosen` or `recipeFailed` (the error as thrown, so a user error stays one). */
  | { type: 'recipeProgress'; done: number; total: number; candidate: string }
  | { type: 'recipeChosen'; chosen: ChosenRecipe }
  | { type: 'recipeFailed'; error: ErrorInfo };

/**
 * `probe` asks only which engine a job would get (answered with one `engine` message);
 * `chooseRecipe` only for the auto recipe's choice on the training rows it carries.
 */
export type ParentToTrainer = { type: 'start'; job: TrainJob } | { type: 'cancel' } | { type: 'probe'; engine: EngineId | 'auto'; threads?: number } | { type: 'chooseRecipe'; input: RecipeChoiceInput };
