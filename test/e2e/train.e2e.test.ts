/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * The Train view in Chromium over a real Session, a real SQLite project and the real trainer
 * process: model summary, a live run with curves, cancel, a PLS baseline, a diverging run that
 * stops with its reason, and the project reopened with the failed run's curves kept.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { canvasInk, screenshot } from './harness';
import { useAppPage } from './setup';
import type { RunSummary } from '../../src-main/common/ipc/contract';

describe('Train view (Chromium, real Session and trainer)', () => {
  const app = useAppPage('spectra-train-');
  let projectFile: string;
  const runs = () => app.value<RunSummary[]>('runs:list', {});

  it('shows the empty state, then the model summary with shapes for Strawberry', async () => {
    projectFile = path.join(app.work, 'Strawberry.spectra');
    await app.newProject(projectFile);
    await app.goTo('Train');
    await app.main().getByText('Import spectra first.').waitFor();

    await app.importUcr('Strawberry');
    await app.goTo('Train');
    await app.main().locator('[data-testid=layer-table]').waitFor();
    expect(await app.main().locator('[data-testid=input-shape]').textContent()).toBe('[235, 1]');
    expect(await app.main().locator('select[name=target]').inputValue()).toBe('class');
    expect(await app.main().getByText(/Classification into 2 classes/).count()).toBe(1);
    expect(await app.main().getByText(/Given split/).textContent()).toContain('train 613 · test 370');
    // The default cnn: the last layer maps to the 2 class logits.
    const rows = app.main().locator('[data-testid=layer-table] tbody tr');
    expect(await rows.last().locator('td').nth(3).textContent()).toBe('[2]');
    expect(Number((await app.main().locator('[data-testid=param-count]').textContent())!.replace(/\s/g, ''))).toBeGreaterThan(1000);
    // Imbalanced classes (351 : 632) are pointed out, not blocked.
    expect(await app.main().locator('[data-testid=train-warning]').allTextContents()).toEqual([expect.stringMatching(/^Classes are imbalanced \(largest 1\.8× the smallest\): class weights are on/)]);

    const layerRows = () => app.page.evaluate(() => document.querySelectorAll('[data-testid=layer-table] tbody tr').length);
    const cnnRows = await layerRows();
    await app.main().locator('select[name=model]').selectOption('resnet1d');
    await app.page.waitForFunction((n) => document.querySelectorAll('[data-testid=layer-table] tbody tr').length !== n, cnnRows);
    await app.main().locator('select[name=model]').selectOption('cnn');
    await app.page.waitForFunction((n) => document.querySelectorAll('[data-testid=layer-table] tbody tr').length === n, cnnRows);
    await screenshot(app.page, '50-train-setup');
  }, 120_000);

  it('trains a cnn with live curves, epoch time and ETA, and reports the test metrics', async () => {
    await app.main().locator('details.advanced summary').click();
    await app.main().locator('input[name=epochs]').fill('30');
    await app.page.keyboard.press('Control+Enter');
    await app.main().locator('[data-testid=run-state]', { hasText: 'Training' }).waitFor({ timeout: 60_000 });
    // Validation curves appear while it runs (613 training spectra → 15 % held back for early stopping).
    await app.page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points') ?? 0) >= 8, undefined, { timeout: 60_000 });
    expect(await app.main().locator('[data-testid=run-epoch]').textContent()).toMatch(/Epoch \d+ of 30/);
    expect(await app.main().locator('[data-testid=run-eta]').textContent()).toMatch(/about .+ left/);
    // The status bar lists the run like any other job: epoch, time left and a progress bar.
    const statusJob = app.page.locator('footer.status [data-testid=status-job][data-kind=train]');
    expect((await statusJob.textContent())!.trim()).toMatch(/^Training cnn on Strawberry · epoch \d+ of 30 · about .+ left/);
    expect(Number(await statusJob.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    expect(await app.main().locator('[data-testid=run-meta]').textContent()).toMatch(/521 training · 92 validation \(early stopping\) · 370 test spectra/);
    expect(await app.main().locator('[data-testid=train-engine]').textContent()).toMatch(/CPU · /);
    expect(await app.main().getByRole('button', { name: /Start training/ }).count()).toBe(0);
    await screenshot(app.page, '51-train-running');

    await app.main().locator('[data-testid=run-metrics]').waitFor({ timeout: 120_000 });
    const [run] = await runs();
    expect(run).toMatchObject({ model: 'cnn', status: 'done', epochs: 30, dataset: 'Strawberry', target: 'class' });
    const cards = await app.main().locator('[data-testid=run-metrics] .card').evaluateAll((els) => els.map((e) => `${e.querySelector('.label')!.textContent} ${e.querySelector('.value')!.textContent}`));
    expect(cards).toEqual([
      `Test Balanced accuracy ${Number(run!.test!.balancedAccuracy!.toPrecision(3))}`,
      `Test Accuracy ${Number(run!.test!.accuracy!.toPrecision(3))}`,
      `Test Macro F1 ${Number(run!.test!.macroF1!.toPrecision(3))}`,
    ]);
    expect(run!.test!.accuracy).toBeGreaterThan(0.8);
    const ink = await canvasInk(app.page, '[data-testid=metric-chart] canvas');
    expect(ink.inked).toBeGreaterThan(500);
    expect(await app.main().locator('[data-testid=loss-chart]').getAttribute('data-points')).toBe('60');
    await screenshot(app.page, '52-train-done');
  }, 240_000);

  it('cancels a run at once and marks it cancelled', async () => {
    await app.main().locator('input[name=epochs]').fill('2000');
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await app.page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points') ?? 0) >= 2, undefined, { timeout: 60_000 });
    const t0 = Date.now();
    await app.page.keyboard.press('Escape');
    await app.main().locator('[data-testid=run-state]', { hasText: 'Cancelled' }).waitFor({ timeout: 10_000 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await runs())[0]).toMatchObject({ status: 'cancelled', message: 'Training was cancelled.' });
  }, 120_000);

  it('trains PLS-DA, which then shows as the baseline of a network run', async () => {
    await app.main().locator('select[name=model]').selectOption('pls');
    await app.main().getByText(/No layers: PLS projects the 235 points/).waitFor();
    // PLS settings replace epochs and learning rate: components and the class decision.
    expect(await app.main().locator('input[name=epochs]').count()).toBe(0);
    expect(await app.main().locator('select[name=plsDecision] option').allTextContents()).toEqual(['Automatic (by cross-validation)', 'PLS-DA: the largest predicted class value', 'Nearest class centre of the predicted values', 'Nearest training spectrum in the score space']);
    expect(await app.main().locator('input[name=components]').getAttribute('placeholder')).toBe('by cross-validation');
    if (!(await app.main().locator('select[name=plsDecision]').isVisible())) await app.main().locator('details.advanced summary').click();
    expect(await app.main().locator('[data-testid=train-warning]').allTextContents()).toEqual(['Classes are imbalanced (largest 1.8× the smallest): the components are chosen on balanced accuracy, the headline metric, and the cross-validation also tries the class-centre decision, which does not favour large classes.']);
    await screenshot(app.page, '57-train-pls-settings');
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await app.main().locator('[data-testid=run-metrics]').waitFor({ timeout: 120_000 });
    const pls = (await runs())[0]!;
    expect(pls).toMatchObject({ model: 'pls', status: 'done' });
    // The cnn run's result page names the PLS run as its baseline.
    const cnn = (await runs()).find((r) => r.model === 'cnn' && r.status === 'done')!;
    await app.main().locator('[data-testid=runs-table] tbody tr', { hasText: 'cnn' }).filter({ hasText: 'done' }).getByRole('button', { name: 'Curves' }).click();
    await app.main().getByText(`Run #${cnn.id} · cnn on Strawberry → class`).waitFor();
    expect(await app.main().locator('[data-testid=loss-chart]').getAttribute('data-points')).toBe('60');
    const baseline = app.main().locator('[data-testid=train-pls-baseline]');
    await baseline.waitFor();
    const fmt = (v: number) => String(Number(v.toPrecision(3)));
    expect((await baseline.textContent())!.trim()).toMatch(new RegExp(`^PLS baseline on the same 370 test spectra \\(run #${pls.id}\\): balanced accuracy ${fmt(pls.test!.balancedAccuracy!).replace('.', '\\.')}, this network ${fmt(cnn.test!.balancedAccuracy!).replace('.', '\\.')}\\.`));
    await screenshot(app.page, '58-train-stored-run-baseline');
  }, 180_000);

  it('stops a diverging run with the reason, and the reopened project keeps it failed with its curves', async () => {
    await app.main().getByRole('button', { name: /Close|Back to the current run/ }).click();
    await app.importUcr('Coffee');
    await app.goTo('Train');
    await app.main().locator('select[name=dataset]').selectOption({ label: 'Coffee (56 spectra)' });
    await app.main().locator('details.advanced summary').click();
    await app.main().locator('select[name=model]').selectOption('mlp');
    await app.main().locator('input[name=epochs]').fill('200');
    await app.main().locator('input[name=learningRate]').fill('10');
    await app.main().getByText(/A learning rate of 10 is far from the default 0\.001/).waitFor();
    // The raw spectra: what is checked is how training stops, not the auto recipe's choice (which would come first, for each run).
    await app.main().locator('select[name=recipe]').selectOption({ label: 'None — raw spectra' });
    await app.main().getByRole('button', { name: /Start training/ }).click();
    const message = app.main().locator('[data-testid=run-message]');
    await message.waitFor({ timeout: 120_000 });
    expect(await message.textContent()).toMatch(/^Training stopped at epoch 1, batch \d+: the loss exploded to .*\. The weights from the last good step are kept\. Try, in this order: a smaller learning rate \(now 10; try 1\)/);
    expect(await app.main().locator('[data-testid=run-state]').textContent()).toBe('Failed');
    await screenshot(app.page, '53-train-diverged');
    expect((await runs())[0]!.status).toBe('failed');

    // A learning rate that does not explode but never learns: stopped with the reason, epochs stored.
    await app.main().locator('input[name=learningRate]').fill('3');
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await app.main().locator('[data-testid=run-message]', { hasText: 'not learning' }).waitFor({ timeout: 120_000 });
    expect(await app.main().locator('[data-testid=run-message]').textContent()).toMatch(/^Training stopped at epoch \d+: the network is not learning\. .* a smaller learning rate \(now 3; try 0\.3\)/);
    const failed = (await runs())[0]!;
    expect(failed.status).toBe('failed');
    expect(failed.epochs).toBeGreaterThan(10);
    const livePoints = await app.main().locator('[data-testid=loss-chart]').getAttribute('data-points');
    expect(Number(livePoints)).toBe(failed.epochs);

    // Quit and start again: the project opens and the failed run keeps its curves.
    app.bridge.restart();
    await app.page.reload();
    app.bridge.answers.openProject.push(projectFile);
    await app.page.getByRole('button', { name: /Open project/ }).first().click();
    await app.goTo('Train');
    await app.main().locator('select[name=dataset]').selectOption({ label: 'Coffee (56 spectra)' });
    const row = app.main()
      .locator('[data-testid=runs-table] tbody tr')
      .filter({ has: app.page.locator('td:first-child', { hasText: new RegExp(`^${failed.id}$`) }) });
    await row.getByText('failed').waitFor();
    await row.getByRole('button', { name: 'Curves' }).click();
    await app.main().getByText(`Run #${failed.id} · mlp on Coffee → class`).waitFor();
    expect(await app.main().locator('[data-testid=run-message]').textContent()).toMatch(/not learning.*\(now 3; try 0\.3\)/);
    expect(await app.main().locator('[data-testid=loss-chart]').getAttribute('data-points')).toBe(livePoints);
    // The loss spiked to ~1e5 before settling: a log scale shows both.
    await app.main().locator('[data-testid=loss-chart]').getByLabel('log scale').check();
    await screenshot(app.page, '54-train-reopened-failed');
    expect(app.problems).toEqual([]);
  }, 180_000);

  it('cross-validates from the Train view: follows each fold live, then shows mean ± std', async () => {
    await app.main().getByRole('button', { name: /Close|Back to the current run/ }).click();
    await app.main().locator('select[name=model]').selectOption('cnn');
    if (!(await app.main().locator('input[name=epochs]').isVisible())) await app.main().locator('details.advanced summary').click();
    await app.main().locator('input[name=learningRate]').fill('');
    // 20 epochs on the raw spectra (the auto recipe would be chosen again in each fold first): each fold still runs long enough to be followed live.
    await app.main().locator('input[name=epochs]').fill('20');
    await app.main().locator('select[name=recipe]').selectOption({ label: 'None — raw spectra' });
    await app.main().locator('input[name=validation][value="kfold:5"]').check();
    await app.main().getByText('One model per fold; the recipe and scaling are fitted inside each fold.', { exact: false }).waitFor();
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await app.main().locator('[data-testid=run-fold]', { hasText: 'fold 2 of 5' }).waitFor({ timeout: 120_000 });
    expect((await app.main().locator('[data-testid=run-fold]').textContent())!.trim()).toMatch(/^Cross-validation run #\d+: fold 2 of 5$/);
    expect((await app.page.locator('footer.status [data-testid=status-job][data-kind=train]').textContent())!.trim()).toMatch(/^Training cnn on Coffee · fold \d of 5 · /);
    await app.page.waitForFunction(() => Number(document.querySelector('[data-testid=loss-chart]')?.getAttribute('data-points') ?? 0) >= 3, undefined, { timeout: 60_000 });
    await screenshot(app.page, '55-train-cross-validation-running');
    await app.main().locator('[data-testid=run-metrics]').waitFor({ timeout: 240_000 });
    const labels = await app.main().locator('[data-testid=run-metrics] .card .label').allTextContents();
    expect(labels[0]).toBe('Test Balanced accuracy (mean ± std)');
    const cv = (await runs())[0]!;
    expect(cv).toMatchObject({ model: 'cnn', status: 'done', folds: 5 });
    expect(await app.main().locator('[data-testid=run-metrics] .card .value').first().textContent()).toBe(`${Number(cv.test!.balancedAccuracy!.toPrecision(3))} ± ${Number(cv.std!.balancedAccuracy!.toPrecision(2))}`);
    expect(await app.main().locator('.run-head h2').textContent()).toBe(`Run #${cv.id} · cnn on Coffee → class`);
    await screenshot(app.page, '56-train-cross-validation-done');
    expect(app.problems).toEqual([]);
  }, 300_000);
});
