/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * The Predict view with a run whose target is a channel, in Chromium over a real Session: a
 * network predicting channel "b" of a two-channel table from channel "a" predicts the table
 * itself; each row gives the predicted spectrum's points and range, the selected one is drawn on
 * channel b's axis, and the CSV has a column per point of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import type { DatasetSummary } from '../../src-main/common/domain/project';

describe('Predict view, a channel as the target (Chromium, real Session)', () => {
  const app = useAppPage('spectra-predict-channel-');

  it('predicts channel b of every sample, draws the selected spectrum on its axis and saves a column per point', async () => {
    // 30 samples, channel "a" (40 points, 1000–1390 cm⁻¹) and channel "b" (20 points, 2000–2380 cm⁻¹) a linear map of it.
    const file = path.join(app.work, 'pairs.csv');
    const lines = ['sample,channel,wavenumber (cm-1),intensity,set'];
    for (let i = 0; i < 30; i++) {
      const a = Array.from({ length: 40 }, (_, j) => 0.2 + (0.5 + 0.03 * i) * Math.exp(-(((j - 12 - (i % 5)) / 5) ** 2)));
      a.forEach((v, j) => lines.push(`S${i + 1},a,${1000 + 10 * j},${v.toFixed(5)},${i < 22 ? 'train' : 'test'}`));
      for (let k = 0; k < 20; k++) lines.push(`S${i + 1},b,${2000 + 20 * k},${(0.1 + 0.8 * a[2 * k]! + 0.4 * a[2 * k + 1]!).toFixed(5)},${i < 22 ? 'train' : 'test'}`);
    }
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    await app.newProject(path.join(app.work, 'Pairs.spectra'));
    await app.page.keyboard.press('Control+i');
    const form = app.page.getByRole('dialog', { name: 'Import spectra' });
    if (!(await form.locator('input[name=splitColumn]').isVisible())) await form.getByText('More options').click();
    await form.locator('input[name=splitColumn]').fill('set');
    app.bridge.answers.importFiles.push([file]);
    await form.getByRole('button', { name: 'Choose files…' }).click();
    await app.page.getByText(/Imported 30 samples of 2 channels \(a, b\) from pairs\.csv/).first().waitFor();
    const datasetId = (await app.value<DatasetSummary[]>('datasets:list', {}))[0]!.id;
    const { runId } = await app.value<{ runId: number }>('runs:start', { datasetId, target: '', targetChannel: 'b', model: 'mlp', recipeId: null, validation: 'given', epochs: 30, seed: 1 });
    await app.bridge.session.runFinished(runId);
    await app.goTo('Runs');
    await app.goTo('Predict');
    await app.main().locator('select[name=predictRun]').waitFor();

    app.bridge.answers.predictFiles.push([file]);
    await app.main().getByRole('button', { name: 'Choose files…' }).click();
    await app.main().locator('[data-testid=predict-table]').waitFor({ timeout: 60_000 });
    const rows = app.main().locator('[data-testid=predict-table] tbody tr');
    expect(await rows.count()).toBe(30);
    expect(await app.main().locator('[data-testid=predict-table] th').nth(1).textContent()).toBe('Channel “b”');
    expect(await rows.nth(0).locator('td').nth(1).textContent()).toMatch(/^20 points, -?[\d.]+ to [\d.]+$/);
    await rows.nth(24).click();
    await app.main().locator('[data-testid=predict-channel] canvas').first().waitFor();
    await screenshot(app.page, '68-predict-channel');

    const [dl] = await Promise.all([app.page.waitForEvent('download'), app.main().getByRole('button', { name: 'Save CSV…' }).click()]);
    const csv = fs.readFileSync((await dl.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe(`sample,${Array.from({ length: 20 }, (_, k) => 2000 + 20 * k).join(',')},t2,q,outOfModel`);
    expect(csv).toHaveLength(31);
    expect(app.problems).toEqual([]);
  }, 180_000);
});
