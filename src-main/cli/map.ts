/**
 * `spectra-desk map --project P --dataset D (--band X | --area A:B | --ratio X/Y | --pca K |
 * --kmeans K | --ward K | --class COLUMN | --run R [--show WHAT]) --out FILE.png|FILE.svg|FILE.csv
 * [--seed S] [--scale N] [--compare COLUMN] [--json]`: one map image of a map dataset
 * (services/maps.ts), or a run's prediction of every pixel (services/map-predict.ts: the PNG shows
 * one image of it, the CSV every output), written as PNG, SVG (with its colour scale) or CSV.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors';
import { openProjectToRead } from '../db/connection';
import { datasetIdByNameOrId } from '../db/datasets';
import { agreementWithColumn, mapImage, writeMapImage } from '../services/maps';
import type { MapImage, MapImageSpec } from '../common/maps/image';
import { PIXEL } from '../common/maps/image';
import { num } from '../common/format/numbers';
import { parseOptions, wholeNumberOption } from './options';
import { imageOfPrediction, mapPredictionCsv, predictMap } from '../services/map-predict';
import type { MapPrediction, MapPredictionShow } from '../common/maps/prediction';
import type { Streams } from './run';

export const MAP_USAGE = `spectra-desk map --project P --dataset D --out FILE.png|FILE.svg|FILE.csv
                   (--band X | --area A:B | --ratio X/Y | --pca K | --kmeans K | --ward K | --class COLUMN
                    | --run R [--show predicted[:TARGET] | probability:CLASS | out-of-model])
                   [--seed S] [--scale N] [--compare COLUMN] [--json]`;

const IMAGE_FLAGS = ['band', 'area', 'ratio', 'pca', 'kmeans', 'ward', 'class'] as const;

function position(text: string, flag: string): number {
  const n = text.trim() ? Number(text) : NaN;
  if (!Number.isFinite(n)) throw new UserError('BAD_INPUT', `--${flag} needs axis positions (numbers in the axis's units), not "${text}".`, { field: `--${flag}` });
  return n;
}

function pair(text: string, flag: string, separator: string): [number, number] {
  const parts = text.split(separator);
  if (parts.length !== 2) throw new UserError('BAD_INPUT', `--${flag} takes two positions as A${separator}B, not "${text}".`, { field: `--${flag}` });
  return [position(parts[0]!, flag), position(parts[1]!, flag)];
}

/** `--show`: the predicted class or value (of one target), a class's probability, or the out-of-model flag. */
export function showOption(text: string | undefined): MapPredictionShow {
  if (text === undefined || text === 'predicted') return { show: 'predicted' };
  if (text === 'out-of-model') return { show: 'outOfModel' };
  const [what, ...rest] = text.split(':');
  const name = rest.join(':');
  if (what === 'probability' && name) return { show: 'probability', className: name };
  if (what === 'predicted' && name) return { show: 'predicted', target: name };
  throw new UserError('BAD_INPUT', `--show takes predicted, predicted:TARGET, probability:CLASS or out-of-model, not "${text}".`, { field: '--show' });
}

/** The one image option given, as a map image spec. */
export function mapSpecOption(values: Partial<Record<(typeof IMAGE_FLAGS)[number] | 'seed', string>>): MapImageSpec {
  const given = IMAGE_FLAGS.filter((f) => values[f] !== undefined);
  if (given.length !== 1) {
    throw new UserError('BAD_INPUT', `Give one of --band X, --area A:B, --ratio X/Y, --pca K, --kmeans K, --ward K, --class COLUMN or --run R${given.length ? ` (got ${given.map((f) => `--${f}`).join(' and ')})` : ''}.`);
  }
  const flag = given[0]!;
  const v = values[flag]!;
  const clusters = { min: 2, max: 20 };
  switch (flag) {
    case 'band':
      return { kind: 'band', at: position(v, flag) };
    case 'area': {
      const [from, to] = pair(v, flag, ':');
      return { kind: 'area', from, to };
    }
    case 'ratio': {
      const [numerator, denominator] = pair(v, flag, '/');
      return { kind: 'ratio', numerator, denominator };
    }
    case 'pca':
      return { kind: 'pca', component: wholeNumberOption(v, '--pca', { min: 1, max: 20 })! };
    case 'kmeans':
      return { kind: 'kmeans', k: wholeNumberOption(v, '--kmeans', clusters)!, seed: wholeNumberOption(values.seed, '--seed', { min: 0, max: 2 ** 31 - 1 }) ?? 1 };
    case 'ward':
      return { kind: 'ward', k: wholeNumberOption(v, '--ward', clusters)! };
    case 'class':
      return { kind: 'class', column: v };
  }
}

/** Maps of fewer spectra than this take a second or less: their images and predictions print no progress. */
export const MAP_PROGRESS_FROM = 20_000;

/**
 * What a long map image or prediction has done, on stderr: for maps of {@link MAP_PROGRESS_FROM}
 * spectra or more, a line at most every half second and the last one of each stage (stdout keeps
 * the summary alone).
 */
function progressWriter(io: Streams, everyMs = 500): (done: number, total: number, what: string) => void {
  let last = 0;
  return (done, total, what) => {
    const now = performance.now();
    if (total < MAP_PROGRESS_FROM || (done < total && now - last < everyMs)) return;
    last = now;
    io.stderr.write(`${what}: ${done.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} spectra\n`);
  };
}

export function mapCommand(args: string[], io: Streams): number {
  const text = { type: 'string' } as const;
  const { values } = parseOptions(
    () =>
      parseArgs({
        args,
        strict: true,
        options: { json: { type: 'boolean' }, project: text, dataset: text, out: text, seed: text, scale: text, compare: text, run: text, show: text, ...Object.fromEntries(IMAGE_FLAGS.map((f) => [f, text])) },
      }),
    `Usage: ${MAP_USAGE}`,
  );
  if (!values.project) throw new UserError('BAD_INPUT', `Missing --project FILE. Usage: ${MAP_USAGE}`, { field: '--project' });
  if (!values.dataset) throw new UserError('BAD_INPUT', `Missing --dataset NAME. Usage: ${MAP_USAGE}`, { field: '--dataset' });
  if (!values.out) throw new UserError('BAD_INPUT', `Missing --out FILE.png, FILE.svg or FILE.csv. Usage: ${MAP_USAGE}`, { field: '--out' });
  const flags = values as Record<string, string | undefined>;
  const runId = flags.run === undefined ? undefined : wholeNumberOption(flags.run, '--run', { min: 1, max: Number.MAX_SAFE_INTEGER })!;
  if (runId !== undefined && IMAGE_FLAGS.some((f) => flags[f] !== undefined)) throw new UserError('BAD_INPUT', `--run predicts the map; give it without ${IMAGE_FLAGS.filter((f) => flags[f] !== undefined).map((f) => `--${f}`).join(' and ')}.`);
  if (runId === undefined && flags.show !== undefined) throw new UserError('BAD_INPUT', '--show says what a prediction map shows; give it with --run R.', { field: '--show' });
  const show = runId === undefined ? null : showOption(flags.show);
  const spec = runId === undefined ? mapSpecOption(flags) : null;
  const scale = wholeNumberOption(values.scale as string | undefined, '--scale', { min: 1, max: 64 }) ?? 1;
  const db = openProjectToRead(values.project as string);
  try {
    const datasetId = datasetIdByNameOrId(db, values.dataset as string);
    let prediction: MapPrediction | null = null;
    let image: MapImage;
    const progress = progressWriter(io);
    if (spec) image = mapImage(db, { datasetId, spec }, progress);
    else {
      prediction = predictMap(db, { datasetId, runId: runId! }, (done, total) => progress(done, total, 'predicting'));
      image = imageOfPrediction(prediction, show!);
    }
    const compare = values.compare ? agreementWithColumn(db, datasetId, image, values.compare as string) : undefined;
    writeMapImage(db, datasetId, image, values.out as string, scale, prediction ? (keyOf) => mapPredictionCsv(prediction!, keyOf) : undefined);
    const count = (s: number) => image.state.reduce((a, v) => a + (v === s ? 1 : 0), 0);
    const counts = image.classes?.map((_, c) => image.values.reduce((a, v) => a + (v === c && Number.isFinite(v) ? 1 : 0), 0));
    const summary = {
      file: values.out,
      title: image.title,
      width: image.width,
      height: image.height,
      pixels: image.width * image.height - count(PIXEL.missing),
      missing: count(PIXEL.missing),
      withoutValue: count(PIXEL.none),
      valueUnit: image.valueUnit,
      ...(image.classes ? { classes: image.classes, counts } : { min: image.min, max: image.max }),
      ...(compare ? { compare } : {}),
      ...(prediction ? { predicted: { spectra: prediction.spectra, seconds: +prediction.seconds.toFixed(3), loadSeconds: +prediction.loadSeconds.toFixed(3), outOfModel: prediction.checked ? prediction.outOfModel.reduce((a, v) => a + v, 0) : null } } : {}),
    };
    if (values.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const range = image.classes ? image.classes.map((c, i) => `${c} ${counts![i]}`).join(', ') : `${num(image.min)} to ${num(image.max)}${image.valueUnit ? ` ${image.valueUnit}` : ''}`;
      const gaps = [summary.missing ? `${summary.missing} missing` : '', summary.withoutValue ? `${summary.withoutValue} without a value` : ''].filter(Boolean).join(', ');
      io.stdout.write(`Wrote ${values.out}: ${image.title}, ${image.width} × ${image.height} pixels${gaps ? ` (${gaps})` : ''}; ${range}.\n`);
      if (prediction) io.stdout.write(`Predicted ${prediction.spectra} spectra in ${prediction.seconds.toFixed(2)} s (the run loaded in ${prediction.loadSeconds.toFixed(2)} s)${prediction.checked ? `; ${summary.predicted!.outOfModel} out of model` : ''}.\n`);
      if (compare) io.stdout.write(`Adjusted Rand index against "${compare.column}": ${compare.adjustedRandIndex.toFixed(4)} over ${compare.pixels} pixels${compare.agreeing !== undefined ? `; the same class at ${(100 * compare.agreeing).toFixed(1)} % of them` : ''}.\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}
