import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { checkStateLength, mapRows } from '../block';
import { columnStats } from '../column-stats';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MeanCenterParams {}

/** Per-point mean of the training spectra. */
export type MeanCenterState = { mean: number[] };

const KIND = 'meanCenter';

/** Subtracts the per-point training mean. */
export const meanCenter: StepDefinition<MeanCenterParams, MeanCenterState> = {
  kind: KIND,
  version: 1,
  title: 'Mean centring',
  params: z.strictObject({}),
  fitted: true,
  fit(_p, train: SpectraBlock) {
    return { mean: Array.from(columnStats(KIND, train).mean) };
  },
  transform(_p, input: SpectraBlock, state) {
    checkStateLength(KIND, 'mean', state.mean.length, input.axis);
    const mean = Float64Array.from(state.mean);
    return mapRows(input, (src, dst, o, n) => {
      for (let i = 0; i < n; i++) dst[o + i] = src[o + i] - mean[i];
    });
  },
};
