import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { datasetIdByNameOrId, loadAxis, loadSpectra, sampleHeads, type SampleHead, type SpectrumData } from '../db/datasets';
import { spectrumPages } from '../db/maps';
import type { RowPages } from '../common/maps/rows';
import { datasetAxisGroups } from '../db/axes';
import { channelAxes } from '../db/channels';
import { describeAxes } from '../common/preprocessing/common-axis';
import { csvField } from '../common/csv';
import { UserError } from '../common/errors';
import { applyPipeline, fitOnTraining, parsePipelineSpec } from '../common/preprocessing/pipeline';
import type { SpectraBlock } from '../common/preprocessing/types';
import type { ExtraChannels } from '../common/runs/channels';
import type { AxisUnit, SplitTag } from '../common/domain/spectra';

export interface PreprocessRequest {
  dataset: string;
  /** Path of a pipeline spec JSON file. */
  pipelineFile: string;
  /** CSV to write: sample id, then one column per output axis value. */
  out: string;
}

export interface PreprocessResult {
  dataset: string;
  samples: number;
  /** Samples the fitted steps learned from (the training split, or all when none is tagged). */
  fittedOn: number;
  fittedOnSplit: 'train' | 'all';
  points: number;
  pipelineHash: string;
  out: string;
  durationMs: number;
}

/** Reads and resolves a pipeline spec file; errors name the file. */
export function readPipelineFile(file: string): ReturnType<typeof parsePipelineSpec> {
  const name = path.basename(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError('NOT_FOUND', `Pipeline file ${file} does not exist.`, { file: name });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError('BAD_INPUT', `${name} is not valid JSON (${(err as Error).message}).`, { file: name });
  }
  try {
    return parsePipelineSpec(json);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.code, `${name}: ${err.message}`, { file: name, ...(err.field ? { field: err.field } : {}) });
    throw err;
  }
}

/** Spectra per read of a dataset: a page of 2,048 spectra of 1,000 points is 8 MB of float32. */
export const PAGE_SPECTRA = 2048;

/** The dataset's samples (id order) and their one axis; a dataset with none, or on several axes, is refused. */
function singleAxisSamples(db: Db, datasetId: number, datasetName: string): { heads: SampleHead[]; axis: Float64Array; axisUnit: AxisUnit } {
  const heads = sampleHeads(db, datasetId);
  if (!heads.length) throw new UserError('BAD_INPUT', `Dataset "${datasetName}" has no spectra.`);
  const axisIds = new Set(heads.map((s) => s.axisId));
  if (axisIds.size > 1) {
    throw new UserError(
      'BAD_INPUT',
      `Dataset "${datasetName}" has spectra on ${axisIds.size} different axes: ${describeAxes(datasetAxisGroups(db, datasetId))}. Put them on one axis first with "Put on one axis…" in the Data view or spectra-desk harmonise --project P --dataset "${datasetName}" (a resampled copy), or import them into separate datasets.`,
    );
  }
  const { values: axis, unit: axisUnit } = loadAxis(db, heads[0]!.axisId);
  return { heads, axis, axisUnit };
}

/**
 * The dataset's spectra (channel 0) streamed from the project file as float32 pages of
 * `pageRows` spectra, in sample id order, never the whole dataset at once; all spectra must
 * share one axis.
 */
export function datasetPages(db: Db, datasetId: number, datasetName: string, pageRows = PAGE_SPECTRA): { pages: RowPages; keys: string[]; sampleIds: number[]; splits: (SplitTag | null)[]; axis: Float64Array; axisUnit: AxisUnit } {
  const { heads, axis, axisUnit } = singleAxisSamples(db, datasetId, datasetName);
  const ids = heads.map((s) => s.sampleId);
  return { pages: spectrumPages(db, ids, axis.length, pageRows), keys: heads.map((s) => s.key), sampleIds: ids, splits: heads.map((s) => s.split), axis, axisUnit };
}

/** A dataset's samples on their one axis, and readers of any of their rows (channel 0) as float64 blocks, a page at a time. */
export interface DatasetRows {
  axis: Float64Array;
  axisUnit: AxisUnit;
  keys: string[];
  sampleIds: number[];
  splits: (SplitTag | null)[];
  /** Rows tagged train. */
  train: number[];
  /** The most channels a sample has. */
  channels: number;
  rows: number;
  /** Rows first … first + count − 1. */
  read(first: number, count: number): SpectraBlock;
  /** The given rows (ascending), in that order. */
  readRows(rows: readonly number[]): SpectraBlock;
}

export function datasetRows(db: Db, datasetId: number, datasetName: string): DatasetRows {
  const { heads, axis, axisUnit } = singleAxisSamples(db, datasetId, datasetName);
  const n = axis.length;
  const readRows = (rows: readonly number[]): SpectraBlock => {
    const values = new Float64Array(rows.length * n);
    for (let first = 0; first < rows.length; first += PAGE_SPECTRA) {
      const page = loadSpectra(db, datasetId, rows.slice(first, first + PAGE_SPECTRA).map((r) => heads[r]!.sampleId));
      page.forEach((s, k) => values.set(s.channels[0]!, (first + k) * n));
    }
    return { axis, values, rows: rows.length };
  };
  return {
    axis,
    axisUnit,
    keys: heads.map((s) => s.key),
    sampleIds: heads.map((s) => s.sampleId),
    splits: heads.map((s) => s.split),
    train: heads.flatMap((s, i) => (s.split === 'train' ? [i] : [])),
    channels: heads.reduce((m, s) => Math.max(m, s.channels), 0),
    rows: heads.length,
    read: (first, count) => readRows(Array.from({ length: count }, (_, k) => first + k)),
    readRows,
  };
}

/**
 * The dataset's spectra (channel 0) as one float64 block; all spectra must share one axis.
 * With `allChannels`, also its other channels (`extra`), which every sample must have. The
 * spectra are read a page at a time straight into the block, so the float32 rows are never all
 * held beside it.
 */
export function datasetBlock(
  db: Db,
  datasetId: number,
  datasetName: string,
  opts: { allChannels?: boolean } = {},
): { block: SpectraBlock; keys: string[]; train: number[]; sampleIds: number[]; splits: (SplitTag | null)[]; axisUnit: AxisUnit; channels: number; extra?: ExtraChannels } {
  const d = datasetRows(db, datasetId, datasetName);
  const extra = opts.allChannels && d.channels > 1 ? extraChannelBlocks(db, datasetId, d.rows, d.axis, d.channels) : null;
  if (extra) {
    for (let first = 0; first < d.rows; first += PAGE_SPECTRA) {
      const page = loadSpectra(db, datasetId, d.sampleIds.slice(first, first + PAGE_SPECTRA));
      page.forEach((s, k) => fillExtraChannels(extra, s, first + k, datasetName, d.channels));
    }
  }
  return { ...(extra ? { extra } : {}), block: d.read(0, d.rows), keys: d.keys, train: d.train, sampleIds: d.sampleIds, splits: d.splits, axisUnit: d.axisUnit, channels: d.channels };
}

function extraChannelBlocks(db: Db, datasetId: number, rows: number, axis0: Float64Array, channels: number): ExtraChannels {
  const stored = channelAxes(db, datasetId);
  const blocks: SpectraBlock[] = [];
  for (let c = 1; c < channels; c++) {
    const axis = stored[c]?.values ?? axis0;
    blocks.push({ axis, values: new Float64Array(rows * axis.length), rows });
  }
  return { names: Array.from({ length: channels }, (_, c) => stored[c]?.name ?? `channel ${c + 1}`), blocks };
}

function fillExtraChannels(extra: ExtraChannels, s: SpectrumData, row: number, datasetName: string, channels: number): void {
  for (let c = 1; c < channels; c++) {
    const { axis, values } = extra.blocks[c - 1]!;
    const v = s.channels[c];
    if (!v) throw new UserError('BAD_INPUT', `Sample "${s.key}" of dataset "${datasetName}" has no channel ${c + 1} (of ${channels}); every sample needs every channel to train on them.`);
    if (v.length !== axis.length) throw new UserError('BAD_INPUT', `Sample "${s.key}" of dataset "${datasetName}" has ${v.length} points in channel ${c + 1}, its axis ${axis.length}.`);
    values.set(v, row * axis.length);
  }
}

export function preprocessDataset(db: Db, req: PreprocessRequest): PreprocessResult {
  const started = performance.now();
  const spec = readPipelineFile(req.pipelineFile);
  const datasetId = datasetIdByNameOrId(db, req.dataset);
  const { block, keys, train } = datasetBlock(db, datasetId, req.dataset);
  const output = applyPipeline(fitOnTraining(spec, block, train), block);
  writeBlockCsv(req.out, output, keys);
  return {
    dataset: req.dataset,
    samples: output.rows,
    fittedOn: train.length || block.rows,
    fittedOnSplit: train.length ? 'train' : 'all',
    points: output.axis.length,
    pipelineHash: spec.hash,
    out: path.resolve(req.out),
    durationMs: Math.round(performance.now() - started),
  };
}

/** Writes `sample,<axis values…>` then one row per spectrum, to a temp file renamed into place. */
export function writeBlockCsv(file: string, block: SpectraBlock, keys: string[]): void {
  const tmp = `${file}.partial`;
  const fd = fs.openSync(tmp, 'w');
  try {
    const n = block.axis.length;
    fs.writeSync(fd, `sample,${Array.from(block.axis, String).join(',')}\n`);
    const parts: string[] = new Array(n + 1);
    for (let r = 0; r < block.rows; r++) {
      parts[0] = csvField(keys[r]!);
      for (let j = 0; j < n; j++) parts[j + 1] = String(block.values[r * n + j]);
      fs.writeSync(fd, `${parts.join(',')}\n`);
    }
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
