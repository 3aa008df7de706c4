/**
 * `spectra-desk train` through the real trainer process: the JSON the issue asks for
 * (runId, model, task, backend, epochs, spectraPerSecond, metrics.test) for classes and values,
 * the PLS options (--components, --pls-decision), cross-validation output, and the errors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { fixture, tecatorWithSplit } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';

const cli = (args: string[]) => runCaptured(runCli, args);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-train-'));
const project = path.join(dir, 'p.spectra');
// Raw spectra (--pipeline none): the auto recipe, the default, has a test of its own.
const train = (...extra: string[]) => cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--seed', '1', '--pipeline', 'none', ...extra]);

beforeAll(async () => {
  for (const [file, tag] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) {
    expect((await cli(['import', fixture('ucr_spectro/Coffee', file), '--project', project, '--dataset', 'Coffee', '--split-tag', tag])).code).toBe(0);
  }
  // Tecator: the first 172 samples train, the rest test (as the acceptance run).
  expect((await cli(['import', tecatorWithSplit(dir), '--project', project, '--dataset', 'Tecator', '--split-column', 'set'])).code).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('spectra-desk train', () => {
  it('pls on Coffee --json: the documented fields; components and the class decision chosen by cross-validation', async () => {
    const r = await train('--model', 'pls', '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ model: 'pls', task: 'classification', backend: 'js', status: 'done', epochs: 0, classes: ['0', '1'], components: 5, decision: 'pls-da' });
    expect(o.runId).toEqual(expect.any(Number));
    expect(o.spectraPerSecond).toBeGreaterThan(0);
    expect(o.metrics.test).toEqual({ accuracy: 1, balancedAccuracy: 1, macroF1: 1, rocAuc: 1 });
    expect(r.stderr).toBe(`run ${o.runId}: pls, 0 parameters; 28 training spectra, 28 test\nengine: CPU · PLS (typed arrays)\n`);
  }, 60_000);

  it('without --pipeline the recipe is auto: its progress on stderr, chosen before the run starts', async () => {
    const r = await cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', 'pls', '--seed', '1', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.recipeChoice.winner).toBe('None — raw spectra');
    const names = ['None — raw spectra', 'SNV (standard normal variate)', 'First derivative (Savitzky–Golay, 11 points, quadratic)', 'SNV, then first derivative', 'Second derivative (Savitzky–Golay, 15 points, quadratic)', 'MSC (multiplicative scatter correction)'];
    expect(r.stderr.split('\n').slice(0, 7)).toEqual([...names.map((n, i) => `recipe ${i + 1}/6 scored: ${n}`), `run ${o.runId}: pls, 0 parameters; 28 training spectra, 28 test`]);
  }, 60_000);

  it('--pipeline auto on Tecator fat: the recipe chosen by cross-validation on the training spectra, in the summary and the JSON', async () => {
    const args = ['train', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--model', 'pls', '--seed', '1', '--pipeline', 'auto'];
    const text = await cli(args);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[2]).toBe(
      '  recipe: auto chose "SNV (standard normal variate)" (RMSECV in 5-fold cross-validation of the training spectra: None — raw spectra 2.4655; SNV (standard normal variate) 1.9475; First derivative (Savitzky–Golay, 11 points, quadratic) 2.8871; SNV, then first derivative 2.0708; Second derivative (Savitzky–Golay, 15 points, quadratic) 2.7947; MSC (multiplicative scatter correction) 2.1409)',
    );
    expect(text.stdout.split('\n')[1]).toMatch(/^ {2}test: rmse 2\.1377, /);
    const o = JSON.parse((await cli([...args, '--json'])).stdout);
    expect(o.recipeChoice).toMatchObject({ winner: 'SNV (standard normal variate)', metric: 'RMSECV', folds: 5, trainSamples: 172 });
  }, 60_000);

  it('--pls-decision nearest-neighbour --components 3: the nearest training spectrum in score space decides', async () => {
    const o = JSON.parse((await train('--model', 'pls', '--pls-decision', 'nearest-neighbour', '--components', '3', '--json')).stdout);
    expect(o).toMatchObject({ status: 'done', components: 3, decision: 'nearest-neighbour' });
    // UCR Coffee, 3 components (scikit-learn: KNeighborsClassifier(1) on PLSRegression(3).transform gives 27 of 28).
    expect(o.metrics.test.accuracy).toBeCloseTo(27 / 28, 12);
  }, 60_000);

  it('--validation kfold:3 prints each fold and the mean ± std', async () => {
    const o = JSON.parse((await train('--model', 'pls', '--validation', 'kfold:3', '--json')).stdout);
    expect(o.folds.map((f: { label: string; trainSamples: number; testSamples: number }) => [f.label, f.trainSamples, f.testSamples])).toEqual([
      ['fold 1 of 3', 37, 19],
      ['fold 2 of 3', 37, 19],
      ['fold 3 of 3', 38, 18],
    ]);
    expect(o.metrics.mean.balancedAccuracy).toBe(1);
    expect(o.metrics.std.balancedAccuracy).toBe(0);
  }, 60_000);

  it('a network run reports the engine, epochs and throughput', async () => {
    const o = JSON.parse((await train('--model', 'mlp', '--epochs', '3', '--json')).stdout);
    expect(o).toMatchObject({ model: 'mlp', task: 'classification', backend: 'wasm', status: 'done', epochs: 3 });
    expect(o.spectraPerSecond).toBeGreaterThan(0);
    expect(Object.keys(o.metrics.test).sort()).toEqual(['accuracy', 'balancedAccuracy', 'macroF1', 'rocAuc']);
  }, 60_000);

  it('pls regression on Tecator fat: RMSE, MAE and R² in percent fat', async () => {
    const r = await cli(['train', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--model', 'pls', '--seed', '1', '--pipeline', 'none', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ task: 'regression', status: 'done', components: 14 });
    expect(o.decision).toBeUndefined();
    expect(o.metrics.test.rmse).toBeCloseTo(2.0, 1);
    expect(o.metrics.test.mae).toBeGreaterThan(0);
    expect(o.metrics.test.r2).toBeGreaterThan(0.97);
  }, 60_000);

  it('--targets moisture,fat,protein on Tecator: one PLS2 model, each target in its own units in the summary and the JSON', async () => {
    const args = ['train', '--project', project, '--dataset', 'Tecator', '--targets', 'moisture,fat,protein', '--model', 'pls', '--seed', '1', '--pipeline', 'none'];
    const text = await cli(args);
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[1]).toBe('  test: relativeRmse 0.1814');
    expect(lines.slice(2, 5).map((l) => l.split(':')[0])).toEqual(['  test moisture', '  test fat', '  test protein']);
    expect(lines[3]).toMatch(/^ {2}test fat: rmse 2\.0496, mae 1\.6596, r2 0\.9750, bias -0\.1715, /);
    const o = JSON.parse((await cli([...args, '--json'])).stdout);
    expect(o).toMatchObject({ task: 'regression', status: 'done', components: 15 });
    expect(o.metrics.test['rmse:moisture']).toBeCloseTo(2.0143, 4);
    expect(o.metrics.test['rmse:protein']).toBeCloseTo(0.5734, 4);
    const runs = await cli(['runs', '--project', project]);
    expect(runs.stdout).toContain(`RMSEP / SD, mean over targets 0.1814`);
  }, 60_000);

  it('--targets refused: with --target, an empty name, a name twice, a column the dataset lacks', async () => {
    const tecator = (...extra: string[]) => cli(['train', '--project', project, '--dataset', 'Tecator', '--model', 'pls', '--pipeline', 'none', ...extra]);
    expect((await tecator('--target', 'fat', '--targets', 'fat,protein')).stderr).toBe('spectra-desk: Give --target NAME or --targets A,B,C, not both. (field targets)\n');
    expect((await tecator('--targets', 'fat,,protein')).stderr).toBe('spectra-desk: --targets fat,,protein: a column name is empty; separate the names with commas. (field targets)\n');
    expect((await tecator('--targets', 'fat,protein,fat')).stderr).toBe('spectra-desk: --targets names "fat" twice. (field targets)\n');
    expect((await tecator('--targets', 'fat,salt')).stderr).toMatch(/^spectra-desk: Dataset "Tecator" has no column "salt"\./);
  }, 30_000);

  it('bad options are refused with the option named', async () => {
    const bad = await train('--model', 'pls', '--pls-decision', 'nearest');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toBe('spectra-desk: --pls-decision nearest: use auto, pls-da, centroid, nearest-neighbour, lda. (field pls-decision)\n');
    const wrongModel = await train('--model', 'cnn', '--pls-decision', 'pls-da');
    expect(wrongModel.stderr).toBe('spectra-desk: --pls-decision is for --model pls, not cnn. (field pls-decision)\n');
    const model = await train('--model', 'svm');
    expect(model.stderr).toContain('--model svm: use one of cnn, resnet1d, cnn-dense, mlp, pls, custom, ae.');
  }, 30_000);
});
