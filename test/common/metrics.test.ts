import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import * as metrics from '../../src-main/common/ml/metrics';
import {
  argmaxRows,
  classificationMetrics,
  regressionMetrics,
  regressionReport,
  rocAuc,
  rocAucOvr,
  rowNormalizedConfusion,
  summarize,
} from '../../src-main/common/ml/metrics';

/** Written by scripts/golden/metrics.py (scikit-learn, numpy). */
interface AucCase {
  name: string;
  classes: number;
  truth: number[];
  probabilities: number[];
  perClass: (number | null)[];
  macro: number;
  sklearnMacro?: number;
  binary?: number;
  confusion: number[][];
  confusionNormalized: number[][];
}
interface RegressionCase {
  name: string;
  truth: number[];
  predicted: number[];
  rmse: number;
  mae: number;
  r2: number;
  bias: number;
  sep: number;
  rpd: number;
}
interface Golden {
  auc: AucCase[];
  regression: RegressionCase[];
  summarize: {
    folds: Record<string, number | string>[];
    mean: Record<string, number | null>;
    std: Record<string, number | null>;
    count: Record<string, number>;
  };
}

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/metrics/metrics.json'), 'utf8')) as Golden;

function rel(a: number, b: number): number {
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

function decode(v: number | string): number {
  if (typeof v === 'number') return v;
  return v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity;
}

describe('metrics exports', () => {
  it('keeps the existing names and adds the new ones', () => {
    expect(Object.keys(metrics).sort()).toEqual(
      ['argmaxRows', 'classificationMetrics', 'regressionMetrics', 'regressionReport', 'rocAuc', 'rocAucOvr', 'rowNormalizedConfusion', 'softmaxRows', 'summarize'].sort(),
    );
  });
});

describe('softmax', () => {
  it('turns logits into probabilities row by row, stable for large logits', () => {
    const p = metrics.softmaxRows([0, Math.log(3), 1000, 1000 + Math.log(4)], 2, 2);
    [0.25, 0.75, 0.2, 0.8].forEach((v, i) => expect(p[i]).toBeCloseTo(v, 14));
  });
});

describe('ROC AUC against scikit-learn', () => {
  for (const c of golden.auc) {
    it(`${c.name}: one-vs-rest per class and macro`, () => {
      const got = rocAucOvr(c.truth, c.probabilities, c.classes);
      expect(got.perClass.map((v) => v === null)).toEqual(c.perClass.map((v) => v === null));
      got.perClass.forEach((v, k) => {
        if (v !== null) expect(rel(v, c.perClass[k]!)).toBeLessThan(1e-12);
      });
      expect(rel(got.macro!, c.macro)).toBeLessThan(1e-12);
      if (c.sklearnMacro !== undefined) expect(rel(got.macro!, c.sklearnMacro)).toBeLessThan(1e-12);
      if (c.binary !== undefined) {
        const positive = c.probabilities.filter((_, i) => i % 2 === 1);
        expect(rel(rocAuc(c.truth, positive)!, c.binary)).toBeLessThan(1e-12);
      }
    });

    it(`${c.name}: confusion matrix and its row-normalised form`, () => {
      const predicted = argmaxRows(c.probabilities, c.truth.length, c.classes);
      const counts = classificationMetrics(c.truth, predicted, c.classes).confusion;
      expect(counts).toEqual(c.confusion);
      const normalized = rowNormalizedConfusion(counts);
      normalized.forEach((row, r) => row.forEach((v, k) => expect(Math.abs(v - c.confusionNormalized[r]![k]!)).toBeLessThan(1e-15)));
    });
  }

  it('ties count half: two tied pairs give the hand-computed area', () => {
    // Pairs (pos, neg): (0.5 vs 0.5) tie, (0.5 vs 0.1) win, (0.9 vs 0.5) win, (0.9 vs 0.1) win → 3.5 / 4.
    expect(rocAuc([1, 0, 1, 0], [0.5, 0.5, 0.9, 0.1])).toBe(0.875);
    expect(rocAuc([1, 1, 0, 0], [0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('is undefined (null) when only one class is present', () => {
    expect(rocAuc([1, 1, 1], [0.2, 0.5, 0.9])).toBeNull();
    expect(rocAucOvr([0, 0], [0.9, 0.1, 0.8, 0.2], 2)).toEqual({ perClass: [null, null], macro: null });
  });

  it('refuses bad input with a message that says what was wrong', () => {
    expect(() => rocAuc([0, 1], [0.5])).toThrow(UserError);
    expect(() => rocAuc([0, 2], [0.5, 0.6])).toThrow(/label 2 at sample 2/);
    expect(() => rocAucOvr([0, 1], [0.5, 0.5, Number.NaN, 0.5], 2)).toThrow(/score 3 is NaN/);
    expect(() => rocAucOvr([0, 3], [0.5, 0.5, 0.5, 0.5], 2)).toThrow(/label 3 at sample 2 is outside 0…1/);
  });

  it('does not change its inputs', () => {
    const truth = [0, 1, 1, 0];
    const scores = [0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4];
    rocAucOvr(truth, scores, 2);
    expect(truth).toEqual([0, 1, 1, 0]);
    expect(scores).toEqual([0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4]);
  });
});

describe('regression metrics against scikit-learn and numpy', () => {
  for (const c of golden.regression) {
    it(`${c.name}: RMSE, MAE, R², bias, SEP, RPD`, () => {
      const got = regressionReport(c.truth, c.predicted);
      for (const key of ['rmse', 'mae', 'r2', 'bias', 'sep', 'rpd'] as const) expect(rel(got[key], c[key]), key).toBeLessThan(1e-12);
      expect({ rmse: got.rmse, mae: got.mae, r2: got.r2 }).toEqual(regressionMetrics(c.truth, c.predicted));
    });
  }

  it('SEP and RPD need two samples; a constant offset has SEP 0 and infinite RPD', () => {
    const one = regressionReport([1], [2]);
    expect(one.bias).toBe(1);
    expect(one.sep).toBeNaN();
    expect(one.rpd).toBeNaN();
    expect(regressionReport([1, 2, 3], [2, 3, 4])).toEqual({ rmse: 1, mae: 1, r2: -0.5, bias: 1, sep: 0, rpd: Infinity });
  });
});

describe('summarize', () => {
  it('gives mean and std (ddof 1) per metric, dropping non-finite entries, as numpy', () => {
    const g = golden.summarize;
    const folds = g.folds.map((f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, decode(v)])));
    const got = summarize(folds);
    expect(Object.keys(got.mean)).toEqual(Object.keys(g.mean));
    expect(got.count).toEqual(g.count);
    for (const k of Object.keys(g.mean)) {
      const m = g.mean[k];
      const s = g.std[k];
      if (m === null) expect(got.mean[k]).toBeNaN();
      else expect(rel(got.mean[k]!, m)).toBeLessThan(1e-14);
      if (s === null) expect(got.std[k]).toBeNaN();
      else expect(rel(got.std[k]!, s)).toBeLessThan(1e-12);
    }
  });

  it('handles no folds', () => {
    expect(summarize([])).toEqual({ mean: {}, std: {}, count: {} });
  });
});
