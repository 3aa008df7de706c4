/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * The Runs section in Chromium over a real Session and trainer: runs trained from the Train view
 * on the demo project, the runs table (sort, filter, delete), a classification run page with its
 * confusion matrix, a regression run page with its parity plot, and a comparison of two runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import type { RunDetail, RunSummary } from '../../src-main/common/ipc/contract';
import { PLS_DECISIONS } from '../../src-main/common/ml/pls-decision';
import type { PlsDecision } from '../../src-main/common/ml/pls';

describe('Runs section (Chromium, real Session and trainer)', () => {
  const app = useAppPage('spectra-runs-');
  const runs = () => app.value<RunSummary[]>('runs:list', {});
  const detail = (runId: number) => app.value<RunDetail>('runs:get', { runId });

  /** Trains from the Train view; `raw` trains on the raw spectra instead of the auto recipe (the default), whose choice is not what these tests check. */
  async function train(dataset: RegExp, target: string, model: string, epochs?: number, validation?: string, raw?: boolean): Promise<RunSummary> {
    const before = (await runs()).length;
    await app.goTo('Train');
    const option = await app.main()
      .locator('select[name=dataset] option')
      .evaluateAll((os, src) => (os as HTMLOptionElement[]).find((o) => new RegExp(src).test(o.textContent ?? ''))?.value ?? '', dataset.source);
    await app.main().locator('select[name=dataset]').selectOption(option);
    await app.main().locator('select[name=target]').selectOption(target);
    await app.main().locator('select[name=model]').selectOption(model);
    if (epochs) {
      if (!(await app.main().locator('input[name=epochs]').isVisible())) await app.main().locator('details.advanced summary').click();
      await app.main().locator('input[name=epochs]').fill(String(epochs));
    }
    if (validation) await app.main().locator(`input[name=validation][value="${validation}"]`).check();
    await app.main().locator('select[name=recipe]').selectOption(raw ? { label: 'None — raw spectra' } : 'auto');
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await app.main().locator('[data-testid=run-metrics]').waitFor({ timeout: 180_000 });
    const list = await runs();
    expect(list.length).toBe(before + 1);
    return list[0]!;
  }

  it('trains three runs on the demo project from the Train view', async () => {
    await app.openDemoProject();
    await app.goTo('Runs');
    await app.main().getByText('No runs yet.').waitFor();
    // 20 epochs: the run pages below read whatever the run scored (its hold-out and seed are those of the PLS run).
    const cnn = await train(/^Coffee/, 'origin', 'cnn', 20);
    expect(cnn).toMatchObject({ model: 'cnn', status: 'done', task: 'classification' });
    // The baseline on the raw spectra: the auto recipe's choice is shown (and paid for) once, on the cnn run's page.
    const pls = await train(/^Coffee/, 'origin', 'pls', undefined, undefined, true);
    expect(pls).toMatchObject({ model: 'pls', status: 'done' });
    const fat = await train(/^Tecator/, 'fat', 'pls');
    expect(fat).toMatchObject({ model: 'pls', status: 'done', task: 'regression', target: 'fat' });
  }, 400_000);

  it('lists, sorts and filters the runs', async () => {
    await app.goTo('Runs');
    const rows = app.main().locator('[data-testid=runs-list] tbody tr');
    await rows.first().waitFor();
    const ids = async () => (await rows.locator('td:nth-child(2)').allTextContents()).map(Number);
    expect(await ids()).toEqual([3, 2, 1]);
    await app.main().getByRole('button', { name: /^#/ }).click();
    expect(await ids()).toEqual([1, 2, 3]);
    await app.main().locator('input[name=runFilter]').fill('tecator');
    expect(await ids()).toEqual([3]);
    await app.main().locator('input[name=runFilter]').fill('');
    await screenshot(app.page, '60-runs-table');
  });

  it('shows a classification run page with the confusion matrix and per-class scores', async () => {
    const run = await detail(1);
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'cnn' }).getByRole('button', { name: 'Open' }).click();
    await app.main().locator('[data-testid=run-page]').waitFor();
    await app.main().getByText('Run #1 · cnn on Coffee ATR-FTIR (3 origins) → origin').waitFor();
    const cells = await app.main().locator('[data-testid=confusion-matrix] td.cell .n').allTextContents();
    const confusion = (run.metrics!.testDetail as { confusion: number[][] }).confusion;
    expect(cells.map(Number)).toEqual(confusion.flat());
    expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(run.predictions.length);
    expect(await app.main().locator('[data-testid=per-class] tbody tr').count()).toBe(run.classes.length);
    expect(await app.main().locator('[data-testid=run-facts]').textContent()).toMatch(/hold-out 20 % \(stratified\)/);
    // The PLS run on the same 12 test spectra (run 2: same hold-out and seed) is the baseline.
    const pls = await detail(2);
    const fmt = (v: number) => String(Number(v.toPrecision(3)));
    const verdict = run.test!.balancedAccuracy! > pls.test!.balancedAccuracy! ? 'does better' : run.test!.balancedAccuracy === pls.test!.balancedAccuracy ? 'ties it' : 'does worse';
    await app.main().locator('[data-testid=pls-baseline] button').waitFor();
    expect(await app.main().locator('[data-testid=pls-baseline]').textContent()).toBe(`PLS baseline on the same 12 test spectra: run #2, balanced accuracy ${fmt(pls.test!.balancedAccuracy!)} — this network ${verdict} (${fmt(run.test!.balancedAccuracy!)}). Open run #2`);
    await app.main().locator('[data-testid=run-loss-chart] canvas').waitFor();
    const wrong = run.predictions.filter((p) => p.truth !== p.predicted).length;
    await app.main().getByText(`Misclassified test spectra (${wrong} of ${run.predictions.length})`).waitFor();
    await screenshot(app.page, '61-run-page-classification');
    // Activation maps over the class means, with their peaks named.
    await app.main().locator('[data-testid=cam-peaks] li').first().waitFor({ timeout: 60_000 });
    expect(await app.main().locator('[data-testid=cam-peaks] li').allTextContents()).toEqual(run.classes.map((c) => expect.stringMatching(new RegExp(`^${c}: activation peaks at [\\d\\s.]+, [\\d\\s.]+, [\\d\\s.]+ \\(point index\\)$`))));
    await app.main().locator('[data-testid=interpretation]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '64-run-page-activation-map');
    // First-layer filters and their feature maps for a chosen test spectrum.
    await app.main().locator('[data-testid=feature-maps]').waitFor({ timeout: 60_000 });
    expect(await app.main().locator('[data-testid=first-layer] .filters svg').count()).toBe(16);
    const firstKey = run.predictions[0]!.key;
    expect(await app.main().locator('select[name=firstLayerSample]').inputValue()).toBe(String(run.predictions[0]!.sampleId));
    await app.main().locator('select[name=firstLayerSample]').selectOption(String(run.predictions[1]!.sampleId));
    await app.main().getByText(`where along the axis each filter responds to “${run.predictions[1]!.key}”`, { exact: false }).waitFor();
    expect(firstKey).not.toBe(run.predictions[1]!.key);
    await app.main().locator('[data-testid=first-layer]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '69-run-page-first-layer');

    // Export the run into a folder: the report and the files a scientist takes out of the app.
    const dir = path.join(app.work, 'export run 1');
    app.bridge.answers.exportFolder.push(dir);
    await app.main().getByRole('button', { name: 'Export…' }).click();
    await app.main().locator('[data-testid=export-result]').waitFor({ timeout: 60_000 });
    for (const f of ['report.html', 'metrics.json', 'predictions.csv', 'pipeline.json', 'cam.csv']) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    const metrics = JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as { test?: Record<string, number> };
    expect(JSON.stringify(metrics)).toContain(String(run.test!.balancedAccuracy));
  });

  it('shows a regression run page with a parity plot in the target units', async () => {
    const run = await detail(3);
    await app.main().getByRole('button', { name: '← All runs' }).click();
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'Tecator' }).getByRole('button', { name: 'Open' }).click();
    await app.main().locator('[data-testid=parity-plot]').waitFor();
    expect(await app.main().locator('[data-testid=parity-plot] circle').count()).toBe(run.predictions.length);
    expect(await app.main().getByText('RMSEP (fat)').count()).toBe(1);
    await app.main().getByText('The ten test spectra predicted worst').waitFor();
    expect(await app.main().locator('[data-testid=worst-table] tbody tr').count()).toBe(10);
    await screenshot(app.page, '62-run-page-regression');
    await app.main().locator('[data-testid=interpret-vip] canvas').first().waitFor({ timeout: 60_000 });
    await app.main().locator('[data-testid=interpretation]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '65-run-page-pls-vip');
  });

  it('a PLS-DA run page says how classes are decided and why', async () => {
    const run = await detail(2);
    await app.main().getByRole('button', { name: '← All runs' }).click();
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'origin' }).filter({ hasText: 'pls' }).getByRole('button', { name: 'Open' }).click();
    await app.main().getByText(`Run #2 · pls on Coffee ATR-FTIR (3 origins) → origin`).waitFor();
    // The decision, in the words of the Train view, and the cross-validation that chose it.
    const label = PLS_DECISIONS[run.metrics!.plsDecision as PlsDecision].label;
    const cv = run.metrics!.plsCv as { curve: { score: number }[]; centroidCurve: { score: number }[]; nearestNeighbourCurve: { score: number }[] };
    const best = (c: { score: number }[]) => String(Number(Math.max(...c.map((p) => p.score)).toFixed(3)));
    expect(await app.main().locator('[data-testid=pls-decision]').textContent()).toBe(
      `${label[0]!.toUpperCase()}${label.slice(1)} (cross-validated balanced accuracy: PLS-DA ${best(cv.curve)}, class centre ${best(cv.centroidCurve)}, nearest spectrum ${best(cv.nearestNeighbourCurve)})`,
    );
    // The curves that chose the components: PLS-DA, class centres and nearest spectrum, one point per component count each.
    expect(cv.centroidCurve).toHaveLength(cv.curve.length);
    expect(cv.nearestNeighbourCurve).toHaveLength(cv.curve.length);
    expect(await app.main().locator('[data-testid=pls-cv-chart]').getAttribute('data-points')).toBe(String(3 * cv.curve.length));
    await app.main().locator('[data-testid=pls-cv-chart] canvas').waitFor();
    await screenshot(app.page, '70-run-page-pls-classification');
  });

  it('compares two runs with differing settings highlighted, then deletes one', async () => {
    await app.main().getByRole('button', { name: '← All runs' }).click();
    await app.main().getByRole('checkbox', { name: 'Select run 1' }).check();
    await app.main().getByRole('checkbox', { name: 'Select run 2' }).check();
    await app.main().getByRole('button', { name: 'Compare 2 runs' }).click();
    const table = app.main().locator('[data-testid=compare-table]');
    await table.waitFor();
    const differing = await table.locator('tr.differs th').allTextContents();
    expect(differing).toContain('Model');
    expect(differing).not.toContain('Dataset');
    expect(differing).not.toContain('Validation');
    await screenshot(app.page, '63-compare-runs');

    await app.main().getByRole('button', { name: '← All runs' }).click();
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'Tecator' }).getByRole('button', { name: 'Delete' }).click();
    await app.page.waitForFunction(() => document.querySelectorAll('[data-testid=runs-list] tbody tr').length === 2);
    expect((await runs()).map((r) => r.id)).toEqual([2, 1]);
    expect(app.problems).toEqual([]);
  });

  it('cross-validates PLS-DA with 10 Monte-Carlo repeats: mean ± std and one run per repeat', async () => {
    // On the raw spectra: with the auto recipe each of the 10 repeats would first choose its own recipe by cross-validation.
    const cv = await train(/^Coffee/, 'origin', 'pls', undefined, 'mccv:10x0.2', true);
    expect(cv).toMatchObject({ model: 'pls', status: 'done', folds: 10 });
    const cards = await app.main().locator('[data-testid=run-metrics] .card .label').allTextContents();
    expect(cards[0]).toBe('Test Balanced accuracy (mean ± std)');
    await app.goTo('Runs');
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: '10 folds' }).getByRole('button', { name: 'Open' }).click();
    const folds = app.main().locator('[data-testid=fold-table] tbody tr');
    await folds.first().waitFor();
    expect(await folds.count()).toBe(10);
    expect(await folds.locator('td:first-child').allTextContents()).toEqual(Array.from({ length: 10 }, (_, i) => `repeat ${i + 1} of 10`));
    const d = await detail(cv.id);
    expect(await app.main().locator('[data-testid=fold-table] tfoot td').nth(1).textContent()).toBe(`${Number(d.test!.balancedAccuracy!.toPrecision(3))} ± ${Number(d.std!.balancedAccuracy!.toPrecision(2))}`);
    await screenshot(app.page, '68-run-page-cross-validation');
    // A repeat is a run of its own, with a way back.
    await folds.nth(0).getByRole('button', { name: 'Open' }).click();
    await app.main().getByRole('button', { name: `← Cross-validation run #${cv.id}` }).waitFor();
    expect(app.problems).toEqual([]);
  }, 300_000);
});
