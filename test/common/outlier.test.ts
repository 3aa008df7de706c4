import { describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import * as outlier from '../../src-main/common/ml/outlier';
import { fitPcaOutlier, hotellingT2Limit, outOfModelFlags, pcaOutlierStats, qResidualLimit } from '../../src-main/common/ml/outlier';
import { elementRelErr, readGolden, type GoldenOutOfModel } from '../helpers/golden';

/** Written by scripts/golden/pls_diagnostics.py (scikit-learn PCA, numpy, scipy.stats). */
interface Golden {
  rows: number;
  cols: number;
  newRows: number;
  X: number[];
  Xnew: number[];
  fit: GoldenOutOfModel & {
    scale: boolean;
    varianceToExplain: number;
    maxComponents: number;
    components: number;
    means: number[];
    scales: number[];
    explainedVarianceRatio: number[];
  };
}

const load = (name: string): Golden => readGolden<Golden>('outlier', name);

describe('outlier exports', () => {
  it('exports exactly the documented functions', () => {
    expect(Object.keys(outlier).sort()).toEqual(['fitPcaOutlier', 'hotellingT2Limit', 'outOfModelFlags', 'pcaOutlierStats', 'qResidualLimit'].sort());
  });
});

// coffee (28 × 286) and synthetic take pca.ts's exact path (min(rows, cols) ≤ 64); iterative
// (120 × 80) its subspace iteration. 1e-9 relative per element for all three.
describe.each([
  ['coffee.json', 1e-9],
  ['synthetic.json', 1e-9],
  ['iterative.json', 1e-9],
])('PCA out-of-model check against scikit-learn: %s', (name, tol) => {
  const g = load(name);
  const model = fitPcaOutlier(g.X, g.rows, g.cols, {
    scale: g.fit.scale,
    varianceToExplain: g.fit.varianceToExplain,
    maxComponents: g.fit.maxComponents,
  });

  it('keeps the components that explain the variance asked for', () => {
    expect(model.components).toBe(g.fit.components);
    expect(elementRelErr(model.explainedVarianceRatio, g.fit.explainedVarianceRatio)).toBeLessThan(tol);
    expect(elementRelErr(model.scoreVariances, g.fit.scoreVariances)).toBeLessThan(tol);
    expect(elementRelErr(model.means, g.fit.means)).toBeLessThan(1e-12);
    expect(elementRelErr(model.scales, g.fit.scales)).toBeLessThan(1e-12);
  });

  it('T² and Q limits from the training samples', () => {
    expect(elementRelErr([model.t2Limit, model.qLimit], [g.fit.t2Limit, g.fit.qLimit])).toBeLessThan(tol);
    expect(elementRelErr(pcaOutlierStats(model, g.X, g.rows).q, g.fit.qTrain)).toBeLessThan(tol);
  });

  it('T², Q and the flag of new samples', () => {
    const got = pcaOutlierStats(model, g.Xnew, g.newRows);
    expect(elementRelErr(got.t2, g.fit.t2)).toBeLessThan(tol);
    expect(elementRelErr(got.q, g.fit.q)).toBeLessThan(tol);
    expect(got.outOfModel).toEqual(g.fit.outOfModel);
  });
});

describe('PCA out-of-model check: behaviour', () => {
  const g = load('coffee.json');

  it('caps the components at maxComponents (Coffee needs more than 10 for 95 %)', () => {
    const model = fitPcaOutlier(g.X, g.rows, g.cols);
    expect(model.components).toBe(10);
    expect(model.explainedVarianceRatio.reduce((a, b) => a + b, 0)).toBeLessThan(0.95);
  });

  it('flags the made-up outliers', () => {
    const model = fitPcaOutlier(g.X, g.rows, g.cols);
    expect(pcaOutlierStats(model, g.Xnew, g.newRows).outOfModel.slice(-2)).toEqual([true, true]);
  });

  it('does not change its inputs; the fitted model survives a JSON round trip', () => {
    const before = g.X.slice();
    const model = fitPcaOutlier(g.X, g.rows, g.cols);
    expect(g.X).toEqual(before);
    const copy = JSON.parse(JSON.stringify(model)) as typeof model;
    expect(pcaOutlierStats(copy, g.Xnew, g.newRows)).toEqual(pcaOutlierStats(model, g.Xnew, g.newRows));
  });

  it('refuses bad input with a message that says what was wrong', () => {
    expect(() => fitPcaOutlier([1, 2, 3, 4], 2, 2)).toThrow(/at least 3 training samples, got 2/);
    expect(() => fitPcaOutlier([1, 2, 3], 2, 2)).toThrow(UserError);
    expect(() => fitPcaOutlier([1, 1, 1, 1, 1, 1], 3, 2)).toThrow(/every feature is constant/);
    expect(() => fitPcaOutlier([1, 2, Number.POSITIVE_INFINITY, 4, 5, 7], 3, 2)).toThrow(/sample 2, feature 1 is Infinity/);
    expect(() => fitPcaOutlier(g.X, g.rows, g.cols, { varianceToExplain: 1.5 })).toThrow(/varianceToExplain/);
    const model = fitPcaOutlier(g.X, g.rows, g.cols);
    expect(() => pcaOutlierStats(model, g.Xnew, g.newRows - 1)).toThrow(UserError);
  });
});

describe('limits', () => {
  it('T² limit: A(n − 1)/(n − A)·F(0.95; A, n − A)', () => {
    // scipy.stats.f.ppf(0.95, 3, 17) = 3.1967768409433432; times 3·19/17.
    expect(Math.abs(hotellingT2Limit(3, 20) / ((57 / 17) * 3.1967768409433432) - 1)).toBeLessThan(1e-11);
    expect(() => hotellingT2Limit(5, 5)).toThrow(/1 ≤ components < training samples/);
    expect(() => hotellingT2Limit(2, 10, 1)).toThrow(/confidence/);
  });

  it('Q limit: zero residuals give +∞, equal residuals give their value', () => {
    expect(qResidualLimit([0, 0, 0])).toBe(Infinity);
    expect(qResidualLimit([2, 2, 2])).toBe(2);
    expect(() => qResidualLimit([1])).toThrow(/at least 2 training samples/);
  });

  it('flags a sample beyond either limit, not at it', () => {
    expect(outOfModelFlags([1, 5, 1, 5], [1, 1, 3, 2], 5, 2)).toEqual([false, false, true, false]);
  });
});
