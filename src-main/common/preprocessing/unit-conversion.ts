import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from './types';
import { fmt, mapRows } from './block';
import { stepError } from './step-error';

/** Params of the reflectance/transmittance conversions. */
export interface ConversionParams {
  /** The data are in percent (0–100): divide by 100 first. @default false */
  percent: boolean;
}

/**
 * A per-point conversion of reflectance or transmittance (`quantity`) by `f`: divides by 100
 * when `percent`, refuses values ≤ 0 (the logarithm or quotient would be infinite or
 * undefined), then maps. `formula` is how messages name `f`.
 */
export function conversionStep(spec: {
  kind: string;
  version: number;
  title: string;
  quantity: 'reflectance' | 'transmittance';
  formula: string;
  f: (x: number) => number;
}): StepDefinition<ConversionParams> {
  const { kind, version, title, quantity, formula, f } = spec;
  return {
    kind,
    version,
    title,
    params: z.strictObject({ percent: z.boolean().default(false) }),
    paramInfo: { percent: { label: 'In percent', help: `The ${quantity} is in percent (0–100): divide by 100 first.` } },
    fitted: false,
    transform: (p, input) => convertPositive(kind, quantity, formula, p.percent, input, f),
  };
}

function convertPositive(
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
