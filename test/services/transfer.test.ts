import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { getRun, listRuns, runTestPredictions } from '../../src-main/db/runs';
import { importFiles } from '../../src-main/services/import';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { startTraining } from '../../src-main/services/train';
import { loadPredictor, predictSpectra } from '../../src-main/services/predict';
import { runTransfers, transferCalibration } from '../../src-main/services/transfer';
import { kennardStone } from '../../src-main/common/ml/transfer';
import { evaluateValues } from '../../src-main/common/runs/evaluate';
import { tmpDir } from '../helpers/tmp';
import { userErrorOfAsync } from '../helpers/errors';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const POINTS = 30;
const SAMPLES = 40;
const AXIS = Array.from({ length: POINTS }, (_, j) => 1000 + 4 * j);

/** Tablet i: an assay between 150 and 250 carried by a band at point 12, on a sloping baseline that varies by tablet. */
function tablet(i: number): { assay: number; a: number[]; b: number[] } {
  const assay = 150 + ((i * 37) % 101);
  const c = assay / 200;
  const base = 0.2 + 0.05 * Math.sin(i * 1.7);
  const band = (j: number, centre: number, width: number) => Math.exp(-0.5 * ((j - centre) / width) ** 2);
  const a = AXIS.map((_, j) => base + 0.3 * c * band(j, 12, 3) + 0.1 * band(j, 22, 2) + 0.001 * Math.sin(7 * i + 3 * j));
  // The second instrument: its band half a point to the right, a gain, a slope and its own noise.
  const b = AXIS.map((_, j) => 1.1 * (base + 0.3 * c * band(j, 12.5, 3.3) + 0.1 * band(j, 22.5, 2.2)) + 0.05 + 0.002 * j + 0.001 * Math.cos(5 * i + 2 * j));
  return { assay, a, b };
}

function writeCsv(dir: string, name: string, rows: { id: string; split: string; assay: number; values: number[] }[], axis = AXIS): string {
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, `sample,split,assay,${axis.join(',')}\n${rows.map((r) => [r.id, r.split, r.assay, ...r.values].join(',')).join('\n')}\n`);
  return file;
}

const TABLETS = Array.from({ length: SAMPLES }, (_, i) => ({ id: `tab${i + 1}`, split: i < 28 ? 'train' : 'test', ...tablet(i) }));

async function project(second = TABLETS.map((t) => ({ ...t, values: t.b })), axis = AXIS): Promise<{ db: Db; a: number; b: number; dir: string }> {
  const dir = tmpDir();
  const db = openProject(path.join(dir, 'p.spectra'), { create: true });
  const a = (await importFiles(db, { files: [writeCsv(dir, 'inst1', TABLETS.map((t) => ({ ...t, values: t.a })))], dataset: 'Instrument 1', axisUnit: 'nm', splitColumn: 'split' })).datasetId;
  const b = (await importFiles(db, { files: [writeCsv(dir, 'inst2', second, axis)], dataset: 'Instrument 2', axisUnit: 'nm', splitColumn: 'split' })).datasetId;
  return { db, a, b, dir };
}

async function trainPls(db: Db, datasetId: number): Promise<number> {
  const h = startTraining(db, { datasetId, target: 'assay', model: 'pls', recipe: null, validation: { kind: 'given' }, seed: 1 }, { spawn });
  expect((await h.outcome).status).toBe('done');
  return h.runId;
}

describe('transferCalibration', () => {
  let db: Db;
  let b: number;
  let runA: number;
  let result: Awaited<ReturnType<typeof transferCalibration>>;

  beforeAll(async () => {
    const p = await project();
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
  async function refusal(second: Parameters<typeof project>[0], axis: number[] | undefined, req: { n?: number; by?: 'id' | 'position'; methods?: ('ds' | 'pds')[] }): Promise<string> {
    const p = await project(second, axis);
    const runA = await trainPls(p.db, p.a);
    const before = listRuns(p.db).length;
    const err = await userErrorOfAsync(transferCalibration(p.db, { runId: runA, targetDatasetId: p.b, n: req.n ?? 6, methods: req.methods ?? ['ds', 'pds'], by: req.by ?? 'id' }, { spawn }));
    expect(listRuns(p.db).length).toBe(before);
    return err.message;
  }
  const onB = TABLETS.map((t) => ({ ...t, values: t.b }));

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
