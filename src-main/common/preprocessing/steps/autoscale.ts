import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { mapRows, stateVector } from '../block';
import { columnStats } from '../column-stats';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AutoscaleParams {}

/**
 * Per-point training mean and population standard deviation (ddof = 0, like scikit-learn's
 * StandardScaler). Points with zero spread store std 1 (as StandardScaler does), so they are
 * only centred.
 */
export type AutoscaleState = { mean: number[]; std: number[] };

const KIND = 'autoscale';

/** (x − mean) / std per point, with mean and std from the training split. */
export const autoscale: StepDefinition<AutoscaleParams, AutoscaleState> = {
  kind: KIND,
  version: 1,
  title: 'Autoscaling (mean centre, unit variance)',
  params: z.strictObject({}),
  paramInfo: {},
  fitted: true,
  fit(_p, train: SpectraBlock) {
    const { mean, std } = columnStats(KIND, train);
    return { mean: Array.from(mean), std: Array.from(std, (s) => (s > 0 ? s : 1)) };
  },
  transform(_p, input: SpectraBlock, state) {
    const mean = stateVector(KIND, 'mean', state.mean, input.axis);
    const std = stateVector(KIND, 'std', state.std, input.axis);
    return mapRows(input, (src, dst, o, n) => {
      for (let i = 0; i < n; i++) dst[o + i] = (src[o + i] - mean[i]) / std[i];
    });
  },
};
