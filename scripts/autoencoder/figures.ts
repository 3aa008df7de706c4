/**
 * The autoencoder's figures for the closing note of issue 13: the `ae` template trained on IDRC
 * 2002 instrument 1 (rows tagged Train and Validate, 195 spectra; raw spectra, standardised on
 * them; with `--recipe center`, mean-centred first, as a PCA would be), then, on the 460 Test rows: the reconstruction RMSE, and the share flagged out of model
 * (reconstruction Q above the limit learned on the training spectra, common/ml/reconstruction.ts)
 * among those spectra as measured, with a cosmic-ray spike, with a baseline tilt, and measured
 * on instrument 2 (the same tablets, through the instrument-1 autoencoder).
 * Run with `node scripts/autoencoder-figures.mjs [--epochs N] [--seed S] [--threads T] [--recipe raw|center]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { prepareInputs } from '../../src-main/common/ml/prepare';
import { applyPipeline, parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { autoencoderLayers, AE_LATENT } from '../../src-main/common/ml/templates';
import { fmtShape, summarizeModel } from '../../src-main/common/ml/model';
import { mulberry32 } from '../../src-main/common/ml/random';
import { fitReconstructionCheck, outOfModel, reconstructionQ, rmseOfQ } from '../../src-main/common/ml/reconstruction';
import { createOwnRuntime } from '../../src-main/ml/runtime';
import { fit } from '../../src-main/ml/fit';
import { findBuilt } from '../../src-main/ml/built-files';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EPOCHS = arg('epochs', 300);
const SEED = arg('seed', 1);
const THREADS = arg('threads', 1);
const RECIPE = process.argv.includes('center') ? parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'meanCenter' }] }) : null;
/** The artefacts, in the spectra's own units (absorbance-like, values 2.35–6.59). */
const SPIKE = 1.0;
const TILT = 0.2;

const data = path.resolve(process.cwd(), '..', 'shared', 'datasets', 'idrc2002_tablets');
function readInstrument(file: string) {
  const lines = fs.readFileSync(path.join(data, file), 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const axis = Float64Array.from(header.slice(4), Number);
  const rows = lines.slice(1).map((l) => l.split(','));
  const values = new Float64Array(rows.length * axis.length);
  rows.forEach((r, i) => r.slice(4).forEach((v, j) => (values[i * axis.length + j] = Number(v))));
  return { axis, values, rows: rows.length, sets: rows.map((r) => r[0]!) };
}

async function main() {
  const a = readInstrument('Pharma_Instrument1.csv');
  const b = readInstrument('Pharma_Instrument2.csv');
  const P = a.axis.length;
  const train = a.sets.flatMap((s, i) => (s === 'Test' ? [] : [i]));
  const test = a.sets.flatMap((s, i) => (s === 'Test' ? [i] : []));
  const rand = mulberry32(SEED + 1000);
  // Artefacts on copies of the raw test spectra.
  const spiked = Float64Array.from(a.values);
  const tilted = Float64Array.from(a.values);
  for (const r of test) {
    spiked[r * P + Math.floor(rand() * P)] += SPIKE;
    for (let j = 0; j < P; j++) tilted[r * P + j] += (TILT * j) / (P - 1);
  }
  const keys = a.sets.map((_, i) => `row${i + 1}`);
  const prepared = prepareInputs({ axis: a.axis, values: a.values, rows: a.rows }, keys, train, RECIPE);
  // New spectra through the recipe fitted on the training rows, then the same standardisation.
  const scale = (raw: Float64Array) => {
    const out = prepared.fitted ? applyPipeline(prepared.fitted, { axis: a.axis, values: raw, rows: a.rows }).values : raw;
    return Float32Array.from(out, (v) => (v - prepared.scaling.mean) / prepared.scaling.std);
  };
  const rowsOf = (x: Float32Array, rows: number[]) => {
    const out = new Float32Array(rows.length * P);
    rows.forEach((r, i) => out.set(x.subarray(r * P, (r + 1) * P), i * P));
    return out;
  };
  const layers = autoencoderLayers(P, 1, AE_LATENT);
  const summary = summarizeModel({ schemaVersion: 1, name: 'ae', layers }, [P, 1], null);
  console.log(`ae on [${P}, 1], recipe ${RECIPE ? 'mean centring' : 'none (raw spectra)'}, input standardised by mean ${prepared.scaling.mean.toPrecision(4)} and sd ${prepared.scaling.std.toPrecision(4)}: ${summary.params} parameters, seed ${SEED}, ${EPOCHS} epochs`);
  for (const l of summary.layers) console.log(`  ${l.path.padStart(2)} ${l.type.padEnd(10)} ${fmtShape(l.input).padEnd(11)} → ${fmtShape(l.output).padEnd(11)} ${l.detail}`);
  const xTrain = rowsOf(prepared.x, train);
  const kernels = findBuilt('ml/kernels.wasm') ? 'wasm-simd' : 'js';
  const runtime = await createOwnRuntime({ layers, input: [P, 1], task: { kind: 'reconstruction' }, batchSize: 16, seed: SEED, optimizer: { learningRate: 1e-3, clipNorm: 5, warmupSteps: 26, decaySteps: 13 * (EPOCHS - 2) }, x: xTrain, y: new Float32Array(train.length), kernels, threads: THREADS });
  const t0 = performance.now();
  const result = await fit(runtime, { task: { kind: 'reconstruction' }, train: { x: xTrain, y: new Float32Array(train.length), n: train.length }, epochs: EPOCHS, batchSize: 16, seed: SEED, onEpoch: (r) => void (r.epoch % 50 === 0 && console.log(`  epoch ${r.epoch}: training MSE ${r.trainLoss.toFixed(5)}`)) });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`trained ${result.epochs.length} epochs (${result.stopped}) in ${seconds.toFixed(1)} s on ${runtime.description}`);
  const qOf = (x: Float32Array, n: number) => reconstructionQ(x, runtime.predict(x, n), n, P);
  const check = fitReconstructionCheck(qOf(xTrain, train.length));
  console.log(`limit: Q > ${check.limit.toPrecision(4)} (${check.confidence * 100} %, Box's χ² approximation on ${check.trainingSpectra} training spectra) = RMSE ${rmseOfQ(check.limit, P).toPrecision(4)} standardised`);
  const report = (label: string, raw: Float64Array) => {
    const x = rowsOf(scale(raw), test);
    const q = qOf(x, test.length);
    const flagged = outOfModel(check, q).filter(Boolean).length;
    const rmse = Math.sqrt(q.reduce((s, v) => s + v, 0) / (test.length * P));
    console.log(`${label.padEnd(34)} RMSE ${rmse.toFixed(4)} standardised = ${(rmse * prepared.scaling.std).toFixed(4)} absorbance; flagged ${flagged}/${test.length} = ${((100 * flagged) / test.length).toFixed(1)} %`);
  };
  console.log(`test spectra (IDRC 2002 rows tagged Test, n = ${test.length}):`);
  report('instrument 1, as measured', a.values);
  report(`+ cosmic-ray spike (+${SPIKE} at 1 point)`, spiked);
  report(`+ baseline tilt (0 → +${TILT} linear)`, tilted);
  report('instrument 2 (same tablets)', b.values);
  await runtime.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
