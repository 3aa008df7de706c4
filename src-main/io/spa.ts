/**
 * Thermo Fisher OMNIC SPA reader.
 *
 * An SPA file starts with "Spectral Data File", its title (Latin-1, NUL-terminated, 256 bytes
 * at byte 30), a record count (u16 at 294), the acquisition time (u32 seconds since
 * 1899-12-31 UTC, at 296) and, from byte 304, a table of 16-byte records: key (u16), offset
 * (u32), length (u32). Key 2 is a spectrum header (point count at +4, x-unit code at +8, y-unit
 * code at +12, x of the first and last stored point as float32 at +16 and +20); key 3 holds the
 * intensities as float32. A group file (.spg, same magic) repeats the key 2 / key 3 pair per
 * spectrum, so the pairs are read in order. Layout as read by orange-spectroscopy's SPAReader
 * and SpectroChemPy's read_omnic, checked on sample1.spa.
 */
import type { AxisUnit, ImportOptions, ParsedAxis, ParsedBatch, ParsedSample } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { BinaryReader, checkCancelled, linearAxis, requireFinite, sampleId } from './binary-reader';

export const SPA_MAGIC = 'Spectral Data File';

const TITLE_OFFSET = 30;
const TITLE_SIZE = 256;
const RECORD_COUNT_OFFSET = 294;
const TIMESTAMP_OFFSET = 296;
const RECORD_TABLE_OFFSET = 304;
const RECORD_SIZE = 16;
const KEY_SPECTRUM_HEADER = 2;
const KEY_INTENSITIES = 3;
/** The spectrum header fields we read end with the last x value at +20. */
const SPECTRUM_HEADER_SIZE = 24;

const OMNIC_EPOCH_MS = Date.UTC(1899, 11, 31);

/** x-unit codes (spectrum header +8). */
const X_UNITS: Record<number, AxisUnit> = { 1: 'cm-1', 2: 'index', 3: 'nm', 4: 'um', 32: 'cm-1' };

/** y-unit codes (spectrum header +12). */
const Y_UNITS: Record<number, string> = {
  11: 'reflectance',
  12: 'log(1/R)',
  15: 'single beam',
  16: 'transmittance',
  17: 'absorbance',
  20: 'kubelka-munk',
  22: 'volts',
  26: 'photoacoustic',
  31: 'raman intensity',
};

interface SpaRecord {
  key: number;
  offset: number;
  length: number;
  /** 1-based position in the record table, for messages. */
  index: number;
}

interface SpectrumHeader {
  points: number;
  xCode: number;
  yCode: number;
  firstX: number;
  lastX: number;
}

/** Parses an SPA (or SPG group) file: one sample per spectrum header / intensity record pair. */
export function parseSpa(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const r = new BinaryReader(bytes, fileName, true);
  if (r.text(SPA_MAGIC.length, 'magic') !== SPA_MAGIC) throw r.fail(`not a Thermo OMNIC SPA file: it does not start with "${SPA_MAGIC}"`, 'magic');
  const title = r.seek(TITLE_OFFSET, 'title').text(TITLE_SIZE, 'title');
  const count = r.seek(RECORD_COUNT_OFFSET, 'record count').u16('record count');
  const seconds = r.seek(TIMESTAMP_OFFSET, 'acquisition time').u32('acquisition time');
  const records = readRecords(r, count);
  const headers = records.filter((rec) => rec.key === KEY_SPECTRUM_HEADER);
  const data = records.filter((rec) => rec.key === KEY_INTENSITIES);
  if (headers.length === 0) throw r.fail('the record table has no spectrum header (key 2)', 'record table');
  if (data.length !== headers.length) {
    throw r.fail(`spectrum headers (key 2) and intensity records (key 3) come in pairs, but the record table has ${headers.length} and ${data.length}`, 'record table');
  }

  const warnings: string[] = [];
  const meta: Record<string, string> = {};
  if (title !== '') meta.title = title;
  if (seconds > 0) meta.date = new Date(OMNIC_EPOCH_MS + seconds * 1000).toISOString().replace('.000Z', 'Z');
  const stem = fileStem(fileName);
  const axes: ParsedAxis[] = [];
  const axisKeys: string[] = [];
  const samples: ParsedSample[] = [];
  const yCodes = new Set<number>();
  for (let k = 0; k < headers.length; k++) {
    checkCancelled(opts, fileName);
    const id = sampleId(stem, k, headers.length);
    const header = readSpectrumHeader(r, headers[k]!);
    yCodes.add(header.yCode);
    const y = readIntensities(r, data[k]!, header, id, warnings);
    requireFinite(y, fileName, id);
    const axisKey = `${header.firstX}|${header.lastX}|${header.points}|${header.xCode}`;
    let axis = axisKeys.indexOf(axisKey);
    if (axis < 0) {
      axis = axes.push(spectrumAxis(header, opts, warnings)) - 1;
      axisKeys.push(axisKey);
    }
    const sample: ParsedSample = { id, axis, channels: [y], meta: { ...meta }, sourceIndex: headers[k]!.index };
    if (opts.splitTag) sample.split = opts.splitTag;
    samples.push(sample);
    opts.onProgress?.((k + 1) / headers.length);
  }

  const batch: ParsedBatch = { format: 'spa', axes, samples, warnings };
  const yUnit = yCodes.size === 1 ? Y_UNITS[[...yCodes][0]!] : undefined;
  if (yUnit !== undefined) batch.yUnit = yUnit;
  return batch;
}

/** The record table; every record must lie inside the file. */
function readRecords(r: BinaryReader, count: number): SpaRecord[] {
  r.seek(RECORD_TABLE_OFFSET, 'record table');
  r.requireBytes(count * RECORD_SIZE, `record table of ${count} records (record count)`, 'record count');
  const records: SpaRecord[] = [];
  for (let i = 0; i < count; i++) {
    const at = RECORD_TABLE_OFFSET + i * RECORD_SIZE;
    r.seek(at, 'record table');
    const key = r.u16(`record ${i + 1} key`);
    const offset = r.u32(`record ${i + 1} offset`);
    const length = r.u32(`record ${i + 1} length`);
    if (key === KEY_SPECTRUM_HEADER || key === KEY_INTENSITIES) r.requireRange(offset, length, `record ${i + 1} (key ${key})`);
    records.push({ key, offset, length, index: i + 1 });
  }
  return records;
}

function readSpectrumHeader(r: BinaryReader, rec: SpaRecord): SpectrumHeader {
  if (rec.length < SPECTRUM_HEADER_SIZE) {
    throw r.fail(`spectrum header (record ${rec.index}) is ${rec.length} bytes, shorter than the ${SPECTRUM_HEADER_SIZE} it needs`, 'spectrum header');
  }
  const h = r.sub(rec.offset, rec.length, `spectrum header (record ${rec.index})`);
  h.seek(4, 'point count');
  const points = h.u32('point count');
  const xCode = h.u32('x unit');
  const yCode = h.u32('y unit');
  const firstX = h.f32('first x');
  const lastX = h.f32('last x');
  if (points < 1) throw r.fail(`spectrum header (record ${rec.index}) declares ${points} points`, 'point count');
  if (!Number.isFinite(firstX) || !Number.isFinite(lastX)) {
    throw r.fail(`spectrum header (record ${rec.index}) has a non-finite axis end (${firstX} to ${lastX})`, 'first x');
  }
  return { points, xCode, yCode, firstX, lastX };
}

/** The declared points of an intensity record: fewer values than declared is a damaged file; more are reported. */
function readIntensities(r: BinaryReader, rec: SpaRecord, header: SpectrumHeader, id: string, warnings: string[]): Float32Array {
  const held = Math.floor(rec.length / 4);
  if (header.points > held) {
    throw r.fail(
      `spectrum header declares ${header.points} points but the intensity record ${rec.index} at byte ${rec.offset} holds only ${held} values`,
      'point count',
    );
  }
  if (held > header.points) {
    warnings.push(`Spectrum ${id}: the intensity record holds ${held} values but the header declares ${header.points}; the last ${held - header.points} were ignored.`);
  }
  return r.sub(rec.offset, rec.length, `intensity record ${rec.index}`).f32Array(header.points, `intensities of spectrum ${id}`);
}

function spectrumAxis(header: SpectrumHeader, opts: ImportOptions, warnings: string[]): ParsedAxis {
  const values = linearAxis(header.firstX, header.lastX, header.points);
  if (opts.axisUnit) return { values, unit: opts.axisUnit, unitFromFile: false };
  const unit = X_UNITS[header.xCode];
  if (unit === undefined) {
    warnings.push(`X axis unit code ${header.xCode} is not one Spectra Desk knows; imported as arbitrary units.`);
    return { values, unit: 'other', unitFromFile: false };
  }
  return { values, unit, unitFromFile: true };
}
