import { z } from 'zod';
import type { ErrorInfo } from '../errors';
import type { ApplyProgress, ApplyResult, AxisPlanSummary, DatasetSummary, HarmoniseResult, ImportProgress, ImportResult, JoinResult, ProjectInfo, RecentProject, SampleChannels, SampleRow } from '../domain/project';
import { AXIS_UNITS, type AxisUnit, type ColumnKind, type SplitTag } from '../domain/spectra';
import type { ResolvedPipeline } from '../preprocessing/pipeline';
import type { LayerSummary } from '../../common/ml/model';
import type { EpochMessage } from '../../common/ml/protocol';
import { APP_MODEL_NAMES } from '../ml/templates';
import { neighbourhoodSchema, runStartInput, type MetricValues, type RunConfig, type RunMetrics, type RunStatus, type TestPrediction } from '../runs/schema';
import type { RunEvent } from '../runs/events';
import type { ReconstructionView } from '../runs/autoencoder';
import { mapImageSpec, type MapImage } from '../maps/image';
import { mapPredictionShow } from '../maps/prediction';
import { transferStartInput, type TransferProgress, type TransferSummary } from '../runs/transfer';
import { optimizeStartInput } from '../runs/optimize';

export type { RunEvent, TestPrediction };

export interface SavedPipeline {
  id: number;
  name: string;
  spec: ResolvedPipeline;
  createdAt: string;
}

/**
 * The one IPC contract: channel → input schema and output type. The main side parses every
 * input with its schema; outputs are produced by our own code and typed, not re-parsed.
 * Every call takes exactly one argument object and resolves to a Result — never throws.
 */

/** Marks an output type; the value is never read (outputs are typed, not parsed). */
function out<T>(): T {
  return undefined as T;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

const id = z.number().int().positive();
const axisUnit = z.enum(AXIS_UNITS);
const splitTag = z.enum(['train', 'test']);
const columnKind = z.enum(['class', 'number', 'text']);
const empty = z.object({}).strict();
/** Where a common axis comes from (common/preprocessing/common-axis.ts, GridChoice). */
const gridChoice = z.union([z.literal('auto'), z.literal('first'), z.object({ start: z.number().finite(), stop: z.number().finite(), step: z.number().positive() }).strict()]);

export interface SpectraPreview {
  datasetId: number;
  axisUnit: AxisUnit;
  /** The axis of the returned spectra (they are resampled to the first sample's axis when axes differ). */
  axis: Float64Array;
  sampleIds: number[];
  keys: string[];
  /** Split tag per spectrum (fitted preview steps learn from the `train` ones). */
  splits: (SplitTag | null)[];
  /** Value of `colorBy` per spectrum (null when not asked or missing). */
  groups: (string | number | null)[];
  /** Row-major [spectra × points], of channel `channel` (default 0). */
  intensities: Float32Array;
  /** Total samples in the dataset; `sampleIds.length` may be smaller (evenly subsampled). */
  total: number;
  /** A dataset of several channels: their names (`intensities` hold the one asked for); empty for one. */
  channels: string[];
}

export interface ClassStats {
  axis: Float64Array;
  axisUnit: AxisUnit;
  classes: { value: string; count: number; mean: Float32Array; std: Float32Array }[];
}

export interface AppInfo {
  version: string;
  platform: string;
  /** Training engine the app would use now, in words ("CPU · WebAssembly"). */
  engine: string;
  formats: { id: string; label: string; extensions: string[] }[];
}

export interface RunSummary {
  id: number;
  dataset: string;
  datasetId: number;
  model: string;
  task: 'classification' | 'regression';
  target: string;
  /** A run of several targets: all of them, `target` first. */
  targets?: string[];
  /** A channel as the target: its name (`target` is then empty, and its points are not listed as `targets`). */
  targetChannel?: string;
  status: RunStatus;
  /** Test metrics (accuracy, balancedAccuracy, macroF1 or rmse, mae, r2; several targets: relativeRmse and rmse:NAME, …); null until done. */
  test: MetricValues | null;
  engine: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** Why a run failed or stopped (the first lines of its log); null for a clean finish. */
  message: string | null;
  /** Epochs trained (stored epoch reports). */
  epochs: number;
  /** The epoch whose weights were kept (early stopping), when not the last. */
  bestEpoch: number | null;
  seed: number | null;
  /** Recipe name, or null when trained on raw spectra. */
  recipe: string | null;
  /** Cross-validation: the number of folds (or repeats, or training-set sizes); null for one split. */
  folds: number | null;
  /** Cross-validation: standard deviation of the test metrics over the folds (`test` is their mean). */
  std: MetricValues | null;
  /** Set on a fold of a cross-validation: its parent run. */
  parentRunId: number | null;
  /** Regression: the unit of each target that had one when the run was trained (target → "%"); errors are in it. */
  units?: Record<string, string>;
}

/** One fold of a cross-validated run (a run of its own). */
export interface FoldRun {
  index: number;
  label: string;
  runId: number;
  status: RunSummary['status'];
  trainSamples: number;
  testSamples: number;
  test: MetricValues | null;
}

/**
 * The PLS run a network run is measured against: on exactly the same test spectra (same dataset,
 * target and test sample ids), the most recent of its kind; its headline metric beside ours.
 */
export interface PlsBaseline {
  runId: number;
  /** balancedAccuracy for classes, rmse for values, relativeRmse for several targets. */
  metric: 'balancedAccuracy' | 'rmse' | 'relativeRmse';
  value: number;
  /** The network's value of the same metric. */
  ours: number;
  testSamples: number;
  verdict: 'better' | 'ties' | 'worse';
}

/** One run with its stored per-epoch curves (kept for failed and cancelled runs too). */
export interface RunDetail extends RunSummary {
  curves: EpochMessage[];
  config: RunConfig;
  /** App, Node and engine versions (tfjs packages or our kernels) the run was trained with. */
  versions: Record<string, unknown> | null;
  log: string;
  classes: string[];
  /** Everything stored at the end: test summary and detail (confusion, per class), best epoch, PLS components, … */
  metrics: RunMetrics | null;
  /** The test spectra with truth and prediction (class name or value in the target's units). */
  predictions: TestPrediction[];
  /** How the spectra were split, e.g. "given split" or "hold-out 20 %". */
  validation: string;
  durationMs: number | null;
  /** Cross-validation: its folds in order; null for a single split. */
  foldRuns: FoldRun[] | null;
  /** Warnings from the validation design (e.g. replicates on both sides of a split). */
  warnings: string[];
  /** A finished network run (not a cross-validation): the PLS run on the same test spectra, when there is one. */
  baseline: PlsBaseline | null;
}

/** What a model relies on, over its input axis (after the recipe). */
export interface RunInterpretation {
  /** `cam`: class activation maps (GAP networks); `grad-cam` for other CNNs; `pls`: coefficients and VIP. */
  kind: 'cam' | 'grad-cam' | 'pls';
  axis: Float64Array;
  axisUnit: AxisUnit;
  /** Per class (regression: one entry named after the target): the mean preprocessed training spectrum and the importance curve (mean map, or PLS coefficients). */
  classes: { name: string; samples: number; spectrum: Float32Array; importance: Float32Array }[];
  /** PLS only: variable importance in projection (VIP > 1: above-average importance). */
  vip: Float32Array | null;
  /** PLS only: X loadings of the first components (at most 3). */
  loadings: Float32Array[] | null;
  /**
   * A model on several channels (else null): per channel, in the model's order, on `axis`: per
   * class as in `classes`, the class's mean spectrum of that channel and its importance there
   * (networks: the channel's share of the activation map; PLS: the coefficients of the channel's
   * block), and for PLS the VIP of that block. `classes`, `vip` and `loadings` then hold channel 0's.
   */
  channels: { name: string; classes: { name: string; spectrum: Float32Array; importance: Float32Array }[]; vip: Float32Array | null }[] | null;
}

/** New spectra through a stored run: predictions, what the model saw, where it looked, and the CSV. */
export interface PredictResult {
  runId: number;
  model: string;
  task: 'classification' | 'regression';
  target: string;
  /** A model of several targets: all of them, `target` first. */
  targets?: string[];
  /** A model whose target is a channel: its name, the axis of the predicted spectra (each row's `values`, one per point) in its unit, and the channels it reads. */
  targetChannel?: { name: string; axis: Float64Array; axisUnit: AxisUnit; inputs: string[] };
  classes: string[];
  files: string[];
  /** `values`: a model of several targets, each one's prediction (in the order of `targets`); `predicted` is the first's. */
  rows: { key: string; file: string; predicted: string | number; values?: number[]; probabilities: number[] | null; t2: number | null; q: number | null; outOfModel: boolean }[];
  /** 95 % limits of the out-of-model check (null when the run has none). */
  limits: { t2: number; q: number } | null;
  axis: Float64Array;
  axisUnit: AxisUnit;
  /** Per spectrum after the recipe: [rows, points]. */
  processed: Float32Array;
  /** Per spectrum, the activation map of its predicted class; null for PLS. */
  maps: Float32Array | null;
  /** One row per spectrum: sample, prediction, p_<class>…, t2, q, outOfModel. */
  csv: string;
}

/** The first convolution layer of a network run: its filters, and its output for one spectrum. */
export interface FirstLayer {
  sampleId: number;
  key: string;
  /** The model's input axis (after the recipe) and the spectrum on it (after the recipe). */
  axis: Float64Array;
  axisUnit: AxisUnit;
  spectrum: Float32Array;
  /** Filters × kernel size (input channel 0), row-major. */
  filters: Float32Array;
  filterCount: number;
  kernelSize: number;
  /** Feature maps of the filters for this spectrum, mapped onto `axis`: filters × points, row-major. */
  maps: Float32Array;
  /** What the layer does, e.g. "16 filters × 7, stride 1, same". */
  detail: string;
}

export interface ModelSummary {
  /** 'reconstruction': the autoencoder, which gives back its input. */
  task: 'classification' | 'regression' | 'reconstruction';
  layers: LayerSummary[];
  params: number;
  /** The network's input per spectrum, [points after the recipe, channels]. */
  input: [number, number];
  /** Output units: classes, or 1 for a value (an autoencoder: points × channels). */
  outputs: number;
  /** The autoencoder's latent size (the values its encoder reduces a spectrum to). */
  latent?: number;
  /** Samples with several channels: the channels' names, in the order the model reads them. */
  channels?: string[];
  /** A recipe per channel (`channelRecipeIds`): each channel's recipe name, null for raw. */
  channelRecipes?: { channel: string; recipe: string | null }[];
  /** A network started from an autoencoder's encoder (`encoderFrom`): the ae run, and how many of the first layers are its encoder. */
  encoderFrom?: { runId: number; layers: number };
  /** A channel as the target (`targetChannel`): its name and its points after the recipe, one output each; `input` is then the other channels. */
  targetChannel?: { name: string; points: number };
}

const modelName = z.enum(APP_MODEL_NAMES);

export const contract = {
  'app:info': { input: empty, output: out<AppInfo>() },
  'project:current': { input: empty, output: out<ProjectInfo | null>() },
  'project:recent': { input: empty, output: out<RecentProject[]>() },
  /** Opens a save dialog in the main process; null when the user cancels. */
  'project:create': { input: empty, output: out<ProjectInfo | null>() },
  /** Opens an open-file dialog; null when the user cancels. */
  'project:open': { input: empty, output: out<ProjectInfo | null>() },
  /** Opens a path from the recent list (the main side checks it is on the list). */
  'project:openRecent': { input: z.object({ path: z.string().min(1) }).strict(), output: out<ProjectInfo>() },
  'project:openDemo': { input: empty, output: out<ProjectInfo>() },
  'project:close': { input: empty, output: out<null>() },
  'datasets:list': { input: empty, output: out<DatasetSummary[]>() },
  'datasets:get': { input: z.object({ datasetId: id }).strict(), output: out<DatasetSummary>() },
  /**
   * Imports files. Without `paths`, the main side opens a file dialog. `paths` come only from
   * files the user dropped on the window (resolved by the preload); the main side checks them.
   */
  'datasets:import': {
    input: z
      .object({
        paths: z.array(z.string().min(1)).max(10_000).optional(),
        dataset: z.string().max(200).optional(),
        splitTag: splitTag.optional(),
        splitColumn: z.string().max(200).optional(),
        labelColumn: z.number().int().min(0).nullable().optional(),
        axisUnit: axisUnit.optional(),
        /** Spectra on different axes are also stored on one common axis, as a new dataset. */
        commonAxis: gridChoice.optional(),
        /** Ask for a label table in a second dialog. */
        withLabels: z.boolean().optional(),
        /** Samples lacking a channel are left out (and named in the result) instead of refused. */
        dropIncomplete: z.boolean().optional(),
        jobId: z.string().min(1).max(100),
      })
      .strict(),
    output: out<ImportResult | null>(),
  },
  'jobs:cancel': { input: z.object({ jobId: z.string().min(1) }).strict(), output: out<boolean>() },
  'datasets:rename': { input: z.object({ datasetId: id, name: z.string().min(1).max(200) }).strict(), output: out<DatasetSummary>() },
  'datasets:delete': { input: z.object({ datasetId: id }).strict(), output: out<null>() },
  'datasets:samples': {
    input: z
      .object({
        datasetId: id,
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(5000),
        sortBy: z.string().max(200).optional(),
        descending: z.boolean().optional(),
        search: z.string().max(200).optional(),
      })
      .strict(),
    output: out<{ total: number; rows: SampleRow[] }>(),
  },
  'datasets:spectra': {
    input: z
      .object({
        datasetId: id,
        /** Specific samples; otherwise an even subsample of at most `maxSpectra`. */
        sampleIds: z.array(id).max(5000).optional(),
        maxSpectra: z.number().int().min(1).max(5000).optional(),
        colorBy: z.string().max(200).optional(),
        /** Which channel of a dataset of several (default 0), on that channel's own axis. */
        channel: z.number().int().min(0).max(63).optional(),
      })
      .strict(),
    output: out<SpectraPreview>(),
  },
  'datasets:classStats': { input: z.object({ datasetId: id, column: z.string().min(1).max(200) }).strict(), output: out<ClassStats>() },
  /** Every channel of a few samples, each on its own axis (the Data view's channels tab). */
  'datasets:channels': { input: z.object({ datasetId: id, sampleIds: z.array(id).min(1).max(50) }).strict(), output: out<SampleChannels>() },
  /** One dataset with a channel per source dataset (in the order given), samples paired by id or by position; nothing is stored on any disagreement. */
  'datasets:join': {
    input: z.object({ datasetIds: z.array(id).min(2).max(16), name: z.string().min(1).max(200), by: z.enum(['id', 'position']), channelNames: z.array(z.string().min(1).max(200)).max(16).optional() }).strict(),
    output: out<JoinResult>(),
  },
  'labels:set': {
    input: z
      .object({
        datasetId: id,
        sampleIds: z.array(id).min(1).max(100_000),
        column: z.string().min(1).max(200),
        value: z.union([z.string().max(500), z.number(), z.null()]),
      })
      .strict(),
    output: out<number>(),
  },
  'labels:renameClass': {
    input: z.object({ datasetId: id, column: z.string().min(1).max(200), from: z.string(), to: z.string().min(1).max(500) }).strict(),
    output: out<number>(),
  },
  'labels:setSplit': {
    input: z.object({ datasetId: id, sampleIds: z.array(id).min(1).max(100_000), split: splitTag.nullable() }).strict(),
    output: out<number>(),
  },
  /** Saved, named preprocessing recipes (resolved specs with their hash). */
  'pipelines:list': { input: empty, output: out<SavedPipeline[]>() },
  /** Resolves `spec` (defaults filled, params checked) and saves it; an existing name is replaced. */
  'pipelines:save': { input: z.object({ name: z.string().min(1).max(200), spec: z.unknown() }).strict(), output: out<SavedPipeline>() },
  'pipelines:delete': { input: z.object({ id }).strict(), output: out<null>() },
  /**
   * Applies a recipe (a pipeline spec, resolved here) to every spectrum of a dataset and stores
   * the result as a new dataset; progress arrives as `recipes:progress`, `jobs:cancel` stops it
   * and leaves the project unchanged.
   */
  'datasets:applyRecipe': {
    input: z
      .object({
        datasetId: id,
        spec: z.unknown(),
        recipeName: z.string().max(200).nullable().optional(),
        /** Name of the new dataset; default "<dataset> · <recipe name>". */
        name: z.string().max(200).optional(),
        jobId: z.string().min(1).max(100),
      })
      .strict(),
    output: out<ApplyResult>(),
  },
  /** The axis a dataset on several axes would be put on, or a UserError naming the spectra beyond the tolerance; stores nothing. */
  'datasets:axisPlan': { input: z.object({ datasetId: id, grid: gridChoice.optional() }).strict(), output: out<AxisPlanSummary>() },
  /** Puts a dataset's spectra on one axis, stored as a new dataset with its provenance. */
  'datasets:harmonise': { input: z.object({ datasetId: id, grid: gridChoice.optional(), name: z.string().max(200).optional() }).strict(), output: out<HarmoniseResult>() },
  'columns:setKind': { input: z.object({ datasetId: id, column: z.string().min(1).max(200), kind: columnKind }).strict(), output: out<DatasetSummary>() },
  /** The unit of a numeric label column ("%", "mg/L"); an empty string clears it. */
  'columns:setUnit': { input: z.object({ datasetId: id, column: z.string().min(1).max(200), unit: z.string().max(200) }).strict(), output: out<DatasetSummary>() },
  /** Starts training in the trainer process; events arrive as `runs:progress`. */
  'runs:start': {
    input: runStartInput,
    output: out<{ runId: number }>(),
  },
  'runs:cancel': { input: z.object({ runId: id }).strict(), output: out<boolean>() },
  /** Find the best model (runs/optimize.ts): a search of recipes × models, a parent run; events arrive as `runs:progress`, `runs:cancel` stops it. */
  'runs:optimize': { input: optimizeStartInput, output: out<{ runId: number }>() },
  /** What a careful colleague would point out before a run that only the data shows: replicate-like groups on both sides of the planned split. */
  'runs:check': { input: z.object({ datasetId: id, target: z.string().min(1).max(200), validation: z.string().min(1).max(300), seed: z.number().int().min(0).max(2 ** 31).optional(), neighbourhood: neighbourhoodSchema.optional() }).strict(), output: out<{ warnings: string[] }>() },
  'runs:list': { input: empty, output: out<RunSummary[]>() },
  'runs:get': { input: z.object({ runId: id }).strict(), output: out<RunDetail>() },
  /** Calibration transfers made from a run (or from the run a transferred model came from), newest first (services/transfer.ts). */
  'runs:transfers': { input: z.object({ runId: id }).strict(), output: out<TransferSummary[]>() },
  /** Transfers a regression run's model to a dataset measured on another instrument (services/transfer.ts); progress as `runs:transferProgress`, `jobs:cancel` stops it and stores nothing. */
  'runs:transfer': { input: transferStartInput, output: out<TransferSummary & { durationMs: number }>() },
  'runs:delete': { input: z.object({ runId: id }).strict(), output: out<boolean>() },
  /** Exports a run into a folder the user chooses (null when cancelled): pipeline, metrics, predictions, report, activation maps, model package. */
  'runs:export': { input: z.object({ runId: id, jobId: z.string().min(1).max(100).optional() }).strict(), output: out<{ dir: string; files: string[]; notes: string[] } | null>() },
  /** Predicts spectrum files (chosen in a dialog when `paths` is omitted) with a finished run; null when cancelled. */
  'predict:files': { input: z.object({ runId: id, paths: z.array(z.string().min(1)).min(1).max(10_000).optional(), jobId: z.string().min(1).max(100).optional() }).strict(), output: out<PredictResult | null>() },
  /** Predicts every spectrum of a dataset with a finished run (batch prediction; the CSV comes with the result). */
  'predict:dataset': { input: z.object({ runId: id, datasetId: id, jobId: z.string().min(1).max(100).optional() }).strict(), output: out<PredictResult>() },
  /** The first convolution layer's filters and their feature maps for one sample (default: the first test spectrum). */
  'runs:firstLayer': { input: z.object({ runId: id, sampleId: id.optional() }).strict(), output: out<FirstLayer>() },
  /** Activation maps over the class means (networks) or coefficients and VIP (PLS). */
  'runs:interpret': { input: z.object({ runId: id }).strict(), output: out<RunInterpretation>() },
  /** An autoencoder run: its spectra and reconstructions, errors against the limit, latent vectors. */
  'runs:reconstructions': { input: z.object({ runId: id }).strict(), output: out<ReconstructionView>() },
  /** Layer table for a model on a dataset's input length; a UserError when it does not fit. */
  /** `target` is empty for the autoencoder (`ae`), which has none. */
  'models:summary': { input: z.object({ datasetId: id, target: z.string().max(200), targets: z.array(z.string().min(1).max(200)).min(2).max(50).optional(), model: modelName, recipeId: z.union([id, z.literal('auto')]).nullable().optional(), channelRecipeIds: z.array(id.nullable()).min(2).max(64).optional(), neighbourhood: neighbourhoodSchema.optional(), channelLayout: z.enum(['resample', 'branches']).optional(), encoderFrom: id.optional(), targetChannel: z.string().min(1).max(200).optional() }).strict(), output: out<ModelSummary>() },
  /** One image of a map dataset (services/maps.ts); `mask`: pixels (row-major) left out. With `jobId`, PCA, k-means and Ward report `maps:progress` and `jobs:cancel` stops them. */
  'maps:image': { input: z.object({ datasetId: id, spec: mapImageSpec, mask: z.array(z.number().int().min(0)).max(4_000_000).optional(), jobId: z.string().min(1).max(100).optional() }).strict(), output: out<MapImage>() },
  /** One image of a finished run's prediction of every pixel of a map dataset (services/map-predict.ts, computed off the main thread; the worker keeps the last prediction, so the other images of it come at once). With `jobId`, as `maps:image`. */
  'maps:prediction': { input: z.object({ datasetId: id, runId: id, show: mapPredictionShow, mask: z.array(z.number().int().min(0)).max(4_000_000).optional(), jobId: z.string().min(1).max(100).optional() }).strict(), output: out<MapImage>() },
  /** Writes the band-major copy of a map stored without one (imported before it was made at import), as a job: `maps:progress`, `jobs:cancel` rolls it back; at once when the map has it. */
  'maps:bandCopy': { input: z.object({ datasetId: id, jobId: z.string().min(1).max(100) }).strict(), output: out<{ built: boolean; bytes: number }>() },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type Input<C extends Channel> = z.infer<Contract[C]['input']>;
export type Output<C extends Channel> = Contract[C]['output'];

/** Push events from the main side to the renderer. */
export interface Events {
  'imports:progress': ImportProgress;
  /** Progress of `datasets:applyRecipe`. */
  'recipes:progress': ApplyProgress;
  /** The open project changed (menu, drop, recent). */
  'project:changed': ProjectInfo | null;
  /** Menu commands the renderer carries out (it owns the import form). */
  'menu:command': { command: 'import' | 'importWithLabels' | 'newProject' | 'openProject' };
  /** Files dropped or passed on the command line, to be imported. */
  'files:dropped': { paths: string[] };
  'runs:progress': RunEvent;
  /** Progress of `runs:export` (parts written of all; `jobs:cancel` stops it and removes what was written). */
  'runs:exportProgress': { jobId: string; runId: number; done: number; total: number; what: string };
  /** Progress of `predict:files` / `predict:dataset` (`jobs:cancel` stops it). */
  'predict:progress': { jobId: string; runId: number; done: number; total: number; stage: string };
  'runs:transferProgress': TransferProgress;
  /** Progress of `maps:bandCopy` and of a `maps:image` / `maps:prediction` given a `jobId` (`jobs:cancel` stops it). */
  'maps:progress': { jobId: string; datasetId: number; done: number; total: number; stage: string };
}
export type EventName = keyof Events;

export { CHANNELS, EVENT_NAMES } from './channels';

/** `window.api`: one async method per channel plus event subscription. */
export type Api = {
  [C in Channel]: (input: Input<C>) => Promise<Result<Output<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Absolute paths of files dropped on the window (Electron's webUtils; empty in a browser). */
  pathsForFiles(files: File[]): string[];
};

export type { ColumnKind };
