import type { Db } from '../db/connection';
import { columnValues, loadAxis, loadSpectra, sampleIds as allSampleIds } from '../db/datasets';
import { channelAxes } from '../db/channels';
import type { ClassStats, SpectraPreview } from '../common/ipc/contract';
import type { SampleChannels } from '../common/domain/project';
import { UserError } from '../common/errors';

/** Evenly spaced subsample of at most `max` items, keeping the first and last. */
export function evenSubsample<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items.slice();
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))]!);
  return out;
}

/** Linear interpolation of `y` (on `x`) onto `target`; both axes may run either way. */
export function interpolateOnto(x: Float64Array, y: Float32Array, target: Float64Array): Float32Array {
  const asc = x[0]! <= x[x.length - 1]!;
  const n = x.length;
  const xs = asc ? x : Float64Array.from(x).reverse();
  const ys = asc ? y : Float32Array.from(y).reverse();
  const out = new Float32Array(target.length);
  let j = 0;
  for (let i = 0; i < target.length; i++) {
    const t = target[i]!;
    if (t <= xs[0]!) {
      out[i] = t === xs[0]! ? ys[0]! : NaN;
      continue;
    }
    if (t >= xs[n - 1]!) {
      out[i] = t === xs[n - 1]! ? ys[n - 1]! : NaN;
      continue;
    }
    while (j > 0 && xs[j]! > t) j--;
    while (j < n - 2 && xs[j + 1]! < t) j++;
    const x0 = xs[j]!;
    const x1 = xs[j + 1]!;
    const w = (t - x0) / (x1 - x0);
    out[i] = ys[j]! * (1 - w) + ys[j + 1]! * w;
  }
  return out;
}

export function spectraPreview(db: Db, datasetId: number, opts: { sampleIds?: number[]; maxSpectra?: number; colorBy?: string; channel?: number }): SpectraPreview {
  const all = allSampleIds(db, datasetId);
  const stored = channelAxes(db, datasetId);
  const channel = opts.channel ?? 0;
  if (channel > 0 && !stored[channel]) throw new UserError('BAD_INPUT', `The dataset has ${stored.length || 1} channel${stored.length > 1 ? 's' : ''} per sample; there is no channel ${channel + 1}.`, { field: 'channel' });
  const names = stored.map((c) => c.name);
  const ids = opts.sampleIds ?? evenSubsample(all, opts.maxSpectra ?? 500);
  const spectra = loadSpectra(db, datasetId, ids);
  if (!spectra.length) {
    return { datasetId, axisUnit: 'index', axis: new Float64Array(0), sampleIds: [], keys: [], splits: [], groups: [], intensities: new Float32Array(0), total: all.length, channels: names };
  }
  const axes = new Map<number, ReturnType<typeof loadAxis>>();
  const axisOf = (axisId: number): ReturnType<typeof loadAxis> => {
    let a = axes.get(axisId);
    if (!a) axes.set(axisId, (a = loadAxis(db, axisId)));
    return a;
  };
  // Channel 0 on the first sample's axis (the others resampled onto it); a later channel of a joined dataset on the one axis stored for it.
  const ref = channel > 0 ? stored[channel]! : axisOf(spectra[0]!.axisId);
  const points = ref.values.length;
  const intensities = new Float32Array(spectra.length * points);
  spectra.forEach((s, i) => {
    const ch = s.channels[channel]!;
    intensities.set(channel > 0 || s.axisId === spectra[0]!.axisId ? ch : interpolateOnto(axisOf(s.axisId).values, ch, ref.values), i * points);
  });
  let groups: (string | number | null)[] = spectra.map(() => null);
  if (opts.colorBy) {
    const byId = new Map(columnValues(db, datasetId, opts.colorBy).map((v) => [v.sampleId, v.value]));
    groups = spectra.map((s) => byId.get(s.sampleId) ?? null);
  }
  return {
    datasetId,
    axisUnit: ref.unit,
    axis: ref.values,
    sampleIds: spectra.map((s) => s.sampleId),
    keys: spectra.map((s) => s.key),
    splits: spectra.map((s) => s.split),
    groups,
    intensities,
    total: all.length,
    channels: names,
  };
}

/**
 * Every channel of the given samples (in the order given), each on its own axis: channel 0 on the sample's axis, the
 * others on the axes the dataset stores for them (a joined dataset), else on channel 0's.
 * @throws UserError when a sample is not in the dataset
 */
export function sampleChannels(db: Db, datasetId: number, sampleIds: number[]): SampleChannels {
  const byId = new Map(loadSpectra(db, datasetId, sampleIds).map((s) => [s.sampleId, s]));
  const missing = sampleIds.find((id) => !byId.has(id));
  if (missing !== undefined) throw new UserError('NOT_FOUND', `Sample ${missing} is not in this dataset.`);
  const spectra = sampleIds.map((id) => byId.get(id)!);
  const stored = channelAxes(db, datasetId);
  const first = loadAxis(db, spectra[0]!.axisId);
  const count = Math.max(...spectra.map((s) => s.channels.length));
  const channels = Array.from({ length: count }, (_, c) => ({ name: stored[c]?.name ?? (count > 1 ? `channel ${c + 1}` : 'spectrum'), axis: c > 0 && stored[c] ? stored[c]!.values : first.values }));
  return { datasetId, axisUnit: first.unit, channels, samples: spectra.map((s) => ({ sampleId: s.sampleId, key: s.key, values: s.channels })) };
}

/** Mean and standard deviation (population) per class, on the first sample's axis. */
export function classStats(db: Db, datasetId: number, column: string): ClassStats {
  const values = columnValues(db, datasetId, column);
  const spectra = loadSpectra(db, datasetId);
  if (!spectra.length) throw new UserError('BAD_INPUT', 'The dataset has no spectra.');
  const ref = loadAxis(db, spectra[0]!.axisId);
  const n = ref.values.length;
  const label = new Map(values.map((v) => [v.sampleId, v.value === null ? '(none)' : String(v.value)]));
  const acc = new Map<string, { count: number; sum: Float64Array; sq: Float64Array }>();
  const otherAxes = new Map<number, Float64Array>();
  for (const s of spectra) {
    const key = label.get(s.sampleId) ?? '(none)';
    let a = acc.get(key);
    if (!a) acc.set(key, (a = { count: 0, sum: new Float64Array(n), sq: new Float64Array(n) }));
    let y = s.channels[0]!;
    if (s.axisId !== spectra[0]!.axisId) {
      let x = otherAxes.get(s.axisId);
      if (!x) otherAxes.set(s.axisId, (x = loadAxis(db, s.axisId).values));
      y = interpolateOnto(x, y, ref.values);
    }
    a.count++;
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      a.sum[i] += v;
      a.sq[i] += v * v;
    }
  }
  const classes = [...acc.entries()]
    .sort((p, q) => q[1].count - p[1].count || p[0].localeCompare(q[0]))
    .map(([value, a]) => {
      const mean = new Float32Array(n);
      const std = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const m = a.sum[i]! / a.count;
        mean[i] = m;
        std[i] = Math.sqrt(Math.max(0, a.sq[i]! / a.count - m * m));
      }
      return { value, count: a.count, mean, std };
    });
  return { axis: ref.values, axisUnit: ref.unit, classes };
}
