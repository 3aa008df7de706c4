/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * Find the best model in Chromium over a real Session and trainer: the Train view's button with
 * a one-minute budget on UCR Coffee, its live progress, and the run page's leaderboard with the
 * winner retrained and tested once.
 */
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import type { RunDetail, RunSummary } from '../../src-main/common/ipc/contract';
import { candidateName, candidateScoreText } from '../../src-main/common/runs/optimize';

describe('Find the best model (Chromium, real Session and trainer)', () => {
  const app = useAppPage('spectra-optimize-');

  it('searches recipes × models on Coffee within a minute; the run page ranks every candidate and marks the winner', async () => {
    await app.newProject(`${app.work}/optimize.spectra`);
    await app.importUcr('Coffee');
    await app.goTo('Train');
    await app.selectByText('dataset', 'Coffee');
    await app.main().locator('input[name=budget]').fill('1');
    await app.main().getByRole('button', { name: 'Find the best model' }).click();
    await app.main().locator('[data-testid=search-best]').waitFor({ timeout: 120_000 });
    expect(await app.main().locator('[data-testid=search-progress]').textContent()).toMatch(/Finding the best model: \d+ of \d+ candidate folds scored/);
    await screenshot(app.page, '80-train-find-best-model');
    await app.main().locator('[data-testid=run-metrics]').waitFor({ timeout: 300_000 });

    const runs = await app.value<RunSummary[]>('runs:list', {});
    const parent = runs.find((r) => r.folds)!;
    const run = await app.value<RunDetail>('runs:get', { runId: parent.id });
    const board = run.metrics!.leaderboard!;
    expect(board.winner).not.toBeNull();
    expect(board.budgetSeconds).toBe(60);
    expect(run.foldRuns!.map((f) => f.label)).toEqual([`winner: ${candidateName(board.winner!)}`]);

    await app.goTo('Runs');
    await app.main().locator('[data-testid=runs-list] tbody tr').first().getByRole('button', { name: 'Open' }).click();
    await app.main().locator('[data-testid=leaderboard]').waitFor();
    const rows = await app.main().locator('[data-testid=leaderboard] tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows.map((r) => [r[1], r[2]])).toEqual(board.candidates.map((c) => [candidateName(c), candidateScoreText(c)]));
    expect(await app.main().locator('[data-testid=leaderboard] tr.winner td').nth(1).textContent()).toBe(candidateName(board.winner!));
    await app.main().locator('[data-testid=leaderboard]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '81-run-page-leaderboard');
    expect(app.problems).toEqual([]);
  }, 420_000);
});
