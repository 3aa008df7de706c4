/**
 * Renishaw WiRE text export of a map: one row per (pixel, wavenumber), `X Y Wave Intensity`,
 * tab or whitespace separated, optionally under a `#X #Y #Wave #Intensity` header. Rows of one
 * pixel are adjacent; a new (X, Y) starts the next pixel, and every pixel must repeat the first
 * pixel's waves in the same order, since a pixel with a missing or shifted point would be stored
 * on the wrong axis.
 */
import type { AxisUnit, ImportOptions, ParsedBatch, ParsedSample } from '../common/domain/spectra';
import { AXIS_UNIT_LABELS } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { badInput } from '../common/errors';
import { quoteExcerpt } from '../common/format/excerpt';
import { checkCancelled, sampleId } from './binary-reader';
import { checkTextInput } from './csv';
import { FLOAT32_MAX, FieldReader, decodeSpan, numberProblem, sniffDialect } from './delimited';

const COLUMNS = ['X', 'Y', 'Wave', 'Intensity'] as const;

/** Bytes looked at to recognise a headerless export: enough for the first pixel of a 4,000-point spectrum. */
const PROBE_BYTES = 256 * 1024;

/** Report progress and check for cancellation after every this many rows. */
const PROGRESS_ROWS = 1 << 16;

/** The first line's cells are `X Y Wave Intensity`, each optionally with a leading `#`. */
function isHeader(line: string): boolean {
  const cells = line.trim().split(/[\s,;]+/).map((c) => c.replace(/^#/, '').toLowerCase());
  return cells.length === 4 && cells.every((c, i) => c === COLUMNS[i]!.toLowerCase());
}

/** The first non-blank line of the file, decoded (at most PROBE_BYTES). */
function firstLine(bytes: Uint8Array, start: number): string {
  const end = Math.min(bytes.length, PROBE_BYTES);
  let p = start;
  while (p < end && (bytes[p] === 0x0a || bytes[p] === 0x0d || bytes[p] === 0x20 || bytes[p] === 0x09)) p++;
  let q = p;
  while (q < end && bytes[q] !== 0x0a && bytes[q] !== 0x0d) q++;
  return decodeSpan(bytes, p, q);
}

/**
 * True for a WiRE map export: the `X Y Wave Intensity` header, or (headerless) rows of four
 * numbers whose first pixel has at least two waves and whose second pixel starts again at the
 * first pixel's first wave, within the first PROBE_BYTES.
 */
export function looksLikeWireText(bytes: Uint8Array): boolean {
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (isHeader(firstLine(bytes, start))) return true;
  const lines = decodeSpan(bytes, start, Math.min(bytes.length, PROBE_BYTES)).split(/\r\n|\r|\n/);
  let first: number[] | null = null;
  let waves = 0;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const cells = line.trim().split(/[\s,;]+/);
    if (cells.length !== 4) return false;
    const v = cells.map(Number);
    if (!v.every(Number.isFinite)) return false;
    if (!first) {
      first = v;
      waves = 1;
    } else if (v[0] === first[0] && v[1] === first[1]) {
      waves++;
    } else {
      return waves >= 2 && v[2] === first[2];
    }
  }
  return false;
}

/** Pixel coordinates for messages: `(X, Y) = (-11.55, -4.77)`. */
function pixelName(x: number, y: number): string {
  return `pixel (X, Y) = (${x}, ${y})`;
}

/** Parses a WiRE map export into one sample per pixel, in file order, with its X/Y. */
export function parseWireText(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const start = checkTextInput(bytes, fileName);
  const dialect = sniffDialect(bytes, start);
  const reader = new FieldReader(bytes, fileName, dialect, start);
  if (isHeader(firstLine(bytes, start))) reader.readTextRecord();
  const stem = fileStem(fileName);
  const axis: number[] = [];
  const pixels: { x: number; y: number; line: number; lastLine: number; values: number[] }[] = [];
  const seen = new Map<string, number>();
  let current: (typeof pixels)[number] | null = null;
  let rows = 0;
  const finish = (): void => {
    if (current && pixels.length > 1 && current.values.length < axis.length) {
      const k = current.values.length;
      throw badInput(
        fileName,
        `${fileName} line ${current.lastLine}: ${pixelName(current.x, current.y)} ends after ${k} of the ${axis.length} waves of the first pixel; wave ${axis[k]} is missing.`,
        { line: current.lastLine },
      );
    }
  };
  const cell = new Float64Array(4);
  while (reader.startRecord()) {
    const line = reader.recordLine;
    for (let c = 0; c < 4; c++) {
      if (reader.atRecordEnd) {
        throw badInput(fileName, `Line ${line} of ${fileName} has ${c} value${c === 1 ? '' : 's'}; a WiRE map export has 4 (X, Y, Wave, Intensity).`, { line });
      }
      const v = reader.readNumber(c === 3);
      const limit = c === 3 ? FLOAT32_MAX : Number.MAX_VALUE;
      if (!(v <= limit && v >= -limit)) {
        const text = reader.lastFieldText();
        throw badInput(fileName, `${fileName} line ${line}, ${COLUMNS[c]}: ${numberProblem(text, v) ?? `value ${quoteExcerpt(text)} is not a number`}.`, {
          line,
          field: COLUMNS[c]!,
        });
      }
      cell[c] = v;
    }
    if (!reader.atRecordEnd) {
      const count = 4 + reader.skipRestOfRecord();
      throw badInput(fileName, `Line ${line} of ${fileName} has ${count} values; a WiRE map export has 4 (X, Y, Wave, Intensity).`, { line });
    }
    const [x, y, wave, intensity] = cell as unknown as [number, number, number, number];
    if (!current || x !== current.x || y !== current.y) {
      finish();
      if (pixels.length === 1) checkAxis(axis, fileName, current!.line);
      const key = `${x},${y}`;
      const before = seen.get(key);
      if (before !== undefined) {
        throw badInput(fileName, `${fileName} line ${line}: ${pixelName(x, y)} appears again; its rows started on line ${before}. The rows of one pixel must be adjacent.`, { line });
      }
      seen.set(key, line);
      current = { x, y, line, lastLine: line, values: [] };
      pixels.push(current);
    }
    const k = current.values.length;
    if (pixels.length === 1) {
      axis.push(wave);
    } else if (k >= axis.length) {
      throw badInput(fileName, `${fileName} line ${line}: ${pixelName(x, y)} has more than the ${axis.length} waves of the first pixel.`, { line });
    } else if (wave !== axis[k]) {
      throw badInput(fileName, `${fileName} line ${line}: ${pixelName(x, y)} has wave ${wave} where the first pixel has ${axis[k]} (point ${k + 1}).`, { line });
    }
    current.values.push(intensity);
    current.lastLine = line;
    if (++rows % PROGRESS_ROWS === 0) {
      opts.onProgress?.(reader.pos / reader.end);
      checkCancelled(opts, fileName);
    }
  }
  if (!current) throw badInput(fileName, `${fileName} has a header row but no data rows.`);
  finish();
  if (pixels.length === 1) checkAxis(axis, fileName, current.line);
  const warnings: string[] = [];
  let unit: AxisUnit = 'cm-1';
  if (opts.axisUnit) unit = opts.axisUnit;
  else warnings.push(`${fileName}: the file does not state the axis unit; WiRE exports Raman shift, so ${AXIS_UNIT_LABELS[unit]} is assumed. Import again with the axis unit set if that is wrong.`);
  const samples: ParsedSample[] = pixels.map((p, i) => ({
    id: sampleId(stem, i, pixels.length),
    axis: 0,
    channels: [Float32Array.from(p.values)],
    meta: {},
    mapX: p.x,
    mapY: p.y,
    sourceLine: p.line,
  }));
  opts.onProgress?.(1);
  return { format: 'wire-text', axes: [{ values: Float64Array.from(axis), unit, unitFromFile: false }], samples, warnings };
}

/** The first pixel's waves are the axis: they must be distinct and run one way. */
function checkAxis(axis: number[], fileName: string, line: number): void {
  if (axis.length < 2) throw badInput(fileName, `${fileName} line ${line}: the first pixel has only ${axis.length} wave; a spectrum needs at least 2.`, { line });
  const dir = Math.sign(axis[1]! - axis[0]!);
  for (let k = 1; k < axis.length; k++) {
    if (dir === 0 || Math.sign(axis[k]! - axis[k - 1]!) !== dir) {
      throw badInput(fileName, `${fileName}: the first pixel's waves (from line ${line}) are not strictly ${dir >= 0 ? 'increasing' : 'decreasing'}: ${axis[k]} follows ${axis[k - 1]}.`, { line: line + k });
    }
  }
}
