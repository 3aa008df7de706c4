/**
 * Starting from an autoencoder's encoder in the Train view: `models:summary` shows the encoder's
 * layers as the autoencoder has them, then the head, and refuses a recipe the autoencoder did not
 * read through; `runs:start` trains the network (the request's custom model, the autoencoder's
 * recipe for "auto") and the run stores where it started.
 */
import { describe, expect, it } from 'vitest';
import type { ModelSummary, RunDetail, SavedPipeline } from '../../src-main/common/ipc/contract';
import { tmpDir } from '../helpers/tmp';
import { ok, trainingSession } from '../helpers/training-session';
import { POINTS, twoInstruments } from '../helpers/two-instruments';

describe("a network started from an autoencoder's encoder, from the app", () => {
  it('summarises the encoder and its head, refuses another recipe and trains', async () => {
    const p = await twoInstruments();
    p.db.close();
    const { s } = trainingSession(tmpDir());
    s.open(p.file);
    const ae = ok<{ runId: number }>(await s.invoke('runs:start', { datasetId: p.a, target: '', model: 'ae', recipeId: null, validation: 'given', seed: 1, epochs: 20 })).runId;
    await s.runFinished(ae);

    const aeSummary = ok<ModelSummary>(await s.invoke('models:summary', { datasetId: p.a, target: '', model: 'ae', recipeId: null }));
    const summary = ok<ModelSummary>(await s.invoke('models:summary', { datasetId: p.a, target: 'assay', model: 'cnn', recipeId: 'auto', encoderFrom: ae }));
    // 30 points: one stride-2 stage (conv, ReLU), flatten and the latent dense layer.
    expect(summary.encoderFrom).toEqual({ runId: ae, layers: 4 });
    expect(summary.input).toEqual([POINTS, 1]);
    expect(summary.layers.slice(0, 4)).toEqual(aeSummary.layers.slice(0, 4));
    expect(summary.layers.slice(4).map((l) => [l.type, l.output])).toEqual([['dense', [32]], ['relu', [32]], ['dense', [1]]]);

    const snv = ok<SavedPipeline>(await s.invoke('pipelines:save', { name: 'SNV', spec: { schemaVersion: 1, steps: [{ kind: 'snv' }] } }));
    const refusal = `Autoencoder run ${ae} does not read what this run reads: it read its spectra through raw spectra, this run through snv. Train an autoencoder on the same axis, channels and recipe, or train without its encoder.`;
    expect(await s.invoke('models:summary', { datasetId: p.a, target: 'assay', model: 'cnn', recipeId: snv.id, encoderFrom: ae })).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: refusal, field: 'encoderFrom' } });
    expect(await s.invoke('runs:start', { datasetId: p.a, target: 'assay', model: 'pls', recipeId: null, validation: 'given', seed: 1, encoderFrom: ae })).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: "An autoencoder's encoder starts a network of a target, not PLS.", field: 'encoderFrom' } });

    const { runId } = ok<{ runId: number }>(await s.invoke('runs:start', { datasetId: p.a, target: 'assay', model: 'cnn', recipeId: 'auto', validation: 'given', seed: 1, epochs: 10, encoderFrom: ae }));
    await s.runFinished(runId);
    const run = ok<RunDetail>(await s.invoke('runs:get', { runId }));
    expect(run.status).toBe('done');
    expect(run.model).toBe('custom');
    expect(run.config).toMatchObject({ encoderFrom: { runId: ae, layers: 4, values: 16 * 9 + 16 + 15 * 16 * 8 + 8 }, recipe: null });
  }, 120_000);
});
