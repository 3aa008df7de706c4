import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { datasetIdByNameOrId, loadAxis, loadSpectra } from '../db/datasets';
import { datasetAxisGroups } from '../db/axes';
import { describeAxes } from '../common/preprocessing/common-axis';
import { csvField } from '../common/csv';
import { UserError } from '../common/errors';
import { applyPipeline, fitOnTraining, parsePipelineSpec } from '../common/preprocessing/pipeline';
import type { SpectraBlock } from '../common/preprocessing/types';
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

/** The dataset's spectra (channel 0) as one float64 block; all spectra must share one axis. */
export function datasetBlock(
  db: Db,
  datasetId: number,
  datasetName: string,
): { block: SpectraBlock; keys: string[]; train: number[]; sampleIds: number[]; splits: (SplitTag | null)[]; axisUnit: AxisUnit; channels: number } {
  const spectra = loadSpectra(db, datasetId);
  if (!spectra.length) throw new UserError('BAD_INPUT', `Dataset "${datasetName}" has no spectra.`);
  const axisIds = new Set(spectra.map((s) => s.axisId));
  if (axisIds.size > 1) {
    throw new UserError(
      'BAD_INPUT',
      `Dataset "${datasetName}" has spectra on ${axisIds.size} different axes: ${describeAxes(datasetAxisGroups(db, datasetId))}. Put them on one axis first with "Put on one axis…" in the Data view or spectra-desk harmonise --project P --dataset "${datasetName}" (a resampled copy), or import them into separate datasets.`,
    );
  }
  const { values: axis, unit: axisUnit } = loadAxis(db, spectra[0]!.axisId);
  const n = axis.length;
  const values = new Float64Array(spectra.length * n);
  spectra.forEach((s, i) => values.set(s.channels[0]!, i * n));
  const train = spectra.flatMap((s, i) => (s.split === 'train' ? [i] : []));
  return {
    block: { axis, values, rows: spectra.length },
    keys: spectra.map((s) => s.key),
    train,
    sampleIds: spectra.map((s) => s.sampleId),
    splits: spectra.map((s) => s.split),
    axisUnit,
    channels: spectra.reduce((m, s) => Math.max(m, s.channels.length), 0),
  };
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
