/**
 * Linear discriminant analysis on the X scores of a PLS model (PLS-LDA, the baseline the
 * interpretable-CNN literature compares against): classes share one covariance, the pooled
 * within-class covariance of the training scores (divisor n − classes), and a spectrum takes the
 * class of the largest discriminant zᵀΣ⁻¹μ_k − ½μ_kᵀΣ⁻¹μ_k + log π_k, with priors π the class
 * shares of the training spectra. That is scikit-learn's `LinearDiscriminantAnalysis()` (solver
 * 'svd'): its discriminants differ from these by terms equal for every class, so classes and
 * probabilities (the softmax of the discriminants) are the same, and as there, directions whose
 * standardised within-class spread is below 1e-4 are left out (a pseudo-inverse).
 */
import { UserError } from '../../errors';
import { symmetricEigen } from '../../explore/pca';

/** The LDA decision of a PLS-DA model: discriminants that are linear in the X scores. */
export interface PlsLda {
  rule: 'lda';
  /** Σ⁻¹μ_k, classes × components row-major. */
  coefficients: number[];
  /** −½μ_kᵀΣ⁻¹μ_k + log π_k per class; a class without training spectra never wins (−Number.MAX_VALUE, which JSON keeps). */
  intercepts: number[];
}

/** scikit-learn's rank tolerance of the solver 'svd'. */
const RANK_TOLERANCE = 1e-4;

/**
 * Fits LDA on training scores (rows × components row-major) and their class indices.
 * @throws UserError when there are no more spectra than classes (no within-class spread to estimate)
 */
export function fitLda(scores: ArrayLike<number>, labels: ArrayLike<number>, rows: number, components: number, classes: number): PlsLda {
  const a = components;
  const counts = new Float64Array(classes);
  const means = new Float64Array(classes * a);
  for (let i = 0; i < rows; i++) {
    const c = labels[i];
    counts[c]++;
    for (let l = 0; l < a; l++) means[c * a + l] += scores[i * a + l];
  }
  const present = counts.filter((n) => n > 0).length;
  if (rows <= present) throw new UserError('BAD_INPUT', `LDA on PLS scores needs more training spectra than classes; there are ${rows} spectra of ${present} classes.`);
  for (let c = 0; c < classes; c++) for (let l = 0; l < a; l++) if (counts[c]) means[c * a + l] /= counts[c];
  // Within-class deviations, standardised per component as scikit-learn does before its SVD.
  const dev = new Float64Array(rows * a);
  const std = new Float64Array(a);
  const centre = new Float64Array(a);
  for (let i = 0; i < rows; i++) for (let l = 0; l < a; l++) {
    const d = scores[i * a + l] - means[labels[i] * a + l];
    dev[i * a + l] = d;
    centre[l] += d / rows;
  }
  for (let l = 0; l < a; l++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += (dev[i * a + l] - centre[l]) ** 2;
    std[l] = Math.sqrt(s / rows) || 1;
  }
  const fac = 1 / (rows - present);
  const m = new Float64Array(a * a);
  for (let i = 0; i < rows; i++) for (let p = 0; p < a; p++) for (let q = p; q < a; q++) m[p * a + q] += (fac * dev[i * a + p] * dev[i * a + q]) / (std[p] * std[q]);
  for (let p = 0; p < a; p++) for (let q = 0; q < p; q++) m[p * a + q] = m[q * a + p];
  // Σ⁻¹ = D⁻¹·V·Λ⁻¹·Vᵀ·D⁻¹ over the eigenpairs whose singular value √λ passes the tolerance.
  const { values, vectors } = symmetricEigen(m, a);
  const precision = new Float64Array(a * a);
  for (let k = 0; k < a; k++) {
    if (!(Math.sqrt(Math.max(values[k], 0)) > RANK_TOLERANCE)) continue;
    for (let p = 0; p < a; p++) for (let q = 0; q < a; q++) precision[p * a + q] += (vectors[p * a + k] * vectors[q * a + k]) / values[k] / (std[p] * std[q]);
  }
  const coefficients = new Array<number>(classes * a).fill(0);
  const intercepts = new Array<number>(classes).fill(-Number.MAX_VALUE);
  for (let c = 0; c < classes; c++) {
    if (!counts[c]) continue;
    let quad = 0;
    for (let p = 0; p < a; p++) {
      let s = 0;
      for (let q = 0; q < a; q++) s += precision[p * a + q] * means[c * a + q];
      coefficients[c * a + p] = s;
      quad += s * means[c * a + p];
    }
    intercepts[c] = -0.5 * quad + Math.log(counts[c] / rows);
  }
  return { rule: 'lda', coefficients, intercepts };
}

/** Class probabilities (rows × classes, the softmax of the discriminants) for scores of rows × components. */
export function ldaProbabilities(lda: PlsLda, scores: ArrayLike<number>, rows: number): Float64Array {
  const classes = lda.intercepts.length;
  const a = lda.coefficients.length / classes;
  const out = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) {
    let top = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = lda.intercepts[c];
      for (let l = 0; l < a; l++) s += scores[i * a + l] * lda.coefficients[c * a + l];
      out[i * classes + c] = s;
      top = Math.max(top, s);
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[i * classes + c] = Math.exp(out[i * classes + c] - top);
    for (let c = 0; c < classes; c++) out[i * classes + c] /= sum;
  }
  return out;
}
