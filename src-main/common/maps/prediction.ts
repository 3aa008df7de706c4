/**
 * A run's prediction of every pixel of a map, and the map images drawn from it: the predicted
 * class or value, the probability of one class, the out-of-model flag. The prediction is
 * computed once (services/map-predict.ts) and kept per pixel in typed arrays, so switching the
 * image between what it shows does not predict the map again.
 */
import { z } from 'zod';
import { PIXEL, valueRange, type MapImage } from './image';

/** What a prediction map shows: the prediction (of one target of a model of several), one class's probability, or the out-of-model flag. */
export const mapPredictionShow = z.discriminatedUnion('show', [
  z.object({ show: z.literal('predicted'), target: z.string().min(1).max(200).optional() }).strict(),
  z.object({ show: z.literal('probability'), className: z.string().min(1).max(200) }).strict(),
  z.object({ show: z.literal('outOfModel') }).strict(),
]);
export type MapPredictionShow = z.infer<typeof mapPredictionShow>;

/** Classes of an out-of-model image, index = flag. */
export const OUT_OF_MODEL_CLASSES = ['within the model', 'out of model'];

/** Grid placement as in MapImage; per pixel arrays are row-major over width × height. */
export interface MapPrediction extends Pick<MapImage, 'width' | 'height' | 'x0' | 'y0' | 'stepX' | 'stepY' | 'unit' | 'sampleIds'> {
  /** "run 3". */
  source: string;
  model: string;
  /** A reconstruction run (autoencoder) predicts each pixel's reconstruction RMSE. */
  task: 'classification' | 'regression' | 'reconstruction';
  /** Class names, index = class (classification). */
  classes: string[];
  /** What each predicted value is: the target column(s), or `reconstructionRmse`; one for classification. */
  outputs: string[];
  /** Per pixel: PIXEL.value where a spectrum was predicted, PIXEL.missing elsewhere. */
  state: Uint8Array;
  /** Per pixel × output: the class index (classification) or the value in the target's units; NaN on missing pixels. */
  predicted: Float64Array;
  /** Classification: per pixel × class, the probability; null otherwise. */
  probabilities: Float64Array | null;
  /** Whether the run has an out-of-model check; without one every flag is 0 and Q, T² are NaN. */
  checked: boolean;
  /** Per pixel: 1 when flagged out of model. */
  outOfModel: Uint8Array;
  q: Float64Array;
  t2: Float64Array;
  qLimit: number;
  t2Limit: number;
  /** Spectra predicted and the time it took (reading, recipe, model, check), and the time loading the run took. */
  spectra: number;
  seconds: number;
  loadSeconds: number;
}

/** The image of one thing a prediction map shows; `mask`: pixels drawn as masked. */
export function predictionImage(m: MapPrediction, show: MapPredictionShow, mask: readonly number[] = []): MapImage {
  const total = m.width * m.height;
  const values = new Float32Array(total).fill(Number.NaN);
  const state = Uint8Array.from(m.state);
  const base = { width: m.width, height: m.height, x0: m.x0, y0: m.y0, stepX: m.stepX, stepY: m.stepY, unit: m.unit, sampleIds: m.sampleIds, values, state };
  const finish = (title: string, valueUnit: string | null, scaleLabel: string, extra: Partial<MapImage> = {}): MapImage => {
    for (const p of mask) if (p >= 0 && p < total && state[p] === PIXEL.value) state[p] = PIXEL.masked;
    for (let p = 0; p < total; p++) if (state[p] === PIXEL.value && !Number.isFinite(values[p]!)) state[p] = PIXEL.none;
    return { ...base, title, valueUnit, scaleLabel, ...valueRange(values), note, ...extra };
  };
  const by = `(${m.source}, ${m.model})`;
  const flagged = m.outOfModel.reduce((a, v) => a + v, 0);
  const note = `${m.source.charAt(0).toUpperCase()}${m.source.slice(1)} predicted ${m.spectra} spectra in ${m.seconds.toFixed(2)} s${m.checked ? `; ${flagged} out of model (Q or T² above its 95 % limit)` : '; it has no out-of-model check'}.`;
  if (show.show === 'outOfModel') {
    if (m.checked) for (let p = 0; p < total; p++) if (state[p] === PIXEL.value) values[p] = m.outOfModel[p]!;
    const title = m.checked ? `Out of model ${by}: Q or T² above its 95 % limit` : `Out of model ${by}: this run has no out-of-model check`;
    return { ...finish(title, null, 'Out-of-model check', { classes: OUT_OF_MODEL_CLASSES }), min: 0, max: 1 };
  }
  if (show.show === 'probability') {
    const c = m.classes.indexOf(show.className);
    if (!m.probabilities || c < 0) throw new RangeError(m.probabilities ? `${m.source} has no class "${show.className}"; its classes are ${m.classes.map((k) => `"${k}"`).join(', ')}.` : `${m.source} predicts values, not classes; it has no class probabilities.`);
    const K = m.classes.length;
    for (let p = 0; p < total; p++) if (state[p] === PIXEL.value) values[p] = m.probabilities[p * K + c]!;
    const image = finish(`Probability of "${show.className}" ${by}`, null, `Probability of "${show.className}"${m.model === 'pls' ? ' (PLS-DA score on the probability scale)' : ''}`);
    return { ...image, min: 0, max: 1 };
  }
  const T = m.outputs.length;
  const o = show.target === undefined ? 0 : m.outputs.indexOf(show.target);
  if (o < 0) throw new RangeError(`${m.source} predicts ${m.outputs.map((k) => `"${k}"`).join(', ')}, not "${show.target}".`);
  for (let p = 0; p < total; p++) if (state[p] === PIXEL.value) values[p] = m.predicted[p * T + o]!;
  if (m.task === 'classification') {
    const image = finish(`Predicted ${m.outputs[0]} ${by}`, null, `Predicted ${m.outputs[0]}`, { classes: m.classes });
    return { ...image, min: 0, max: Math.max(0, m.classes.length - 1) };
  }
  if (m.task === 'reconstruction') return finish(`Reconstruction RMSE ${by}`, null, 'Reconstruction RMSE (standardised units)');
  return finish(`Predicted ${m.outputs[o]} ${by}`, null, `Predicted ${m.outputs[o]}`);
}
