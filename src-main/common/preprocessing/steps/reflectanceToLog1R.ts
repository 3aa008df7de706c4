import { conversionStep } from '../unit-conversion';

/** Apparent absorbance log10(1/R); R ≤ 0 is refused. */
export const reflectanceToLog1R = conversionStep({
  kind: 'reflectanceToLog1R',
  version: 1,
  title: 'Reflectance → log(1/R)',
  quantity: 'reflectance',
  formula: 'log10(1/R)',
  f: (r) => -Math.log10(r),
});
