import { describe, expect, it } from 'vitest';
import { defaultEpochs, planRun, TRAIN_DEFAULTS, type PlanInput, type RunData } from '../../../src-main/common/runs/plan';
import { runRequestSchema, type RunRequest } from '../../../src-main/common/runs/schema';

/** 12 spectra of 40 points: 6 train and 6 test, two classes alternating; spectrum r is r + j/40. */
function data(): RunData {
  const points = 40;
  const rows = 12;
  const values = new Float64Array(rows * points);
  for (let r = 0; r < rows; r++) for (let j = 0; j < points; j++) values[r * points + j] = r + j / points;
  return {
    block: { axis: Float64Array.from({ length: points }, (_, j) => 1000 + j), values, rows },
    keys: Array.from({ length: rows }, (_, r) => `s${r}`),
    splits: Array.from({ length: rows }, (_, r) => (r < 6 ? 'train' : 'test')),
    sampleIds: Array.from({ length: rows }, (_, r) => 101 + r),
  };
}
const classes = Array.from({ length: 12 }, (_, r) => (r % 2 ? 'b' : 'a'));
const request = (over: Partial<RunRequest> = {}): RunRequest => ({ datasetId: 1, target: 'class', model: 'cnn', recipe: null, validation: { kind: 'given' }, ...over });

describe('planRun', () => {
  it('a small classification set: given split, batches of 16 (here all 6 spectra), epochs for 4000 steps, balanced weights off; classes no further apart than their spread within get no noisy copies', () => {
    const plan = planRun({ request: request({ seed: 3 }), data: data(), target: { kind: 'class', values: classes } });
    expect(plan.task).toBe('classification');
    expect(plan.split).toEqual({ train: [101, 102, 103, 104, 105, 106], monitor: [], test: [107, 108, 109, 110, 111, 112], unlabelled: [] });
    expect(plan.config).toMatchObject({ model: 'cnn', input: [40, 1], classes: ['a', 'b'], batchSize: 6, epochs: 2000, learningRate: 1e-3, patience: 0, augmentation: null, classWeights: { balanced: false, weights: [1, 1] }, targetScaling: null, validation: { kind: 'given' }, recipe: null });
    expect(plan.job).toMatchObject({ input: [40, 1], task: { kind: 'classification', classes: 2 }, batchSize: 6, epochs: 2000, seed: 3, augmentation: null, validation: null, patience: 0 });
    expect(Array.from(plan.job.train.y)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(plan.job.evaluate![0]!.n).toBe(6);
    // Inputs standardised with the training rows' mean and std (rows 0–5, values r + j/40).
    const mean = 2.5 + 39 / 80;
    expect(plan.config.inputScaling.mean).toBeCloseTo(mean, 12);
    expect(plan.job.train.x[0]).toBeCloseTo((0 - mean) / plan.config.inputScaling.std, 6);
    expect(plan.fittedState).toBeNull();
  });

  it('a small classification set trains on noisy copies whose noise is half its class spread, stated in the log', () => {
    // Every spectrum is the ramp j; class b adds 0.2. Standardised as a whole (SD √(133.25 + 0.01)),
    // the class means are 0.2 / SD apart at every point and nothing varies within a class, so the
    // class spread is 0.2 / (SD·√2) and the noise half of it.
    const d = data();
    for (let r = 0; r < d.block.rows; r++) for (let j = 0; j < 40; j++) d.block.values[r * 40 + j] = j + (r % 2 ? 0.2 : 0);
    const plan = planRun({ request: request(), data: d, target: { kind: 'class', values: classes } });
    const spread = 0.2 / Math.sqrt(133.26) / Math.SQRT2;
    expect(plan.config.augmentation!.copies).toBe(16);
    expect(plan.config.augmentation!.classSpread).toBeCloseTo(spread, 6);
    expect(plan.config.augmentation!.noise).toBeCloseTo(spread / 2, 6);
    expect(plan.job.augmentation).toEqual(plan.config.augmentation);
    expect(plan.notes).toContain("Augmentation: 16 copies of every training spectrum (the first unchanged), with Gaussian noise of SD 0.00613 in standardised units = 0.5 × the training spectra's class spread 0.0123 (median over the input points of the SD between class means, net of the spread within classes).");
  });

  it('regression: targets standardised on the training rows, no augmentation, unscale back to the units', () => {
    const values = Array.from({ length: 12 }, (_, r) => 10 + 2 * r);
    const plan = planRun({ request: request({ model: 'mlp', epochs: 5 }), data: data(), target: { kind: 'number', values } });
    expect(plan.task).toBe('regression');
    expect(plan.config.targetScaling!.mean).toBe(15);
    expect(plan.config.targetScaling!.std).toBeCloseTo(Math.sqrt(70 / 6), 12);
    expect(plan.config.augmentation).toBeNull();
    expect(plan.job.epochs).toBe(5);
    expect(plan.unscale(0)).toBe(15);
    expect(plan.unscale(1)).toBeCloseTo(15 + plan.targetStd, 12);
  });

  it('PLS keeps every training spectrum and gets no network settings', () => {
    const plan = planRun({ request: request({ model: 'pls', components: 2, plsDecision: 'centroid' }), data: data(), target: { kind: 'class', values: classes } });
    expect(plan.job.pls).toEqual({ components: 2, decision: 'centroid' });
    expect(plan.job.layers).toEqual([]);
    expect(plan.config.augmentation).toBeNull();
    expect(plan.params).toBe(0);
  });

  it('a fold of a cross-validation trains and tests on its own rows', () => {
    const plan = planRun({ request: request({ validation: { kind: 'kfold', k: 3 } }), data: data(), target: { kind: 'class', values: classes }, fold: { parentRunId: 9, position: { index: 0, count: 3, label: 'fold 1 of 3' }, train: [0, 1, 2, 3, 4, 5, 6, 7], test: [8, 9, 10, 11] } });
    expect(plan.split.train).toEqual([101, 102, 103, 104, 105, 106, 107, 108]);
    expect(plan.split.test).toEqual([109, 110, 111, 112]);
    expect(plan.config.validation).toEqual({ kind: 'kfold', k: 3 });
  });

  it('default epochs of a network with no spectra held back are a ceiling: it stops once converged; given epochs, a monitor or PLS: never', () => {
    const classSet = { kind: 'class' as const, values: classes };
    const stops = (over: Partial<RunRequest>, d = data(), target: PlanInput['target'] = classSet) => planRun({ request: request(over), data: d, target }).job.stopWhenConverged ?? false;
    expect(stops({})).toBe(true);
    expect(planRun({ request: request(), data: data(), target: classSet }).config.earlyStopping).toBe('on the training loss (fewer than 200 training samples, none held back): stops once it has converged, at most 2000 epochs');
    expect(stops({ model: 'mlp' }, data(), { kind: 'number', values: classes.map((_, r) => r) })).toBe(true);
    expect(stops({ epochs: 2000 })).toBe(false);
    expect(stops({ model: 'pls' })).toBe(false);
    // 240 training spectra (and 12 test): 36 are held back to stop early on.
    const rows = 252;
    const many: RunData = {
      block: { axis: data().block.axis, values: new Float64Array(rows * 40).map((_, i) => Math.floor(i / 40) + (i % 40) / 40), rows },
      keys: Array.from({ length: rows }, (_, r) => `s${r}`),
      splits: Array.from({ length: rows }, (_, r) => (r < 240 ? 'train' : 'test')),
      sampleIds: Array.from({ length: rows }, (_, r) => r + 1),
    };
    const manyClasses = { kind: 'class' as const, values: Array.from({ length: rows }, (_, r) => (r % 2 ? 'b' : 'a')) };
    expect(planRun({ request: request(), data: many, target: manyClasses }).split.monitor).toHaveLength(36);
    expect(stops({}, many, manyClasses)).toBe(false);
  });

  it('default epochs: at least 4000 steps and 100 epochs, at most 2000 epochs', () => {
    expect(defaultEpochs(28, 16)).toBe(2000);
    expect(defaultEpochs(521, 32)).toBe(236);
    expect(defaultEpochs(100_000, 32)).toBe(TRAIN_DEFAULTS.minEpochs);
  });

  it('the request schema: a custom model needs layers; a class decision is for PLS only', () => {
    expect(runRequestSchema.safeParse(request({ model: 'custom' })).error?.issues[0]).toMatchObject({ path: ['layers'], message: 'A custom model needs a layer list.' });
    expect(runRequestSchema.safeParse(request({ plsDecision: 'centroid' })).error?.issues[0]).toMatchObject({ path: ['plsDecision'], message: 'a class decision is for PLS, not cnn' });
    expect(runRequestSchema.safeParse(request()).success).toBe(true);
  });
});

describe('planRun on samples with two channels', () => {
  /** data() with a second channel: 1000 × the first + 7 on `axis` (default the first's), so both standardise to the same values. */
  function twoChannels(axis?: Float64Array): RunData {
    const d = data();
    const on = axis ?? d.block.axis;
    const values = new Float64Array(d.block.rows * on.length);
    for (let r = 0; r < d.block.rows; r++) for (let j = 0; j < on.length; j++) values[r * on.length + j] = 1000 * (r + (on[j]! - 1000) / 40) + 7;
    return { ...d, channels: { names: ['Instrument 1', 'Instrument 2'], blocks: [{ axis: on, values, rows: d.block.rows }] } };
  }
  const values = Array.from({ length: 12 }, (_, r) => 10 + 2 * r);
  // Channel 0 on the 6 training rows: r + j/40, r = 0..5, j = 0..39.
  const mean0 = 2.5 + 39 / 80;
  const var0 = 35 / 12 + (40 * 40 - 1) / 12 / 1600;

  it('a network reads [points, 2] channels-last, each channel standardised by its own training mean and std', () => {
    const plan = planRun({ request: request({ model: 'cnn', epochs: 3 }), data: twoChannels(), target: { kind: 'number', values } });
    expect(plan.config.input).toEqual([40, 2]);
    expect(plan.job.input).toEqual([40, 2]);
    expect(plan.layers[0]!.input).toEqual([40, 2]);
    expect(plan.params).toBe(plan.config.params);
    const [c0, c1] = plan.config.channels!.perChannel;
    expect(plan.config.channels!.layout).toBe('channels-last');
    expect(plan.config.channels!.names).toEqual(['Instrument 1', 'Instrument 2']);
    expect(c0!.mean).toBeCloseTo(mean0, 12);
    expect(c0!.std).toBeCloseTo(Math.sqrt(var0), 12);
    expect(c1!.mean).toBeCloseTo(1000 * mean0 + 7, 8);
    expect(c1!.std).toBeCloseTo(1000 * Math.sqrt(var0), 8);
    expect(plan.config.inputScaling).toEqual({ mean: c0!.mean, std: c0!.std });
    expect(plan.job.train.x.length).toBe(6 * 40 * 2);
    expect(plan.job.evaluate![0]!.x.length).toBe(6 * 40 * 2);
    // Point j of row r: channel 0 at 2·(40r + j), channel 1 next to it, both (r + j/40 − mean) / std.
    const x = plan.job.train.x;
    expect(x[0]).toBeCloseTo(-mean0 / Math.sqrt(var0), 5);
    expect(x[1]).toBeCloseTo(-mean0 / Math.sqrt(var0), 4);
    expect(x[2 * (40 * 5 + 39)]).toBeCloseTo((5 + 39 / 40 - mean0) / Math.sqrt(var0), 5);
    expect(x[2 * (40 * 5 + 39) + 1]).toBeCloseTo((5 + 39 / 40 - mean0) / Math.sqrt(var0), 4);
    expect(plan.notes).toEqual([]);
  });

  it('PLS reads the channels one after the other, each divided by the square root of its total variance on the training rows', () => {
    const plan = planRun({ request: request({ model: 'pls', components: 2 }), data: twoChannels(), target: { kind: 'number', values } });
    expect(plan.job.input).toEqual([40, 2]);
    expect(plan.config.channels!.layout).toBe('concatenated');
    // Standardised, each point varies over the training rows as r does (35/12), over 40 points.
    const block = Math.sqrt((40 * 35) / 12 / var0);
    for (const c of plan.config.channels!.perChannel) expect(c.blockScale).toBeCloseTo(block, 5);
    const x = plan.job.train.x;
    expect(x.length).toBe(6 * 80);
    expect(x[0]).toBeCloseTo(-mean0 / Math.sqrt(var0) / block, 5);
    expect(x[39]).toBeCloseTo((39 / 40 - mean0) / Math.sqrt(var0) / block, 5);
    expect(x[40]).toBeCloseTo(-mean0 / Math.sqrt(var0) / block, 4);
  });

  it('a channel on another axis is resampled onto channel 0 axis first, and the run log says so', () => {
    const plan = planRun({ request: request({ model: 'cnn', epochs: 3 }), data: twoChannels(Float64Array.from({ length: 42 }, (_, j) => 999 + j)), target: { kind: 'number', values } });
    expect(plan.config.input).toEqual([40, 2]);
    expect(plan.config.channels!.perChannel[1]!.resampledFrom).toEqual({ first: 999, last: 1040, points: 42 });
    expect(plan.config.channels!.perChannel[1]!.mean).toBeCloseTo(1000 * mean0 + 7, 6);
    expect(plan.notes).toEqual(['Channel "Instrument 2" (42 points, 999–1040) was resampled onto the axis of channel "Instrument 1" (40 points) before the recipe.']);
  });
});
