/**
 * Streamed training (docs/architecture.md, Training, "Streamed training"): when a run's training
 * spectra would be large, the main process never reads them all. It reads the dataset's sample
 * heads, chooses the rows of each role, fits the recipe and the input scaling on an evenly spaced
 * sample of the training rows and reads the monitor rows; the trainer reads the training and test
 * rows from the project file a window at a time (ml/streamed-feed.ts).
 */
import type { Db } from '../db/connection';
import type { RunRequest } from '../common/runs/schema';
import { planRun, problemOf, recipeChoiceInput, refuseStreamed, type FoldRows, type PlanInput, type RunPlan } from '../common/runs/plan';
import type { ChosenRecipe, RecipeChoiceInput } from '../common/runs/recipe-choice';
import type { StreamedInput } from '../common/ml/protocol';
import { UserError } from '../common/errors';
import { hasLayerOfType } from '../common/ml/model';
import { readDatasetHeadsForRun, targetColumnsOf, type DatasetForRun } from './run-data';

export interface StreamOptions {
  /** 'auto': stream when the training spectra as float32 would exceed {@link STREAM_ABOVE_BYTES}; 'always' (tests, the bench); 'never'. @default 'auto' */
  when?: 'auto' | 'always' | 'never';
  /** Training spectra the trainer holds at once (rounded down to a multiple of the batch size). @default 4096 */
  windowRows?: number;
  /** Consecutive training rows kept together by the shuffle. @default 64 */
  blockRows?: number;
  /** Training spectra the recipe and the input scaling are fitted on (evenly spaced over the training rows; all of them when fewer), and the auto recipe is chosen on (evenly spaced over the training split, early-stopping rows included, as in memory). @default 4096 */
  fitRows?: number;
  /** better-sqlite3's binding for the trainer's runtime (the app's Electron build). */
  nativeBinding?: string;
}

/** 256 MiB of float32 training inputs: 67,000 spectra of 1,000 points. */
export const STREAM_ABOVE_BYTES = 256 * 2 ** 20;
export const STREAM_DEFAULTS = { windowRows: 4096, blockRows: 64, fitRows: 4096 } as const;

/** Every ⌈n / count⌉-th row, evenly spaced: `count` of `rows` (all when there are no more). */
export function evenlySpaced(rows: readonly number[], count: number): number[] {
  if (rows.length <= count) return [...rows];
  return Array.from({ length: count }, (_, i) => rows[Math.floor((i * rows.length) / count)]!);
}

type DatasetHeads = ReturnType<typeof readDatasetHeadsForRun>;

/**
 * Whether a request can stream at all: a target channel and samples of several channels need
 * every channel at once, so they train in memory, and are refused when streaming is forced.
 */
function canStream(req: RunRequest, when: NonNullable<StreamOptions['when']>, heads: () => DatasetHeads): boolean {
  if (when === 'never') return false;
  // A target channel is one of several channels: refused when asked for, in memory otherwise.
  if (req.targetChannel !== undefined) {
    if (when === 'always') throw new UserError('BAD_INPUT', 'A target channel needs every channel of every sample at once; it cannot be streamed from the project file.', { field: 'targetChannel' });
    return false;
  }
  const { channels, dataset } = heads();
  if (channels > 1) {
    if (when === 'always') throw new UserError('BAD_INPUT', `Dataset "${dataset.name}" has ${channels} channels per sample; a run streamed from the project file reads one. Train on a subset of its samples.`, { field: 'channels' });
    return false;
  }
  return true;
}

/**
 * Whether the folds of a cross-validation stream, each as a run of its own would: when the
 * largest fold's training spectra as float32 would exceed {@link STREAM_ABOVE_BYTES} (or
 * 'always'). Streamed folds refuse what a streamed run refuses, before anything is stored.
 */
export function foldsStream(req: RunRequest, opts: StreamOptions, heads: DatasetHeads, foldTrainRows: readonly number[]): boolean {
  const when = opts.when ?? 'auto';
  if (!canStream(req, when, () => heads)) return false;
  const points = heads.dataset.data.block.axis.length;
  if (when === 'auto' && Math.max(0, ...foldTrainRows) * points * 4 <= STREAM_ABOVE_BYTES) return false;
  refuseStreamed(req, heads.dataset.data);
  return true;
}

/** The rows of a run that streams, or null when it trains in memory (see {@link planStreamed}). */
function streamedRows(db: Db, req: RunRequest, opts: StreamOptions, extra: Pick<PlanInput, 'encoder' | 'chosen' | 'fold'>) {
  const when = opts.when ?? 'auto';
  let read: DatasetHeads | null = null;
  const readHeads = () => (read ??= readDatasetHeadsForRun(db, req.datasetId));
  if (!canStream(req, when, readHeads)) return null;
  const heads = readHeads();
  const { dataset } = heads;
  const input: PlanInput = { request: req, data: dataset.data, ...(req.model === 'ae' ? { target: { kind: 'number', values: [] } } : targetColumnsOf(dataset, req)), ...extra };
  const points = dataset.data.block.axis.length;
  // The autoencoder has no target column to choose rows by: it is refused by the plan, after the size check.
  const { problem } = req.model === 'ae' ? { problem: { train: [], monitor: [] } } : problemOf(input);
  const trainRows = req.model === 'ae' ? dataset.data.keys.length : problem.train.length;
  if (when === 'auto' && trainRows * points * 4 <= STREAM_ABOVE_BYTES) return null;
  const count = opts.fitRows ?? STREAM_DEFAULTS.fitRows;
  const fitRows = evenlySpaced(problem.train, count);
  // The auto recipe chooses on the training split (early-stopping rows included) in memory too: the same rows when they all fit.
  const choiceRows = req.autoRecipe && !extra.chosen ? evenlySpaced([...problem.train, ...problem.monitor].sort((a, b) => a - b), count) : null;
  return { heads, dataset, input, problem, fitRows, choiceRows };
}

/**
 * What the auto recipe of a run that streams is chosen on, in a trainer process
 * (services/auto-recipe.ts): at most `fitRows` evenly spaced spectra of the training split, the
 * only ones read; null when the run trains in memory. What a streamed run refuses is refused first.
 */
export function streamedRecipeChoice(db: Db, req: RunRequest, opts: StreamOptions, fold?: FoldRows): RecipeChoiceInput | null {
  const rows = streamedRows(db, req, opts, fold ? { fold } : {});
  if (!rows?.choiceRows) return null;
  const { heads, dataset, input, choiceRows } = rows;
  refuseStreamed(req, dataset.data);
  return recipeChoiceInput({ ...input, data: { ...dataset.data, block: heads.readRows(choiceRows) }, streamed: { present: choiceRows, fitRows: [], choiceRows } });
}

/**
 * The plan of a run streamed from the project file, or null when it trains in memory (too small
 * for 'auto', 'never'). A fold of a cross-validation whose folds stream ({@link foldsStream})
 * passes its rows as `fold` and is planned with `when: 'always'`.
 * An auto recipe's `chosen` (from {@link streamedRecipeChoice}); absent, the plan chooses it.
 */
export function planStreamed(db: Db, req: RunRequest, opts: StreamOptions, extra: Pick<PlanInput, 'encoder' | 'fold'> & { chosen?: ChosenRecipe }): { dataset: DatasetForRun; plan: RunPlan } | null {
  const rows = streamedRows(db, req, opts, extra);
  if (!rows) return null;
  const { heads, dataset, input, problem, fitRows, choiceRows } = rows;
  const present = [...new Set([...fitRows, ...problem.monitor, ...(choiceRows ?? [])])].sort((a, b) => a - b);
  const data = { ...dataset.data, block: heads.readRows(present) };
  const planned = planRun({ ...input, data, streamed: { present, fitRows, ...(choiceRows ? { choiceRows } : {}) } });
  const { batchSize } = planned.job;
  const windowRows = Math.max(batchSize, Math.floor((opts.windowRows ?? STREAM_DEFAULTS.windowRows) / batchSize) * batchSize);
  const blockRows = Math.max(1, Math.min(windowRows, opts.blockRows ?? STREAM_DEFAULTS.blockRows));
  const ids = (rows: number[]) => Int32Array.from(rows, (r) => dataset.data.sampleIds[r]!);
  const stream: StreamedInput = {
    project: db.name,
    ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    datasetId: req.datasetId,
    train: ids(planned.problem.train),
    evaluate: ids(planned.problem.test),
    axis: data.block.axis,
    recipe: planned.recipe && planned.fittedState ? { spec: planned.recipe.spec, states: planned.fittedState } : null,
    scaling: planned.config.inputScaling,
    windowRows,
    blockRows,
  };
  const note = `Training spectra streamed from the project file: ${planned.problem.train.length} training spectra read ${windowRows} at a time (blocks of ${blockRows} consecutive spectra in shuffled order, then shuffled within each window), the test spectra likewise; the recipe and the input scaling fitted on ${fitRows.length === planned.problem.train.length ? 'every training spectrum' : `${fitRows.length} evenly spaced training spectra of ${planned.problem.train.length}`}${hasLayerOfType(planned.job.layers, 'batchNorm') ? '; batch-norm statistics from the last window' : ''}.`;
  return { dataset, plan: { ...planned, job: { ...planned.job, stream }, notes: [...planned.notes, note] } };
}
