import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { mapRows, stateVector } from '../block';
import { columnMean } from '../column-stats';
import { stepError } from '../step-error';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MscParams {}

/** Learned reference spectrum: the per-point mean of the training spectra. */
export type MscState = { reference: number[] };

const KIND = 'msc';

function fit(_p: MscParams, train: SpectraBlock): MscState {
  return { reference: Array.from(columnMean(KIND, train, 'MSC needs at least one to build its reference')) };
}

/**
 * Multiplicative scatter correction: for each spectrum the least-squares fit `x ≈ a·ref + b`
 * against the training reference, then `(x − b) / a`.
 */
function transform(_p: MscParams, input: SpectraBlock, state: MscState): SpectraBlock {
  const ref = stateVector(KIND, 'reference', state.reference, input.axis);
  const n = ref.length;
  let refMean = 0;
  for (let i = 0; i < n; i++) refMean += ref[i];
  refMean /= n;
  let refSs = 0;
  for (let i = 0; i < n; i++) refSs += (ref[i] - refMean) ** 2;
  if (!(refSs > 0)) {
    throw stepError(KIND, 'reference', 'the reference spectrum (training mean) is flat; MSC cannot fit a slope. Crop to a region with signal.');
  }
  return mapRows(input, (src, dst, o, _n, row) => {
    let xMean = 0;
    for (let i = 0; i < n; i++) xMean += src[o + i];
    xMean /= n;
    let sxy = 0;
    for (let i = 0; i < n; i++) sxy += (ref[i] - refMean) * (src[o + i] - xMean);
    const a = sxy / refSs;
    const b = xMean - a * refMean;
    if (!(Math.abs(a) > 0) || !Number.isFinite(a)) {
      throw stepError(KIND, 'values', `spectrum ${row + 1} has slope 0 against the reference; MSC would divide by zero. Remove the step or check the spectrum.`);
    }
    for (let i = 0; i < n; i++) dst[o + i] = (src[o + i] - b) / a;
  });
}

export const msc: StepDefinition<MscParams, MscState> = {
  kind: KIND,
  version: 1,
  title: 'Multiplicative scatter correction (MSC)',
  params: z.strictObject({}),
  paramInfo: {},
  fitted: true,
  fit,
  transform,
};
