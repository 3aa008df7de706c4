/**
 * Talks to the trainer process (out/ml/trainer.cjs) over the typed protocol in
 * common/ml/protocol.ts. The CLI and tests fork it with child_process; the Electron main process
 * passes its own `spawn` (a utilityProcess). Cancel asks the trainer to stop and kills it if it
 * has not finished within a second; a trainer that dies is reported as a failed run with the tail
 * of its output as the log, and the caller keeps running.
 */
import { fork } from 'node:child_process';
import type { EngineId, EngineInfo, ParentToTrainer, TrainJob, TrainerToParent } from '../common/ml/protocol';
import type { TrainerEvent } from '../common/runs/events';
import { trainingRowsOnly, type ChosenRecipe, type RecipeChoiceInput, type RecipeChoiceProgress } from '../common/runs/recipe-choice';
import { UserError } from '../common/errors';
import type { SpectralChoice } from '../common/runs/augment-choice';

export interface TrainerProcess {
  send(m: ParentToTrainer): void;
  onMessage(h: (m: TrainerToParent) => void): void;
  onExit(h: (code: number | null, signal: string | null) => void): void;
  kill(): void;
  /** The last lines the process wrote to stdout/stderr. */
  outputTail(): string;
}

export type SpawnTrainer = () => TrainerProcess;

/** How much of a trainer's stdout/stderr is kept for the log of a run that fails. */
const TAIL_CHARS = 8000;

/** Keeps the last {@link TAIL_CHARS} characters a child writes to its stdout and stderr. */
export function keepOutputTail(streams: { stdout?: NodeJS.ReadableStream | null; stderr?: NodeJS.ReadableStream | null }): () => string {
  let tail = '';
  const keep = (chunk: Buffer | string) => {
    tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
  };
  streams.stdout?.on('data', keep);
  streams.stderr?.on('data', keep);
  return () => tail;
}

/** Forks the bundled trainer with structured-clone IPC (typed arrays cross as typed arrays). */
export function forkTrainer(trainerScript: string, env: NodeJS.ProcessEnv = process.env): SpawnTrainer {
  return () => {
    const child = fork(trainerScript, [], { serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
    const outputTail = keepOutputTail(child);
    return {
      send: (m) => {
        if (child.connected) child.send(m);
      },
      onMessage: (h) => child.on('message', (m) => h(m as TrainerToParent)),
      onExit: (h) => child.on('exit', (code, signal) => h(code, signal)),
      kill: () => {
        child.kill('SIGKILL');
      },
      outputTail,
    };
  };
}

export type Done = Extract<TrainerToParent, { type: 'done' }>;
export type TrainerOutcome =
  | { kind: 'done'; done: Done; engine: EngineInfo | null }
  /** `epochs`: the epoch reports received before it stopped (their curves are kept). */
  | { kind: 'failed'; message: string; log: string; engine: EngineInfo | null; epochs: number }
  /** Cancelled and stopped by force because the trainer did not finish within the grace period. */
  | { kind: 'cancelled'; engine: EngineInfo | null; epochs: number };

export interface TrainerHandle {
  outcome: Promise<TrainerOutcome>;
  cancel(): void;
}

/** How a job is run: the grace a cancel gives before the process is killed (default 1 s), and who hears the augmentation's spectral changes chosen in the trainer. */
export interface JobOptions {
  cancelGraceMs?: number;
  onAugmentationChosen?: (choice: SpectralChoice) => void;
}

/** Starts one training job in a fresh trainer process; `onEvent` hears its engine, progress and epochs. */
export function startTrainer(spawn: SpawnTrainer, job: TrainJob, onEvent: (e: TrainerEvent) => void = () => {}, opts: JobOptions = {}): TrainerHandle {
  const proc = spawn();
  return driveJob(proc, (onMessage, onExit) => {
    proc.onMessage(onMessage);
    proc.onExit(onExit);
  }, job, onEvent, opts, () => proc.kill());
}

/**
 * One job on a trainer process: sends `start`, hears its reports until its one `done` or
 * `failed` (or the process's end), and then `release`s the process — `reusable` when it answered
 * and was never asked to cancel, so that it may take the next job (./trainer-pool.ts).
 */
export function driveJob(
  proc: Pick<TrainerProcess, 'send' | 'kill' | 'outputTail'>,
  listen: (onMessage: (m: TrainerToParent) => void, onExit: (code: number | null, signal: string | null) => void) => void,
  job: TrainJob,
  onEvent: (e: TrainerEvent) => void,
  opts: JobOptions,
  release: (reusable: boolean) => void,
): TrainerHandle {
  let engine: EngineInfo | null = null;
  let epochs = 0;
  let settled = false;
  let cancelTimer: ReturnType<typeof setTimeout> | null = null;
  let resolveOutcome!: (o: TrainerOutcome) => void;
  const outcome = new Promise<TrainerOutcome>((r) => (resolveOutcome = r));
  const settle = (o: TrainerOutcome, answered: boolean) => {
    if (settled) return;
    settled = true;
    const asked = cancelTimer !== null;
    if (cancelTimer) clearTimeout(cancelTimer);
    resolveOutcome(o);
    // A process asked to cancel may still hold that request for its next job: never reused.
    release(answered && !asked);
  };
  listen(
    (m) => {
      // A report that arrives after the end (the exit can come before the last messages are read)
      // would be an epoch stored after the run: the outcome counts and keeps what came before.
      if (settled) return;
      switch (m.type) {
        case 'engine':
          engine = m.engine;
          onEvent(m);
          break;
        case 'progress':
          onEvent(m);
          break;
        case 'epoch':
          epochs++;
          onEvent(m);
          break;
        case 'augmentationChosen':
          opts.onAugmentationChosen?.(m.choice);
          break;
        case 'done':
          settle({ kind: 'done', done: m, engine }, true);
          break;
        case 'failed':
          settle({ kind: 'failed', message: m.message, log: [m.log, proc.outputTail()].filter(Boolean).join('\n'), engine, epochs }, true);
          break;
      }
    },
    (code, signal) => {
      if (settled) return;
      if (cancelTimer) {
        settle({ kind: 'cancelled', engine, epochs }, false);
        return;
      }
      const how = signal ? `signal ${signal}` : `exit code ${code}`;
      settle({ kind: 'failed', message: `The trainer process stopped unexpectedly (${how}). The run is marked failed; the app keeps running.`, log: proc.outputTail(), engine, epochs }, false);
    },
  );
  proc.send({ type: 'start', job });
  return {
    outcome,
    cancel() {
      if (settled || cancelTimer) return;
      proc.send({ type: 'cancel' });
      cancelTimer = setTimeout(() => proc.kill(), opts.cancelGraceMs ?? 1000);
    },
  };
}

/** Which engine training would use now (asks a short-lived trainer process; nothing is trained). */
export function probeEngine(spawn: SpawnTrainer, engine: EngineId | 'auto' = 'auto', timeoutMs = 15000): Promise<EngineInfo> {
  return new Promise((resolve, reject) => {
    const proc = spawn();
    const timer = setTimeout(() => {
      proc.kill();
      reject(new Error('The trainer process did not answer within 15 s.'));
    }, timeoutMs);
    const finish = (fn: () => void) => {
      clearTimeout(timer);
      proc.kill();
      fn();
    };
    proc.onMessage((m) => {
      if (m.type === 'engine') finish(() => resolve(m.engine));
      else if (m.type === 'failed') finish(() => reject(new Error(m.message)));
    });
    proc.onExit((code, signal) => finish(() => reject(new Error(`The trainer process stopped (${signal ?? `exit code ${code}`}) before naming its engine.\n${proc.outputTail()}`))));
    proc.send({ type: 'probe', engine });
  });
}

/** The auto recipe's choice in progress: it resolves with the winner, or rejects (a user error stays one; cancelled: CANCELLED). */
export interface RecipeChoiceHandle {
  chosen: Promise<ChosenRecipe>;
  cancel(): void;
}

/**
 * Makes the auto recipe's choice in a fresh trainer process, so that the PLS cross-validations
 * (seconds to minutes) never hold up the process that asks: the app's main process stays free.
 * Only the training rows cross; the result is the one `chooseRecipe` gives here.
 */
export function chooseRecipeInTrainer(spawn: SpawnTrainer, input: RecipeChoiceInput, onProgress?: RecipeChoiceProgress): RecipeChoiceHandle {
  const proc = spawn();
  let settled = false;
  let resolveChosen!: (c: ChosenRecipe) => void;
  let rejectChosen!: (err: Error) => void;
  const chosen = new Promise<ChosenRecipe>((resolve, reject) => {
    resolveChosen = resolve;
    rejectChosen = reject;
  });
  const finish = (fn: () => void) => {
    if (settled) return;
    settled = true;
    proc.kill();
    fn();
  };
  proc.onMessage((m) => {
    if (settled) return;
    if (m.type === 'recipeProgress') onProgress?.(m.done, m.total, m.candidate);
    else if (m.type === 'recipeChosen') finish(() => resolveChosen(m.chosen));
    else if (m.type === 'recipeFailed') finish(() => rejectChosen(new UserError(m.error.code, m.error.message, m.error)));
  });
  proc.onExit((code, signal) => finish(() => rejectChosen(new Error(`The trainer process stopped (${signal ?? `exit code ${code}`}) while choosing the recipe.\n${proc.outputTail()}`))));
  proc.send({ type: 'chooseRecipe', input: trainingRowsOnly(input) });
  return { chosen, cancel: () => finish(() => rejectChosen(new UserError('CANCELLED', 'Training was cancelled while the recipe was being chosen.'))) };
}
