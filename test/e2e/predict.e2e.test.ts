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
import { describe, expect, it } from 'vitest';
import { ucr } from '../helpers/datasets';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import type { RunDetail } from '../../src-main/common/ipc/contract';
import type { DatasetSummary } from '../../src-main/common/domain/project';

const TEST = ucr('Coffee', 'test');
const STRAWBERRY = ucr('Strawberry', 'test');

describe('Predict view (Chromium, real Session)', () => {
  const app = useAppPage('spectra-predict-');
  let runId: number;

  it('says what to do before any model exists, then trains one', async () => {
    await app.newProject(path.join(app.work, 'Coffee.spectra'));
    await app.goTo('Predict');
    await app.main().getByText('No trained model yet.').waitFor();
    expect(await app.importUcr('Coffee')).toEqual([28, 28]);
    const datasetId = (await app.value<DatasetSummary[]>('datasets:list', {}))[0]!.id;
    // 50 epochs: the view is checked against the run's own predictions, whatever they are.
    runId = (await app.value<{ runId: number }>('runs:start', { datasetId, target: 'class', model: 'cnn', recipeId: null, validation: 'given', epochs: 50, seed: 1 })).runId;
    await app.bridge.session.runFinished(runId);
    // Show the new run (trained through the session, not the window): leave and re-enter the view.
    await app.goTo('Runs');
    await app.goTo('Predict');
    await app.main().locator('select[name=predictRun]').waitFor();
  }, 180_000);

  it('predicts a file of 28 spectra with probabilities, the out-of-model check and an activation map', async () => {
    app.bridge.answers.predictFiles.push([TEST]);
    await app.main().getByRole('button', { name: 'Choose files…' }).click();
    await app.main().locator('[data-testid=predict-table]').waitFor({ timeout: 60_000 });
    const rows = app.main().locator('[data-testid=predict-table] tbody tr');
    expect(await rows.count()).toBe(28);
    expect(await app.main().locator('[data-testid=predict-summary]').textContent()).toMatch(/^28 spectra from Coffee_TEST\.tsv · (none|\d+) out of model$/);
    // Same classes as the run's own predictions of the same test spectra.
    const run = await app.value<RunDetail>('runs:get', { runId });
    const shown = await rows.locator('td:nth-child(2)').allTextContents();
    expect(shown).toEqual(run.predictions.map((p) => String(p.predicted)));
    await rows.nth(3).click();
    await app.main().locator('[data-testid=predict-map] canvas').first().waitFor();
    await screenshot(app.page, '66-predict');

    const [dl] = await Promise.all([app.page.waitForEvent('download'), app.main().getByRole('button', { name: 'Save CSV…' }).click()]);
    const csv = fs.readFileSync((await dl.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('sample,prediction,p_0,p_1,t2,q,outOfModel');
    expect(csv).toHaveLength(29);
    expect(csv[1]!.split(',')[0]).toBe('Coffee_TEST.tsv#1');
  }, 120_000);

  it('refuses spectra whose axis does not cover the model, naming the file and both ranges', async () => {
    app.bridge.answers.predictFiles.push([STRAWBERRY]);
    await app.main().getByRole('button', { name: 'Choose files…' }).click();
    const err = app.main().locator('[data-testid=predict-error]');
    await err.waitFor({ timeout: 60_000 });
    expect(await err.textContent()).toMatch(/^Strawberry_TEST\.tsv: spectrum "Strawberry_TEST\.tsv#1" covers 1–235, but run \d+ needs 1–286\./);
    // The earlier results stay on screen.
    expect(await app.main().locator('[data-testid=predict-table] tbody tr').count()).toBe(28);
    await screenshot(app.page, '67-predict-refused');

    // Batch: every spectrum of a dataset of the project.
    await app.main().getByRole('button', { name: 'Predict dataset' }).click();
    await app.main().getByText(/^56 spectra from Coffee · /).waitFor({ timeout: 60_000 });
    expect(await app.main().locator('[data-testid=predict-table] tbody tr').count()).toBe(56);
    expect(app.problems).toEqual([]);
  });
});
