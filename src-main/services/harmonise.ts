/**
 * Puts a dataset whose spectra sit on slightly different axes (files from different runs) on
 * one axis, stored as a new dataset like an applied recipe: the recipe is the resample step onto
 * the common grid (common/preprocessing/common-axis.ts), recorded in its provenance with the
 * choice of grid in words. The source dataset is left as it is.
 */
import type { Db } from '../db/connection';
import { datasetAxisGroups } from '../db/axes';
import { getDataset, loadSpectra } from '../db/datasets';
import { insertDerivedDataset } from '../db/derived';
import { UserError } from '../common/errors';
import type { AxisPlanSummary, HarmoniseResult } from '../common/domain/project';
import { commonAxis, commonAxisRecipe, type CommonAxisPlan, type GridChoice } from '../common/preprocessing/common-axis';
import { applyPipeline } from '../common/preprocessing/pipeline';
import { APP_VERSION } from './version';
import { newDatasetName } from './apply-recipe';

export interface HarmoniseRequest {
  datasetId: number;
  /** Default `auto`: the overlap of all axes at the median step. */
  grid?: GridChoice;
  /** Name of the new dataset; default "<dataset> · one axis". */
  name?: string;
}

const MAX_NAME = 200;

/** The default name of a dataset put on one axis. */
export function oneAxisName(source: string): string {
  return `${source} · one axis`.slice(0, MAX_NAME);
}

function planFor(db: Db, datasetId: number, datasetName: string, grid: GridChoice): { plan: CommonAxisPlan; groups: ReturnType<typeof datasetAxisGroups> } {
  const groups = datasetAxisGroups(db, datasetId);
  if (groups.length < 2) {
    throw new UserError(
      'BAD_INPUT',
      groups.length ? `Dataset "${datasetName}" is on one axis already; to change its axis, apply a recipe with the Resample step.` : `Dataset "${datasetName}" has no spectra.`,
    );
  }
  try {
    return { plan: commonAxis(groups, grid), groups };
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.code, `Dataset "${datasetName}": ${err.message[0]!.toLowerCase()}${err.message.slice(1)}`, err.field ? { field: err.field } : {});
    throw err;
  }
}

/** The axis `datasets:harmonise` would put the dataset on, and the new dataset's default name; nothing is stored. */
export function planHarmonise(db: Db, datasetId: number, grid: GridChoice = 'auto'): AxisPlanSummary {
  const source = getDataset(db, datasetId);
  const { plan } = planFor(db, datasetId, source.name, grid);
  return {
    description: plan.description,
    unit: plan.unit,
    start: plan.start,
    stop: plan.stop,
    step: plan.step,
    points: plan.axis.length,
    resampled: plan.resampled,
    spectra: plan.spectra,
    axes: plan.axes,
    name: oneAxisName(source.name),
  };
}

/**
 * Resamples every spectrum (channel 0) of the dataset onto the common axis and stores the
 * result as a new dataset with the same keys, labels and split tags, in one transaction (inside
 * the caller's when there is one, as an import's). Beyond the tolerance nothing is stored and
 * the error says which spectra differ and by how much.
 */
export function harmoniseDataset(db: Db, req: HarmoniseRequest): HarmoniseResult {
  const started = performance.now();
  const source = getDataset(db, req.datasetId);
  const name = newDatasetName(db, req.name ?? oneAxisName(source.name));
  const { plan, groups } = planFor(db, source.id, source.name, req.grid ?? 'auto');
  const recipe = commonAxisRecipe(plan);
  const spectra = loadSpectra(db, source.id);
  const points = plan.axis.length;
  const out: Float32Array[] = new Array(spectra.length);
  // One block per source axis: the resample step works on spectra that share an axis.
  for (const { axisId, values: axis } of groups) {
    const rows = spectra.flatMap((s, i) => (s.axisId === axisId ? [i] : []));
    const values = new Float64Array(rows.length * axis.length);
    rows.forEach((r, k) => values.set(spectra[r]!.channels[0]!, k * axis.length));
    const resampled = Float32Array.from(applyPipeline(recipe, { axis, values, rows: rows.length }).values);
    rows.forEach((r, k) => (out[r] = resampled.subarray(k * points, (k + 1) * points)));
  }
  const datasetId = db.transaction(() =>
    insertDerivedDataset(db, {
      name,
      sourceDatasetId: source.id,
      axis: plan.axis,
      axisUnit: plan.unit,
      sourceSampleIds: spectra.map((s) => s.sampleId),
      spectra: out,
      provenance: {
        sourceDatasetId: source.id,
        sourceDatasetName: source.name,
        recipeName: `one axis: ${plan.description}`.slice(0, MAX_NAME),
        fitted: recipe,
        fittedOn: 'all',
        fittedSamples: spectra.length,
        sourceChannel: 0,
        appVersion: APP_VERSION,
        createdAt: new Date().toISOString(),
      },
    }),
  )();
  return {
    datasetId,
    dataset: name,
    sourceDataset: source.name,
    samples: spectra.length,
    points,
    grid: plan.description,
    resampled: plan.resampled,
    channelsLeftOut: Math.max(0, spectra.reduce((m, s) => Math.max(m, s.channels.length), 0) - 1),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * After an import asked for a common axis (inside its transaction): the imported dataset put on
 * one axis as "<dataset> · one axis", or nothing (with a note in `warnings`) when its spectra
 * share one axis. A refusal names the spectra and says nothing was imported, since the import
 * rolls back with it.
 */
export function harmoniseImported(db: Db, datasetId: number, grid: GridChoice, warnings: string[]): HarmoniseResult | undefined {
  const groups = datasetAxisGroups(db, datasetId);
  if (groups.length < 2) {
    warnings.push('All spectra are on one axis already, so none were resampled.');
    return undefined;
  }
  try {
    return harmoniseDataset(db, { datasetId, grid });
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.code, `${err.message} Nothing was imported; import without a common axis to keep the spectra as they are.`, err.field ? { field: err.field } : {});
    throw err;
  }
}
