/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import { datasetBlock } from '../../src-main/services/preprocess';
import { loadSpectra } from '../../src-main/db/datasets';
import { applyPipeline, fitOnTraining, parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import type { DatasetSummary } from '../../src-main/common/domain/project';

describe('Apply a recipe to a dataset (Chromium, real Session)', () => {
  const app = useAppPage('spectra-apply-');
  const dialog = () => app.page.getByRole('dialog', { name: 'Apply recipe to a dataset' });
  const datasets = () => app.value<DatasetSummary[]>('datasets:list', {});

  it('applies “SG1 + SNV” to Coffee (train + test) from the Recipes view', async () => {
    await app.newProject(path.join(app.work, 'Apply.spectra'));
    await app.importUcr('Coffee');

    await app.goTo('Recipes');
    await app.main().locator('select[name=addStep]').selectOption('savitzkyGolay');
    await app.main().locator('[data-testid=recipe-step][data-kind=savitzkyGolay] input[name=derivative]').fill('1');
    await app.main().locator('select[name=addStep]').selectOption('snv');
    await app.main().locator('input[name=recipeName]').fill('SG1 + SNV');
    await app.main().getByRole('button', { name: 'Save recipe' }).click();
    await app.main().getByText('Saved “SG1 + SNV”.').waitFor();

    await app.main().getByRole('button', { name: 'Apply to dataset…' }).click();
    await dialog().waitFor();
    await expect(dialog().locator('input[name=applyName]').inputValue()).resolves.toBe('Coffee · SG1 + SNV');
    const facts = await dialog().locator('.facts').textContent();
    expect(facts).toMatch(/All 56 spectra of “Coffee” are processed/);
    expect(facts).toMatch(/No step learns from the data/);
    await screenshot(app.page, '34-recipes-apply');

    await dialog().getByRole('button', { name: 'Apply to 56 spectra' }).click();
    await dialog().getByText(/Stored “Coffee · SG1 \+ SNV”: 56 spectra × 286 points/).waitFor();

    // What was stored is exactly the recipe's output (float32), and its provenance names the recipe.
    const list = await datasets();
    expect(list.map((d) => [d.name, d.samples, d.points, d.splits])).toEqual([
      ['Coffee', 56, 286, { train: 28, test: 28, none: 0 }],
      ['Coffee · SG1 + SNV', 56, 286, { train: 28, test: 28, none: 0 }],
    ]);
    const derived = list[1]!;
    expect(derived.derivedFrom).toMatchObject({ sourceDataset: 'Coffee', recipe: 'SG1 + SNV', fittedOn: 'train', fittedSamples: 28 });
    expect(derived.columns.class).toMatchObject({ kind: 'class', distinct: 2 });
    const db = app.bridge.session.requireDb();
    const { block, train } = datasetBlock(db, list[0]!.id, 'Coffee');
    const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { derivative: 1 } }, { kind: 'snv' }] });
    expect(derived.derivedFrom!.pipelineHash).toBe(spec.hash);
    const expected = Float32Array.from(applyPipeline(fitOnTraining(spec, block, train), block).values);
    const stored = new Float32Array(expected.length);
    loadSpectra(db, derived.id).forEach((s, i) => stored.set(s.channels[0]!, i * 286));
    expect(stored).toEqual(expected);
  });

  it('opens the new dataset in Data, which says where it came from', async () => {
    await dialog().getByRole('button', { name: 'Open “Coffee · SG1 + SNV” in Data' }).click();
    await app.main().locator('h1', { hasText: 'Coffee · SG1 + SNV' }).waitFor();
    const from = await app.main().locator('[data-testid=derived-from]').textContent();
    expect(from).toMatch(/Processed from\s+Coffee\s+with recipe “SG1 \+ SNV”: Savitzky–Golay .*→ Standard normal variate \(SNV\)/);
    expect(from).toMatch(/no fitted steps/);
    await app.page.locator('[data-testid=spectra-chart] canvas').first().waitFor();
    await app.page.waitForTimeout(300);
    await screenshot(app.page, '35-recipes-applied-dataset');
  });

  it('shows progress with a count while a slow recipe runs, and Stop leaves the project unchanged', async () => {
    // 3 000 spectra × 1 000 points through arPLS: several seconds, processed in chunks of 200.
    // (In this harness the job runs in the test's own process, so the test is slowed while it runs.)
    const file = path.join(app.work, 'Slow baseline.csv');
    const header = ['sample', 'class', ...Array.from({ length: 1000 }, (_, i) => String(400 + i * 3))];
    const lines = [header.join(',')];
    for (let r = 0; r < 3000; r++) {
      const y = Array.from({ length: 1000 }, (_, i) => (Math.exp(-(((i - 300 - (r % 50)) / 30) ** 2)) + 0.4 * Math.sin(i / 150) + i / 1500).toFixed(4));
      lines.push([`s${r}`, `g${r % 3}`, ...y].join(','));
    }
    fs.writeFileSync(file, lines.join('\n'));
    await app.importFile(file, 'Slow baseline');
    const before = (await datasets()).map((d) => d.name);

    await app.goTo('Recipes');
    await app.selectByText('recipeDataset', 'Slow baseline');
    for (let i = await app.main().locator('[data-testid=recipe-step]').count(); i > 0; i--) await app.main().getByRole('button', { name: `Remove step ${i}` }).click();
    await app.main().locator('select[name=addStep]').selectOption('arpls');
    await app.main().locator('select[name=addStep]').selectOption('meanCenter');
    await app.main().getByRole('button', { name: 'Apply to dataset…' }).click();
    await expect(dialog().locator('input[name=applyName]').inputValue()).resolves.toBe('Slow baseline · processed');
    await expect(dialog().locator('.facts').textContent()).resolves.toMatch(/Fitted steps \(Mean centring\) learn from\s*all 3\s000 spectra \(none is tagged train\)/);
    await dialog().getByRole('button', { name: /Apply to 3\s000 spectra/ }).click();

    // Progress: a count of spectra, a percentage and an ETA, in the dialog and the status bar.
    const progress = dialog().locator('[data-testid=apply-progress]');
    await progress.getByText(/applying · \d[\d\s]* of 3\s000 spectra · \d+ %/).waitFor({ timeout: 30_000 });
    const seen = await app.page.evaluate(() => ({
      pct: Number(document.querySelector('[data-testid=apply-progress] [role=progressbar]')?.getAttribute('aria-valuenow')),
      status: document.querySelector('footer.status')?.textContent ?? '',
    }));
    await screenshot(app.page, '34-recipes-apply-progress');
    await dialog().getByRole('button', { name: 'Stop' }).click();
    expect(seen.status).toMatch(/Applying the recipe to Slow baseline · [\d\s]+ of 3\s000 spectra/);
    expect(seen.pct).toBeGreaterThan(0);
    expect(seen.pct).toBeLessThan(100);
    await dialog().getByText('Stopped. Nothing was stored; the project is as it was.').waitFor({ timeout: 30_000 });
    expect((await datasets()).map((d) => d.name)).toEqual(before);
    const db = app.bridge.session.requireDb();
    expect(db.prepare('SELECT count(*) AS n FROM dataset_provenance').get()).toEqual({ n: 1 });
    await dialog().getByRole('button', { name: 'Close', exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
  });

  it('left no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
