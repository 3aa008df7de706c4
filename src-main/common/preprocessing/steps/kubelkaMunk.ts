import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { convertPositive } from '../unit-conversion';

export interface KubelkaMunkParams {
  /** Reflectance is in percent (0–100): divide by 100 first. @default false */
  percent: boolean;
}

/** Kubelka–Munk function (1 − R)² / 2R; R ≤ 0 is refused. */
export const kubelkaMunk: StepDefinition<KubelkaMunkParams> = {
  kind: 'kubelkaMunk',
  version: 1,
  title: 'Kubelka–Munk',
  params: z.strictObject({ percent: z.boolean().default(false) }),
  fitted: false,
  transform(p, input: SpectraBlock) {
    return convertPositive('kubelkaMunk', 'reflectance', '(1 − R)²/2R', p.percent, input, (r) => ((1 - r) * (1 - r)) / (2 * r));
  },
};
