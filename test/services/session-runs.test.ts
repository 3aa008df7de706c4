/**
 * Training through the session: `models:summary`, `runs:start` with events on `runs:progress`
 * ending in `finished`, `runs:cancel`, and `runs:list`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunDetail, RunSummary } from '../../src-main/common/ipc/contract';
import { trainingSession } from '../helpers/training-session';
import { fixture } from '../helpers/datasets';
import { expectedKernelSet } from '../helpers/kernel-set';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-session-runs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const makeSession = (file?: string) => trainingSession(dir, file);

describe('session runs', () => {
  it('summarises a model, trains, cancels and lists runs', async () => {
    const { s, events } = makeSession();
    expect((await s.invoke('project:create', {})).ok).toBe(true);
    for (const [file, tag] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) {
      const r = await s.invoke('datasets:import', { paths: [fixture(`ucr_spectro/Coffee/${file}`)], dataset: 'Coffee', splitTag: tag, jobId: `j-${tag}` });
      expect(r.ok).toBe(true);
    }
    const list = await s.invoke('datasets:list', {});
    const datasetId = (list as { ok: true; value: { id: number }[] }).value[0]!.id;

    const summary = await s.invoke('models:summary', { datasetId, target: 'class', model: 'cnn' });
    expect(summary.ok).toBe(true);
    const sv = (summary as { ok: true; value: { task: string; layers: unknown[]; params: number } }).value;
    expect(sv.task).toBe('classification');
    expect(sv.layers.length).toBeGreaterThan(2);
    expect(sv.params).toBeGreaterThan(0);
    const bad = await s.invoke('models:summary', { datasetId, target: 'nope', model: 'cnn' });
    expect(bad.ok).toBe(false);

    const started = await s.invoke('runs:start', { datasetId, target: 'class', model: 'mlp', recipeId: null, validation: 'given', epochs: 20, seed: 1 });
    expect(started.ok).toBe(true);
    const runId = (started as { ok: true; value: { runId: number } }).value.runId;
    await s.runFinished(runId);
    const fin = events.find((e) => e.type === 'finished' && e.runId === runId);
    expect(fin).toMatchObject({ type: 'finished', status: 'done' });
    expect(fin && fin.type === 'finished' && fin.metrics?.accuracy).toBeGreaterThan(0);
    expect(events.some((e) => e.type === 'epoch' && e.runId === runId)).toBe(true);

    const second = await s.invoke('runs:start', { datasetId, target: 'class', model: 'mlp', recipeId: null, validation: 'given', epochs: 2000, seed: 1 });
    const id2 = (second as { ok: true; value: { runId: number } }).value.runId;
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (events.some((e) => e.type === 'epoch' && e.runId === id2)) {
          clearInterval(t);
          resolve();
        }
      }, 20);
    });
    expect(await s.invoke('runs:cancel', { runId: id2 })).toEqual({ ok: true, value: true });
    await s.runFinished(id2);
    expect(events.find((e) => e.type === 'finished' && e.runId === id2)).toMatchObject({ status: 'cancelled' });
    expect(await s.invoke('runs:cancel', { runId: id2 })).toEqual({ ok: true, value: false });

    const runs = await s.invoke('runs:list', {});
    const rows = (runs as { ok: true; value: RunSummary[] }).value;
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [id2, 'cancelled'],
      [runId, 'done'],
    ]);
    expect(rows[1]!.test?.accuracy).toBeGreaterThan(0);
    expect(rows[1]!.dataset).toBe('Coffee');
    expect(rows[0]!.message).toBe('Training was cancelled.');
    expect(rows[1]).toMatchObject({ epochs: 20, message: null, recipe: null, seed: 1 });

    // One run with its curves and the versions it was trained with.
    const detail = await s.invoke('runs:get', { runId });
    expect(detail.ok).toBe(true);
    const d = (detail as { ok: true; value: RunDetail }).value;
    expect(d.curves.map((c) => c.epoch)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(d.classes).toEqual(['0', '1']);
    expect(d.versions).toMatchObject({ app: expect.any(String), node: process.versions.node, engine: { kernels: expect.stringMatching(new RegExp(`^(${expectedKernelSet()}|spectra-desk js)$`)) } });
    expect((await s.invoke('runs:get', { runId: 999 })).ok).toBe(false);

    // Delete: refused while training is impossible here (nothing runs); a finished run goes, its epochs with it.
    expect(await s.invoke('runs:delete', { runId: id2 })).toEqual({ ok: true, value: true });
    expect(((await s.invoke('runs:list', {})) as { ok: true; value: RunSummary[] }).value.map((r) => r.id)).toEqual([runId]);

    // A run left 'running' by an app that stopped (its process gone) is marked failed when the project opens, its curves kept.
    const file = s.project!.path;
    const db = s.requireDb();
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    db.prepare("UPDATE runs SET status = 'running', finished_at = NULL, trainer_pid = ? WHERE id = ?").run(gone, runId);
    s.close();
    const again = makeSession().s;
    expect((await again.invoke('project:openRecent', { path: file })).ok).toBe(true);
    const reopened = ((await again.invoke('runs:list', {})) as { ok: true; value: RunSummary[] }).value;
    expect(reopened[0]).toMatchObject({ id: runId, status: 'failed', epochs: 20, message: `The process training this run (pid ${gone} on ${os.hostname()}) stopped; the curves so far are kept.` });
    again.close();
  }, 120_000);

  it('runs:start answers with the run id before any of its events; events are numbered from 1; a network run names the PLS baseline on the same test spectra', async () => {
    const { s, events } = makeSession('order.spectra');
    expect((await s.invoke('project:create', {})).ok).toBe(true);
    for (const [file, tag] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) {
      expect((await s.invoke('datasets:import', { paths: [fixture(`ucr_spectro/Coffee/${file}`)], dataset: 'Coffee', splitTag: tag, jobId: `j-${tag}` })).ok).toBe(true);
    }
    const datasetId = ((await s.invoke('datasets:list', {})) as { ok: true; value: { id: number }[] }).value[0]!.id;
    const pls = await s.invoke('runs:start', { datasetId, target: 'class', model: 'pls', recipeId: null, validation: 'given', seed: 1, components: 3 });
    const plsId = (pls as { ok: true; value: { runId: number } }).value.runId;
    expect(events.filter((e) => e.runId === plsId)).toEqual([]);
    await s.runFinished(plsId);
    const mine = events.filter((e) => e.runId === plsId);
    expect(mine.map((e) => [e.type, e.seq, e.parentRunId])).toEqual([
      ['started', 1, null],
      ['engine', 2, null],
      ...mine.slice(2, -1).map((e) => [e.type, e.seq, null]),
      ['finished', mine.length, null],
    ]);
    expect(mine.slice(2, -1).every((e) => e.type === 'progress')).toBe(true);

    const cnn = await s.invoke('runs:start', { datasetId, target: 'class', model: 'mlp', recipeId: null, validation: 'given', epochs: 3, seed: 1 });
    const cnnId = (cnn as { ok: true; value: { runId: number } }).value.runId;
    await s.runFinished(cnnId);
    const detail = ((await s.invoke('runs:get', { runId: cnnId })) as { ok: true; value: RunDetail }).value;
    const plsDetail = ((await s.invoke('runs:get', { runId: plsId })) as { ok: true; value: RunDetail }).value;
    const ours = detail.test!.balancedAccuracy!;
    const theirs = plsDetail.test!.balancedAccuracy!;
    expect(detail.baseline).toEqual({ runId: plsId, metric: 'balancedAccuracy', value: theirs, ours, testSamples: 28, verdict: ours === theirs ? 'ties' : ours > theirs ? 'better' : 'worse' });
    expect(plsDetail.baseline).toBeNull();

    // Coffee has no replicate-like column, so the check before a run has nothing to say; an unknown column is refused.
    expect(await s.invoke('runs:check', { datasetId, target: 'class', validation: 'kfold:5' })).toEqual({ ok: true, value: { warnings: [] } });
    expect((await s.invoke('runs:check', { datasetId, target: 'nope', validation: 'kfold:5' })).ok).toBe(false);
    s.close();
  }, 120_000);
});

describe('session runs: the autoencoder from the Train view', () => {
  it('summarises and trains ae without a target; the auto recipe and an empty target for another model are refused', async () => {
    const { s } = makeSession('ae.spectra');
    expect((await s.invoke('project:create', {})).ok).toBe(true);
    for (const [file, tag] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) {
      expect((await s.invoke('datasets:import', { paths: [fixture(`ucr_spectro/Coffee/${file}`)], dataset: 'Coffee', splitTag: tag, jobId: `j-${tag}` })).ok).toBe(true);
    }
    const datasetId = ((await s.invoke('datasets:list', {})) as { ok: true; value: { id: number }[] }).value[0]!.id;
    const summary = await s.invoke('models:summary', { datasetId, target: '', model: 'ae' });
    expect(summary).toMatchObject({ ok: true, value: { task: 'reconstruction', input: [286, 1], outputs: 286, latent: 8 } });
    const layers = (summary as { ok: true; value: { layers: { type: string; output: number[] }[] } }).value.layers;
    expect(layers.at(-1)).toMatchObject({ type: 'crop1d', output: [286, 1] });

    expect(await s.invoke('runs:start', { datasetId, target: '', model: 'ae', recipeId: 'auto', validation: 'given', seed: 1 })).toMatchObject({ ok: false, error: { message: 'The auto recipe is chosen by how well PLS predicts a target, and an autoencoder has none: give a recipe, or none.' } });
    expect(await s.invoke('runs:start', { datasetId, target: '', model: 'cnn', recipeId: null, validation: 'given', seed: 1 })).toMatchObject({ ok: false, error: { message: 'A target column is needed.' } });
    const started = await s.invoke('runs:start', { datasetId, target: '', model: 'ae', recipeId: null, validation: 'given', epochs: 5, seed: 1 });
    expect(started.ok).toBe(true);
    const runId = (started as { ok: true; value: { runId: number } }).value.runId;
    await s.runFinished(runId);
    const d = ((await s.invoke('runs:get', { runId })) as { ok: true; value: RunDetail }).value;
    // 28 training spectra: 4 held out, on which the limit is learned.
    expect(d).toMatchObject({ status: 'done', model: 'ae', metrics: { reconstruction: { learnedOn: 'held-out', limitSpectra: 4, testSpectra: 28 } } });
  }, 120_000);
});
