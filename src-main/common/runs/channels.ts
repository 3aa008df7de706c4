/**
 * Model inputs from a dataset whose samples have several channels (a tablet on two NIR
 * instruments, Raman and IR of one sample). Each channel goes through the same recipe, fitted on
 * the training rows of that channel alone, then is standardised by its own mean and standard
 * deviation on the training rows, so that no channel's units set the scale of another's.
 * Networks read the channels side by side, channels-last (`[points, channels]`, as tfjs); PLS
 * reads them one after the other, each block divided by the square root of its total variance on
 * the training rows (block scaling), so that a channel with more points or more variance does not
 * dominate the latent variables. A channel on another axis than channel 0 is first resampled onto
 * channel 0's axis (the resample step, linear interpolation, no extrapolation), unless the run
 * feeds each channel to a branch of its own (`branches`): then each keeps its axis and its
 * points, and the channels are laid end to end, as the network's branches layer reads them.
 */
import { UserError } from '../errors';
import { prepareInputs, type PreparedInputs } from '../ml/prepare';
import { sameAxis } from '../preprocessing/common-axis';
import { applyPipeline, fitPipeline, parsePipelineSpec, type ResolvedPipeline } from '../preprocessing/pipeline';
import type { JsonValue, SpectraBlock } from '../preprocessing/types';

/** The channels after the first, each a block on its own axis with the rows of channel 0. */
export interface ExtraChannels {
  /** Names of every channel, channel 0 first. */
  names: string[];
  blocks: SpectraBlock[];
}

/** A recipe as a run names it: the name it was saved under (null: unnamed) and its resolved steps. */
export interface ChannelRecipe {
  name: string | null;
  spec: ResolvedPipeline;
}

/** How a run read its channels, stored in its configuration. */
export interface ChannelsRecord {
  names: string[];
  layout: 'channels-last' | 'concatenated' | 'branches';
  /**
   * Per channel: its standardisation, its block scale (PLS), whether it was resampled onto channel
   * 0's axis, its recipe's fitted state and, when the run gave each channel a recipe of its own,
   * that recipe (null: raw; absent: the run's recipe).
   */
  perChannel: { name: string; mean: number; std: number; blockScale?: number; resampledFrom?: { first: number; last: number; points: number }; fittedState: (JsonValue | null)[] | null; recipe?: ChannelRecipe | null }[];
}

export interface ChannelInputs {
  /** Rows of `points × channels` values, in `layout` order (branches: Σ `lengths` values). */
  x: Float32Array;
  points: number;
  /** Each channel's points after its recipe (all `points`, except in the branches layout). */
  lengths: number[];
  channels: number;
  /** Channel 0's preparation: its axis, fitted recipe and scaling are the run's. */
  first: PreparedInputs;
  record: ChannelsRecord;
  notes: string[];
}

function onAxis(block: SpectraBlock, axis: Float64Array): SpectraBlock {
  const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'resample', params: { axis: Array.from(axis), maxExtrapolation: 0 } }] });
  return applyPipeline(fitPipeline(spec, block), block);
}

/** The sum over points of each point's variance across the training rows. */
function totalVariance(x: Float32Array, points: number, rows: number[]): number {
  let total = 0;
  for (let j = 0; j < points; j++) {
    let s = 0;
    for (const r of rows) s += x[r * points + j]!;
    const m = s / rows.length;
    let ss = 0;
    for (const r of rows) ss += (x[r * points + j]! - m) ** 2;
    total += ss / rows.length;
  }
  return total;
}

/** One recipe per channel needs as many recipes as channels, in order. */
export function requireRecipePerChannel(recipes: number, names: string[]): void {
  if (recipes !== names.length) throw new UserError('BAD_INPUT', `${recipes} channel recipes for ${names.length} channels (${names.map((n) => `"${n}"`).join(', ')}); give one per channel, in order.`);
}

/** Channels read side by side must have the same number of points after their recipes. */
export function requireSameChannelLength(names: string[], points: number[]): void {
  const odd = points.findIndex((p) => p !== points[0]);
  if (odd >= 0) throw new UserError('BAD_INPUT', `After the recipe, channel "${names[odd]}" has ${points[odd]} points and channel "${names[0]}" ${points[0]}; the channels must come out the same length.`);
}

/**
 * `own`: one recipe per channel (channel 0 first; null: raw spectra) instead of `spec` for all of
 * them, for channels that need different preprocessing (Raman and IR of one sample).
 */
export function prepareChannelInputs(block: SpectraBlock, extra: ExtraChannels, keys: string[], trainRows: number[], spec: ResolvedPipeline | null, layout: ChannelsRecord['layout'], own?: (ChannelRecipe | null)[]): ChannelInputs {
  if (own) requireRecipePerChannel(own.length, extra.names);
  const notes: string[] = [];
  const perChannel: ChannelsRecord['perChannel'] = [];
  const prepared = [block, ...extra.blocks].map((b, c) => {
    const name = extra.names[c]!;
    const resample = layout !== 'branches' && c > 0 && !sameAxis(b.axis, block.axis);
    if (resample) notes.push(`Channel "${name}" (${b.axis.length} points, ${b.axis[0]}–${b.axis[b.axis.length - 1]}) was resampled onto the axis of channel "${extra.names[0]}" (${block.axis.length} points) before the recipe.`);
    const p = prepareInputs(resample ? onAxis(b, block.axis) : b, keys, trainRows, own ? (own[c]?.spec ?? null) : spec);
    perChannel.push({ name, ...p.scaling, ...(resample ? { resampledFrom: { first: b.axis[0]!, last: b.axis[b.axis.length - 1]!, points: b.axis.length } } : {}), fittedState: p.fitted ? p.fitted.states : null, ...(own ? { recipe: own[c] ?? null } : {}) });
    return p;
  });
  const points = prepared[0]!.points;
  const lengths = prepared.map((p) => p.points);
  if (layout !== 'branches') requireSameChannelLength(extra.names, lengths);
  const x = layoutChannels(prepared.map((p) => p.x), block.rows, lengths, layout, trainRows, perChannel);
  const C = prepared.length;
  return { x, points, lengths, channels: C, first: prepared[0]!, record: { names: extra.names, layout, perChannel }, notes };
}

/**
 * Lays the standardised channels out as the model reads them. Concatenated (PLS): each block is
 * divided by its scale, taken from `perChannel` when stored, else computed on `trainRows` and
 * stored there.
 */
function layoutChannels(xs: Float32Array[], rows: number, lengths: number[], layout: ChannelsRecord['layout'], trainRows: number[], perChannel: ChannelsRecord['perChannel']): Float32Array {
  const C = xs.length;
  const points = lengths[0]!;
  if (layout === 'branches') {
    const width = lengths.reduce((a, p) => a + p, 0);
    const x = new Float32Array(rows * width);
    let from = 0;
    xs.forEach((p, c) => {
      const n = lengths[c]!;
      for (let r = 0; r < rows; r++) x.set(p.subarray(r * n, (r + 1) * n), r * width + from);
      from += n;
    });
    return x;
  }
  const x = new Float32Array(rows * points * C);
  if (layout === 'channels-last') {
    xs.forEach((p, c) => {
      for (let r = 0; r < rows; r++) for (let j = 0; j < points; j++) x[(r * points + j) * C + c] = p[r * points + j]!;
    });
  } else {
    xs.forEach((p, c) => {
      const scale = perChannel[c]!.blockScale ?? (Math.sqrt(totalVariance(p, points, trainRows)) || 1);
      perChannel[c]!.blockScale = scale;
      for (let r = 0; r < rows; r++) for (let j = 0; j < points; j++) x[r * points * C + c * points + j] = p[r * points + j]! / scale;
    });
  }
  return x;
}

/**
 * A trained run's inputs rebuilt from the same channels of other rows (or the same rows), never
 * refitted: per channel the resampling onto channel 0's axis where training did it, the recipe
 * with that channel's stored fitted state, its stored standardisation, then the stored layout
 * (and block scales). `blocks` are every channel, channel 0 first, with the same rows; `who`
 * names the model in messages ("Run 3", "Package ./tablets").
 * @throws UserError when the dataset's channels no longer match the run's
 */
export function applyChannelInputs(blocks: SpectraBlock[], spec: ResolvedPipeline | null, record: ChannelsRecord, who: string): { x: Float32Array; points: number; width: number; axis: Float64Array; processed: Float64Array[] } {
  if (blocks.length !== record.perChannel.length) throw new UserError('BAD_INPUT', `${who} was trained on ${record.perChannel.length} channels per sample; its dataset now has ${blocks.length}.`);
  const axis0 = blocks[0]!.axis;
  const outs = blocks.map((b, c) => {
    const ch = record.perChannel[c]!;
    let out = ch.resampledFrom ? onAxis(b, axis0) : b;
    const recipe = ch.recipe !== undefined ? (ch.recipe?.spec ?? null) : spec;
    if (recipe && recipe.steps.some((s) => s.enabled) && out.rows) out = applyPipeline({ spec: recipe, states: ch.fittedState ?? [] }, out);
    return out;
  });
  const points = outs[0]!.axis.length;
  const lengths = outs.map((o) => o.axis.length);
  const odd = record.layout === 'branches' ? -1 : outs.findIndex((o) => o.axis.length !== points);
  if (odd >= 0) throw new UserError('BAD_INPUT', `${who}: after the recipe, channel "${record.names[odd]}" now has ${outs[odd]!.axis.length} points and channel "${record.names[0]}" ${points}.`);
  const xs = outs.map((o, c) => {
    const { mean, std } = record.perChannel[c]!;
    return Float32Array.from(o.values, (v) => (v - mean) / std);
  });
  const perChannel = record.perChannel.map((ch) => ({ ...ch }));
  return { x: layoutChannels(xs, blocks[0]!.rows, lengths, record.layout, [], perChannel), points, width: record.layout === 'branches' ? lengths.reduce((a, p) => a + p, 0) : points * lengths.length, axis: outs[0]!.axis, processed: outs.map((o) => o.values) };
}

/**
 * Channel 0 of model inputs laid out as `record` says ([rows, points × channels]), back in the
 * recipe's units (before its standardisation and block scale): [rows, points].
 */
export function firstChannelOf(x: Float32Array, rows: number, points: number, record: ChannelsRecord): Float32Array {
  const C = record.perChannel.length;
  const { mean, std, blockScale } = record.perChannel[0]!;
  const out = new Float32Array(rows * points);
  const width = x.length / rows;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < points; j++) {
      out[r * points + j] = record.layout === 'branches' ? x[r * width + j]! * std + mean : record.layout === 'channels-last' ? x[(r * points + j) * C]! * std + mean : x[r * points * C + j]! * (blockScale ?? 1) * std + mean;
    }
  }
  return out;
}

/**
 * Refuses, for a run trained on several channels, what still reads channel 0 only (`what`: the
 * activation maps, the views of its inputs, predictions).
 */
export function requireOneChannel(runId: number, config: { channels?: ChannelsRecord | undefined }, what: string): void {
  const c = config.channels;
  if (!c) return;
  throw new UserError('BAD_INPUT', `Run ${runId} was trained on ${c.names.length} channels per sample (${c.names.map((n) => `"${n}"`).join(', ')}); ${what} reads one channel so far. Its stored test metrics and predictions are on the run page, and its export recomputes them from every channel.`);
}
