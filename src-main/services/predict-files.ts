/** Spectrum files to predict, and predictions as CSV: shared by `spectra-desk predict` and the app. */
import path from 'node:path';
import { parseFile } from '../io';
import { companionOf, readInput } from './import';
import type { ImportOptions } from '../common/domain/spectra';
import { netOf, predictInputs, spectraInputs, type Prediction, type Predictor, type SpectrumInput } from './predict';
import { classActivationMaps, camPlan } from '../ml/cam';
import { csvField } from '../common/csv';
import { UserError } from '../common/errors';
import { firstChannelOf } from '../common/runs/channels';

/** Every spectrum of the files: sample id = file name, plus #index when a file holds several. */
export function readSpectraFiles(files: string[], options: ImportOptions = {}): SpectrumInput[] {
  const spectra: SpectrumInput[] = [];
  for (const file of files) {
    const name = path.basename(file);
    const bytes = new Uint8Array(readInput(file));
    const companion = companionOf(file, bytes);
    const batch = parseFile(bytes, name, companion ? { ...options, companion } : options);
    const many = batch.samples.length > 1;
    // A long table with a channel column names its channels, each on its own axis.
    const named = batch.channels ?? null;
    batch.samples.forEach((s, i) => {
      const axis = batch.axes[s.axis]!;
      const axisOf = (c: number) => (named?.[c] ? batch.axes[named[c].axis]! : axis);
      const more = s.channels.slice(1).map((values, c) => ({ axis: axisOf(c + 1).values, unit: axisOf(c + 1).unit, values }));
      const placed = typeof s.mapX === 'number' && typeof s.mapY === 'number' ? { mapX: s.mapX, mapY: s.mapY } : {};
      const names = named && named.length === s.channels.length ? { channelNames: named.map((c) => c.name) } : {};
      spectra.push({ key: many ? `${name}#${i + 1}` : name, axis: axis.values, unit: axis.unit, values: s.channels[0]!, file: name, ...(more.length ? { more } : {}), ...placed, ...names });
    });
  }
  return spectra;
}

/**
 * Spectra of a model on several channels, from files per channel: `channels` names a channel of
 * the model after the first and gives its spectra (files read in order), paired by position with
 * `spectra` (channel 0). A name the model lacks, a channel given twice or counts that differ are
 * refused naming them.
 */
export function pairChannels(p: Predictor, spectra: SpectrumInput[], channels: { name: string; spectra: SpectrumInput[] }[]): SpectrumInput[] {
  const names = p.channels?.record.names ?? [];
  const list = names.length ? names.map((n) => `"${n}"`).join(', ') : p.targetChannel ? `one channel, "${p.targetChannel.inputs[0]}"` : 'one channel';
  const given = new Map<string, SpectrumInput[]>();
  for (const ch of channels) {
    const c = names.indexOf(ch.name);
    if (p.targetChannel?.name === ch.name) throw new UserError('BAD_INPUT', `Channel "${ch.name}" is what ${p.source} predicts; give the spectra of the channel${p.targetChannel.inputs.length > 1 ? 's' : ''} it reads (${p.targetChannel.inputs.map((n) => `"${n}"`).join(', ')}).`);
    if (c < 1) throw new UserError('BAD_INPUT', `${p.source} has no channel "${ch.name}" after its first; it was trained on ${list}.`);
    if (given.has(ch.name)) throw new UserError('BAD_INPUT', `Channel "${ch.name}" is given twice; give its files once, in the order of the spectra of channel "${names[0]}".`);
    if (ch.spectra.length !== spectra.length) throw new UserError('BAD_INPUT', `Channel "${ch.name}" has ${ch.spectra.length} spectra and channel "${names[0]}" ${spectra.length}; their spectra are paired in order, so the counts must match.`);
    given.set(ch.name, ch.spectra);
  }
  // Without --channel files, each spectrum keeps the channels its own file gave (a long table's, by name: channelsByName).
  if (!given.size) return spectra;
  return spectra.map((s, i) => {
    const more: NonNullable<SpectrumInput['more']> = [];
    for (const name of names.slice(1)) {
      const other = given.get(name)?.[i];
      if (!other) break;
      more.push({ axis: other.axis, values: other.values, ...(other.unit ? { unit: other.unit } : {}) });
    }
    return { ...s, more };
  });
}

/**
 * Spectra whose file names their channels (a long table with a channel column), with the channels
 * the model reads picked by name, in its order: a model of a target channel reads the others (the
 * target, when the file holds it too, is left out). Spectra whose channel names are none of the
 * model's are paired by position, as files without names are.
 * @throws UserError naming the file, the spectrum and the channel when a file names some of the model's channels but not all
 */
export function channelsByName(p: Predictor, spectra: SpectrumInput[]): SpectrumInput[] {
  const reads = p.targetChannel?.inputs ?? p.channels?.record.names;
  if (!reads?.length) return spectra;
  const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
  return spectra.map((s) => {
    const names = s.channelNames;
    if (!names) return s;
    const at = reads.map((n) => names.indexOf(n));
    const where = s.file && s.file !== s.key ? `${s.file}: spectrum "${s.key}"` : `Spectrum "${s.key}"`;
    const missing = at.findIndex((i) => i < 0);
    if (missing < 0) {
      const all = [s, ...(s.more ?? [])];
      const [first, ...more] = at.map((i) => all[i]!);
      return { ...s, axis: first!.axis, values: first!.values, unit: first!.unit, more: more.map((ch) => ({ axis: ch.axis, values: ch.values, ...(ch.unit ? { unit: ch.unit } : {}) })), channelNames: reads };
    }
    if (at.some((i) => i >= 0) || (p.targetChannel && names.includes(p.targetChannel.name))) {
      throw new UserError('BAD_INPUT', `${where} has no channel "${reads[missing]}" (its channels: ${quoted(names)}); ${p.source} reads ${quoted(reads)}${p.targetChannel ? ` to predict channel "${p.targetChannel.name}"` : ''}.`, { file: s.file });
    }
    return s;
  });
}

const num = (v: number) => (Number.isFinite(v) ? String(v) : v === Infinity ? 'Inf' : '');

/**
 * One row per spectrum: sample, prediction (a model of several targets: one column per target, named after it; of a target channel: one per point, named by its axis value), one probability column per class, t2, q, outOfModel.
 * An autoencoder's: sample, reconstructionRmse, t2 (empty), q, maxResidual, outOfModel, flaggedBy (q, maxResidual, both, or empty).
 */
export function predictionsCsv(p: Predictor, rows: Prediction[]): string {
  const isAe = p.network?.task.kind === 'reconstruction';
  const header = ['sample', ...(p.targets ? p.targets.map((t) => t.name) : [isAe ? 'reconstructionRmse' : 'prediction']), ...p.classes.map((c) => `p_${c}`), 't2', 'q', ...(isAe ? ['maxResidual'] : []), 'outOfModel', ...(isAe ? ['flaggedBy'] : [])];
  const predicted = (r: Prediction) => (r.values ? r.values.map(num) : [csvField(typeof r.predicted === 'number' ? num(r.predicted) : r.predicted)]);
  const lines = rows.map((r) =>
    [csvField(r.key), ...predicted(r), ...(r.probabilities ?? []).map(num), num(r.t2), num(r.q), ...(isAe ? [num(r.reconstruction?.maxResidual ?? NaN)] : []), String(r.outOfModel), ...(isAe ? [r.reconstruction?.flaggedBy ?? ''] : [])].join(','),
  );
  return `${[header.map(csvField).join(','), ...lines].join('\n')}\n`;
}

export interface ExplainedPredictions {
  rows: Prediction[];
  /** The model's input axis (after the recipe). */
  axis: Float64Array;
  /** Per spectrum, after the recipe and before the input scaling: [n, points] (several channels: channel 0's). */
  processed: Float32Array;
  /** Per spectrum, the activation map of its predicted class (regression: the one map) on `axis`; null for PLS, networks without convolutions and a target channel. */
  maps: Float32Array | null;
}

/** Spectra predicted per step of {@link predictExplained}'s progress. */
const PROGRESS_CHUNK = 256;

/**
 * Predictions with what the model saw and, for CNNs, each spectrum's activation map of its
 * predicted class. `onProgress` gets (done, total, stage) after every 256 spectra predicted and
 * every 64 mapped (total counts both passes).
 */
export function predictExplained(p: Predictor, spectra: SpectrumInput[], onProgress?: (done: number, total: number, stage: string) => void): ExplainedPredictions {
  const n = spectra.length;
  let plan: ReturnType<typeof camPlan> | null = null;
  // A target channel's network has an output per point, with no one map to show.
  if (p.network && n && !p.targetChannel) {
    try {
      plan = camPlan(netOf(p));
    } catch {
      plan = null; // no convolution (mlp): nothing to map
    }
  }
  const total = plan ? 2 * n : n;
  // The recipe runs once for all spectra; the network and the out-of-model check go chunk by chunk.
  const x = spectraInputs(p, spectra);
  const points = p.modelAxis.length;
  const width = points * (p.channels?.rawAxes.length ?? 1);
  const rows: Prediction[] = [];
  for (let from = 0; from < n; from += PROGRESS_CHUNK) {
    const to = Math.min(n, from + PROGRESS_CHUNK);
    rows.push(...predictInputs(p, spectra.slice(from, to), x.subarray(from * width, to * width)));
    onProgress?.(to, total, 'predicting');
  }
  const { mean, std } = p.inputScaling;
  const processed = p.channels ? firstChannelOf(x, n, points, p.channels.record) : Float32Array.from(x, (v) => v * std + mean);
  let maps: Float32Array | null = null;
  if (plan) {
    const net = netOf(p);
    maps = new Float32Array(n * points);
    const K = p.task === 'classification' ? p.classes.length : 1;
    for (let from = 0; from < n; from += 64) {
      const b = Math.min(64, n - from);
      const cam = classActivationMaps(net, x.subarray(from * width, (from + b) * width), b);
      for (let i = 0; i < b; i++) {
        const r = rows[from + i]!;
        const c = p.task === 'classification' ? p.classes.indexOf(String(r.predicted)) : 0;
        maps.set(cam.maps.subarray(((i * K) + c) * points, ((i * K) + c + 1) * points), (from + i) * points);
      }
      onProgress?.(n + from + b, total, 'activation maps');
    }
  }
  return { rows, axis: p.modelAxis, processed, maps };
}
