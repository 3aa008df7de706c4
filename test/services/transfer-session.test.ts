/**
 * Calibration transfer started from the app (`runs:transfer` over the session, as the run page's
 * Transfer button does): the comparison it returns is the one the run page lists, its progress
 * comes as `runs:transferProgress`, and Cancel (`jobs:cancel`) stores nothing.
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-main/common/ipc/contract';
import type { TransferSummary } from '../../src-main/common/runs/transfer';
import { tmpDir } from '../helpers/tmp';
import { ok, trainingSession } from '../helpers/training-session';
import { trainPls, twoInstruments } from '../helpers/two-instruments';

async function sessionWithRun() {
  const p = await twoInstruments();
  const runA = await trainPls(p.db, p.a);
  p.db.close();
  const t = trainingSession(tmpDir());
  t.s.open(p.file);
  return { ...t, runA, b: p.b };
}

describe('runs:transfer', () => {
  it('transfers run A to the second instrument, reports its stage, and lists the comparison on the run page', async () => {
    const { s, emitted, runA, b } = await sessionWithRun();
    const result = ok<TransferSummary & { durationMs: number }>(await s.invoke('runs:transfer', { runId: runA, targetDatasetId: b, n: 6, methods: ['ds', 'pds'], by: 'id', jobId: 'transfer-1' }));
    expect(result.runs.map((r) => r.method)).toEqual(['ds', 'pds']);
    expect(result.transferSamples).toHaveLength(6);
    const listed = ok<TransferSummary[]>(await s.invoke('runs:transfers', { runId: runA }));
    expect(listed.map((t) => [t.rmsep, t.runs, t.transferSamples, t.halfWidth, t.rank])).toEqual([[result.rmsep, result.runs, result.transferSamples, result.halfWidth, result.rank]]);
    expect(emitted.filter((e) => e.event === 'runs:transferProgress').map((e) => e.payload)).toEqual([{ jobId: 'transfer-1', runId: runA, stage: 'Training the same model on "Instrument 2" for comparison', done: 0, total: 0 }]);
    s.close();
  }, 120_000);

  it('Cancel stops the model trained for comparison and stores nothing, not even that model', async () => {
    const { s, runA, b } = await sessionWithRun();
    const pending = s.invoke('runs:transfer', { runId: runA, targetDatasetId: b, methods: ['pds'], by: 'id', jobId: 'transfer-2' });
    expect(ok<boolean>(await s.invoke('jobs:cancel', { jobId: 'transfer-2' }))).toBe(true);
    expect(await pending).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'The calibration transfer was cancelled; nothing was stored.' } });
    expect(ok<RunSummary[]>(await s.invoke('runs:list', {})).map((r) => r.id)).toEqual([runA]);
    expect(ok<TransferSummary[]>(await s.invoke('runs:transfers', { runId: runA }))).toEqual([]);
    s.close();
  }, 120_000);

  it('refuses a transfer set smaller than DS fits before anything runs, naming the field', async () => {
    const { s, b } = await sessionWithRun();
    expect(await s.invoke('runs:transfer', { runId: 1, targetDatasetId: b, n: 1, methods: ['ds'], by: 'id', jobId: 'transfer-3' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'n' } });
    s.close();
  }, 120_000);
});
