/**
 * Every long-running piece of work the user waits for — an import, a recipe applied to a dataset,
 * an export, a prediction and the training run — as one `Job` shape, so the status bar and the
 * jobs panel show them alike (count, ETA, Cancel). The first four are started here with `run`
 * and follow their progress event through `follow`; the training job is read from `training.live`.
 */
import type { EventName, Events } from '@common/ipc/contract';
import type { ErrorInfo } from '@common/errors';
import { call, errorInfo, newJobId, on } from '../api';
import { count, duration } from '../format';
import { etaSeconds, training, type LiveRun } from '../training.svelte';

export type JobKind = 'import' | 'apply' | 'export' | 'predict' | 'transfer' | 'train';

/**
 * What `done` of `total` counts. `file` and `epoch` name the one being worked on ("file 2 of 3");
 * the others are amounts ("1 200 of 3 000 spectra").
 */
export type JobUnit = 'file' | 'epoch' | 'spectra' | 'parts' | 'maps';

export interface Job {
  id: string;
  kind: JobKind;
  title: string;
  /** performance.now() when it started running (after any file or folder choice). */
  startedAt: number;
  done: number;
  total: number;
  unit: JobUnit;
  /** Overall share done, in [0, 1]. */
  fraction: number;
  stage: string;
  /** What the title and count do not say: the file an import reads, the fold a cross-validation trains. */
  part: string;
  /** `waiting`: for the user to choose `waitingFor` in a dialog. */
  state: 'waiting' | 'running' | 'failed' | 'cancelling';
  waitingFor: 'files' | 'a folder';
  error?: ErrorInfo;
  /** Seconds left when the job knows better than its share done (training: the mean epoch time); null: not yet known. */
  secondsLeft?: number | null;
  cancel: () => Promise<void>;
  /** A failed job that can be started again with the same choices ("Try again…"). */
  retry?: () => void;
}

export type JobStart = Pick<Job, 'kind' | 'title' | 'unit' | 'stage'> & Partial<Pick<Job, 'part' | 'waitingFor'>> & { waiting?: boolean };

type ProgressEvent = { [E in EventName]: Events[E] extends { jobId: string } ? E : never }[EventName];

class Jobs {
  /** Jobs started in this window; the training job is added by `list`. */
  private started = $state<Job[]>([]);

  /** All jobs, the training run last. */
  get list(): Job[] {
    const t = trainingJob(training.live, training.running);
    return t ? [...this.started, t] : this.started;
  }

  find(id: string): Job | null {
    return this.list.find((j) => j.id === id) ?? null;
  }

  /**
   * Runs `work` as a job: it shows until `work` settles. With `retry`, a failure stays on the
   * list with "Try again…"; anything thrown is rethrown.
   */
  async run<T>(start: JobStart, work: (jobId: string) => Promise<T>, opts: { id?: string; retry?: () => void } = {}): Promise<T> {
    const id = opts.id ?? newJobId(start.kind);
    this.started.push({
      id,
      kind: start.kind,
      title: start.title,
      startedAt: performance.now(),
      done: 0,
      total: 0,
      unit: start.unit,
      fraction: 0,
      stage: start.stage,
      part: start.part ?? '',
      state: start.waiting ? 'waiting' : 'running',
      waitingFor: start.waitingFor ?? 'files',
      cancel: () => this.cancelStarted(id),
    });
    try {
      const result = await work(id);
      this.dismiss(id);
      return result;
    } catch (err) {
      const info = errorInfo(err);
      const job = this.started.find((j) => j.id === id);
      if (job && opts.retry && info.code !== 'CANCELLED') {
        job.state = 'failed';
        job.error = info;
        job.retry = opts.retry;
      } else this.dismiss(id);
      throw err;
    }
  }

  /** Feeds a job kind's progress event into its jobs; the first event ends any waiting. */
  follow<E extends ProgressEvent>(event: E, kind: JobKind, update: (job: Job, p: Events[E]) => void): void {
    on(event, (p) => {
      const job = this.started.find((j) => j.id === (p as { jobId: string }).jobId);
      if (!job || job.kind !== kind || job.state === 'cancelling' || job.state === 'failed') return;
      if (job.state === 'waiting') {
        job.state = 'running';
        job.startedAt = performance.now();
      }
      update(job, p);
    });
  }

  async cancel(id: string): Promise<void> {
    await this.find(id)?.cancel();
  }

  /** Clears failures that were kept for "Try again…". */
  dismissFailed(kind: JobKind): void {
    this.started = this.started.filter((j) => j.kind !== kind || j.state !== 'failed');
  }

  dismiss(id: string): void {
    this.started = this.started.filter((j) => j.id !== id);
  }

  /** A new project: what still runs keeps running (its result lands in the project it started in). */
  keepRunning(): void {
    this.started = this.started.filter((j) => j.state === 'running');
  }

  private async cancelStarted(id: string): Promise<void> {
    const job = this.started.find((j) => j.id === id);
    if (job) job.state = 'cancelling';
    await call('jobs:cancel', { jobId: id }).catch(() => false);
  }
}

export const jobs = new Jobs();

/** A cross-validation's fold as the user reads it: "fold 2 of 5", or its label with the count. */
export function foldText(fold: NonNullable<LiveRun['fold']>): string {
  return fold.label.includes(`of ${fold.count}`) ? fold.label : `${fold.label} — ${fold.index + 1} of ${fold.count}`;
}

function trainingJob(live: LiveRun | null, running: boolean): Job | null {
  if (!live || !running) return null;
  const within = live.batches ? live.batch / live.batches : 0;
  return {
    id: `train-${live.controlId}`,
    kind: 'train',
    title: `Training ${live.model} on ${live.dataset}`,
    startedAt: live.startedAt,
    done: live.epoch,
    total: live.epochs,
    unit: 'epoch',
    fraction: live.epochs ? Math.min(1, Math.max(0, (live.epoch - 1 + within) / live.epochs)) : 0,
    stage: live.state === 'starting' ? 'starting the trainer' : 'training',
    part: live.fold ? foldText(live.fold) : '',
    state: live.state === 'cancelling' ? 'cancelling' : 'running',
    waitingFor: 'files',
    secondsLeft: etaSeconds(live),
    cancel: () => training.cancel(),
  };
}

export function aboutLeft(seconds: number): string {
  return `about ${duration(Math.max(1000, seconds * 1000))} left`;
}

export function jobEta(job: Job, now: number): string {
  if (job.state !== 'running') return 'estimating…';
  if (job.secondsLeft !== undefined) return job.secondsLeft === null ? 'estimating…' : aboutLeft(job.secondsLeft);
  if (job.fraction <= 0.02) return 'estimating…';
  const elapsed = now - job.startedAt;
  return aboutLeft((elapsed * (1 - job.fraction)) / job.fraction / 1000);
}

/** The job's title, with the part being worked on. */
export function jobTitle(job: Job): string {
  return job.part && !job.title.includes(job.part) ? `${job.title} · ${job.part}` : job.title;
}

export function jobCounter(job: Job): string {
  const pct = `${Math.round(job.fraction * 100)} %`;
  switch (job.unit) {
    case 'epoch':
      return job.total ? `epoch ${count(job.done)} of ${count(job.total)}` : job.done ? `epoch ${count(job.done)}` : job.stage;
    case 'file':
      return job.total > 1 ? `file ${count(job.done)} of ${count(job.total)} · ${pct}` : pct;
    default:
      return job.total ? `${count(job.done)} of ${count(job.total)} ${job.unit} · ${pct}` : pct;
  }
}

/** The one line the status bar and the jobs panel show for a job that runs. */
export function jobProgress(job: Job, now: number): string {
  if (job.state === 'waiting') return `waiting for you to choose ${job.waitingFor}…`;
  if (job.state === 'cancelling') return 'cancelling…';
  return `${jobCounter(job)} · ${jobEta(job, now)}`;
}
