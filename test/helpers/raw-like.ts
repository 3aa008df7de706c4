import { mulberry32 } from '../../src-main/common/ml/random';

/**
 * Spectra with what raw absorbance has and the UCR archive's z-normalised spectra lack: a scale
 * (0.5–1.5), an offset (±10) and a tilt (±10 over the axis) per spectrum, seeded.
 */
export function rawLike(values: Float64Array, rows: number, points: number, seed = 7): Float64Array {
  const rand = mulberry32(seed);
  const out = Float64Array.from(values);
  for (let r = 0; r < rows; r++) {
    const offset = (rand() - 0.5) * 20;
    const tilt = (rand() - 0.5) * 20;
    const scale = 1 + (rand() - 0.5);
    for (let j = 0; j < points; j++) out[r * points + j] = scale * values[r * points + j]! + offset + (tilt * j) / points;
  }
  return out;
}
