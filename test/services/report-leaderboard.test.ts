/**
 * The report of a "Find the best model" search: its leaderboard (every candidate with its
 * cross-validated mean ± std, time and status), why the winner won, and the winner's one score
 * on the test split — from a stored leaderboard as the search writes it.
 */
import { describe, expect, it } from 'vitest';
import { renderCrossValidationReport, type CrossValidationReport } from '../../src-main/services/report';
import type { Leaderboard } from '../../src-main/common/runs/optimize';

const board: Leaderboard = {
  metric: 'balancedAccuracy',
  folds: 5,
  trainSamples: 28,
  budgetSeconds: 120,
  searchSeconds: 118.4,
  parallel: 2,
  candidates: [
    { recipe: 'SNV', model: 'plslda', status: 'done', mean: 1, std: 0, foldScores: [1, 1, 1, 1, 1], seconds: 12.34, components: [3, 3, 4, 3, 3], decisions: ['lda', 'lda', 'lda', 'lda', 'lda'] },
    { recipe: 'raw spectra', model: 'pls', status: 'done', mean: 1, std: 0, foldScores: [1, 1, 1, 1, 1], seconds: 10, components: [5, 5, 5, 6, 5], decisions: ['pls-da', 'pls-da', 'centroid', 'pls-da', 'pls-da'] },
    { recipe: 'first derivative', model: 'pls', status: 'done', mean: 0.9, std: 0.1369306393762915, foldScores: [1, 0.75, 1, 0.75, 1], seconds: 9.5, components: [2, 2, 2, 2, 2], decisions: ['pls-da', 'pls-da', 'pls-da', 'pls-da', 'pls-da'] },
    { recipe: 'SNV', model: 'cnn', status: 'budget', mean: null, std: null, foldScores: [0.9, 1], seconds: 80.2, note: 'stopped by the budget after 2 of 5 folds' },
    { recipe: 'raw spectra', model: 'cnn', status: 'budget', mean: null, std: null, foldScores: [], seconds: 0, note: 'not tried: out of time' },
    { recipe: 'raw spectra', model: 'mlp', status: 'budget', mean: null, std: null, foldScores: [], seconds: 0, note: 'stopped by the budget during its first fold' },
    { recipe: 'second derivative', model: 'mlp', status: 'failed', mean: null, std: null, foldScores: [], seconds: 1.5, note: 'the loss diverged' },
  ],
  winner: { recipe: 'SNV', model: 'plslda' },
  notes: [],
};

const report: CrossValidationReport = {
  runId: 7,
  model: 'pls',
  task: 'classification',
  dataset: 'Coffee',
  target: 'class',
  scheme: 'Find the best model: 5-fold cross-validation of the training split',
  seed: 1,
  recipe: 'chosen by the search',
  finishedAt: '2026-12-02 03:00:00',
  mean: { balancedAccuracy: 1, accuracy: 1 },
  std: { balancedAccuracy: 0, accuracy: 0 },
  folds: [{ label: 'winner: PLS-LDA · SNV', runId: 8, status: 'done', trainSamples: 28, testSamples: 28, test: { balancedAccuracy: 0.9643, accuracy: 0.9643 } }],
  warnings: [],
  learningCurve: false,
  leaderboard: board,
};

describe('report of a search', () => {
  const html = renderCrossValidationReport(report);

  it('lists every candidate, best first, with its score, time, PLS components and status', () => {
    const rows = [...html.matchAll(/<table class="leaderboard">.*?<tbody>(.*?)<\/tbody>/gs)][0]![1]!.split('</tr>').filter(Boolean);
    expect(rows).toEqual([
      '<tr><td class="n">1</td><td>PLS-LDA · SNV <strong>(winner)</strong></td><td class="n">1.0000 ± 0.0000</td><td class="n">12.3 s</td><td>3 / 3 / 4 / 3 / 3 · LDA</td><td>scored</td>',
      '<tr><td class="n">2</td><td>PLS · raw spectra</td><td class="n">1.0000 ± 0.0000</td><td class="n">10.0 s</td><td>5 / 5 / 5 / 6 / 5 · PLS-DA / class centre</td><td>scored</td>',
      '<tr><td class="n">3</td><td>PLS · first derivative</td><td class="n">0.9000 ± 0.1369</td><td class="n">9.5 s</td><td>2 / 2 / 2 / 2 / 2 · PLS-DA</td><td>scored</td>',
      '<tr><td class="n"></td><td>CNN · SNV</td><td class="n"></td><td class="n">80.2 s</td><td></td><td>stopped by the budget after 2 of 5 folds</td>',
      '<tr><td class="n"></td><td>CNN · raw spectra</td><td class="n"></td><td class="n"></td><td></td><td>not reached in the budget</td>',
      '<tr><td class="n"></td><td>MLP · raw spectra</td><td class="n"></td><td class="n"></td><td></td><td>stopped by the budget during its first fold</td>',
      '<tr><td class="n"></td><td>MLP · second derivative</td><td class="n"></td><td class="n">1.5 s</td><td></td><td>failed: the loss diverged</td>',
    ]);
    expect(html).toContain('<th>balanced accuracy (5-fold CV, mean ± std)</th>');
  });

  it('says what was searched, which candidate won and why', () => {
    expect(html).toContain(
      '<p>3 of 7 candidates scored by 5-fold cross-validation of the 28 training spectra (recipe and PLS components fitted inside each fold; test spectra take no part), ranked by cross-validated balanced accuracy (highest wins), in 118 s of a 120 s budget. Winner: PLS-LDA · SNV, retrained on all 28 training spectra and scored once on the test split.</p>',
    );
    expect(html).toContain(
      '<p><strong>Why it won:</strong> PLS-LDA · SNV won with the highest mean cross-validated balanced accuracy, 1.0000 ± 0.0000 over the 5 folds, of the 3 candidates scored; PLS · raw spectra scored the same, and the candidate tried first (the simpler recipe, PLS before networks) wins a tie.</p>',
    );
  });

  it('gives the winner’s one score on the test split, not a spread over folds', () => {
    expect(html).toContain('<section id="metrics"><h2>The winner on the test split</h2>');
    expect(html).toContain('<p>PLS-LDA · SNV, retrained on all 28 training spectra (run 8, done; its full report is in <code>fold-1/report.html</code>), scored once on the 28 test spectra.</p>');
    expect(html).toContain('<tbody><tr><td>Balanced accuracy</td><td class="n">0.9643</td></tr><tr><td>Accuracy</td><td class="n">0.9643</td></tr></tbody>');
    expect(html).not.toContain('mean ± std over');
    expect(html).not.toContain('Std (n − 1)');
  });

  it('a search without a winner says the test spectra were not used', () => {
    const none = renderCrossValidationReport({ ...report, folds: [], mean: {}, std: {}, leaderboard: { ...board, winner: null, candidates: board.candidates.slice(4, 5) } });
    expect(none).toContain('<p>No winner was retrained, so the test spectra were not used.</p>');
    expect(none).not.toContain('Why it won');
    expect(none).toContain('<td>not reached in the budget</td>');
  });

  it('a cross-validation without a leaderboard keeps its fold table', () => {
    const cv = renderCrossValidationReport({ ...report, leaderboard: null });
    expect(cv).not.toContain('id="leaderboard"');
    expect(cv).toContain('<h2>Every fold</h2>');
  });
});
