/**
 * A classifier or regressor that starts from an autoencoder's encoder (`encoderFrom`): its first
 * layers are the `ae` run's layers up to and including its latent layer, with the same specs (so
 * the same parameter names and shapes), initialised from the stored ae weights; a small head
 * follows, then the output layer the trainer adds. The whole network is fine-tuned: nothing is
 * frozen, the encoder only starts where the autoencoder left it.
 */
import type { LayerSpec } from '../ml/model';
import { latentLayerIndex } from '../ml/templates';
import { UserError } from '../errors';
import type { ResolvedPipeline } from '../preprocessing/pipeline';
import type { SingleRunConfig } from './schema';

/** A parameter of a network in the flat layout every engine shares (ml/engine/net.ts ParamInfo). */
export interface ParamLayout {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** A stored autoencoder run, as the plan needs it to start a network from its encoder. */
export interface EncoderSource {
  runId: number;
  config: SingleRunConfig;
  /** The recipe the autoencoder read its spectra through (null: raw). */
  recipe: ResolvedPipeline | null;
  /** Its parameters' layout and its trained weights in that layout. */
  params: ParamLayout[];
  weights: Float32Array;
}

/** Weights a network starts from instead of its random initialisation, by parameter name. */
export interface StartWeights {
  /** Where they come from, for messages ("autoencoder run 3"). */
  from: string;
  params: { name: string; shape: number[]; values: Float32Array }[];
}

/** The head after the encoder's latent layer (which is linear): one hidden dense layer with ReLU, then the trainer's output layer. */
export const ENCODER_HEAD: LayerSpec[] = [{ type: 'dense', units: 32, useBias: true }, { type: 'relu' }];

/** The autoencoder's layers up to and including its latent layer. */
export function encoderPart(config: SingleRunConfig, runId: number): LayerSpec[] {
  const latent = config.model === 'ae' ? latentLayerIndex(config.layers) : -1;
  if (latent < 0) throw new UserError('BAD_INPUT', `Run ${runId} is a ${config.model} model, not an autoencoder (ae): only an autoencoder's encoder can start a network.`, { field: 'encoderFrom' });
  return config.layers.slice(0, latent + 1);
}

/** The layers of a network started from `source`'s encoder: the encoder, then {@link ENCODER_HEAD}. */
export function encoderNetwork(source: EncoderSource): LayerSpec[] {
  return [...encoderPart(source.config, source.runId), ...ENCODER_HEAD];
}

/** What the new run reads, as the plan has prepared it. */
export interface EncoderTarget {
  axis: ArrayLike<number>;
  input: [number, number];
  /** The channel names when the samples have several (absent: one). */
  channels?: string[];
  /** The recipe of each channel (one entry: one recipe for all). */
  recipes: (ResolvedPipeline | null)[];
}

const recipeKey = (r: ResolvedPipeline | null) => r?.hash ?? 'none';
const stepNames = (r: ResolvedPipeline | null) => {
  const steps = r?.steps.filter((s) => s.enabled) ?? [];
  return steps.length ? steps.map((s) => s.kind).join(' → ') : 'raw spectra';
};

/** The recipes an autoencoder run read its channels through (one entry: one recipe for all). */
export function sourceRecipes(source: EncoderSource): (ResolvedPipeline | null)[] {
  const per = source.config.channels?.perChannel;
  return per && per.some((c) => c.recipe !== undefined) ? per.map((c) => c.recipe?.spec ?? null) : [source.recipe];
}

/**
 * Refuses an encoder that does not read what this run reads, naming what differs: the point
 * count, the axis, the channels or the recipe. Its weights would otherwise meet other inputs
 * than those they were trained on.
 */
export function checkEncoderFits(source: EncoderSource, run: EncoderTarget): void {
  const c = source.config;
  const fail = (what: string) => {
    throw new UserError('BAD_INPUT', `Autoencoder run ${source.runId} does not read what this run reads: ${what}. Train an autoencoder on the same axis, channels and recipe, or train without its encoder.`, { field: 'encoderFrom' });
  };
  if (c.axis.length !== run.axis.length) fail(`it has ${c.axis.length} points, this run ${run.axis.length}`);
  for (let j = 0; j < c.axis.length; j++) {
    if (Math.abs(c.axis[j]! - run.axis[j]!) > 1e-6 * Math.max(1, Math.abs(c.axis[j]!))) fail(`its axis differs at point ${j + 1} (${c.axis[j]} against ${run.axis[j]})`);
  }
  const theirs = c.channels?.names ?? [];
  const ours = run.channels ?? [];
  if (c.input[1] !== run.input[1] || theirs.join('\u0000') !== ours.join('\u0000')) {
    const name = (names: string[], count: number) => (names.length ? `${count} channels (${names.join(', ')})` : `${count} channel`);
    fail(`it reads ${name(theirs, c.input[1])}, this run ${name(ours, run.input[1])}`);
  }
  if (c.input[0] !== run.input[0]) fail(`its input is ${c.input[0]} points long, this run's ${run.input[0]}`);
  const a = sourceRecipes(source);
  const b = run.recipes;
  if (a.length !== b.length || a.some((r, k) => recipeKey(r) !== recipeKey(b[k]!))) {
    fail(`it read its spectra through ${a.map(stepNames).join(' | ')}, this run through ${b.map(stepNames).join(' | ')}`);
  }
}

/** The encoder's stored weights, parameter by parameter (those of its layers up to the latent one). */
export function encoderStartWeights(source: EncoderSource): StartWeights {
  const layers = encoderPart(source.config, source.runId).length;
  // Top-level parameter names start with their layer's position ("3_dense/kernel"), the same in both networks.
  const params = source.params
    .filter((p) => Number(p.name.slice(0, p.name.indexOf('_'))) <= layers)
    .map((p) => ({ name: p.name, shape: p.shape, values: source.weights.slice(p.offset, p.offset + p.size) }));
  return { from: `autoencoder run ${source.runId}`, params };
}

/**
 * Writes `start` into `weights` (a network's flat weights, laid out by `params`); every start
 * parameter must exist there with the same shape. Returns how many values were written.
 */
export function applyStartWeights(params: readonly ParamLayout[], weights: Float32Array, start: StartWeights): number {
  const byName = new Map(params.map((p) => [p.name, p]));
  let written = 0;
  for (const s of start.params) {
    const p = byName.get(s.name);
    if (!p) throw new Error(`The network has no parameter ${s.name} to start from ${start.from}.`);
    if (p.shape.join('×') !== s.shape.join('×')) throw new Error(`Parameter ${s.name} is ${p.shape.join('×')} here and ${s.shape.join('×')} in ${start.from}.`);
    weights.set(s.values, p.offset);
    written += s.values.length;
  }
  return written;
}
