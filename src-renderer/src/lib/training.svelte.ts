/**
 * Training runs as the renderer sees them: the live run (from `runs:progress` events) and the
 * project's stored runs (from `runs:list`). Kept outside the Train view, so leaving the view and
 * coming back shows the same curves, and a run keeps reporting while another section is open.
 */
import type { RunDetail, RunEvent, RunSummary } from '@common/ipc/contract';
import type { LayerSummary } from '@common/ml/model';
import type { EngineInfo, EpochMessage } from '@common/ml/protocol';
import { call, on } from './api';

export interface LiveRun {
  runId: number;
  datasetId: number;
  dataset: string;
  model: string;
  target: string;
  task: 'classification' | 'regression';
  state: 'starting' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';
  startedAt: number;
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
  test: Record<string, number> | null;
  bestEpoch: number | null;
  finishedAt: number | null;
  /** The run `runs:start` returned: this run, or the parent of a cross-validation (cancel and `finished` use it). */
  controlId: number;
  /** Cross-validation: the fold being trained (`runId` is then that fold's run). */
  fold: { index: number; count: number; label: string } | null;
  /** Cross-validation: standard deviation of the test metrics over the folds, when finished. */
  std: Record<string, number> | null;
}

type LiveMeta = Pick<LiveRun, 'runId' | 'datasetId' | 'dataset' | 'model' | 'target' | 'task'>;

function blank(runId: number): LiveRun {
  return { runId, controlId: runId, datasetId: 0, dataset: '', model: '', target: '', task: 'classification', state: 'starting', startedAt: performance.now(), engine: null, layers: [], params: 0, trainSamples: 0, monitorSamples: 0, testSamples: 0, epochs: 0, epoch: 0, batch: 0, batches: 0, curves: [], message: null, test: null, bestEpoch: null, finishedAt: null, fold: null, std: null };
}

/** What the Runs section shows: the table, one run's page, or a comparison. */
export type RunsPage = { kind: 'list' } | { kind: 'run'; id: number } | { kind: 'compare'; ids: number[] };

class TrainingState {
  live = $state<LiveRun | null>(null);
  page = $state<RunsPage>({ kind: 'list' });
  /** The run the Predict view starts with (set by "Predict new spectra" on a run page). */
  predictRun = $state<number | null>(null);
  /** Files dropped on the window while Predict is open, for it to pick up. */
  droppedForPrediction = $state<string[] | null>(null);
  runs = $state<RunSummary[]>([]);
  /** A stored run whose curves are shown (clicked in the list). */
  shown = $state.raw<RunDetail | null>(null);
  private started = false;

  init(): void {
    if (this.started) return;
    this.started = true;
    on('runs:progress', (e) => this.onEvent(e));
  }

  reset(): void {
    this.live = null;
    this.runs = [];
    this.shown = null;
    this.page = { kind: 'list' };
    this.predictRun = null;
    this.droppedForPrediction = null;
  }

  async refresh(): Promise<void> {
    try {
      this.runs = await call('runs:list', {});
    } catch {
      this.runs = [];
    }
  }

  async show(runId: number): Promise<void> {
    this.shown = await call('runs:get', { runId });
  }

  /** Called when `runs:start` answers; events may already have filled in the run (or its first fold). */
  begin(meta: LiveMeta): void {
    const early = this.live && this.live.finishedAt === null && (this.live.controlId === meta.runId || this.live.runId === meta.runId || this.live.fold) ? this.live : null;
    if (early) Object.assign(early, { ...meta, runId: early.runId, controlId: meta.runId });
    else this.live = { ...blank(meta.runId), ...meta };
    this.shown = null;
  }

  private onEvent(e: RunEvent): void {
    let run = this.live;
    const active = run !== null && run.finishedAt === null;
    if (e.type === 'fold') {
      // The next fold of a cross-validation: a new run with its own curves, under the same parent.
      const prev = active ? run! : blank(e.runId);
      this.live = { ...blank(e.runId), datasetId: prev.datasetId, dataset: prev.dataset, model: prev.model, target: prev.target, task: prev.task, startedAt: prev.startedAt, engine: prev.engine, controlId: e.runId, fold: { index: e.index, count: e.count, label: e.label } };
      return;
    }
    if (!run || (run.runId !== e.runId && run.controlId !== e.runId)) {
      if (e.type !== 'started') return;
      if (active && run!.fold) {
        // The fold's own run, announced by the \`fold\` event just before.
        run!.runId = e.runId;
      } else {
        // \`started\` can come before \`runs:start\` has answered: hold it until \`begin\`.
        run = this.live = blank(e.runId);
      }
      run = this.live!;
    }
    switch (e.type) {
      case 'started':
        run.layers = e.summary;
        run.params = e.params;
        run.trainSamples = e.trainSamples;
        run.monitorSamples = e.monitorSamples;
        run.testSamples = e.testSamples;
        break;
      case 'engine':
        run.engine = e.engine;
        if (run.state === 'starting') run.state = 'running';
        break;
      case 'progress':
        if (run.state === 'starting') run.state = 'running';
        run.epoch = e.epoch;
        run.batch = e.batch;
        run.batches = e.batches;
        break;
      case 'epoch':
        if (run.state === 'starting') run.state = 'running';
        run.epochs = e.epochs;
        run.epoch = e.report.epoch;
        run.curves.push(e.report);
        break;
      case 'finished':
        run.state = e.status;
        run.message = e.message ?? null;
        run.test = e.metrics ?? null;
        run.std = e.std ?? null;
        run.bestEpoch = e.bestEpoch ?? null;
        run.finishedAt = performance.now();
        void this.refresh();
        break;
    }
  }

  get running(): boolean {
    return this.live !== null && (this.live.state === 'starting' || this.live.state === 'running' || this.live.state === 'cancelling');
  }

  async cancel(): Promise<void> {
    const run = this.live;
    if (!run || !this.running) return;
    run.state = 'cancelling';
    await call('runs:cancel', { runId: run.controlId }).catch(() => false);
  }
}

export const training = new TrainingState();

/** Seconds left, from the mean epoch time so far (early stopping may end sooner). */
export function etaSeconds(run: LiveRun): number | null {
  const n = run.curves.length;
  if (!n || !run.epochs) return null;
  const mean = run.curves.reduce((a, c) => a + c.seconds, 0) / n;
  return Math.max(0, (run.epochs - run.epoch) * mean);
}
