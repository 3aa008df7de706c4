import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../src-main/common/domain/project';
import { channelLayoutOf, isOneSplit, neighbourhoodOf, schemeOf, startInput, type TrainSettings } from '../../src-renderer/src/components/train/setup';

const chondro: DatasetSummary = {
  id: 3,
  name: 'chondro',
  samples: 875,
  points: 300,
  channels: 1,
  axis: { unit: 'cm-1', min: 602, max: 1798, descending: false },
  axes: 1,
  splits: { train: 0, test: 0, none: 875 },
  columns: { cluster: { kind: 'class', distinct: 3, missing: 6 } },
  sourceFiles: [],
  yUnit: null,
  createdAt: '2026-12-01T00:00:00Z',
  map: { width: 35, height: 25, pixels: 875, missing: 0, step: 1, stepX: 1, stepY: 1, x0: -11.55, y0: -4.77, unit: null },
};
const { map: _, ...notMap } = chondro;
const settings = (over: Partial<TrainSettings> = {}): TrainSettings => ({ datasetId: 3, target: 'cluster', alsoTargets: [], recipeId: null, recipeMode: 'all', channelRecipeIds: [], model: 'pls', validation: 'blocked-holdout:0.2', groupColumn: '', epochs: null, learningRate: null, components: null, plsDecision: 'auto', seed: 1, neighbourhood: 0, neighbourhoodMode: 'channels', ...over });

describe('Train view settings on a map', () => {
  it('a blocked split keeps a buffer of the neighbourhood radius', () => {
    expect(schemeOf(settings())).toBe('blocked-holdout:0.2');
    expect(schemeOf(settings({ neighbourhood: 2 }))).toBe('blocked-holdout:0.2:2');
    expect(schemeOf(settings({ validation: 'blocked:5', neighbourhood: 1 }))).toBe('blocked:5:1');
    // A random split is what it says; the main process warns about it on a map.
    expect(schemeOf(settings({ validation: 'kfold:5', neighbourhood: 1 }))).toBe('kfold:5');
  });

  it('sends the neighbourhood for a map only', () => {
    expect(neighbourhoodOf(settings({ neighbourhood: 1, neighbourhoodMode: 'mean' }), chondro)).toEqual({ radius: 1, mode: 'mean' });
    expect(neighbourhoodOf(settings({ neighbourhood: 1 }), notMap)).toBeUndefined();
    expect(neighbourhoodOf(settings(), chondro)).toBeUndefined();
    const column = chondro.columns.cluster!;
    expect(startInput(settings({ neighbourhood: 1 }), chondro, column)).toEqual({ datasetId: 3, target: 'cluster', model: 'pls', recipeId: null, validation: 'blocked-holdout:0.2:1', seed: 1, neighbourhood: { radius: 1, mode: 'channels' } });
    expect(startInput(settings(), chondro, column)).toEqual({ datasetId: 3, target: 'cluster', model: 'pls', recipeId: null, validation: 'blocked-holdout:0.2', seed: 1 });
  });
});

describe('Train view settings for the autoencoder', () => {
  it('starts an ae run without a target, on one split', () => {
    const column = chondro.columns.cluster!;
    expect(startInput(settings({ model: 'ae', validation: 'holdout:0.2', epochs: 300, alsoTargets: ['other'] }), notMap, column)).toEqual({ datasetId: 3, target: '', model: 'ae', recipeId: null, validation: 'holdout:0.2', seed: 1, epochs: 300 });
    expect(['given', 'holdout:0.2', 'kfold:5', 'blocked-holdout:0.2'].map((v) => isOneSplit(v as TrainSettings['validation']))).toEqual([true, true, false, false]);
  });
});

describe('Train view: one network branch per channel', () => {
  /** IDRC 2002 joined: two instruments, each a channel. */
  const joined: DatasetSummary = { ...notMap, id: 4, name: 'both', samples: 655, channels: 2, splits: { train: 195, test: 460, none: 0 }, columns: { assay: { kind: 'number', distinct: 300, missing: 0 } } };
  const cnn = (over: Partial<TrainSettings> = {}) => settings({ datasetId: 4, target: 'assay', model: 'cnn', validation: 'given', channelLayout: 'resample', ...over });

  it('sends channelLayout branches for a network on several channels only', () => {
    const column = joined.columns.assay!;
    expect(startInput(cnn({ channelLayout: 'branches' }), joined, column)).toEqual({ datasetId: 4, target: 'assay', model: 'cnn', recipeId: null, channelLayout: 'branches', validation: 'given', seed: 1 });
    expect(startInput(cnn(), joined, column)).toEqual({ datasetId: 4, target: 'assay', model: 'cnn', recipeId: null, validation: 'given', seed: 1 });
    expect(channelLayoutOf(cnn({ channelLayout: 'branches', model: 'pls' }), joined)).toEqual({});
    expect(channelLayoutOf(cnn({ channelLayout: 'branches', model: 'ae' }), joined)).toEqual({});
    expect(channelLayoutOf(cnn({ channelLayout: 'branches' }), { ...joined, channels: 1 })).toEqual({});
  });
});

describe('Train view: a channel as the target', () => {
  const joined: DatasetSummary = { ...notMap, id: 4, name: 'both', samples: 655, channels: 2, splits: { train: 195, test: 460, none: 0 }, columns: { assay: { kind: 'number', distinct: 300, missing: 0 } } };
  const mlp = (over: Partial<TrainSettings> = {}) => settings({ datasetId: 4, target: 'assay', alsoTargets: ['other'], model: 'mlp', validation: 'given', targetChannel: 'Instrument 2', ...over });

  it('sends the channel in place of the column, with one recipe for all, on one axis, from the template', () => {
    const column = joined.columns.assay!;
    expect(startInput(mlp({ recipeId: 'auto', recipeMode: 'per-channel', channelRecipeIds: [null, 2], channelLayout: 'branches', encoderFrom: 7, epochs: 60 }), joined, column)).toEqual({ datasetId: 4, target: '', targetChannel: 'Instrument 2', model: 'mlp', recipeId: null, validation: 'given', seed: 1, epochs: 60 });
    expect(startInput(mlp({ recipeId: 5 }), joined, column)).toEqual({ datasetId: 4, target: '', targetChannel: 'Instrument 2', model: 'mlp', recipeId: 5, validation: 'given', seed: 1 });
  });

  it('leaves it out for PLS, the autoencoder and a dataset of one channel', () => {
    const column = joined.columns.assay!;
    expect(startInput(mlp({ model: 'pls' }), joined, column)).toEqual({ datasetId: 4, target: 'assay', model: 'pls', recipeId: null, validation: 'given', seed: 1 });
    expect(startInput(mlp({ model: 'ae' }), joined, column)).toEqual({ datasetId: 4, target: '', model: 'ae', recipeId: null, validation: 'given', seed: 1 });
    expect(startInput(mlp(), { ...joined, channels: 1 }, column)).toEqual({ datasetId: 4, target: 'assay', model: 'mlp', recipeId: null, validation: 'given', seed: 1 });
  });
});
