/**
 * Planning one model's training, pure: from the request and the dataset's spectra and target to
 * the trainer's job and the configuration and split stored with the run. Every choice a run
 * makes — rows of each role, recipe and scaling fitted on training rows only, layers, batch size,
 * epochs, class weights, augmentation — is made here, once; the trainer follows the job.
 */
import { UserError } from '../errors';
import { quoteExcerpt } from '../format/excerpt';
import type { SplitTag } from '../domain/spectra';
import { summarizeModel, type LayerSummary } from '../ml/model';
import { autoencoderLayers, branchLayers, templateLayers } from '../ml/templates';
import { augmentationFor, classSpread, classWeightsFor, gatherRows, labelledRows, makeProblem, NOISE_CEILING, NOISE_FRACTION, prepareInputs, targetFromColumn, type Augmentation, type Problem, type TargetInfo } from '../ml/prepare';
import { defaultMomentum, type TaskSpec, type TrainJob } from '../ml/protocol';
import type { ResolvedPipeline } from '../preprocessing/pipeline';
import type { JsonValue, SpectraBlock } from '../preprocessing/types';
import { chooseRecipe, isRamanAxis, recipeCandidates, type ChosenRecipe, type RecipeChoice, type RecipeChoiceInput } from './recipe-choice';
import { chooseSpectralChanges, chosenChanges, SPECTRAL_CHOICE_MIN_ROWS, spectralChoiceNote, type SpectralChoice } from './augment-choice';
import { prepareChannelInputs, type ExtraChannels } from './channels';
import { neighbourhoodChannels } from './neighbourhood';
import { reconstructionLimitNote } from './autoencoder';
import { pointNames, splitTargetChannel, targetChannelValues } from './vector-target';
import { ENCODER_HEAD, checkEncoderFits, encoderNetwork, encoderStartWeights, type EncoderSource } from './encoder';
import { makeFolds, mapSplitWarning } from '../ml/splits';
import type { MapGrid } from '../maps/grid';
import type { FoldPosition } from './events';
import type { RunRequest, SingleRunConfig, SingleRunSplit, TargetScaling } from './schema';

/**
 * Defaults chosen to reach the published scores on the UCR spectro sets without tuning. Small
 * sets (no early-stopping slice, see augmentationFor) take batches of `smallSetBatchSize`: more,
 * noisier steps per epoch over their augmented copies.
 */
export const TRAIN_DEFAULTS = { minEpochs: 100, minSteps: 4000, maxEpochs: 2000, batchSize: 32, smallSetBatchSize: 16, learningRate: 1e-3, patience: 40, seed: 1, clipNorm: 5, monitorMin: 200, aeMonitorMin: 20 } as const;

/**
 * Default epochs: enough optimiser steps for small sets (28 spectra are one batch, so epochs
 * alone would mean a few hundred steps): at least 4000 steps and 100 epochs, at most 2000 epochs.
 */
export function defaultEpochs(trainSamples: number, batchSize: number): number {
  const steps = Math.ceil(trainSamples / batchSize);
  return Math.min(TRAIN_DEFAULTS.maxEpochs, Math.max(TRAIN_DEFAULTS.minEpochs, Math.ceil(TRAIN_DEFAULTS.minSteps / steps)));
}

/** A dataset's spectra as training reads them (one row per sample; `block` is channel 0). */
export interface RunData {
  block: SpectraBlock;
  keys: string[];
  splits: (SplitTag | null)[];
  sampleIds: number[];
  /** The axis unit (cm-1, nm, …) and the intensity unit read from the files: the auto recipe offers the Raman recipe by them. */
  axisUnit?: string;
  intensityUnit?: string | null;
  /** The other channels, when samples have several: networks read them as input channels, PLS one after the other (./channels.ts). */
  channels?: ExtraChannels;
  /** The dataset's map grid (row r is the sample at `pixelOfSample[r]`), when its samples are the pixels of a map. */
  map?: MapGrid;
  /** The dataset's name, for messages. */
  name?: string;
}

/** A fold of a cross-validation: its train and test rows (indices into {@link RunData}) and where it belongs. */
export interface FoldRows {
  parentRunId: number;
  position: FoldPosition;
  train: number[];
  test: number[];
}

export interface TargetColumnData {
  kind: 'class' | 'number' | 'text';
  values: (string | number | null)[];
  /** A numeric column's unit ("%", "mg/L"), when one was given: the run records it. */
  unit?: string;
}

export interface PlanInput {
  request: RunRequest;
  data: RunData;
  /** The target column: its kind and its value for every row of `data`. */
  target: TargetColumnData;
  /** The request's other targets (`targets` after the first), in order, when it names several. */
  moreTargets?: TargetColumnData[];
  fold?: FoldRows;
  /**
   * The auto recipe's choice when it was made elsewhere (the services make it in a trainer
   * process, on {@link recipeChoiceInput}); absent, an auto request chooses here.
   */
  chosen?: ChosenRecipe;
  /** The autoencoder run named by the request's `encoderFrom`, read by the services. */
  encoder?: EncoderSource;
  /**
   * Leave the augmentation's spectral changes to the trainer (`job.chooseSpectralChanges`), which
   * chooses on the training rows it is sent and reports the choice, which
   * {@link withSpectralChoice} adds to the plan; absent, the plan chooses here.
   */
  spectralChoiceInTrainer?: boolean;
  /**
   * A streamed run (services/train-single.ts): `data.block` holds only the dataset rows `present`
   * lists (ascending) — `fitRows`, a sample of the training rows the recipe and input scaling are
   * fitted on, and the monitor rows — and the trainer reads the training and test rows from the
   * project file; `job.train.x` and `job.evaluate[0].x` are then empty. An auto recipe is chosen
   * on `choiceRows` (also in `present`), an evenly spaced sample of the training split, unless
   * `chosen` is given.
   */
  streamed?: { present: number[]; fitRows: number[]; choiceRows?: number[] };
}

export interface RunPlan {
  task: 'classification' | 'regression';
  target: TargetInfo;
  problem: Problem;
  config: SingleRunConfig;
  /** Sample ids of each role. */
  split: SingleRunSplit;
  /** The recipe the model reads through: the request's, or the auto recipe's winner (null: raw spectra). */
  recipe: { name: string | null; spec: ResolvedPipeline } | null;
  /** Lines for the run log, before the trainer's own. */
  notes: string[];
  /** Of the notes, those that question the score (a random split of a map's pixels), also shown with the outcome. */
  warnings: string[];
  /** The recipe's fitted state (learned on the training rows), stored with the run. */
  fittedState: (JsonValue | null)[] | null;
  layers: LayerSummary[];
  params: number;
  job: TrainJob;
  /** Standardised model outputs back to the target's units (identity for classes). */
  unscale: (v: number) => number;
  /** The target's scale: validation errors reported standardised are multiplied by it. */
  targetStd: number;
  /** Regression: every target in output order with its training-row scaling (one for a one-target run). */
  scales: TargetScaling[];
  /** A target channel's values after the recipe, one array over the rows per point (in the order of `scales`). */
  channelValues?: Float64Array[];
}

/** The target and the rows of each role, as the plan reads them (no spectra needed: only the splits, the map and the target). */
export function problemOf({ request: req, data, target: column, fold }: PlanInput): { seed: number; target: TargetInfo; problem: Problem } {
  const seed = req.seed ?? TRAIN_DEFAULTS.seed;
  const target = targetFromColumn(column.kind, req.target, column.values);
  const single = req.validation.kind === 'holdout' ? req.validation : req.validation.kind === 'blocked-holdout' ? { kind: 'rows' as const, ...makeFolds(req.validation, { rows: labelledRows(target), target: target.values, kind: target.kind, splits: data.splits, ...(data.map ? { map: data.map } : {}), seed })[0]! } : { kind: 'given' as const };
  // PLS has no epochs to stop early, so it keeps every training spectrum (and fits the recipe on all of them).
  // An autoencoder holds rows out of small sets too: its out-of-model limit is learned on spectra it did not fit.
  const monitorMin = req.model === 'pls' ? Infinity : req.model === 'ae' ? TRAIN_DEFAULTS.aeMonitorMin : TRAIN_DEFAULTS.monitorMin;
  const problem = makeProblem({ target, splits: data.splits, validation: single, ...(fold ? { rows: fold } : {}), seed, monitorMin });
  return { seed, target, problem };
}

/**
 * What the auto recipe chooses on: the training split alone (in a cross-validation, this fold's),
 * early-stopping rows included, so that every model on one split gets the same recipe.
 */
export function recipeChoiceInput(input: PlanInput): RecipeChoiceInput {
  const { seed, target, problem } = problemOf(input);
  const { data, streamed } = input;
  const split = problem.train.length + problem.monitor.length;
  const candidates = recipeCandidates({ raman: isRamanAxis(data.axisUnit, data.block.axis, data.intensityUnit) });
  if (!streamed) return { block: data.block, rows: [...problem.train, ...problem.monitor].sort((x, y) => x - y), target, candidates, seed };
  // A streamed run's block holds only the rows it read: the sample of the training split, renumbered.
  if (!streamed.choiceRows) throw new Error('recipeChoiceInput: a streamed run chooses its recipe on streamed.choiceRows.');
  const at = blockRowsOf(streamed.present, data.keys.length);
  const rows = streamed.choiceRows.map((r) => at[r]!);
  const values = new Float64Array(data.block.rows);
  streamed.present.forEach((r, i) => (values[i] = target.values[r]!));
  return { block: data.block, rows, target: { ...target, values }, candidates, seed, ...(rows.length < split ? { sampledFrom: split } : {}) };
}

/**
 * A request with a target channel: the inputs are the other channels, and every sample with the
 * target channel is labelled (the target column handed on holds its first point, for the rows only).
 */
function withTargetChannel(given: PlanInput): { input: PlanInput; channel: SpectraBlock | null } {
  const name = given.request.targetChannel;
  if (name === undefined) return { input: given, channel: null };
  const { inputs, target } = splitTargetChannel(given.data, name);
  const points = target.axis.length;
  return { input: { ...given, data: inputs, target: { kind: 'number', values: Array.from({ length: target.rows }, (_, r) => target.values[r * points]!) } }, channel: target };
}

export function planRun(request: PlanInput): RunPlan {
  const { input: given, channel: targetChannel } = withTargetChannel(request);
  const { request: req, data, target: column, moreTargets = [] } = given;
  const { seed, target, problem } = problemOf(given);
  const streamed = given.streamed ?? null;
  if (streamed) refuseStreamed(req, data);
  // A streamed run's block holds only some rows: dataset row r is block row at[r].
  const at = streamed ? blockRowsOf(streamed.present, data.keys.length) : null;
  const inBlock = (rows: number[]) => (at ? rows.map((r) => at[r]!) : rows);
  const chosen = req.autoRecipe ? (given.chosen ?? chooseRecipe(recipeChoiceInput(given))) : null;
  const recipe = chosen ? (chosen.recipe.spec ? { name: chosen.recipe.name, spec: chosen.recipe.spec } : null) : req.recipe;
  const vector = targetChannel ? targetChannelValues(targetChannel, data.keys, problem.train, recipe?.spec ?? null) : null;
  const names = vector ? pointNames(vector.axis) : (req.targets ?? [req.target]);
  if (!vector && moreTargets.length !== names.length - 1) throw new Error(`planRun: ${names.length} targets named, ${moreTargets.length + 1} columns given.`);
  const targetValues = vector ? vector.values : names.length > 1 ? severalTargets(names, [column, ...moreTargets], data.keys) : [target.values];
  const isPls = req.model === 'pls';
  // An autoencoder (./autoencoder.ts) learns the spectra themselves: no target, no output layer added.
  const isAe = req.model === 'ae';
  const channels = inputChannels(req, data);
  if (req.channelRecipes && !channels) throw new UserError('BAD_INPUT', 'The dataset has one channel per sample; a recipe per channel needs samples with several (a joined dataset).');
  const branches = requireBranchable(req, channels);
  const multi = channels ? prepareChannelInputs(data.block, channels, data.keys, problem.train, recipe?.spec ?? null, isPls ? 'concatenated' : branches ? 'branches' : 'channels-last', req.channelRecipes) : null;
  const prepared = multi ? multi.first : streamed ? prepareInputs(data.block, streamed.present.map((r) => data.keys[r]!), inBlock(streamed.fitRows), recipe?.spec ?? null) : prepareInputs(data.block, data.keys, problem.train, recipe?.spec ?? null);
  const length = prepared.points;
  // Networks read [points, channels] channels-last (branches: every channel's points end to end); PLS the same values as one row of points × channels.
  const input: [number, number] = branches && multi ? [multi.lengths.reduce((a, p) => a + p, 0), 1] : [length, multi?.channels ?? 1];
  const rowWidth = input[0] * input[1];
  const x = multi?.x ?? prepared.x;
  const branchOf = branches && multi && req.model !== 'custom' && req.model !== 'pls' && req.model !== 'ae' ? { model: req.model, channels: multi.record.names.map((name, c) => ({ name, points: multi.lengths[c]! })) } : null;
  const encoder = encoderOf(given);
  const layers = encoder ? encoderNetwork(encoder) : req.model === 'custom' ? (req.layers ?? []) : req.model === 'pls' ? [] : req.model === 'ae' ? autoencoderLayers(length, input[1]) : branchOf ? branchLayers(branchOf.model, branchOf.channels) : templateLayers(req.model, length);
  if (req.model === 'custom' && !layers.length) throw new UserError('BAD_INPUT', 'A custom model needs a layer list.', { field: 'layers' });
  const isClass = target.kind === 'classification';
  const classes = target.classes.length;
  const k = targetValues.length;
  if (encoder) checkEncoderFits(encoder, { axis: prepared.axis, input, ...(multi ? { channels: multi.record.names } : {}), recipes: req.channelRecipes ? req.channelRecipes.map((r) => r?.spec ?? null) : [recipe?.spec ?? null] });
  const startWeights = encoder ? encoderStartWeights(encoder) : null;
  const summary = isPls ? { layers: [], params: 0 } : summarizeModel({ schemaVersion: 1, name: req.model, layers }, input, isAe ? null : { units: isClass ? classes : k });

  // Targets: class indices, or values standardised on the training rows, each target in its own units.
  const scales: TargetScaling[] = isClass || isAe
    ? []
    : targetValues.map((values, t) => {
        const v = problem.train.map((r) => values[r]!);
        const mean = v.reduce((a, b) => a + b, 0) / v.length;
        const unit = vector ? undefined : [column, ...moreTargets][t]?.unit;
        return { name: names[t]!, mean, std: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length) || 1, ...(unit ? { unit } : {}) };
      });
  const yMean = scales[0]?.mean ?? 0;
  const yStd = scales[0]?.std ?? 1;
  const yOf = (rows: number[]) => {
    if (isClass) return Int32Array.from(rows, (r) => target.values[r]!);
    if (isAe) return new Float32Array(rows.length);
    const y = new Float32Array(rows.length * k);
    rows.forEach((r, i) => scales.forEach((s, t) => (y[i * k + t] = (targetValues[t]![r]! - s.mean) / s.std)));
    return y;
  };
  const cw = isClass ? classWeightsFor(target.values, problem.train, classes) : null;
  // Several targets: one output each, the loss the MSE over all of them, standardised.
  const task: TaskSpec = isAe ? { kind: 'reconstruction' } : isClass ? { kind: 'classification', classes } : { kind: 'regression', loss: 'mse', ...(k > 1 ? { outputs: k } : {}) };
  // The noise is sized on the training rows' inputs, as the model reads them (after the recipe and the scaling).
  const small = !isPls && isClass && !problem.monitor.length;
  if (streamed && small && problem.train.length < 200) throw new UserError('BAD_INPUT', `A streamed run needs at least 200 training spectra or some held back to stop early (smaller sets train on noisy copies, in memory); this one has ${problem.train.length}.`);
  const sized = isPls ? null : augmentationFor(target.kind, problem.train.length, problem.monitor.length, rowWidth, small && !streamed ? classSpread(x, rowWidth, problem.train, target.values, classes) : 0);
  const asked = req.spectralAugmentation ?? 'auto';
  const chooseSpectral = !!sized && asked === 'auto' && problem.train.length >= SPECTRAL_CHOICE_MIN_ROWS;
  // The services have the trainer choose, on the training rows it is sent (see withSpectralChoice); pure callers choose here.
  const inTrainer = chooseSpectral && !!given.spectralChoiceInTrainer;
  const spectralChoice = sized && chooseSpectral && !inTrainer ? chooseSpectralChanges({ x, width: rowWidth, channels: input[1], rows: problem.train, labels: target.values, classes, noise: sized.noise, seed }) : null;
  const changes = asked === 'auto' ? chosenChanges(spectralChoice) : asked;
  const augmentation = sized ? { ...sized, ...changes } : null;
  const batchSize = Math.min(req.batchSize ?? (augmentation ? TRAIN_DEFAULTS.smallSetBatchSize : TRAIN_DEFAULTS.batchSize), problem.train.length);
  const epochs = req.epochs ?? defaultEpochs(problem.train.length, batchSize);
  // Without spectra to stop early on, default epochs are a ceiling: the run ends once its training loss has converged (ml/fit.ts).
  const stopWhenConverged = req.epochs === undefined && !problem.monitor.length && !isPls;
  const learningRate = req.learningRate ?? TRAIN_DEFAULTS.learningRate;
  const optimizer = req.optimizer ?? 'adam';
  const momentum = optimizer === 'adam' ? {} : { momentum: req.momentum ?? defaultMomentum(optimizer) };
  const patience = problem.monitor.length && !isPls ? (req.patience ?? TRAIN_DEFAULTS.patience) : 0;
  const stepsPerEpoch = Math.ceil(problem.train.length / batchSize);
  // The optimiser's settings, the same in the stored config and in the trainer's job.
  const schedule = { epochs, batchSize, learningRate, optimizer, ...momentum, clipNorm: TRAIN_DEFAULTS.clipNorm, warmupSteps: stepsPerEpoch * 2 };
  const config: SingleRunConfig = {
    model: req.model,
    layers,
    input,
    task,
    classes: target.classes,
    ...schedule,
    learningRateSchedule: 'linear warm-up over 2 epochs, then cosine decay to 1 % by the last epoch',
    patience,
    validation: req.validation,
    earlyStopping: isPls ? 'not used (PLS: components chosen by cross-validation on the training split)' : problem.monitor.length ? `on ${problem.monitor.length} training samples held back (15 %, stratified)` : stopWhenConverged ? `on the training loss (fewer than ${TRAIN_DEFAULTS.monitorMin} training samples, none held back): stops once it has converged, at most ${epochs} epochs` : `off (fewer than ${TRAIN_DEFAULTS.monitorMin} training samples): fixed epochs`,
    classWeights: cw ? { balanced: cw.balanced, weights: cw.weights } : null,
    augmentation,
    inputScaling: prepared.scaling,
    ...(multi ? { channels: multi.record } : {}),
    ...(req.neighbourhood ? { neighbourhood: req.neighbourhood } : {}),
    targetScaling: isClass || isAe ? null : { mean: yMean, std: yStd },
    ...(k === 1 && scales[0]?.unit ? { targetUnit: scales[0].unit } : {}),
    ...(k > 1 ? { targets: scales } : {}),
    ...(req.targetChannel !== undefined ? { targetChannel: req.targetChannel } : {}),
    axis: Array.from(prepared.axis),
    params: summary.params,
    engineRequested: req.engine ?? 'auto',
    recipe: recipe?.name ?? null,
    ...(chosen ? { recipeChoice: chosen.choice } : {}),
    ...(spectralChoice ? { augmentationChoice: spectralChoice } : {}),
    ...(encoder && startWeights ? { encoderFrom: { runId: encoder.runId, layers: layers.length - ENCODER_HEAD.length, values: startWeights.params.reduce((a, p) => a + p.values.length, 0) } } : {}),
  };
  const ids = (rows: number[]) => rows.map((r) => data.sampleIds[r]!);
  const limitRows = problem.monitor.length ? problem.monitor : problem.train;
  const warnings = [mapSplitWarning(req.validation, data.map, [{ train: [...problem.train, ...problem.monitor], test: problem.test }], req.neighbourhood)].filter((w) => w !== null);
  const job: TrainJob = {
    ...(isPls ? { pls: { components: req.components ?? null, decision: req.plsDecision ?? 'auto' } } : {}),
    layers,
    input,
    task,
    // PLS has no early stopping: it learns from every training row.
    train: { x: streamed ? new Float32Array(0) : gatherRows(x, rowWidth, problem.train), y: yOf(problem.train), n: problem.train.length },
    validation: problem.monitor.length && !isPls ? { x: gatherRows(x, rowWidth, inBlock(problem.monitor)), y: yOf(problem.monitor), n: problem.monitor.length } : null,
    // An autoencoder's reconstructions of the spectra its out-of-model limit is learned on come back too.
    evaluate: [{ x: streamed ? new Float32Array(0) : gatherRows(x, rowWidth, problem.test), n: problem.test.length }, ...(isAe ? [{ x: gatherRows(x, rowWidth, limitRows), n: limitRows.length }] : [])],
    classWeights: cw ? Float32Array.from(cw.weights) : undefined,
    augmentation,
    ...(inTrainer ? { chooseSpectralChanges: true } : {}),
    ...schedule,
    decaySteps: stepsPerEpoch * (epochs - 2),
    patience,
    ...(stopWhenConverged ? { stopWhenConverged } : {}),
    seed,
    engine: req.engine ?? 'auto',
    threads: req.threads,
    ...(startWeights ? { startWeights } : {}),
  };
  return {
    task: target.kind,
    target,
    problem,
    config,
    recipe,
    notes: [...(chosen ? [recipeChoiceNote(chosen.choice, req.model)] : []), ...(augmentation ? [augmentationNote(augmentation)] : []), ...(spectralChoice ? [spectralChoiceNote(spectralChoice)] : []), ...(isAe ? [reconstructionLimitNote(problem.monitor.length, problem.train.length, TRAIN_DEFAULTS.aeMonitorMin)] : []), ...(encoder ? [encoderNote(encoder, layers.length - ENCODER_HEAD.length, prepared.scaling)] : []), ...(multi?.notes ?? []), ...warnings],
    warnings,
    split: { train: ids(problem.train), monitor: ids(problem.monitor), test: ids(problem.test), unlabelled: ids(problem.unlabelled) },
    fittedState: prepared.fitted ? prepared.fitted.states : null,
    layers: summary.layers,
    params: summary.params,
    job,
    unscale: (v) => v * yStd + yMean,
    targetStd: yStd,
    scales,
    ...(vector ? { channelValues: vector.values } : {}),
  };
}

/** Block row of each dataset row of a streamed run's block (−1: not read). */
function blockRowsOf(present: number[], rows: number): Int32Array {
  const at = new Int32Array(rows).fill(-1);
  present.forEach((r, i) => (at[r] = i));
  return at;
}

/**
 * What a streamed run cannot do, refused by name: each of these reads every training spectrum at
 * once in the main process (or, for a neighbourhood, every pixel's neighbours). The auto recipe is
 * not among them: it is chosen on an evenly spaced sample of the training split (`choiceRows`).
 */
export function refuseStreamed(req: RunRequest, data: RunData): void {
  const why = (what: string, field: string, instead: string): never => {
    throw new UserError('BAD_INPUT', `Dataset${data.name ? ` "${data.name}"` : ''} is trained on streamed from the project file (its training spectra are too many to hold in memory), and ${what} needs them all at once. ${instead}`, { field });
  };
  if (req.model === 'pls') why('PLS', 'model', 'Train a network (cnn, resnet1d, cnn-dense, mlp), or PLS on a subset of the pixels.');
  if (req.model === 'ae') why('the autoencoder', 'model', 'Train the autoencoder on a subset of the pixels.');
  if (req.neighbourhood) why("a pixel's neighbourhood", 'neighbourhood', 'Train on the pixels alone, or on a cropped part of the map.');
  if (req.targetChannel !== undefined) why('a target channel', 'targetChannel', 'Train on a subset of the samples.');
  if (data.channels || req.channelRecipes || req.channelLayout === 'branches') why('several channels per sample', 'channels', 'Train on a subset of the samples.');
}

/**
 * The plan once the trainer has chosen the augmentation's spectral changes (a plan made with
 * `spectralChoiceInTrainer`): the stored config and the log's notes as the plan would have made
 * them had it chosen itself.
 */
export function withSpectralChoice(plan: RunPlan, choice: SpectralChoice): Pick<RunPlan, 'config' | 'notes'> {
  const sized = plan.config.augmentation;
  if (!sized) return { config: plan.config, notes: plan.notes };
  const augmentation = { ...sized, ...chosenChanges(choice) };
  const before = augmentationNote(sized);
  return {
    config: { ...plan.config, augmentation, augmentationChoice: choice },
    notes: plan.notes.flatMap((n) => (n === before ? [augmentationNote(augmentation), spectralChoiceNote(choice)] : [n])),
  };
}

/**
 * The values of a run's several targets, one array per target: number columns only, and every
 * labelled sample (one with any of them) has all of them, else the sample and column are named.
 * A sample with none is left out, as for one target.
 */
function severalTargets(names: string[], columns: TargetColumnData[], keys: string[]): Float64Array[] {
  columns.forEach((c, t) => {
    if (c.kind !== 'number') throw new UserError('BAD_INPUT', `Column ${quoteExcerpt(names[t]!)} is a ${c.kind} column; several targets must all be number columns (train one class target at a time).`, { field: 'targets' });
  });
  const values = columns.map((c, t) => targetFromColumn(c.kind, names[t]!, c.values).values);
  for (let r = 0; r < keys.length; r++) {
    if (values.some((v) => !Number.isFinite(v[r]!)) && values.some((v) => Number.isFinite(v[r]!))) {
      const without = names.filter((_, t) => !Number.isFinite(values[t]![r]!));
      throw new UserError('BAD_INPUT', `Sample ${quoteExcerpt(keys[r]!)} has no value for ${without.map((n) => quoteExcerpt(n)).join(', ')} but has the other targets; give it every target, or clear them all to leave it out.`, { field: 'targets' });
    }
  }
  return values;
}

/** The autoencoder a request starts from, as the services read it (they must have, when it names one). */
function encoderOf(given: PlanInput): EncoderSource | null {
  const asked = given.request.encoderFrom;
  if (asked === undefined) return null;
  if (given.encoder?.runId !== asked) throw new Error(`planRun: the request starts from autoencoder run ${asked}, and ${given.encoder ? `run ${given.encoder.runId}` : 'none'} was given.`);
  return given.encoder;
}

/** The run log's line on the encoder: where its layers come from, that all of it trains, and the input scaling each run fitted (the encoder saw the autoencoder's). */
function encoderNote(e: EncoderSource, layers: number, scaling: { mean: number; std: number }): string {
  const s = e.config.inputScaling;
  return `Started from autoencoder run ${e.runId}: its ${layers} encoder layers up to the latent layer, with its trained weights, then a dense head of ${(ENCODER_HEAD[0] as { units: number }).units} units and the output; the whole network is fine-tuned (nothing frozen). Input scaling: mean ${scaling.mean.toPrecision(4)}, SD ${scaling.std.toPrecision(4)} on this run's training spectra (the autoencoder's: ${s.mean.toPrecision(4)}, ${s.std.toPrecision(4)}).`;
}

/**
 * Whether the run feeds each channel to a branch of its own (`channelLayout: 'branches'`): a
 * network template on samples with several channels. PLS reads the channels one after the other
 * and the autoencoder gives back one [points, channels] spectrum, so neither has branches; a
 * custom layer list says for itself what it reads.
 */
function requireBranchable(req: RunRequest, channels: ExtraChannels | undefined): boolean {
  if (req.channelLayout !== 'branches') return false;
  if (!channels) throw new UserError('BAD_INPUT', 'Branches need samples with several channels (a joined dataset); this dataset has one channel per sample.', { field: 'channelLayout' });
  if (req.neighbourhood) throw new UserError('BAD_INPUT', "A map pixel's neighbourhood shares the pixel's axis; read it channels-last, without branches.", { field: 'channelLayout' });
  if (req.model === 'pls' || req.model === 'ae') throw new UserError('BAD_INPUT', `Branches are for network templates and layer lists; ${req.model === 'pls' ? 'PLS reads the channels one after the other' : 'the autoencoder gives back its input as [points, channels]'}.`, { field: 'channelLayout' });
  return true;
}

/**
 * The channels after channel 0 that the model reads: the dataset's own, or each pixel's
 * neighbourhood on its map (./neighbourhood.ts) — not both.
 */
function inputChannels(req: RunRequest, data: RunData): ExtraChannels | undefined {
  const n = req.neighbourhood;
  if (!n) return data.channels;
  const what = data.name ? `map "${data.name}"` : 'map';
  if (!data.map) throw new UserError('BAD_INPUT', `A neighbourhood reads the pixels around each pixel of a map; dataset${data.name ? ` "${data.name}"` : ''} is not a map (its samples have no x/y positions on a grid).`, { field: 'neighbourhood' });
  if (data.channels) throw new UserError('BAD_INPUT', `A neighbourhood is built from one channel per pixel; the samples of ${what} have ${data.channels.names.length}.`, { field: 'neighbourhood' });
  return neighbourhoodChannels(data.block, data.map, n, what);
}

/** The run log's line on the auto recipe: what won, on what score, and how it was scored. */
export function recipeChoiceNote(c: RecipeChoice, model: string): string {
  const won = c.candidates.find((x) => x.name === c.winner)!;
  return `Recipe: auto chose "${c.winner}" (${c.metric} ${won.score!.toFixed(4)}) among ${c.candidates.length} recipes, each scored with ${c.scoredWith}${c.reason ? `. ${c.reason.replace(/\.$/, '')}` : ''}; ${model === 'pls' ? 'PLS' : `the ${model} network`} was then trained once with it.`;
}

/** The run log's line on the small-set augmentation: how many copies, and how their noise was sized. */
export function augmentationNote(a: Augmentation): string {
  const sized = a.classSpread === undefined ? '' : a.noise < NOISE_CEILING ? ` = ${NOISE_FRACTION} × the training spectra's class spread ${a.classSpread.toPrecision(3)} (median over the input points of the SD between class means, net of the spread within classes)` : ` (the ceiling; ${NOISE_FRACTION} × the training spectra's class spread ${a.classSpread.toPrecision(3)} is larger)`;
  const changes = [a.shift ? `shifted by up to ±${a.shift} points` : '', a.tilt ? `tilted by up to ±${a.tilt}` : '', a.scale ? `scaled by up to ±${100 * a.scale} %` : ''].filter(Boolean);
  return `Augmentation: ${a.copies} copies of every training spectrum (the first unchanged), ${changes.length ? `${changes.join(', ')}, ` : ''}with Gaussian noise of SD ${a.noise.toPrecision(3)} in standardised units${sized}.`;
}
