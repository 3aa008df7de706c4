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

  begin(run: Omit<LiveRun, 'state' | 'startedAt' | 'engine' | 'layers' | 'params' | 'trainSamples' | 'monitorSamples' | 'testSamples' | 'epochs' | 'epoch' | 'batch' | 'batches' | 'curves' | 'message' | 'test' | 'bestEpoch' | 'finishedAt'>): void {
    // Events for this run may arrive before `runs:start` answers; keep what they filled in.
    const early = this.live?.runId === run.runId ? this.live : null;
    this.live = {
      ...run,
      state: early?.state ?? 'starting',
      startedAt: early?.startedAt ?? performance.now(),
      engine: early?.engine ?? null,
      layers: early?.layers ?? [],
      params: early?.params ?? 0,
      trainSamples: early?.trainSamples ?? 0,
      monitorSamples: early?.monitorSamples ?? 0,
      testSamples: early?.testSamples ?? 0,
      epochs: early?.epochs ?? 0,
      epoch: early?.epoch ?? 0,
      batch: early?.batch ?? 0,
      batches: early?.batches ?? 0,
      curves: early?.curves ?? [],
      message: early?.message ?? null,
      test: early?.test ?? null,
      bestEpoch: early?.bestEpoch ?? null,
      finishedAt: early?.finishedAt ?? null,
    };
    this.shown = null;
  }

  private onEvent(e: RunEvent): void {
    let run = this.live;
    if (!run || run.runId !== e.runId) {
      if (e.type !== 'started') return;
      // `started` can come before `runs:start` has answered: hold it until `begin`.
      run = this.live = { runId: e.runId, datasetId: 0, dataset: '', model: '', target: '', task: 'classification', state: 'starting', startedAt: performance.now(), engine: null, layers: [], params: 0, trainSamples: 0, monitorSamples: 0, testSamples: 0, epochs: 0, epoch: 0, batch: 0, batches: 0, curves: [], message: null, test: null, bestEpoch: null, finishedAt: null };
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
    await call('runs:cancel', { runId: run.runId }).catch(() => false);
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
