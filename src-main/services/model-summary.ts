/**
 * The layer table of a model on a dataset, before anything is trained: what the Train view shows
 * as the model is chosen. Only the first few spectra are read: the axis gives the length, and the
 * recipe may change it (crop, resample).
 */
import type { Db } from '../db/connection';
import { columnValues, getDataset, listColumns, loadAxis, loadSpectra, sampleIds } from '../db/datasets';
import { UserError } from '../common/errors';
import type { ModelSummary } from '../common/ipc/contract';
import { summarizeModel } from '../common/ml/model';
import { requireTrainable } from '../common/ml/prepare';
import { autoencoderLayers, branchLayers, latentLayerIndex, templateLayers, type AppModelName } from '../common/ml/templates';
import { applyPipeline, fitPipeline } from '../common/preprocessing/pipeline';
import { channelAxes } from '../db/channels';
import { requireRecipePerChannel, requireSameChannelLength } from '../common/runs/channels';
import { savedRecipe, targetColumn } from './run-data';
import { neighbourhoodNames, type Neighbourhood } from '../common/runs/neighbourhood';
import { ENCODER_HEAD, checkEncoderFits, encoderNetwork } from '../common/runs/encoder';
import { encoderSource } from './encoder-source';
import { targetChannelIndex } from '../common/runs/vector-target';

/** The first few samples, for the lengths a recipe gives; each channel on its own axis (channel 0 on the first sample's). */
function firstSpectra(db: Db, datasetId: number, name: string) {
  const first = loadSpectra(db, datasetId, sampleIds(db, datasetId).slice(0, 3));
  if (!first.length) throw new UserError('BAD_INPUT', `Dataset "${name}" has no spectra.`);
  return first;
}

/**
 * A channel as the target (spectrum in, spectrum out; common/runs/vector-target.ts): the other
 * channels are the input, on the axis of the first of them, and each point of the target channel
 * after the recipe is one output, as the plan lays it out. One recipe for all the channels, from
 * a template: the Train view offers no other.
 */
function targetChannelSummary(db: Db, dataset: string, q: { datasetId: number; model: AppModelName; recipeId?: number | 'auto' | null; targetChannel: string }): ModelSummary {
  const model = q.model;
  if (model === 'pls' || model === 'ae') throw new UserError('BAD_INPUT', `A target channel is predicted by a network template or a layer list (one output per point), not by ${model === 'pls' ? 'PLS' : 'the autoencoder'}.`, { field: 'model' });
  const axes = channelAxes(db, q.datasetId);
  const names = axes.map((a) => a.name);
  const c = targetChannelIndex(names, q.targetChannel, dataset);
  const first = firstSpectra(db, q.datasetId, dataset);
  const lengthOf = (k: number): number => {
    if (typeof q.recipeId !== 'number') return axes[k]!.values.length;
    const block = { axis: axes[k]!.values, values: Float64Array.from(first.flatMap((sp) => Array.from(sp.channels[k]!))), rows: first.length };
    return applyPipeline(fitPipeline(savedRecipe(db, q.recipeId).spec, block), block).axis.length;
  };
  const inputs = names.filter((_, k) => k !== c);
  const input: [number, number] = [lengthOf(c === 0 ? 1 : 0), inputs.length];
  const points = lengthOf(c);
  const s = summarizeModel({ schemaVersion: 1, name: model, layers: templateLayers(model, input[0]) }, input, { units: points });
  return { task: 'regression', layers: s.layers, params: s.params, input, outputs: points, ...(inputs.length > 1 ? { channels: inputs } : {}), targetChannel: { name: q.targetChannel, points } };
}

/** `recipeId` 'auto' is summarised as raw spectra: none of the recipes auto chooses among changes the length. */
export function modelSummary(db: Db, q: { datasetId: number; target: string; targets?: string[]; model: AppModelName; recipeId?: number | 'auto' | null; channelRecipeIds?: (number | null)[]; neighbourhood?: Neighbourhood; channelLayout?: 'resample' | 'branches'; encoderFrom?: number; targetChannel?: string }): ModelSummary {
  const ds = getDataset(db, q.datasetId);
  if (q.targetChannel !== undefined && q.model !== 'ae') return targetChannelSummary(db, ds.name, { ...q, targetChannel: q.targetChannel });
  // An autoencoder has no target: it gives back its input.
  const column = q.model === 'ae' ? null : targetColumn(listColumns(db, q.datasetId), ds.name, q.target);
  if (column) requireTrainable(column.kind, q.target);
  const task = !column ? 'reconstruction' : column.kind === 'class' ? 'classification' : 'regression';
  const first = firstSpectra(db, q.datasetId, ds.name);
  const axis = loadAxis(db, first[0]!.axisId).values;
  const same = first.filter((sp) => sp.axisId === first[0]!.axisId);
  const values = new Float64Array(same.length * axis.length);
  same.forEach((sp, i) => values.set(sp.channels[0]!, i * axis.length));
  const head = { axis, values, rows: same.length };
  // Training puts every channel on channel 0's axis before its recipe, and a recipe's output length follows from the axis alone.
  const lengthAfter = (recipeId: number | null) => (recipeId === null ? axis.length : applyPipeline(fitPipeline(savedRecipe(db, recipeId).spec, head), head).axis.length);
  const names = channelAxes(db, q.datasetId).map((c) => c.name);
  let length = lengthAfter(typeof q.recipeId === 'number' ? q.recipeId : null);
  let channelRecipes: ModelSummary['channelRecipes'];
  if (q.channelRecipeIds) {
    requireRecipePerChannel(q.channelRecipeIds.length, names);
    const lengths = q.channelRecipeIds.map(lengthAfter);
    requireSameChannelLength(names, lengths);
    length = lengths[0]!;
    channelRecipes = names.map((channel, c) => {
      const id = q.channelRecipeIds![c]!;
      return { channel, recipe: id === null ? null : savedRecipe(db, id).name };
    });
  }
  // Several targets: one output each.
  const units = task === 'classification' ? Math.max(2, new Set(columnValues(db, q.datasetId, q.target).map((v) => v.value).filter((v) => v !== null)).size) : (q.targets?.length ?? 1);
  // Networks read every channel of a sample as an input channel (common/runs/channels.ts), or a pixel's neighbourhood as channels.
  const input: [number, number] = [length, q.neighbourhood ? neighbourhoodNames(q.neighbourhood).length : first.reduce((m, sp) => Math.max(m, sp.channels.length), 0)];
  const extra = { ...(names.length > 1 && !q.neighbourhood ? { channels: names } : {}), ...(channelRecipes ? { channelRecipes } : {}) };
  if (q.model === 'pls') return { task, layers: [], params: 0, input, outputs: units, ...extra };
  if (q.model === 'ae') {
    const layers = autoencoderLayers(length, input[1]);
    const s = summarizeModel({ schemaVersion: 1, name: q.model, layers }, input, null);
    return { task, layers: s.layers, params: s.params, input, outputs: length * input[1], latent: (layers[latentLayerIndex(layers)] as { units: number }).units, ...extra };
  }
  if (q.encoderFrom !== undefined) {
    // The autoencoder's encoder and a head, whichever template is selected; the auto recipe is the autoencoder's, as training takes it.
    const source = encoderSource(db, q.encoderFrom);
    const recipe = typeof q.recipeId === 'number' ? savedRecipe(db, q.recipeId).spec : q.recipeId === 'auto' ? source.recipe : null;
    const shown = recipe ? applyPipeline(fitPipeline(recipe, head), head).axis : axis;
    const encoderInput: [number, number] = [shown.length, input[1]];
    checkEncoderFits(source, { axis: shown, input: encoderInput, ...(extra.channels ? { channels: extra.channels } : {}), recipes: q.channelRecipeIds ? q.channelRecipeIds.map((id) => (id === null ? null : savedRecipe(db, id).spec)) : [recipe] });
    const layers = encoderNetwork(source);
    const s = summarizeModel({ schemaVersion: 1, name: 'custom', layers }, encoderInput, { units });
    return { task, layers: s.layers, params: s.params, input: encoderInput, outputs: units, ...extra, encoderFrom: { runId: source.runId, layers: layers.length - ENCODER_HEAD.length } };
  }
  if (q.channelLayout === 'branches' && names.length > 1 && !q.neighbourhood) {
    // One branch per channel, each on its own axis (as the plan lays them out): its length after its recipe.
    const axes = channelAxes(db, q.datasetId);
    const lengths = axes.map((a, c) => {
      const id = q.channelRecipeIds ? q.channelRecipeIds[c]! : typeof q.recipeId === 'number' ? q.recipeId : null;
      if (id === null) return a.values.length;
      const block = { axis: a.values, values: Float64Array.from(first.flatMap((sp) => Array.from(sp.channels[c]!))), rows: first.length };
      return applyPipeline(fitPipeline(savedRecipe(db, id).spec, block), block).axis.length;
    });
    const branched: [number, number] = [lengths.reduce((a, n) => a + n, 0), 1];
    const b = summarizeModel({ schemaVersion: 1, name: q.model, layers: branchLayers(q.model, names.map((name, c) => ({ name, points: lengths[c]! }))) }, branched, { units });
    return { task, layers: b.layers, params: b.params, input: branched, outputs: units, ...extra };
  }
  const s = summarizeModel({ schemaVersion: 1, name: q.model, layers: templateLayers(q.model, length) }, input, { units });
  return { task, layers: s.layers, params: s.params, input, outputs: units, ...extra };
}
