/**
 * The live run as a window shows it, as a pure function of the run's events: the renderer folds
 * every `runs:progress` event into it with {@link reduceLiveRun}. The run is identified by the id
 * `runs:start` answered with (`controlId`); during a cross-validation `runId` is the fold being
 * trained. Events of other runs, and events older than the last one applied, change nothing.
 */
import type { LayerSummary } from '../ml/model';
import type { EngineInfo, EpochMessage } from '../ml/protocol';
import type { FoldPosition, RunEvent } from './events';

/** The body of a `search` event: candidate folds scored, the best candidate so far, the time left. */
export type SearchProgress = Omit<Extract<RunEvent, { type: 'search' }>, 'type' | 'runId' | 'parentRunId' | 'seq'>;
import type { MetricValues } from './schema';

export type LiveState = 'starting' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';

export interface LiveRun {
  /** The run `runs:start` answered with: this run, or the parent of a cross-validation (cancel uses it). */
  controlId: number;
  /** The run being trained: `controlId`, or the current fold's own run. */
  runId: number;
  datasetId: number;
  dataset: string;
  model: string;
  target: string;
  task: 'classification' | 'regression';
  state: LiveState;
  /** Milliseconds on the caller's clock when the run started and ended. */
  startedAt: number;
  finishedAt: number | null;
  engine: EngineInfo | null;
  layers: LayerSummary[];
  params: number;
  trainSamples: number;
  monitorSamples: number;
  testSamples: number;
  /** Planned epochs (an upper bound when early stopping is on). */
  epochs: number;
  epoch: number;
  batch: number;
  batches: number;
  curves: EpochMessage[];
  message: string | null;
  test: MetricValues | null;
  /** Cross-validation: standard deviation of the test metrics over the folds, when finished. */
  std: MetricValues | null;
  bestEpoch: number | null;
  /** Cross-validation: the fold being trained. */
  fold: FoldPosition | null;
  /** Find the best model: how far the search is (its last `search` event). */
  search: SearchProgress | null;
  /** The sequence number of the last event applied. */
  seq: number;
}

/** A run `runs:start` has just answered for, before any of its events. */
export function startingRun(controlId: number, now: number, meta: Partial<Pick<LiveRun, 'datasetId' | 'dataset' | 'model' | 'target' | 'task'>> = {}): LiveRun {
  return {
    controlId,
    runId: controlId,
    datasetId: 0,
    dataset: '',
    model: '',
    target: '',
    task: 'classification',
    ...meta,
    state: 'starting',
    startedAt: now,
    finishedAt: null,
    engine: null,
    layers: [],
    params: 0,
    trainSamples: 0,
    monitorSamples: 0,
    testSamples: 0,
    epochs: 0,
    epoch: 0,
    batch: 0,
    batches: 0,
    curves: [],
    message: null,
    test: null,
    std: null,
    bestEpoch: null,
    fold: null,
    search: null,
    seq: 0,
  };
}

export function isActive(run: LiveRun | null): boolean {
  return run !== null && (run.state === 'starting' || run.state === 'running' || run.state === 'cancelling');
}

const running = (s: LiveState): LiveState => (s === 'starting' ? 'running' : s);

/**
 * The live run after one event. `run` is the run this window follows (null: none); an event of
 * another run leaves it as it is, except that a new top-level `started` (a run started from
 * elsewhere, e.g. another window) is followed when this window follows none that is active.
 */
export function reduceLiveRun(run: LiveRun | null, e: RunEvent, now: number): LiveRun | null {
  const top = e.parentRunId ?? e.runId;
  if (!run || run.controlId !== top) {
    if (e.type !== 'started' || e.parentRunId !== null || isActive(run)) return run;
    run = startingRun(e.runId, now);
  }
  if (e.seq <= run.seq) return run;
  const next: LiveRun = { ...run, seq: e.seq };
  switch (e.type) {
    case 'started':
      // A channel as the target has no target column: the name the Train view gave it stays.
      Object.assign(next, { datasetId: e.datasetId, dataset: e.dataset, model: e.model, target: e.target || next.target, task: e.task });
      if (e.parentRunId !== null) {
        // The next fold: a run of its own with its own curves, under the same parent.
        Object.assign(next, { runId: e.runId, fold: e.fold, curves: [], epoch: 0, epochs: 0, batch: 0, batches: 0, bestEpoch: null });
      }
      if (e.parentRunId !== null || e.folds === null) Object.assign(next, { layers: e.summary, params: e.params, trainSamples: e.trainSamples, monitorSamples: e.monitorSamples, testSamples: e.testSamples });
      return next;
    case 'engine':
      if (e.runId !== next.runId) return next;
      return { ...next, engine: e.engine, state: running(next.state) };
    case 'progress':
      if (e.runId !== next.runId) return next;
      return { ...next, state: running(next.state), epoch: e.epoch, batch: e.batch, batches: e.batches };
    case 'epoch':
      if (e.runId !== next.runId) return next;
      return { ...next, state: running(next.state), epochs: e.epochs, epoch: e.report.epoch, curves: [...next.curves, e.report] };
    case 'search': {
      const { type: _type, runId: _run, parentRunId: _parent, seq: _seq, ...search } = e;
      return { ...next, state: running(next.state), search };
    }
    case 'finished':
      // A fold's end is followed by the next fold's `started` or by the parent's `finished`.
      if (e.runId !== next.controlId) return next;
      return { ...next, state: e.status, message: e.message, test: e.metrics, std: e.std, bestEpoch: e.bestEpoch, finishedAt: now };
  }
}

/** Seconds left, from the mean epoch time so far (early stopping may end sooner). */
export function etaSeconds(run: LiveRun): number | null {
  const n = run.curves.length;
  if (!n || !run.epochs) return null;
  const mean = run.curves.reduce((a, c) => a + c.seconds, 0) / n;
  return Math.max(0, (run.epochs - run.epoch) * mean);
}
