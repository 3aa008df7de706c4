/// <reference lib="dom" />
// Map images that take time, as jobs in the Maps view: a generated 250 × 250 × 256 ENVI cube
// (the map bench's, 64 MB) is imported with its band copy, and k-means with 20 clusters over its
// 62,500 spectra shows how far it is (pass and spectra read) with Cancel, which stops it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCube } from '../../src-main/bench/map';
import { screenshot } from './harness';
import { useAppPage } from './setup';

describe('Maps: progress and cancel of a long image (Chromium, real Session)', () => {
  const app = useAppPage('spectra-map-progress-');

  it('imports a 250 × 250 map cube, shows a band image, and the k-means image reports its passes until cancelled', async () => {
    await app.newProject(path.join(app.work, 'progress.spectra'));
    const cubes = path.join(app.work, 'cubes');
    fs.mkdirSync(cubes);
    writeCube(cubes, 'cube', { width: 250, height: 250, bands: 256 }, 12345);
    expect(await app.importFile(path.join(cubes, 'cube.hdr'), 'cube')).toBe(62_500);

    await app.goTo('Maps');
    const main = app.main();
    await main.getByText(/^250 × 250 pixels, 62.500 spectra/).waitFor();
    await main.locator('input[name=mapAt]').fill('1000');
    await main.getByTestId('map-title').getByText(/^Intensity at 998\.431 cm⁻¹$/).waitFor();

    await main.locator('select[name=mapKind]').selectOption('kmeans');
    await main.locator('input[name=mapK]').fill('20');
    const progress = main.getByTestId('map-progress');
    // Any moment of a pass: a pass's last page is on screen only until the next pass reads its first,
    // which a poll can miss on every pass until k-means has converged.
    await progress.getByText(/^K-means, pass \d+: [\d\s.,]+ of 62.500 spectra$/).waitFor({ timeout: 60_000 });
    await progress.getByRole('progressbar').waitFor();
    await app.page.waitForTimeout(200);
    await screenshot(app.page, '64-map-progress');

    await progress.getByRole('button', { name: 'Cancel' }).click();
    await main.getByTestId('map-cancelled').getByText('Map image cancelled. Still showing “Intensity at 998.431 cm⁻¹”.').waitFor();
    await expect(progress.count()).resolves.toBe(0);
    // The band image stays on screen: a cancel changes nothing.
    await expect(main.getByTestId('map-title').textContent()).resolves.toMatch(/^Intensity at 998\.431 cm⁻¹$/);
    await app.page.waitForTimeout(200);
    await screenshot(app.page, '65-map-cancelled');
    expect(app.problems).toEqual([]);
  }, 240_000);
});
