import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { fmt, mapToAxis } from '../block';
import { stepError } from '../step-error';

export interface CropParams {
  /**
   * Axis ranges `[min, max]` to keep, in axis units (either order, inclusive). Empty keeps the
   * whole axis. @default []
   */
  ranges: [number, number][];
  /** Axis ranges `[min, max]` to drop after `ranges` (inclusive). @default [] */
  exclude: [number, number][];
}

const KIND = 'crop';

const range = z.tuple([z.number(), z.number()]);
const params = z.strictObject({
  ranges: z.array(range).default([]),
  exclude: z.array(range).default([]),
});

function inRange(x: number, r: [number, number]): boolean {
  return x >= Math.min(r[0], r[1]) && x <= Math.max(r[0], r[1]);
}

/** Indices of the points kept, after checking every range touches the axis. */
function keptIndices(p: CropParams, axis: Float64Array): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (const a of axis) {
    min = Math.min(min, a);
    max = Math.max(max, a);
  }
  for (const [field, list] of [['ranges', p.ranges], ['exclude', p.exclude]] as const) {
    for (const r of list) {
      if (!axis.some((a) => inRange(a, r))) {
        throw stepError(
          KIND,
          field,
          `${field} entry [${fmt(r[0])}, ${fmt(r[1])}] is outside the axis (${fmt(min)} to ${fmt(max)}) or between two of its points; give ranges within the axis.`,
        );
      }
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < axis.length; i++) {
    const a = axis[i];
    if ((p.ranges.length === 0 || p.ranges.some((r) => inRange(a, r))) && !p.exclude.some((r) => inRange(a, r))) kept.push(i);
  }
  if (kept.length < 2) {
    throw stepError(
      KIND,
      'ranges',
      `${kept.length} point${kept.length === 1 ? ' is' : 's are'} left after cropping (at least 2 needed); widen the ranges or remove an exclusion.`,
    );
  }
  return kept;
}

/** Keeps the axis points inside any of `ranges` and outside all of `exclude`, in axis order. */
function transform(p: CropParams, input: SpectraBlock): SpectraBlock {
  const kept = keptIndices(p, input.axis);
  return mapToAxis(input, Float64Array.from(kept, (i) => input.axis[i]), (src, o, j) => src[o + kept[j]]);
}

export const crop: StepDefinition<CropParams> = {
  kind: KIND,
  version: 1,
  title: 'Crop / exclude regions',
  params,
  paramInfo: {
    ranges: { label: 'Keep ranges', unit: 'axis', help: 'Axis ranges [from, to] to keep (inclusive, either order); none keeps the whole axis.' },
    exclude: { label: 'Exclude ranges', unit: 'axis', help: 'Axis ranges [from, to] to drop after the kept ranges (inclusive).' },
  },
  fitted: false,
  validate(p, axis) {
    keptIndices(p, axis);
  },
  transform,
};
