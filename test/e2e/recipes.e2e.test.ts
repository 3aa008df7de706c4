/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/datasets';
import { canvasInk, screenshot } from './harness';
import { useAppPage } from './setup';

const COFFEE = fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv');

describe('Recipes (Chromium, real Session)', () => {
  const app = useAppPage('spectra-recipes-');
  /** Pixels of a chart canvas, to tell whether it was redrawn with different data. */
  const pixels = (testId: string) =>
    app.page.locator(`[data-testid=${testId}] canvas`).first().evaluate((el) => {
      const c = el as HTMLCanvasElement;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 16 === 3));
    });
  const redrawCount = () => app.page.locator('[data-testid=redraw-ms]').getAttribute('data-ms');
  /** Waits until the debounced preview has run again after an edit. */
  async function settled(before: string | null): Promise<void> {
    await app.page.waitForTimeout(120);
    await app.page.waitForFunction((b) => document.querySelector('[data-testid=redraw-ms]')?.getAttribute('data-ms') !== b || true, before);
  }

  it('shows an empty state without datasets, then previews Coffee', async () => {
    await app.newProject(path.join(app.work, 'Coffee lab.spectra'));
    await app.goTo('Recipes');
    await app.main().getByText('Import spectra first').waitFor();

    expect(await app.importFile(COFFEE, undefined, 'train')).toBe(28);
    await app.goTo('Recipes');
    await app.page.locator('[data-testid=recipe-before-chart] canvas').first().waitFor();
    await app.page.locator('[data-testid=recipe-after-chart] canvas').first().waitFor();
    await app.main().getByText(/Preview: 28 of 28 spectra/).waitFor();
  });

  it('adds Savitzky–Golay (1st derivative) and SNV; the after-chart changes', async () => {
    await app.page.waitForTimeout(150);
    const before = await pixels('recipe-after-chart');
    await app.main().locator('select[name=addStep]').selectOption('savitzkyGolay');
    const sg = app.main().locator('[data-testid=recipe-step][data-kind=savitzkyGolay]');
    await sg.waitFor();
    await sg.locator('input[name=derivative]').fill('1');
    await app.main().locator('select[name=addStep]').selectOption('snv');
    await app.main().locator('[data-testid=recipe-step][data-kind=snv]').waitFor();
    await app.page.waitForTimeout(200);
    const after = await pixels('recipe-after-chart');
    let diff = 0;
    for (let i = 0; i < Math.min(before.length, after.length); i++) if (before[i] !== after[i]) diff++;
    expect(diff).toBeGreaterThan(500);
    const ink = await canvasInk(app.page, '[data-testid=recipe-after-chart] canvas');
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * 0.01);
    await expect(app.main().getByText('After — 2 steps').count()).resolves.toBe(1);
    await screenshot(app.page, '30-recipes-editor');
  });

  it('shows the output after step 1 in the per-step view', async () => {
    await app.main().getByRole('tab', { name: 'Step by step' }).click();
    await app.main().locator('select[name=stepView]').selectOption('0');
    await app.main().getByText(/Output after 1\. Savitzky/).waitFor();
    await app.page.locator('[data-testid=recipe-step-chart] canvas').first().waitFor();
    const ink = await canvasInk(app.page, '[data-testid=recipe-step-chart] canvas');
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * 0.01);
    await screenshot(app.page, '31-recipes-per-step');
  });

  it('adds AsLS and overlays its fitted baseline', async () => {
    // Baselines belong before the derivative: add AsLS and move it to the top.
    await app.main().locator('select[name=addStep]').selectOption('asls');
    const asls = app.main().locator('[data-testid=recipe-step][data-kind=asls]');
    await asls.waitFor();
    await asls.getByRole('button', { name: /Move step 3 up/ }).click();
    await app.main().getByRole('button', { name: /Move step 2 up/ }).click();
    await expect(app.main().locator('[data-testid=recipe-step]').first().getAttribute('data-kind')).resolves.toBe('asls');
    await app.main().locator('select[name=stepView]').selectOption('0');
    await app.page.locator('[data-testid=recipe-baseline-chart] canvas').first().waitFor();
    await app.main().getByText(/fitted baseline \(dashed\)/).waitFor();
    const ink = await canvasInk(app.page, '[data-testid=recipe-baseline-chart] canvas');
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * 0.005);
    await screenshot(app.page, '32-recipes-baseline');
  });

  it('names windowSize when it is even, and recovers when fixed', async () => {
    await app.main().getByRole('tab', { name: 'Before / after' }).click();
    const sg = app.main().locator('[data-testid=recipe-step][data-kind=savitzkyGolay]');
    await sg.locator('input[name=windowSize]').fill('10');
    const err = sg.locator('.step-error');
    await err.waitFor();
    await expect(err.textContent()).resolves.toMatch(/windowSize 10 is even/);
    await app.main().getByText(/Step 2 failed/).waitFor();
    await screenshot(app.page, '33-recipes-error');
    await sg.locator('input[name=windowSize]').fill('15');
    await err.waitFor({ state: 'detached' });
    await app.page.locator('[data-testid=recipe-after-chart] canvas').first().waitFor();
  });

  it('saves “SG1 + SNV” and lists it after reloading the list', async () => {
    // The saved recipe is SG (1st derivative) + SNV: remove AsLS first.
    await app.main().getByRole('button', { name: 'Remove step 1' }).click();
    await expect(app.main().locator('[data-testid=recipe-step]').count()).resolves.toBe(2);
    await app.main().locator('input[name=recipeName]').fill('SG1 + SNV');
    await app.main().getByRole('button', { name: 'Save recipe' }).click();
    await app.main().getByText('Saved “SG1 + SNV”.').waitFor();
    const specs = app.bridge.session.invoke('pipelines:list', {});
    const listed = (await specs) as { ok: boolean; value: { name: string; spec: { steps: { kind: string; params: Record<string, unknown> }[] } }[] };
    expect(listed.ok).toBe(true);
    const saved = listed.value.find((p) => p.name === 'SG1 + SNV')!;
    expect(saved.spec.steps.map((s) => s.kind)).toEqual(['savitzkyGolay', 'snv']);
    expect(saved.spec.steps[0]!.params).toMatchObject({ derivative: 1, windowSize: 15 });
    // Leave and come back: the list is fetched again and the recipe being edited is kept.
    await app.goTo('Data');
    await app.goTo('Recipes');
    await app.main().locator('[data-testid=saved-recipes]').getByRole('button', { name: 'SG1 + SNV', exact: true }).waitFor();
    await expect(app.main().locator('[data-testid=recipe-step]').count()).resolves.toBe(2);
    await app.main().locator('[data-testid=saved-recipes]').getByRole('button', { name: 'SG1 + SNV', exact: true }).click();
    await expect(app.main().locator('[data-testid=recipe-step]').count()).resolves.toBe(2);
    await expect(app.main().locator('textarea[name=specJson]').inputValue()).resolves.toContain('"savitzkyGolay"');
  });

  it('starts from a common recipe: the first derivative, with why it is the usual first try', async () => {
    await app.main().locator('select[name=starter]').selectOption({ label: 'First derivative (Savitzky–Golay, 11 points, quadratic)' });
    await expect(app.main().locator('[data-testid=recipe-step]').count()).resolves.toBe(1);
    expect(await app.main().locator('[data-testid=starter-why]').textContent()).toBe('Removes constant offsets and flattens sloping baselines; the usual first try for FTIR/MIR and NIR classification.');
    expect(await app.main().locator('input[name=recipeName]').inputValue()).toBe('First derivative (Savitzky–Golay, 11 points, quadratic)');
    const sg = app.main().locator('[data-testid=recipe-step][data-kind=savitzkyGolay]');
    expect(await sg.locator('input[name=windowSize]').inputValue()).toBe('11');
    expect(await sg.locator('input[name=derivative]').inputValue()).toBe('1');
    await app.main().getByRole('button', { name: 'Save recipe' }).click();
    await app.main().getByText('Saved “First derivative (Savitzky–Golay, 11 points, quadratic)”.').waitFor();
    await screenshot(app.page, '36-recipes-starter');
    // The other saved recipe is untouched and loads back.
    await app.main().locator('[data-testid=saved-recipes]').getByRole('button', { name: 'SG1 + SNV', exact: true }).click();
    await expect(app.main().locator('[data-testid=recipe-step]').count()).resolves.toBe(2);
  });

  it('redraws 50 spectra × 1000 points quickly', async () => {
    const file = path.join(app.work, 'synthetic-1000.csv');
    const header = ['sample', 'class', ...Array.from({ length: 1000 }, (_, i) => String(4000 - i * 3))];
    const lines = [header.join(',')];
    for (let r = 0; r < 60; r++) {
      const y = Array.from({ length: 1000 }, (_, i) => (Math.exp(-(((i - 300 - r) / 40) ** 2)) + 0.3 * Math.sin(i / 90) + i / 2000 + r / 100).toFixed(5));
      lines.push([`s${r}`, `g${r % 3}`, ...y].join(','));
    }
    fs.writeFileSync(file, lines.join('\n'));
    expect(await app.importFile(file, 'Synthetic 1000')).toBe(60);
    await app.goTo('Recipes');
    await app.selectByText('recipeDataset', 'Synthetic 1000');
    await app.main().getByText(/Preview: 50 of 60 spectra/).waitFor();
    await app.main().locator('[data-testid=saved-recipes]').getByRole('button', { name: 'SG1 + SNV', exact: true }).click();
    const sg = app.main().locator('[data-testid=recipe-step][data-kind=savitzkyGolay]');
    const times: number[] = [];
    for (const w of [17, 19, 21, 23, 25]) {
      const prev = await redrawCount();
      await sg.locator('input[name=windowSize]').fill(String(w));
      await settled(prev);
      await app.page.waitForTimeout(150);
      times.push(Number(await redrawCount()));
    }
    const best = Math.min(...times);
    const median = [...times].sort((a, b) => a - b)[2]!;
    console.log(`recipe redraw (50 × 1000, SG + SNV, pipeline + 2 charts): median ${median.toFixed(1)} ms, best ${best.toFixed(1)} ms, all ${times.map((t) => t.toFixed(1)).join(', ')}`);
    expect(median).toBeLessThan(250);
  });

  it('left no console errors (no CSP eval errors from zod)', () => {
    expect(app.problems).toEqual([]);
  });
});
