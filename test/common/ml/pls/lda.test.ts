import { describe, expect, it } from 'vitest';
import { readGolden } from '../../../helpers/golden';
import { choosePlsComponents, fitLda, fitPlsDa, ldaProbabilities, predictPlsDa, type PlsLda } from '../../../../src-main/common/ml/pls';
import { UserError } from '../../../../src-main/common/errors';

/** What scripts/golden/pls_lda.py writes: scikit-learn's PLS scores and LinearDiscriminantAnalysis on them. */
interface Golden {
  rows: number;
  cols: number;
  classes: number;
  x: number[];
  labels: number[];
  testRows: number;
  xTest: number[];
  testLabels: number[];
  fits: { components: number; trainScores: number[]; testScores: number[]; probabilities: number[]; predicted: number[] }[];
}

const g = readGolden<Golden>('pls-lda', 'synthetic.json');
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};

describe('LDA on PLS scores against scikit-learn', () => {
  for (const f of g.fits) {
    it(`${f.components} components: LinearDiscriminantAnalysis() on scikit-learn's scores`, () => {
      const lda = fitLda(f.trainScores, g.labels, g.rows, f.components, g.classes);
      const p = ldaProbabilities(lda, f.testScores, g.testRows);
      expect(maxAbs(p, f.probabilities)).toBeLessThan(1e-10);
    });
    it(`${f.components} components: PLS-DA with the LDA decision predicts scikit-learn's classes and probabilities`, () => {
      const model = fitPlsDa(g.x, g.labels, g.rows, g.cols, g.classes, f.components, { decision: 'lda' });
      expect(model.decision?.rule).toBe('lda');
      const { classes, scores } = predictPlsDa(model, g.xTest, g.testRows);
      expect(Array.from(classes)).toEqual(f.predicted);
      expect(maxAbs(scores, f.probabilities)).toBeLessThan(1e-8);
      // The model is plain JSON: a stored copy predicts the same.
      const stored = JSON.parse(JSON.stringify(model)) as typeof model;
      expect(maxAbs(predictPlsDa(stored, g.xTest, g.testRows).scores, f.probabilities)).toBeLessThan(1e-8);
    });
  }

  it('a class without training spectra is never predicted, and survives JSON', () => {
    // Two classes on one score, a third class index with no spectra.
    const lda = fitLda([0, 0.2, 1, 1.2], [0, 0, 1, 1], 4, 1, 3);
    expect(lda.intercepts[2]).toBe(-Number.MAX_VALUE);
    const p = ldaProbabilities(JSON.parse(JSON.stringify(lda)) as PlsLda, [0.1, 1.1], 2);
    expect(p[2]).toBe(0);
    expect(p[5]).toBe(0);
    // Pooled variance 0.02·2/(4 − 2) = 0.02, equal priors: the discriminants of 0.1 differ by (0.1·(1.1 − 0.1) − ½(1.1² − 0.1²))/0.02 = −25.
    expect(p[1]! / p[0]!).toBeCloseTo(Math.exp(-25), 20);
  });

  it('refuses as many spectra as classes', () => {
    expect(() => fitLda([0, 1], [0, 1], 2, 1, 2)).toThrow(UserError);
  });

  it("cross-validation with the decision 'lda' scores an LDA curve and chooses its components from it", () => {
    const cv = choosePlsComponents(g.x, g.labels, g.rows, g.cols, { kind: 'classification', classes: 3, folds: 5, rule: 'best', seed: 1, decision: 'lda', maxComponents: 6 });
    expect(cv.decision).toBe('lda');
    expect(cv.ldaCurve).toHaveLength(6);
    const top = Math.max(...cv.ldaCurve!.map((p) => p.score));
    expect(cv.components).toBe(cv.ldaCurve!.findIndex((p) => p.score === top) + 1);
    // 'auto' compares the decisions it always has, without LDA.
    expect(choosePlsComponents(g.x, g.labels, g.rows, g.cols, { kind: 'classification', classes: 3, folds: 5, rule: 'best', seed: 1, maxComponents: 6 }).ldaCurve).toBeUndefined();
  });
});
