import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../src-main/common/errors';
import { readGolden, type GoldenOutOfModel } from '../../../helpers/golden';
import * as diagnostics from '../../../../src-main/common/ml/pls/diagnostics';
import {
  fitPlsOutlier,
  plsCoefficients,
  plsOutlierStats,
  plsRotations,
  plsScores,
  plsVip,
  plsXLoadings,
} from '../../../../src-main/common/ml/pls/diagnostics';
import { fitPls, fitPlsDa, fitPlsRegression, predictPls, type PlsModel } from '../../../../src-main/common/ml/pls';

/** Written by scripts/golden/pls_diagnostics.py (scikit-learn PLSRegression, numpy, scipy.stats). */
interface GoldenFit extends GoldenOutOfModel {
  components: number;
  scale: boolean;
  vip: number[];
  rotations: number[];
  xLoadings: number[];
  scoresTrain: number[];
  scoresNew: number[];
}
interface Golden {
  rows: number;
  cols: number;
  targets?: number;
  classes?: number;
  newRows: number;
  X: number[];
  Y?: number[];
  labels?: number[];
  Xnew: number[];
  fit: GoldenFit;
}

function load(name: string): Golden {
  return readGolden<Golden>('pls-diagnostics', name);
}

/** max |a − b| / max |b| over a whole array. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** max over elements of |a − b| / |b|. */
function elementRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return worst;
}

function fitGolden(g: Golden): PlsModel {
  const opts = { scale: g.fit.scale };
  return g.labels
    ? fitPlsDa(g.X, g.labels, g.rows, g.cols, g.classes!, g.fit.components, opts)
    : fitPls(g.X, g.Y!, g.rows, g.cols, g.targets!, g.fit.components, opts);
}

describe('pls-diagnostics exports', () => {
  it('exports exactly the documented functions', () => {
    expect(Object.keys(diagnostics).sort()).toEqual(
      ['fitPlsOutlier', 'plsCoefficients', 'plsOutlierStats', 'plsRotations', 'plsScores', 'plsVip', 'plsXLoadings'].sort(),
    );
  });
});

// NIPALS reproduces scikit-learn to rounding (test/common/ml/pls/pls.test.ts); what is left here is
// the diagnostics' own arithmetic. Tolerances: 1e-9 relative per element for T², Q, VIP and the
// limits; whole-array relative (max |Δ| / max |value|) for scores, rotations and loadings, whose
// small entries carry the NIPALS rounding of the larger ones.
describe.each(['tecator-fat.json', 'meat-plsda.json', 'small-n.json'])('PLS diagnostics against scikit-learn: %s', (name) => {
  const g = load(name);
  const model = fitGolden(g);
  const A = g.fit.components;

  it('fits the number of components asked for', () => {
    expect(model.components).toBe(A);
  });

  it('VIP scores (mean of VIP² is 1)', () => {
    const vip = plsVip(model);
    expect(elementRelErr(vip, g.fit.vip)).toBeLessThan(1e-9);
    expect(vip.reduce((s, v) => s + v * v, 0) / g.cols).toBeCloseTo(1, 12);
  });

  it('rotations, X loadings and scores of training and new samples', () => {
    expect(relErr(plsRotations(model), g.fit.rotations)).toBeLessThan(1e-9);
    const loadings = new Float64Array(g.cols * A);
    for (let a = 0; a < A; a++) plsXLoadings(model, a).forEach((v, j) => (loadings[j * A + a] = v));
    expect(relErr(loadings, g.fit.xLoadings)).toBeLessThan(1e-9);
    expect(relErr(plsScores(model, g.X, g.rows), g.fit.scoresTrain)).toBeLessThan(1e-9);
    expect(relErr(plsScores(model, g.Xnew, g.newRows), g.fit.scoresNew)).toBeLessThan(1e-9);
  });

  it('T² and Q of new samples, their 95 % limits and the out-of-model flag', () => {
    const limits = fitPlsOutlier(model, g.X, g.rows);
    expect(elementRelErr(limits.scoreVariances, g.fit.scoreVariances)).toBeLessThan(1e-9);
    expect(elementRelErr([limits.t2Limit, limits.qLimit], [g.fit.t2Limit, g.fit.qLimit])).toBeLessThan(1e-9);
    const got = plsOutlierStats(model, limits, g.Xnew, g.newRows);
    expect(elementRelErr(got.t2, g.fit.t2)).toBeLessThan(1e-9);
    expect(elementRelErr(got.q, g.fit.q)).toBeLessThan(1e-9);
    expect(got.outOfModel).toEqual(g.fit.outOfModel);
    const train = plsOutlierStats(model, limits, g.X, g.rows);
    expect(elementRelErr(train.q, g.fit.qTrain)).toBeLessThan(1e-9);
  });

  it('coefficients are the model’s own, and reproduce predict', () => {
    const pred = predictPls(model, g.Xnew, g.newRows);
    for (let c = 0; c < model.targets; c++) {
      const b = plsCoefficients(model, c);
      for (let i = 0; i < g.newRows; i++) {
        let s = model.intercepts[c]!;
        for (let j = 0; j < g.cols; j++) s += g.Xnew[i * g.cols + j]! * b[j]!;
        expect(Math.abs(s - pred[i * model.targets + c]!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(pred[i * model.targets + c]!)));
      }
    }
  });
});

describe('PLS out-of-model check: edge cases', () => {
  const g = load('tecator-fat.json');
  const model = fitGolden(g);

  it('flags the made-up outliers of the Tecator case (offset, scaling, a spike)', () => {
    const limits = fitPlsOutlier(model, g.X, g.rows);
    const got = plsOutlierStats(model, limits, g.Xnew, g.newRows);
    expect(got.outOfModel.slice(-3)).toEqual([true, true, true]);
  });

  it('as many components as samples − 1: the training residuals vanish and Q never flags', () => {
    const s = load('small-n.json');
    const m = fitPlsRegression(s.X, s.Y!, s.rows, s.cols, s.rows - 1, { scale: false });
    expect(m.components).toBe(8);
    const limits = fitPlsOutlier(m, s.X, s.rows);
    expect(limits.qLimit).toBe(Infinity);
    // n − A = 1: A(n − 1)/(n − A)·F(0.95; 8, 1) = 64 · scipy.stats.f.ppf(0.95, 8, 1).
    expect(Math.abs(limits.t2Limit / (64 * 238.88269480252382) - 1)).toBeLessThan(1e-11);
    const got = plsOutlierStats(m, limits, s.Xnew, s.newRows);
    expect(got.outOfModel).toEqual(Array.from(got.t2, (t) => t > limits.t2Limit));
  });

  it('refuses limits from another model, wrong shapes and non-finite values', () => {
    const limits = fitPlsOutlier(model, g.X, g.rows);
    const other = fitPls(g.X, g.Y!, g.rows, g.cols, 1, 2);
    expect(() => plsOutlierStats(other, limits, g.Xnew, g.newRows)).toThrow(/limits are for 6 components, the model has 2/);
    expect(() => plsScores(model, g.Xnew, g.newRows + 1)).toThrow(UserError);
    const bad = g.Xnew.slice();
    bad[g.cols + 2] = Number.NaN;
    expect(() => plsScores(model, bad, g.newRows)).toThrow(/sample 2, variable 3 is NaN/);
    expect(() => plsXLoadings(model, 6)).toThrow(/component 7 does not exist; the model has 6/);
    expect(() => plsCoefficients(model, 1)).toThrow(/target 1 does not exist/);
  });

  it('does not change its inputs, and the limits survive a JSON round trip', () => {
    const before = g.Xnew.slice();
    const limits = fitPlsOutlier(model, g.X, g.rows);
    const a = plsOutlierStats(model, limits, g.Xnew, g.newRows);
    expect(g.Xnew).toEqual(before);
    const b = plsOutlierStats(model, JSON.parse(JSON.stringify(limits)) as typeof limits, g.Xnew, g.newRows);
    expect(b).toEqual(a);
  });
});
