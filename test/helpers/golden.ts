import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/** A JSON file under test/fixtures/, as written by a scripts/golden/ script (trusted, not validated). */
export function readGolden<T>(...parts: string[]): T {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures', ...parts), 'utf8')) as T;
}

/**
 * The worst |a − b| / |b| over the elements, after checking the lengths agree; an element equal
 * to its reference counts 0, so exact zeros in the reference do not turn the result into NaN.
 */
export function elementRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, a[i] === b[i] ? 0 : Math.abs(a[i]! - b[i]!) / Math.abs(b[i]!));
  return worst;
}

/** What scripts/golden/pls_diagnostics.py writes about the out-of-model check of a fit (PCA or PLS). */
export interface GoldenOutOfModel {
  scoreVariances: number[];
  /** Q of the training rows. */
  qTrain: number[];
  /** Hotelling T² and Q of the new rows. */
  t2: number[];
  q: number[];
  t2Limit: number;
  qLimit: number;
  outOfModel: boolean[];
}
