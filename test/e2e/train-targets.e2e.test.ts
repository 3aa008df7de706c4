/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * Several targets from the Train view, in Chromium over a real Session and trainer: Tecator
 * moisture with fat and protein ticked under "Also predict", one PLS2 run, and its run page with
 * the headline over the targets, a table of each target in its own units and a parity plot each.
 */
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import type { RunDetail, RunSummary } from '../../src-main/common/ipc/contract';
import { num } from '../../src-main/common/format/numbers';

describe('Several targets (Chromium, real Session and trainer)', () => {
  const app = useAppPage('spectra-targets-');

  it('trains one PLS2 model on moisture, fat and protein and shows each target on the run page', async () => {
    await app.openDemoProject();
    await app.goTo('Train');
    const option = await app.main()
      .locator('select[name=dataset] option')
      .evaluateAll((os) => (os as HTMLOptionElement[]).find((o) => /^Tecator/.test(o.textContent ?? ''))?.value ?? '');
    await app.main().locator('select[name=dataset]').selectOption(option);
    await app.main().locator('select[name=target]').selectOption('moisture');
    await app.main().locator('select[name=model]').selectOption('pls');
    await app.main().locator('select[name=recipe]').selectOption({ label: 'None — raw spectra' });
    await app.main().locator('input[name=also-fat]').check();
    await app.main().locator('input[name=also-protein]').check();
    await app.main().getByText('→ moisture, fat, protein, as set up on the left').waitFor();
    await screenshot(app.page, '72-train-several-targets');
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await app.main().locator('[data-testid=run-metrics]').waitFor({ timeout: 180_000 });
    const [run] = await app.value<RunSummary[]>('runs:list', {});
    expect(run).toMatchObject({ model: 'pls', status: 'done', task: 'regression', target: 'moisture', targets: ['moisture', 'fat', 'protein'] });
    const d = await app.value<RunDetail>('runs:get', { runId: run!.id });
    expect(d.metrics!.targets!.map((t) => t.name)).toEqual(['moisture', 'fat', 'protein']);

    await app.goTo('Runs');
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'moisture, fat, protein' }).getByRole('button', { name: 'Open' }).click();
    await app.main().locator('[data-testid=per-target]').waitFor();
    expect(await app.main().locator('[data-testid=per-target] tbody tr').allTextContents()).toEqual(
      ['moisture', 'fat', 'protein'].map((name) => {
        const v = (key: string, digits: number) => num(d.test![`${key}:${name}`]!, digits);
        // The demo's Tecator columns are in %: each row names its unit.
        return [`${name} (%)`, v('rmse', 3), v('r2', 3), v('bias', 3), v('sep', 3), v('rpd', 2)].join('');
      }),
    );
    expect(await app.main().locator('[data-testid=parity-plot]').count()).toBe(3);
    expect(await app.main().getByText('RMSEP / SD, mean over targets').count()).toBe(1);
    await screenshot(app.page, '73-run-page-several-targets');
  }, 300_000);
});
