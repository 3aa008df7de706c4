import { stepError } from '../../step-error';

/** Shared argument guards for the baseline steps; each message names the step and parameter. */

/** Penalised baselines work on spectra of at least three points (one second difference). */
export const MIN_POINTS = 3;

export function checkLength(kind: string, n: number): void {
  if (n < MIN_POINTS) {
    throw stepError(kind, 'values', `the spectrum must have at least ${MIN_POINTS} points; got ${n}.`);
  }
}

export function checkLambda(kind: string, lambda: number): void {
  if (!(lambda > 0) || !Number.isFinite(lambda)) {
    throw stepError(kind, 'lambda', `lambda must be greater than 0; got ${lambda}.`);
  }
}

/** A whole number ≥ `min`, e.g. an iteration count. */
export function checkCount(kind: string, field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw stepError(kind, field, `${field} must be a whole number of at least ${min}; got ${value}.`);
  }
}

/** A positive finite tolerance. */
export function checkPositive(kind: string, field: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw stepError(kind, field, `${field} must be greater than 0; got ${value}.`);
  }
}

/** Refuses NaN/±Inf in `y[offset .. offset + n)`; `row` is 0-based, or −1 for a lone spectrum. */
export function checkFinite(kind: string, y: Float64Array, offset: number, n: number, row: number): void {
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[offset + i])) {
      const which = row >= 0 ? `spectrum ${row + 1}` : 'the spectrum';
      throw stepError(
        kind,
        'values',
        `${which} has a non-finite value (${y[offset + i]}) at point ${i + 1}; remove or interpolate it before baseline correction.`,
      );
    }
  }
}
