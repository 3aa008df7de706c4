/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
import { describe, expect, it } from 'vitest';
import { canvasInk, screenshot } from './harness';
import { useAppPage } from './setup';

describe('Explore (Chromium, real Session)', () => {
  const app = useAppPage('spectra-explore-');
  const inked = async (selector: string, share: number) => {
    const ink = await canvasInk(app.page, selector);
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * share);
  };

  it('opens the demo project and shows the PCA score scatter of Coffee', async () => {
    await app.openDemoProject();
    await app.goTo('Explore');
    await app.selectByText('exploreDataset', 'Coffee');
    await app.page.locator('[data-testid=explore-scores] canvas').waitFor();
    await app.page.waitForTimeout(200);
    await inked('[data-testid=explore-scores] canvas', 0.005);
    const explained = await app.main().locator('[data-testid=explained-variance]').textContent();
    expect(explained).toMatch(/PC1 \d+\.\d %/);
    await app.main().getByText(/PC1 score \(|PCA scores — PC2 vs PC1/).first().waitFor();
    await expect(app.main().locator('.legend li').count()).resolves.toBeGreaterThanOrEqual(2);
    await screenshot(app.page, '40-explore-pca');
  });

  it('switches to PC2 vs PC3 and draws their loadings', async () => {
    await app.main().locator('select[name=pcX]').selectOption('2');
    await app.main().locator('select[name=pcY]').selectOption('3');
    await app.main().getByText('PCA scores — PC3 vs PC2').waitFor();
    await app.main().getByText(/PCA loadings — PC2 and PC3/).waitFor();
    await app.page.waitForTimeout(200);
    await inked('[data-testid=explore-scores] canvas', 0.005);
    await inked('[data-testid=explore-loadings] canvas', 0.005);
    await app.main().locator('[data-testid=explore-loadings]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '41-explore-loadings');
  });

  it('draws the histogram at a chosen band (nearest point)', async () => {
    await app.main().locator('input[name=band]').fill('1000');
    await app.main().getByText(/Histogram — .* at (point )?1000/).waitFor();
    await app.page.waitForTimeout(200);
    await inked('[data-testid=explore-histogram] canvas', 0.01);
    await app.main().locator('[data-testid=explore-histogram]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '42-explore-histogram');
  });

  it('draws the band-to-band correlation map', async () => {
    await inked('[data-testid=explore-correlation] canvas', 0.3);
    await app.main().locator('[data-testid=explore-correlation]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '43-explore-correlation');
  });

  it('explores the spectra after a saved recipe, saying where it was fitted', async () => {
    const saved = (await app.bridge.session.invoke('pipelines:save', { name: 'SNV only', spec: { schemaVersion: 1, steps: [{ kind: 'snv', enabled: true, params: {} }] } })) as { ok: boolean };
    expect(saved.ok).toBe(true);
    // The list is fetched when the view opens.
    await app.goTo('Recipes');
    await app.goTo('Explore');
    await app.selectByText('exploreDataset', 'Coffee');
    await app.selectByText('exploreSource', 'SNV only');
    await app.main().getByText(/after recipe “SNV only”, fitted on/).waitFor();
    await app.page.locator('[data-testid=explore-scores] canvas').waitFor();
    await inked('[data-testid=explore-scores] canvas', 0.005);
  });

  it('left no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
