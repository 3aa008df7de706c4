/**
 * A training run, the product's central object, as one set of zod schemas: what is asked for
 * (the request), what is stored (config, split, metrics) and read back. Every boundary a run
 * crosses parses with these once — IPC (`runs:start`), the CLI's arguments, `db/runs.ts` rows —
 * so nothing past it needs a cast or a guard.
 */
import { z } from 'zod';
import { layerSpec } from '../ml/model';
import { APP_MODEL_NAMES, MODEL_NAMES } from '../ml/templates';
import { PLS_DECISION_CHOICES } from '../ml/pls-decision';
import { ENGINE_IDS, OPTIMIZER_NAMES, STOP_REASONS, type EpochMessage } from '../ml/protocol';
import { UserError } from '../errors';
import type { ClassificationMetrics, RegressionReport, RocAucOvr } from '../ml/metrics';
import type { PlsCvResult, PlsDecision } from '../ml/pls';
import type { ResolvedPipeline } from '../preprocessing/pipeline';
import type { RecipeChoice } from './recipe-choice';
import { leaderboardSchema } from './optimize';
import type { ChannelsRecord } from './channels';
import { reconstructionMetricsSchema, type ReconstructionMetrics } from './autoencoder';
import { transferRecordSchema } from './transfer';
import { MAX_NEIGHBOURHOOD_RADIUS, NEIGHBOURHOOD_MODES } from './neighbourhood';
import { isBlocked, schemeText } from '../ml/splits';

const id = z.number().int().positive();
const count = z.number().int().min(0);

/** A validation scheme (see ../ml/splits.ts), as stored with a run. */
export const schemeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('given') }),
  z.object({ kind: z.literal('holdout'), fraction: z.number().gt(0).lt(1) }),
  z.object({ kind: z.literal('kfold'), k: z.number().int().min(2) }),
  z.object({ kind: z.literal('mccv'), repeats: z.number().int().min(1), fraction: z.number().gt(0).lt(1) }),
  z.object({ kind: z.literal('group'), column: z.string().min(1), k: z.number().int().min(2) }),
  z.object({ kind: z.literal('learning-curve'), sizes: z.array(z.number().gt(0).max(1)).min(1) }),
  z.object({ kind: z.literal('blocked'), k: z.number().int().min(2), buffer: z.number().int().min(0) }),
  z.object({ kind: z.literal('blocked-holdout'), fraction: z.number().gt(0).lt(1), buffer: z.number().int().min(0) }),
]);

/** A pixel's neighbourhood as input (./neighbourhood.ts): its radius in pixels, and the spectra as channels or their mean. */
export const neighbourhoodSchema = z.object({ radius: z.number().int().min(1).max(MAX_NEIGHBOURHOOD_RADIUS), mode: z.enum(NEIGHBOURHOOD_MODES) });

/** Mild spectral changes of the augmented copies (common/ml/prepare.ts SpectralChanges). */
export const spectralChangesSchema = z.object({ shift: z.number().int().min(0).max(20).optional(), tilt: z.number().min(0).max(2).optional(), scale: z.number().min(0).max(0.5).optional() }).strict();

export const plsDecisionSchema = z.enum(['pls-da', 'centroid', 'nearest-neighbour', 'lda']) satisfies z.ZodType<PlsDecision>;

/**
 * The settings a person chooses for a run, shared by the app's `runs:start` and the CLI's
 * `train` (each adds how it names the dataset and the recipe). Absent: the default.
 */
export const runSettingsShape = {
  epochs: z.number().int().min(1).max(5000).optional(),
  seed: z.number().int().min(0).max(2 ** 31).optional(),
  learningRate: z.number().positive().max(100).optional(),
  /** Networks: Adam (the default), SGD with momentum or RMSprop. */
  optimizer: z.enum(OPTIMIZER_NAMES).optional(),
  /** SGD's or RMSprop's momentum (default 0.9 for SGD, 0 for RMSprop). */
  momentum: z.number().min(0).max(0.999).optional(),
  /** PLS: number of components (default: chosen by cross-validation on the training split). */
  components: z.number().int().min(1).max(500).optional(),
  /** PLS-DA: how a class is decided (default 'auto': chosen by cross-validation). */
  plsDecision: z.enum(PLS_DECISION_CHOICES).optional(),
  /** Maps: each pixel read with its neighbourhood. */
  neighbourhood: neighbourhoodSchema.optional(),
  /**
   * Networks on samples whose channels are on different axes: resample them onto channel 0's axis
   * (the default) or feed each to a branch of its own, the branches joined before the head.
   */
  channelLayout: z.enum(['resample', 'branches']).optional(),
};

/**
 * Several number columns predicted at once (one network with an output per target, or one PLS2
 * model); the first is also the run's `target`. Absent: the one `target`.
 */
const targetsList = z
  .array(z.string().min(1).max(200))
  .min(2)
  .max(50)
  .refine((t) => new Set(t).size === t.length, 'a target is named twice');

/** `runs:start` from the app: the dataset and recipe by id, the scheme as text (given, kfold:5, …). */
export const runStartInput = z
  .object({
    datasetId: id,
    /** Empty for the autoencoder (`ae`), which has none; the request's rules refuse it empty for any other model. */
    target: z.string().max(200),
    targets: targetsList.optional(),
    /** Samples with several channels: this channel is the target, the others the inputs (see the request's). */
    targetChannel: z.string().min(1).max(200).optional(),
    model: z.enum(APP_MODEL_NAMES),
    /** A saved recipe, 'auto' (chosen by cross-validation on the training spectra, see recipe-choice.ts) or null for raw spectra. */
    recipeId: z.union([id, z.literal('auto')]).nullable(),
    /** Samples with several channels: a saved recipe per channel (channel 0 first; null: raw) in place of `recipeId`, which must then be null. */
    channelRecipeIds: z.array(id.nullable()).min(2).max(64).optional(),
    /** Start from this autoencoder run's encoder (./encoder.ts): the network is its encoder and a head, in place of the `model` template. */
    encoderFrom: id.optional(),
    /** given, holdout:0.2, kfold:5, mccv:10x0.2, group:COLUMN[:K] or learning-curve. */
    validation: z.string().min(1).max(300),
    ...runSettingsShape,
  })
  .strict();
export type RunStartInput = z.infer<typeof runStartInput>;

const pipelineSchema = z.custom<ResolvedPipeline>((v) => typeof v === 'object' && v !== null && Array.isArray((v as { steps?: unknown }).steps), 'a resolved recipe');

/** What the training services take, whoever asked: every name resolved, the scheme parsed. */
export const runRequestSchema = z
  .object({
    datasetId: id,
    /** Empty for the autoencoder (`ae`), which has none. */
    target: z.string().max(200),
    targets: targetsList.optional(),
    /** Samples with several channels: this channel is the target (one output per point), the others the inputs (./vector-target.ts). */
    targetChannel: z.string().min(1).max(200).optional(),
    model: z.enum(MODEL_NAMES),
    /** Hidden layers for `custom`. */
    layers: z.array(layerSpec).min(1).optional(),
    /** `custom` only, without `layers`: the layers are this autoencoder run's encoder and a head, initialised from its weights (./encoder.ts). */
    encoderFrom: id.optional(),
    /** The recipe and the name it was saved under (null: unnamed); null: raw spectra. */
    recipe: z.object({ name: z.string().nullable(), spec: pipelineSchema }).nullable(),
    /** Choose the recipe by cross-validation on the training rows (recipe must be null); see recipe-choice.ts. */
    autoRecipe: z.literal(true).optional(),
    /** Samples with several channels: one recipe per channel (channel 0 first; null: raw) instead of `recipe` for all. */
    channelRecipes: z.array(z.object({ name: z.string().nullable(), spec: pipelineSchema }).nullable()).min(2).max(64).optional(),
    /** given or holdout trains one model; kfold, mccv, group and learning-curve one per fold. */
    validation: schemeSchema,
    batchSize: z.number().int().min(1).optional(),
    patience: z.number().int().min(0).optional(),
    engine: z.enum(['auto', ...ENGINE_IDS]).optional(),
    threads: z.number().int().min(1).max(256).optional(),
    /** Small classification sets: the spectral changes of their augmented copies; absent or 'auto': chosen by cross-validation on the training rows (runs/augment-choice.ts). */
    spectralAugmentation: z.union([z.literal('auto'), spectralChangesSchema]).optional(),
    ...runSettingsShape,
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.targetChannel !== undefined && (r.target || r.targets)) ctx.addIssue({ code: 'custom', path: ['targetChannel'], message: `a target channel is the run's target: give it or a target column, not both` });
    if (r.targetChannel !== undefined && r.autoRecipe) ctx.addIssue({ code: 'custom', path: ['recipe'], message: 'the auto recipe is chosen by how well PLS predicts a target column; with a target channel give a recipe, or none' });
    if (r.targetChannel !== undefined && (r.model === 'pls' || r.model === 'ae')) ctx.addIssue({ code: 'custom', path: ['targetChannel'], message: `a target channel is predicted by a network template or a layer list (one output per point), not by ${r.model === 'pls' ? 'PLS' : 'the autoencoder'}` });
    if (r.targets && r.targets[0] !== r.target) ctx.addIssue({ code: 'custom', path: ['targets'], message: `the first of several targets is the run's target ("${r.target}")` });
    if (r.neighbourhood && isBlocked(r.validation) && r.validation.buffer < r.neighbourhood.radius) {
      const n = r.neighbourhood.radius;
      ctx.addIssue({ code: 'custom', path: ['validation'], message: `a neighbourhood of radius ${n} needs a buffer of at least ${n} pixel${n === 1 ? '' : 's'} between train and test, so that no test pixel's neighbourhood holds a training spectrum: use ${schemeText({ ...r.validation, buffer: n })}` });
    }
    if (r.model === 'ae') {
      if (r.target) ctx.addIssue({ code: 'custom', path: ['target'], message: 'an autoencoder has no target: it learns the spectra themselves' });
      if (r.autoRecipe) ctx.addIssue({ code: 'custom', path: ['recipe'], message: 'the auto recipe is chosen by how well PLS predicts a target, and an autoencoder has none: give a recipe, or none' });
      if (r.validation.kind !== 'given' && r.validation.kind !== 'holdout') ctx.addIssue({ code: 'custom', path: ['validation'], message: 'an autoencoder trains on one split: given or holdout' });
    } else if (!r.target && r.targetChannel === undefined) ctx.addIssue({ code: 'custom', path: ['target'], message: 'a target column is needed' });
    if (r.encoderFrom !== undefined) {
      if (r.model !== 'custom') ctx.addIssue({ code: 'custom', path: ['encoderFrom'], message: `a network started from an autoencoder's encoder is that encoder and a dense head, not the ${r.model} model: train it as a custom model (the command line does when --model is left out)` });
      if (r.layers) ctx.addIssue({ code: 'custom', path: ['layers'], message: "a network started from an autoencoder's encoder takes its layers from the autoencoder, not from a layer list" });
      if (r.channelLayout === 'branches') ctx.addIssue({ code: 'custom', path: ['channelLayout'], message: 'an autoencoder reads its channels as [points, channels]: a network started from its encoder has no branches' });
    }
    if (r.model === 'custom' && !r.layers && r.encoderFrom === undefined) ctx.addIssue({ code: 'custom', path: ['layers'], message: 'A custom model needs a layer list.' });
    if (r.autoRecipe && r.recipe) ctx.addIssue({ code: 'custom', path: ['recipe'], message: 'a run takes either a recipe or the auto recipe, not both' });
    if (r.channelRecipes && (r.autoRecipe || r.recipe)) ctx.addIssue({ code: 'custom', path: ['channelRecipes'], message: 'a run takes one recipe per channel or one recipe for all of them, not both' });
    if (r.plsDecision !== undefined && r.model !== 'pls') ctx.addIssue({ code: 'custom', path: ['plsDecision'], message: `a class decision is for PLS, not ${r.model}` });
    if (r.optimizer !== undefined && r.model === 'pls') ctx.addIssue({ code: 'custom', path: ['optimizer'], message: 'an optimiser is for networks; PLS has no training steps' });
    if (r.momentum !== undefined && (r.optimizer ?? 'adam') === 'adam') ctx.addIssue({ code: 'custom', path: ['momentum'], message: 'momentum is for the sgd and rmsprop optimisers (Adam has its own moments)' });
  });
export type RunRequest = z.infer<typeof runRequestSchema>;

const scaling = z.object({ mean: z.number(), std: z.number() });
const taskSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('classification'), classes: z.number().int().min(1) }),
  z.object({ kind: z.literal('reconstruction') }),
  z.object({ kind: z.literal('regression'), loss: z.enum(['mse', 'huber']), huberDelta: z.number().optional(), outputs: z.number().int().min(2).optional() }),
]);
/** One target of a run with several: its column and the scaling fitted on the training rows (its own units). */
/** A regression target's column, its standardisation on the training rows and, when its column has one, its unit. */
export const targetScalingSchema = z.object({ name: z.string(), mean: z.number(), std: z.number(), unit: z.string().optional() });
export type TargetScaling = z.infer<typeof targetScalingSchema>;
export const augmentationSchema = z.object({ copies: z.number().int().min(1), noise: z.number().min(0), classSpread: z.number().min(0).optional(), ...spectralChangesSchema.shape });

/** The auto recipe's choice as a run stores it: every candidate's cross-validated score and the winner. */
export const recipeChoiceSchema = z.object({
  candidates: z.array(z.object({ name: z.string(), score: z.number().nullable(), standardError: z.number().optional(), components: z.number().optional(), skipped: z.string().optional() })),
  winner: z.string(),
  metric: z.enum(['balanced accuracy', 'RMSECV']),
  folds: z.number().int().min(2),
  scoredWith: z.string(),
  trainSamples: count,
  sampledFrom: count.optional(),
  threshold: z.number().optional(),
  reason: z.string().optional(),
}) satisfies z.ZodType<RecipeChoice>;

export const channelsRecordSchema = z.object({
  names: z.array(z.string()),
  layout: z.enum(['channels-last', 'concatenated', 'branches']),
  perChannel: z.array(
    z.object({
      name: z.string(),
      mean: z.number(),
      std: z.number(),
      blockScale: z.number().optional(),
      resampledFrom: z.object({ first: z.number(), last: z.number(), points: z.number().int() }).optional(),
      fittedState: z.array(z.json()).nullable(),
      recipe: z.object({ name: z.string().nullable(), spec: pipelineSchema }).nullable().optional(),
    }),
  ),
}) satisfies z.ZodType<ChannelsRecord>;

/** The stored configuration of one trained model (a run, or one fold of a cross-validation). */
export const singleRunConfig = z.object({
  model: z.enum(MODEL_NAMES),
  layers: z.array(layerSpec),
  input: z.tuple([z.number().int(), z.number().int()]),
  task: taskSpec,
  classes: z.array(z.string()),
  epochs: z.number().int(),
  batchSize: z.number().int(),
  learningRate: z.number(),
  optimizer: z.enum(OPTIMIZER_NAMES).optional(),
  /** SGD's or RMSprop's momentum as trained (absent for Adam). */
  momentum: z.number().optional(),
  clipNorm: z.number().optional(),
  warmupSteps: z.number().optional(),
  learningRateSchedule: z.string().optional(),
  patience: z.number().optional(),
  validation: schemeSchema,
  earlyStopping: z.string().optional(),
  classWeights: z.object({ balanced: z.boolean(), weights: z.array(z.number()) }).nullable().optional(),
  /** Noisy copies of small training sets, decided once by the plan; the trainer follows it. */
  augmentation: augmentationSchema.nullable().optional(),
  /** The spectral changes of the augmented copies, when chosen by cross-validation (runs/augment-choice.ts). */
  augmentationChoice: z
    .object({
      candidates: z.array(z.object({ name: z.string(), changes: spectralChangesSchema, score: z.number(), gain: z.number(), gainError: z.number() })),
      winner: z.string(),
      folds: z.number().int(),
      scoredWith: z.string(),
    })
    .optional(),
  inputScaling: scaling,
  /** Present when the samples have several channels: how each was scaled and laid out (channels.ts). */
  channels: channelsRecordSchema.optional(),
  /** Present when each pixel was read with its neighbourhood; `channels` then names its channels. */
  neighbourhood: neighbourhoodSchema.optional(),
  /** Regression: the first target's scaling (the only one of a one-target run). */
  targetScaling: scaling.nullable(),
  /** Regression on one target: its column's unit when it had one ("%", "mg/L"); errors are in it. */
  targetUnit: z.string().optional(),
  /** Present when the run predicts several targets: each one, in output order (the first is the run's target). */
  targets: z.array(targetScalingSchema).min(2).optional(),
  /** Present when a channel is the target: its name; `targets` then holds one scaling per point of it, named by its axis value. */
  targetChannel: z.string().optional(),
  axis: z.array(z.number()),
  params: z.number().int(),
  engineRequested: z.string().optional(),
  recipe: z.string().nullable().optional(),
  /** Present when the recipe was `auto`: the run's recipe (above, and its stored pipeline) is the winner. */
  recipeChoice: recipeChoiceSchema.optional(),
  /** Present on a model transferred from another instrument's run (transfer.ts). */
  transfer: transferRecordSchema.optional(),
  /** Present on a network started from an autoencoder's encoder (encoder.ts): the ae run, how many of `layers` are its encoder, and the values initialised from it. */
  encoderFrom: z.object({ runId: id, layers: z.number().int().min(1), values: z.number().int().min(1) }).optional(),
});
export type SingleRunConfig = z.infer<typeof singleRunConfig>;

/** The stored configuration of a cross-validation (the parent of its fold runs). */
export const crossValidationConfig = z.object({
  model: z.enum(MODEL_NAMES),
  classes: z.array(z.string()),
  validation: schemeSchema,
  validationLabel: z.string(),
  folds: z.number().int().min(1),
  recipe: z.string().nullable().optional(),
  epochs: z.number().nullable().optional(),
  learningRate: z.number().nullable().optional(),
  warnings: z.array(z.string()).default([]),
  /** Regression: the unit of each target column that had one when the folds were trained. */
  units: z.record(z.string(), z.string()).optional(),
});
export type CrossValidationConfig = z.infer<typeof crossValidationConfig>;

export const runConfigSchema = z.union([crossValidationConfig, singleRunConfig]);
export type RunConfig = z.infer<typeof runConfigSchema>;

export function isCrossValidationConfig(c: RunConfig): c is CrossValidationConfig {
  return 'folds' in c && typeof c.folds === 'number' && 'validationLabel' in c;
}

const ids = z.array(z.number().int());
export const singleRunSplit = z.object({ train: ids, monitor: ids.default([]), test: ids, unlabelled: ids.default([]) });
export type SingleRunSplit = z.infer<typeof singleRunSplit>;
export const crossValidationSplit = z.object({ scheme: schemeSchema, folds: z.array(z.object({ label: z.string(), train: ids, test: ids })) });
export type CrossValidationSplit = z.infer<typeof crossValidationSplit>;
export const runSplitSchema = z.union([crossValidationSplit, singleRunSplit]);
export type RunSplit = z.infer<typeof runSplitSchema>;

/** Metric name → value; JSON stores a NaN (an undefined R², say) as null, read back as NaN. */
export const metricValues = z.record(z.string(), z.number().or(z.null()).transform((v) => v ?? NaN));
export type MetricValues = Record<string, number>;

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const runStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);

/** One fold of a cross-validation as its parent stores it. */
export const foldSummary = z.object({
  index: count,
  label: z.string(),
  runId: id,
  status: runStatus,
  trainSamples: count,
  testSamples: count,
  metrics: z.object({ test: metricValues }).nullable(),
});
export type FoldSummary = z.infer<typeof foldSummary>;

/** The test detail of a classification run: counts, per-class scores, ROC AUC. */
export type ClassificationDetail = ClassificationMetrics & { rocAuc: RocAucOvr | null };
export type TestDetail = ClassificationDetail | RegressionReport | ReconstructionMetrics;

/**
 * Everything a run stores when it ends. Which parts are present depends on how it ended: a
 * trained model has `test`, `testDetail` and the training figures; a cross-validation `mean`,
 * `std` and `folds`; a run that failed before training only `message`.
 */
export const runMetricsSchema = z.object({
  test: metricValues.optional(),
  testDetail: z.custom<TestDetail>((v) => typeof v === 'object' && v !== null).optional(),
  trainedEpochs: count.optional(),
  bestEpoch: z.number().int().nullable().optional(),
  stopped: z.enum(STOP_REASONS).optional(),
  message: z.string().optional(),
  spectraPerSecond: z.number().nullable().optional(),
  memory: z.object({ tensors: z.number().nullable(), peakRssBytes: z.number() }).optional(),
  plsComponents: z.number().int().optional(),
  plsCv: z.custom<PlsCvResult>((v) => typeof v === 'object').nullable().optional(),
  plsDecision: plsDecisionSchema.optional(),
  mean: metricValues.optional(),
  std: metricValues.optional(),
  folds: z.array(foldSummary).optional(),
  warnings: z.array(z.string()).optional(),
  /** An autoencoder's out-of-model limit and how many test spectra it flags (./autoencoder.ts). */
  reconstruction: reconstructionMetricsSchema.optional(),
  /** Find the best model: every candidate's cross-validated score and the winner (its one child run). */
  leaderboard: leaderboardSchema.optional(),
  /** A run with several targets: each target's test report in its own units (`test` holds the same figures as `rmse:NAME`, …). */
  targets: z.array(z.object({ name: z.string(), detail: z.custom<RegressionReport>((v) => typeof v === 'object' && v !== null) })).optional(),
  /** A target channel's test RMSE at each point, in its units, in the order of `config.targets` (`test.rmse` is over every point). */
  pointRmse: z.array(z.number()).optional(),
});
export type RunMetrics = z.infer<typeof runMetricsSchema>;

/** The test spectra of a run with truth and prediction (class name, or value in the target's units). */
export const testPrediction = z.object({
  sampleId: z.number().int(),
  key: z.string(),
  truth: z.union([z.string(), z.number()]),
  predicted: z.union([z.string(), z.number()]),
  /**
   * An autoencoder's: its Q, its largest standardised point residual, which check flags it and
   * whether either does (`predicted` is its reconstruction RMSE, `truth` 0, a perfect
   * reconstruction). The point residual and `flaggedBy` are absent in runs stored before they were added.
   */
  reconstruction: z.object({ q: z.number(), maxResidual: z.number().optional(), flaggedBy: z.enum(['q', 'maxResidual', 'both']).nullable().optional(), outOfModel: z.boolean() }).optional(),
  /** A run with several targets: every target's truth and prediction in the config's order (`truth` and `predicted` are the first's). */
  targets: z.array(z.object({ truth: z.number(), predicted: z.number() })).optional(),
  /** A target channel's run: the measured and predicted spectrum in its units (`truth` is 0 and `predicted` the spectrum's RMSE). */
  channel: z.object({ truth: z.array(z.number()), predicted: z.array(z.number()) }).optional(),
});
export type TestPrediction = z.infer<typeof testPrediction>;

/** One epoch's report as stored (run_epochs) and sent (`epoch` events). */
export const epochMessageSchema = z.object({
  epoch: z.number().int(),
  trainLoss: z.number().or(z.null()).transform((v) => v ?? NaN),
  validationLoss: z.number().nullable(),
  validation: metricValues.nullable(),
  seconds: z.number(),
  spectraPerSecond: z.number().or(z.null()).transform((v) => v ?? NaN),
  validationUnits: z.object({ rmse: z.number(), mae: z.number() }).nullable().optional(),
}) satisfies z.ZodType<EpochMessage, unknown>;

/** Parses a stored part of a run, naming the run and the field that does not read. */
export function parseStored<T>(schema: z.ZodType<T, unknown>, value: unknown, what: string, runId: number): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue?.path.join('.') || what;
  throw new UserError('BAD_INPUT', `Run ${runId}: its stored ${what} does not read (${field}: ${issue?.message ?? 'invalid'}); it may come from another version of Spectra Desk.`, { field });
}

/** The configuration of a run that trained a model (not a cross-validation's parent). */
export function trainedConfig(config: RunConfig, runId: number): SingleRunConfig {
  if (isCrossValidationConfig(config)) throw new UserError('BAD_INPUT', `Run ${runId} is a cross-validation: it has no model of its own. Open one of its folds (or export the cross-validation for every fold).`);
  return config;
}

/** The values a trained regression model predicts, in output order, each with its scaling (its column, in its units); none for classes. */
export function targetScalings(config: SingleRunConfig, target: string): TargetScaling[] {
  if (config.targets) return config.targets;
  return config.targetScaling ? [{ name: target, ...config.targetScaling, ...(config.targetUnit ? { unit: config.targetUnit } : {}) }] : [];
}

/** The unit of each of a run's targets that had one when it was trained (target name → "%", "mg/L"); empty for classes. */
export function targetUnitsOf(config: RunConfig, target: string): Record<string, string> {
  if (isCrossValidationConfig(config)) return { ...(config.units ?? {}) };
  return Object.fromEntries(targetScalings(config, target).filter((t) => t.unit).map((t) => [t.name, t.unit!]));
}

/** The split of a run that trained a model (not a cross-validation's parent). */
export function trainedSplit(split: RunSplit | null, runId: number): SingleRunSplit {
  if (!split || !('train' in split)) throw new UserError('BAD_INPUT', `Run ${runId} is a cross-validation: it has no model of its own. Open one of its folds (or export the cross-validation for every fold).`);
  return split;
}
