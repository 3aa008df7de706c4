/**
 * The autoencoder's figures for the closing note of issue 13: the `ae` template trained as
 * `spectra-desk train --model ae` trains it (planRun, common/runs/plan.ts; the trainer's runJob)
 * on IDRC 2002 instrument 1 (rows tagged Train and Validate, 195 spectra, of which the plan holds
 * 15 % out for early stopping and for the out-of-model limit; raw spectra, standardised on the
 * training rows; with `--recipe center`, mean-centred first, as a PCA would be), then, on the 460
 * Test rows: the reconstruction RMSE, and the share flagged out of model (reconstruction Q or its
 * largest standardised point above its limit, common/ml/reconstruction.ts; and by each check) among those spectra as measured, with a cosmic-ray
 * spike, with a baseline tilt, and measured on instrument 2 (the same tablets, through the
 * instrument-1 autoencoder).
 * Run with `node scripts/autoencoder-figures.mjs [--epochs N] [--seed S] [--threads T] [--recipe raw|center]`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyPipeline, parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { fmtShape } from '../../src-main/common/ml/model';
import { mulberry32 } from '../../src-main/common/ml/random';
import type { TrainerToParent } from '../../src-main/common/ml/protocol';
import { checkSpectra, describeCheck, fitReconstructionCheck, rmseOfQ } from '../../src-main/common/ml/reconstruction';
import { evaluateReconstruction, noTargetColumn } from '../../src-main/common/runs/autoencoder';
import { planRun, type RunData } from '../../src-main/common/runs/plan';
import { runRequestSchema } from '../../src-main/common/runs/schema';
import { runJob } from '../../src-main/ml/trainer/run';
import { Net } from '../../src-main/ml/engine/net';
import { createKernelsOf } from '../../src-main/ml/engine/kernels-factory';
import { findBuilt } from '../../src-main/ml/built-files';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const EPOCHS = arg('epochs', 300);
const SEED = arg('seed', 1);
const THREADS = arg('threads', 1);
const CENTER = process.argv.includes('center');
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

/** Runs the job in this process as the trainer process would, and returns its `done` message. */
async function train(job: Parameters<typeof runJob>[0]): Promise<Extract<TrainerToParent, { type: 'done' }>> {
  let done: Extract<TrainerToParent, { type: 'done' }> | null = null;
  let failed = '';
  await runJob(job, {
    send: (m) => {
      if (m.type === 'engine') console.log(`engine: ${m.engine.label}`);
      else if (m.type === 'epoch' && m.report.epoch % 50 === 0) console.log(`  epoch ${m.report.epoch}: training MSE ${m.report.trainLoss.toFixed(5)}, held-out MSE ${m.report.validationLoss?.toFixed(5) ?? '–'}`);
      else if (m.type === 'done') done = m;
      else if (m.type === 'failed') failed = m.message;
    },
    onMessage: () => undefined,
  }, () => false);
  if (!done) throw new Error(`training failed: ${failed}`);
  return done;
}

async function main() {
  const a = readInstrument('Pharma_Instrument1.csv');
  const b = readInstrument('Pharma_Instrument2.csv');
  const P = a.axis.length;
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
  const runData: RunData = { block: { axis: a.axis, values: a.values, rows: a.rows }, keys, splits: a.sets.map((s) => (s === 'Test' ? 'test' : 'train')), sampleIds: keys.map((_, i) => i + 1), axisUnit: 'nm' };
  const recipe = CENTER ? { name: 'mean centring', spec: parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'meanCenter' }] }) } : null;
  const request = runRequestSchema.parse({ datasetId: 1, target: '', model: 'ae', recipe, validation: { kind: 'given' }, epochs: EPOCHS, seed: SEED, engine: 'wasm', threads: THREADS });
  const plan = planRun({ request, data: runData, target: noTargetColumn(a.rows) });
  const { inputScaling: scaling } = plan.config;
  console.log(`ae on [${plan.config.input.join(', ')}], recipe ${recipe ? recipe.name : 'none (raw spectra)'}, input standardised by mean ${scaling.mean.toPrecision(4)} and sd ${scaling.std.toPrecision(4)}: ${plan.params} parameters, seed ${SEED}, at most ${EPOCHS} epochs`);
  for (const l of plan.layers) console.log(`  ${l.path.padStart(2)} ${l.type.padEnd(10)} ${fmtShape(l.input).padEnd(11)} → ${fmtShape(l.output).padEnd(11)} ${l.detail}`);
  console.log(`rows: ${plan.problem.train.length} trained on, ${plan.problem.monitor.length} held out, ${plan.problem.test.length} test; early stopping ${plan.config.earlyStopping}, patience ${plan.config.patience}`);
  for (const note of plan.notes) console.log(note);
  const t0 = performance.now();
  const done = await train(plan.job);
  console.log(`trained ${done.epochs.length} epochs (${done.stopped}${done.bestEpoch ? `, weights of epoch ${done.bestEpoch} kept` : ''}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // The limit as the run stores it (services/train-single.ts).
  const [testSet, limitSet] = plan.job.evaluate!;
  const learnedOn = plan.problem.monitor.length ? 'held-out' : 'training';
  const e = evaluateReconstruction({ x: testSet!.x, out: done.evaluations[0]!, n: testSet!.n }, { x: limitSet!.x, out: done.evaluations[1]!, n: limitSet!.n, learnedOn }, P);
  const check = fitReconstructionCheck(limitSet!.x, done.evaluations[1]!, limitSet!.n, P, learnedOn);
  const sd = [...check.point.sd].sort((u, v) => u - v);
  const floored = check.point.sd.filter((v) => v === sd[0]).length;
  console.log(`limits (${describeCheck(check)}): Q > ${check.limit.toPrecision(4)} = RMSE ${e.detail.limitRmse.toPrecision(4)} standardised; largest standardised point residual > ${check.point.limit.toPrecision(4)} (Student-t rule ${check.point.studentLimit.toPrecision(4)})`);
  console.log(`  point residual SD: ${sd[0]!.toPrecision(3)}–${sd[P - 1]!.toPrecision(3)}, median ${sd[P >> 1]!.toPrecision(3)} standardised (${floored} of ${P} points at the floor); held-out largest (leave one out) ${check.point.heldOutMax.toPrecision(4)}, ${check.point.heldOutAbove}/${check.spectra} above the limit`);
  const wasm = findBuilt('ml/kernels.wasm');
  const net = new Net(createKernelsOf(wasm ? 'wasm-simd' : 'js', wasm), { layers: plan.job.layers, input: plan.job.input, task: plan.job.task, maxBatch: 64, seed: 0 });
  net.setWeights(done.weights);
  if (net.stateCount) net.setState(done.state);
  // New spectra through the recipe fitted on the training rows, then the same standardisation.
  const fitted = plan.recipe && plan.fittedState ? { spec: plan.recipe.spec, states: plan.fittedState } : null;
  const inputsOf = (raw: Float64Array) => {
    const values = fitted ? applyPipeline(fitted, { axis: a.axis, values: raw, rows: a.rows }).values : raw;
    const x = new Float32Array(test.length * P);
    test.forEach((r, i) => {
      for (let j = 0; j < P; j++) x[i * P + j] = (values[r * P + j]! - scaling.mean) / scaling.std;
    });
    return x;
  };
  const report = (label: string, raw: Float64Array) => {
    const x = inputsOf(raw);
    const c = checkSpectra(check, x, net.predict(x, test.length), test.length, P);
    const share = (keep: (f: (typeof c.flaggedBy)[number]) => boolean) => {
      const k = c.flaggedBy.filter(keep).length;
      return `${k}/${test.length} = ${((100 * k) / test.length).toFixed(1)} %`;
    };
    const rmse = rmseOfQ(c.q.reduce((s, v) => s + v, 0), test.length * P);
    console.log(
      `${label.padEnd(34)} RMSE ${rmse.toFixed(4)} standardised = ${(rmse * scaling.std).toFixed(4)} absorbance; flagged ${share((f) => f !== null)} (by Q ${share((f) => f === 'q' || f === 'both')}, by the largest point residual ${share((f) => f === 'maxResidual' || f === 'both')})`,
    );
  };
  console.log(`test spectra (IDRC 2002 rows tagged Test, n = ${test.length}); as stored by the run: RMSE ${e.summary.rmse.toFixed(4)}, flagged ${e.detail.testOutOfModel}/${e.detail.testSpectra} (by Q ${e.detail.testFlaggedBy!.q}, by the largest point residual ${e.detail.testFlaggedBy!.maxResidual})`);
  report('instrument 1, as measured', a.values);
  report(`+ cosmic-ray spike (+${SPIKE} at 1 point)`, spiked);
  report(`+ baseline tilt (0 → +${TILT} linear)`, tilted);
  report('instrument 2 (same tablets)', b.values);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
