/**
 * The Train view's choices and what follows from them alone: the `runs:start` input and the
 * warnings a careful colleague would give before a run.
 */
import type { DatasetSummary } from '@common/domain/project';
import type { Input, RunSummary } from '@common/ipc/contract';
import type { PlsDecisionChoice } from '@common/ml/pls-decision';
import { APP_MODEL_NAMES, MODEL_LABELS, type AppModelName } from '@common/ml/templates';
import { TRAIN_DEFAULTS } from '@common/runs/plan';
import type { NeighbourhoodMode } from '@common/runs/neighbourhood';
import { num, plural } from '../../lib/format';

export type ModelChoice = AppModelName;
export type ValidationChoice = 'given' | 'holdout:0.2' | 'kfold:5' | 'mccv:10x0.2' | 'group' | 'learning-curve' | 'blocked-holdout:0.2' | 'blocked:5';

/** The schemes an autoencoder trains with: one split (common/runs/schema.ts refuses the others). */
export const isOneSplit = (v: ValidationChoice) => v === 'given' || v === 'holdout:0.2';

/** Choices that hold out contiguous regions of a map (common/ml/spatial-splits.ts). */
export const isBlockedChoice = (v: ValidationChoice) => v === 'blocked-holdout:0.2' || v === 'blocked:5';

export const MODELS: { id: ModelChoice; label: string }[] = APP_MODEL_NAMES.map((id) => ({ id, label: MODEL_LABELS[id] }));
export const DEFAULT_LR = TRAIN_DEFAULTS.learningRate;

export interface TrainSettings {
  datasetId: number | null;
  target: string;
  /** A number target's companions: other number columns the same model predicts at once (one output each, or PLS2). */
  alsoTargets: string[];
  /** A saved recipe, 'auto' (chosen by cross-validation on the training spectra) or null for raw spectra. */
  recipeId: number | 'auto' | null;
  /** Samples with several channels: `recipeId` for all of them, or a recipe per channel (`channelRecipeIds`). */
  recipeMode: 'all' | 'per-channel';
  /** A saved recipe per channel (channel 0 first; null: raw spectra). */
  channelRecipeIds: (number | null)[];
  /** Samples with several channels, networks: every channel resampled onto channel 0's axis (absent: as before), or one branch each on its own axis. */
  channelLayout?: 'resample' | 'branches';
  model: ModelChoice;
  validation: ValidationChoice;
  /** The column a grouped split keeps together. */
  groupColumn: string;
  epochs: number | null;
  learningRate: number | null;
  components: number | null;
  plsDecision: PlsDecisionChoice;
  seed: number;
  /** Maps: the radius of each pixel's neighbourhood read with it (0: the pixel alone), and how it is read. */
  neighbourhood: number;
  neighbourhoodMode: NeighbourhoodMode;
  /** A network of a target started from this finished autoencoder run's encoder (null or absent: the template, randomly initialised). */
  encoderFrom?: number | null;
  /**
   * Samples with several channels: this channel is the target (spectrum in, spectrum out), in
   * place of `target`, which keeps the last column chosen. Null or absent: a column.
   */
  targetChannel?: string | null;
}

export type Column = DatasetSummary['columns'][string];

export function hasGivenSplit(ds: DatasetSummary | null): boolean {
  return !!ds && ds.splits.train > 0 && ds.splits.test > 0;
}

/** Columns a model can learn: classes and numbers. */
export function targetNames(ds: DatasetSummary | null): string[] {
  return ds ? Object.entries(ds.columns).filter(([, c]) => c.kind === 'class' || c.kind === 'number').map(([n]) => n) : [];
}

/** The number columns a regression on `target` can predict with it (none for a class target). */
export function companionTargets(ds: DatasetSummary | null, target: string): string[] {
  return ds && ds.columns[target]?.kind === 'number' ? Object.entries(ds.columns).filter(([n, c]) => n !== target && c.kind === 'number').map(([n]) => n) : [];
}

/** The channel a network predicts from the sample's other channels: on a dataset of several, for a network template (not PLS, not the autoencoder). */
export function targetChannelOf(s: TrainSettings, ds: DatasetSummary | null): { targetChannel: string } | Record<string, never> {
  return s.targetChannel && ds && ds.channels > 1 && s.model !== 'pls' && s.model !== 'ae' ? { targetChannel: s.targetChannel } : {};
}

/** The targets of a run of several (the target first, then the ticked companions); undefined for one target. */
export function targetsOf(s: TrainSettings, ds: DatasetSummary | null): string[] | undefined {
  if (targetChannelOf(s, ds).targetChannel) return undefined;
  const also = s.alsoTargets.filter((n) => companionTargets(ds, s.target).includes(n));
  return also.length ? [s.target, ...also] : undefined;
}

/** Columns a grouped split can keep together (not the target, not numbers). */
export function groupNames(ds: DatasetSummary | null, target: string): string[] {
  return ds ? Object.entries(ds.columns).filter(([n, c]) => n !== target && c.kind !== 'number').map(([n]) => n) : [];
}

export function targetLabel(d: DatasetSummary, name: string): string {
  const c = d.columns[name]!;
  return c.kind === 'class' ? `${name} — classes (${c.distinct})` : `${name} — number${c.min !== undefined ? ` (${num(c.min)} – ${num(c.max)})` : ''}`;
}

/**
 * The scheme as the main process reads it (given, kfold:5, group:COLUMN, …). A blocked split
 * keeps a buffer of the neighbourhood's radius between train and test, so that no test pixel's
 * neighbourhood holds a training spectrum.
 */
export function schemeOf(s: TrainSettings): string {
  if (s.validation === 'group') return `group:${s.groupColumn}`;
  return isBlockedChoice(s.validation) && s.neighbourhood > 0 ? `${s.validation}:${s.neighbourhood}` : s.validation;
}

/**
 * The recipe part of `runs:start` and `models:summary`: one recipe for every channel, or on a
 * dataset of several channels one per channel (the recipe for all is then none).
 */
export function recipeChoice(s: TrainSettings, ds: DatasetSummary | null): { recipeId: number | 'auto' | null; channelRecipeIds?: (number | null)[] } {
  if (!ds || ds.channels < 2 || s.recipeMode !== 'per-channel') return { recipeId: s.recipeId };
  return { recipeId: null, channelRecipeIds: Array.from({ length: ds.channels }, (_, c) => s.channelRecipeIds[c] ?? null) };
}

/** One network branch per channel: for network templates on samples with several channels, not on a map's neighbourhoods nor from an autoencoder's encoder. */
export function channelLayoutOf(s: TrainSettings, ds: DatasetSummary | null): { channelLayout: 'branches' } | Record<string, never> {
  return ds && ds.channels > 1 && s.channelLayout === 'branches' && s.model !== 'pls' && s.model !== 'ae' && !encoderOf(s).encoderFrom && !neighbourhoodOf(s, ds) ? { channelLayout: 'branches' } : {};
}

/** The autoencoder run a network of a target starts from, for `runs:start` and `models:summary` (in place of the template). */
export function encoderOf(s: TrainSettings): { encoderFrom: number } | { encoderFrom?: never } {
  return s.encoderFrom && s.model !== 'pls' && s.model !== 'ae' ? { encoderFrom: s.encoderFrom } : {};
}

/** The finished autoencoders of a dataset a network can start from (one split each; the axis is checked by the model summary). */
export function encoderRuns(runs: readonly RunSummary[], ds: DatasetSummary | null): RunSummary[] {
  return ds ? runs.filter((r) => r.model === 'ae' && r.status === 'done' && r.datasetId === ds.id && !r.folds) : [];
}

/** The neighbourhood a run reads, on a map only. */
export function neighbourhoodOf(s: TrainSettings, ds: DatasetSummary | null): { radius: number; mode: NeighbourhoodMode } | undefined {
  return ds?.map && s.neighbourhood > 0 ? { radius: s.neighbourhood, mode: s.neighbourhoodMode } : undefined;
}

export function startInput(s: TrainSettings, ds: DatasetSummary, column: Column | null): Input<'runs:start'> {
  const channel = targetChannelOf(s, ds);
  // A channel as the target reads the other channels through one recipe, resampled onto one axis, from a template (common/runs/vector-target.ts).
  const input: Input<'runs:start'> = channel.targetChannel
    ? { datasetId: ds.id, target: '', targetChannel: channel.targetChannel, model: s.model, recipeId: s.recipeId === 'auto' ? null : s.recipeId, validation: schemeOf(s), seed: s.seed }
    : { datasetId: ds.id, target: s.target, model: s.model, ...recipeChoice(s, ds), ...channelLayoutOf(s, ds), ...encoderOf(s), validation: schemeOf(s), seed: s.seed };
  const targets = targetsOf(s, ds);
  if (targets) input.targets = targets;
  const neighbourhood = neighbourhoodOf(s, ds);
  if (neighbourhood && !channel.targetChannel) input.neighbourhood = neighbourhood;
  if (s.epochs !== null && s.epochs > 0 && s.model !== 'pls') input.epochs = Math.round(s.epochs);
  if (s.learningRate !== null && s.learningRate > 0 && s.model !== 'pls') input.learningRate = s.learningRate;
  if (s.model === 'pls' && s.components !== null && s.components > 0) input.components = Math.round(s.components);
  if (s.model === 'pls' && column?.kind !== 'number' && s.plsDecision !== 'auto') input.plsDecision = s.plsDecision;
  // An autoencoder has no target: it learns to give back the spectra themselves.
  if (s.model === 'ae') {
    input.target = '';
    delete input.targets;
  }
  return input;
}

/**
 * Warnings, not blocks: what a careful colleague would point out before a run. `fromData` are
 * those only the spectra can tell (replicate-like groups on both sides of the planned split),
 * from the main process (`runs:check`), which applies the same rule when it cross-validates.
 */
export function trainWarnings(s: TrainSettings, ds: DatasetSummary | null, column: Column | null, fromData: string[] = []): string[] {
  const w: string[] = [];
  if (!ds || !column) return w;
  if (column.missing > 0) w.push(`${plural(column.missing, 'spectrum', 'spectra')} without a “${s.target}” value will be left out.`);
  if (column.kind === 'class' && column.classes) {
    const small = column.classes.filter((c) => c.count < 5);
    if (small.length) w.push(`${small.map((c) => `“${c.value}” (${c.count})`).join(', ')} ${small.length === 1 ? 'has' : 'have'} fewer than 5 spectra: too few to learn or to test reliably.`);
    const counts = column.classes.map((c) => c.count);
    const ratio = Math.max(...counts) / Math.max(1, Math.min(...counts));
    if (ratio > 1.5) w.push(`Classes are imbalanced (largest ${num(ratio, 2)}× the smallest): ${s.model === 'pls' ? 'the components are chosen on balanced accuracy, the headline metric, and the cross-validation also tries the class-centre decision, which does not favour large classes' : 'class weights are on and balanced accuracy is the headline metric'}.`);
  }
  w.push(...fromData);
  if (s.learningRate !== null && (s.learningRate > DEFAULT_LR * 10 || s.learningRate < DEFAULT_LR / 10)) w.push(`A learning rate of ${s.learningRate} is far from the default ${DEFAULT_LR}; training may diverge or barely move.`);
  if (s.validation === 'given' && !hasGivenSplit(ds)) w.push('This dataset has no train/test split tags: use a hold-out split, or tag spectra under Data.');
  return w;
}

