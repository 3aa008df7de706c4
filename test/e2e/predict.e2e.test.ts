/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * The Predict view in Chromium over a real Session: a CNN trained on UCR Coffee predicts the
 * Coffee test file (the same classes as the run's own test predictions), shows probabilities, the
 * out-of-model check and the activation map of a spectrum, saves a CSV, and refuses a file whose
 * axis does not cover the model's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fixture } from '../helpers/datasets';
import { openAppPage, screenshot, type AppPage, type Bridge } from './harness';
import type { RunDetail } from '../../src-main/common/ipc/contract';
import type { DatasetSummary } from '../../src-main/common/domain/project';

const TRAIN = fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv');
const TEST = fixture('ucr_spectro/Coffee/Coffee_TEST.tsv');
const STRAWBERRY = fixture('ucr_spectro/Strawberry/Strawberry_TEST.tsv');

describe('Predict view (Chromium, real Session)', () => {
  let app: AppPage;
  let page: Page;
  let bridge: Bridge;
  let work: string;
  let problems: string[];
  let runId: number;

  beforeAll(async () => {
    app = await openAppPage('spectra-predict-');
    ({ page, bridge, work, problems } = app);
  }, 120_000);

  afterAll(async () => app?.close());

  const main = () => page.locator('main');
  const ok = <T,>(r: unknown) => (r as { ok: true; value: T }).value;

  it('says what to do before any model exists, then trains one', async () => {
    bridge.answers.saveProject.push(path.join(work, 'Coffee.spectra'));
    await page.getByRole('button', { name: /New project/ }).click();
    await main().getByText('No datasets yet').first().waitFor();
    await page.locator('nav').getByRole('button', { name: 'Predict' }).click();
    await main().getByText('No trained model yet.').waitFor();
    for (const [file, tag] of [[TRAIN, 'train'], [TEST, 'test']] as const) {
      await page.keyboard.press('Control+i');
      const form = page.getByRole('dialog', { name: 'Import spectra' });
      await form.locator('input[name=dataset]').fill('Coffee');
      await form.getByLabel(tag).check();
      bridge.answers.importFiles.push([file]);
      await form.getByRole('button', { name: 'Choose files…' }).click();
      await page.getByText(new RegExp(`Imported 28 spectra from ${path.basename(file).replace('.', '\\.')}`)).first().waitFor();
    }
    const datasetId = ok<DatasetSummary[]>(await bridge.session.invoke('datasets:list', {}))[0]!.id;
    runId = ok<{ runId: number }>(await bridge.session.invoke('runs:start', { datasetId, target: 'class', model: 'cnn', recipeId: null, validation: 'given', epochs: 150, seed: 1 })).runId;
    await bridge.session.runFinished(runId);
    // Show the new run (trained through the session, not the window): leave and re-enter the view.
    await page.locator('nav').getByRole('button', { name: 'Runs' }).click();
    await page.locator('nav').getByRole('button', { name: 'Predict' }).click();
    await main().locator('select[name=predictRun]').waitFor();
  }, 180_000);

  it('predicts a file of 28 spectra with probabilities, the out-of-model check and an activation map', async () => {
    bridge.answers.predictFiles.push([TEST]);
    await main().getByRole('button', { name: 'Choose files…' }).click();
    await main().locator('[data-testid=predict-table]').waitFor({ timeout: 60_000 });
    const rows = main().locator('[data-testid=predict-table] tbody tr');
    expect(await rows.count()).toBe(28);
    expect(await main().locator('[data-testid=predict-summary]').textContent()).toMatch(/^28 spectra from Coffee_TEST\.tsv · (none|\d+) out of model$/);
    // Same classes as the run's own predictions of the same test spectra.
    const run = ok<RunDetail>(await bridge.session.invoke('runs:get', { runId }));
    const shown = await rows.locator('td:nth-child(2)').allTextContents();
    expect(shown).toEqual(run.predictions.map((p) => String(p.predicted)));
    await rows.nth(3).click();
    await main().locator('[data-testid=predict-map] canvas').first().waitFor();
    await screenshot(page, '66-predict');

    const [dl] = await Promise.all([page.waitForEvent('download'), main().getByRole('button', { name: 'Save CSV…' }).click()]);
    const csv = fs.readFileSync((await dl.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('sample,prediction,p_0,p_1,t2,q,outOfModel');
    expect(csv).toHaveLength(29);
    expect(csv[1]!.split(',')[0]).toBe('Coffee_TEST.tsv#1');
  }, 120_000);

  it('refuses spectra whose axis does not cover the model, naming the file and both ranges', async () => {
    bridge.answers.predictFiles.push([STRAWBERRY]);
    await main().getByRole('button', { name: 'Choose files…' }).click();
    const err = main().locator('[data-testid=predict-error]');
    await err.waitFor({ timeout: 60_000 });
    expect(await err.textContent()).toMatch(/^Strawberry_TEST\.tsv: spectrum "Strawberry_TEST\.tsv#1" covers 1–235, but run \d+ needs 1–286\./);
    // The earlier results stay on screen.
    expect(await main().locator('[data-testid=predict-table] tbody tr').count()).toBe(28);
    await screenshot(page, '67-predict-refused');

    // Batch: every spectrum of a dataset of the project.
    await main().getByRole('button', { name: 'Predict dataset' }).click();
    await main().getByText(/^56 spectra from Coffee · /).waitFor({ timeout: 60_000 });
    expect(await main().locator('[data-testid=predict-table] tbody tr').count()).toBe(56);
    expect(problems).toEqual([]);
  });
});
