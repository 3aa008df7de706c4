import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { asyncTransaction } from '../db/sql';
import { bandCopyWanted, buildBandCopyAsync } from '../db/map-bands';
import { upsertAxis } from '../db/axes';
import { findDataset, listColumns, type ColumnRow } from '../db/datasets';
import { insertColumn, insertDataset, sampleKeyLookup, sampleWriter } from '../db/dataset-rows';
import { UserError } from '../common/errors';
import { excerpt, quoteExcerpt } from '../common/format/excerpt';
import type { AxisUnit, ColumnKind, ImportOptions, IncompleteSample, MetaValue, ParsedAxis, ParsedBatch, SplitTag } from '../common/domain/spectra';
import type { ImportProgress, ImportResult } from '../common/domain/project';
import type { Input } from '../common/ipc/contract';
import { parseFile } from '../io';
import { enviCube, enviDataNames, isEnviHeader, type EnviCube } from '../io/envi';
import { applyLabels, parseLabelTable } from '../io/labels';
import { channelColumn, groupByChannel, sameAxis } from '../io/label-channels';
import { droppedWarning } from '../io/long-table';
import { channelAxes, insertChannelAxes } from '../db/channels';
import { parseSplitValue } from '../io/csv';
import type { GridChoice } from '../common/preprocessing/common-axis';
import type { Parser } from './worker-parser';
import { harmoniseImported } from './harmonise';

const parseInThread: Parser = async (bytes, fileName, options) => parseFile(bytes, fileName, options);

export interface ImportRequest {
  files: string[];
  /** Dataset to create or append to; default: the first file's name without extension. */
  dataset?: string;
  /** CSV/TSV mapping file names or sample ids to label/metadata columns. */
  labels?: string;
  splitTag?: SplitTag;
  splitColumn?: string;
  labelColumn?: number | null;
  axisUnit?: AxisUnit;
  /** Spectra on different axes are also stored on one, as "<dataset> · one axis" (services/harmonise.ts). */
  commonAxis?: GridChoice;
  /** Samples lacking a channel (label table with a channel column, long table) are left out and named instead of refused. */
  dropIncomplete?: boolean;
}

/** The app's `datasets:import` as a request, once the files (and the label table) are chosen. */
export function importRequestFromApp(input: Omit<Input<'datasets:import'>, 'paths' | 'withLabels' | 'jobId'>, files: string[], labels: string | undefined): ImportRequest {
  const req: ImportRequest = { files };
  if (labels) req.labels = labels;
  if (input.dataset?.trim()) req.dataset = input.dataset.trim();
  if (input.splitTag) req.splitTag = input.splitTag;
  if (input.splitColumn?.trim()) req.splitColumn = input.splitColumn.trim();
  if (input.labelColumn !== undefined) req.labelColumn = input.labelColumn;
  if (input.axisUnit) req.axisUnit = input.axisUnit;
  if (input.commonAxis) req.commonAxis = input.commonAxis;
  if (input.dropIncomplete) req.dropIncomplete = true;
  return req;
}

export interface ImportHooks {
  jobId?: string;
  /** How files are parsed; default in this thread. The app passes a worker-thread parser. */
  parse?: Parser;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

/** Files larger than this are refused before reading: no spectrum file is this big. */
const MAX_FILE_BYTES = 2 * 1024 ** 3;

const CLASS_NAME_HINT = /^(class|classes|label|labels|group|type|species|origin|category|variety|sampletype|sample_type)$/i;

interface LoadedFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
  batch: ParsedBatch;
  /** Spectra the file holds, before a label table's channel column groups them into samples. */
  spectra: number;
  /** An ENVI cube whose intensities are read from its data file while the samples are stored. */
  cube?: { cube: EnviCube; dataPath: string };
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new UserError('CANCELLED', 'Import cancelled; the project was left as it was.');
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Imports files into one dataset as a single transaction: every file parses, every sample id
 * is unique, every label matches — or nothing is written.
 */
export async function importFiles(db: Db, req: ImportRequest, hooks: ImportHooks = {}): Promise<ImportResult> {
  const started = performance.now();
  if (!req.files.length) throw new UserError('BAD_INPUT', 'No files to import.');
  req = { ...req, files: withoutEnviData(req.files) };
  if (req.splitTag && req.splitColumn) throw new UserError('BAD_INPUT', `Give either a split tag (${req.splitTag}) for every spectrum or a split column (${quoteExcerpt(req.splitColumn)}), not both.`, { field: 'splitColumn' });
  const jobId = hooks.jobId ?? 'import';
  const emit = (p: Omit<ImportProgress, 'jobId' | 'files'>): void => hooks.onProgress?.({ jobId, files: req.files.length, ...p });
  const options: ImportOptions = {};
  if (req.axisUnit) options.axisUnit = req.axisUnit;
  if (req.labelColumn !== undefined) options.labelColumn = req.labelColumn;
  if (req.splitColumn) options.splitColumn = req.splitColumn;
  if (req.splitTag) options.splitTag = req.splitTag;
  if (hooks.signal) options.signal = hooks.signal;
  if (req.dropIncomplete) options.dropIncomplete = true;

  const loaded: LoadedFile[] = [];
  for (const [i, file] of req.files.entries()) {
    checkCancelled(hooks.signal);
    const name = path.basename(file);
    emit({ file: name, fileIndex: i, fraction: i / req.files.length, stage: 'reading' });
    const bytes = readInput(file);
    if (isEnviHeader(bytes)) {
      loaded.push(await enviLoaded(file, bytes, options));
      continue;
    }
    const companion = companionOf(file, bytes);
    await tick();
    const batch = await (hooks.parse ?? parseInThread)(bytes, name, {
      ...options,
      ...(companion ? { companion } : {}),
      onProgress: (f) => emit({ file: name, fileIndex: i, fraction: (i + f * 0.9) / req.files.length, stage: 'parsing' }),
    });
    if (req.splitTag) for (const s of batch.samples) s.split = req.splitTag;
    const hash = crypto.createHash('sha256').update(bytes);
    if (companion) hash.update(companion.bytes);
    loaded.push({ path: path.resolve(file), name, size: bytes.length + (companion?.bytes.length ?? 0), sha256: hash.digest('hex'), batch, spectra: batch.samples.length });
    await tick();
  }

  const warnings: string[] = loaded.flatMap((f) => f.batch.warnings.map((w) => (w.includes(f.name) ? w : `${f.name}: ${w}`)));
  const dropped: IncompleteSample[] = loaded.flatMap((f) => f.batch.dropped ?? []);
  let layout = channelLayout(loaded);
  if (req.labels) {
    const labelName = path.basename(req.labels);
    const table = parseLabelTable(readInput(req.labels), labelName);
    if (channelColumn(table)) {
      if (layout) throw new UserError('BAD_INPUT', `${labelName} has a channel column, but the files have named channels already (${layout.map((c) => quoteExcerpt(c.name)).join(', ')}); give one or the other.`, { file: labelName });
      const grouped = groupByChannel(loaded, table, labelName, req.dropIncomplete ?? false);
      layout = grouped.channels;
      dropped.push(...grouped.dropped);
      if (grouped.dropped.length) warnings.push(droppedWarning(labelName, grouped.dropped));
    } else {
      const entries = loaded.flatMap((f) => f.batch.samples.map((s) => ({ id: s.id, fileName: f.name, meta: s.meta })));
      warnings.push(...applyLabels(entries, table, labelName).warnings);
    }
  }
  if (req.splitColumn) warnings.push(...splitByColumn(loaded, req.splitColumn, req.labels ? path.basename(req.labels) : null));
  const name = (req.dataset ?? defaultDatasetName(req.files[0]!)).trim();
  if (!name) throw new UserError('BAD_INPUT', 'The dataset name is empty.', { field: 'dataset' });
  checkSampleIds(db, name, loaded);
  const storedChannels = checkChannelLayout(db, name, layout);
  const total = loaded.reduce((a, f) => a + f.batch.samples.length, 0);
  if (total === 0) throw new UserError('BAD_INPUT', `${loaded.map((f) => f.name).join(', ')}: no spectra found.`, { file: loaded[0]!.name });

  checkCancelled(hooks.signal);
  // A map's band-major copy is written in the same transaction, after the spectra: storing takes the first half of the last tenth.
  const mapLike = loaded.every((f) => f.batch.samples.every((s) => s.mapX !== undefined && s.mapX !== null && s.mapY !== undefined && s.mapY !== null));
  const storeShare = mapLike ? 0.05 : 0.1;
  const { datasetId, harmonised } = await asyncTransaction(db, async () => {
    const existing = findDataset(db, name);
    const datasetId = existing ? existing.id : insertDataset(db, name, new Date().toISOString(), loaded[0]!.batch.yUnit ?? null);
    const columns = prepareColumns(db, datasetId, loaded);
    if (layout && !storedChannels) insertChannelAxes(db, datasetId, layout.map((c) => ({ name: c.name, axisId: upsertAxis(db, c.axis.values, c.axis.unit) })));
    const write = sampleWriter(db);
    let done = 0;
    for (const [i, f] of loaded.entries()) {
      const readCube = f.cube ? cubeLines(f.cube.cube, f.cube.dataPath) : null;
      const axisIds = f.batch.axes.map((a) => upsertAxis(db, a.values, a.unit));
      const sourceFileId = write.sourceFile({
        datasetId,
        path: f.path,
        format: f.batch.format,
        sizeBytes: f.size,
        sha256: f.sha256,
        samples: f.spectra,
        importedAt: new Date().toISOString(),
      });
      for (const [k, s] of f.batch.samples.entries()) {
        readCube?.(k);
        const axisId = axisIds[s.axis];
        if (axisId === undefined) throw new UserError('INTERNAL', `${f.name}: sample ${s.id} refers to a missing axis.`, { file: f.name });
        const sampleId = write.sample({
          datasetId,
          key: s.id,
          axisId,
          split: s.split ?? null,
          mapX: s.mapX ?? null,
          mapY: s.mapY ?? null,
          sourceFileId,
          sourceIndex: s.sourceIndex ?? s.sourceLine ?? k,
        });
        s.channels.forEach((ch, c) => write.channel(sampleId, c, ch));
        // A streamed cube's intensities are stored now; holding them would hold the whole cube.
        if (readCube) s.channels = [];
        for (const [key, value] of Object.entries(s.meta)) {
          if (value === null || value === '') continue;
          const col = columns.get(key)!;
          if (col.kind === 'number') write.value(sampleId, col.id, null, value as number);
          else write.value(sampleId, col.id, typeof value === 'number' ? String(value) : value, null);
        }
        if (++done % 2000 === 0) {
          emit({ file: f.name, fileIndex: i, fraction: 0.9 + (storeShare * done) / total, stage: 'storing' });
          await tick();
          checkCancelled(hooks.signal);
        }
      }
    }
    const copy = mapLike ? bandCopyWanted(db, datasetId) : null;
    if (copy) {
      const last = loaded[loaded.length - 1]!;
      await buildBandCopyAsync(db, datasetId, copy.ids, copy.points, async (fraction) => {
        emit({ file: last.name, fileIndex: loaded.length - 1, fraction: 0.95 + 0.05 * fraction, stage: 'indexing bands' });
        await tick();
        checkCancelled(hooks.signal);
      });
    }
    return { datasetId, harmonised: req.commonAxis ? harmoniseImported(db, datasetId, req.commonAxis, warnings) : undefined };
  });
  emit({ file: loaded[loaded.length - 1]!.name, fileIndex: loaded.length - 1, fraction: 1, stage: 'done' });
  return {
    datasetId,
    dataset: name,
    files: loaded.map((f) => ({ path: f.path, format: f.batch.format, samples: f.spectra })),
    samples: total,
    ...(layout ? { channels: layout.map((c) => ({ name: c.name, points: c.axis.values.length, unit: c.axis.unit, first: c.axis.values[0]!, last: c.axis.values[c.axis.values.length - 1]! })) } : {}),
    ...(dropped.length ? { dropped } : {}),
    warnings,
    durationMs: Math.round(performance.now() - started),
    ...(harmonised ? { harmonised } : {}),
  };
}

type ChannelLayout = { name: string; axis: ParsedAxis }[];

/** The named channels the files bring (a long table's channel column): every file the same ones, on the same axes, or none. */
function channelLayout(loaded: LoadedFile[]): ChannelLayout | null {
  const named = loaded.find((f) => f.batch.channels);
  if (!named) return null;
  const layout = named.batch.channels!.map((c) => ({ name: c.name, axis: named.batch.axes[c.axis]! }));
  for (const f of loaded) {
    const other = f.batch.channels?.map((c) => ({ name: c.name, axis: f.batch.axes[c.axis]! }));
    if (!other || other.length !== layout.length || other.some((c, k) => c.name !== layout[k]!.name || !sameAxis(c.axis, layout[k]!.axis))) {
      throw new UserError('BAD_INPUT', `${named.name} has the channels ${layout.map((c) => quoteExcerpt(c.name)).join(', ')} but ${f.name} ${other ? `has ${other.map((c) => quoteExcerpt(c.name)).join(', ')} or other axes` : 'has none'}; import them into different datasets.`, { file: f.name });
    }
  }
  return layout;
}

/**
 * An import into an existing dataset brings the channels it has, with the same names and axes.
 * Returns whether the dataset stores the channels already.
 */
function checkChannelLayout(db: Db, dataset: string, layout: ChannelLayout | null): boolean {
  const existing = findDataset(db, dataset);
  if (!existing) return false;
  const stored = channelAxes(db, existing.id);
  const same = (layout?.length ?? 0) === stored.length && stored.every((c, k) => c.name === layout![k]!.name && sameAxis({ values: c.values, unit: c.unit, unitFromFile: true }, layout![k]!.axis));
  if (!same) {
    const describe = (names: string[]): string => (names.length ? `the channels ${names.map((n) => quoteExcerpt(n)).join(', ')}` : 'one channel');
    throw new UserError('CONFLICT', `Dataset ${quoteExcerpt(dataset)} has ${describe(stored.map((c) => c.name))}${stored.length ? ' on their axes' : ''}; the files bring ${describe(layout?.map((c) => c.name) ?? [])}${layout ? ' on theirs' : ''}. Import them into a new dataset. Nothing was imported.`);
  }
  return stored.length > 0;
}

/** Formats whose parser reads the split column itself (and refuses a file without it). */
const SPLIT_COLUMN_PARSED = new Set(['csv-wide']);

/**
 * The train/test split from a column of the other files' metadata or of the label table, moved
 * out of the metadata as wide tables do. A column none of them has is refused, naming the
 * columns there are; spectra without a value stay untagged, with a warning.
 */
function splitByColumn(loaded: LoadedFile[], column: string, labelFile: string | null): string[] {
  const files = loaded.filter((f) => !SPLIT_COLUMN_PARSED.has(f.batch.format));
  if (!files.length) return [];
  const columns = [...new Set(files.flatMap((f) => f.batch.samples.flatMap((s) => Object.keys(s.meta))))];
  const key = columns.find((c) => c.trim() === column) ?? columns.find((c) => c.trim().toLowerCase() === column.toLowerCase());
  if (key === undefined) {
    const where = [...files.map((f) => f.name), ...(labelFile ? [labelFile] : [])];
    const list = columns.length ? columns.map((c) => quoteExcerpt(c)).join(', ') : '(none)';
    throw new UserError('BAD_INPUT', `${where.join(', ')} ${where.length === 1 ? 'has' : 'have'} no column ${quoteExcerpt(column)} for the train/test split; the columns there are ${list}.`, { file: where[0]!, field: excerpt(column) });
  }
  let untagged = 0;
  for (const f of files) {
    for (const s of f.batch.samples) {
      const value = s.meta[key];
      delete s.meta[key];
      const text = value === undefined || value === null ? '' : String(value).trim();
      if (!text) {
        untagged++;
        continue;
      }
      const tag = parseSplitValue(text);
      if (!tag) throw new UserError('BAD_INPUT', `${f.name}, sample ${quoteExcerpt(s.id)}: ${quoteExcerpt(text)} in column ${quoteExcerpt(key)} is not a split; use train or test.`, { file: f.name, field: excerpt(key) });
      s.split = tag;
    }
  }
  return untagged ? [`${untagged} spectr${untagged === 1 ? 'um has' : 'a have'} no value in column ${quoteExcerpt(key)} and ${untagged === 1 ? 'is' : 'are'} left untagged.`] : [];
}

export function defaultDatasetName(file: string): string {
  return path.basename(file).replace(/\.[^.]*$/, '').replace(/_(TRAIN|TEST)$/i, '') || 'Dataset';
}

/**
 * The data file an ENVI header describes, read from beside it (the first of enviDataNames that
 * exists). Without one the reader reports the missing file, naming the names it looked for.
 */
export function companionOf(file: string, bytes: Uint8Array): { name: string; bytes: Uint8Array } | null {
  if (!isEnviHeader(bytes)) return null;
  const data = enviDataPath(file);
  return data ? { name: path.basename(data), bytes: readInput(data) } : null;
}

/** Bytes hashed per read of a streamed data file. */
const HASH_BYTES = 8 * 1024 * 1024;

/**
 * An ENVI cube to import: its header read and checked against the data file's size, the data
 * file hashed in chunks and never read whole (it may be larger than memory).
 */
async function enviLoaded(file: string, bytes: Uint8Array, options: ImportOptions): Promise<LoadedFile> {
  const name = path.basename(file);
  const dataPath = enviDataPath(file);
  const size = dataPath ? fs.statSync(dataPath).size : 0;
  const cube = enviCube(bytes, name, dataPath ? { name: path.basename(dataPath), size } : null, options);
  if (options.splitTag) for (const s of cube.batch.samples) s.split = options.splitTag;
  const hash = crypto.createHash('sha256').update(bytes);
  const chunk = Buffer.allocUnsafe(Math.min(HASH_BYTES, Math.max(1, size)));
  const fd = fs.openSync(dataPath!, 'r');
  try {
    for (let at = 0; at < size; ) {
      const n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - at), at);
      if (n === 0) throw new UserError('BAD_INPUT', `${path.basename(dataPath!)} ended after ${at} of its ${size} bytes while it was read.`, { file: name });
      hash.update(chunk.subarray(0, n));
      at += n;
      if (at % (16 * HASH_BYTES) === 0) {
        await tick();
        checkCancelled(options.signal);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return { path: path.resolve(file), name, size: bytes.length + size, sha256: hash.digest('hex'), batch: cube.batch, spectra: cube.batch.samples.length, cube: { cube, dataPath: dataPath! } };
}

/**
 * Fills the intensities of a cube's samples a few lines at a time, as the store loop reaches
 * them (`k`: the index of the next sample to store, in row order).
 */
function cubeLines(cube: EnviCube, dataPath: string): (k: number) => void {
  const { samples: width, lines: height } = cube.header;
  let end = 0;
  let buffer = Buffer.alloc(0);
  return (k) => {
    if (k < end) return;
    const first = k / width;
    const count = Math.min(cube.linesPerRead, height - first);
    const ranges = cube.ranges(first, count);
    const total = ranges.reduce((a, r) => a + r.length, 0);
    if (buffer.length < total) buffer = Buffer.alloc(total);
    const starts: number[] = [];
    const fd = fs.openSync(dataPath, 'r');
    try {
      let at = 0;
      for (const r of ranges) {
        starts.push(at);
        for (let got = 0; got < r.length; ) {
          const n = fs.readSync(fd, buffer, at + got, r.length - got, r.position + got);
          if (n === 0) throw new UserError('BAD_INPUT', `${path.basename(dataPath)} ended before byte ${r.position + got} while it was read; was it changed during the import?`, { file: path.basename(dataPath) });
          got += n;
        }
        at += r.length;
      }
    } finally {
      fs.closeSync(fd);
    }
    cube.decodeLines(new DataView(buffer.buffer, buffer.byteOffset, total), starts, first, count);
    end = (first + count) * width;
  };
}

/** The first of enviDataNames that exists beside the header, or null. */
function enviDataPath(hdr: string): string | null {
  for (const name of enviDataNames(path.basename(hdr))) {
    const candidate = path.join(path.dirname(hdr), name);
    if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return null;
}

/** Users pick an ENVI cube's header and data file together; the data file is read with its header, not as a file of its own. */
function withoutEnviData(files: string[]): string[] {
  const data = new Set(files.filter((f) => /\.hdr$/i.test(f)).map((f) => enviDataPath(f)).filter((p) => p !== null).map((p) => path.resolve(p)));
  return files.filter((f) => !data.has(path.resolve(f)));
}

/** A spectrum file's bytes; a missing file, a folder or a file over 2 GB is a UserError naming it. */
export function readInput(file: string): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UserError('NOT_FOUND', `${file} does not exist.`, { file: path.basename(file) });
  }
  if (stat.isDirectory()) throw new UserError('BAD_INPUT', `${file} is a folder; choose the files inside it.`, { file: path.basename(file) });
  if (stat.size > MAX_FILE_BYTES) throw new UserError('BAD_INPUT', `${path.basename(file)} is ${(stat.size / 1024 ** 3).toFixed(1)} GB; files over 2 GB are not imported.`, { file: path.basename(file) });
  return fs.readFileSync(file);
}

function checkSampleIds(db: Db, dataset: string, loaded: LoadedFile[]): void {
  const seen = new Map<string, string>();
  for (const f of loaded) {
    for (const s of f.batch.samples) {
      const prev = seen.get(s.id);
      if (prev !== undefined) {
        throw new UserError('BAD_INPUT', `Sample id ${quoteExcerpt(s.id)} appears in both ${prev} and ${f.name}. Give the files different names or import them into different datasets.`, { file: f.name });
      }
      seen.set(s.id, f.name);
    }
  }
  const existing = findDataset(db, dataset);
  if (!existing) return;
  const taken = sampleKeyLookup(db, existing.id);
  for (const f of loaded) {
    for (const s of f.batch.samples) {
      if (taken(s.id)) {
        throw new UserError('CONFLICT', `Dataset ${quoteExcerpt(dataset)} already has a sample ${quoteExcerpt(s.id)} (from ${f.name}). Was this file imported before? Nothing was imported.`, { file: f.name, line: s.sourceLine });
      }
    }
  }
}

/** Column kinds: what the importer knows, else what the values say; existing columns keep theirs. */
function prepareColumns(db: Db, datasetId: number, loaded: LoadedFile[]): Map<string, ColumnRow> {
  const existing = new Map(listColumns(db, datasetId).map((c) => [c.name, c]));
  const values = new Map<string, MetaValue[]>();
  const hints = new Map<string, ColumnKind>();
  for (const f of loaded) {
    for (const [k, v] of Object.entries(f.batch.columnKinds ?? {})) hints.set(k, v);
    for (const s of f.batch.samples) {
      for (const [k, v] of Object.entries(s.meta)) {
        let list = values.get(k);
        if (!list) values.set(k, (list = []));
        list.push(v);
      }
    }
  }
  let position = existing.size;
  for (const [name, list] of values) {
    const prior = existing.get(name);
    if (prior) {
      if (prior.kind === 'number') {
        const bad = list.find((v) => typeof v === 'string' && v !== '');
        if (bad !== undefined) {
          throw new UserError('BAD_INPUT', `Column ${quoteExcerpt(name)} holds numbers in this dataset, but the new file has ${quoteExcerpt(String(bad))}. Fix the value or import into a new dataset.`, { field: excerpt(name) });
        }
      }
      continue;
    }
    const kind = hints.get(name) ?? inferKind(name, list);
    const id = insertColumn(db, datasetId, name, kind, position++);
    existing.set(name, { id, name, kind, position: position - 1, unit: null });
  }
  return existing;
}

export function inferKind(name: string, list: MetaValue[]): ColumnKind {
  const present = list.filter((v) => v !== null && v !== '');
  if (!present.length) return 'text';
  const numeric = present.every((v) => typeof v === 'number');
  if (CLASS_NAME_HINT.test(name.trim())) return 'class';
  if (numeric) return 'number';
  const distinct = new Set(present.map(String)).size;
  if (distinct < present.length && distinct <= Math.max(2, Math.min(100, present.length / 2))) return 'class';
  return 'text';
}
