/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { canvasInk, ROOT, screenshot } from './harness';
import { useAppPage } from './setup';

const EXPORTS = path.join(ROOT, 'test-results/exports');

interface SvgFile {
  fileName: string;
  /** Parsed by Chromium's DOMParser as image/svg+xml without a parser error. */
  ok: boolean;
  points: number;
  lines: number;
  bands: number;
  bars: number;
  cells: number;
  legend: string[];
  xTitle: string;
  yTitle: string;
  xTicks: number;
  yTicks: number;
  /** Anything that would load from outside the file (links, images, fonts). */
  external: boolean;
}

describe('Explore: class means, SVG export, PCA in a worker (Chromium, real Session)', () => {
  const app = useAppPage('spectra-explore-export-');

  /** Clicks an SVG button, and reads the downloaded file back through Chromium's XML parser. */
  async function svgFrom(button: Locator): Promise<SvgFile> {
    const [download] = await Promise.all([app.page.waitForEvent('download'), button.click()]);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    // Kept with the screenshots, to look at.
    fs.mkdirSync(EXPORTS, { recursive: true });
    fs.writeFileSync(path.join(EXPORTS, download.suggestedFilename()), text);
    const parsed = await app.page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      const n = (sel: string) => doc.querySelectorAll(sel).length;
      return {
        ok: !doc.querySelector('parsererror') && doc.documentElement.nodeName === 'svg' && doc.documentElement.namespaceURI === 'http://www.w3.org/2000/svg',
        points: n('circle.point'),
        lines: n('polyline.series'),
        bands: n('polygon.band'),
        bars: n('rect.bar'),
        cells: n('rect.cell'),
        legend: Array.from(doc.querySelectorAll('.legend-entry text'), (e) => e.textContent ?? ''),
        xTitle: doc.querySelector('text.axis-title.x')?.textContent ?? '',
        yTitle: doc.querySelector('text.axis-title.y')?.textContent ?? '',
        xTicks: n('text.tick.x'),
        yTicks: n('text.tick.y'),
        external: /\shref=|<image|@import|url\((?!#)/.test(t),
      };
    }, text);
    return { fileName: download.suggestedFilename(), ...parsed };
  }

  it('shows the mean ± std spectrum of each coffee origin, with n per class', async () => {
    await app.openDemoProject();
    await app.goTo('Explore');
    await app.selectByText('exploreDataset', 'Coffee');
    const panel = app.main().locator('[data-testid=explore-class-means]');
    await panel.locator('canvas').first().waitFor();
    await expect(panel.locator('strong').first().textContent()).resolves.toBe('Class means ± std by origin — raw spectra');
    await expect(panel.locator('.legend li').allTextContents()).resolves.toEqual(['Brasil n = 20', 'Ethiopia n = 20', 'Vietnam n = 20'].map((t) => expect.stringMatching(new RegExp(t.replace(/ /g, '\\s+')))));
    await app.page.waitForTimeout(200);
    const ink = await canvasInk(app.page, '[data-testid=explore-class-means] canvas');
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * 0.01);
    // Same colours as the PCA legend (one stable colour per class in every view).
    const swatches = await panel.locator('.legend .swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    const scoreSwatches = await app.main().locator('ul.legend[aria-label=Classes] .swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
    expect(swatches).toEqual(scoreSwatches);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(app.page, '44-explore-class-means');
  });

  it('hides a class from the means when its legend entry is clicked', async () => {
    const panel = app.main().locator('[data-testid=explore-class-means]');
    await panel.getByRole('button', { name: /Ethiopia/ }).click();
    await expect(panel.getByRole('button', { name: /Ethiopia/ }).getAttribute('aria-pressed')).resolves.toBe('false');
    const svg = await svgFrom(panel.getByRole('button', { name: 'SVG' }));
    expect(svg.lines).toBe(2);
    await panel.getByRole('button', { name: /Ethiopia/ }).click();
  });

  it('exports every Explore plot as a vector SVG with its marks, axes and legend', async () => {
    const scores = await svgFrom(app.main().locator('[data-testid=explore-scores]').getByRole('button', { name: 'SVG' }));
    expect(scores).toMatchObject({ fileName: 'PCA scores — PC2 vs PC1.svg'.replace(/[^\w.\- ]+/g, '_'), ok: true, points: 60, external: false, legend: ['Brasil', 'Ethiopia', 'Vietnam'] });
    expect(scores.xTitle).toMatch(/^PC1 score \(\d+\.\d % of variance\)$/);
    expect(scores.yTitle).toMatch(/^PC2 score \(\d+\.\d % of variance\)$/);
    expect(scores.xTicks).toBeGreaterThanOrEqual(3);
    expect(scores.yTicks).toBeGreaterThanOrEqual(3);

    const loadings = await svgFrom(app.main().locator('[data-testid=explore-loadings]').getByRole('button', { name: 'SVG' }));
    expect(loadings).toMatchObject({ ok: true, lines: 2, bands: 0, external: false, yTitle: 'Loading (unit-length vector)' });
    expect(loadings.legend).toEqual([expect.stringMatching(/^PC1 loading/), expect.stringMatching(/^PC2 loading .*\(dashed\)$/)]);
    expect(loadings.xTitle).toMatch(/^Point index/);

    // √60 ≈ 7.7 → 8 + 3 = 11 bins.
    const hist = await svgFrom(app.main().locator('[data-testid=explore-histogram]').getByRole('button', { name: 'SVG' }));
    expect(hist).toMatchObject({ ok: true, bars: 11, external: false, yTitle: 'Number of spectra' });
    expect(hist.xTitle).toMatch(/^Intensity at point \d+$/);

    const corr = await svgFrom(app.main().locator('[data-testid=explore-correlation]').getByRole('button', { name: 'SVG' }));
    expect(corr).toMatchObject({ ok: true, cells: 100 * 100, xTicks: 5, yTicks: 5, xTitle: 'Point index', external: false });

    const means = await svgFrom(app.main().locator('[data-testid=explore-class-means]').getByRole('button', { name: 'SVG' }));
    expect(means).toMatchObject({ ok: true, lines: 3, bands: 3, legend: ['Brasil (n = 20)', 'Ethiopia (n = 20)', 'Vietnam (n = 20)'], yTitle: 'Mean intensity', external: false });
  });

  it('exports the Data view spectra chart as SVG, one line per spectrum', async () => {
    await app.page.locator('nav').getByRole('button', { name: /Coffee ATR-FTIR/ }).click();
    await app.page.locator('[data-testid=spectra-chart] canvas').first().waitFor();
    const spectra = await svgFrom(app.main().locator('.chart-box').first().getByRole('button', { name: 'SVG' }));
    expect(spectra).toMatchObject({ ok: true, lines: 60, external: false });
    expect(spectra.legend).toEqual(['Brasil', 'Ethiopia', 'Vietnam']);
  });

  it('computes PCA of 2 000 spectra × 1 500 points in a worker while the window stays responsive', async () => {
    const file = path.join(app.work, 'Large.csv');
    const n = 1500;
    const lines = [['sample', 'class', ...Array.from({ length: n }, (_, i) => String(4000 - i * 2))].join(',')];
    for (let r = 0; r < 2000; r++) {
      const y = Array.from({ length: n }, (_, i) => (Math.exp(-(((i - 300 - (r % 50)) / 30) ** 2)) + 0.4 * Math.sin(i / 150 + r / 300) + (i / 1500) * (r % 7) + 0.01 * Math.sin(r * i)).toFixed(4));
      lines.push([`s${r}`, `g${r % 4}`, ...y].join(','));
    }
    fs.writeFileSync(file, lines.join('\n'));
    const imported = await app.bridge.session.invoke('datasets:import', { paths: [file], dataset: 'Large', axisUnit: 'cm-1', jobId: 'large' });
    expect(imported.ok).toBe(true);
    app.bridge.host.emit('project:changed', app.bridge.session.project);

    await app.goTo('Explore');
    await app.selectByText('exploreDataset', 'Large');
    await app.main().locator('[data-testid=explore-computing]').waitFor({ timeout: 60_000 });
    // Timer ticks every 16 ms while PCA runs: a blocked thread would show gaps of a second or more.
    const probe = await app.page.evaluate(async () => {
      const t0 = performance.now();
      let last = t0;
      let maxGap = 0;
      let computingFor = 0;
      while (performance.now() - t0 < 1000) {
        await new Promise((r) => setTimeout(r, 16));
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
        if (!document.querySelector('[data-testid=explore-computing]')) break;
        computingFor = now - t0;
      }
      return { maxGap, computingFor };
    });
    expect(probe.computingFor).toBeGreaterThan(300);
    expect(probe.maxGap).toBeLessThan(250);
    const summary = app.main().locator('[data-testid=explore-summary]');
    await summary.waitFor({ timeout: 60_000 });
    await expect(summary.getAttribute('data-where')).resolves.toBe('worker');
    await expect(summary.textContent()).resolves.toMatch(/2\s000 of 2\s000 spectra × 1\s500 points, raw spectra/);
    await app.page.locator('[data-testid=explore-scores] canvas').waitFor();
    await expect(app.main().locator('[data-testid=explore-class-means] .legend li').count()).resolves.toBe(4);
    console.log(`explore worker: window responsive while computing (max timer gap ${probe.maxGap.toFixed(0)} ms over ${probe.computingFor.toFixed(0)} ms)`);
  });

  it('left no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
