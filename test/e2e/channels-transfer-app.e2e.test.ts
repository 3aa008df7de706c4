/// <reference lib="dom" />
/**
 * The app's side of recipes per channel and calibration transfer, in Chromium over a real
 * Session and trainer, on forty synthetic tablets measured on two instruments (joined into one
 * dataset of two channels): the Train view's recipe per channel named in the model summary, the
 * Recipes view's preview of the second channel, and a transfer started from run A's page.
 */
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import { joinDatasets } from '../../src-main/services/join';
import { savePipeline } from '../../src-main/db/pipelines';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import type { TransferSummary } from '../../src-main/common/runs/transfer';
import { num } from '../../src-main/common/format/numbers';
import { trainPls, twoInstruments } from '../helpers/two-instruments';

describe('Recipes per channel and calibration transfer from the app (Chromium, real Session)', () => {
  const app = useAppPage('spectra-channels-transfer-');

  it('chooses a recipe per channel, previews the second channel, and transfers run A to the second instrument', async () => {
    const p = await twoInstruments();
    const runA = await trainPls(p.db, p.a);
    joinDatasets(p.db, { datasetIds: [p.a, p.b], name: 'Both instruments', by: 'id' });
    savePipeline(p.db, 'SNV', parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv' }] }));
    p.db.close();
    app.bridge.answers.openProject.push(p.file);
    await app.page.getByRole('button', { name: /Open project/ }).first().click();

    // Train: a recipe per channel, named in the model summary.
    await app.goTo('Train');
    await app.selectByText('dataset', 'Both instruments');
    await app.main().locator('input[name=recipeMode][value=per-channel]').check();
    expect(await app.main().locator('[data-testid=recipe-mode] ~ label.field .channel-name').allTextContents()).toEqual(['Instrument 1', 'Instrument 2']);
    await app.selectByText('channelRecipe-1', 'SNV');
    const named = app.main().locator('[data-testid=channel-recipes]');
    await expect.poll(() => named.textContent()).toBe('Recipes per channel: Instrument 1 raw spectra · Instrument 2 “SNV”');
    expect(await app.main().locator('[data-testid=input-shape]').textContent()).toBe('[30, 2]');
    await screenshot(app.page, '95-train-recipe-per-channel');

    // Recipes: the preview of the second channel with SNV applied.
    await app.goTo('Recipes');
    await app.selectByText('recipeDataset', 'Both instruments');
    await app.main().locator('[data-testid=saved-recipes]').getByRole('button', { name: 'SNV', exact: true }).click();
    await app.main().locator('[data-testid=preview-channel]').selectOption({ label: 'Instrument 2' });
    await expect.poll(() => app.main().locator('[data-testid=before-slot] .chart-title').textContent()).toBe('Before — raw spectra of channel “Instrument 2”');
    expect(await app.main().locator('[data-testid=after-slot] .chart-title').textContent()).toBe('After — 1 step, channel “Instrument 2”');
    // The preview recomputes 50 ms after its input changes (as in recipes.e2e).
    await app.page.waitForTimeout(200);
    await screenshot(app.page, '96-recipe-preview-second-channel');

    // Run A's page: a transfer to the second instrument, then its four figures.
    await app.goTo('Runs');
    const row = app.main().locator('[data-testid=runs-list] tbody tr').filter({ has: app.page.locator('td:nth-child(2)', { hasText: new RegExp(`^${runA}$`) }) });
    await row.getByRole('button', { name: 'Open' }).click();
    const form = app.main().locator('[data-testid=transfer-form]');
    await form.waitFor();
    await app.selectByText('transferDataset', 'Instrument 2');
    await form.locator('input[name=transferN]').fill('6');
    await form.getByRole('button', { name: 'Transfer' }).scrollIntoViewIfNeeded();
    await screenshot(app.page, '97-transfer-form');
    await form.getByRole('button', { name: 'Transfer' }).click();
    const section = app.main().locator('[data-testid=calibration-transfer]');
    await section.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    const [t] = await app.value<TransferSummary[]>('runs:transfers', { runId: runA });
    expect(await section.locator('tbody tr td:nth-child(3)').allTextContents()).toEqual([t!.rmsep.none, t!.rmsep.ds!, t!.rmsep.pds!, t!.rmsep.native].map((v) => num(v, 3)));
    expect(await form.locator('summary').textContent()).toBe('Transfer again…');
    await section.scrollIntoViewIfNeeded();
    await screenshot(app.page, '98-transfer-from-run-page');

    // The joined dataset (two channels) is not offered as a second instrument.
    await form.locator('summary').click();
    expect(await app.main().locator('select[name=transferDataset] option').allTextContents()).toEqual(['Instrument 2 (40 spectra)']);
    expect(app.problems).toEqual([]);
  }, 300_000);
});
