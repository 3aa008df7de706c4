/**
 * The trainer process (bundled to out/ml/trainer.cjs from services/trainer-entry.ts). Started with
 * `child_process.fork(..., { serialization: 'advanced' })` by the CLI and tests, or as an
 * Electron utilityProcess by the app (messages then arrive on `process.parentPort`).
 */
import type { ParentToTrainer, TrainerToParent } from '../../common/ml/protocol';
import { runJob, type Channel, type JobDeps } from './run';
import { selectEngine } from '../engines';
import { toErrorInfo, UserError } from '../../common/errors';
import { chooseRecipe } from '../../common/runs/recipe-choice';

interface ParentPort {
  on(event: 'message', listener: (e: { data: ParentToTrainer }) => void): void;
  postMessage(m: TrainerToParent): void;
}

/**
 * Serves one process's messages; `deps` holds what the trainer cannot import from this layer
 * (the project-file reader of streamed runs, given by services/trainer-entry.ts).
 */
export function serveTrainer(deps: JobDeps = {}): void {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

  const channel: Channel = parentPort
    ? { send: (m) => parentPort.postMessage(m), onMessage: (h) => parentPort.on('message', (e) => h(e.data)) }
    : {
        send: (m) => process.send?.(m),
        onMessage: (h) => process.on('message', (m) => h(m as ParentToTrainer)),
      };

  let cancelled = false;
  // Jobs run one after another (a pool reuses a process: services/trainer-pool.ts); each waits for the last one's clean-up.
  let queue: Promise<void> = Promise.resolve();
  channel.onMessage((m) => {
    if (m.type === 'cancel') cancelled = true;
    else if (m.type === 'probe') {
      try {
        channel.send({ type: 'engine', engine: selectEngine(m.engine, { threads: m.threads }).info });
      } catch (err) {
        channel.send({ type: 'failed', message: err instanceof Error ? err.message : String(err), log: '' });
      }
    }
    else if (m.type === 'chooseRecipe') {
      // PLS on one thread, off the app's main process; the parent stops this process after the answer.
      try {
        const chosen = chooseRecipe(m.input, (done, total, candidate) => channel.send({ type: 'recipeProgress', done, total, candidate }));
        channel.send({ type: 'recipeChosen', chosen });
      } catch (err) {
        channel.send({ type: 'recipeFailed', error: toErrorInfo(err) });
      }
    }
    else if (m.type === 'start') {
      // A cancel that follows this start, even before the job begins, is this job's; the parent never reuses a process it asked to cancel.
      cancelled = false;
      const job = m.job;
      queue = queue.then(() =>
        runJob(job, channel, () => cancelled, deps).catch((err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          // A user error (too many PLS components, …) is the whole story; its stack would only bury it in the run's log.
          channel.send({ type: 'failed', message: e.message, log: e instanceof UserError ? '' : (e.stack ?? e.message) });
        }),
      );
      // The parent stops this process once it has read the last message, or sends it the next job.
    }
  });
  // Without a parent (the app or CLI died), stop instead of training for nobody.
  process.on('disconnect', () => process.exit(0));
}
