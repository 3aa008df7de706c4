// A channel as the target, through the plan and the real trainer (our engine), on a generated
// 2-channel dataset: channel "B" is a fixed linear map of channel "A" plus noise.
import { describe, expect, it } from 'vitest';
import { planRun, type RunData } from '../../../src-main/common/runs/plan';
import { runRequestSchema } from '../../../src-main/common/runs/schema';
import { pointErrors } from '../../../src-main/common/runs/vector-target';
import { runJob } from '../../../src-main/ml/trainer/run';
import type { TrainerToParent } from '../../../src-main/common/ml/protocol';

const ROWS = 60;
const POINTS = 8;

/** A small seeded generator, so the dataset is the same on every machine. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function twoChannels(): RunData {
  const rand = lcg(1);
  const axis = Float64Array.from({ length: POINTS }, (_, j) => 1100 + 100 * j);
  const a = new Float64Array(ROWS * POINTS);
  const b = new Float64Array(ROWS * POINTS);
  for (let r = 0; r < ROWS; r++) {
    const h1 = rand();
    const h2 = rand();
    for (let j = 0; j < POINTS; j++) a[r * POINTS + j] = h1 * Math.exp(-((j - 2) ** 2) / 2) + h2 * Math.exp(-((j - 5) ** 2) / 2);
    for (let j = 0; j < POINTS; j++) b[r * POINTS + j] = 0.8 * a[r * POINTS + j]! + 0.1 * a[r * POINTS + ((j + 1) % POINTS)]! + 0.05 + 0.01 * (rand() - 0.5);
  }
  return {
    block: { axis, values: a, rows: ROWS },
    keys: Array.from({ length: ROWS }, (_, r) => `s${r + 1}`),
    splits: Array.from({ length: ROWS }, (_, r) => (r % 4 === 3 ? 'test' : 'train')),
    sampleIds: Array.from({ length: ROWS }, (_, r) => r + 1),
    channels: { names: ['A', 'B'], blocks: [{ axis: Float64Array.from(axis), values: b, rows: ROWS }] },
    name: 'two',
  };
}

const request = (extra: Record<string, unknown>) => runRequestSchema.parse({ datasetId: 1, target: '', targetChannel: 'B', model: 'mlp', recipe: null, validation: { kind: 'given' }, epochs: 200, seed: 1, engine: 'js', ...extra });
const noColumn = { kind: 'number' as const, values: [] };

async function train(job: Parameters<typeof runJob>[0]): Promise<Extract<TrainerToParent, { type: 'done' }>> {
  let done: Extract<TrainerToParent, { type: 'done' }> | null = null;
  await runJob(job, { send: (m) => { if (m.type === 'done') done = m; else if (m.type === 'failed') throw new Error(m.message); }, onMessage: () => {} }, () => false);
  if (!done) throw new Error('the trainer did not finish');
  return done;
}

describe('a channel as the target', () => {
  it('plans one standardised output per point of the target channel, from the other channel', () => {
    const plan = planRun({ request: request({}), data: twoChannels(), target: noColumn });
    expect(plan.job.input).toEqual([POINTS, 1]);
    expect(plan.job.task).toEqual({ kind: 'regression', loss: 'mse', outputs: POINTS });
    expect(plan.config.targetChannel).toBe('B');
    expect(plan.config.channels).toBeUndefined();
    expect(plan.scales.map((s) => s.name)).toEqual(['1100', '1200', '1300', '1400', '1500', '1600', '1700', '1800']);
    expect(plan.split.train).toHaveLength(45);
    expect(plan.split.test).toHaveLength(15);
  });

  it('trains through the real trainer; the RMSE per point has one value per point, in the target units', async () => {
    const data = twoChannels();
    const plan = planRun({ request: request({}), data, target: noColumn });
    const done = await train(plan.job);
    const test = plan.problem.test;
    const b = data.channels!.blocks[0]!;
    const truth = Array.from({ length: POINTS }, (_, j) => test.map((r) => b.values[r * POINTS + j]!));
    const { rmse, perPoint } = pointErrors(done.evaluations[0]!, truth, plan.scales, test.length);
    expect(perPoint).toHaveLength(POINTS);
    expect(rmse).toBeCloseTo(0.0069248, 6);
    expect(Math.min(...perPoint)).toBeCloseTo(0.0025405, 6);
    expect(Math.max(...perPoint)).toBeCloseTo(0.0116329, 6);
  }, 60_000);

  it('refuses an unknown channel, a dataset of one channel, and a target column with it', () => {
    expect(() => planRun({ request: request({ targetChannel: 'C' }), data: twoChannels(), target: noColumn })).toThrow('Dataset "two" has no channel "C". Channels: "A", "B".');
    const { channels: _c, ...one } = twoChannels();
    expect(() => planRun({ request: request({}), data: one, target: noColumn })).toThrow('A target channel needs samples with several channels (a joined dataset); Dataset "two" has one channel per sample.');
    expect(runRequestSchema.safeParse({ ...request({}), target: 'y' }).error?.issues[0]?.message).toBe("a target channel is the run's target: give it or a target column, not both");
  });
});
