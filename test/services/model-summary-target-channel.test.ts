/**
 * The Train view's layer table for a channel as the target (`models:summary` with
 * `targetChannel`): the other channel is the input, each point of the target channel after the
 * recipe an output, as the plan lays the run out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { modelSummary } from '../../src-main/services/model-summary';
import { savePipeline } from '../../src-main/db/pipelines';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { tmpDir } from '../helpers/tmp';
import { userErrorOf } from '../helpers/errors';

/** 12 samples, channel "a" on 8 points (1000–1070 cm⁻¹) and channel "b" on 5 (2000–2080 cm⁻¹), from one long table. */
async function twoChannels(): Promise<Db> {
  const dir = tmpDir();
  const lines = ['sample,channel,wavenumber (cm-1),intensity,set'];
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 8; j++) lines.push(`S${i + 1},a,${1000 + 10 * j},${(Math.sin(j / 3) + 0.1 * i).toFixed(5)},${i < 9 ? 'train' : 'test'}`);
    for (let j = 0; j < 5; j++) lines.push(`S${i + 1},b,${2000 + 20 * j},${(Math.cos(j / 4) + 0.2 * i).toFixed(5)},${i < 9 ? 'train' : 'test'}`);
  }
  const csv = path.join(dir, 'pairs.csv');
  fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  const db = openProject(path.join(dir, 'p.spectra'), { create: true });
  await importFiles(db, { files: [csv], splitColumn: 'set' });
  return db;
}

describe('models:summary with a channel as the target', () => {
  it('reads the other channel and gives one output per point of the target channel', async () => {
    const db = await twoChannels();
    const b = modelSummary(db, { datasetId: 1, target: '', model: 'mlp', targetChannel: 'b' });
    expect({ task: b.task, input: b.input, outputs: b.outputs, targetChannel: b.targetChannel, channels: b.channels, last: b.layers.at(-1)!.output }).toEqual({ task: 'regression', input: [8, 1], outputs: 5, targetChannel: { name: 'b', points: 5 }, channels: undefined, last: [5] });
    // Channel "a" as the target: the input is channel "b", on its own 5 points.
    const a = modelSummary(db, { datasetId: 1, target: '', model: 'cnn', targetChannel: 'a' });
    expect([a.input, a.outputs, a.targetChannel, a.layers[0]!.input, a.layers.at(-1)!.output]).toEqual([[5, 1], 8, { name: 'a', points: 8 }, [5, 1], [8]]);
  });

  it('counts each channel’s points after the recipe', async () => {
    const db = await twoChannels();
    // Every 20 cm⁻¹: channel "a" keeps 4 points (1000–1060), channel "b" its 5.
    const every20 = savePipeline(db, 'every 20', parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'resample', params: { step: 20 } }] })).id;
    const a = modelSummary(db, { datasetId: 1, target: '', model: 'mlp', recipeId: every20, targetChannel: 'a' });
    const b = modelSummary(db, { datasetId: 1, target: '', model: 'mlp', recipeId: every20, targetChannel: 'b' });
    expect([a.input, a.outputs, b.input, b.outputs]).toEqual([[5, 1], 4, [4, 1], 5]);
  });

  it('refuses an unknown channel, naming the channels, and PLS', async () => {
    const db = await twoChannels();
    expect(userErrorOf(() => modelSummary(db, { datasetId: 1, target: '', model: 'mlp', targetChannel: 'c' })).message).toBe('Dataset "pairs" has no channel "c". Channels: "a", "b".');
    expect(userErrorOf(() => modelSummary(db, { datasetId: 1, target: '', model: 'pls', targetChannel: 'b' })).message).toBe('A target channel is predicted by a network template or a layer list (one output per point), not by PLS.');
  });
});
