/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * The Train view on a map (chondro, 35 × 25 pixels): a region of the map held out by default,
 * the warning a random split gets, the neighbourhood setting, a PLS run on neighbourhoods, and
 * that run's prediction of every pixel in the Maps view.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/datasets';
import { canvasInk, screenshot } from './harness';
import { useAppPage } from './setup';
import type { RunSummary } from '../../src-main/common/ipc/contract';

describe('Train view on a map (Chromium, real Session and trainer)', () => {
  const app = useAppPage('spectra-train-map-');

  it('holds out a region by default, warns about a random split, and trains PLS on 3 × 3 neighbourhoods', async () => {
    await app.newProject(path.join(app.work, 'map.spectra'));
    expect(await app.importFile(fixture('raman_map_chondro', 'chondro.csv'), 'chondro', undefined, 'cm-1')).toBe(875);
    const { page } = app;

    await app.goTo('Train');
    const main = app.main();
    await main.locator('[data-testid=layer-table]').waitFor();
    expect(await main.locator('input[name=validation][value="blocked-holdout:0.2"]').isChecked()).toBe(true);
    const warnings = () => main.locator('[data-testid=train-warning]').allTextContents();

    await main.locator('input[name=validation][value="holdout:0.2"]').check();
    await main.locator('[data-testid=train-warning]', { hasText: 'This dataset is a map' }).waitFor();
    expect((await warnings()).find((w) => w.startsWith('This dataset is a map'))).toMatch(/^This dataset is a map, and \d+ of its 174 test pixels \(100 %\) have a training pixel next to them: neighbouring pixels have nearly the same spectrum, so this split tests the model on pixels it has in effect trained on and its score is optimistic\. Use blocked-holdout:0\.2 to hold out contiguous regions of the map\.$/);

    await main.locator('input[name=validation][value="blocked-holdout:0.2"]').check();
    await main.locator('select[name=model]').selectOption('pls');
    await main.locator('select[name=neighbourhood]').selectOption('1');
    await main.getByText(/A buffer of 1 pixel between the regions is left out/).waitFor();
    expect(await main.locator('select[name=neighbourhoodMode] option').allTextContents()).toEqual(['Each spectrum a channel (9 channels)', 'The pixel and the mean of its neighbourhood (2 channels)']);
    await page.waitForFunction(() => !document.querySelector('[data-testid=train-warning]')?.textContent?.startsWith('This dataset is a map'));
    expect((await warnings()).some((w) => w.startsWith('This dataset is a map'))).toBe(false);
    // The model reads the pixel and its 8 neighbours as 9 channels.
    await main.getByText('[300, 9]').first().waitFor();
    await screenshot(page, '59-train-map-setup');

    await main.locator('select[name=recipe]').selectOption({ label: 'None — raw spectra' });
    await page.keyboard.press('Control+Enter');
    await main.locator('[data-testid=run-metrics]').waitFor({ timeout: 120_000 });
    const [run] = await app.value<RunSummary[]>('runs:list', {});
    expect(run).toMatchObject({ model: 'pls', status: 'done', dataset: 'chondro', target: 'cluster' });
    expect(run!.test!.balancedAccuracy).toBeCloseTo(0.8197, 4);
    await screenshot(page, '59-train-map-done');
  }, 240_000);

  it('predicts every pixel of the map with that run: the predicted clusters and the out-of-model flag', async () => {
    const { page } = app;
    await app.goTo('Maps');
    const main = app.main();
    await main.locator('select[name=mapKind]').selectOption('prediction');
    await main.getByTestId('map-title').getByText('Predicted cluster (run 1, pls)').waitFor({ timeout: 60_000 });
    expect(await main.locator('[data-testid=map-legend] li').allTextContents()).toEqual(['cell 209', 'lacuna 376', 'matrix 290']);
    expect(await main.getByTestId('map-note').textContent()).toMatch(/^Run 1 predicted 875 spectra in \d+\.\d\d s; 209 out of model \(Q or T² above its 95 % limit\)\.$/);
    const ink = await canvasInk(page, '[data-testid=map-image] canvas');
    expect(ink.inked).toBe(ink.width * ink.height);
    await page.waitForTimeout(200);
    await screenshot(page, '63-map-predicted');

    expect(await main.locator('select[name=mapShow] option').allTextContents()).toEqual(['Predicted class', 'Probability of cell', 'Probability of lacuna', 'Probability of matrix', 'Out of model']);
    await main.locator('select[name=mapShow]').selectOption('outOfModel');
    await main.getByTestId('map-title').getByText('Out of model (run 1, pls): Q or T² above its 95 % limit').waitFor();
    expect(await main.locator('[data-testid=map-legend] li').allTextContents()).toEqual(['within the model 666', 'out of model 209']);
    await main.locator('select[name=mapShow]').selectOption('p:cell');
    await main.getByTestId('map-title').getByText('Probability of "cell" (run 1, pls)').waitFor();
    await main.getByTestId('map-scale').getByText('Probability of "cell" (PLS-DA score on the probability scale)').waitFor();
    await page.waitForTimeout(200);
    await screenshot(page, '64-map-probability');
    expect(app.problems).toEqual([]);
  }, 120_000);
});
