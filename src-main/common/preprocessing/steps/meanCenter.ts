import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { mapRows, stateVector } from '../block';
import { columnMean } from '../column-stats';

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
  paramInfo: {},
  fitted: true,
  fit: (_p, train: SpectraBlock) => ({ mean: Array.from(columnMean(KIND, train)) }),
  transform(_p, input: SpectraBlock, state) {
    const mean = stateVector(KIND, 'mean', state.mean, input.axis);
    return mapRows(input, (src, dst, o, n) => {
      for (let i = 0; i < n; i++) dst[o + i] = src[o + i] - mean[i];
    });
  },
};
