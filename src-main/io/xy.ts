/**
 * Importer for two-column (x, y) text files: instrument "data point table" exports (.dpt),
 * .xy, .txt, and two-column .csv. One spectrum per file; the sample id is the file stem.
 *
 * These files are small (a few thousand lines), so they are read line by line as text; the
 * strictness is what matters: every data line must be exactly two numbers and x must be
 * strictly monotonic, because a silently skipped or reordered point shifts every peak after it.
 */
import type { AxisUnit, ImportOptions, ParsedBatch } from '../common/domain/spectra';
import { AXIS_UNIT_LABELS } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { badInput } from '../common/errors';
import { quoteExcerpt } from '../common/format/excerpt';
import { decodeSpan, numberProblem, parseNumberText } from './delimited';
import { checkTextInput, guessAxisUnit, unitFromText } from './csv';

/** Lines starting with one of these are comments wherever they appear. */
const COMMENT_START = /^[#%;]/;

/** The two fields of a data line as text, or null when the line is not two numbers. */
export interface XYFields {
  x: string;
  y: string;
  decimalComma: boolean;
}

/**
 * Splits one line into (x, y) when it is exactly two numbers separated by tab, spaces, `;` or `,`.
 * Comma is tried as a separator first (`1.5,2.5` or `1.5, 2.5`); then whitespace/semicolon runs,
 * where a comma inside a field is a decimal comma (`1,5\t2,5`). Returns the number of fields
 * instead when the line splits into numbers but not two of them, so callers can say so.
 */
export function splitXYLine(line: string): XYFields | number | null {
  const t = line.trim();
  const byComma = t.split(/\s*,\s*/);
  if (byComma.length === 2 && isNumber(byComma[0]!, false) && isNumber(byComma[1]!, false)) {
    return { x: byComma[0]!, y: byComma[1]!, decimalComma: false };
  }
  const byBlank = t.split(/\s*[\t;]\s*|\s+/);
  if (byBlank.length === 2) {
    const [a, b] = byBlank as [string, string];
    if (isNumber(a, false) && isNumber(b, false)) return { x: a, y: b, decimalComma: false };
    if (isNumber(a, true) && isNumber(b, true)) return { x: a, y: b, decimalComma: true };
  }
  const fields = byBlank.length > 1 ? byBlank : byComma;
  if (fields.length > 2 && fields.every((f) => isNumber(f, false) || isNumber(f, true))) return fields.length;
  return null;
}

/** True when `text` is a number or a NaN/Inf spelling (those are numbers, just not usable ones). */
function isNumber(text: string, decimalComma: boolean): boolean {
  const v = parseNumberText(text, decimalComma);
  return v === v || /^[+-]?(nan|inf|infinity)$/i.test(text);
}

/** Iterates the lines of a byte buffer (LF, CRLF or CR), yielding 1-based line numbers and text. */
function* lines(bytes: Uint8Array, start: number): Generator<{ line: number; text: string }> {
  let line = 1;
  let p = start;
  const end = bytes.length;
  while (p < end) {
    let q = p;
    while (q < end && bytes[q] !== 0x0a && bytes[q] !== 0x0d) q++;
    yield { line, text: decodeSpan(bytes, p, q) };
    if (q < end && bytes[q] === 0x0d && q + 1 < end && bytes[q + 1] === 0x0a) q++;
    p = q + 1;
    line++;
  }
}

/**
 * Parses a two-column x,y text file into one spectrum.
 * Header lines (non-numeric) are allowed before the data; comment lines (`#`, `%`, `;`) anywhere.
 */
export function parseXY(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const start = checkTextInput(bytes, fileName);
  const xs: number[] = [];
  const ys: number[] = [];
  let firstLine = 0;
  let prevLine = 0;
  let headerUnit: AxisUnit | null = null;
  for (const { line, text } of lines(bytes, start)) {
    const t = text.trim();
    if (t === '' || COMMENT_START.test(t)) continue;
    const fields = splitXYLine(t);
    if (fields === null || typeof fields === 'number') {
      if (xs.length === 0 && fields === null) {
        headerUnit ??= unitFromText(t.split(/[\t;,]|\s{2,}/)[0] ?? '');
        continue;
      }
      const what = typeof fields === 'number' ? `has ${fields} columns` : `is not two numbers: ${quoteExcerpt(t)}`;
      throw badInput(fileName, `${fileName} line ${line} ${what}; an x,y file has exactly two columns (x, y) on every data line.`, {
        line,
      });
    }
    const x = parseNumberText(fields.x, fields.decimalComma);
    const y = parseNumberText(fields.y, fields.decimalComma);
    if (!Number.isFinite(x)) {
      throw badInput(fileName, `${fileName} line ${line}, column x: ${numberProblem(fields.x, x)}.`, {
        line,
        field: 'x',
      });
    }
    const yProblem = numberProblem(fields.y, y);
    if (yProblem) throw badInput(fileName, `${fileName} line ${line}, column y: ${yProblem}.`, { line, field: 'y' });
    const n = xs.length;
    if (n >= 2) {
      const rising = xs[1]! > xs[0]!;
      if (rising ? !(x > xs[n - 1]!) : !(x < xs[n - 1]!)) {
        throw badInput(
          fileName,
          `${fileName} line ${line}: x = ${quoteExcerpt(fields.x, { quote: '' })} does not continue the ${rising ? 'increasing' : 'decreasing'} order (x = ${xs[n - 1]} on line ${prevLine}); x must be strictly monotonic.`,
          { line, field: 'x' },
        );
      }
    } else if (n === 1 && x === xs[0]) {
      throw badInput(fileName, `${fileName} line ${line}: x = ${quoteExcerpt(fields.x, { quote: '' })} repeats the x of line ${prevLine}; x must be strictly monotonic.`, {
        line,
        field: 'x',
      });
    }
    if (n === 0) firstLine = line;
    xs.push(x);
    ys.push(y);
    prevLine = line;
  }
  if (xs.length < 2) {
    throw badInput(fileName, `${fileName} has ${xs.length === 0 ? 'no' : 'only one'} x,y data line${xs.length === 0 ? 's' : ''}; a spectrum needs at least two points.`);
  }
  const axisValues = Float64Array.from(xs);
  const warnings: string[] = [];
  let unit: AxisUnit;
  let unitFromFile = false;
  if (opts.axisUnit) {
    unit = opts.axisUnit;
  } else if (headerUnit) {
    unit = headerUnit;
    unitFromFile = true;
  } else {
    const guess = guessAxisUnit(axisValues);
    unit = guess.unit;
    warnings.push(
      `${fileName}: the file does not state the x unit; guessed ${AXIS_UNIT_LABELS[unit]} because ${guess.reason} (${xs[0]} → ${xs[xs.length - 1]}). If that is wrong, import again with the axis unit set (Import form: More options → Axis unit; command line: --axis-unit cm-1|nm|um|index|other).`,
    );
  }
  return {
    format: 'xy',
    axes: [{ values: axisValues, unit, unitFromFile }],
    samples: [
      {
        id: fileStem(fileName),
        axis: 0,
        channels: [Float32Array.from(ys)],
        meta: {},
        split: opts.splitTag ?? null,
        sourceLine: firstLine,
      },
    ],
    warnings,
  };
}
