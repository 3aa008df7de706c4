/**
 * The class decisions of PLS-DA: the largest predicted value (the plain PLS-DA rule, argmax of the
 * predicted one-hot row), the nearest class centre of the predicted rows, and the class of the
 * nearest training spectrum in the space of the model's X scores. Each decision other than the
 * first is stored in the model and turns a predicted row into inverse-distance class shares.
 */
import { findNonFinite } from './checks';
import { plsRotations } from './diagnostics';
import type { PlsCore, PlsModel } from './nipals';

/** The class decisions of PLS-DA. */
export type PlsDecision = 'pls-da' | 'centroid' | 'nearest-neighbour' | 'lda';

/**
 * The class-centre decision of a PLS-DA model: a spectrum takes the class whose centre — the mean
 * predicted row of that class's training spectra — lies closest (Euclidean) to its own predicted
 * row. Unlike the largest value, it does not favour large classes: with 8 "strawberry" spectra
 * among 402 (UCR Strawberry thinned), the largest value never predicts the small class, the
 * nearest centre finds 70–94 % of them. The predicted row then holds the inverse-distance shares
 * of the centres, as {@link PlsNearestNeighbour} does.
 */
export interface PlsCentroid {
  rule: 'centroid';
  /** Class centres of the predicted rows, classes × targets row-major. */
  centroids: number[];
}

/**
 * The nearest-neighbour decision of a PLS-DA model: a spectrum takes the class of the training
 * spectrum whose X scores ((x − xMeans)/xScales)·R lie closest (Euclidean) — 1-NN in the PLS
 * latent space, scikit-learn's `KNeighborsClassifier(1)` on `PLSRegression.transform`. The
 * predicted row then holds, per class, the share 1/d_c / Σ_k 1/d_k of the inverse distance d_c to
 * the nearest training spectrum of that class (1 for a class at distance 0): its largest entry is
 * the nearest spectrum's class, and the values rank spectra for ROC curves as the one-hot values do.
 */
export interface PlsNearestNeighbour {
  rule: 'nearest-neighbour';
  /** X scores of the training spectra, rows × components row-major. */
  scores: number[];
  /** Class index (0 … targets − 1) of each training spectrum. */
  labels: number[];
}

/** Inverse-distance shares of the class centres for predicted rows (see {@link PlsCentroid}). */
export function centroidShares(predicted: Float64Array, centroids: ArrayLike<number>, rows: number, targets: number): Float64Array {
  const classes = centroids.length / targets;
  const out = new Float64Array(rows * classes);
  const d2 = new Float64Array(classes);
  for (let i = 0; i < rows; i++) {
    centreDistances(predicted, i * targets, centroids, targets, d2);
    inverseDistanceShares(d2, out, i * classes);
  }
  return out;
}

/** The class whose centre lies nearest to the predicted row at `offset`, the first on ties; `d2` (one per class) is scratch. */
export function nearestCentre(predicted: ArrayLike<number>, offset: number, centroids: ArrayLike<number>, targets: number, d2: Float64Array): number {
  centreDistances(predicted, offset, centroids, targets, d2);
  let near = 0;
  let nearest = Infinity;
  for (let c = 0; c < d2.length; c++) {
    if (d2[c] < nearest) {
      nearest = d2[c];
      near = c;
    }
  }
  return near;
}

/** Squared Euclidean distances from the predicted row at `offset` to each class centre, into `d2`. */
function centreDistances(predicted: ArrayLike<number>, offset: number, centroids: ArrayLike<number>, targets: number, d2: Float64Array): void {
  for (let c = 0; c < d2.length; c++) {
    let s = 0;
    for (let t = 0; t < targets; t++) s += (predicted[offset + t] - centroids[c * targets + t]) ** 2;
    d2[c] = s;
  }
}

/** Class centres (classes × targets) of predicted rows: the mean row of each class; a class without rows sits at Number.MAX_VALUE (never nearest; survives JSON, unlike ∞). */
export function classCentroids(predicted: ArrayLike<number>, labels: ArrayLike<number>, index: ArrayLike<number> | null, count: number, classes: number, targets: number): Float64Array {
  const sums = new Float64Array(classes * targets);
  const counts = new Float64Array(classes);
  for (let k = 0; k < count; k++) {
    const i = index ? index[k] : k;
    const c = labels[i];
    counts[c]++;
    for (let t = 0; t < targets; t++) sums[c * targets + t] += predicted[k * targets + t];
  }
  for (let c = 0; c < classes; c++) for (let t = 0; t < targets; t++) sums[c * targets + t] = counts[c] ? sums[c * targets + t] / counts[c] : Number.MAX_VALUE;
  return sums;
}

/** The class-centre decision of a model fitted on `rows` spectra, from its predicted rows on them (`classes` wide). */
export function centroidDecision(fitted: Float64Array, labels: ArrayLike<number>, rows: number, classes: number): PlsCentroid {
  return { rule: 'centroid', centroids: Array.from(classCentroids(fitted, labels, null, rows, classes, classes)) };
}

/** The X scores of a fit's own rows, rows × components row-major (scikit-learn `x_scores_`). */
export function trainingScores(core: PlsCore): number[] {
  const { rows, components: a, stride, T } = core;
  const scores: number[] = new Array<number>(rows * a);
  for (let i = 0; i < rows; i++) for (let l = 0; l < a; l++) scores[i * a + l] = T[i * stride + l];
  return scores;
}

/** The nearest-neighbour decision of a fit on all its rows: their X scores and labels. */
export function nearestNeighbourDecision(core: PlsCore, labels: ArrayLike<number>): PlsNearestNeighbour {
  return { rule: 'nearest-neighbour', scores: trainingScores(core), labels: Array.from(labels) };
}

/** Inverse-distance shares of the nearest training spectrum of each class (see {@link PlsNearestNeighbour}). */
export function nearestNeighbourShares(model: PlsModel, nn: PlsNearestNeighbour, X: ArrayLike<number>, rows: number): Float64Array {
  const { cols, targets, components: A } = model;
  const R = plsRotations(model);
  const train = nn.labels.length;
  const out = new Float64Array(rows * targets);
  const z = new Float64Array(A);
  const nearest = new Float64Array(targets);
  for (let i = 0; i < rows; i++) {
    z.fill(0);
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const d = (X[o + j] - model.xMeans[j]) / model.xScales[j];
      if (d === 0) continue;
      const r = j * A;
      for (let l = 0; l < A; l++) z[l] += d * R[r + l];
    }
    for (let l = 0; l < A; l++) if (!Number.isFinite(z[l])) findNonFinite('X', X, cols);
    nearest.fill(Infinity);
    for (let k = 0; k < train; k++) {
      let d2 = 0;
      const s = k * A;
      for (let l = 0; l < A; l++) d2 += (z[l] - nn.scores[s + l]) ** 2;
      const c = nn.labels[k];
      if (d2 < nearest[c]) nearest[c] = d2;
    }
    inverseDistanceShares(nearest, out, i * targets);
  }
  return out;
}

/** Writes 1/d_c / Σ 1/d_k for squared distances d²; classes at distance 0 share 1, absent classes (∞) get 0. */
function inverseDistanceShares(squared: Float64Array, out: Float64Array, offset: number): void {
  const n = squared.length;
  let zeros = 0;
  for (let c = 0; c < n; c++) if (squared[c] === 0) zeros++;
  let sum = 0;
  for (let c = 0; c < n; c++) sum += zeros ? (squared[c] === 0 ? 1 : 0) : 1 / Math.sqrt(squared[c]);
  for (let c = 0; c < n; c++) out[offset + c] = (zeros ? (squared[c] === 0 ? 1 : 0) : 1 / Math.sqrt(squared[c])) / sum;
}
