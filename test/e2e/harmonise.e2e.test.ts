/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import { loadAxis, loadSpectra } from '../../src-main/db/datasets';
import type { DatasetSummary } from '../../src-main/common/domain/project';
import { SHIFTED_RUNS, writeShiftedCoffee } from '../helpers/shifted-axes';

const GRID = 'the overlap 600–3900 cm⁻¹ at the median step 2 cm⁻¹, 1651 points';

describe('Put a dataset on one axis (Chromium, real Session)', () => {
  const app = useAppPage('spectra-harmonise-');
  const dialog = () => app.page.getByRole('dialog', { name: 'Put on one axis' });
  const datasets = () => app.value<DatasetSummary[]>('datasets:list', {});

  /** Imports x,y files from runs on slightly different axes through the Import dialog (axis unit cm⁻¹). */
  async function importRuns(dataset: string, files: string[]): Promise<void> {
    await app.page.keyboard.press('Control+i');
    const form = app.page.getByRole('dialog', { name: 'Import spectra' });
    await form.locator('input[name=dataset]').fill(dataset);
    await form.getByText('More options').click();
    await form.locator('select[name=axisUnit]').selectOption('cm-1');
    app.bridge.answers.importFiles.push(files);
    await form.getByRole('button', { name: 'Choose files…' }).click();
    await app.page.getByText(new RegExp(`Imported ${files.length} spectra from ${files.length} files into “${dataset}”`)).first().waitFor();
  }

  it('offers the action on a dataset on several axes and shows the proposed grid', async () => {
    await app.newProject(path.join(app.work, 'Runs.spectra'));
    const folder = path.join(app.work, 'runs');
    fs.mkdirSync(folder);
    await importRuns('Coffee runs', writeShiftedCoffee(folder).files);
    await app.page.locator('nav .datasets li').filter({ hasText: 'Coffee runs' }).getByRole('button').click();
    await app.main().locator('h1', { hasText: 'Coffee runs' }).waitFor();

    await app.main().getByRole('button', { name: 'Put on one axis…' }).click();
    await expect(dialog().locator('[data-testid=harmonise-plan]').textContent()).resolves.toBe(`Proposed axis: ${GRID}. All 11 spectra are resampled.`);
    await expect(dialog().locator('input[name=harmoniseName]').inputValue()).resolves.toBe('Coffee runs · one axis');
    await screenshot(app.page, '80-harmonise-dialog');

    // A grid of one's own starts from the proposed one; outside the overlap it is refused.
    await dialog().getByLabel('A grid of my own').check();
    await expect(dialog().locator('input[name=gridStart]').inputValue()).resolves.toBe('3900');
    await dialog().locator('input[name=gridStart]').fill('4000');
    await expect(dialog().locator('[data-testid=harmonise-refusal]').textContent()).resolves.toBe(
      'Dataset "Coffee runs": the grid 4000–600 cm⁻¹ leaves the range all spectra share, 600–3900 cm⁻¹; choose a grid inside it (nothing is extrapolated).',
    );
    await expect(dialog().getByRole('button', { name: 'Put on one axis' }).isDisabled()).resolves.toBe(true);
    await dialog().getByLabel('The overlap of all axes at the median step').check();
    await dialog().locator('[data-testid=harmonise-plan]').waitFor();
  });

  it('stores the new dataset and opens it, saying where it came from', async () => {
    await dialog().getByRole('button', { name: 'Put on one axis' }).click();
    await app.main().locator('h1', { hasText: 'Coffee runs · one axis' }).waitFor();
    await expect(app.main().locator('[data-testid=derived-from]').textContent()).resolves.toMatch(
      new RegExp(`Processed from\\s+Coffee runs\\s+with recipe “one axis: ${GRID}”: Resample \\(linear interpolation\\)`),
    );
    await expect(app.main().getByRole('button', { name: 'Put on one axis…' }).count()).resolves.toBe(0);
    const list = await datasets();
    expect(list.map((d) => [d.name, d.samples, d.points, d.axes])).toEqual([
      ['Coffee runs', 11, null, 3],
      ['Coffee runs · one axis', 11, 1651, 1],
    ]);
    const stored = loadSpectra(app.bridge.session.requireDb(), list[1]!.id);
    expect(Array.from(loadAxis(app.bridge.session.requireDb(), stored[0]!.axisId).values.subarray(0, 3))).toEqual([3900, 3898, 3896]);
    await app.page.locator('[data-testid=spectra-chart] canvas').first().waitFor();
    await app.page.waitForTimeout(300);
    await screenshot(app.page, '81-harmonised-dataset');
  });

  it('says which spectra are beyond the tolerance and by how much', async () => {
    const folder = path.join(app.work, 'coarse');
    fs.mkdirSync(folder);
    await importRuns('Mixed', writeShiftedCoffee(folder, [3, 0, 0, 1], [...SHIFTED_RUNS, { prefix: 'run4', first: 3990, step: 5, points: 700 }]).files);
    await app.page.locator('nav .datasets li').filter({ hasText: 'Mixed' }).getByRole('button').click();
    await app.main().locator('h1', { hasText: 'Mixed' }).waitFor();
    await app.main().getByRole('button', { name: 'Put on one axis…' }).click();
    await expect(dialog().locator('[data-testid=harmonise-refusal]').textContent()).resolves.toBe(
      'Dataset "Mixed": these spectra cannot be put on one axis: 1 of 4 spectra is on another axis than the other 3 (400–4000 cm⁻¹ at 2 cm⁻¹, 1801 points): "run4_s04" 495–3990 cm⁻¹ at 5 cm⁻¹, 700 points — its step is 2.5× coarser (at most 2×).',
    );
    await screenshot(app.page, '82-harmonise-refused');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
  });

  it('the Import dialog can also put the files on one axis, and says which', async () => {
    const folder = path.join(app.work, 'again');
    fs.mkdirSync(folder);
    await app.page.keyboard.press('Control+i');
    const form = app.page.getByRole('dialog', { name: 'Import spectra' });
    await form.locator('input[name=dataset]').fill('Second runs');
    await form.getByText('More options').click();
    await form.locator('select[name=axisUnit]').selectOption('cm-1');
    await form.locator('select[name=commonAxis]').selectOption('auto');
    app.bridge.answers.importFiles.push(writeShiftedCoffee(folder).files);
    await form.getByRole('button', { name: 'Choose files…' }).click();
    await app.page.getByText(`Imported 11 spectra from 11 files into “Second runs” in`, { exact: false }).first().waitFor();
    await expect(app.page.getByText(`Put on one axis as “Second runs · one axis”: ${GRID}.`, { exact: false }).count()).resolves.toBeGreaterThan(0);
    expect((await datasets()).map((d) => d.name)).toEqual(['Coffee runs', 'Coffee runs · one axis', 'Mixed', 'Second runs', 'Second runs · one axis']);
  });

  it('left no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
