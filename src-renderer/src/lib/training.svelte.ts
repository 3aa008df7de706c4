/**
 * Training runs as the renderer sees them: the live run (from `runs:progress` events) and the
 * project's stored runs (from `runs:list`). Kept outside the Train view, so leaving the view and
 * coming back shows the same curves, and a run keeps reporting while another section is open.
 */
import type { RunDetail, RunEvent, RunSummary } from '@common/ipc/contract';
import { isActive, reduceLiveRun, startingRun, type LiveRun } from '@common/runs/live';
import { call, on } from './api';

export type { LiveRun };
export { etaSeconds } from '@common/runs/live';

type LiveMeta = Pick<LiveRun, 'datasetId' | 'dataset' | 'model' | 'target' | 'task'> & { runId: number };

/** What the Runs section shows: the table, one run's page, or a comparison. */
export type RunsPage = { kind: 'list' } | { kind: 'run'; id: number } | { kind: 'compare'; ids: number[] };

class TrainingState {
  /** The run this window follows, as the pure reducer folds its events (common/runs/live.ts). */
  live = $state.raw<LiveRun | null>(null);
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

  /** Forgets the last run shown, as a new one is about to start. */
  clear(): void {
    this.live = null;
    this.shown = null;
  }

  /** Called when `runs:start` answers, before any event of the run arrives (the main side holds them until then). */
  begin(meta: LiveMeta): void {
    const { runId, ...rest } = meta;
    // A host that delivers events and replies on separate paths may have delivered some already.
    this.live = this.live?.controlId === runId ? { ...this.live, ...rest } : startingRun(runId, performance.now(), rest);
    this.shown = null;
  }

  private onEvent(e: RunEvent): void {
    const next = reduceLiveRun(this.live, e, performance.now());
    if (next === this.live) return;
    this.live = next;
    if (e.type === 'finished' && next && e.runId === next.controlId) void this.refresh();
  }

  get running(): boolean {
    return isActive(this.live);
  }

  async cancel(): Promise<void> {
    const run = this.live;
    if (!run || !this.running) return;
    this.live = { ...run, state: 'cancelling' };
    await call('runs:cancel', { runId: run.controlId }).catch(() => false);
  }
}

export const training = new TrainingState();
