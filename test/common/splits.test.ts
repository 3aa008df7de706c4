import { describe, expect, it } from 'vitest';
import { makeFolds, parseScheme, replicateColumns, replicateLeaks, schemeLabel, schemeText, type FoldInput } from '../../src-main/common/ml/splits';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** 60 rows, classes 0/1/2 with 30/20/10 rows (class = row % 6 pattern), 10 replicate groups of 6. */
function classes(): FoldInput {
  const target = Float64Array.from(range(60), (i) => (i % 6 < 3 ? 0 : i % 6 < 5 ? 1 : 2));
  return { rows: range(60), target, kind: 'classification', splits: range(60).map((i) => (i < 40 ? 'train' : 'test')), groups: range(60).map((i) => `sample-${Math.floor(i / 6)}`), seed: 1 };
}

function values(n = 53): FoldInput {
  const target = Float64Array.from(range(n), (i) => ((i * 37) % n) / 2);
  return { rows: range(n), target, kind: 'regression', splits: range(n).map(() => null), seed: 7 };
}

const count = (rows: number[], input: FoldInput, c: number) => rows.filter((r) => input.target[r] === c).length;

describe('validation schemes', () => {
  it('parses every scheme and refuses the rest with the list', () => {
    expect(parseScheme('given')).toEqual({ kind: 'given' });
    expect(parseScheme('holdout:0.2')).toEqual({ kind: 'holdout', fraction: 0.2 });
    expect(parseScheme('holdout:25%')).toEqual({ kind: 'holdout', fraction: 0.25 });
    expect(parseScheme('kfold:5')).toEqual({ kind: 'kfold', k: 5 });
    expect(parseScheme('mccv:10x0.2')).toEqual({ kind: 'mccv', repeats: 10, fraction: 0.2 });
    expect(parseScheme('group:patient')).toEqual({ kind: 'group', column: 'patient', k: 5 });
    expect(parseScheme('group:batch id:3')).toEqual({ kind: 'group', column: 'batch id', k: 3 });
    expect(parseScheme('learning-curve')).toEqual({ kind: 'learning-curve', sizes: [0.1, 0.25, 0.5, 0.75, 1] });
    expect(() => parseScheme('kfold:1')).toThrow('Validation "kfold:1": the number of folds must be a whole number from 2 to 100.');
    expect(() => parseScheme('mccv:10x1.5')).toThrow('Validation "mccv:10x1.5": the test fraction must be between 0 and 1 (e.g. 0.2 or 20%).');
    expect(() => parseScheme('loo')).toThrow('Validation "loo" is not a scheme Spectra Desk knows. Use given, holdout:0.2, kfold:5, mccv:10x0.2, group:COLUMN (or group:COLUMN:5) or learning-curve.');
    for (const t of ['given', 'holdout:0.2', 'kfold:5', 'mccv:10x0.2', 'group:patient:5', 'learning-curve']) expect(schemeText(parseScheme(t))).toBe(t);
    expect(schemeLabel(parseScheme('mccv:10x0.2'))).toBe('Monte-Carlo cross-validation, 10 × 20 % test (stratified)');
  });

  it('given: the tags', () => {
    const f = makeFolds({ kind: 'given' }, classes());
    expect(f).toEqual([{ label: 'given split', train: range(40), test: range(20).map((i) => i + 40) }]);
    expect(() => makeFolds({ kind: 'given' }, { ...classes(), splits: range(60).map(() => null) })).toThrow('Validation "given" needs samples tagged train and test, but this dataset has 0 train and 0 test samples with a target.');
  });

  it('stratified k-fold: disjoint test folds covering every row once, each class spread evenly, seeded', () => {
    const input = classes();
    const folds = makeFolds({ kind: 'kfold', k: 5 }, input);
    expect(folds.map((f) => f.label)).toEqual(['fold 1 of 5', 'fold 2 of 5', 'fold 3 of 5', 'fold 4 of 5', 'fold 5 of 5']);
    expect(folds.flatMap((f) => f.test).sort((a, b) => a - b)).toEqual(range(60));
    for (const f of folds) {
      expect(f.test.length).toBe(12);
      expect([...f.train, ...f.test].sort((a, b) => a - b)).toEqual(range(60));
      expect([count(f.test, input, 0), count(f.test, input, 1), count(f.test, input, 2)]).toEqual([6, 4, 2]);
    }
    expect(makeFolds({ kind: 'kfold', k: 5 }, input)).toEqual(folds);
    expect(makeFolds({ kind: 'kfold', k: 5 }, { ...input, seed: 2 })).not.toEqual(folds);
  });

  it('k-fold on values: every fold spans the range of the target', () => {
    const input = values();
    const folds = makeFolds({ kind: 'kfold', k: 5 }, input);
    expect(folds.map((f) => f.test.length)).toEqual([11, 11, 11, 10, 10]);
    const sortedValues = Array.from(input.target).sort((a, b) => a - b);
    for (const f of folds) {
      const v = f.test.map((r) => input.target[r]!);
      // Blocks of 5 sorted neighbours, one member to each fold: every fold has one of the 5 lowest
      // and one of the 10 highest values (the last block holds only 3).
      expect(Math.min(...v)).toBeLessThanOrEqual(sortedValues[4]!);
      expect(Math.max(...v)).toBeGreaterThanOrEqual(sortedValues[sortedValues.length - 10]!);
    }
  });

  it('Monte-Carlo CV: repeats of a stratified 20 % hold-out, each different', () => {
    const input = classes();
    const folds = makeFolds({ kind: 'mccv', repeats: 10, fraction: 0.2 }, input);
    expect(folds).toHaveLength(10);
    for (const f of folds) {
      expect([count(f.test, input, 0), count(f.test, input, 1), count(f.test, input, 2)]).toEqual([6, 4, 2]);
      expect(f.train.length + f.test.length).toBe(60);
      expect(f.train.filter((r) => f.test.includes(r))).toEqual([]);
    }
    expect(new Set(folds.map((f) => f.test.join(','))).size).toBe(10);
    const reg = makeFolds({ kind: 'mccv', repeats: 3, fraction: 0.2 }, values());
    expect(reg.map((f) => f.test.length)).toEqual([11, 11, 11]);
  });

  it('grouped k-fold keeps all spectra of a group on one side; a plain k-fold does not', () => {
    const input = classes();
    const grouped = makeFolds({ kind: 'group', column: 'sample', k: 5 }, input);
    expect(grouped.map((f) => f.test.length)).toEqual([12, 12, 12, 12, 12]);
    expect(replicateLeaks(grouped, input.groups!)).toEqual({ groups: 0, examples: [] });
    const plain = replicateLeaks(makeFolds({ kind: 'kfold', k: 5 }, input), input.groups!);
    expect(plain.groups).toBe(10);
    expect(() => makeFolds({ kind: 'group', column: 'sample', k: 20 }, input)).toThrow('Validation "group:sample:20" needs at least 20 groups; “sample” has 10. Use fewer folds, e.g. group:sample:10.');
    const holes = { ...input, groups: input.groups!.map((g, i) => (i < 2 ? null : g)) };
    expect(() => makeFolds({ kind: 'group', column: 'sample', k: 5 }, holes)).toThrow('Validation "group:sample": 2 samples have no “sample” value.');
  });

  it('learning curve: nested, stratified training subsets scored on one fixed test set', () => {
    const input = classes();
    const folds = makeFolds({ kind: 'learning-curve', sizes: [0.1, 0.25, 0.5, 1] }, input);
    expect(folds.map((f) => f.label)).toEqual(['10 % of the training set (4)', '25 % of the training set (10)', '50 % of the training set (20)', '100 % of the training set (40)']);
    for (const f of folds) expect(f.test).toEqual(range(20).map((i) => i + 40));
    for (let i = 1; i < folds.length; i++) expect(folds[i - 1]!.train.every((r) => folds[i]!.train.includes(r))).toBe(true);
    expect(folds[3]!.train).toEqual(range(40));
    // Every prefix keeps the class proportions of the 40 training rows (21/13/6) to within one spectrum.
    const whole = [0, 1, 2].map((c) => count(range(40), input, c));
    expect(whole).toEqual([21, 13, 6]);
    for (const f of folds) for (const c of [0, 1, 2]) expect(Math.abs(count(f.train, input, c) - (whole[c]! * f.train.length) / 40)).toBeLessThanOrEqual(1);
  });

  it('finds columns that look like replicate ids', () => {
    expect(
      replicateColumns([
        { name: 'sample', values: range(30).map((i) => `s${Math.floor(i / 3)}`) },
        { name: 'origin', values: range(30).map((i) => ['Brazil', 'Ethiopia', 'Vietnam'][i % 3]!) },
        { name: 'id', values: range(30).map((i) => `x${i}`) },
      ]),
    ).toEqual(['sample']);
  });
});
