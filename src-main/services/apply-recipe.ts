import type { Db } from '../db/connection';
import { datasetExists, findDataset, getDataset } from '../db/datasets';
import { insertDerivedDataset } from '../db/derived';
import { UserError } from '../common/errors';
import type { ApplyProgress, ApplyResult } from '../common/domain/project';
import { applyPipeline, fitPipeline, type ResolvedPipeline } from '../common/preprocessing/pipeline';
import { getStep } from '../common/preprocessing/registry';
import { fmt } from '../common/preprocessing/block';
import { APP_VERSION } from './version';
import { datasetRows } from './preprocess';

export interface ApplyRecipeRequest {
  datasetId: number;
  /** The resolved recipe (parsePipelineSpec's output). */
  spec: ResolvedPipeline;
  /** Shown in provenance and in the default dataset name. */
  recipeName?: string | null;
  /** Name of the new dataset; default "<dataset> · <recipe name>". */
  name?: string;
}

export interface ApplyRecipeHooks {
  jobId?: string;
  signal?: AbortSignal;
  onProgress?: (p: ApplyProgress) => void;
  /**
   * Spectra per chunk between progress events and cancel checks. Default: sized as it runs so a
   * chunk takes about 50 ms, which keeps the process answering other requests (and Stop).
   */
  chunkRows?: number;
}

const MAX_NAME = 200;
/** Target duration of one chunk: short enough that requests and Stop are answered promptly. */
const CHUNK_MS = 50;

/** The default name of the dataset a recipe makes: "<dataset> · <recipe>". */
export function derivedName(source: string, recipeName: string | null | undefined): string {
  return `${source} · ${recipeName?.trim() || 'processed'}`.slice(0, MAX_NAME);
}

/** The name of a dataset about to be derived, trimmed; refused when empty, too long or taken. */
export function newDatasetName(db: Db, requested: string): string {
  const name = requested.trim();
  if (!name) throw new UserError('BAD_INPUT', 'The new dataset needs a name.', { field: 'name' });
  if (name.length > MAX_NAME) throw new UserError('BAD_INPUT', `The dataset name is ${name.length} characters long; use at most ${MAX_NAME}.`, { field: 'name' });
  if (findDataset(db, name)) throw new UserError('CONFLICT', `A dataset named "${name}" already exists. Choose another name for the processed dataset.`, { field: 'name' });
  return name;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new UserError('CANCELLED', 'Applying the recipe was cancelled; nothing was stored and the project is as it was.');
}

/** First value that is NaN or infinite, as (row, point). */
function firstNonFinite(values: Float64Array, points: number): { row: number; point: number } | null {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) return { row: Math.floor(i / points), point: i % points };
  }
  return null;
}

/**
 * Applies a recipe to every spectrum of a dataset (channel 0) and stores the result as a new
 * dataset with the same sample keys, label columns and split tags, plus its provenance.
 * Fitted steps learn from the training split (all spectra when none is tagged). Spectra are
 * read from the project file and processed in chunks, with progress and a cancel check between
 * chunks, so only the float32 results are held whole; the new dataset is then
 * written in one synchronous transaction, so a cancel or an error leaves the project unchanged
 * and no other request's writes can interleave with ours.
 */
export async function applyRecipeToDataset(db: Db, req: ApplyRecipeRequest, hooks: ApplyRecipeHooks = {}): Promise<ApplyResult> {
  const started = performance.now();
  const jobId = hooks.jobId ?? 'apply';
  const source = getDataset(db, req.datasetId);
  const name = newDatasetName(db, req.name ?? derivedName(source.name, req.recipeName));
  if (!req.spec.steps.some((s) => s.enabled)) {
    throw new UserError('BAD_INPUT', 'The recipe has no enabled steps, so applying it would only copy the dataset. Add or enable a step first.');
  }

  let total = 0;
  const emit = (stage: ApplyProgress['stage'], done: number, fraction: number): void => hooks.onProgress?.({ jobId, stage, done, total, fraction });
  emit('loading', 0, 0);
  await tick();
  checkCancelled(hooks.signal);
  const data = datasetRows(db, req.datasetId, source.name);
  const { keys, train, sampleIds, axisUnit, channels } = data;
  total = data.rows;

  emit('fitting', 0, 0.02);
  await tick();
  checkCancelled(hooks.signal);
  // Only fitted steps need spectra to fit: the training rows (all rows when none is tagged). A
  // recipe without them is checked on one spectrum, so a map need not be read whole to fit.
  const fits = req.spec.steps.some((step) => step.enabled && getStep(step.kind).fitted);
  const fitted = fitPipeline(req.spec, !fits ? data.read(0, 1) : train.length ? data.readRows(train) : data.read(0, data.rows));

  const fixed = hooks.chunkRows !== undefined ? Math.max(1, Math.floor(hooks.chunkRows)) : null;
  let chunk = fixed ?? 8;
  const spectra: Float32Array[] = [];
  let axis: Float64Array | null = null;
  for (let start = 0, rows = 0; start < data.rows; start += rows) {
    await tick();
    checkCancelled(hooks.signal);
    rows = Math.min(chunk, data.rows - start);
    const t0 = performance.now();
    const out = applyPipeline(fitted, data.read(start, rows));
    const m = out.axis.length;
    axis ??= out.axis;
    const bad = firstNonFinite(out.values, m);
    if (bad) {
      throw new UserError(
        'BAD_INPUT',
        `After the recipe, spectrum "${keys[start + bad.row]}" has a NaN or infinite value at ${fmt(out.axis[bad.point]!)} (point ${bad.point + 1}). Check the recipe's parameters (for example a normalisation by a band that is zero); nothing was stored.`,
      );
    }
    const f32 = Float32Array.from(out.values);
    for (let r = 0; r < rows; r++) spectra.push(f32.subarray(r * m, (r + 1) * m));
    emit('applying', start + rows, 0.02 + (0.9 * (start + rows)) / data.rows);
    if (fixed === null) chunk = Math.max(1, Math.min(5000, Math.round(CHUNK_MS / Math.max(1e-3, (performance.now() - t0) / rows))));
  }
  await tick();
  checkCancelled(hooks.signal);
  emit('storing', data.rows, 0.93);
  await tick();
  checkCancelled(hooks.signal);

  const fittedOn = train.length ? 'train' : 'all';
  const fittedSamples = train.length || data.rows;
  const datasetId = db.transaction(() => {
    // Another request may have changed the project while the spectra were processed.
    if (!datasetExists(db, source.id)) {
      throw new UserError('CONFLICT', `Dataset "${source.name}" was deleted while the recipe was applied; nothing was stored.`);
    }
    if (findDataset(db, name)) throw new UserError('CONFLICT', `A dataset named "${name}" was created while the recipe was applied; nothing was stored. Apply it again under another name.`, { field: 'name' });
    return insertDerivedDataset(db, {
      name,
      sourceDatasetId: source.id,
      axis: axis!,
      axisUnit,
      sourceSampleIds: sampleIds,
      spectra,
      provenance: {
        sourceDatasetId: source.id,
        sourceDatasetName: source.name,
        recipeName: req.recipeName?.trim() || null,
        fitted,
        fittedOn,
        fittedSamples,
        sourceChannel: 0,
        appVersion: APP_VERSION,
        createdAt: new Date().toISOString(),
      },
    });
  })();
  emit('done', data.rows, 1);
  return {
    datasetId,
    dataset: name,
    sourceDataset: source.name,
    samples: data.rows,
    points: axis!.length,
    fittedOn,
    fittedSamples,
    pipelineHash: req.spec.hash,
    channelsLeftOut: Math.max(0, channels - 1),
    durationMs: Math.round(performance.now() - started),
  };
}
