/**
 * A recipe per channel chosen in the Train view: `models:summary` names each channel's recipe and
 * checks the channels come out the same length, and `runs:start` trains with them (the request's
 * `channelRecipes`, as `train --channel-pipelines`).
 */
import { describe, expect, it } from 'vitest';
import type { ModelSummary, RunDetail, SavedPipeline, SpectraPreview } from '../../src-main/common/ipc/contract';
import type { ChannelsRecord } from '../../src-main/common/runs/channels';
import type { JoinResult } from '../../src-main/common/domain/project';
import { tmpDir } from '../helpers/tmp';
import { ok, trainingSession } from '../helpers/training-session';
import { AXIS, POINTS, TABLETS, twoInstruments } from '../helpers/two-instruments';

/** A session on the two instruments' project with the two joined by sample id into "both". */
async function joinedSession() {
  const p = await twoInstruments();
  p.db.close();
  const { s } = trainingSession(tmpDir());
  s.open(p.file);
  const both = ok<JoinResult>(await s.invoke('datasets:join', { datasetIds: [p.a, p.b], name: 'both', by: 'id' })).datasetId;
  return { s, both, a: p.a };
}

describe('a recipe per channel from the app', () => {
  it('summarises, refuses channels of different lengths, and trains with one recipe per channel', async () => {
    const { s, both } = await joinedSession();
    const snv = ok<SavedPipeline>(await s.invoke('pipelines:save', { name: 'SNV', spec: { schemaVersion: 1, steps: [{ kind: 'snv' }] } }));
    const crop = ok<SavedPipeline>(await s.invoke('pipelines:save', { name: 'Crop', spec: { schemaVersion: 1, steps: [{ kind: 'crop', params: { ranges: [[1000, 1060]] } }] } }));

    const summary = ok<ModelSummary>(await s.invoke('models:summary', { datasetId: both, target: 'assay', model: 'cnn', recipeId: null, channelRecipeIds: [null, snv.id] }));
    expect([summary.input, summary.channels, summary.channelRecipes]).toEqual([[POINTS, 2], ['Instrument 1', 'Instrument 2'], [{ channel: 'Instrument 1', recipe: null }, { channel: 'Instrument 2', recipe: 'SNV' }]]);
    expect(ok<ModelSummary>(await s.invoke('models:summary', { datasetId: both, target: 'assay', model: 'pls', recipeId: snv.id })).channelRecipes).toBeUndefined();
    expect(await s.invoke('models:summary', { datasetId: both, target: 'assay', model: 'cnn', channelRecipeIds: [crop.id, snv.id] })).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: `After the recipe, channel "Instrument 2" has ${POINTS} points and channel "Instrument 1" 16; the channels must come out the same length.` } });
    expect(await s.invoke('runs:start', { datasetId: both, target: 'assay', model: 'pls', recipeId: snv.id, channelRecipeIds: [null, snv.id], validation: 'given', seed: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: 'Choose one recipe for every channel or one per channel, not both.' } });

    const { runId } = ok<{ runId: number }>(await s.invoke('runs:start', { datasetId: both, target: 'assay', model: 'pls', recipeId: null, channelRecipeIds: [null, snv.id], validation: 'given', seed: 1, components: 2 }));
    await s.runFinished(runId);
    const run = ok<RunDetail>(await s.invoke('runs:get', { runId }));
    expect(run.status).toBe('done');
    expect((run.config as { channels: ChannelsRecord }).channels.perChannel.map((c) => c.recipe?.name ?? null)).toEqual([null, 'SNV']);
    s.close();
  }, 120_000);

  it('the recipe preview reads any channel of a joined dataset, on its own axis', async () => {
    const { s, both, a } = await joinedSession();
    const first = ok<SpectraPreview>(await s.invoke('datasets:spectra', { datasetId: both }));
    const tab7 = first.sampleIds[first.keys.indexOf('tab7')]!;
    const second = ok<SpectraPreview>(await s.invoke('datasets:spectra', { datasetId: both, sampleIds: [tab7], channel: 1 }));
    expect([second.channels, second.keys, Array.from(second.axis), Array.from(second.intensities)]).toEqual([['Instrument 1', 'Instrument 2'], ['tab7'], AXIS, TABLETS[6]!.b.map(Math.fround)]);
    expect(Array.from(ok<SpectraPreview>(await s.invoke('datasets:spectra', { datasetId: both, sampleIds: [tab7] })).intensities)).toEqual(TABLETS[6]!.a.map(Math.fround));
    expect(await s.invoke('datasets:spectra', { datasetId: both, channel: 2 })).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: 'The dataset has 2 channels per sample; there is no channel 3.', field: 'channel' } });
    expect(ok<SpectraPreview>(await s.invoke('datasets:spectra', { datasetId: a })).channels).toEqual([]);
    s.close();
  }, 120_000);
});
