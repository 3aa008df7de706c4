import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../src-main/common/errors';
import { fixture } from '../../../helpers/datasets';
import { readGolden } from '../../../helpers/golden';
import * as pls from '../../../../src-main/common/ml/pls';
import {
  choosePlsComponents,
  fitPls,
  fitPlsDa,
  fitPlsRegression,
  predictPls,
  predictPlsDa,
  shuffledKFold,
  type PlsModel,
  type PlsCentroid,
  type PlsNearestNeighbour,
} from '../../../../src-main/common/ml/pls';

/** One scikit-learn fit as written by scripts/golden/pls.py: the model's own arrays, and its predictions. */
type GoldenFit = Omit<PlsModel, 'kind' | 'version' | 'task' | 'cols' | 'targets' | 'decision'> & {
  predictTrain: number[];
  predictTest?: number[];
  predictedClassesTest?: number[];
};

interface Golden {
  rows: number;
  cols: number;
  targets?: number;
  classes?: number;
  testRows?: number;
  X: number[];
  Y?: number[];
  labels?: number[];
  Xtest?: number[];
  testLabels?: number[];
  fits: GoldenFit[];
  closedForm?: { coefficients: number[]; xWeights: number[]; scores: number[]; xLoadings: number[]; intercept: number };
}

function load(name: string): Golden {
  return readGolden<Golden>('pls', name);
}

/** max |a − b| / max |b|: the relative error of a whole array (elementwise would blow up near zero entries). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / (scale || 1);
}

/** Compares a model with a scikit-learn fit to 1e-6 relative, per array. */
function expectMatches(model: PlsModel, g: GoldenFit, X: number[], rows: number, Xtest?: number[], testRows?: number): void {
  expect(model.components).toBe(g.components);
  expect(model.iterations).toEqual(g.iterations);
  const checks: [string, ArrayLike<number>, number[]][] = [
    ['xMeans', model.xMeans, g.xMeans],
    ['xScales', model.xScales, g.xScales],
    ['yMeans', model.yMeans, g.yMeans],
    ['yScales', model.yScales, g.yScales],
    ['xWeights', model.xWeights, g.xWeights],
    ['xLoadings', model.xLoadings, g.xLoadings],
    ['yLoadings', model.yLoadings, g.yLoadings],
    ['coefficients', model.coefficients, g.coefficients],
    ['intercepts', model.intercepts, g.intercepts],
    ['explainedVarianceX', model.explainedVarianceX, g.explainedVarianceX],
    ['explainedVarianceY', model.explainedVarianceY, g.explainedVarianceY],
    ['predict (training)', predictPls(model, X, rows), g.predictTrain],
  ];
  if (Xtest && testRows && g.predictTest) checks.push(['predict (test)', predictPls(model, Xtest, testRows), g.predictTest]);
  const errors = Object.fromEntries(checks.map(([name, ours, theirs]) => [name, relErr(ours, theirs)]));
  for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(1e-6);
}

describe('fitPls: hand-checkable case (4 × 2, 1 component, no scaling)', () => {
  const g = load('hand-4x2.json');
  const model = fitPlsRegression(g.X, g.Y!, 4, 2, 1, { scale: false });

  it('gives the closed-form weights, loadings and coefficients', () => {
    // Xcᵀyc = [5, 3] ⇒ w = [5, 3]/√34; B = w·q = [17/26, 51/130]; intercept −3/26 (see scripts/golden/pls.py).
    expect(relErr(model.xWeights, [5 / Math.sqrt(34), 3 / Math.sqrt(34)])).toBeLessThan(1e-15);
    expect(relErr(model.xLoadings, [(34 * Math.sqrt(34)) / 260, (30 * Math.sqrt(34)) / 260])).toBeLessThan(1e-15);
    expect(relErr(model.coefficients, [17 / 26, 51 / 130])).toBeLessThan(1e-15);
    expect(model.intercepts[0]).toBeCloseTo(-3 / 26, 14);
    expect(relErr(predictPls(model, g.X, 4), [1, 2, 3, 4].map((_, i) => 17 / 26 * g.X[2 * i]! + 51 / 130 * g.X[2 * i + 1]! - 3 / 26))).toBeLessThan(1e-14);
    expect(g.closedForm!.coefficients).toEqual([17 / 26, 51 / 130]);
  });

  it('matches scikit-learn', () => expectMatches(model, g.fits[0]!, g.X, 4));
});

describe('fitPls (golden: scikit-learn PLSRegression)', () => {
  it('2 targets, 3 components, scaled (30 × 8 synthetic): power iterations, weights, coefficients, predictions', () => {
    const g = load('small-2targets.json');
    const model = fitPls(g.X, g.Y!, g.rows, g.cols, 2, 3);
    expect(model.iterations.some((n) => n > 1)).toBe(true);
    expectMatches(model, g.fits[0]!, g.X, g.rows, g.Xtest, g.testRows);
  });

  it('PLS1 on Tecator fat (60 samples × 50 channels), 8 components scaled and 5 unscaled', () => {
    const g = load('tecator-fat.json');
    for (const fit of g.fits) {
      const model = fitPlsRegression(g.X, g.Y!, g.rows, g.cols, fit.components, { scale: fit.scale });
      expectMatches(model, fit, g.X, g.rows, g.Xtest, g.testRows);
    }
  });

  it('PLS-DA on UCR Meat (3 classes, 60 × 112), 4 components: one-hot scores and classes', () => {
    const g = load('meat-plsda.json');
    const model = fitPlsDa(g.X, g.labels!, g.rows, g.cols, 3, 4);
    expect(model.task).toBe('classification');
    expectMatches(model, g.fits[0]!, g.X, g.rows, g.Xtest, g.testRows);
    const { classes, scores } = predictPlsDa(model, g.Xtest!, g.testRows!);
    expect(Array.from(classes)).toEqual(g.fits[0]!.predictedClassesTest);
    expect(scores.length).toBe(g.testRows! * 3);
    const correct = Array.from(classes).filter((c, i) => c === g.testLabels![i]).length;
    expect(correct / g.testRows!).toBeGreaterThan(0.8);
  });

  it('constant columns: scale 1, zero weights and coefficients, no NaN (scaled and unscaled)', () => {
    const g = load('zero-variance.json');
    for (const fit of g.fits) {
      const model = fitPlsRegression(g.X, g.Y!, g.rows, g.cols, fit.components, { scale: fit.scale });
      expectMatches(model, fit, g.X, g.rows);
      for (const j of [1, 4]) {
        expect(model.xScales[j]).toBe(1);
        expect(model.coefficients[j]).toBe(0);
        for (let k = 0; k < model.components; k++) expect(model.xWeights[j * model.components + k]).toBe(0);
      }
      const all = [...model.coefficients, ...model.xWeights, ...model.xLoadings, ...predictPls(model, g.X, g.rows)];
      expect(all.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('fitPls: contract', () => {
  const g = load('small-2targets.json');

  it('leaves its input untouched, is deterministic, and the model survives a JSON round trip', () => {
    const X = Float64Array.from(g.X);
    const Y = Float64Array.from(g.Y!);
    const a = fitPls(X, Y, g.rows, g.cols, 2, 3);
    expect(Array.from(X)).toEqual(g.X);
    expect(Array.from(Y)).toEqual(g.Y);
    expect(fitPls(X, Y, g.rows, g.cols, 2, 3)).toEqual(a);
    const b = JSON.parse(JSON.stringify(a)) as PlsModel;
    expect(b).toEqual(a);
    expect(predictPls(b, g.Xtest!, g.testRows!)).toEqual(predictPls(a, g.Xtest!, g.testRows!));
    expect(predictPls(a, g.Xtest!, g.testRows!).length).toBe(g.testRows! * 2);
  });

  it('predictions equal x·B + intercept', () => {
    const m = fitPls(g.X, g.Y!, g.rows, g.cols, 2, 3);
    const yhat = predictPls(m, g.X, g.rows);
    for (let i = 0; i < g.rows; i++) {
      for (let c = 0; c < 2; c++) {
        let s = m.intercepts[c]!;
        for (let j = 0; j < g.cols; j++) s += g.X[i * g.cols + j]! * m.coefficients[j * 2 + c]!;
        expect(yhat[i * 2 + c]).toBeCloseTo(s, 10);
      }
    }
  });

  it('explains more of Y with every component and never more than all of X', () => {
    const t = load('tecator-fat.json');
    const m = fitPlsRegression(t.X, t.Y!, t.rows, t.cols, 8);
    const sumX = m.explainedVarianceX.reduce((s, v) => s + v, 0);
    const sumY = m.explainedVarianceY.reduce((s, v) => s + v, 0);
    expect(sumX).toBeLessThanOrEqual(1 + 1e-12);
    expect(sumY).toBeLessThanOrEqual(1 + 1e-12);
    expect(m.explainedVarianceY.every((v) => v > 0)).toBe(true);
  });

  it('rejects bad input with UserErrors that say what to change', () => {
    const X = new Float64Array(12 * 30).map((_, i) => Math.sin(i));
    const y = new Float64Array(12).map((_, i) => i);
    const err = (fn: () => unknown): UserError => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(UserError);
        return e as UserError;
      }
      throw new Error('no error thrown');
    };
    expect(err(() => fitPlsRegression(X, y, 12, 30, 25)).message).toBe('PLS: 25 components asked for, but 12 training samples allow at most 11.');
    expect(err(() => fitPlsRegression(X.subarray(0, 12 * 4), y, 12, 4, 5)).message).toBe('PLS: 5 components asked for, but 4 variables allow at most 4.');
    expect(err(() => fitPlsRegression(X, y, 12, 29, 2)).message).toMatch(/X has 360 values, but 12 samples × 29 variables need 348/);
    expect(err(() => fitPlsRegression(X, y, 12, 30, 0)).message).toMatch(/number of components must be a whole number ≥ 1, got 0/);
    const bad = X.slice();
    bad[2 * 30 + 4] = NaN;
    expect(err(() => fitPlsRegression(bad, y, 12, 30, 2)).message).toMatch(/non-finite value \(NaN\) at sample 3, variable 5/);
    expect(err(() => fitPlsRegression(X, new Float64Array(12).fill(3), 12, 30, 2)).message).toMatch(/every target is constant/);
    expect(err(() => fitPlsDa(X, Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 3]), 12, 30, 3, 2)).message).toBe(
      'PLS-DA: label 3 at sample 12 is outside 0…2 (3 classes).',
    );
    const m = fitPlsRegression(X, y, 12, 30, 2);
    expect(err(() => predictPls(m, X.subarray(0, 29), 1)).code).toBe('BAD_INPUT');
  });

  it('stops early, without NaN, when X has fewer independent directions than components asked for', () => {
    // Rank-2 X (every column a mix of two patterns): a third component has nothing left.
    const rows = 10, cols = 6;
    const X = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) X[i * cols + j] = (j + 1) * i + (j % 2) * (i * i);
    const y = new Float64Array(rows).map((_, i) => i * i + 0.5 * i);
    const m = fitPlsRegression(X, y, rows, cols, 4);
    expect(m.components).toBeLessThanOrEqual(3);
    expect(m.iterations).toHaveLength(m.components);
    expect(m.explainedVarianceX).toHaveLength(m.components);
    expect(m.xWeights).toHaveLength(cols * m.components);
    expect(m.coefficients.every(Number.isFinite)).toBe(true);
    expect(relErr(predictPls(m, X, rows), y)).toBeLessThan(1e-8);
  });

  it('PLS-DA with a class absent from training: its column is constant, no NaN, never predicted', () => {
    const m = load('meat-plsda.json');
    const model = fitPlsDa(m.X, m.labels!, m.rows, m.cols, 4, 3);
    expect(model.targets).toBe(4);
    expect(model.yScales[3]).toBe(1);
    expect(model.coefficients.every(Number.isFinite)).toBe(true);
    const { classes } = predictPlsDa(model, m.Xtest!, m.testRows!);
    expect(classes.every((c) => c >= 0 && c < 3)).toBe(true);
  });

  it('exports exactly this API', () => {
    expect(Object.keys(pls).sort()).toEqual(['NEAREST_NEIGHBOUR_WORK', 'choosePlsComponents', 'fitLda', 'fitPls', 'fitPlsDa', 'fitPlsRegression', 'ldaProbabilities', 'predictPls', 'predictPlsDa', 'shuffledKFold']);
  });
});

describe('PLS-DA with the nearest-neighbour decision (golden: scikit-learn x_scores_, transform, KNeighborsClassifier(1))', () => {
  const g = readGolden<
    Golden & {
      fits: {
        components: number;
        trainScores: number[];
        testScores: number[];
        predictedClassesTest: number[];
        nearestSquaredDistances: number[];
        centroids: number[];
        centroidClassesTest: number[];
        centroidSquaredDistances: number[];
      }[];
    }
  >('pls', 'meat-plsda-nn.json');
  const shares = (squared: number[], rows: number) => {
    const out: number[] = [];
    for (let i = 0; i < rows; i++) {
      const inv = [0, 1, 2].map((c) => 1 / Math.sqrt(squared[i * 3 + c]!));
      const sum = inv.reduce((a, b) => a + b, 0);
      out.push(...inv.map((v) => v / sum));
    }
    return out;
  };
  for (const f of g.fits) {
    it(`UCR Meat, ${f.components} components: stored training scores, 1-NN classes and inverse-distance shares`, () => {
      const model = fitPlsDa(g.X, g.labels!, g.rows, g.cols, 3, f.components, { decision: 'nearest-neighbour' });
      const nn = model.decision as PlsNearestNeighbour;
      expect(nn.rule).toBe('nearest-neighbour');
      expect(nn.labels).toEqual(g.labels);
      expect(relErr(nn.scores, f.trainScores)).toBeLessThan(1e-9);
      const { classes, scores } = predictPlsDa(model, g.Xtest!, g.testRows!);
      expect(Array.from(classes)).toEqual(f.predictedClassesTest);
      // Shares 1/d_c / Σ 1/d_k from scikit-learn's nearest squared distance per class.
      const expected = [];
      for (let i = 0; i < g.testRows!; i++) {
        const inv = [0, 1, 2].map((c) => 1 / Math.sqrt(f.nearestSquaredDistances[i * 3 + c]!));
        const sum = inv.reduce((a, b) => a + b, 0);
        expected.push(...inv.map((v) => v / sum));
      }
      expect(relErr(scores, expected)).toBeLessThan(1e-9);
      // The plain rule on the same fit is untouched.
      const plain = fitPlsDa(g.X, g.labels!, g.rows, g.cols, 3, f.components);
      expect(plain.decision).toBeUndefined();
      expect(plain.coefficients).toEqual(model.coefficients);
    });
  }

  for (const f of g.fits) {
    it(`UCR Meat, ${f.components} components: class centres of the fitted rows, nearest-centre classes and shares`, () => {
      const model = fitPlsDa(g.X, g.labels!, g.rows, g.cols, 3, f.components, { decision: 'centroid' });
      const centre = model.decision as PlsCentroid;
      expect(centre.rule).toBe('centroid');
      expect(relErr(centre.centroids, f.centroids)).toBeLessThan(1e-9);
      const { classes, scores } = predictPlsDa(model, g.Xtest!, g.testRows!);
      expect(Array.from(classes)).toEqual(f.centroidClassesTest);
      expect(relErr(scores, shares(f.centroidSquaredDistances, g.testRows!))).toBeLessThan(1e-9);
      expect((JSON.parse(JSON.stringify(model)) as PlsModel).decision).toEqual(model.decision);
    });
  }

  it('a spectrum equal to a training spectrum takes its class with share 1; the model survives JSON', () => {
    const model = fitPlsDa(g.X, g.labels!, g.rows, g.cols, 3, 4, { decision: 'nearest-neighbour' });
    const again = JSON.parse(JSON.stringify(model)) as PlsModel;
    const row = g.X.slice(7 * g.cols, 8 * g.cols);
    const out = predictPls(again, row, 1);
    expect(out[g.labels![7]!]).toBeGreaterThan(0.999999);
    expect(Array.from(predictPlsDa(again, row, 1).classes)).toEqual([g.labels![7]]);
    expect(Array.from(predictPls(again, g.Xtest!, g.testRows!))).toEqual(Array.from(predictPls(model, g.Xtest!, g.testRows!)));
    expect(() => predictPls(model, [...row.slice(0, -1), NaN], 1)).toThrow('PLS: X has a non-finite value (NaN) at sample 1, variable 112');
  });
});

describe('choosePlsComponents', () => {
  const t = load('tecator-fat.json');
  const meat = load('meat-plsda.json');

  it('shuffledKFold is seeded and balanced like KFold', () => {
    const a = shuffledKFold(23, 5, 42);
    expect(Array.from(a)).toEqual(Array.from(shuffledKFold(23, 5, 42)));
    expect(Array.from(a)).not.toEqual(Array.from(shuffledKFold(23, 5, 43)));
    const sizes = [0, 1, 2, 3, 4].map((f) => a.filter((v) => v === f).length);
    expect(sizes).toEqual([5, 5, 5, 4, 4]);
  });

  it('fold predictions from one fit equal separate fits with fewer components', () => {
    const folds = shuffledKFold(t.rows, 4, 3);
    const cv = choosePlsComponents(t.X, t.Y!, t.rows, t.cols, { kind: 'regression', folds: 4, seed: 3, maxComponents: 6 });
    for (const k of [1, 3, 6]) {
      let se = 0;
      for (let f = 0; f < 4; f++) {
        const train = [...folds.keys()].filter((i) => folds[i] !== f);
        const test = [...folds.keys()].filter((i) => folds[i] === f);
        const pick = (idx: number[]): number[] => idx.flatMap((i) => t.X.slice(i * t.cols, (i + 1) * t.cols));
        const m = fitPlsRegression(pick(train), train.map((i) => t.Y![i]!), train.length, t.cols, k);
        const yhat = predictPls(m, pick(test), test.length);
        test.forEach((i, r) => (se += (yhat[r]! - t.Y![i]!) ** 2));
      }
      expect(cv.curve[k - 1]!.score).toBeCloseTo(Math.sqrt(se / t.rows), 9);
    }
  });

  it('regression on Tecator fat: RMSECV curve, one-SE choice (fixed seed)', () => {
    const cv = choosePlsComponents(t.X, t.Y!, t.rows, t.cols, { kind: 'regression', seed: 7, maxComponents: 12 });
    expect(cv.rule).toBe('one-standard-error');
    const scores = cv.curve.map((p) => p.score);
    // Sanity: the first components bring RMSECV down a lot (fat SD ≈ 13 %).
    expect(scores[0]!).toBeGreaterThan(scores[4]!);
    expect(Math.min(...scores)).toBeLessThan(0.5 * scores[0]!);
    // Exact values of this implementation (regression guard).
    expect(cv.components).toBe(EXPECTED_REGRESSION.components);
    expect(scores.map((v) => Number(v.toPrecision(10)))).toEqual(EXPECTED_REGRESSION.scores);
    const best = cv.curve.reduce((b, p) => (p.score < b.score ? p : b));
    const chosen = cv.curve[cv.components - 1]!;
    expect(chosen.score).toBeLessThanOrEqual(best.score + best.standardError);
    expect(cv.curve.slice(0, cv.components - 1).every((p) => p.score > best.score + best.standardError)).toBe(true);
    const bestRule = choosePlsComponents(t.X, t.Y!, t.rows, t.cols, { kind: 'regression', seed: 7, maxComponents: 12, rule: 'best' });
    expect(bestRule.components).toBe(best.components);
    expect(bestRule.components).toBeGreaterThanOrEqual(cv.components);
  });

  it('classification on Meat: balanced-accuracy curve and choice (fixed seed), progress reported', () => {
    const progress: number[] = [];
    const cv = choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, {
      kind: 'classification',
      classes: 3,
      seed: 11,
      maxComponents: 10,
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    const scores = cv.curve.map((p) => p.score);
    expect(scores[0]!).toBeLessThan(Math.max(...scores));
    expect(Math.max(...scores)).toBeGreaterThan(0.9);
    expect(cv.components).toBe(EXPECTED_CLASSIFICATION.components);
    expect(scores.map((v) => Number(v.toPrecision(10)))).toEqual(EXPECTED_CLASSIFICATION.scores);
  });

  it("classification, rule 'best': equal balanced accuracies are separated by the one-hot error", () => {
    const cv = choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, { kind: 'classification', classes: 3, seed: 11, maxComponents: 10, rule: 'best' });
    const top = Math.max(...cv.curve.map((p) => p.score));
    const tied = cv.curve.filter((p) => p.score === top);
    expect(tied.length).toBeGreaterThan(1);
    const lowest = tied.reduce((b, p) => (p.oneHotError! < b.oneHotError! ? p : b));
    expect(cv.components).toBe(lowest.components);
    expect(cv.components).toBe(EXPECTED_BEST_CLASSIFICATION.components);
    expect(cv.curve.map((p) => Number(p.oneHotError!.toPrecision(10)))).toEqual(EXPECTED_BEST_CLASSIFICATION.oneHotErrors);
  });

  it('repeated cross-validation averages the single runs with seeds seed, seed + 1, …', () => {
    const opts = { kind: 'classification' as const, classes: 3, maxComponents: 6, rule: 'best' as const };
    const progress: number[] = [];
    const repeated = choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, { ...opts, seed: 4, repeats: 3, onProgress: (done, total) => progress.push(done / total) });
    expect(progress).toHaveLength(15);
    expect(progress.at(-1)).toBe(1);
    const single = [4, 5, 6].map((seed) => choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, { ...opts, seed }));
    repeated.curve.forEach((p, m) => {
      expect(p.score).toBeCloseTo(single.reduce((s, r) => s + r.curve[m]!.score, 0) / 3, 12);
      expect(p.oneHotError!).toBeCloseTo(single.reduce((s, r) => s + r.curve[m]!.oneHotError!, 0) / 3, 12);
    });
    const once = choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, { ...opts, seed: 4, repeats: 1 });
    expect(once).toEqual(single[0]);
  });

  it('scores the class-centre and nearest-neighbour decisions on the same folds: their curves equal separate fits, and one is chosen only when strictly better', () => {
    const opts = { kind: 'classification' as const, classes: 3, seed: 3, maxComponents: 6, rule: 'best' as const };
    const auto = choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, opts);
    const nnCurve = auto.nearestNeighbourCurve!;
    expect(nnCurve).toHaveLength(6);
    // Out-of-fold balanced accuracy by hand: one fold assignment, a separate fit per fold and component count.
    const folds = shuffledKFold(meat.rows, 5, 3);
    const rowsOf = (ids: number[]) => ids.flatMap((i) => meat.X.slice(i * meat.cols, (i + 1) * meat.cols));
    const byHand = (decision: 'centroid' | 'nearest-neighbour', k: number) => {
      const predicted = new Array<number>(meat.rows);
      for (let f = 0; f < 5; f++) {
        const train = [...Array(meat.rows).keys()].filter((i) => folds[i] !== f);
        const test = [...Array(meat.rows).keys()].filter((i) => folds[i] === f);
        const model = fitPlsDa(rowsOf(train), train.map((i) => meat.labels![i]!), train.length, meat.cols, 3, k, { decision });
        const out = predictPlsDa(model, rowsOf(test), test.length).classes;
        test.forEach((i, r) => (predicted[i] = out[r]!));
      }
      const recall = [0, 1, 2].map((c) => {
        const of = [...Array(meat.rows).keys()].filter((i) => meat.labels![i] === c);
        return of.filter((i) => predicted[i] === c).length / of.length;
      });
      return recall.reduce((a, b) => a + b, 0) / 3;
    };
    const ceCurve = auto.centroidCurve!;
    for (const k of [1, 3, 6]) {
      expect(nnCurve[k - 1]!.score).toBeCloseTo(byHand('nearest-neighbour', k), 12);
      expect(ceCurve[k - 1]!.score).toBeCloseTo(byHand('centroid', k), 12);
    }
    const bestPlsDa = Math.max(...auto.curve.map((p) => p.score));
    const bestCe = Math.max(...ceCurve.map((p) => p.score));
    const bestNn = Math.max(...nnCurve.map((p) => p.score));
    const expected = bestNn > Math.max(bestPlsDa, bestCe) ? 'nearest-neighbour' : bestCe > bestPlsDa ? 'centroid' : 'pls-da';
    expect(auto.decision).toBe(expected);
    const forced = choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, { ...opts, decision: 'nearest-neighbour' });
    expect(forced.decision).toBe('nearest-neighbour');
    expect(forced.components).toBe(nnCurve.findIndex((p) => p.score === bestNn) + 1);
    const plain = choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, { ...opts, decision: 'pls-da' });
    expect(plain.decision).toBe('pls-da');
    expect(plain.nearestNeighbourCurve).toBeUndefined();
    expect(plain.nearestNeighbourSkipped).toBeUndefined();
    expect(plain.curve).toEqual(auto.curve);
    // Too much work (here: more than 1000 distance steps): 'auto' keeps PLS-DA and says why.
    const big = choosePlsComponents(meat.X, meat.labels!, meat.rows, meat.cols, { ...opts, nearestNeighbourWork: 1000 });
    expect(big).toMatchObject({ decision: 'pls-da', nearestNeighbourSkipped: '60 training spectra make the nearest-neighbour decision too slow to cross-validate; choose it explicitly to use it.' });
    expect(big.curve).toEqual(auto.curve);
  });

  it('default maxComponents respects the smallest training fold; too many is an error; cancel works', () => {
    const X = t.X.slice(0, 12 * t.cols);
    const y = t.Y!.slice(0, 12);
    // 12 samples, 5 folds: the largest test fold has 3, so training folds have ≥ 9 samples ⇒ ≤ 8 components.
    expect(choosePlsComponents(X, y, 12, t.cols, { kind: 'regression' }).curve).toHaveLength(8);
    expect(() => choosePlsComponents(X, y, 12, t.cols, { kind: 'regression', maxComponents: 9 })).toThrow(
      'PLS cross-validation: 9 components asked for, but the smallest training fold of 9 samples allows at most 8 (9 training samples allow at most 8).',
    );
    const controller = new AbortController();
    controller.abort();
    expect(() => choosePlsComponents(X, y, 12, t.cols, { kind: 'regression', signal: controller.signal })).toThrow(/cancelled/);
  });
});

/** Values of this implementation (seed 7, 5 folds, ≤ 12 components); RMSECV in % fat. */
const EXPECTED_REGRESSION = {
  components: 7,
  scores: [11.22266517, 9.394350636, 7.409849218, 5.610203357, 3.968166548, 3.754161279, 3.662990267, 3.647631145, 3.395092083, 3.227805665, 3.180397237, 3.382959892],
};
/** Values of this implementation (seed 11, 5 folds, ≤ 10 components): Meat is separable from 2 components on. */
const EXPECTED_CLASSIFICATION = { components: 2, scores: [0.6666666667, 1, 1, 1, 1, 1, 1, 1, 1, 1] };
/** Values of this implementation (seed 11, 5 folds, ≤ 10 components, rule 'best'): mean squared error of the one-hot predictions. */
const EXPECTED_BEST_CLASSIFICATION = {
  components: 10,
  oneHotErrors: [0.1305018149, 0.05503678125, 0.04273000883, 0.04173012379, 0.04121985835, 0.03472009835, 0.0302353853, 0.0315589678, 0.02725131467, 0.02382404693],
};

describe('PLS-DA with a rare class (UCR Strawberry thinned to 8 "strawberry" spectra among 402)', () => {
  const read = (file: string) => fs.readFileSync(fixture('ucr_spectro/Strawberry', file), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  let kept = 0;
  const train = read('Strawberry_TRAIN.tsv').filter((r) => r[0] !== 1 || kept++ < 8);
  const test = read('Strawberry_TEST.tsv');
  const L = train[0]!.length - 1;
  const X = train.flatMap((r) => r.slice(1));
  const y = train.map((r) => r[0]! - 1);
  const Xt = test.flatMap((r) => r.slice(1));
  const yt = test.map((r) => r[0]! - 1);
  const hits = (model: PlsModel) => {
    const p = predictPlsDa(model, Xt, yt.length).classes;
    return [0, 1].map((c) => yt.filter((v, i) => v === c && p[i] === c).length);
  };

  it('the largest value never predicts the small class; cross-validation picks the class centres, which find 96 of its 132 test spectra', () => {
    expect([train.length, y.filter((v) => v === 0).length]).toEqual([402, 8]);
    const plain = choosePlsComponents(X, y, train.length, L, { kind: 'classification', classes: 2, rule: 'best', repeats: 5, seed: 1, decision: 'pls-da' });
    expect(hits(fitPlsDa(X, y, train.length, L, 2, plain.components))).toEqual([0, 238]);
    const auto = choosePlsComponents(X, y, train.length, L, { kind: 'classification', classes: 2, rule: 'best', repeats: 5, seed: 1 });
    expect(auto).toMatchObject({ decision: 'centroid', components: 18 });
    expect(hits(fitPlsDa(X, y, train.length, L, 2, auto.components, { decision: 'centroid' }))).toEqual([96, 231]);
  });
});
