import { describe, expect, it } from 'vitest';
import type { DatasetSummary } from '../../src-main/common/domain/project';
import { channelLayoutOf, startInput, type TrainSettings } from '../../src-renderer/src/components/train/setup';

/** IDRC 2002 joined: instrument 2 on 1100–1896 nm (channel 0) and instrument 1 on 600–1898 nm. */
const joined: DatasetSummary = {
  id: 4,
  name: 'both',
  samples: 655,
  points: 200,
  channels: 2,
  axis: { unit: 'nm', min: 1100, max: 1896, descending: false },
  axes: 1,
  splits: { train: 195, test: 460, none: 0 },
  columns: { assay: { kind: 'number', distinct: 300, missing: 0 } },
  sourceFiles: [],
  yUnit: null,
  createdAt: '2026-12-01T00:00:00Z',
};
const settings = (over: Partial<TrainSettings> = {}): TrainSettings => ({ datasetId: 4, target: 'assay', alsoTargets: [], recipeId: null, recipeMode: 'all', channelRecipeIds: [], channelLayout: 'resample', model: 'cnn', validation: 'given', groupColumn: '', epochs: null, learningRate: null, components: null, plsDecision: 'auto', seed: 1, neighbourhood: 0, neighbourhoodMode: 'channels', ...over });

describe('Train view: one network branch per channel', () => {
  it('sends channelLayout branches for a network on several channels only', () => {
    const column = joined.columns.assay!;
    expect(startInput(settings({ channelLayout: 'branches' }), joined, column)).toEqual({ datasetId: 4, target: 'assay', model: 'cnn', recipeId: null, channelLayout: 'branches', validation: 'given', seed: 1 });
    expect(startInput(settings(), joined, column)).toEqual({ datasetId: 4, target: 'assay', model: 'cnn', recipeId: null, validation: 'given', seed: 1 });
    expect(channelLayoutOf(settings({ channelLayout: 'branches', model: 'pls' }), joined)).toEqual({});
    expect(channelLayoutOf(settings({ channelLayout: 'branches', model: 'ae' }), joined)).toEqual({});
    expect(channelLayoutOf(settings({ channelLayout: 'branches' }), { ...joined, channels: 1 })).toEqual({});
  });
});
