import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { convertPositive } from '../unit-conversion';

export interface TransmittanceToAbsorbanceParams {
  /** Transmittance is in percent (0–100): divide by 100 first. @default false */
  percent: boolean;
}

/** A = −log10(T); T ≤ 0 is refused. */
export const transmittanceToAbsorbance: StepDefinition<TransmittanceToAbsorbanceParams> = {
  kind: 'transmittanceToAbsorbance',
  version: 1,
  title: 'Transmittance → absorbance',
  params: z.strictObject({ percent: z.boolean().default(false) }),
  fitted: false,
  transform(p, input: SpectraBlock) {
    return convertPositive('transmittanceToAbsorbance', 'transmittance', 'A = −log10(T)', p.percent, input, (t) => -Math.log10(t));
  },
};
