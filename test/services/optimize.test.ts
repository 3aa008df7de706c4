/**
 * Find the best model through the session, with the real trainer: a search parent run whose
 * folds cover the training split only, a leaderboard of every candidate, the winner retrained
 * as its one child run and scored on the test split, progress events, and a budget that runs out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-main/services/session';
import type { RunDetail, RunEvent } from '../../src-main/common/ipc/contract';
import { importCoffee, ok, trainingSession } from '../helpers/training-session';
import { foldRuns, getRun } from '../../src-main/db/runs';
import { recipeCandidates } from '../../src-main/common/runs/recipe-choice';
import type { Leaderboard } from '../../src-main/common/runs/optimize';
import { exportRun } from '../../src-main/services/export';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-optimize-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('find the best model', () => {
  let events: RunEvent[] = [];
  let s: Session;
  let datasetId: number;

  beforeAll(async () => {
    ({ s, events } = trainingSession(dir, 'optimize.spectra'));
    datasetId = await importCoffee(s);
  }, 60_000);
  afterAll(() => s?.close());

  it('PLS-LDA on every starter recipe, 2 folds of the training split: a leaderboard, the winner retrained and tested once', async () => {
    const { runId } = ok<{ runId: number }>(await s.invoke('runs:optimize', { datasetId, target: 'class', models: ['plslda'], folds: 2, budgetSeconds: 600 }));
    await s.runFinished(runId);
    const mine = events.filter((e) => e.runId === runId || e.parentRunId === runId);
    expect(mine.at(-1)).toMatchObject({ type: 'finished', runId, status: 'done', metrics: { balancedAccuracy: 1 } });
    const recipes = recipeCandidates({ raman: false }).map((r) => r.name);
    // Progress: every candidate fold counted, out of 2 per recipe.
    const searches = mine.filter((e) => e.type === 'search');
    expect(searches.at(-1)).toMatchObject({ done: recipes.length * 2, total: recipes.length * 2 });
    expect(Math.max(...searches.map((e) => (e.type === 'search' ? e.done : 0)))).toBe(recipes.length * 2);

    const db = s.requireDb();
    const parent = getRun(db, runId);
    // The runs table names the search by its winner's model.
    expect(parent.model).toBe('pls');
    const board = parent.metrics!.leaderboard as Leaderboard;
    expect(board.metric).toBe('balancedAccuracy');
    expect(board.folds).toBe(2);
    expect(board.trainSamples).toBe(28);
    expect(board.candidates.map((c) => c.recipe).sort()).toEqual([...recipes].sort());
    for (const c of board.candidates) {
      expect(c).toMatchObject({ model: 'plslda', status: 'done' });
      expect(c.foldScores).toHaveLength(2);
      expect(c.decisions).toEqual(['lda', 'lda']);
      expect(c.mean).toBeCloseTo((c.foldScores[0]! + c.foldScores[1]!) / 2, 12);
    }
    for (let i = 1; i < board.candidates.length; i++) expect(board.candidates[i - 1]!.mean!).toBeGreaterThanOrEqual(board.candidates[i]!.mean!);
    expect(board.winner).toEqual({ recipe: board.candidates[0]!.recipe, model: 'plslda' });

    // The design: folds over the 28 training spectra only; the test spectra reach the winner alone.
    const split = parent.split as { folds: { train: number[]; test: number[] }[] };
    const trainIds = new Set(split.folds.flatMap((f) => [...f.train, ...f.test]));
    expect(trainIds.size).toBe(28);
    const [child, ...more] = foldRuns(db, runId);
    expect(more).toEqual([]);
    const childSplit = child!.split as { train: number[]; test: number[] };
    expect(new Set(childSplit.train)).toEqual(trainIds);
    expect(childSplit.test.some((id) => trainIds.has(id))).toBe(false);
    expect(childSplit.test).toHaveLength(28);
    expect(child!.metrics).toMatchObject({ plsDecision: 'lda', test: { balancedAccuracy: 1 } });

    const detail = ok<RunDetail>(await s.invoke('runs:get', { runId }));
    expect(detail.foldRuns!.map((f) => [f.label, f.status])).toEqual([[`winner: PLS-LDA · ${board.winner!.recipe}`, 'done']]);

    // Its report: the leaderboard, the winner and why, and the winner's one test score.
    const out = path.join(dir, `search-${runId}`);
    expect(exportRun(db, runId, out).files).toContain('fold-1/report.html');
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    const top = board.candidates[0]!;
    expect(html).toContain(`<tr><td class="n">1</td><td>PLS-LDA · ${top.recipe} <strong>(winner)</strong></td><td class="n">${top.mean!.toFixed(4)} ± ${top.std!.toFixed(4)}</td><td class="n">${top.seconds.toFixed(1)} s</td><td>${top.components!.join(' / ')} · LDA</td><td>scored</td></tr>`);
    expect(html.match(/<td>scored<\/td>/g)).toHaveLength(recipes.length);
    expect(html).toContain(`<p><strong>Why it won:</strong> PLS-LDA · ${top.recipe} won with the highest mean cross-validated balanced accuracy, ${top.mean!.toFixed(4)} ± ${top.std!.toFixed(4)} over the 2 folds, of the ${recipes.length} candidates scored`);
    expect(html).toContain(`<p>PLS-LDA · ${top.recipe}, retrained on all 28 training spectra (run ${child!.id}, done; its full report is in <code>fold-1/report.html</code>), scored once on the 28 test spectra.</p>`);
    expect(html).toContain('<tr><td>Balanced accuracy</td><td class="n">1</td></tr>');
  }, 300_000);

  it('a budget spent before any fold is scored leaves every candidate unscored (the first stopped in its first fold) and trains no winner', async () => {
    const { runId } = ok<{ runId: number }>(await s.invoke('runs:optimize', { datasetId, target: 'class', models: ['mlp'], folds: 2, budgetSeconds: 0.001 }));
    await s.runFinished(runId);
    const parent = getRun(s.requireDb(), runId);
    expect(parent.status).toBe('failed');
    const board = parent.metrics!.leaderboard as Leaderboard;
    expect(board.winner).toBeNull();
    // The first network fold starts before the deadline's timer can fire, and is stopped by it; no other is started.
    expect(board.candidates.map((c) => [c.status, c.note])).toEqual(recipeCandidates({ raman: false }).map((_, i) => ['budget', i === 0 ? 'stopped by the budget during its first fold' : 'not tried: out of time']));
    expect(parent.metrics!.message).toBe('No candidate could be scored on these spectra.');
    expect(foldRuns(s.requireDb(), runId)).toEqual([]);
  }, 120_000);

  it('Cancel stops the search: no winner is trained and the search ends cancelled', async () => {
    const { runId } = ok<{ runId: number }>(await s.invoke('runs:optimize', { datasetId, target: 'class', models: ['pls'], folds: 2 }));
    const deadline = Date.now() + 60_000;
    while (!events.some((e) => e.type === 'search' && e.runId === runId && e.done > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ok<boolean>(await s.invoke('runs:cancel', { runId }))).toBe(true);
    await s.runFinished(runId);
    const parent = getRun(s.requireDb(), runId);
    expect(parent.status).toBe('cancelled');
    expect(parent.metrics!.message).toBe('The search was cancelled.');
    const board = parent.metrics!.leaderboard as Leaderboard;
    expect(board.winner).toBeNull();
    // The folds under way were stopped; the candidates after them were not started.
    expect(board.candidates.filter((c) => c.status === 'cancelled').length).toBeGreaterThan(0);
    expect(board.candidates).toHaveLength(recipeCandidates({ raman: false }).length);
    expect(foldRuns(s.requireDb(), runId)).toEqual([]);
    expect(events.filter((e) => e.runId === runId).at(-1)).toMatchObject({ type: 'finished', status: 'cancelled' });
  }, 120_000);

  it('refuses a cross-validation as the split the winner is scored on', async () => {
    const r = await s.invoke('runs:optimize', { datasetId, target: 'class', validation: 'kfold:5' });
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'validation' } });
  });
});
