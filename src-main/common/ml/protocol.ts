/**
 * The trainer process's message protocol (one typed channel, both directions). The main process
 * (or the CLI) sends `start` once and may send `cancel`; the trainer answers with `engine`, then
 * `progress` and `epoch` messages, and ends with exactly one `done` or `failed`. Typed arrays
 * cross as structured clones (fork with serialization 'advanced', or Electron's utilityProcess).
 */
import type { LayerSpec } from './model';

export type EngineId = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'js';
export const ENGINE_IDS: readonly EngineId[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'js'];

export interface EngineInfo {
  id: EngineId;
  /** What the user sees, e.g. "GPU · NVIDIA RTX A4000 (TensorFlow CUDA)" or "CPU · WebAssembly SIMD · 2 threads". */
  label: string;
  /** Why faster engines were not used (one line each), e.g. "@tensorflow/tfjs-node-gpu is not installed". */
  fallbacks: string[];
  threads: number;
}

export type TaskSpec = { kind: 'classification'; classes: number } | { kind: 'regression'; loss: 'mse' | 'huber'; huberDelta?: number };

export interface TrainJob {
  layers: LayerSpec[];
  /** Per-sample input [length, channels]. */
  input: [number, number];
  task: TaskSpec;
  train: { x: Float32Array; y: Int32Array | Float32Array; n: number };
  validation: { x: Float32Array; y: Int32Array | Float32Array; n: number } | null;
  classWeights?: Float32Array;
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay?: number;
  clipNorm?: number;
  warmupSteps?: number;
  patience?: number;
  seed: number;
  /** 'auto' (best available) or a forced engine. */
  engine: EngineId | 'auto';
  /** Worker threads for the WebAssembly/JS engines (default: the machine's cores, at most 2 per batch of 32). */
  threads?: number;
  /** Tests only: make the trainer crash at this epoch. */
  crashAtEpoch?: number;
}

export interface EpochMessage {
  epoch: number;
  trainLoss: number;
  validationLoss: number | null;
  validation: Record<string, number> | null;
  seconds: number;
  spectraPerSecond: number;
}

export type TrainerToParent =
  | { type: 'engine'; engine: EngineInfo }
  | { type: 'progress'; epoch: number; batch: number; batches: number; loss: number }
  | { type: 'epoch'; report: EpochMessage }
  | {
      type: 'done';
      stopped: 'completed' | 'early-stopped' | 'cancelled' | 'diverged';
      message?: string;
      bestEpoch: number | null;
      spectraPerSecond: number;
      weights: Float32Array;
      state: Float32Array;
      paramNames: { name: string; shape: number[]; offset: number; size: number }[];
      /** Outputs of the final model on the validation set (logits or standardised values). */
      validationOutputs: Float32Array | null;
      /** Live tfjs tensors at the end (null on our engine) and the trainer process's peak resident memory. */
      memory: { tensors: number | null; peakRssBytes: number };
    }
  | { type: 'failed'; message: string; log: string };

/** `probe` asks only which engine a job would get (answered with one `engine` message). */
export type ParentToTrainer = { type: 'start'; job: TrainJob } | { type: 'cancel' } | { type: 'probe'; engine: EngineId | 'auto'; threads?: number };
