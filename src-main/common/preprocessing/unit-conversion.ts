import type { SpectraBlock } from './types';
import { fmt, mapRows } from './block';
import { stepError } from './step-error';

/**
 * Shared body of the reflectance/transmittance conversions: divides by 100 when `percent`,
 * refuses values ≤ 0 (the logarithm or quotient would be infinite or undefined), then maps.
 */
export function convertPositive(
  kind: string,
  quantity: string,
  formula: string,
  percent: boolean,
  input: SpectraBlock,
  f: (x: number) => number,
): SpectraBlock {
  const scale = percent ? 0.01 : 1;
  return mapRows(input, (src, dst, o, n, row) => {
    for (let i = 0; i < n; i++) {
      const x = src[o + i] * scale;
      if (!(x > 0) || !Number.isFinite(x)) {
        throw stepError(
          kind,
          'values',
          `spectrum ${row + 1} has ${quantity} ${fmt(src[o + i])} at axis ${fmt(input.axis[i])}; ${formula} needs values > 0. Check that the data are ${quantity}${percent ? ' in %' : ''}, or crop that region.`,
        );
      }
      dst[o + i] = f(x);
    }
  });
}
