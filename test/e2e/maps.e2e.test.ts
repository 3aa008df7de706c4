/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/datasets';
import { canvasInk, screenshot } from './harness';
import { useAppPage } from './setup';

describe('Maps (Chromium, real Session)', () => {
  const app = useAppPage('spectra-maps-');
  const image = '[data-testid=map-image] canvas';

  /** Labels the selected pixels `value` in column "region" and shows that column as a class image. */
  async function labelSelection(pixels: number, value: string): Promise<void> {
    const selection = app.main().getByTestId('map-selection');
    await selection.getByText(`${pixels} pixels selected`).waitFor();
    await selection.locator('input[name=labelColumn]').fill('region');
    await selection.locator('input[name=labelValue]').fill(value);
    await selection.getByRole('button', { name: 'Label' }).click();
    await app.main().getByText(`${pixels} pixels labelled “${value}” in column “region”.`).waitFor();
    await app.main().locator('select[name=mapKind]').selectOption('class');
    await app.main().locator('select[name=mapColumn]').selectOption('region');
    await app.main().getByTestId('map-title').getByText('region').waitFor();
  }

  it('imports chondro as a 35 × 25 map and shows a band image with its colour scale', async () => {
    await app.newProject(path.join(app.work, 'maps.spectra'));
    const { page, bridge } = app;
    await page.keyboard.press('Control+i');
    const form = page.getByRole('dialog', { name: 'Import spectra' });
    await form.locator('input[name=dataset]').fill('chondro');
    await form.getByText('More options').click();
    await form.locator('select[name=axisUnit]').selectOption('cm-1');
    bridge.answers.importFiles.push([fixture('raman_map_chondro', 'chondro.csv')]);
    await form.getByRole('button', { name: 'Choose files…' }).click();
    await page.getByText(/Imported 875 spectra from chondro\.csv/).first().waitFor();

    await app.goTo('Maps');
    await app.main().getByText('35 × 25 pixels, 875 spectra').waitFor();
    await app.main().locator('input[name=mapAt]').fill('1002');
    await app.main().getByTestId('map-title').getByText('Intensity at 1002 cm⁻¹').waitFor();
    const ink = await canvasInk(page, image);
    expect([ink.width, ink.height]).toEqual([35 * 16, 25 * 16]);
    expect(ink.inked).toBe(ink.width * ink.height);
    expect(ink.distinct).toBeGreaterThan(50);
    await app.main().getByTestId('map-scale').waitFor();

    // A click on pixel (col 10, row 5) shows its spectrum beside the image.
    await page.locator(image).click({ position: { x: 10 * 16 + 8, y: 5 * 16 + 8 } });
    await app.main().getByTestId('map-pixel').getByText(/^x -1\.55, y 0\.23 \(column 11, row 6\)/).waitFor();
    await app.main().locator('[data-testid=map-spectrum] canvas').first().waitFor();
    await page.waitForTimeout(200);
    await screenshot(page, '60-map-band');
  });

  it('shows the PCA score image of component 1', async () => {
    await app.main().locator('select[name=mapKind]').selectOption('pca');
    await app.main().getByTestId('map-title').getByText(/^PCA score 1 \(\d+\.\d % of the variance\)$/).waitFor();
    const ink = await canvasInk(app.page, image);
    expect(ink.distinct).toBeGreaterThan(50);
    await app.page.waitForTimeout(200);
    await screenshot(app.page, '61-map-pca');
  });

  it('clusters the map with k-means (3 clusters) after baseline + SNV and draws the cluster mean spectra', async () => {
    const spec = { schemaVersion: 1, steps: [{ kind: 'modpoly', params: { order: 1 } }, { kind: 'snv' }] };
    await app.value('datasets:applyRecipe', { datasetId: 1, spec, name: 'chondro baseline SNV', jobId: 'maps-e2e' });
    await app.goTo('Explore');
    await app.goTo('Maps');
    await app.selectByText('mapDataset', 'chondro baseline SNV');
    await app.main().locator('select[name=mapKind]').selectOption('kmeans');
    await app.main().getByTestId('map-title').getByText('k-means, 3 clusters (seed 1)').waitFor();
    await expect(app.main().locator('[data-testid=map-legend] li').count()).resolves.toBe(3);
    const ink = await canvasInk(app.page, image);
    // Three cluster colours, the picked-pixel marker's and the blend at its edges at most.
    expect(ink.distinct).toBeGreaterThanOrEqual(3);
    await app.main().locator('[data-testid=map-cluster-means] canvas').first().waitFor();
    await app.page.waitForTimeout(200);
    await screenshot(app.page, '62-map-kmeans');
  });

  it('labels a rectangle of pixels and shows that column as a class image; masks pixels', async () => {
    const { page } = app;
    const box = (await page.locator(image).boundingBox())!;
    await page.mouse.move(box.x + 2 * 16 + 4, box.y + 2 * 16 + 4);
    await page.mouse.down();
    await page.mouse.move(box.x + 5 * 16 + 4, box.y + 4 * 16 + 4, { steps: 4 });
    await page.mouse.up();
    await labelSelection(12, 'edge');
    await app.main().getByText('no value 863').waitFor();

    await page.mouse.move(box.x + 4, box.y + 4);
    await page.mouse.down();
    await page.mouse.move(box.x + 34 * 16 + 4, box.y + 4, { steps: 4 });
    await page.mouse.up();
    await app.main().getByTestId('map-selection').getByRole('button', { name: 'Mask' }).click();
    await app.main().getByText('35 pixels masked: left out of PCA and clusters.').waitFor();
    await app.main().getByText('masked 35').waitFor();
    expect(app.problems).toEqual([]);
  });

  it('selects the pixels inside a freehand outline, labels them, and saves the class image as SVG with its key', async () => {
    const { page } = app;
    await app.main().locator('select[name=mapKind]').selectOption('band');
    await app.main().locator('input[name=mapAt]').fill('1002');
    await app.main().getByTestId('map-title').getByText('Intensity at 1002 cm⁻¹').waitFor();
    await app.main().locator('select[name=mapTool]').selectOption('lasso');
    // A diamond around pixel (17, 12), 6.25 pixels to each corner: the 85 pixels with |Δcol| + |Δrow| ≤ 6 have their centre inside.
    const box = (await page.locator(image).boundingBox())!;
    const at = (x: number, y: number) => [box.x + x * 16, box.y + y * 16] as const;
    await page.mouse.move(...at(17.5, 6.25));
    await page.mouse.down();
    for (const [x, y] of [
      [23.75, 12.5],
      [17.5, 18.75],
      [11.25, 12.5],
      [17.5, 6.25],
    ] as const)
      await page.mouse.move(...at(x, y), { steps: 12 });
    await page.mouse.up();
    await app.main().getByTestId('map-selection').getByText('85 pixels selected').waitFor();
    await page.waitForTimeout(200);
    await screenshot(page, '63-map-lasso');
    await labelSelection(85, 'cell');
    const [download] = await Promise.all([page.waitForEvent('download'), app.main().getByTestId('map-image').getByRole('button', { name: 'SVG' }).click()]);
    expect(download.suggestedFilename()).toBe('chondro baseline SNV region.svg');
    const svg = fs.readFileSync((await download.path())!, 'utf8');
    expect(await page.evaluate((text) => new DOMParser().parseFromString(text, 'image/svg+xml').getElementsByTagName('parsererror').length, svg)).toBe(0);
    const texts = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toEqual(['region', 'cell (85 pixels)', 'edge (12 pixels)', 'no value (778 pixels)', 'x -11.55 → 22.45 left to right, y -4.77 → 19.23 top to bottom']);
    expect(app.problems).toEqual([]);
  });
});
