/**
 * ASDF, the JCAMP-DX data compression (§5.9 of JCAMP-DX 4.24): tokenising a data line
 * in any mix of AFFN, PAC, SQZ, DIF and DUP, and turning the Y tokens into values with
 * the DIF running sum, DUP repeats and the DIF Y-check between lines.
 */
import { type Ctx, lineError, quoteJcamp } from './context';

export const TOK_ABS = 0;
const TOK_DIF = 1;
const TOK_DUP = 2;

/** Reusable token storage for one line; grows to the longest line seen. */
export interface TokenBuffer {
  kinds: Uint8Array;
  values: Float64Array;
  /** Column (0-based) where each token starts, and where it ends, for messages and X precision. */
  starts: Int32Array;
  ends: Int32Array;
  count: number;
}

export function newTokenBuffer(capacity: number): TokenBuffer {
  return {
    kinds: new Uint8Array(capacity),
    values: new Float64Array(capacity),
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    count: 0,
  };
}

/** A line that could not be tokenised: which character, where, in which token. */
export interface ScanError {
  column: number;
  token: string;
  reason: string;
}

/**
 * The compression character classes of JCAMP-DX 4.24 §5.9.
 * SQZ: '@'=0, 'A'..'I'=1..9, 'a'..'i'=-1..-9 (absolute value, first digit + sign).
 * DIF: '%'=0, 'J'..'R'=1..9, 'j'..'r'=-1..-9 (difference to the previous Y).
 * DUP: 'S'..'Z'=1..8, 's'=9 (repeat count of the previous value or difference).
 * Returns [kind, signed leading digit] or null for any other character.
 */
function classifyAsdfChar(c: number): [number, number] | null {
  if (c === 0x40) return [TOK_ABS, 0];
  if (c >= 0x41 && c <= 0x49) return [TOK_ABS, c - 0x40];
  if (c >= 0x61 && c <= 0x69) return [TOK_ABS, -(c - 0x60)];
  if (c === 0x25) return [TOK_DIF, 0];
  if (c >= 0x4a && c <= 0x52) return [TOK_DIF, c - 0x49];
  if (c >= 0x6a && c <= 0x72) return [TOK_DIF, -(c - 0x69)];
  if (c >= 0x53 && c <= 0x5a) return [TOK_DUP, c - 0x52];
  if (c === 0x73) return [TOK_DUP, 9];
  return null;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isDelimiter(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x2c || c === 0x3b || c === 0x0c;
}

/**
 * Tokenises one data line in a single pass. Any character outside AFFN/ASDF is an
 * error, never skipped: skipping would shift every following point. An exponent
 * ('E'/'e') is only taken inside a plain AFFN number and only with an explicit sign
 * ("1.5E+03"), because a bare 'E' is also the SQZ digit +5.
 */
export function scanAsdfLine(line: string, buf: TokenBuffer): ScanError | null {
  buf.count = 0;
  const n = line.length;
  let tokStart = -1;
  let kind = TOK_ABS;
  let lead = '';
  let digitsFrom = 0;
  let plainAffn = false;

  const flush = (end: number): ScanError | null => {
    if (tokStart < 0) return null;
    const value = integerToken(line, lead, digitsFrom, end) ?? decimalToken(lead + line.slice(digitsFrom, end));
    if (!Number.isFinite(value) || (kind === TOK_DUP && !Number.isInteger(value))) {
      return { column: tokStart, token: line.slice(tokStart, end), reason: 'is not a valid number' };
    }
    const k = buf.count++;
    buf.kinds[k] = kind;
    buf.values[k] = value;
    buf.starts[k] = tokStart;
    buf.ends[k] = end;
    tokStart = -1;
    return null;
  };

  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (isDigit(c) || c === 0x2e) {
      if (tokStart < 0) {
        tokStart = i;
        kind = TOK_ABS;
        lead = '';
        digitsFrom = i;
        plainAffn = true;
      }
      continue;
    }
    if (isDelimiter(c)) {
      const err = flush(i);
      if (err) return err;
      continue;
    }
    if (c === 0x2b || c === 0x2d) {
      const err = flush(i);
      if (err) return err;
      tokStart = i;
      kind = TOK_ABS;
      lead = c === 0x2d ? '-' : '';
      digitsFrom = i + 1;
      plainAffn = true;
      continue;
    }
    if ((c === 0x45 || c === 0x65) && tokStart >= 0 && plainAffn && i + 2 < n) {
      const sign = line.charCodeAt(i + 1);
      if ((sign === 0x2b || sign === 0x2d) && isDigit(line.charCodeAt(i + 2))) {
        plainAffn = false;
        i += 1;
        continue;
      }
    }
    const cls = classifyAsdfChar(c);
    if (cls === null) {
      let end = i + 1;
      while (end < n && isDigit(line.charCodeAt(end))) end++;
      const from = tokStart >= 0 ? tokStart : i;
      const reason = c === 0x3f ? 'is a missing value ("?"); every Y must be a number' : 'contains an invalid character';
      return { column: i, token: line.slice(from, end), reason };
    }
    const err = flush(i);
    if (err) return err;
    tokStart = i;
    kind = cls[0];
    lead = String(cls[1]);
    digitsFrom = i + 1;
    plainAffn = false;
  }
  return flush(n);
}

/**
 * Fast path for the common all-digit token (every compressed form is integer):
 * accumulating digits avoids a substring and Number() per value. Returns null
 * for anything else (decimals, exponents, >15 digits) so the exact parser decides.
 */
function integerToken(line: string, lead: string, from: number, end: number): number | null {
  if (end - from > 15) return null;
  const negative = lead.startsWith('-');
  const leadDigits = negative ? lead.slice(1) : lead;
  let acc = leadDigits === '' ? 0 : Number(leadDigits);
  let hasDigit = leadDigits !== '';
  for (let k = from; k < end; k++) {
    const d = line.charCodeAt(k) - 0x30;
    if (d < 0 || d > 9) return null;
    acc = acc * 10 + d;
    hasDigit = true;
  }
  if (!hasDigit) return null;
  return negative ? -acc : acc;
}

/** Exact decimal parse; '', '+' and '-' are NaN here (Number('') would be 0). */
function decimalToken(text: string): number {
  return text === '' || text === '+' || text === '-' ? NaN : Number(text);
}

/** Digits after the decimal point of a printed abscissa: its rounding is ±0.5 in the last digit. */
export function decimalsOf(token: string): number {
  const m = /\.(\d*)/.exec(token);
  return m === null ? 0 : m[1].length;
}

/** The ordinates of one (X++(Y..Y)) table while its lines are decoded. */
export interface YStream {
  /** Raw (unscaled) Y values; length NPOINTS. */
  raw: Float64Array;
  /** Points seen, including any beyond NPOINTS (counted, not stored). */
  count: number;
  lastY: number;
  hasY: boolean;
  /** The previous line ended with a DIF value, so this line starts with a Y-check value. */
  checkPending: boolean;
}

export function newYStream(n: number): YStream {
  return { raw: new Float64Array(n), count: 0, lastY: 0, hasY: false, checkPending: false };
}

function pushY(s: YStream, v: number): void {
  if (s.count < s.raw.length) s.raw[s.count] = v;
  s.count++;
  s.lastY = v;
  s.hasY = true;
}

/** Repeats a value r-1 more times without looping past NPOINTS (DUP counts can be huge in a corrupt file). */
function repeatY(s: YStream, times: number, dif: number | null): void {
  const room = Math.max(0, s.raw.length - s.count);
  const stored = Math.min(times, room);
  for (let k = 0; k < stored; k++) pushY(s, dif === null ? s.lastY : s.lastY + dif);
  if (times > stored) {
    s.count += times - stored;
    if (dif !== null) s.lastY += dif * (times - stored);
  }
}

/**
 * Applies the Y tokens of one tokenised line (token 0 is its X). The DIF Y-check
 * (first Y of a line repeating the last Y of a line that ended in DIF form) is
 * verified and dropped; a mismatch means a lost or corrupted line. Returns the
 * index of the point the line's X belongs to.
 */
export function decodeLineYs(s: YStream, buf: TokenBuffer, lineText: string, lineNo: number, ctx: Ctx): number {
  let firstOrdinate = s.count;
  let lastKind = -1;
  let lastDif = 0;
  for (let t = 1; t < buf.count; t++) {
    const kind = buf.kinds[t];
    const v = buf.values[t];
    if (kind === TOK_ABS) {
      if (t === 1 && s.checkPending) {
        if (!sameY(v, s.lastY)) {
          throw lineError(
            ctx,
            lineNo,
            `DIF Y-check failed: the line starts with Y=${v}, but the previous line ended with Y=${s.lastY} (a line is missing or corrupted).`,
          );
        }
        firstOrdinate = s.count - 1;
        s.lastY = v;
      } else {
        pushY(s, v);
      }
      lastKind = TOK_ABS;
    } else if (kind === TOK_DIF) {
      if (!s.hasY) throw lineError(ctx, lineNo, `DIF value ${quoteJcamp(lineText.slice(buf.starts[t], buf.ends[t]))} has no preceding Y value.`);
      pushY(s, s.lastY + v);
      lastKind = TOK_DIF;
      lastDif = v;
    } else {
      if (lastKind < 0 || v < 1) {
        throw lineError(ctx, lineNo, `DUP count ${quoteJcamp(lineText.slice(buf.starts[t], buf.ends[t]))} does not follow a Y value.`);
      }
      repeatY(s, v - 1, lastKind === TOK_DIF ? lastDif : null);
    }
  }
  s.checkPending = lastKind === TOK_DIF;
  return firstOrdinate;
}

/** Y-check values are written with the same digits, so they agree to rounding of decimal sums. */
function sameY(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}
