/**
 * The app's side of training on a map: `runs:check` warns about a random split with the share it
 * measured, `models:summary` counts a neighbourhood's channels, and `runs:start` meets the rule
 * the CLI meets (a blocked split's buffer at least the neighbourhood's radius), storing nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-main/common/ipc/contract';
import { trainingSession } from '../helpers/training-session';
import { fixture } from '../helpers/datasets';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-session-map-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('session runs on a map', () => {
  it('warns about a random split, summarises neighbourhood inputs and refuses a narrow buffer', async () => {
    const { s } = trainingSession(dir);
    expect((await s.invoke('project:create', {})).ok).toBe(true);
    expect((await s.invoke('datasets:import', { paths: [fixture('raman_map_chondro', 'chondro.csv')], dataset: 'chondro', axisUnit: 'cm-1', jobId: 'j' })).ok).toBe(true);
    const list = await s.invoke('datasets:list', {});
    const datasetId = (list as { ok: true; value: { id: number }[] }).value[0]!.id;

    const random = await s.invoke('runs:check', { datasetId, target: 'cluster', validation: 'kfold:5' });
    expect(random).toEqual({ ok: true, value: { warnings: ['This dataset is a map, and 869 of its 869 test pixels (100 %) have a training pixel next to them: neighbouring pixels have nearly the same spectrum, so this split tests the model on pixels it has in effect trained on and its score is optimistic. Use blocked:5 to hold out contiguous regions of the map.'] } });
    expect(await s.invoke('runs:check', { datasetId, target: 'cluster', validation: 'blocked:5:1', neighbourhood: { radius: 1, mode: 'channels' } })).toEqual({ ok: true, value: { warnings: [] } });

    const summary = await s.invoke('models:summary', { datasetId, target: 'cluster', model: 'cnn', neighbourhood: { radius: 1, mode: 'mean' } });
    expect((summary as { ok: true; value: { input: [number, number] } }).value.input).toEqual([300, 2]);

    const narrow = await s.invoke('runs:start', { datasetId, target: 'cluster', model: 'pls', recipeId: null, validation: 'blocked:5', neighbourhood: { radius: 1, mode: 'channels' } });
    expect(narrow.ok).toBe(false);
    expect((narrow as { ok: false; error: { message: string } }).error.message).toBe("A neighbourhood of radius 1 needs a buffer of at least 1 pixel between train and test, so that no test pixel's neighbourhood holds a training spectrum: use blocked:5:1.");
    expect((await s.invoke('runs:list', {})) as { ok: true; value: RunSummary[] }).toEqual({ ok: true, value: [] });
  }, 60_000);
});
