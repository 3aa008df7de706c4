/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../helpers/datasets';
import { canvasInk, screenshot } from './harness';
import { useAppPage } from './setup';
import type { DatasetSummary } from '../../src-main/common/domain/project';

const STRAWBERRY = fixture('ucr_spectro/Strawberry/Strawberry_TRAIN.tsv');

describe('Spectra Desk UI (Chromium, real Session)', () => {
  const app = useAppPage('spectra-e2e-', { watchRequests: true });
  const sidebarDatasets = () => app.page.locator('nav .datasets li');

  it('shows the start page', async () => {
    await app.page.getByRole('button', { name: /New project/ }).waitFor();
    await app.page.getByText('No recent projects yet').waitFor();
    await screenshot(app.page, '01-start');
  });

  it('creates a project and imports a UCR table with split tag train', async () => {
    const project = path.join(app.work, 'Strawberry lab.spectra');
    await app.newProject(project);
    await expect(app.page.locator('footer.status').textContent()).resolves.toContain(project);
    await screenshot(app.page, '02-project-empty');

    await app.page.keyboard.press('Control+i');
    const dialog = app.page.getByRole('dialog', { name: 'Import spectra' });
    await dialog.waitFor();
    await dialog.getByLabel('train').check();
    await screenshot(app.page, '03-import-form');
    app.bridge.answers.importFiles.push([STRAWBERRY]);
    await dialog.getByRole('button', { name: 'Choose files…' }).click();
    await app.page.getByText(/Imported 613 spectra from Strawberry_TRAIN\.tsv into “Strawberry”/).waitFor();
    await expect(sidebarDatasets().count()).resolves.toBe(1);
    const row = app.main().locator('table.datasets tbody tr').first();
    await expect(row.textContent()).resolves.toMatch(/Strawberry[\s\S]*613[\s\S]*235/);
    await expect(row.textContent()).resolves.toMatch(/train 613/);
    await screenshot(app.page, '04-project-home');
  });

  it('draws the spectra chart, class means and class balance', async () => {
    await app.main().getByRole('button', { name: 'Strawberry' }).click();
    await app.page.locator('[data-testid=spectra-chart] canvas').first().waitFor();
    await app.page.waitForFunction(() => document.querySelector('.foot')?.textContent?.includes('613'));
    const ink = await canvasInk(app.page, '[data-testid=spectra-chart] canvas');
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * 0.03);
    expect(ink.distinct).toBeGreaterThan(20);
    await expect(app.page.locator('header .facts').textContent()).resolves.toMatch(/613 samples[\s\S]*235 points/);
    // Hover a spectrum: the tooltip names the sample.
    const box = (await app.page.locator('[data-testid=spectra-chart]').boundingBox())!;
    for (let dy = 0.2; dy < 0.9; dy += 0.02) {
      await app.page.mouse.move(box.x + box.width * 0.4, box.y + box.height * dy);
      if (await app.page.locator('[role=tooltip]').isVisible()) break;
    }
    await expect(app.page.locator('[role=tooltip]').textContent()).resolves.toMatch(/Strawberry_TRAIN/);
    await screenshot(app.page, '05-dataset-chart');
    await app.page.mouse.move(0, 0);
    // Drag zooms the x range; double-click resets it.
    await app.page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await app.page.mouse.down();
    await app.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 4 });
    await app.page.mouse.up();
    await app.page.getByRole('button', { name: 'Reset zoom' }).waitFor();
    await app.page.mouse.dblclick(box.x + box.width * 0.4, box.y + box.height * 0.5);
    await app.page.getByRole('button', { name: 'Reset zoom' }).waitFor({ state: 'detached' });
    await app.page.mouse.move(0, 0);

    // Export: the SVG is built from the data (one polyline per spectrum, axis title with unit).
    const [download] = await Promise.all([app.page.waitForEvent('download'), app.page.getByRole('button', { name: 'SVG' }).click()]);
    const svg = fs.readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toBe('Strawberry — spectra.svg'.replace(/[^\w.\- ]+/g, '_'));
    expect(svg.match(/<polyline/g)?.length).toBe(400);
    expect(svg).toContain('Point index');

    await app.page.getByRole('tab', { name: /Class means/ }).click();
    await app.page.locator('[data-testid=means-chart] canvas').first().waitFor();
    await app.page.waitForFunction(() => document.querySelectorAll('.means .entry').length === 2);
    const means = await canvasInk(app.page, '[data-testid=means-chart] canvas');
    expect(means.inked).toBeGreaterThan(means.width * means.height * 0.03);
    await screenshot(app.page, '06-class-means');

    await app.page.getByRole('tab', { name: /Class balance/ }).click();
    await app.page.locator('[data-testid=balance-chart] canvas').waitFor();
    await screenshot(app.page, '07-class-balance');
    await app.page.getByRole('tab', { name: 'Spectra' }).click();
  });

  it('shows the sample table with virtual scrolling', async () => {
    const table = app.page.locator('[data-testid=sample-table]');
    await table.locator('[role=row][aria-rowindex="1"]').waitFor();
    const rendered = await table.locator('[role=row][aria-rowindex]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(120);
    await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await table.locator('[role=row][aria-rowindex="613"]').getByText('Strawberry_TRAIN').waitFor();
    await table.evaluate((el) => (el.scrollTop = 0));
    await table.locator('[role=row][aria-rowindex="1"]').getByText('Strawberry_TRAIN').waitFor();
    await screenshot(app.page, '08-sample-table');
  });

  it('sets the label of two selected samples and renames a class', async () => {
    const table = app.page.locator('[data-testid=sample-table]');
    const swatch = (name: string) => app.page.locator('.spectra .legend .entry').filter({ has: app.page.locator('.lname', { hasText: new RegExp(`^${name}$`) }) }).locator('.swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
    const colour2 = await swatch('2');
    const colour1 = await swatch('1');
    await table.locator('[role=row][aria-rowindex="1"]').click();
    await table.locator('[role=row][aria-rowindex="2"]').click({ modifiers: ['Shift'] });
    await app.page.getByText('2 selected').first().waitFor();
    const editor = app.page.locator('aside.editor');
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
    await app.page.locator('header .facts').getByText('class: 3 classes').waitFor();
    await app.page.locator('.spectra .legend').getByText('strawberry').waitFor();
    await app.page.locator('.spectra .legend').getByText('reference').waitFor();
    const list = await app.bridge.session.invoke('datasets:list', {});
    const classes = list.ok ? (list.value as { columns: Record<string, { classes?: { value: string }[] }> }[])[0]!.columns.class!.classes!.map((c) => c.value).sort() : [];
    expect(classes).toEqual(['2', 'reference', 'strawberry']);
    // One stable colour per class: edits never repaint the other classes; a renamed class keeps its colour.
    await expect(swatch('2')).resolves.toBe(colour2);
    await expect(swatch('strawberry')).resolves.toBe(colour1);
    await screenshot(app.page, '09-label-edit');
  });

  it('reports an import error with file and line, and changes nothing', async () => {
    const ragged = path.join(app.work, 'mixtures.csv');
    fs.writeFileSync(ragged, 'sample,class,1000,1002,1004,1006\ns1,a,0.1,0.2,0.3,0.4\ns2,b,0.1,0.2,0.3,0.4\ns3,a,0.1,0.2,0.3\ns4,b,0.1,0.2,0.3,0.4\n');
    app.bridge.answers.importFiles.push([ragged]);
    await app.page.keyboard.press('Control+i');
    const dialog = app.page.getByRole('dialog', { name: 'Import spectra' });
    await dialog.locator('input[name=dataset]').fill('Mixtures');
    await dialog.getByRole('button', { name: 'Choose files…' }).click();
    const error = app.page.locator('.import-error');
    await error.waitFor();
    await expect(error.textContent()).resolves.toMatch(/mixtures\.csv/);
    await expect(error.textContent()).resolves.toMatch(/Line 4/);
    await expect(sidebarDatasets().count()).resolves.toBe(1);
    const list = await app.bridge.session.invoke('datasets:list', {});
    expect(list.ok && (list.value as unknown[]).length).toBe(1);
    await screenshot(app.page, '10-import-error');
    // Esc closes dialogs.
    await error.getByRole('button', { name: 'Try again…' }).click();
    await app.page.getByRole('dialog').waitFor();
    await app.page.keyboard.press('Escape');
    await app.page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('keeps the sample table fast at 10 000 rows', async () => {
    const big = path.join(app.work, 'synthetic-10k.csv');
    const header = ['sample', 'group', ...Array.from({ length: 60 }, (_, i) => String(4000 - i * 50))];
    const lines = [header.join(',')];
    for (let r = 0; r < 10_000; r++) {
      const y = Array.from({ length: 60 }, (_, i) => (Math.sin(i / 6 + (r % 7)) + r / 10_000).toFixed(4));
      lines.push([`s${String(r).padStart(5, '0')}`, `g${r % 4}`, ...y].join(','));
    }
    fs.writeFileSync(big, lines.join('\n'));
    expect(await app.importFile(big, 'Synthetic 10k')).toBe(10_000);
    await sidebarDatasets().filter({ hasText: 'Synthetic 10k' }).getByRole('button').click();
    const table = app.page.locator('[data-testid=sample-table]');
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
    await app.page.getByRole('searchbox', { name: 'Search samples' }).fill('s0999');
    await app.page.getByText('10 of 10\u2009000 samples match').waitFor();
    // The spectra chart shows an even subsample, IR axis high → low.
    await app.page.waitForFunction(() => /Showing 400 of 10\u2009000 spectra/.test(document.querySelector('.foot')?.textContent ?? ''));
    await expect(app.page.getByRole('button', { name: /x axis: high → low/ }).count()).resolves.toBe(1);
    await screenshot(app.page, '11-large-dataset');
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await app.page.waitForTimeout(150);
    await screenshot(app.page, '12-large-dataset-dark');
    await app.page.emulateMedia({ colorScheme: 'light' });
  });

  it('reopens the project from the recent list after a restart', async () => {
    await app.page.getByRole('button', { name: 'Close project' }).click();
    await app.page.getByRole('heading', { name: 'Recent projects' }).waitFor();
    await app.page.getByRole('button', { name: 'Strawberry lab' }).waitFor();
    await screenshot(app.page, '13-start-recent');
    app.bridge.restart();
    await app.page.reload();
    await app.page.getByRole('button', { name: 'Strawberry lab' }).click();
    await sidebarDatasets().first().waitFor();
    await sidebarDatasets().filter({ hasText: 'Strawberry' }).getByRole('button').click();
    await app.page.waitForFunction(() => document.querySelector('.foot')?.textContent?.includes('613'));
    const ink = await canvasInk(app.page, '[data-testid=spectra-chart] canvas');
    expect(ink.inked).toBeGreaterThan(ink.width * ink.height * 0.03);
    await app.page.locator('.spectra .legend').getByText('strawberry').waitFor();
    await screenshot(app.page, '14-reopened');
  });

  it('opens the demo project', async () => {
    await app.page.getByRole('button', { name: 'Close project' }).click();
    await app.openDemoProject();
    await expect(sidebarDatasets().count()).resolves.toBe(2);
    await screenshot(app.page, '15-demo-home');
    await sidebarDatasets().filter({ hasText: 'Coffee' }).getByRole('button').click();
    await app.page.waitForFunction(() => /\d+ spectra\./.test(document.querySelector('.foot')?.textContent ?? ''));
    await screenshot(app.page, '16-demo');
    await sidebarDatasets().filter({ hasText: 'Tecator' }).getByRole('button').click();
    await app.page.locator('select[name=colorBy]').selectOption('fat');
    await app.page.locator('.ramp').waitFor();
    await screenshot(app.page, '17-demo-tecator');

    // The demo's Tecator contents are in %; a unit is set per number column and shown again.
    const unitSection = app.page.locator('details', { has: app.page.getByText('Unit of a number column') });
    await unitSection.locator('summary').click();
    await unitSection.locator('select[name=unitColumn]').selectOption('protein');
    await expect(unitSection.locator('input[name=unit]').inputValue()).resolves.toBe('%');
    await unitSection.locator('input[name=unit]').fill('g/100 g');
    await unitSection.getByRole('button', { name: 'Set unit' }).click();
    await unitSection.getByText('“protein” is in g/100 g: errors of runs trained from now on are given in it.').waitFor();
    const tecator = (await app.value<DatasetSummary[]>('datasets:list', {})).find((d) => d.name === 'Tecator meat NIR');
    expect([tecator!.columns.moisture!.unit, tecator!.columns.fat!.unit, tecator!.columns.protein!.unit]).toEqual(['%', '%', 'g/100 g']);
    await unitSection.scrollIntoViewIfNeeded();
    await screenshot(app.page, '18-demo-unit');
    expect(app.problems).toEqual([]);
  });
});
