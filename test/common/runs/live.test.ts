import { describe, expect, it } from 'vitest';
import { eventStamper, type RunEvent, type RunEventBody } from '../../../src-main/common/runs/events';
import { etaSeconds, isActive, reduceLiveRun, startingRun, type LiveRun } from '../../../src-main/common/runs/live';
import type { EpochMessage } from '../../../src-main/common/ml/protocol';

const meta = { datasetId: 3, dataset: 'Coffee', model: 'cnn', target: 'class', task: 'classification' as const };
const engine = { id: 'wasm' as const, label: 'CPU · WebAssembly SIMD · 2 threads', fallbacks: [], threads: 2 };
const epoch = (n: number, seconds = 0.5): EpochMessage => ({ epoch: n, trainLoss: 1 / n, validationLoss: null, validation: null, seconds, spectraPerSecond: 100 });
const started = (fold: RunEventBody & { type: 'started' } extends infer S ? Partial<S> : never = {}): RunEventBody => ({
  type: 'started',
  ...meta,
  summary: [],
  params: 9506,
  trainSamples: 28,
  monitorSamples: 0,
  testSamples: 28,
  fold: null,
  folds: null,
  ...fold,
});

/** Events of one top-level run as the training service stamps them. */
function stamped(list: [number, number | null, RunEventBody][]): RunEvent[] {
  const out: RunEvent[] = [];
  const emit = eventStamper((e) => out.push(e));
  for (const [runId, parent, body] of list) emit(runId, parent, body);
  return out;
}

const fold = (runId: number, tLabel: string, index: number, count = 2) => started({ fold: { index, count, label: tLabel }, trainSamples: 22 + index });

function replay(events: RunEvent[], from: LiveRun | null = null): LiveRun | null {
  return events.reduce<LiveRun | null>((run, e, i) => reduceLiveRun(run, e, 1000 + i), from);
}

describe('live run reducer', () => {
  it('a single run: started → engine → progress → epochs → finished', () => {
    const events = stamped([
      [7, null, started()],
      [7, null, { type: 'engine', engine }],
      [7, null, { type: 'progress', epoch: 1, batch: 1, batches: 2, loss: 0.7 }],
      [7, null, { type: 'epoch', report: epoch(1), epochs: 4 }],
      [7, null, { type: 'epoch', report: epoch(2), epochs: 4 }],
    ]);
    const run = replay(events, startingRun(7, 900, meta))!;
    expect(run).toMatchObject({ controlId: 7, runId: 7, state: 'running', engine, params: 9506, trainSamples: 28, testSamples: 28, epoch: 2, epochs: 4, batch: 1, batches: 2, seq: 5, startedAt: 900, finishedAt: null });
    expect(run.curves.map((c) => c.epoch)).toEqual([1, 2]);
    expect(etaSeconds(run)).toBe(1);
    expect(isActive(run)).toBe(true);
    const [end] = stamped([[7, null, { type: 'finished', status: 'done', message: null, metrics: { accuracy: 1 }, std: null, bestEpoch: null }]]);
    const done = reduceLiveRun(run, { ...end!, seq: 6 }, 5000)!;
    expect(done).toMatchObject({ state: 'done', test: { accuracy: 1 }, finishedAt: 5000 });
    expect(isActive(done)).toBe(false);
  });

  it('a cross-validation: each fold a run of its own under the parent; fold ends do not end the run', () => {
    const events = stamped([
      [10, null, started({ folds: 2, params: 0, trainSamples: 0, testSamples: 0 })],
      [11, 10, fold(11, 'fold 1 of 2', 0)],
      [11, 10, { type: 'engine', engine }],
      [11, 10, { type: 'epoch', report: epoch(1), epochs: 3 }],
      [11, 10, { type: 'finished', status: 'done', message: null, metrics: { accuracy: 1 }, std: null, bestEpoch: 1 }],
      [12, 10, fold(12, 'fold 2 of 2', 1)],
      [12, 10, { type: 'epoch', report: epoch(1), epochs: 3 }],
      [12, 10, { type: 'epoch', report: epoch(2), epochs: 3 }],
    ]);
    const run = replay(events, startingRun(10, 0, meta))!;
    expect(run).toMatchObject({ controlId: 10, runId: 12, state: 'running', fold: { index: 1, count: 2, label: 'fold 2 of 2' }, trainSamples: 23, epoch: 2, bestEpoch: null, test: null });
    expect(run.curves.map((c) => c.epoch)).toEqual([1, 2]);
    const [end] = stamped([[10, null, { type: 'finished', status: 'done', message: null, metrics: { accuracy: 0.9 }, std: { accuracy: 0.1 }, bestEpoch: null }]]);
    expect(reduceLiveRun(run, { ...end!, seq: 9 }, 0)).toMatchObject({ state: 'done', test: { accuracy: 0.9 }, std: { accuracy: 0.1 } });
  });

  it('ignores events of other runs, repeated or late events, and keeps an active run when another starts elsewhere', () => {
    const events = stamped([
      [7, null, started()],
      [7, null, { type: 'epoch', report: epoch(1), epochs: 4 }],
    ]);
    const run = replay(events, startingRun(7, 0, meta))!;
    expect(reduceLiveRun(run, events[1]!, 0)).toBe(run);
    const other = stamped([[8, null, started()]])[0]!;
    expect(reduceLiveRun(run, other, 0)).toBe(run);
    expect(reduceLiveRun(run, { ...other, type: 'epoch', report: epoch(9), epochs: 9 } as RunEvent, 0)).toBe(run);
  });

  it('follows a run it has not been told about when it follows none (a run started elsewhere)', () => {
    const events = stamped([
      [5, null, started()],
      [5, null, { type: 'engine', engine }],
    ]);
    expect(replay(events)).toMatchObject({ controlId: 5, runId: 5, dataset: 'Coffee', model: 'cnn', state: 'running', startedAt: 1000 });
    expect(replay(events.slice(1))).toBeNull();
  });

  it('the stamper numbers every event of a top-level run from 1, folds included', () => {
    expect(stamped([
      [10, null, started({ folds: 2 })],
      [11, 10, fold(11, 'fold 1 of 2', 0)],
      [11, 10, { type: 'progress', epoch: 1, batch: 1, batches: 1, loss: 1 }],
    ]).map((e) => [e.runId, e.parentRunId, e.seq, e.type])).toEqual([
      [10, null, 1, 'started'],
      [11, 10, 2, 'started'],
      [11, 10, 3, 'progress'],
    ]);
  });
});
