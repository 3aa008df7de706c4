/**
 * Tells text formats apart by content, because extensions lie: `.txt` may be a two-column
 * export, a wide table or JCAMP-DX, and `.csv` may be two columns.
 */
import { bomLength, decodeSpan, findNul } from './delimited';
import { splitXYLine } from './xy';

export type TextKind = 'jcamp' | 'xy' | 'table' | 'binary';

/** Binary formats put NUL bytes in their headers; text never has them. Only this much is checked. */
const BINARY_PROBE = 4096;

/** Lines inspected for the xy decision; a wide table fails on its first data line anyway. */
const MAX_XY_LINES = 100_000;

/** More non-numeric lines than this before any data means it is not an x,y export. */
const MAX_HEADER_LINES = 50;

/** An x,y data line is two numbers; anything much longer is a table row and is not decoded. */
const MAX_XY_LINE_BYTES = 200;

/**
 * Classifies a file's bytes:
 * - 'binary': a NUL byte in the first 4 KB;
 * - 'jcamp': starts (after BOM/whitespace) with `##TITLE`, or with `##` in a .jdx/.dx/.jcm file;
 * - 'xy': every data line is exactly two numbers (header lines before the data and `#`/`%`/`;`
 *   comment lines are allowed), with at least two data lines;
 * - 'table': anything else.
 */
export function sniffTextKind(bytes: Uint8Array, fileName: string): TextKind {
  if (findNul(bytes, BINARY_PROBE) >= 0) return 'binary';
  let p = bomLength(bytes);
  while (p < bytes.length && (bytes[p] === 0x20 || bytes[p] === 0x09 || bytes[p] === 0x0a || bytes[p] === 0x0d)) p++;
  const head = decodeSpan(bytes, p, Math.min(bytes.length, p + 8)).toUpperCase();
  if (head.startsWith('##TITLE')) return 'jcamp';
  if (head.startsWith('##') && /\.(jdx|dx|jcm|jcamp)$/i.test(fileName)) return 'jcamp';
  return looksLikeXY(bytes, p) ? 'xy' : 'table';
}

/** True when every data line after optional header lines is exactly two numbers. */
function looksLikeXY(bytes: Uint8Array, start: number): boolean {
  let dataLines = 0;
  let headerLines = 0;
  let seen = 0;
  let p = start;
  const end = bytes.length;
  while (p < end && seen < MAX_XY_LINES) {
    let q = p;
    while (q < end && bytes[q] !== 0x0a && bytes[q] !== 0x0d) q++;
    const long = q - p > MAX_XY_LINE_BYTES;
    const text = long ? '' : decodeSpan(bytes, p, q).trim();
    p = q + 1;
    seen++;
    if (!long && (text === '' || /^[#%;]/.test(text))) continue;
    const fields = long ? null : splitXYLine(text);
    if (fields !== null && typeof fields === 'object') {
      dataLines++;
      continue;
    }
    if (dataLines > 0 || typeof fields === 'number' || ++headerLines > MAX_HEADER_LINES) return false;
  }
  return dataLines >= 2;
}
