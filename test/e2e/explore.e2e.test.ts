/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { canvasInk, openAppPage, screenshot, type AppPage, type Bridge } from './harness';

describe('Explore (Chromium, real Session)', () => {
  let app: AppPage;
  let page: Page;
  let bridge: Bridge;
  let problems: string[];

  beforeAll(async () => {
    app = await openAppPage('spectra-explore-');
    ({ page, bridge, problems } = app);
  }, 120_000);

  afterAll(async () => app?.close());

  const main = () => page.locator('main');
  const inked = async (selector: string, share: number) => {
    const ink = await canvasInk(page, selector);
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * share);
  };

  it('opens the demo project and shows the PCA score scatter of Coffee', async () => {
    await page.getByRole('button', { name: /Open the demo project/ }).click();
    await page.getByText(/Coffee ATR-FTIR/).first().waitFor();
    await page.locator('nav').getByRole('button', { name: 'Explore' }).click();
    const id = await main().locator('select[name=exploreDataset] option', { hasText: 'Coffee' }).first().getAttribute('value');
    await main().locator('select[name=exploreDataset]').selectOption(id!);
    await page.locator('[data-testid=explore-scores] canvas').waitFor();
    await page.waitForTimeout(200);
    await inked('[data-testid=explore-scores] canvas', 0.005);
    const explained = await main().locator('[data-testid=explained-variance]').textContent();
    expect(explained).toMatch(/PC1 \d+\.\d %/);
    await main().getByText(/PC1 score \(|PCA scores — PC2 vs PC1/).first().waitFor();
    await expect(main().locator('.legend li').count()).resolves.toBeGreaterThanOrEqual(2);
    await screenshot(page, '40-explore-pca');
  });

  it('switches to PC2 vs PC3 and draws their loadings', async () => {
    await main().locator('select[name=pcX]').selectOption('2');
    await main().locator('select[name=pcY]').selectOption('3');
    await main().getByText('PCA scores — PC3 vs PC2').waitFor();
    await main().getByText(/PCA loadings — PC2 and PC3/).waitFor();
    await page.waitForTimeout(200);
    await inked('[data-testid=explore-scores] canvas', 0.005);
    await inked('[data-testid=explore-loadings] canvas', 0.005);
    await main().locator('[data-testid=explore-loadings]').scrollIntoViewIfNeeded();
    await screenshot(page, '41-explore-loadings');
  });

  it('draws the histogram at a chosen band (nearest point)', async () => {
    await main().locator('input[name=band]').fill('1000');
    await main().getByText(/Histogram — .* at (point )?1000/).waitFor();
    await page.waitForTimeout(200);
    await inked('[data-testid=explore-histogram] canvas', 0.01);
    await main().locator('[data-testid=explore-histogram]').scrollIntoViewIfNeeded();
    await screenshot(page, '42-explore-histogram');
  });

  it('draws the band-to-band correlation map', async () => {
    await inked('[data-testid=explore-correlation] canvas', 0.3);
    await main().locator('[data-testid=explore-correlation]').scrollIntoViewIfNeeded();
    await screenshot(page, '43-explore-correlation');
  });

  it('explores the spectra after a saved recipe, saying where it was fitted', async () => {
    const saved = (await bridge.session.invoke('pipelines:save', { name: 'SNV only', spec: { schemaVersion: 1, steps: [{ kind: 'snv', enabled: true, params: {} }] } })) as { ok: boolean };
    expect(saved.ok).toBe(true);
    // The list is fetched when the view opens.
    await page.locator('nav').getByRole('button', { name: 'Recipes' }).click();
    await page.locator('nav').getByRole('button', { name: 'Explore' }).click();
    const id = await main().locator('select[name=exploreDataset] option', { hasText: 'Coffee' }).first().getAttribute('value');
    await main().locator('select[name=exploreDataset]').selectOption(id!);
    const opt = await main().locator('select[name=exploreSource] option', { hasText: 'SNV only' }).getAttribute('value');
    await main().locator('select[name=exploreSource]').selectOption(opt!);
    await main().getByText(/after recipe “SNV only”, fitted on/).waitFor();
    await page.locator('[data-testid=explore-scores] canvas').waitFor();
    await inked('[data-testid=explore-scores] canvas', 0.005);
  });

  it('left no console errors', () => {
    expect(problems).toEqual([]);
  });
});
