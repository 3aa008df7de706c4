/**
 * Byte-level tokenizer for delimited text tables (CSV, TSV, `;`-separated, whitespace tables).
 *
 * Why bytes and not strings: a wide spectral table is ~10 million numeric cells. Decoding the
 * file to a JS string and splitting it allocates one string per cell, which costs more than the
 * whole budget for parse + storage. Here numbers are read straight from the bytes into float64,
 * and only fields that are text (headers, metadata, ids) are ever decoded.
 */
import { badInput } from '../common/errors';
import { quoteExcerpt } from '../common/format/excerpt';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const UPPER_E = 0x45;
const LOWER_E = 0x65;

/** `Dialect.sep` value meaning "fields are separated by runs of spaces and/or tabs". */
export const WHITESPACE_SEP = -1;

/** Largest finite float32; spectra are stored as Float32Array, so anything beyond is not storable. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** How a table is written: which separator, and whether numbers use a decimal comma. */
export interface Dialect {
  /** Separator byte (`,` `;` TAB), or WHITESPACE_SEP. */
  sep: number;
  /** True when numbers are written `1,23`; only ever true when the separator is not `,`. */
  decimalComma: boolean;
}

/** Exact powers of ten 10^0..10^22: every one is exactly representable in float64 (Clinger's fast path). */
const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < 23; i++, p *= 10) POW10[i] = p;

/** Mantissas of at most this many significant digits are exact in float64 (10^15 < 2^53). */
const MAX_FAST_DIGITS = 15;

/**
 * Digits accumulated (inexactly beyond 15) for the float32 shortcut. numpy/pandas write 17 digits
 * (`0.05037488974520657`); with 19 digits the accumulated value is within 10 float64 rounding
 * steps (< 2^-49 relative) of the true value.
 */
const MAX_APPROX_DIGITS = 19;

/** Relative margin of the float32 shortcut's safety check: far above its worst-case error. */
const F32_MARGIN = 2 ** -44;

/** Length of a UTF-8 byte-order mark at the start of `bytes` (3), or 0. Excel writes one on "CSV UTF-8". */
export function bomLength(bytes: Uint8Array): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/** True when there is nothing but whitespace after `start`: such a file is reported as empty. */
export function isBlank(bytes: Uint8Array, start: number): boolean {
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) return false;
  }
  return true;
}

/** Index of the first NUL byte in `bytes[0, limit)`, or -1. Text tables never contain NUL; binaries nearly always do. */
export function findNul(bytes: Uint8Array, limit = bytes.length): number {
  const at = bytes.indexOf(0);
  return at >= 0 && at < limit ? at : -1;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * Decodes `bytes[start, end)` as text. ASCII (the usual case for headers and labels) skips the
 * TextDecoder call; invalid UTF-8 falls back to Windows-1252 because older instrument software
 * writes "µm" or accented sample names in the Windows code page.
 */
export function decodeSpan(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (bytes[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
      return s;
    }
  }
  const view = bytes.subarray(start, end);
  try {
    return utf8.decode(view);
  } catch {
    return latin1.decode(view);
  }
}

/**
 * Where the last `scanNumber` call stopped. A module-level slot instead of a returned object keeps
 * the per-cell hot path free of allocations.
 */
let scanStop = 0;

/**
 * Reads a number starting at `bytes[p]` and returns it, leaving the stop position in `scanStop`.
 * Accepts `[+-]?(digits[.digits?]|.digits)([eE][+-]?digits)?` with `,` as the decimal mark when
 * `decimalComma`. Returns NaN when no number starts at `p` (the caller decides whether the field
 * then holds something else). Up to 15 significant digits and a power of ten within ±22 use
 * Clinger's exact fast path (one correctly rounded multiply or divide); anything longer is handed to
 * Number() so that results always equal `Number(text)`.
 *
 * With `forFloat32`, a long mantissa (16–19 digits) may instead return an approximation whose
 * Math.fround() provably equals Math.fround(Number(text)): the value is only stored as float32,
 * and Number() on every 17-digit cell of a numpy export would cost ~0.4 µs each (4 s per 10M cells).
 */
function scanNumber(bytes: Uint8Array, p: number, end: number, decimalComma: boolean, forFloat32 = false): number {
  const start = p;
  const point = decimalComma ? COMMA : DOT;
  let negative = false;
  if (p < end) {
    const c = bytes[p]!;
    if (c === MINUS) {
      negative = true;
      p++;
    } else if (c === PLUS) {
      p++;
    }
  }
  let mantissa = 0;
  let digits = 0;
  let exp10 = 0;
  let sawDigit = false;
  while (p < end) {
    const d = bytes[p]! - 48;
    if (d < 0 || d > 9) break;
    sawDigit = true;
    if (mantissa !== 0 || d !== 0) {
      if (digits < MAX_APPROX_DIGITS) mantissa = mantissa * 10 + d;
      else exp10++;
      digits++;
    }
    p++;
  }
  if (p < end && bytes[p] === point) {
    p++;
    while (p < end) {
      const d = bytes[p]! - 48;
      if (d < 0 || d > 9) break;
      sawDigit = true;
      if (mantissa !== 0 || d !== 0) {
        if (digits < MAX_APPROX_DIGITS) {
          mantissa = mantissa * 10 + d;
          exp10--;
        }
        digits++;
      } else {
        exp10--;
      }
      p++;
    }
  }
  if (!sawDigit) {
    scanStop = start;
    return NaN;
  }
  if (p < end && (bytes[p] === LOWER_E || bytes[p] === UPPER_E)) {
    let q = p + 1;
    let expNegative = false;
    if (q < end && (bytes[q] === MINUS || bytes[q] === PLUS)) {
      expNegative = bytes[q] === MINUS;
      q++;
    }
    let exponent = 0;
    let expDigits = 0;
    while (q < end) {
      const d = bytes[q]! - 48;
      if (d < 0 || d > 9) break;
      if (exponent < 100000) exponent = exponent * 10 + d;
      expDigits++;
      q++;
    }
    if (expDigits === 0) {
      scanStop = start;
      return NaN;
    }
    exp10 += expNegative ? -exponent : exponent;
    p = q;
  }
  scanStop = p;
  if (mantissa === 0) return negative ? -0 : 0;
  if (exp10 >= -22 && exp10 <= 22 && (digits <= MAX_FAST_DIGITS || (forFloat32 && digits <= MAX_APPROX_DIGITS))) {
    const v = exp10 < 0 ? mantissa / POW10[-exp10]! : mantissa * POW10[exp10]!;
    if (digits <= MAX_FAST_DIGITS || float32Unambiguous(v)) return negative ? -v : v;
  }
  return slowNumber(bytes, start, p, decimalComma);
}

/**
 * True when every value within F32_MARGIN (relative) of `v` rounds to the same float32, so an
 * approximation of the exact decimal that is that close stores the same float32 as the exact
 * value would. Fails (→ exact parse) only near a float32 rounding midpoint, about once in a
 * million random values, and for float32 subnormals.
 */
function float32Unambiguous(v: number): boolean {
  if (!(v >= 1.1754943508222875e-38 && v <= FLOAT32_MAX)) return false;
  return Math.fround(v * (1 - F32_MARGIN)) === Math.fround(v * (1 + F32_MARGIN));
}

/** Long mantissas and large exponents: let the engine's correctly rounded parser do it. */
function slowNumber(bytes: Uint8Array, start: number, end: number, decimalComma: boolean): number {
  let s = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    s += c === COMMA && decimalComma ? '.' : String.fromCharCode(c);
  }
  return Number(s);
}

/**
 * Parses a whole byte span as one number, or returns NaN when the span is anything but a number
 * (surrounding spaces allowed). ±Infinity means the value overflowed (e.g. `1e400`).
 */
export function parseNumberBytes(bytes: Uint8Array, start: number, end: number, decimalComma = false): number {
  while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
  while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
  if (start === end) return NaN;
  const v = scanNumber(bytes, start, end, decimalComma);
  return scanStop === end ? v : NaN;
}

/** String form of parseNumberBytes, for header cells and metadata values that are already text. */
export function parseNumberText(text: string, decimalComma = false): number {
  const n = text.length;
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return NaN;
    bytes[i] = c;
  }
  return parseNumberBytes(bytes, 0, n, decimalComma);
}

/** True for spellings of NaN/infinity that spreadsheets and numpy write; they are numbers, but not finite ones. */
export function isNonFiniteWord(text: string): boolean {
  return /^[+-]?(nan|inf|infinity|1\.#inf|1\.#ind|1\.#qnan)$/i.test(text.trim());
}

/**
 * Explains why `text` cannot be stored as a spectrum value, or returns null when `value` (its parse)
 * is fine. Shared by every text importer so the wording is the same everywhere.
 */
export function numberProblem(text: string, value: number): string | null {
  if (value === value && value <= FLOAT32_MAX && value >= -FLOAT32_MAX) return null;
  if (text.trim() === '') return 'is empty; a number is expected';
  if (value !== value) {
    return isNonFiniteWord(text) ? `value ${quoteExcerpt(text)} is not a finite number` : `value ${quoteExcerpt(text)} is not a number`;
  }
  if (value === Infinity || value === -Infinity) return `value ${quoteExcerpt(text)} is not a finite number`;
  return `value ${quoteExcerpt(text)} is outside the range of 32-bit floats (±3.4e38)`;
}

/** Counts unquoted occurrences of each candidate separator per line of a text sample. */
function separatorCounts(sample: string, candidates: readonly string[]): number[][] {
  const perLine: number[][] = [];
  let counts = candidates.map(() => 0);
  let inQuote = false;
  let lineHasContent = false;
  for (let i = 0; i < sample.length; i++) {
    const ch = sample[i]!;
    if (ch === '"') {
      inQuote = !inQuote;
      lineHasContent = true;
    } else if (!inQuote && (ch === '\n' || ch === '\r')) {
      if (ch === '\r' && sample[i + 1] === '\n') i++;
      if (lineHasContent) perLine.push(counts);
      counts = candidates.map(() => 0);
      lineHasContent = false;
    } else {
      if (ch !== ' ' && ch !== '\t') lineHasContent = true;
      if (!inQuote) {
        const k = candidates.indexOf(ch);
        if (k >= 0) counts[k]!++;
      }
    }
  }
  return perLine;
}

/** Most frequent value in a list and the share of entries that have it. */
function mode(values: number[]): { value: number; share: number } {
  const freq = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (const v of values) {
    const f = (freq.get(v) ?? 0) + 1;
    freq.set(v, f);
    if (f > bestCount) {
      best = v;
      bestCount = f;
    }
  }
  return { value: best, share: values.length ? bestCount / values.length : 0 };
}

/** The first lines of the file (at most `maxLines` complete lines, at most `maxBytes`) as latin-1 text, enough to sniff from. */
function sampleText(bytes: Uint8Array, start: number, maxLines = 20, maxBytes = 1 << 20): string {
  let lines = 0;
  let p = start;
  const limit = Math.min(bytes.length, start + maxBytes);
  while (p < limit && lines < maxLines) {
    const c = bytes[p]!;
    if (c === LF || c === CR) lines++;
    p++;
  }
  return latin1.decode(bytes.subarray(start, p));
}

const NUMBER_DOT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NUMBER_COMMA = /^[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?$/;

/**
 * Guesses separator and decimal mark from the first lines.
 *
 * The separator is the candidate that occurs the same non-zero number of times on most lines,
 * preferring TAB, then `;`, then `,`: a `;`-separated file with decimal commas has *more* commas
 * than semicolons per line, so "most fields wins" would pick the wrong one. Files where none is
 * consistent but fields are aligned by spaces are whitespace tables. A decimal comma is only
 * considered when the separator is not `,`, and only when comma-decimals outnumber dot-decimals.
 */
export function sniffDialect(bytes: Uint8Array, start = bomLength(bytes)): Dialect {
  const sample = sampleText(bytes, start);
  const candidates = ['\t', ';', ','] as const;
  const perLine = separatorCounts(sample, candidates);
  let sep: number = COMMA;
  let found = false;
  for (let k = 0; k < candidates.length && !found; k++) {
    const m = mode(perLine.map((c) => c[k]!));
    if (m.value > 0 && m.share >= 0.6) {
      sep = candidates[k]!.charCodeAt(0);
      found = true;
    }
  }
  const lines = sample.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  if (!found && lines.some((l) => /\S[ \t]+\S/.test(l.trim()))) sep = WHITESPACE_SEP;
  let decimalComma = false;
  if (sep !== COMMA) {
    let commaNumbers = 0;
    let dotNumbers = 0;
    for (const l of lines) {
      const fields = sep === WHITESPACE_SEP ? l.trim().split(/[ \t]+/) : l.split(String.fromCharCode(sep));
      for (const f of fields) {
        const t = f.trim();
        if (NUMBER_COMMA.test(t)) commaNumbers++;
        else if (t.includes('.') && NUMBER_DOT.test(t)) dotNumbers++;
      }
    }
    decimalComma = commaNumbers > dotNumbers;
  }
  return { sep, decimalComma };
}

/**
 * Streams fields out of a delimited byte buffer, record by record.
 *
 * Usage: `while (r.startRecord()) { do { r.readNumber() or r.readText() } while (!r.atRecordEnd) }`.
 * It tracks 1-based line numbers (CRLF, LF and lone CR each end one line; newlines inside quoted
 * fields count too) so every error can name the line the user sees in an editor.
 */
export class FieldReader {
  readonly bytes: Uint8Array;
  readonly end: number;
  readonly sep: number;
  readonly decimalComma: boolean;
  readonly fileName: string;
  /** Byte offset of the next unread byte. */
  pos: number;
  /** 1-based line number of `pos`. */
  line = 1;
  /** 1-based line on which the current record starts. */
  recordLine = 1;
  /** True once the last field of the current record has been read. */
  atRecordEnd = true;
  /** Byte span of the last field read by readNumber, for error messages. */
  private fieldStart = 0;
  private fieldEnd = 0;
  /** Text of the last field when it had to be decoded (quoted or not a number). */
  private fieldText: string | null = null;

  constructor(bytes: Uint8Array, fileName: string, dialect: Dialect, start = bomLength(bytes)) {
    this.bytes = bytes;
    this.end = bytes.length;
    this.sep = dialect.sep;
    this.decimalComma = dialect.decimalComma;
    this.fileName = fileName;
    this.pos = start;
  }

  /** Moves to a position remembered earlier (pos and line from the same reader). */
  seek(pos: number, line: number): void {
    this.pos = pos;
    this.line = line;
    this.atRecordEnd = true;
  }

  /** True for bytes that pad a field: spaces always, tabs unless tab is the separator. */
  private isPad(c: number): boolean {
    return c === SPACE || (c === TAB && this.sep !== TAB);
  }

  /**
   * Skips blank lines and moves to the start of the next record. Returns false at end of input.
   * Blank lines (only spaces, or tabs when tab is not the separator) are skipped anywhere, which
   * also covers the blank trailing lines many exporters leave.
   */
  startRecord(): boolean {
    const b = this.bytes;
    const end = this.end;
    for (;;) {
      let p = this.pos;
      while (p < end && this.isPad(b[p]!)) p++;
      if (p >= end) {
        this.pos = end;
        return false;
      }
      const c = b[p]!;
      if (c === LF || c === CR) {
        this.pos = c === CR && p + 1 < end && b[p + 1] === LF ? p + 2 : p + 1;
        this.line++;
        continue;
      }
      this.pos = this.sep === WHITESPACE_SEP ? p : this.pos;
      this.recordLine = this.line;
      this.atRecordEnd = false;
      return true;
    }
  }

  /**
   * After a field's content: consumes the separator (field follows) or the newline (record ends).
   * Throws when unexpected text follows a closing quote, e.g. `"abc"def`.
   */
  private finishField(p: number): void {
    const b = this.bytes;
    const end = this.end;
    if (this.sep === WHITESPACE_SEP) {
      while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
    } else {
      while (p < end && this.isPad(b[p]!)) p++;
    }
    if (p >= end) {
      this.pos = end;
      this.atRecordEnd = true;
      return;
    }
    const c = b[p]!;
    if (c === LF || c === CR) {
      this.pos = c === CR && p + 1 < end && b[p + 1] === LF ? p + 2 : p + 1;
      this.line++;
      this.atRecordEnd = true;
      return;
    }
    if (this.sep === WHITESPACE_SEP) {
      this.pos = p;
      this.atRecordEnd = false;
      return;
    }
    if (c === this.sep) {
      this.pos = p + 1;
      this.atRecordEnd = false;
      return;
    }
    throw badInput(this.fileName, `${this.fileName} line ${this.line}: unexpected text after a closing quote.`, { line: this.line });
  }

  /** True when byte `c` ends an unquoted field. */
  private endsField(c: number): boolean {
    if (c === LF || c === CR) return true;
    return this.sep === WHITESPACE_SEP ? c === SPACE || c === TAB : c === this.sep;
  }

  /**
   * Reads the next field as a number. Returns NaN when the field is not a number (empty, text,
   * `NaN`), ±Infinity on overflow; `lastFieldText()` then gives the text for the message. Unquoted
   * numeric fields never allocate. `forFloat32`: the caller stores the value as float32, so only
   * Math.fround(result) needs to be exact (see scanNumber).
   */
  readNumber(forFloat32 = false): number {
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    while (p < end && this.isPad(b[p]!)) p++;
    if (p < end && b[p] === QUOTE) {
      const text = this.readText();
      return parseNumberText(text, this.decimalComma);
    }
    const v = scanNumber(b, p, end, this.decimalComma, forFloat32);
    const numberEnd = scanStop;
    if (v === v && (numberEnd >= end || this.endsField(b[numberEnd]!) || this.isPad(b[numberEnd]!))) {
      let q = numberEnd;
      while (q < end && this.isPad(b[q]!)) q++;
      if (this.sep === WHITESPACE_SEP || q >= end || this.endsField(b[q]!)) {
        this.fieldStart = p;
        this.fieldEnd = numberEnd;
        this.fieldText = null;
        this.finishField(q);
        return v;
      }
    }
    this.readText();
    return NaN;
  }

  /** Reads the next field as text: quotes removed, `""` unescaped, surrounding spaces trimmed. */
  readText(): string {
    const b = this.bytes;
    const end = this.end;
    let p = this.pos;
    while (p < end && this.isPad(b[p]!)) p++;
    let text: string;
    if (p < end && b[p] === QUOTE) {
      const openLine = this.line;
      const parts: string[] = [];
      let segment = p + 1;
      let q = segment;
      for (;;) {
        if (q >= end) {
          throw badInput(this.fileName, `${this.fileName} line ${openLine}: a quote opened here is never closed.`, { line: openLine });
        }
        const c = b[q]!;
        if (c === QUOTE) {
          parts.push(decodeSpan(b, segment, q));
          if (q + 1 < end && b[q + 1] === QUOTE) {
            parts.push('"');
            q += 2;
            segment = q;
            continue;
          }
          q++;
          break;
        }
        if (c === LF) this.line++;
        else if (c === CR && !(q + 1 < end && b[q + 1] === LF)) this.line++;
        q++;
      }
      text = parts.join('');
      this.fieldStart = p;
      this.fieldEnd = q;
      this.fieldText = text;
      this.finishField(q);
      return text;
    }
    let q = p;
    while (q < end && !this.endsField(b[q]!)) q++;
    let e = q;
    while (e > p && this.isPad(b[e - 1]!)) e--;
    text = decodeSpan(b, p, e);
    this.fieldStart = p;
    this.fieldEnd = e;
    this.fieldText = text;
    this.finishField(q);
    return text;
  }

  /** Text of the last field read, decoded on demand (only ever needed for error messages). */
  lastFieldText(): string {
    return this.fieldText ?? decodeSpan(this.bytes, this.fieldStart, this.fieldEnd);
  }

  /** Reads the rest of the current record as text fields and returns how many there were. */
  skipRestOfRecord(): number {
    let n = 0;
    while (!this.atRecordEnd) {
      this.readText();
      n++;
    }
    return n;
  }

  /** Reads one whole record as text fields, or returns null at end of input. */
  readTextRecord(): { line: number; fields: string[] } | null {
    if (!this.startRecord()) return null;
    const fields: string[] = [];
    do fields.push(this.readText());
    while (!this.atRecordEnd);
    return { line: this.recordLine, fields };
  }
}
