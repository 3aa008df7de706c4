/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { fixture } from '../helpers/datasets';
import { Bridge, canvasInk, ensureRenderer, launchBrowser, screenshot, serveRenderer, tempDir } from './harness';

const STRAWBERRY = fixture('ucr_spectro/Strawberry/Strawberry_TRAIN.tsv');

describe('Spectra Desk UI (Chromium, real Session)', () => {
  let browser: Browser;
  let page: Page;
  let server: { url: string; close: () => Promise<void> };
  let bridge: Bridge;
  let work: string;
  const problems: string[] = [];

  beforeAll(async () => {
    await ensureRenderer();
    server = await serveRenderer();
    browser = await launchBrowser();
    work = tempDir('spectra-e2e-');
    bridge = new Bridge(path.join(work, 'user-data'));
    page = await browser.newPage({ viewport: { width: 1400, height: 880 }, colorScheme: 'light' });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      // A CSP in a <meta> cannot carry frame-ancestors; Chromium says so. Electron sends it as a header.
      if (m.type() === 'error' && !/frame-ancestors/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
    await bridge.attach(page);
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    bridge?.dispose();
    await server?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  const main = () => page.locator('main');
  const sidebarDatasets = () => page.locator('nav .datasets li');

  it('shows the start page', async () => {
    await page.getByRole('button', { name: /New project/ }).waitFor();
    await page.getByText('No recent projects yet').waitFor();
    await screenshot(page, '01-start');
  });

  it('creates a project and imports a UCR table with split tag train', async () => {
    const project = path.join(work, 'Strawberry lab.spectra');
    bridge.answers.saveProject.push(project);
    await page.getByRole('button', { name: /New project/ }).click();
    await main().getByText('No datasets yet').first().waitFor();
    await expect(page.locator('footer.status').textContent()).resolves.toContain(project);
    await screenshot(page, '02-project-empty');

    await page.keyboard.press('Control+i');
    const dialog = page.getByRole('dialog', { name: 'Import spectra' });
    await dialog.waitFor();
    await dialog.getByLabel('train').check();
    await screenshot(page, '03-import-form');
    bridge.answers.importFiles.push([STRAWBERRY]);
    await dialog.getByRole('button', { name: 'Choose files…' }).click();
    await page.getByText(/Imported 613 spectra from Strawberry_TRAIN\.tsv into “Strawberry”/).waitFor();
    await expect(sidebarDatasets().count()).resolves.toBe(1);
    const row = main().locator('table.datasets tbody tr').first();
    await expect(row.textContent()).resolves.toMatch(/Strawberry[\s\S]*613[\s\S]*235/);
    await expect(row.textContent()).resolves.toMatch(/train 613/);
    await screenshot(page, '04-project-home');
  });

  it('draws the spectra chart, class means and class balance', async () => {
    await main().getByRole('button', { name: 'Strawberry' }).click();
    await page.locator('[data-testid=spectra-chart] canvas').first().waitFor();
    await page.waitForFunction(() => document.querySelector('.foot')?.textContent?.includes('613'));
    const ink = await canvasInk(page, '[data-testid=spectra-chart] canvas');
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * 0.03);
    expect(ink.distinct).toBeGreaterThan(20);
    await expect(page.locator('header .facts').textContent()).resolves.toMatch(/613 samples[\s\S]*235 points/);
    // Hover a spectrum: the tooltip names the sample.
    const box = (await page.locator('[data-testid=spectra-chart]').boundingBox())!;
    for (let dy = 0.2; dy < 0.9; dy += 0.02) {
      await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * dy);
      if (await page.locator('[role=tooltip]').isVisible()) break;
    }
    await expect(page.locator('[role=tooltip]').textContent()).resolves.toMatch(/Strawberry_TRAIN/);
    await screenshot(page, '05-dataset-chart');
    await page.mouse.move(0, 0);
    // Drag zooms the x range; double-click resets it.
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Reset zoom' }).waitFor();
    await page.mouse.dblclick(box.x + box.width * 0.4, box.y + box.height * 0.5);
    await page.getByRole('button', { name: 'Reset zoom' }).waitFor({ state: 'detached' });
    await page.mouse.move(0, 0);

    // Export: the SVG is built from the data (one polyline per spectrum, axis title with unit).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'SVG' }).click()]);
    const svg = fs.readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toBe('Strawberry — spectra.svg'.replace(/[^\w.\- ]+/g, '_'));
    expect(svg.match(/<polyline/g)?.length).toBe(400);
    expect(svg).toContain('Point index');

    await page.getByRole('tab', { name: /Class means/ }).click();
    await page.locator('[data-testid=means-chart] canvas').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.means .entry').length === 2);
    const means = await canvasInk(page, '[data-testid=means-chart] canvas');
    expect(means.inked).toBeGreaterThan(means.width * means.height * 0.03);
    await screenshot(page, '06-class-means');

    await page.getByRole('tab', { name: /Class balance/ }).click();
    await page.locator('[data-testid=balance-chart] canvas').waitFor();
    await screenshot(page, '07-class-balance');
    await page.getByRole('tab', { name: 'Spectra' }).click();
  });

  it('shows the sample table with virtual scrolling', async () => {
    const table = page.locator('[data-testid=sample-table]');
    await table.locator('[role=row][aria-rowindex="1"]').waitFor();
    const rendered = await table.locator('[role=row][aria-rowindex]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(120);
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await table.locator('[role=row][aria-rowindex="613"]').getByText('Strawberry_TRAIN').waitFor();
    await table.evaluate((el) => (el.scrollTop = 0));
    await table.locator('[role=row][aria-rowindex="1"]').getByText('Strawberry_TRAIN').waitFor();
    await screenshot(page, '08-sample-table');
  });

  it('sets the label of two selected samples and renames a class', async () => {
    const table = page.locator('[data-testid=sample-table]');
    const swatch = (name: string) => page.locator('.spectra .legend .entry').filter({ has: page.locator('.lname', { hasText: new RegExp(`^${name}$`) }) }).locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
    const colour2 = await swatch('2');
    const colour1 = await swatch('1');
    await table.locator('[role=row][aria-rowindex="1"]').click();
    await table.locator('[role=row][aria-rowindex="2"]').click({ modifiers: ['Shift'] });
    await page.getByText('2 selected').first().waitFor();
    const editor = page.locator('aside.editor');
    await editor.locator('select[name=labelColumn]').selectOption('class');
    await editor.locator('input[name=labelValue]').fill('reference');
    await editor.getByRole('button', { name: 'Set label' }).click();
    await editor.getByText('Set class = “reference” on 2 samples.').waitFor();
    await table.locator('[role=row][aria-rowindex="1"]').getByText('reference').waitFor();
    await table.locator('[role=row][aria-rowindex="2"]').getByText('reference').waitFor();

    await editor.locator('select[name=renameFrom]').selectOption('1');
    await editor.locator('input[name=renameTo]').fill('strawberry');
    await editor.getByRole('button', { name: 'Rename class' }).click();
    await editor.getByText(/Renamed “1” to “strawberry”/).waitFor();
    await page.locator('header .facts').getByText('class: 3 classes').waitFor();
    await page.locator('.spectra .legend').getByText('strawberry').waitFor();
    await page.locator('.spectra .legend').getByText('reference').waitFor();
    const list = await bridge.session.invoke('datasets:list', {});
    const classes = list.ok ? (list.value as { columns: Record<string, { classes?: { value: string }[] }> }[])[0]!.columns.class!.classes!.map((c) => c.value).sort() : [];
    expect(classes).toEqual(['2', 'reference', 'strawberry']);
    // One stable colour per class: edits never repaint the other classes; a renamed class keeps its colour.
    await expect(swatch('2')).resolves.toBe(colour2);
    await expect(swatch('strawberry')).resolves.toBe(colour1);
    await screenshot(page, '09-label-edit');
  });

  it('reports an import error with file and line, and changes nothing', async () => {
    const ragged = path.join(work, 'mixtures.csv');
    fs.writeFileSync(ragged, 'sample,class,1000,1002,1004,1006\ns1,a,0.1,0.2,0.3,0.4\ns2,b,0.1,0.2,0.3,0.4\ns3,a,0.1,0.2,0.3\ns4,b,0.1,0.2,0.3,0.4\n');
    bridge.answers.importFiles.push([ragged]);
    await page.keyboard.press('Control+i');
    const dialog = page.getByRole('dialog', { name: 'Import spectra' });
    await dialog.locator('input[name=dataset]').fill('Mixtures');
    await dialog.getByRole('button', { name: 'Choose files…' }).click();
    const error = page.locator('.import-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/mixtures\.csv/);
    await expect(error.textContent()).resolves.toMatch(/Line 4/);
    await expect(sidebarDatasets().count()).resolves.toBe(1);
    const list = await bridge.session.invoke('datasets:list', {});
    expect(list.ok && (list.value as unknown[]).length).toBe(1);
    await screenshot(page, '10-import-error');
    // Esc closes dialogs.
    await error.getByRole('button', { name: 'Try again…' }).click();
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('keeps the sample table fast at 10 000 rows', async () => {
    const big = path.join(work, 'synthetic-10k.csv');
    const header = ['sample', 'group', ...Array.from({ length: 60 }, (_, i) => String(4000 - i * 50))];
    const lines = [header.join(',')];
    for (let r = 0; r < 10_000; r++) {
      const y = Array.from({ length: 60 }, (_, i) => (Math.sin(i / 6 + (r % 7)) + r / 10_000).toFixed(4));
      lines.push([`s${String(r).padStart(5, '0')}`, `g${r % 4}`, ...y].join(','));
    }
    fs.writeFileSync(big, lines.join('\n'));
    bridge.answers.importFiles.push([big]);
    await page.keyboard.press('Control+i');
    const dialog = page.getByRole('dialog', { name: 'Import spectra' });
    await dialog.locator('input[name=dataset]').fill('Synthetic 10k');
    await dialog.getByRole('button', { name: 'Choose files…' }).click();
    await page.getByText(/Imported 10\u2009000 spectra/).waitFor();
    await sidebarDatasets().filter({ hasText: 'Synthetic 10k' }).getByRole('button').click();
    const table = page.locator('[data-testid=sample-table]');
    await table.locator('[role=row][aria-rowindex="1"]').getByText('s00000').waitFor();
    const started = Date.now();
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
    await table.locator('[role=row][aria-rowindex="5000"]').getByText('s04999').waitFor();
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await table.locator('[role=row][aria-rowindex="10000"]').getByText('s09999').waitFor();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await table.locator('[role=row][aria-rowindex]').count()).toBeLessThan(120);
    // Sorting by a column and searching go to the main side; the table follows.
    await table.getByRole('columnheader', { name: 'Sample id' }).click();
    await table.getByRole('columnheader', { name: 'Sample id' }).click();
    await table.evaluate((el) => (el.scrollTop = 0));
    await table.locator('[role=row][aria-rowindex="1"]').getByText('s09999').waitFor();
    await page.getByRole('searchbox', { name: 'Search samples' }).fill('s0999');
    await page.getByText('10 of 10\u2009000 samples match').waitFor();
    // The spectra chart shows an even subsample, IR axis high → low.
    await page.waitForFunction(() => /Showing 400 of 10\u2009000 spectra/.test(document.querySelector('.foot')?.textContent ?? ''));
    await expect(page.getByRole('button', { name: /x axis: high → low/ }).count()).resolves.toBe(1);
    await screenshot(page, '11-large-dataset');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(150);
    await screenshot(page, '12-large-dataset-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('reopens the project from the recent list after a restart', async () => {
    await page.getByRole('button', { name: 'Close project' }).click();
    await page.getByRole('heading', { name: 'Recent projects' }).waitFor();
    await page.getByRole('button', { name: 'Strawberry lab' }).waitFor();
    await screenshot(page, '13-start-recent');
    bridge.restart();
    await page.reload();
    await page.getByRole('button', { name: 'Strawberry lab' }).click();
    await sidebarDatasets().first().waitFor();
    await sidebarDatasets().filter({ hasText: 'Strawberry' }).getByRole('button').click();
    await page.waitForFunction(() => document.querySelector('.foot')?.textContent?.includes('613'));
    const ink = await canvasInk(page, '[data-testid=spectra-chart] canvas');
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * 0.03);
    await page.locator('.spectra .legend').getByText('strawberry').waitFor();
    await screenshot(page, '14-reopened');
  });

  it('opens the demo project', async () => {
    await page.getByRole('button', { name: 'Close project' }).click();
    await page.getByRole('button', { name: /Open the demo project/ }).click();
    await page.getByText(/Coffee ATR-FTIR/).first().waitFor();
    await expect(sidebarDatasets().count()).resolves.toBe(2);
    await screenshot(page, '15-demo-home');
    await sidebarDatasets().filter({ hasText: 'Coffee' }).getByRole('button').click();
    await page.waitForFunction(() => /\d+ spectra\./.test(document.querySelector('.foot')?.textContent ?? ''));
    await screenshot(page, '16-demo');
    await sidebarDatasets().filter({ hasText: 'Tecator' }).getByRole('button').click();
    await page.locator('select[name=colorBy]').selectOption('fat');
    await page.locator('.ramp').waitFor();
    await screenshot(page, '17-demo-tecator');
    expect(problems).toEqual([]);
  });
});
