import { conversionStep } from '../unit-conversion';

/** Kubelka–Munk function (1 − R)² / 2R; R ≤ 0 is refused. */
export const kubelkaMunk = conversionStep({
  kind: 'kubelkaMunk',
  version: 1,
  title: 'Kubelka–Munk',
  quantity: 'reflectance',
  formula: '(1 − R)²/2R',
  f: (r) => ((1 - r) * (1 - r)) / (2 * r),
});
