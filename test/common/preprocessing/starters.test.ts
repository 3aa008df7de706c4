/**
 * The common starting recipes of the Recipes view: each is a valid pipeline that runs on real
 * spectra (UCR Coffee), and the first is the acceptance run's first-derivative recipe.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STARTER_RECIPES } from '../../../src-main/common/preprocessing/starters';
import { applyPipeline, fitOnTraining, parsePipelineSpec } from '../../../src-main/common/preprocessing/pipeline';
import { fixture } from '../../helpers/datasets';

const rows = fs.readFileSync(fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv'), 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number).slice(1));
const block = { axis: Float64Array.from(rows[0]!, (_, i) => i + 1), rows: rows.length, values: Float64Array.from(rows.flat()) };

describe('starter recipes', () => {
  it('are five, with distinct names and a reason each', () => {
    expect(STARTER_RECIPES.map((r) => r.name)).toEqual([
      'First derivative (Savitzky–Golay, 11 points, quadratic)',
      'SNV, then first derivative',
      'Second derivative (Savitzky–Golay, 15 points, quadratic)',
      'MSC (multiplicative scatter correction)',
      'Raman: baseline (arPLS), then SNV',
    ]);
    for (const r of STARTER_RECIPES) expect(r.why).toMatch(/^[A-Z].{40,}\.$/);
  });

  for (const r of STARTER_RECIPES) {
    it(`${r.name}: parses and runs on Coffee (28 × 286) without a non-finite value`, () => {
      const spec = parsePipelineSpec(r.spec);
      expect(spec.steps.map((s) => s.kind)).toEqual(r.spec.steps.map((s) => s.kind));
      const out = applyPipeline(fitOnTraining(spec, block, []), block);
      expect(out.rows).toBe(28);
      expect(out.axis.length).toBe(286);
      expect(out.values.every(Number.isFinite)).toBe(true);
    });
  }

  it('the first is scripts/recipes/first-derivative.json (the acceptance run’s PLS recipe)', () => {
    const file = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../scripts/recipes/first-derivative.json'), 'utf8'));
    expect(file).toEqual(STARTER_RECIPES[0]!.spec);
  });
});
