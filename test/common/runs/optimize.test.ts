import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src-main/common/errors';
import { recipeCandidates } from '../../../src-main/common/runs/recipe-choice';
import {
  candidateRequest,
  candidateScoreText,
  networkOrder,
  parseBudget,
  parseModels,
  rankCandidates,
  searchEta,
  searchModels,
  type CandidateResult,
} from '../../../src-main/common/runs/optimize';
import type { RunRequest } from '../../../src-main/common/runs/schema';

const result = (recipe: string, model: CandidateResult['model'], mean: number | null, status: CandidateResult['status'] = 'done'): CandidateResult => ({ recipe, model, status, mean, std: mean === null ? null : 0.01, foldScores: [], seconds: 1 });

describe('find the best model: the rules', () => {
  it('reads budgets as a person writes them', () => {
    expect([parseBudget('10m'), parseBudget('90s'), parseBudget('1h'), parseBudget('1h30m'), parseBudget('45'), parseBudget('2.5m')]).toEqual([600, 90, 3600, 5400, 45, 150]);
    for (const bad of ['', '0', 'ten minutes', '-5m', '10x', '8d']) expect(() => parseBudget(bad)).toThrow(UserError);
    expect(() => parseBudget('soon')).toThrow('--budget "soon": give a time such as 10m, 90s or 1h (at most a week).');
  });

  it('reads the model list, refusing an unknown name', () => {
    expect(parseModels('pls, plslda,cnn,pls')).toEqual(['pls', 'plslda', 'cnn']);
    expect(() => parseModels('pls,svm')).toThrow('--models: unknown model "svm"; choose from pls, plslda, cnn, resnet1d, mlp, cnn-dense.');
    expect(() => parseModels(',')).toThrow('--models: name at least one model;');
  });

  it('puts PLS before networks and leaves PLS-LDA out of a regression', () => {
    expect(searchModels(['cnn', 'pls', 'mlp', 'plslda'], 'classification')).toEqual({ models: ['pls', 'plslda', 'cnn', 'mlp'], notes: [] });
    expect(searchModels(['plslda', 'cnn'], 'regression')).toEqual({ models: ['cnn'], notes: ['PLS-LDA is a class decision: left out of a regression search.'] });
    expect(() => searchModels(['plslda'], 'regression')).toThrow(UserError);
  });

  it('tries every network on the recipe PLS ranked best first', () => {
    const recipes = recipeCandidates({ raman: false });
    const order = networkOrder(recipes, [recipes[3]!.name, recipes[0]!.name], ['cnn', 'mlp']).map((c) => [c.recipe.name, c.model]);
    expect(order.slice(0, 4)).toEqual([[recipes[3]!.name, 'cnn'], [recipes[3]!.name, 'mlp'], [recipes[0]!.name, 'cnn'], [recipes[0]!.name, 'mlp']]);
    expect(order).toHaveLength(recipes.length * 2);
    expect(order[4]).toEqual([recipes[1]!.name, 'cnn']);
  });

  it('ranks by the mean, the earlier candidate on a tie, unscored ones last', () => {
    const rs = [result('raw', 'pls', 0.9), result('SNV', 'pls', 0.95), result('raw', 'plslda', 0.95), result('raw', 'cnn', null, 'budget'), result('SNV', 'cnn', 0.99, 'failed')];
    expect(rankCandidates(rs, 'balancedAccuracy').map((r) => `${r.model} ${r.recipe}`)).toEqual(['pls SNV', 'plslda raw', 'pls raw', 'cnn raw', 'cnn SNV']);
    const errors = [result('raw', 'pls', 2.1), result('SNV', 'pls', 1.7), result('MSC', 'cnn', 1.7)];
    expect(rankCandidates(errors, 'rmse').map((r) => r.recipe)).toEqual(['SNV', 'MSC', 'raw']);
    expect(candidateScoreText(result('raw', 'pls', 0.96571))).toBe('0.9657 ± 0.0100');
    expect(candidateScoreText(result('raw', 'cnn', null, 'budget'))).toBe('not tried: out of time');
  });

  it('estimates the time left from the measured folds, PLS over the cores, never past the budget', () => {
    const per = new Map([['pls', 2], ['cnn', 30]] as const);
    // 10 PLS-LDA folds at PLS's 2 s over 2 cores, 5 cnn folds at 30 s.
    expect(searchEta([{ model: 'plslda', folds: 10 }, { model: 'cnn', folds: 5 }], per, 2, 1000)).toBe(10 + 150);
    expect(searchEta([{ model: 'cnn', folds: 5 }], per, 2, 60)).toBe(60);
    // A network not yet timed may take whatever the budget leaves.
    expect(searchEta([{ model: 'pls', folds: 5 }, { model: 'resnet1d', folds: 5 }], per, 2, 500)).toBe(500);
    expect(searchEta([{ model: 'cnn', folds: 5 }], new Map(), 2, 60)).toBeNull();
  });

  it("gives each candidate its own model and recipe, PLS-LDA as PLS with the 'lda' decision, no optimiser for PLS", () => {
    const base: RunRequest = { datasetId: 1, target: 'class', model: 'cnn', recipe: null, validation: { kind: 'given' }, seed: 3, optimizer: 'sgd', momentum: 0.8, autoRecipe: true };
    const [raw, snv] = recipeCandidates({ raman: false });
    expect(candidateRequest(base, { recipe: raw!, model: 'plslda' })).toEqual({ datasetId: 1, target: 'class', model: 'pls', recipe: null, validation: { kind: 'given' }, seed: 3, plsDecision: 'lda' });
    expect(candidateRequest(base, { recipe: snv!, model: 'mlp' })).toEqual({ datasetId: 1, target: 'class', model: 'mlp', recipe: { name: snv!.name, spec: snv!.spec }, validation: { kind: 'given' }, seed: 3, optimizer: 'sgd', momentum: 0.8 });
  });
});
