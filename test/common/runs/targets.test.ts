/**
 * Several targets in the run type: the request's list, stored runs of one target that still read
 * (and give their one scaling), and the scoring of each target in its own units.
 */
import { describe, expect, it } from 'vitest';
import { runMetricsSchema, runRequestSchema, singleRunConfig, targetScalings, testPrediction } from '../../../src-main/common/runs/schema';
import { evaluateTargets } from '../../../src-main/common/runs/evaluate';

/** A one-target regression config as runs stored it before several targets existed. */
const storedBefore = {
  model: 'pls',
  layers: [],
  input: [100, 1],
  task: { kind: 'regression', loss: 'mse' },
  classes: [],
  epochs: 100,
  batchSize: 32,
  learningRate: 0.001,
  validation: { kind: 'given' },
  inputScaling: { mean: 3.1, std: 0.4 },
  targetScaling: { mean: 18.1, std: 12.6 },
  axis: [1, 2],
  params: 0,
  recipe: null,
};

describe('several targets in the run type', () => {
  it('a stored one-target run still reads: its config, metrics and test predictions, and its one scaling', () => {
    const config = singleRunConfig.parse(storedBefore);
    expect(config.targets).toBeUndefined();
    expect(targetScalings(config, 'fat')).toEqual([{ name: 'fat', mean: 18.1, std: 12.6 }]);
    expect(runMetricsSchema.parse({ test: { rmse: 2.1, r2: null } }).test).toEqual({ rmse: 2.1, r2: NaN });
    expect(testPrediction.parse({ sampleId: 1, key: 'a', truth: 3, predicted: 3.5 })).toEqual({ sampleId: 1, key: 'a', truth: 3, predicted: 3.5 });
    expect(targetScalings({ ...config, task: { kind: 'classification', classes: 2 }, targetScaling: null }, 'class')).toEqual([]);
  });

  it('a run of several targets keeps each one with its scaling, in output order', () => {
    const targets = [
      { name: 'moisture', mean: 63.2, std: 9.1 },
      { name: 'fat', mean: 18.1, std: 12.6 },
    ];
    const config = singleRunConfig.parse({ ...storedBefore, task: { kind: 'regression', loss: 'mse', outputs: 2 }, targets });
    expect(targetScalings(config, 'moisture')).toEqual(targets);
    expect(singleRunConfig.safeParse({ ...storedBefore, targets: [targets[0]] }).success).toBe(false);
  });

  it('the request: the first of several targets is the run target, none named twice, at least two', () => {
    const base = { datasetId: 1, target: 'moisture', model: 'pls', recipe: null, validation: { kind: 'given' } };
    expect(runRequestSchema.parse({ ...base, targets: ['moisture', 'fat', 'protein'] }).targets).toEqual(['moisture', 'fat', 'protein']);
    const issue = (targets: string[]) => runRequestSchema.safeParse({ ...base, targets }).error?.issues[0]?.message;
    expect(issue(['fat', 'moisture'])).toBe('the first of several targets is the run\'s target ("moisture")');
    expect(issue(['moisture', 'fat', 'fat'])).toBe('a target is named twice');
    expect(issue(['moisture'])).toMatch(/>=2 items/);
  });

  it('each target back in its own units and scored there; the headline is the mean RMSEP / SD of the test values', () => {
    // Standardised outputs of 3 test rows × 2 targets, scaled back by each target's mean and sd.
    const outputs = Float32Array.from([0, 0, 1, 1.5, -0.5, -1]);
    const e = evaluateTargets(
      [
        [1, 10],
        [2, 20],
        [3, 30],
      ],
      outputs,
      [
        { name: 'a', mean: 2, std: 1 },
        { name: 'b', mean: 20, std: 10 },
      ],
    );
    expect(e.predicted).toEqual([
      [2, 20],
      [3, 35],
      [1.5, 10],
    ]);
    // Errors a: 1, 1, −1.5; b: 10, 15, −20; test sds (ddof 1) 1 and 10.
    expect(e.summary['rmse:a']).toBeCloseTo(Math.sqrt(4.25 / 3), 12);
    expect(e.summary['bias:a']).toBeCloseTo(0.5 / 3, 12);
    expect(e.summary['rmse:b']).toBeCloseTo(Math.sqrt(725 / 3), 12);
    expect(e.summary['bias:b']).toBeCloseTo(5 / 3, 12);
    expect(e.summary['r2:b']).toBeCloseTo(1 - 725 / 200, 12);
    expect(e.summary.relativeRmse).toBeCloseTo((Math.sqrt(4.25 / 3) + Math.sqrt(725 / 3) / 10) / 2, 12);
    expect(Object.keys(e.summary)).toEqual(['relativeRmse', 'rmse:a', 'mae:a', 'r2:a', 'bias:a', 'sep:a', 'rpd:a', 'rmse:b', 'mae:b', 'r2:b', 'bias:b', 'sep:b', 'rpd:b']);
    expect(e.targets.map((t) => t.name)).toEqual(['a', 'b']);
  });
});
