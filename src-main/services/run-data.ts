/**
 * What a training run reads of the project: the dataset's spectra (once, shared by every fold of
 * a cross-validation), its columns, and the target column checked by one rule for training,
 * cross-validation and the layer summary.
 */
import type { Db } from '../db/connection';
import { columnValues, getDataset, listColumns, sampleIds, splitCounts } from '../db/datasets';
import { listPipelines } from '../db/pipelines';
import { UserError } from '../common/errors';
import type { PlanInput, RunData, TargetColumnData } from '../common/runs/plan';
import type { ResolvedPipeline } from '../common/preprocessing/pipeline';
import { datasetBlock, datasetRows } from './preprocess';
import { samplePlacements } from '../db/channels';
import { mapGrid, type MapGrid } from '../common/maps/grid';
import { defaultScheme, type Scheme } from '../common/ml/splits';
import { neighbourhoodChannels } from '../common/runs/neighbourhood';
import { isCrossValidationConfig } from '../common/runs/schema';
import type { RunRow } from '../db/runs';
import type { ExtraChannels } from '../common/runs/channels';
import type { SpectraBlock } from '../common/preprocessing/types';

export interface DatasetForRun {
  datasetId: number;
  name: string;
  columns: { name: string; kind: 'class' | 'number' | 'text'; unit?: string | null }[];
  data: RunData;
  /** A column's value for every row of `data` (null where a sample has none); the same array on every call — do not change it. */
  valuesOf(column: string): (string | number | null)[];
}

/** The column a run trains on; a clear error naming the dataset's columns when there is none. */
export function targetColumn(columns: DatasetForRun['columns'], datasetName: string, target: string): DatasetForRun['columns'][number] {
  const column = columns.find((c) => c.name === target);
  if (!column) throw new UserError('NOT_FOUND', `Dataset "${datasetName}" has no column "${target}". Columns: ${columns.length ? columns.map((c) => c.name).join(', ') : 'none'}.`, { field: 'target' });
  return column;
}

/** One target column as planning takes it: its kind, its unit (a numeric column's, when given) and its values. */
export function targetColumnData(dataset: DatasetForRun, name: string): TargetColumnData {
  const column = targetColumn(dataset.columns, dataset.name, name);
  return { kind: column.kind, values: dataset.valuesOf(name), ...(column.kind === 'number' && column.unit ? { unit: column.unit } : {}) };
}

/** The units of the named numeric columns that have one (name → unit), as a cross-validation's parent records them. */
export function columnUnits(dataset: DatasetForRun, names: string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const c of dataset.columns) if (c.kind === 'number' && c.unit && names.includes(c.name)) out[c.name] = c.unit;
  return Object.keys(out).length ? out : undefined;
}

/**
 * The request's target columns as planning takes them (each checked to exist): the first, and the
 * others of a several-target run. A target channel has no column: the plan reads its rows from the channel.
 */
export function targetColumnsOf(dataset: DatasetForRun, req: { target: string; targets?: string[]; targetChannel?: string }): Pick<PlanInput, 'target' | 'moreTargets'> {
  if (req.targetChannel !== undefined) return { target: { kind: 'number', values: [] } };
  const read = (name: string) => targetColumnData(dataset, name);
  const more = (req.targets ?? []).slice(1);
  return { target: read(req.target), ...(more.length ? { moreTargets: more.map(read) } : {}) };
}

/** Reads a dataset for training: spectra, keys, split tags and a reader of its columns. */
export function readDatasetForRun(db: Db, datasetId: number): DatasetForRun {
  const { name } = getDataset(db, datasetId);
  return forRun(db, datasetId, datasetBlock(db, datasetId, name, { allChannels: true }));
}

/**
 * A dataset for a streamed run (services/train-single.ts): as {@link readDatasetForRun} without
 * its spectra (`data.block` has the axis and no rows), and a reader of the rows the main process
 * still needs; `channels`: the most channels a sample has (a streamed run reads channel 0 only).
 */
export function readDatasetHeadsForRun(db: Db, datasetId: number): { dataset: DatasetForRun; channels: number; readRows(rows: readonly number[]): SpectraBlock } {
  const { name } = getDataset(db, datasetId);
  const d = datasetRows(db, datasetId, name);
  const dataset = forRun(db, datasetId, { block: { axis: d.axis, values: new Float64Array(0), rows: 0 }, keys: d.keys, splits: d.splits, sampleIds: d.sampleIds, axisUnit: d.axisUnit });
  return { dataset, channels: d.channels, readRows: (rows) => d.readRows(rows) };
}

function forRun(db: Db, datasetId: number, block: Pick<ReturnType<typeof datasetBlock>, 'block' | 'keys' | 'splits' | 'sampleIds' | 'axisUnit' | 'extra'>): DatasetForRun {
  const { name, y_unit: intensityUnit } = getDataset(db, datasetId);
  const row = new Map(block.sampleIds.map((id, r) => [id, r]));
  // Read once per column: a cross-validation asks for the target in planning and in every fold.
  const read = new Map<string, (string | number | null)[]>();
  return {
    datasetId,
    name,
    columns: listColumns(db, datasetId),
    data: { block: block.block, keys: block.keys, splits: block.splits, sampleIds: block.sampleIds, axisUnit: block.axisUnit, intensityUnit, ...(block.extra ? { channels: block.extra } : {}), ...withMap(runMap(db, datasetId, block.sampleIds)), name },
    valuesOf(column) {
      const known = read.get(column);
      if (known) return known;
      const out: (string | number | null)[] = new Array(block.sampleIds.length).fill(null);
      for (const v of columnValues(db, datasetId, column)) {
        const r = row.get(v.sampleId);
        if (r !== undefined) out[r] = v.value;
      }
      read.set(column, out);
      return out;
    },
  };
}

/**
 * The map grid of a dataset's samples (in the order of `sampleIds`), when every one has x/y
 * positions on a regular grid; otherwise the dataset is not a map and the grid is undefined.
 */
export function runMap(db: Db, datasetId: number, sampleIds: number[]): MapGrid | undefined {
  const at = samplePlacements(db, datasetId);
  const x = new Float64Array(sampleIds.length);
  const y = new Float64Array(sampleIds.length);
  for (const [i, id] of sampleIds.entries()) {
    const p = at.get(id);
    if (!p || p.mapX === null || p.mapY === null) return undefined;
    x[i] = p.mapX;
    y[i] = p.mapY;
  }
  try {
    return mapGrid(x, y);
  } catch (err) {
    if (err instanceof UserError) return undefined;
    throw err;
  }
}

const withMap = (map: MapGrid | undefined) => (map ? { map } : {});

/**
 * The channels after channel 0 that a trained run reads from its dataset's rows (`block`, in the
 * order of `sampleIds`): the dataset's own (`extra`), or, for a run on neighbourhoods, each
 * pixel's neighbourhood on the dataset's map.
 */
export function runExtraChannels(db: Db, run: Pick<RunRow, 'id' | 'datasetId' | 'datasetName' | 'config'>, block: SpectraBlock, sampleIds: number[], extra: ExtraChannels | undefined): ExtraChannels | undefined {
  const n = isCrossValidationConfig(run.config) ? undefined : run.config.neighbourhood;
  if (!n) return extra;
  const map = runMap(db, run.datasetId, sampleIds);
  if (!map) throw new UserError('BAD_INPUT', `Run ${run.id} read each pixel with its neighbourhood, and dataset "${run.datasetName}" is no longer a map (its samples have no x/y positions on a grid).`);
  return neighbourhoodChannels(block, map, n, `map "${run.datasetName}"`);
}

/** The validation of a run that names none, for this dataset (see `defaultScheme`). */
export function defaultValidation(db: Db, datasetId: number, radius = 0): Scheme {
  const { train, test } = splitCounts(db, datasetId);
  return defaultScheme(runMap(db, datasetId, sampleIds(db, datasetId)) !== undefined, radius, train > 0 && test > 0);
}

/** A saved recipe by id, with the name it was saved under. */
export function savedRecipe(db: Db, recipeId: number): { name: string; spec: ResolvedPipeline } {
  const recipe = listPipelines(db).find((p) => p.id === recipeId);
  if (!recipe) throw new UserError('NOT_FOUND', `Recipe ${recipeId} does not exist in this project.`, { field: 'recipe' });
  return { name: recipe.name, spec: recipe.spec };
}
