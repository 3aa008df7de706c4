/**
 * ENVI image cubes: a text header (`.hdr`) and a raw data file beside it, in BSQ, BIL or BIP
 * order. Each pixel becomes one sample whose map coordinates are its column (`sample`, 0-based)
 * and row (`line`, 0-based), in pixels. The importer is given the header; the data file is read
 * by the caller (services/import.ts) from the names `enviDataNames` lists and passed in as
 * `ImportOptions.companion`, so this reader stays bytes in, batch out.
 */
import type { AxisUnit, ImportOptions, ParsedBatch, ParsedSample } from '../common/domain/spectra';
import { AXIS_UNIT_LABELS } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { badInput } from '../common/errors';
import { quoteExcerpt } from '../common/format/excerpt';
import { checkCancelled, requireFinite, sampleId } from './binary-reader';
import { guessAxisUnit } from './csv';
import { decodeSpan, findNul } from './delimited';

/** ENVI data type codes we read, with their size and DataView getter. */
const DATA_TYPES: Record<number, { name: string; bytes: number; read: (v: DataView, at: number, le: boolean) => number }> = {
  1: { name: 'uint8', bytes: 1, read: (v, at) => v.getUint8(at) },
  2: { name: 'int16', bytes: 2, read: (v, at, le) => v.getInt16(at, le) },
  3: { name: 'int32', bytes: 4, read: (v, at, le) => v.getInt32(at, le) },
  4: { name: 'float32', bytes: 4, read: (v, at, le) => v.getFloat32(at, le) },
  5: { name: 'float64', bytes: 8, read: (v, at, le) => v.getFloat64(at, le) },
  12: { name: 'uint16', bytes: 2, read: (v, at, le) => v.getUint16(at, le) },
};

const INTERLEAVES = ['bsq', 'bil', 'bip'] as const;
type Interleave = (typeof INTERLEAVES)[number];

/** Extensions the data file may have beside `<stem>.hdr`, in the order they are looked for. */
const DATA_EXTENSIONS = ['', '.img', '.raw', '.dat', '.bsq', '.bil', '.bip'];

/** Check for cancellation after every this many pixels. */
const CANCEL_PIXELS = 1 << 14;

/** The header's first line is `ENVI`. */
export function isEnviHeader(bytes: Uint8Array): boolean {
  return /^ENVI[ \t]*(\r\n|\r|\n|$)/.test(decodeSpan(bytes, 0, Math.min(bytes.length, 16)));
}

/** Names the data file of header `hdrName` may have, most likely first (`cube.hdr` → cube, cube.img, …). */
export function enviDataNames(hdrName: string): string[] {
  const base = hdrName.replace(/\.hdr$/i, '');
  return DATA_EXTENSIONS.map((ext) => base + ext).filter((name) => name !== hdrName);
}

export interface EnviHeader {
  samples: number;
  lines: number;
  bands: number;
  interleave: Interleave;
  dataType: number;
  littleEndian: boolean;
  headerOffset: number;
  wavelength: number[] | null;
  wavelengthUnits: string | null;
}

/** `key = value` pairs of the header, keys lower-cased; `{…}` values may span lines. */
function headerFields(text: string, fileName: string): Map<string, { value: string; line: number }> {
  const fields = new Map<string, { value: string; line: number }>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trim().startsWith(';')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw badInput(fileName, `${fileName} line ${i + 1}: ${quoteExcerpt(line.trim())} is not a "key = value" header line.`, { line: i + 1 });
    const key = line.slice(0, eq).trim().toLowerCase();
    let value = line.slice(eq + 1).trim();
    const start = i;
    if (value.startsWith('{')) {
      while (!value.includes('}') && i + 1 < lines.length) value += '\n' + lines[++i]!;
      if (!value.includes('}')) throw badInput(fileName, `${fileName} line ${start + 1}: the value of ${quoteExcerpt(key)} opens "{" but never closes it.`, { line: start + 1 });
      value = value.slice(1, value.lastIndexOf('}')).trim();
    }
    fields.set(key, { value, line: start + 1 });
  }
  return fields;
}

/** Reads and checks the header fields the reader needs. */
export function parseEnviHeader(bytes: Uint8Array, fileName: string): EnviHeader {
  if (findNul(bytes) >= 0 || !isEnviHeader(bytes)) throw badInput(fileName, `${fileName} is not an ENVI header: its first line is not "ENVI".`);
  const fields = headerFields(decodeSpan(bytes, 0, bytes.length), fileName);
  // In a spectral library "samples" counts points and "lines" spectra: read as an image it would be garbage.
  const fileType = fields.get('file type');
  if (fileType && /spectral library/i.test(fileType.value)) {
    throw badInput(fileName, `${fileName} line ${fileType.line}: ${quoteExcerpt(fileType.value)} files are not read; only ENVI image cubes (ENVI Standard) are.`, { field: 'file type' });
  }
  const integer = (key: string, fallback: number | null, min: number): number => {
    const f = fields.get(key);
    if (!f) {
      if (fallback !== null) return fallback;
      throw badInput(fileName, `${fileName} does not give ${quoteExcerpt(key)}, which an ENVI header needs.`, { field: key });
    }
    const v = Number(f.value);
    if (!Number.isSafeInteger(v) || v < min) {
      throw badInput(fileName, `${fileName} line ${f.line}: ${key} = ${quoteExcerpt(f.value)} is not a whole number of at least ${min}.`, { line: f.line, field: key });
    }
    return v;
  };
  const samples = integer('samples', null, 1);
  const lines = integer('lines', null, 1);
  const bands = integer('bands', null, 1);
  const headerOffset = integer('header offset', 0, 0);
  const dataType = integer('data type', null, 0);
  if (!DATA_TYPES[dataType]) {
    const known = Object.entries(DATA_TYPES).map(([code, t]) => `${code} (${t.name})`).join(', ');
    throw badInput(fileName, `${fileName} line ${fields.get('data type')!.line}: data type ${dataType} is not read; Spectra Desk reads ${known}.`, { field: 'data type' });
  }
  const interleaveField = fields.get('interleave');
  const interleave = (interleaveField?.value.toLowerCase() ?? 'bsq') as Interleave;
  if (!INTERLEAVES.includes(interleave)) {
    throw badInput(fileName, `${fileName} line ${interleaveField!.line}: interleave ${quoteExcerpt(interleaveField!.value)} is not bsq, bil or bip.`, { field: 'interleave' });
  }
  const byteOrder = fields.get('byte order');
  if (!byteOrder && DATA_TYPES[dataType]!.bytes > 1) {
    throw badInput(fileName, `${fileName} does not give the "byte order" (0 little-endian, 1 big-endian) of its ${DATA_TYPES[dataType]!.name} data.`, { field: 'byte order' });
  }
  if (byteOrder && byteOrder.value !== '0' && byteOrder.value !== '1') {
    throw badInput(fileName, `${fileName} line ${byteOrder.line}: byte order ${quoteExcerpt(byteOrder.value)} is not 0 (little-endian) or 1 (big-endian).`, { field: 'byte order' });
  }
  let wavelength: number[] | null = null;
  const wl = fields.get('wavelength');
  if (wl) {
    const cells = wl.value.split(',').map((c) => c.trim());
    wavelength = cells.map(Number);
    const bad = cells.findIndex((c) => c === '' || !Number.isFinite(Number(c)));
    if (bad >= 0) throw badInput(fileName, `${fileName} line ${wl.line}: wavelength ${bad + 1} (${quoteExcerpt(cells[bad]!)}) is not a number.`, { line: wl.line, field: 'wavelength' });
    if (wavelength.length !== bands) {
      throw badInput(fileName, `${fileName} line ${wl.line}: the wavelength list has ${wavelength.length} values for ${bands} bands.`, { line: wl.line, field: 'wavelength' });
    }
  }
  return {
    samples,
    lines,
    bands,
    interleave,
    dataType,
    littleEndian: byteOrder?.value !== '1',
    headerOffset,
    wavelength,
    wavelengthUnits: fields.get('wavelength units')?.value ?? null,
  };
}

/** ENVI's `wavelength units` words as axis units; null for units we have none for (or "Unknown"). */
function axisUnitOf(units: string | null): AxisUnit | null {
  const u = (units ?? '').trim().toLowerCase();
  if (/^(nanomet|nm$)/.test(u)) return 'nm';
  if (/^(micromet|microns?$|um$|µm$|μm$)/.test(u)) return 'um';
  if (/^(wavenumber|cm-1$|cm\^-1$|1\/cm$)/.test(u)) return 'cm-1';
  if (u === 'index') return 'index';
  return null;
}

/** The spectral axis and its unit: the header's wavelengths, or band numbers when it has none. */
function enviAxis(h: EnviHeader, fileName: string, opts: ImportOptions, warnings: string[]): { values: Float64Array; unit: AxisUnit; unitFromFile: boolean } {
  if (!h.wavelength) {
    warnings.push(`${fileName} has no wavelength list; the ${h.bands} bands are numbered 1–${h.bands} (point index).`);
    return { values: Float64Array.from({ length: h.bands }, (_, i) => i + 1), unit: 'index', unitFromFile: false };
  }
  const values = Float64Array.from(h.wavelength);
  if (opts.axisUnit) return { values, unit: opts.axisUnit, unitFromFile: false };
  const stated = axisUnitOf(h.wavelengthUnits);
  if (stated) return { values, unit: stated, unitFromFile: true };
  const guess = guessAxisUnit(values);
  warnings.push(
    `${fileName}: ${h.wavelengthUnits ? `wavelength units ${quoteExcerpt(h.wavelengthUnits)} is not a unit Spectra Desk knows` : 'the header does not give the wavelength units'}; guessed ${AXIS_UNIT_LABELS[guess.unit]} because ${guess.reason}. Import again with the axis unit set if that is wrong.`,
  );
  return { values, unit: guess.unit, unitFromFile: false };
}

/** Bytes a streamed read takes at a time, at most (whole lines, at least one). */
const READ_BYTES = 16 * 1024 * 1024;

/**
 * A cube's pixels as samples, and how to read their intensities a few lines at a time, so a
 * cube larger than memory reaches the project file in chunks: services/import.ts reads the byte
 * ranges of `ranges` from the data file and hands them to `decodeLines`. `parseEnvi` decodes the
 * whole data file through the same functions.
 */
export interface EnviCube {
  header: EnviHeader;
  /** One sample per pixel, row by row, with its map position; its intensities (`channels`) are empty until `decodeLines` fills them. */
  batch: ParsedBatch;
  /** Lines per read so that one read is about 16 MiB. */
  linesPerRead: number;
  /** Where lines first … first + count − 1 lie in the data file: one range for BIL and BIP, one per band for BSQ. */
  ranges(first: number, count: number): { position: number; length: number }[];
  /**
   * Fills the intensities of the samples of lines first … first + count − 1 from `view`, where
   * the byte ranges of `ranges(first, count)` start at `starts`; refuses a non-finite value.
   */
  decodeLines(view: DataView, starts: number[], first: number, count: number): void;
}

/** Reads an ENVI header and checks it against the size of its data file (`data`, null when none was found beside it). */
export function enviCube(bytes: Uint8Array, fileName: string, data: { name: string; size: number } | null, opts: ImportOptions = {}): EnviCube {
  const h = parseEnviHeader(bytes, fileName);
  if (!data) {
    const names = enviDataNames(fileName);
    throw badInput(fileName, `${fileName} is an ENVI header, but its data file is not beside it (looked for ${names.join(', ')}).`);
  }
  const type = DATA_TYPES[h.dataType]!;
  const pixels = h.samples * h.lines;
  const needed = h.headerOffset + pixels * h.bands * type.bytes;
  if (data.size !== needed) {
    throw badInput(
      fileName,
      `${data.name} holds ${data.size} bytes, but ${fileName} declares ${h.samples} samples × ${h.lines} lines × ${h.bands} bands of ${type.name} after a ${h.headerOffset}-byte header offset = ${needed} bytes.`,
      { field: 'samples' },
    );
  }
  const warnings: string[] = [];
  const axis = enviAxis(h, fileName, opts, warnings);
  const { samples: width, lines: height, bands } = h;
  const lineBytes = width * bands * type.bytes;
  const stem = fileStem(fileName);
  const samples: ParsedSample[] = new Array(pixels);
  for (let l = 0, k = 0; l < height; l++) {
    for (let s = 0; s < width; s++, k++) samples[k] = { id: sampleId(stem, k, pixels), axis: 0, channels: [], meta: {}, mapX: s, mapY: l, sourceIndex: k };
  }
  return {
    header: h,
    batch: { format: 'envi', axes: [axis], samples, warnings },
    linesPerRead: Math.max(1, Math.floor(READ_BYTES / lineBytes)),
    ranges(first, count) {
      if (h.interleave !== 'bsq') return [{ position: h.headerOffset + first * lineBytes, length: count * lineBytes }];
      const bandBytes = width * type.bytes;
      return Array.from({ length: bands }, (_, b) => ({ position: h.headerOffset + (b * height + first) * bandBytes, length: count * bandBytes }));
    },
    decodeLines(view, starts, first, count) {
      const values = new Float32Array(count * width * bands);
      // Byte steps between neighbouring values of one pixel, and from one pixel to the next within a line, past starts[0].
      const bandStep = (h.interleave === 'bil' ? width : 1) * type.bytes;
      for (let ll = 0; ll < count; ll++) {
        for (let s = 0; s < width; s++) {
          const local = ll * width + s;
          const k = (first + ll) * width + s;
          const v = values.subarray(local * bands, (local + 1) * bands);
          if (h.interleave === 'bsq') {
            const at = local * type.bytes;
            for (let b = 0; b < bands; b++) v[b] = type.read(view, starts[b]! + at, h.littleEndian);
          } else {
            const at = starts[0]! + (h.interleave === 'bil' ? ll * bands * width + s : local * bands) * type.bytes;
            for (let b = 0; b < bands; b++) v[b] = type.read(view, at + b * bandStep, h.littleEndian);
          }
          const sample = samples[k]!;
          requireFinite(v, data.name, `${sample.id} (sample ${s}, line ${first + ll})`);
          sample.channels = [v];
        }
      }
    },
  };
}

/** Parses an ENVI header and its data file (opts.companion) into one sample per pixel, row by row. */
export function parseEnvi(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const data = opts.companion;
  const cube = enviCube(bytes, fileName, data ? { name: data.name, size: data.bytes.length } : null, opts);
  const view = new DataView(data!.bytes.buffer, data!.bytes.byteOffset, data!.bytes.byteLength);
  const { samples: width, lines: height } = cube.header;
  const step = Math.max(1, Math.floor(CANCEL_PIXELS / width));
  for (let first = 0; first < height; first += step) {
    opts.onProgress?.((first * width) / (width * height));
    checkCancelled(opts, fileName);
    const count = Math.min(step, height - first);
    cube.decodeLines(view, cube.ranges(first, count).map((r) => r.position), first, count);
  }
  opts.onProgress?.(1);
  return cube.batch;
}
