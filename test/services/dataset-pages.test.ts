/**
 * A dataset read page by page from the project file (float32, a few thousand spectra at a time)
 * holds exactly the values of the whole read, and the PCA computed over the pages is the
 * in-memory PCA of the whole block.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { loadSpectra } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { datasetBlock, datasetPages } from '../../src-main/services/preprocess';
import { pagedPca } from '../../src-main/common/maps/pca-pages';
import { pca } from '../../src-main/common/explore/pca';
import { applyPipeline, fitOnTraining, parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { applyRecipeToDataset } from '../../src-main/services/apply-recipe';
import { fixture } from '../helpers/datasets';
import { tmpDir } from '../helpers/tmp';

let db: Db;
let datasetId: number;

beforeAll(async () => {
  db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true });
  datasetId = (await importFiles(db, { files: [fixture('raman_map_chondro', 'chondro.csv')] })).datasetId;
});

/** Index of the first value where the two differ, −1 when none does. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('dataset read in pages', () => {
  it('gives the values, keys and order of the whole read, page after page', () => {
    const streamed = datasetPages(db, datasetId, 'chondro', 100);
    const whole = datasetBlock(db, datasetId, 'chondro');
    const { rows, points } = streamed.pages;
    expect([rows, points]).toEqual([875, 300]);
    const collected = new Float32Array(rows * points);
    const pages: [number, number][] = [];
    streamed.pages.forEachPage((block, first, count) => {
      pages.push([first, count]);
      collected.set(block.subarray(0, count * points), first * points);
    });
    expect(pages).toEqual([...Array.from({ length: 8 }, (_, k) => [k * 100, 100]), [800, 75]]);
    expect(firstDifference(Float64Array.from(collected), whole.block.values)).toBe(-1);
    expect([streamed.keys, streamed.sampleIds, streamed.splits]).toEqual([whole.keys, whole.sampleIds, whole.splits]);
    expect(Array.from(streamed.axis)).toEqual(Array.from(whole.block.axis));
    const spectra = loadSpectra(db, datasetId);
    const all = new Float32Array(rows * points);
    spectra.forEach((s, i) => all.set(s.channels[0]!, i * points));
    expect(firstDifference(collected, all)).toBe(-1);
    expect(firstDifference(streamed.pages.row(874), all.subarray(874 * points))).toBe(-1);
  });

  it('computes the PCA of the pages as the in-memory PCA of the whole block, to 1e-8', () => {
    const { pages } = datasetPages(db, datasetId, 'chondro', 128);
    const { block } = datasetBlock(db, datasetId, 'chondro');
    const streamed = pagedPca(pages, 3);
    const whole = pca(block.values, block.rows, block.axis.length, 3);
    let worst = 0;
    for (let i = 0; i < block.rows * 3; i++) worst = Math.max(worst, Math.abs(streamed.scores[i]! - whole.scores[i]!));
    expect(worst).toBeLessThan(1e-8);
    for (let j = 0; j < 3; j++) expect(Math.abs(streamed.explainedVarianceRatio[j]! - whole.explainedVarianceRatio[j]!)).toBeLessThan(1e-8);
  });

  it('applies a recipe read in chunks as the whole block would, with and without fitted steps', async () => {
    const { block } = datasetBlock(db, datasetId, 'chondro');
    for (const steps of [[{ kind: 'savitzkyGolay', params: { windowSize: 9, polynomial: 2, derivative: 0 } }, { kind: 'snv' }], [{ kind: 'snv' }, { kind: 'meanCenter' }]]) {
      const spec = parsePipelineSpec({ schemaVersion: 1, steps });
      const r = await applyRecipeToDataset(db, { datasetId, spec, recipeName: steps.map((s) => s.kind).join(' + ') }, { chunkRows: 100 });
      const whole = applyPipeline(fitOnTraining(spec, block, []), block);
      const stored = datasetBlock(db, r.datasetId, r.dataset).block;
      expect([stored.rows, stored.axis.length]).toEqual([875, 300]);
      expect(firstDifference(stored.values, Float64Array.from(Float32Array.from(whole.values)))).toBe(-1);
    }
  });
});
