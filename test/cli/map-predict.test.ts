/**
 * Whole-map prediction on chondro (35 × 25 pixels): `spectra-desk map --run` writes the predicted
 * cluster of every pixel (CSV: the same numbers `predict` gives for the map's file; PNG: the
 * predicted class, a class's probability, the out-of-model flag), a neighbourhood run predicts in
 * bands of rows exactly as on the whole map, and the refusals.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { runModelCli } from '../../src-main/cli/predict';
import { openProjectToRead } from '../../src-main/db/connection';
import { predictMap } from '../../src-main/services/map-predict';
import { predictionImage } from '../../src-main/common/maps/prediction';
import { PIXEL } from '../../src-main/common/maps/image';
import { fixture } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';

const cli = (args: string[]) => runCaptured(runCli, args);
const predict = (args: string[]) => runCaptured(runModelCli, ['predict', ...args]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-map-predict-'));
const project = path.join(dir, 'p.spectra');
const chondro = fixture('raman_map_chondro', 'chondro.csv');
const map = (...extra: string[]) => cli(['map', '--project', project, '--dataset', 'chondro', ...extra]);
const train = async (...extra: string[]) => {
  const r = await cli(['train', '--project', project, '--dataset', 'chondro', '--target', 'cluster', '--model', 'pls', '--pipeline', 'none', '--seed', '1', '--json', ...extra]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { runId: number }).runId;
};
let plain = 0;
let around = 0;

beforeAll(async () => {
  expect((await cli(['import', chondro, '--project', project, '--dataset', 'chondro', '--axis-unit', 'cm-1'])).code).toBe(0);
  plain = await train();
  around = await train('--validation', 'blocked-holdout:0.2:1', '--neighbourhood', '1');
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The `predict` CSV of chondro's file by sample number, without the sample column. */
async function filePredictions(runId: number, ...extra: string[]): Promise<Map<string, string>> {
  const out = path.join(dir, `file-${runId}.csv`);
  expect((await predict(['--project', project, '--run', String(runId), chondro, '--axis-unit', 'cm-1', '--out', out, ...extra])).code).toBe(0);
  const lines = fs.readFileSync(out, 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => [l.slice(0, l.indexOf(',')).replace('chondro.csv#', ''), l.slice(l.indexOf(',') + 1)]));
}

/** The map CSV's prediction columns by sample number. */
function mapPredictions(file: string): Map<string, string> {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').slice(1);
  return new Map(
    lines.map((l) => {
      const f = l.split(',');
      return [f[4]!.replace('chondro:', ''), f.slice(5).join(',')];
    }),
  );
}

describe('spectra-desk map --run', () => {
  it('predicts every pixel: the CSV holds what predict gives for the same spectra, compared with the given clusters', async () => {
    const csv = path.join(dir, 'pred.csv');
    const r = await map('--run', String(plain), '--out', csv, '--compare', 'cluster', '--json');
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as Record<string, unknown> & { compare: { adjustedRandIndex: number; agreeing: number }; predicted: { seconds: number; loadSeconds: number } };
    expect(out).toMatchObject({ title: `Predicted cluster (run ${plain}, pls)`, width: 35, height: 25, pixels: 875, missing: 0, classes: ['cell', 'lacuna', 'matrix'], counts: [190, 415, 270] });
    expect(out.predicted).toMatchObject({ spectra: 875, outOfModel: 147 });
    expect(out.compare).toMatchObject({ column: 'cluster', pixels: 869 });
    expect(out.compare.adjustedRandIndex).toBeCloseTo(0.6448, 4);
    // 760 of the 869 pixels with a given cluster get the same one.
    expect(out.compare.agreeing).toBeCloseTo(760 / 869, 12);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(876);
    expect(lines[0]).toBe('col,row,x,y,sample,prediction,p_cell,p_lacuna,p_matrix,t2,q,outOfModel');
    expect(lines[1]).toMatch(/^0,0,-11\.55,-4\.77,chondro:1,matrix,/);
    expect(mapPredictions(csv)).toEqual(await filePredictions(plain));
  }, 60_000);

  it('writes the predicted classes, a class probability and the out-of-model flag as PNG', async () => {
    const png = path.join(dir, 'pred.png');
    const cls = await map('--run', String(plain), '--out', png, '--scale', '2');
    expect(cls.stdout.split('\n')[0]).toBe(`Wrote ${png}: Predicted cluster (run ${plain}, pls), 35 × 25 pixels; cell 190, lacuna 415, matrix 270.`);
    expect(cls.stdout.split('\n')[1]).toMatch(/^Predicted 875 spectra in \d+\.\d\d s \(the run loaded in \d+\.\d\d s\); 147 out of model\.$/);
    const bytes = fs.readFileSync(png);
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([70, 50]);
    const oom = await map('--run', String(plain), '--show', 'out-of-model', '--out', png, '--json');
    expect(JSON.parse(oom.stdout)).toMatchObject({ title: `Out of model (run ${plain}, pls): Q or T² above its 95 % limit`, classes: ['within the model', 'out of model'], counts: [728, 147] });
    const p = await map('--run', String(plain), '--show', 'probability:cell', '--out', png, '--json');
    const prob = JSON.parse(p.stdout) as { title: string; min: number; max: number };
    expect(prob.title).toBe(`Probability of "cell" (run ${plain}, pls)`);
    expect(prob.min).toBeGreaterThanOrEqual(0);
    expect(prob.max).toBeLessThanOrEqual(1);
  }, 60_000);

  it('predicts a neighbourhood run as predict does, and in bands of rows as on the whole map', async () => {
    const csv = path.join(dir, 'around.csv');
    const r = await map('--run', String(around), '--out', csv);
    expect(r.code).toBe(0);
    expect(mapPredictions(csv)).toEqual(await filePredictions(around, '--neighbourhood', '1'));
    const db = openProjectToRead(project);
    try {
      const whole = predictMap(db, { datasetId: 1, runId: around });
      // 25 rows in bands of 2: every band reads the row above and below it.
      const banded = predictMap(db, { datasetId: 1, runId: around, bandRows: 2 });
      expect(banded.predicted).toEqual(whole.predicted);
      expect(banded.probabilities).toEqual(whole.probabilities);
      expect(banded.q).toEqual(whole.q);
      expect(banded.outOfModel).toEqual(whole.outOfModel);
      const masked = predictionImage(whole, { show: 'predicted' }, [0, 1, 2]);
      expect(Array.from(masked.state.subarray(0, 4))).toEqual([PIXEL.masked, PIXEL.masked, PIXEL.masked, PIXEL.value]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('refuses --show without --run, --run with an image option, a class the run lacks, and spectra off its axis', async () => {
    const out = path.join(dir, 'x.png');
    expect((await map('--show', 'out-of-model', '--band', '1000', '--out', out)).stderr).toBe('spectra-desk: --show says what a prediction map shows; give it with --run R. (field --show)\n');
    expect((await map('--run', String(plain), '--band', '1000', '--out', out)).stderr).toBe('spectra-desk: --run predicts the map; give it without --band.\n');
    expect((await map('--run', String(plain), '--show', 'probability', '--out', out)).stderr).toBe('spectra-desk: --show takes predicted, predicted:TARGET, probability:CLASS or out-of-model, not "probability". (field --show)\n');
    expect((await map('--run', String(plain), '--show', 'probability:bone', '--out', out)).stderr).toBe(`spectra-desk: run ${plain} has no class "bone"; its classes are "cell", "lacuna", "matrix". (field show)\n`);
    const small = path.join(dir, 'small.csv');
    const rows = Array.from({ length: 9 }, (_, p) => `p${p},${p % 3},${Math.floor(p / 3)},${p},${p + 1},${p * 2}`);
    fs.writeFileSync(small, ['pixel,x_um,y_um,1000,1002,1004', ...rows].join('\n'));
    expect((await cli(['import', small, '--project', project, '--dataset', 'small', '--axis-unit', 'cm-1'])).code).toBe(0);
    const off = await cli(['map', '--project', project, '--dataset', 'small', '--run', String(plain), '--out', out]);
    expect(off.stderr).toBe(`spectra-desk: Spectrum "small:1" covers 1000–1004 cm⁻¹, but run ${plain} needs 602–1798 cm⁻¹. Measure or export the spectrum over the model's whole range.\n`);
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);
});
