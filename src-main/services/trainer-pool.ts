/**
 * A few trainer processes that each take one job after another, for work made of many short
 * jobs (the folds of "Find the best model": a PLS fold takes a fraction of a second to a few
 * seconds, and starting a trainer process 1.5–3 s). At most `size` processes live at once;
 * a job waits for an idle one or starts one. A process whose job was cancelled is killed
 * (cancel stays as prompt as with a process of its own: ./trainer-client.ts), and one that dies
 * reports its job failed and is replaced by the next job that needs one. `close` stops them all.
 */
import type { TrainerToParent, TrainJob } from '../common/ml/protocol';
import type { TrainerEvent } from '../common/runs/events';
import { driveJob, type JobOptions, type SpawnTrainer, type TrainerHandle, type TrainerOutcome, type TrainerProcess } from './trainer-client';

export interface TrainerPool {
  /** Runs `job` on an idle process (or a new one, within the size); the handle is a {@link startTrainer}'s. */
  start(job: TrainJob, onEvent?: (e: TrainerEvent) => void, opts?: JobOptions): TrainerHandle;
  /** Kills every process; the jobs they ran and those still waiting end cancelled. */
  close(): void;
  /** Processes started so far (a measure of the start-ups saved: jobs − started). */
  readonly started: number;
}

interface Member {
  proc: TrainerProcess;
  dead: boolean;
  /** The job's listeners while it has one: each process is listened to once, whatever the number of jobs. */
  onMessage: ((m: TrainerToParent) => void) | null;
  onExit: ((code: number | null, signal: string | null) => void) | null;
}

export function trainerPool(spawn: SpawnTrainer, size: number): TrainerPool {
  const max = Math.max(1, Math.floor(size));
  const members = new Set<Member>();
  const idle: Member[] = [];
  const waiting: (() => void)[] = [];
  const running = new Set<TrainerHandle>();
  let started = 0;
  let closed = false;

  const spawnMember = (): Member => {
    const m: Member = { proc: spawn(), dead: false, onMessage: null, onExit: null };
    started++;
    members.add(m);
    m.proc.onMessage((msg) => m.onMessage?.(msg));
    m.proc.onExit((code, signal) => {
      m.dead = true;
      members.delete(m);
      const i = idle.indexOf(m);
      if (i >= 0) idle.splice(i, 1);
      m.onExit?.(code, signal);
      // Room for a job that waits.
      waiting.shift()?.();
    });
    return m;
  };

  const release = (m: Member, reusable: boolean) => {
    m.onMessage = null;
    m.onExit = null;
    if (!reusable || closed || m.dead) {
      members.delete(m);
      m.proc.kill();
    } else idle.push(m);
    waiting.shift()?.();
  };

  const take = (): Member | null => {
    while (idle.length) {
      const m = idle.pop()!;
      if (!m.dead) return m;
    }
    return members.size < max ? spawnMember() : null;
  };

  return {
    get started() {
      return started;
    },
    start(job, onEvent = () => {}, opts = {}) {
      let inner: TrainerHandle | null = null;
      let cancelledWaiting = false;
      let resolveOutcome!: (o: TrainerOutcome) => void;
      const outcome = new Promise<TrainerOutcome>((r) => (resolveOutcome = r));
      const begin = () => {
        if (cancelledWaiting) return;
        if (closed) {
          resolveOutcome({ kind: 'cancelled', engine: null, epochs: 0 });
          return;
        }
        const m = take();
        if (!m) {
          waiting.push(begin);
          return;
        }
        inner = driveJob(
          m.proc,
          (onMessage, onExit) => {
            m.onMessage = onMessage;
            m.onExit = onExit;
          },
          job,
          onEvent,
          opts,
          (reusable) => release(m, reusable),
        );
        const h = inner;
        running.add(h);
        void h.outcome.then((o) => {
          running.delete(h);
          resolveOutcome(o);
        });
      };
      begin();
      return {
        outcome,
        cancel() {
          if (inner) inner.cancel();
          else if (!cancelledWaiting) {
            cancelledWaiting = true;
            const i = waiting.indexOf(begin);
            if (i >= 0) waiting.splice(i, 1);
            resolveOutcome({ kind: 'cancelled', engine: null, epochs: 0 });
          }
        },
      };
    },
    close() {
      closed = true;
      // Asked to cancel first, a job whose process is killed now ends cancelled, not failed.
      for (const h of [...running]) h.cancel();
      for (const m of [...members]) m.proc.kill();
      idle.length = 0;
      for (const w of waiting.splice(0)) w();
    },
  };
}
