/**
 * What a running training reports, one union for every hop: the trainer process sends the
 * trainer events (engine, progress, epoch); the training service stamps them with the run's id,
 * its parent (a fold of a cross-validation) and a sequence number, adds `started` and
 * `finished`, and the same events go to the CLI's progress lines and over IPC (`runs:progress`)
 * to the renderer, whose state follows from them alone (./live.ts).
 */
import type { LayerSummary } from '../ml/model';
import type { EngineInfo, EpochMessage } from '../ml/protocol';
import type { MetricValues } from './schema';

/** What the trainer process reports while it trains (also the body of the matching run events). */
export type TrainerEvent =
  | { type: 'engine'; engine: EngineInfo }
  | { type: 'progress'; epoch: number; batch: number; batches: number; loss: number }
  /** `epochs`: the planned epochs (an upper bound when early stopping is on). */
  | { type: 'epoch'; report: EpochMessage; epochs: number };

/** Where a fold stands in its cross-validation. */
export interface FoldPosition {
  index: number;
  count: number;
  label: string;
}

export type RunEventBody =
  /**
   * A run starts: what it trains on. A cross-validation announces itself (`folds` set, no
   * layers) and then each fold as a run of its own (`fold` set, `parentRunId` the parent).
   */
  | {
      type: 'started';
      datasetId: number;
      dataset: string;
      model: string;
      target: string;
      task: 'classification' | 'regression';
      summary: LayerSummary[];
      params: number;
      trainSamples: number;
      monitorSamples: number;
      testSamples: number;
      fold: FoldPosition | null;
      /** A cross-validation: its number of folds (or repeats, or training-set sizes). */
      folds: number | null;
    }
  | TrainerEvent
  /** Find the best model (../runs/optimize.ts): candidate folds scored so far, the best candidate yet, the time left. */
  | {
      type: 'search';
      done: number;
      total: number;
      current: string | null;
      best: { name: string; mean: number; std: number } | null;
      elapsedSeconds: number;
      etaSeconds: number | null;
    }
  | {
      type: 'finished';
      status: 'done' | 'failed' | 'cancelled';
      message: string | null;
      /** Test metrics (a cross-validation: their mean over the folds). */
      metrics: MetricValues | null;
      /** A cross-validation: the standard deviation over the folds. */
      std: MetricValues | null;
      bestEpoch: number | null;
    };

export type RunEvent = RunEventBody & {
  runId: number;
  /** The cross-validation this fold's run belongs to; null for a run of its own. */
  parentRunId: number | null;
  /** Increases by one with every event of a top-level run (its folds included). */
  seq: number;
};

/** Stamps the events of one top-level run (and its folds) in order. */
export function eventStamper(emit: (e: RunEvent) => void): (runId: number, parentRunId: number | null, body: RunEventBody) => void {
  let seq = 0;
  return (runId, parentRunId, body) => emit({ ...body, runId, parentRunId, seq: ++seq } as RunEvent);
}
