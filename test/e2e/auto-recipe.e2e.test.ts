/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * The auto recipe in Chromium over a real Session and trainer: the Train view's default (its
 * choice made in a trainer process), a PLS run on the demo project's Tecator fat, and the run page's
 * table of recipes with their cross-validated scores and the winner.
 */
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import type { RunDetail, RunSummary } from '../../src-main/common/ipc/contract';
import { recipeComponentsText, recipeScoreText } from '../../src-main/common/runs/recipe-choice';
import type { SingleRunConfig } from '../../src-main/common/runs/schema';

describe('Auto recipe (Chromium, real Session and trainer)', () => {
  const app = useAppPage('spectra-auto-recipe-');

  it('trains PLS on Tecator fat with the auto recipe, the default; the run page shows every recipe’s score and the winner', async () => {
    await app.openDemoProject();
    await app.goTo('Train');
    await app.selectByText('dataset', 'Tecator');
    await app.main().locator('select[name=target]').selectOption('fat');
    const recipe = app.main().locator('select[name=recipe]');
    expect(await recipe.evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe('Auto — chosen by cross-validation on the training spectra');
    await app.main().getByText(/are each scored by 5-fold cross-validation of the training spectra with PLS/).waitFor();
    await app.main().locator('select[name=model]').selectOption('pls');
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await app.main().locator('[data-testid=run-metrics]').waitFor({ timeout: 180_000 });

    const [summary] = await app.value<RunSummary[]>('runs:list', {});
    expect(summary).toMatchObject({ model: 'pls', status: 'done', target: 'fat' });
    const run = await app.value<RunDetail>('runs:get', { runId: summary!.id });
    const choice = (run.config as SingleRunConfig).recipeChoice!;
    expect(choice.metric).toBe('RMSECV');
    expect(choice.candidates).toHaveLength(6);

    await app.goTo('Runs');
    await app.main().locator('[data-testid=runs-list] tbody tr').first().getByRole('button', { name: 'Open' }).click();
    await app.main().locator('[data-testid=recipe-choice]').waitFor();
    expect(await app.main().locator('[data-testid=run-facts]').textContent()).toContain(`Recipe${`auto → ${choice.winner}`}`);
    const rows = await app.main().locator('[data-testid=recipe-choice] tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toEqual(choice.candidates.map((c) => [c.name, recipeScoreText(c), recipeComponentsText(c), c.name === choice.winner ? 'chosen' : '']));
    expect(await app.main().locator('[data-testid=recipe-choice] tr.winner td').first().textContent()).toBe(choice.winner);
    // The demo's fat column is in %: the errors carry it, R² and RPD do not.
    const cards = await app.main().locator('[data-testid=run-page-metrics] .card').evaluateAll((els) => els.map((e) => [e.querySelector('.label')!.textContent, e.querySelector('.unit')?.textContent ?? null]));
    expect(cards).toEqual([['RMSEP (fat)', ' %'], ['MAE', ' %'], ['R²', null], ['Bias', ' %'], ['RPD', null]]);
    expect(summary!.units).toEqual({ fat: '%' });
    await app.main().locator('[data-testid=recipe-choice]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '71-run-page-auto-recipe');
    expect(app.problems).toEqual([]);
  }, 300_000);
});
