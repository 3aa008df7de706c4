import { conversionStep } from '../unit-conversion';

/** A = −log10(T); T ≤ 0 is refused. */
export const transmittanceToAbsorbance = conversionStep({
  kind: 'transmittanceToAbsorbance',
  version: 1,
  title: 'Transmittance → absorbance',
  quantity: 'transmittance',
  formula: 'A = −log10(T)',
  f: (t) => -Math.log10(t),
});
