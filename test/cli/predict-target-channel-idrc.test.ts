/**
 * The IDRC 2002 tablets (../shared/datasets/idrc2002_tablets): instrument 2's spectrum predicted
 * from instrument 1's by a network, with a recipe (resampled every 10 nm, SNV, mean-centred).
 * `spectra-desk predict` on instrument 1's file as published gives every one of its 500 test
 * tablets the spectrum the run stored, value for value, on the recipe's axis.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { getRun, runTestPredictions } from '../../src-main/db/runs';
import type { TestPrediction } from '../../src-main/common/runs/schema';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { importFiles } from '../../src-main/services/import';
import { joinDatasets } from '../../src-main/services/join';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { runModelCli } from '../../src-main/cli/predict';
import { runCaptured } from '../helpers/cli';
import { fixture } from '../helpers/datasets';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-idrc-channel-'));
const project = path.join(dir, 'tablets.spectra');
const instrument1 = fixture('idrc2002_tablets', 'Pharma_Instrument1.csv');

let runId = 0;
let stored: TestPrediction[] = [];
let pointNames: string[] = [];

beforeAll(async () => {
  const db = openProject(project, { create: true });
  for (const i of [1, 2]) await importFiles(db, { files: [fixture('idrc2002_tablets', `Pharma_Instrument${i}.csv`)], dataset: `Instrument ${i}`, axisUnit: 'nm', splitColumn: 'SampleType' });
  joinDatasets(db, { datasetIds: [1, 2], name: 'tablets', by: 'position' });
  const pipeline = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'resample', params: { step: 10 } }, { kind: 'snv' }, { kind: 'meanCenter' }] });
  const request = requestByName(db, { dataset: 'tablets', target: '', targetChannel: 'Instrument 2', model: 'mlp', engine: 'js', validation: { kind: 'given' }, seed: 1, epochs: 2, pipeline });
  runId = (await startTraining(db, request, { spawn }).outcome).runId;
  stored = runTestPredictions(db, runId);
  pointNames = ((getRun(db, runId).config as { targets: { name: string }[] }).targets ?? []).map((t) => t.name);
  db.close();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('predicting instrument 2 of the IDRC 2002 tablets from instrument 1', () => {
  it('gives each of the 500 test tablets the stored spectrum, on the recipe\'s axis of instrument 2', async () => {
    const r = await runCaptured(runModelCli, ['predict', '--project', project, '--run', String(runId), instrument1, '--axis-unit', 'nm', '--json']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as { targetChannel: { name: string; axisUnit: string; axis: number[] }; predictions: { sample: string; spectrum: number[] }[] };
    // 600–1898 nm every 2 nm, resampled every 10 nm from 600: 130 points.
    expect(doc.targetChannel).toEqual({ name: 'Instrument 2', axisUnit: 'nm', axis: Array.from({ length: 130 }, (_, j) => 600 + 10 * j) });
    expect(pointNames).toEqual(doc.targetChannel.axis.map(String));
    expect(doc.predictions).toHaveLength(655);
    expect(stored).toHaveLength(500);
    const bySample = new Map(doc.predictions.map((p) => [p.sample.replace('Pharma_Instrument1.csv#', ''), p.spectrum]));
    let worst = 0;
    for (const p of stored) {
      const spectrum = bySample.get(p.key.replace('Pharma_Instrument1:', ''))!;
      expect(spectrum).toHaveLength(130);
      p.channel!.predicted.forEach((v, k) => (worst = Math.max(worst, Math.abs(spectrum[k]! - v) / Math.max(1, Math.abs(v)))));
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
  }, 60_000);
});
