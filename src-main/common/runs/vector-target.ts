/**
 * A channel as the target (spectrum in, spectrum out: instrument 2's spectrum of a tablet from
 * instrument 1's). The run's inputs are the other channels; the target channel goes through the
 * same recipe, and each of its points is one output of the several-targets regression (./plan.ts),
 * standardised on the training rows, so the loss is the MSE over all points, as for any set of
 * number targets. Errors are reported back in the target channel's units (after the recipe).
 */
import { UserError } from '../errors';
import { prepareInputs } from '../ml/prepare';
import type { ResolvedPipeline } from '../preprocessing/pipeline';
import type { SpectraBlock } from '../preprocessing/types';
import type { RunData } from './plan';
import type { TargetScaling } from './schema';

/** Where the target channel is among a dataset's channels (`dataset`: its name, for the message). */
export function targetChannelIndex(names: readonly string[], name: string, dataset?: string): number {
  const where = dataset ? ` Dataset "${dataset}"` : ' The dataset';
  if (names.length < 2) throw new UserError('BAD_INPUT', `A target channel needs samples with several channels (a joined dataset);${where} has one channel per sample.`, { field: 'targetChannel' });
  const c = names.indexOf(name);
  if (c < 0) throw new UserError('BAD_INPUT', `${where.trim()} has no channel "${name}". Channels: ${names.map((n) => `"${n}"`).join(', ')}.`, { field: 'targetChannel' });
  return c;
}

/** The dataset without its target channel (the run's inputs) and that channel's spectra. */
export function splitTargetChannel(data: RunData, name: string): { inputs: RunData; target: SpectraBlock } {
  const names = data.channels?.names ?? [];
  const c = targetChannelIndex(names, name, data.name);
  const blocks = [data.block, ...data.channels!.blocks];
  const rest = blocks.filter((_, i) => i !== c);
  const restNames = names.filter((_, i) => i !== c);
  const { channels: _all, ...others } = data;
  const inputs: RunData = { ...others, block: rest[0]!, ...(rest.length > 1 ? { channels: { names: restNames, blocks: rest.slice(1) } } : {}) };
  return { inputs, target: blocks[c]! };
}

/** The target channel after the run's recipe (fitted on the training rows), one array over the rows per point, in its units. */
export function targetChannelValues(block: SpectraBlock, keys: string[], trainRows: number[], spec: ResolvedPipeline | null): { axis: Float64Array; values: Float64Array[] } {
  const p = prepareInputs(block, keys, trainRows, spec);
  const { mean, std } = p.scaling;
  const values = Array.from({ length: p.points }, (_, j) => Float64Array.from({ length: block.rows }, (_, r) => p.x[r * p.points + j]! * std + mean));
  return { axis: p.axis, values };
}

/** Each point's output name: its axis value, as the run's targets list names them. */
export function pointNames(axis: Float64Array): string[] {
  return Array.from(axis, (a) => String(a));
}

/**
 * Test errors of a vector target in its units: the RMSE over every point of every test spectrum,
 * and the RMSE of each point over the test spectra. `outputs` are the network's standardised
 * outputs [n, points] row-major; `truth[j][i]` the measured value of point j in test spectrum i.
 */
export function pointErrors(outputs: Float32Array, truth: ArrayLike<number>[], scales: TargetScaling[], n: number): { rmse: number; perPoint: number[] } {
  const k = scales.length;
  let total = 0;
  const perPoint = scales.map((s, j) => {
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (outputs[i * k + j]! * s.std + s.mean - truth[j]![i]!) ** 2;
    total += ss;
    return Math.sqrt(ss / n);
  });
  return { rmse: Math.sqrt(total / (n * k)), perPoint };
}
