import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { convertPositive } from '../unit-conversion';

export interface ReflectanceToLog1RParams {
  /** Reflectance is in percent (0–100): divide by 100 first. @default false */
  percent: boolean;
}

/** Apparent absorbance log10(1/R); R ≤ 0 is refused. */
export const reflectanceToLog1R: StepDefinition<ReflectanceToLog1RParams> = {
  kind: 'reflectanceToLog1R',
  version: 1,
  title: 'Reflectance → log(1/R)',
  params: z.strictObject({ percent: z.boolean().default(false) }),
  fitted: false,
  transform(p, input: SpectraBlock) {
    return convertPositive('reflectanceToLog1R', 'reflectance', 'log10(1/R)', p.percent, input, (r) => -Math.log10(r));
  },
};
