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

/** Parses an ENVI header and its data file (opts.companion) into one sample per pixel, row by row. */
export function parseEnvi(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const h = parseEnviHeader(bytes, fileName);
  const data = opts.companion;
  if (!data) {
    const names = enviDataNames(fileName);
    throw badInput(fileName, `${fileName} is an ENVI header, but its data file is not beside it (looked for ${names.join(', ')}).`);
  }
  const type = DATA_TYPES[h.dataType]!;
  const pixels = h.samples * h.lines;
  const needed = h.headerOffset + pixels * h.bands * type.bytes;
  if (data.bytes.length !== needed) {
    throw badInput(
      fileName,
      `${data.name} holds ${data.bytes.length} bytes, but ${fileName} declares ${h.samples} samples × ${h.lines} lines × ${h.bands} bands of ${type.name} after a ${h.headerOffset}-byte header offset = ${needed} bytes.`,
      { field: 'samples' },
    );
  }
  const warnings: string[] = [];
  const axis = enviAxis(h, fileName, opts, warnings);
  const view = new DataView(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength);
  const { samples: width, lines: height, bands } = h;
  // Element strides of (sample, line, band) in each interleave.
  const stride =
    h.interleave === 'bsq' ? { s: 1, l: width, b: width * height } : h.interleave === 'bil' ? { s: 1, l: width * bands, b: width } : { s: bands, l: width * bands, b: 1 };
  const stem = fileStem(fileName);
  const out: ParsedSample[] = [];
  for (let l = 0; l < height; l++) {
    for (let s = 0; s < width; s++) {
      const k = l * width + s;
      if (k % CANCEL_PIXELS === 0) {
        opts.onProgress?.(k / pixels);
        checkCancelled(opts, fileName);
      }
      const values = new Float32Array(bands);
      const first = l * stride.l + s * stride.s;
      for (let b = 0; b < bands; b++) values[b] = type.read(view, h.headerOffset + (first + b * stride.b) * type.bytes, h.littleEndian);
      const id = sampleId(stem, k, pixels);
      requireFinite(values, data.name, `${id} (sample ${s}, line ${l})`);
      out.push({ id, axis: 0, channels: [values], meta: {}, mapX: s, mapY: l, sourceIndex: k });
    }
  }
  opts.onProgress?.(1);
  return { format: 'envi', axes: [axis], samples: out, warnings };
}
