/**
 * The augmented copies' spectral changes chosen in the trainer (a job with
 * `chooseSpectralChanges`, as the services plan it) are the plan's own choice on the same data:
 * the same scores and winner, the same stored config and log, and the same training.
 */
import { describe, expect, it } from 'vitest';
import type { TrainerToParent } from '../../src-main/common/ml/protocol';
import type { SpectralChoice } from '../../src-main/common/runs/augment-choice';
import { planRun, withSpectralChoice, type RunData } from '../../src-main/common/runs/plan';
import { runRequestSchema } from '../../src-main/common/runs/schema';
import { mulberry32, normal } from '../../src-main/common/ml/random';
import { runJob } from '../../src-main/ml/trainer/run';

/** 60 spectra of 60 points (40 train, 20 test), two classes: a narrow peak at point 20 or 40 that wanders by up to ±5 points, over noise. */
function wandering(): { data: RunData; classes: string[] } {
  const rand = mulberry32(7);
  const rows = 60;
  const values = new Float64Array(rows * 60);
  for (let r = 0; r < rows; r++) {
    const centre = (r % 2 ? 40 : 20) + Math.round((rand() * 2 - 1) * 5);
    for (let j = 0; j < 60; j++) values[r * 60 + j] = Math.exp(-0.5 * ((j - centre) / 1.5) ** 2) + 0.3 * normal(rand);
  }
  return {
    data: {
      block: { axis: Float64Array.from({ length: 60 }, (_, j) => 1000 + j), values, rows },
      keys: Array.from({ length: rows }, (_, r) => `s${r}`),
      splits: Array.from({ length: rows }, (_, r) => (r < 40 ? 'train' : 'test')),
      sampleIds: Array.from({ length: rows }, (_, r) => 1 + r),
    },
    classes: Array.from({ length: rows }, (_, r) => (r % 2 ? 'late' : 'early')),
  };
}

async function train(job: Parameters<typeof runJob>[0]): Promise<{ done: Extract<TrainerToParent, { type: 'done' }>; chosen: SpectralChoice[] }> {
  let done: Extract<TrainerToParent, { type: 'done' }> | null = null;
  const chosen: SpectralChoice[] = [];
  await runJob(job, { send: (m) => { if (m.type === 'done') done = m; else if (m.type === 'augmentationChosen') chosen.push(m.choice); else if (m.type === 'failed') throw new Error(m.message); }, onMessage: () => {} }, () => false);
  if (!done) throw new Error('the trainer did not finish');
  return { done, chosen };
}

describe('the augmentation choice in the trainer', () => {
  it('gives the plan’s choice, config, log and training on the same data', async () => {
    const { data, classes } = wandering();
    const input = { request: runRequestSchema.parse({ datasetId: 1, target: 'class', model: 'mlp', recipe: null, validation: { kind: 'given' }, epochs: 2, seed: 1, engine: 'js', threads: 1 }), data, target: { kind: 'class' as const, values: classes } };
    const here = planRun(input);
    const deferred = planRun({ ...input, spectralChoiceInTrainer: true });
    expect(here.config.augmentationChoice).toBeDefined();
    // The planning process chose nothing: the trainer is asked to.
    expect(deferred.config.augmentationChoice).toBeUndefined();
    expect(deferred.job.chooseSpectralChanges).toBe(true);
    expect(here.job.chooseSpectralChanges).toBeUndefined();
    // The plan sized the noise; the changes come from the trainer (here the shift wins).
    const { shift, ...sized } = here.config.augmentation!;
    expect(shift).toBe(2);
    expect(deferred.config.augmentation).toStrictEqual(sized);
    expect(deferred.job.augmentation).toStrictEqual(sized);

    const there = await train(deferred.job);
    expect(there.chosen).toEqual([here.config.augmentationChoice]);
    expect(there.chosen[0]!.winner).toBe('shift ±2 points');
    expect(withSpectralChoice(deferred, there.chosen[0]!)).toEqual({ config: here.config, notes: here.notes });
    // It trained on the copies the plan's own choice gives.
    const inline = await train(here.job);
    expect(inline.chosen).toEqual([]);
    expect(Array.from(there.done.weights)).toEqual(Array.from(inline.done.weights));
  }, 120_000);
});
