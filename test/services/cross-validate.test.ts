/**
 * Cross-validated training through the session, with the real trainer: a parent run with one
 * child run per fold (recipe fitted inside each fold), metrics as mean ± std over the folds, the
 * folds listed under the parent, the replicate warning, grouped folds, and deletion with the parent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../src-main/services/session';
import type { RunDetail, RunEvent, RunSummary } from '../../src-main/common/ipc/contract';
import { importCoffee, ok, trainingSession } from '../helpers/training-session';
import { getRun, foldRuns } from '../../src-main/db/runs';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { exportRun } from '../../src-main/services/export';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cross-validated runs', () => {
  let events: RunEvent[] = [];
  let s: Session;
  let datasetId: number;

  beforeAll(async () => {
    ({ s, events } = trainingSession(dir, 'cv.spectra'));
    datasetId = await importCoffee(s);
  }, 60_000);
  afterAll(() => s?.close());

  it('kfold:5 with PLS: five fold runs, the recipe fitted in each, mean ± std over them', async () => {
    const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'meanCenter' }] });
    const recipe = ok<{ id: number }>(await s.invoke('pipelines:save', { name: 'centre', spec }));
    const { runId } = ok<{ runId: number }>(await s.invoke('runs:start', { datasetId, target: 'class', model: 'pls', recipeId: recipe.id, validation: 'kfold:5', seed: 3 }));
    await s.runFinished(runId);
    const finished = events.find((e) => e.type === 'finished' && e.runId === runId);
    expect(finished).toMatchObject({ status: 'done' });
    expect(events.flatMap((e) => (e.type === 'started' && e.parentRunId === runId ? [e.fold!.label] : []))).toEqual(['fold 1 of 5', 'fold 2 of 5', 'fold 3 of 5', 'fold 4 of 5', 'fold 5 of 5']);

    const detail = ok<RunDetail>(await s.invoke('runs:get', { runId }));
    expect(detail.validation).toBe('stratified 5-fold cross-validation');
    expect(detail.classes).toEqual(['0', '1']);
    expect(detail.engine).toBe('js');
    expect(detail.foldRuns!.map((f) => [f.label, f.trainSamples + f.testSamples, f.status])).toEqual(Array.from({ length: 5 }, (_, i) => [`fold ${i + 1} of 5`, 56, 'done']));
    // Every spectrum is tested exactly once across the folds.
    const db = s.requireDb();
    const children = foldRuns(db, runId);
    const tested = children.flatMap((c) => (c.split as { test: number[] }).test).sort((a, b) => a - b);
    expect(new Set(tested).size).toBe(56);
    expect(tested).toHaveLength(56);
    // The recipe's mean spectrum is learned on each fold's training rows: five different states.
    expect(new Set(children.map((c) => JSON.stringify(c.fittedState))).size).toBe(5);
    // Mean and sample standard deviation of the folds' test metrics.
    const accs = detail.foldRuns!.map((f) => f.test!.accuracy!);
    const mean = accs.reduce((a, b) => a + b, 0) / 5;
    const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / 4);
    expect(detail.test!.accuracy).toBeCloseTo(mean, 12);
    expect(detail.std!.accuracy).toBeCloseTo(std, 12);
    expect(getRun(db, children[2]!.id).fold).toEqual({ parentRunId: runId, index: 2, label: 'fold 3 of 5' });
    // PLS folds run side by side, one per core: the second starts before the first has finished.
    if (os.cpus().length > 1) expect(Date.parse(children[1]!.createdAt)).toBeLessThanOrEqual(Date.parse(children[0]!.finishedAt!));

    // The runs table lists the parent only, with its fold count; a fold's page names its parent.
    const list = ok<RunSummary[]>(await s.invoke('runs:list', {}));
    expect(list.map((r) => [r.id, r.folds])).toEqual([[runId, 5]]);
    const child = ok<RunDetail>(await s.invoke('runs:get', { runId: children[0]!.id }));
    expect(child.parentRunId).toBe(runId);
    expect(child.validation).toBe('stratified 5-fold cross-validation, fold 1 of 5');
    expect(child.predictions).toHaveLength((children[0]!.split as { test: number[] }).test.length);

    // Export: the spread, one row per fold, and every fold's own export.
    const out = path.join(dir, 'cv-export');
    const exported = exportRun(db, runId, out);
    const m = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as { metrics: { mean: Record<string, number>; std: Record<string, number> }; folds: unknown[] };
    expect(m.metrics.mean.accuracy).toBe(detail.test!.accuracy);
    expect(m.metrics.std.accuracy).toBe(detail.std!.accuracy);
    expect(m.folds).toHaveLength(5);
    expect(fs.readFileSync(path.join(out, 'folds.csv'), 'utf8').trim().split('\n')).toHaveLength(6);
    expect(exported.files).toContain('fold-5/report.html');
    expect(exported.files).toContain('fold-1/model/model.json');
    const report = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(report).toContain('stratified 5-fold cross-validation');
    expect(report.match(/fold \d of 5/g)).toHaveLength(5);
    expect(report).not.toMatch(/(src|href)="http/);
  }, 120_000);

  it('warns when replicates straddle the folds, and group:COLUMN keeps them together', async () => {
    // Pairs of spectra as "replicates" of one sample: 28 samples of 2 spectra.
    const list = ok<{ rows: { id: number }[] }>(await s.invoke('datasets:samples', { datasetId, offset: 0, limit: 100 }));
    const ids = list.rows.map((x) => x.id).sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += 2) ok(await s.invoke('labels:set', { datasetId, sampleIds: ids.slice(i, i + 2), column: 'sample', value: `S${i / 2 + 1}` }));

    const plain = ok<{ runId: number }>(await s.invoke('runs:start', { datasetId, target: 'class', model: 'pls', recipeId: null, validation: 'kfold:4', seed: 1 })).runId;
    await s.runFinished(plain);
    const p = ok<RunDetail>(await s.invoke('runs:get', { runId: plain }));
    expect(p.warnings).toEqual([expect.stringMatching(/^\d+ “sample” groups \(e\.g\. “S\d+”, “S\d+”, “S\d+”\) have spectra on both sides of a split: if they are replicates of one sample, the scores are optimistic\. Use group:sample to keep each group on one side\.$/)]);
    // The Train view's check before a run gives the same warning by the same rule, and none for the grouped scheme.
    expect(ok(await s.invoke('runs:check', { datasetId, target: 'class', validation: 'kfold:4', seed: 1 }))).toEqual({ warnings: p.warnings });
    // The given split keeps every pair on one side (the train file's spectra pair among themselves).
    expect(ok(await s.invoke('runs:check', { datasetId, target: 'class', validation: 'given', seed: 1 }))).toEqual({ warnings: [] });
    expect(ok(await s.invoke('runs:check', { datasetId, target: 'class', validation: 'group:sample:4', seed: 1 }))).toEqual({ warnings: [] });

    const grouped = ok<{ runId: number }>(await s.invoke('runs:start', { datasetId, target: 'class', model: 'pls', recipeId: null, validation: 'group:sample:4', seed: 1 })).runId;
    await s.runFinished(grouped);
    const g = ok<RunDetail>(await s.invoke('runs:get', { runId: grouped }));
    expect(g.status).toBe('done');
    expect(g.warnings).toEqual([]);
    expect(g.validation).toBe('grouped 4-fold cross-validation by “sample”');
    expect(g.foldRuns!.map((f) => f.testSamples)).toEqual([14, 14, 14, 14]);
    const db = s.requireDb();
    for (const c of foldRuns(db, grouped)) {
      const split = c.split as { train: number[]; test: number[] };
      const pair = (id: number) => Math.floor(ids.indexOf(id) / 2);
      const trainPairs = new Set(split.train.concat((split as { monitor?: number[] }).monitor ?? []).map(pair));
      expect(split.test.filter((id) => trainPairs.has(pair(id)))).toEqual([]);
    }

    // Deleting a cross-validation deletes its folds.
    ok(await s.invoke('runs:delete', { runId: grouped }));
    expect(foldRuns(db, grouped)).toEqual([]);
    expect(() => getRun(db, g.foldRuns![0]!.runId)).toThrow(/does not exist/);
  }, 120_000);

  it('refuses a grouped scheme on a column the dataset lacks, before storing anything', async () => {
    const db = s.requireDb();
    const before = (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
    const r = await s.invoke('runs:start', { datasetId, target: 'class', model: 'pls', recipeId: null, validation: 'group:patient', seed: 1 });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'Validation "group:patient": dataset "Coffee" has no column "patient". Columns: class, sample.' } });
    expect((await s.invoke('runs:start', { datasetId, target: 'class', model: 'pls', recipeId: null, validation: 'kfold:1', seed: 1 })).ok).toBe(false);
    expect((db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n).toBe(before);
  });
});
