import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src-main/db/connection';
import { getRun, listRuns, runTestPredictions } from '../../src-main/db/runs';
import { loadPredictor, predictSpectra } from '../../src-main/services/predict';
import { runTransfers, transferCalibration } from '../../src-main/services/transfer';
import { kennardStone } from '../../src-main/common/ml/transfer';
import { evaluateValues } from '../../src-main/common/runs/evaluate';
import { userErrorOfAsync } from '../helpers/errors';
import { AXIS, onSecond, POINTS, spawn, TABLETS, trainPls, twoInstruments } from '../helpers/two-instruments';

describe('transferCalibration', () => {
  let db: Db;
  let b: number;
  let runA: number;
  let result: Awaited<ReturnType<typeof transferCalibration>>;

  beforeAll(async () => {
    const p = await twoInstruments();
    db = p.db;
    b = p.b;
    runA = await trainPls(db, p.a);
    result = await transferCalibration(db, { runId: runA, targetDatasetId: b, n: 6, methods: ['ds', 'pds'], by: 'id' }, { spawn });
  }, 120_000);

  it('chooses the transfer set by Kennard–Stone among the training spectra of the first instrument', () => {
    const train = TABLETS.slice(0, 28);
    const order = kennardStone({ values: Float64Array.from(train.flatMap((t) => t.a.map(Math.fround))), rows: 28, points: POINTS }, 6);
    expect(result.transferSamples).toEqual(order.map((i) => train[i]!.id));
    expect(result.testSamples).toBe(12);
    expect(result.pairing).toBe('id');
  });

  it('stores DS and PDS as runs on the second dataset whose recipe starts with the fitted transfer, and a model trained there', () => {
    expect(result.runs.map((r) => r.method)).toEqual(['ds', 'pds']);
    for (const { method, runId } of result.runs) {
      const run = getRun(db, runId);
      expect([run.datasetId, run.model, run.status, run.pipeline!.steps[0]!.kind]).toEqual([b, 'pls', 'done', 'calibrationTransfer']);
      expect(run.fittedState![0]).toMatchObject({ method });
      expect(run.metrics!.test!.rmse).toBe(result.rmsep[method]);
    }
    const native = getRun(db, result.nativeRunId);
    expect([native.datasetId, native.model, native.metrics!.test!.rmse]).toEqual([b, 'pls', result.rmsep.native]);
  });

  it('predicts through the stored step exactly what it reported, and the transfer beats none', () => {
    const pdsRun = result.runs.find((r) => r.method === 'pds')!.runId;
    const test = TABLETS.slice(28);
    const predicted = predictSpectra(loadPredictor(db, pdsRun), test.map((t) => ({ key: t.id, axis: Float64Array.from(AXIS), values: t.b.map(Math.fround), unit: 'nm' as const })));
    expect(predicted.map((p) => p.predicted)).toEqual(runTestPredictions(db, pdsRun).map((p) => p.predicted));
    expect(evaluateValues(test.map((t) => t.assay), predicted.map((p) => p.predicted as number)).summary.rmse).toBe(result.rmsep.pds);
    expect(result.rmsep.pds!).toBeLessThan(result.rmsep.none / 2);
    expect(result.rmsep.ds!).toBeLessThan(result.rmsep.none / 2);
  });

  it('lists the transfer for the source run and for each transferred run', () => {
    const [t] = runTransfers(db, runA);
    expect({ runs: t!.runs, halfWidth: t!.halfWidth, rank: t!.rank, rmsep: t!.rmsep }).toEqual({ runs: result.runs, halfWidth: result.halfWidth, rank: result.rank, rmsep: result.rmsep });
    expect(runTransfers(db, result.runs[1]!.runId)).toEqual(runTransfers(db, runA));
  });
});

describe('transferCalibration refuses, storing nothing', () => {
  async function refusal(second: Parameters<typeof twoInstruments>[0], axis: number[] | undefined, req: { n?: number; by?: 'id' | 'position'; methods?: ('ds' | 'pds')[] }): Promise<string> {
    const p = await twoInstruments(second, axis);
    const runA = await trainPls(p.db, p.a);
    const before = listRuns(p.db).length;
    const err = await userErrorOfAsync(transferCalibration(p.db, { runId: runA, targetDatasetId: p.b, n: req.n ?? 6, methods: req.methods ?? ['ds', 'pds'], by: req.by ?? 'id' }, { spawn }));
    expect(listRuns(p.db).length).toBe(before);
    return err.message;
  }
  const onB = onSecond();

  it('a transfer set smaller than PDS needs', async () => {
    expect(await refusal(onB, undefined, { n: 2 })).toBe('PDS needs a transfer set of at least 3 samples (its window is chosen by leave-one-out, which fits on all but one); this one has 2.');
  }, 60_000);

  it('spectra on another axis', async () => {
    const shorter = AXIS.slice(0, 29);
    expect(await refusal(onB.map((t) => ({ ...t, values: t.values.slice(0, 29) })), shorter, {})).toBe(
      'Dataset "Instrument 2" is on another axis (29 points, 1000–1112 nm) than run 1\'s training spectra ("Instrument 1": 30 points, 1000–1116 nm); calibration transfer maps spectra point for point, so resample them onto one axis first. Nothing was stored.',
    );
  }, 60_000);

  it('pairing by position with different sample counts, and by id with ids missing', async () => {
    expect(await refusal(onB.slice(0, 39), undefined, { by: 'position' })).toBe('Pairing by position needs the same number of samples in each dataset: "Instrument 1" has 40, "Instrument 2" has 39. Nothing was stored.');
    expect(await refusal(onB.slice(0, 39), undefined, { by: 'id' })).toBe('Pairing by sample id: 1 sample id(s) of "Instrument 1" are not in "Instrument 2" ("tab40"). Nothing was stored.');
  }, 60_000);
});
