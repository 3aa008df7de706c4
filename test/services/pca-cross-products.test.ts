/**
 * The paged PCA's covariance sums on the WebAssembly kernels (what the app's map images use) are
 * the plain-JS sums to 1e-9, and so are the PCA they give: on the chondro Raman map and on a
 * generated page whose point count is not a multiple of 4 (the kernel's rows are padded).
 * Needs out/ml/kernels.wasm (`node scripts/build-wasm.mjs`).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { datasetPages } from '../../src-main/services/preprocess';
import { jsCrossProducts, pagedPca, type CrossProductsOf } from '../../src-main/common/maps/pca-pages';
import { blockPages, type RowPages } from '../../src-main/common/maps/rows';
import { wasmCrossProducts } from '../../src-main/ml/kernels/cross-products';
import { mulberry32, normal } from '../../src-main/common/ml/random';
import { fixture } from '../helpers/datasets';
import { tmpDir } from '../helpers/tmp';

let chondro: RowPages;

beforeAll(async () => {
  const db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true });
  const { datasetId } = await importFiles(db, { files: [fixture('raman_map_chondro', 'chondro.csv')] });
  chondro = datasetPages(db, datasetId, 'chondro', 128).pages;
});

/** 300 spectra of 1,001 points: three bands of random heights on a sloping baseline, with noise. */
function generatedPage(): RowPages {
  const rows = 300;
  const points = 1001;
  const rand = mulberry32(7);
  const values = new Float32Array(rows * points);
  for (let r = 0; r < rows; r++) {
    const heights = [rand(), rand(), rand()];
    for (let c = 0; c < points; c++) {
      const bands = heights.reduce((s, h, b) => s + h * Math.exp(-(((c - 250 * (b + 1)) / 30) ** 2)), 0);
      values[r * points + c] = 100 + 0.01 * c + 5 * bands + 0.05 * normal(rand);
    }
  }
  return blockPages(values, rows, points, 64);
}

/** The upper triangle of the sums of the centred rows' outer products, as pagedPca forms it. */
function sums(pages: RowPages, of: CrossProductsOf): Float64Array {
  const p = pages.points;
  const mean = new Float64Array(p);
  pages.forEachPage((block, _f, count) => {
    for (let r = 0; r < count; r++) for (let c = 0; c < p; c++) mean[c]! += block[r * p + c]! / pages.rows;
  });
  const acc = of(p);
  pages.forEachPage((block, _f, count) => acc.add(Float64Array.from(block, (v, i) => v - mean[i % p]!), count));
  return acc.upper();
}

/** The largest |a − b| over an entry's scale √(Cᵢᵢ·Cⱼⱼ) (Cauchy–Schwarz: no entry is larger), upper triangle. */
function worstRelative(a: Float64Array, b: Float64Array, p: number): number {
  let worst = 0;
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) worst = Math.max(worst, Math.abs(a[i * p + j]! - b[i * p + j]!) / Math.sqrt(b[i * p + i]! * b[j * p + j]!));
  return worst;
}

const cases = [
  ['chondro (875 × 300)', () => chondro],
  ['a generated page (300 × 1,001)', generatedPage],
] as const;

describe.each(cases)('cross products on the WebAssembly kernels, %s', (_name, source) => {
  const wasm = wasmCrossProducts();

  it('loads the WebAssembly kernels', () => {
    expect(wasm).not.toBeNull();
  });

  it('gives the JS sums to 1e-9 of each entry’s scale', () => {
    const pages = source();
    expect(worstRelative(sums(pages, wasm!), sums(pages, jsCrossProducts), pages.points)).toBeLessThan(1e-9);
  });

  it('gives the JS path’s PCA: variances to 1e-9 relative, scores to 1e-9 of the component’s largest score', () => {
    const pages = source();
    const got = pagedPca(pages, 3, wasm!);
    const want = pagedPca(pages, 3);
    expect(got.k).toBe(3);
    for (let j = 0; j < 3; j++) {
      expect(Math.abs(got.explainedVariance[j]! - want.explainedVariance[j]!) / want.explainedVariance[j]!).toBeLessThan(1e-9);
      let big = 0;
      let diff = 0;
      for (let r = 0; r < pages.rows; r++) {
        big = Math.max(big, Math.abs(want.scores[r * 3 + j]!));
        diff = Math.max(diff, Math.abs(got.scores[r * 3 + j]! - want.scores[r * 3 + j]!));
      }
      expect(diff / big).toBeLessThan(1e-9);
    }
  });
});
