/**
 * JCAMP-DX reader (format id 'jcamp').
 *
 * Reads the labelled-data-record (LDR) text format used by IR, Raman and UV-Vis
 * instruments: `##XYDATA=(X++(Y..Y))` in every ASDF form (AFFN, PAC, SQZ, DIF, DUP
 * and mixtures), `(XY..XY)` pair tables (`##XYPOINTS`, `##PEAK TABLE`, and `##XYDATA`
 * written as pairs), and LINK/compound files with several (nested) `##TITLE` blocks.
 *
 * The file is not trusted: point counts, the DIF Y-check, the abscissa of every
 * line and the final X against LASTX are all verified, and every problem is
 * reported as a UserError naming the file and the 1-based line.
 * NTUPLES (nD NMR / MS pages) are not decoded; such blocks are skipped with a warning.
 */
import type {
  AxisUnit,
  ColumnKind,
  ImportOptions,
  MetaValue,
  ParsedAxis,
  ParsedBatch,
  ParsedSample,
} from '../common/domain/spectra';
import { UserError, badInput } from '../common/errors';

export const JCAMP_FORMAT_ID = 'jcamp';

/**
 * Hard ceiling on NPOINTS. 16 Mi points (128 MiB as Float64) is far beyond any
 * optical spectrum; the ceiling keeps a corrupt header from exhausting memory.
 */
const MAX_POINTS = 16_777_216;

/**
 * Upper bound on points per character of data text. Only DUP compression can
 * encode more than one point per character ("%s" is 9 points in 2 characters);
 * 64 leaves ample room for long flat runs while rejecting absurd headers before
 * anything is allocated.
 */
const MAX_POINTS_PER_DATA_CHAR = 64;

/** Largest finite float32; intensities are stored as Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** How many data lines are decoded between progress reports / abort checks. */
const PROGRESS_EVERY_LINES = 8192;

/** Labels whose continuation lines are data, not a multi-line text value. */
const DATA_LABELS = new Set(['XYDATA', 'XYPOINTS', 'PEAKTABLE', 'DATATABLE', 'RADATA']);

/** Labels copied to sample metadata (normalised label → meta key). */
const META_LABELS: ReadonlyArray<readonly [string, string]> = [
  ['TITLE', 'title'],
  ['DATATYPE', 'dataType'],
  ['ORIGIN', 'origin'],
  ['OWNER', 'owner'],
  ['MOLFORM', 'molform'],
];

/** One labelled data record: `##LABEL=value` plus its continuation lines. */
interface Ldr {
  /** Normalised label (uppercase, without spaces, '-', '_', '/'). */
  label: string;
  /** Value with `$$` comments removed; continuation lines joined by '\n' (text labels only). */
  value: string;
  /** 1-based line of the `##` line. */
  line: number;
  /** 0-based index of the first continuation line. */
  contStart: number;
  /** 0-based index one past the last continuation line. */
  contEnd: number;
}

/** A `##TITLE` … `##END` block; LINK files nest blocks inside the outer one. */
interface Block {
  title: string;
  line: number;
  ldrs: Ldr[];
  children: Block[];
}

/** A decoded spectrum from one block. */
interface DecodedSpectrum {
  x: Float64Array;
  y: Float32Array;
  unit: AxisUnit;
  unitFromFile: boolean;
  yUnit: string | null;
  meta: Record<string, MetaValue>;
  isPeakTable: boolean;
}

/** Context threaded through the decoders: file name for errors, progress, cancellation. */
interface Ctx {
  file: string;
  opts: ImportOptions;
  totalLines: number;
  warnings: string[];
}

/**
 * Parses a JCAMP-DX file into one sample per spectral block.
 * Throws UserError (BAD_INPUT) naming the file and line for anything it cannot trust.
 */
export function parseJcamp(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const ctx: Ctx = { file: fileName, opts, totalLines: 0, warnings: [] };
  checkAbort(ctx);
  const text = decodeText(bytes, fileName);
  const lines = splitLines(text);
  ctx.totalLines = lines.length;
  const ldrs = readLdrs(lines, fileName);
  const roots = buildBlocks(ldrs, fileName, ctx.warnings);

  const spectral: Array<{ block: Block; spectrum: DecodedSpectrum }> = [];
  const skipped: string[] = [];
  let unsupported = 0;
  for (const block of flattenBlocks(roots)) {
    checkAbort(ctx);
    const kind = classifyBlock(block);
    if (kind === 'spectral') {
      spectral.push({ block, spectrum: decodeBlock(block, lines, ctx) });
    } else if (kind === 'ntuples') {
      unsupported++;
      skipped.push(`${describeBlock(block)} (NTUPLES data, not supported)`);
    } else if (kind === 'other') {
      skipped.push(describeBlock(block));
    }
  }
  if (spectral.length === 0) {
    if (unsupported > 0) {
      throw new UserError(
        'UNSUPPORTED_FORMAT',
        `${fileName}: only NTUPLES data found (nD NMR / MS pages), which this JCAMP-DX reader does not decode.`,
        { file: fileName },
      );
    }
    throw badInput(fileName, `${fileName}: no spectrum found (no ##XYDATA, ##XYPOINTS or ##PEAK TABLE record).`);
  }
  if (skipped.length > 0) ctx.warnings.push(skippedWarning(skipped));
  opts.onProgress?.(1);
  return assembleBatch(spectral, fileName, ctx);
}

// ---------------------------------------------------------------------------
// Text and record level
// ---------------------------------------------------------------------------

/**
 * Bytes → text. JCAMP-DX is ASCII; latin1 keeps every byte as one character so
 * that garbage in a data line can be shown verbatim in the error. Binary content
 * (NUL or many control bytes) is rejected up front rather than reported as a
 * confusing parse error deep in the file.
 */
function decodeText(bytes: Uint8Array, file: string): string {
  if (bytes.length === 0) throw badInput(file, `${file} is empty.`);
  if (looksBinary(bytes)) throw badInput(file, `${file} is not a JCAMP-DX file: it contains binary data.`);
  let text = latin1(bytes);
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  // A trailing Ctrl-Z is the DOS end-of-file mark some old writers append.
  const eof = text.indexOf('\u001a');
  if (eof >= 0 && text.slice(eof).trim().split('\u001a').join('') === '') text = text.slice(0, eof);
  if (text.trim() === '') throw badInput(file, `${file} is empty.`);
  return text;
}

/**
 * ISO-8859-1 decoding done by hand: exact byte-to-code-point mapping without
 * depending on the ICU data of the runtime (TextDecoder('latin1') is windows-1252).
 */
function latin1(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 8192) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + 8192)));
  }
  return parts.join('');
}

/** NUL bytes or more than 1% control bytes (other than tab/CR/LF/Ctrl-Z) in the first 64 KiB mean binary. */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 65536);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1a && b !== 0x0c) control++;
  }
  return control > n / 100;
}

/** Splits on CRLF, CR or LF: the fixtures mix DOS and Unix line ends. */
function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Removes a `$$` comment (JCAMP-DX comments run to the end of the line). */
function stripComment(line: string): string {
  const at = line.indexOf('$$');
  return at >= 0 ? line.slice(0, at) : line;
}

/**
 * Normalises a label the way the standard says labels compare:
 * case-insensitive, ignoring spaces, '-', '_' and '/' ("DATA TYPE" = "DATATYPE").
 */
export function normalizeLabel(label: string): string {
  return label.replace(/[\s\-_/]/g, '').toUpperCase();
}

/**
 * Splits the file into LDRs. Continuation lines of text labels are joined into
 * the value (multi-line ORIGIN, TITLE…); for data labels only their line range
 * is kept so that data can be decoded line by line with exact line numbers.
 */
function readLdrs(lines: string[], file: string): Ldr[] {
  const ldrs: Ldr[] = [];
  let current: Ldr | null = null;
  const textParts: string[] = [];
  const finish = (end: number): void => {
    if (current === null) return;
    current.contEnd = end;
    if (!DATA_LABELS.has(current.label) && textParts.length > 0) {
      current.value = [current.value, ...textParts].filter((s) => s !== '').join('\n');
    }
    textParts.length = 0;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const lead = raw.trimStart();
    if (lead.startsWith('##')) {
      finish(i);
      const body = lead.slice(2);
      const eq = body.indexOf('=');
      const label = normalizeLabel(eq >= 0 ? body.slice(0, eq) : body);
      const value = eq >= 0 ? stripComment(body.slice(eq + 1)).trim() : '';
      if (ldrs.length === 0 && label !== 'TITLE') {
        const shown = (eq >= 0 ? body.slice(0, eq) : body).trim();
        throw badInput(file, `${file} is not a JCAMP-DX file: the first record is ##${shown}=, expected ##TITLE=.`, {
          line: i + 1,
        });
      }
      current = { label, value, line: i + 1, contStart: i + 1, contEnd: i + 1 };
      ldrs.push(current);
    } else if (current === null) {
      if (stripComment(raw).trim() !== '') {
        throw badInput(file, `${file} is not a JCAMP-DX file: it must start with ##TITLE=.`, { line: i + 1 });
      }
    } else if (!DATA_LABELS.has(current.label)) {
      const part = stripComment(raw).trim();
      if (part !== '') textParts.push(part);
    }
  }
  finish(lines.length);
  if (ldrs.length === 0) throw badInput(file, `${file} is not a JCAMP-DX file: no ##TITLE= record.`);
  return ldrs;
}

/**
 * Builds the block tree: ##TITLE opens a block (nested when the previous one is
 * still open, as in LINK files), ##END closes the innermost one. Records after
 * a top-level ##END that are not a new ##TITLE are ignored with a warning.
 */
function buildBlocks(ldrs: Ldr[], file: string, warnings: string[]): Block[] {
  const roots: Block[] = [];
  const stack: Block[] = [];
  let stray = 0;
  for (const ldr of ldrs) {
    if (ldr.label === 'TITLE') {
      const block: Block = { title: oneLine(ldr.value), line: ldr.line, ldrs: [ldr], children: [] };
      const parent = stack[stack.length - 1];
      if (parent === undefined) roots.push(block);
      else parent.children.push(block);
      stack.push(block);
    } else if (stack.length === 0) {
      stray++;
    } else {
      stack[stack.length - 1].ldrs.push(ldr);
      if (ldr.label === 'END') stack.pop();
    }
  }
  if (stack.length > 0) warnings.push(`${file}: ${stack.length} block(s) have no ##END= record (file may be truncated).`);
  if (stray > 0) warnings.push(`${file}: ${stray} record(s) after the final ##END= were ignored.`);
  return roots;
}

/** Depth-first, file order: the order blocks appear in the file. */
function flattenBlocks(roots: Block[]): Block[] {
  const out: Block[] = [];
  const visit = (b: Block): void => {
    out.push(b);
    for (const c of b.children) visit(c);
  };
  roots.forEach(visit);
  return out;
}

type BlockKind = 'spectral' | 'ntuples' | 'container' | 'other';

/** A block is spectral when it has a data table; LINK blocks with children are just containers. */
function classifyBlock(block: Block): BlockKind {
  if (findDataLdr(block) !== null) return 'spectral';
  if (block.ldrs.some((l) => l.label === 'NTUPLES')) return 'ntuples';
  if (block.children.length > 0) return 'container';
  return 'other';
}

/** Preference order when one block holds several tables: continuous data before peak sticks. */
function findDataLdr(block: Block): Ldr | null {
  for (const label of ['XYDATA', 'XYPOINTS', 'PEAKTABLE']) {
    const hit = block.ldrs.find((l) => l.label === label);
    if (hit !== undefined) return hit;
  }
  return null;
}

function describeBlock(block: Block): string {
  return `"${block.title}" (line ${block.line})`;
}

function skippedWarning(skipped: string[]): string {
  const shown = skipped.slice(0, 5).join(', ');
  const more = skipped.length > 5 ? ` and ${skipped.length - 5} more` : '';
  return `${skipped.length} block(s) skipped, not spectra: ${shown}${more}.`;
}

function oneLine(value: string): string {
  return value.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * The parameters that apply to a data table: the latest definition before it
 * (JCAMP allows redefining NPOINTS etc. before a second table), else the first after.
 */
function paramsFor(block: Block, data: Ldr): Map<string, Ldr> {
  const map = new Map<string, Ldr>();
  const at = block.ldrs.indexOf(data);
  block.ldrs.forEach((l, i) => {
    if (i < at || !map.has(l.label)) map.set(l.label, l);
  });
  return map;
}

// ---------------------------------------------------------------------------
// Header values
// ---------------------------------------------------------------------------

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Strict number parse: Number('') is 0 and Number('0x10') is 16, neither acceptable here. */
function parseStrictNumber(text: string): number | null {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Reads an optional numeric LDR; a present but unreadable value is an error, not a default. */
function numberParam(params: Map<string, Ldr>, label: string, ctx: Ctx): number | null {
  const ldr = params.get(label);
  if (ldr === undefined || ldr.value === '') return null;
  const v = parseStrictNumber(ldr.value);
  if (v === null) {
    throw badInput(ctx.file, `${ctx.file}, line ${ldr.line}: ##${label}= "${ldr.value}" is not a number.`, {
      line: ldr.line,
      field: label,
    });
  }
  return v;
}

function requireNumber(params: Map<string, Ldr>, label: string, data: Ldr, ctx: Ctx): number {
  const v = numberParam(params, label, ctx);
  if (v === null) {
    throw badInput(ctx.file, `${ctx.file}, line ${data.line}: ##${label}= is required for this data table but missing.`, {
      line: data.line,
      field: label,
    });
  }
  return v;
}

/** X/Y factors multiply every value; zero would silently flatten the spectrum. */
function factorParam(params: Map<string, Ldr>, label: string, ctx: Ctx): number {
  const v = numberParam(params, label, ctx);
  if (v === null) return 1;
  if (v === 0) {
    const line = params.get(label)?.line;
    throw badInput(ctx.file, `${ctx.file}, line ${line}: ##${label}= is 0.`, { line, field: label });
  }
  return v;
}

/**
 * NPOINTS must be a positive integer that the data text could actually hold;
 * this runs before allocation so that NPOINTS=1e12 fails at once.
 */
function checkNpoints(n: number, ldr: Ldr, dataChars: number, ctx: Ctx): number {
  const where = { line: ldr.line, field: 'NPOINTS' };
  if (!Number.isInteger(n) || n < 1) {
    throw badInput(ctx.file, `${ctx.file}, line ${ldr.line}: NPOINTS=${ldr.value} is not a positive whole number.`, where);
  }
  const plausible = Math.min(MAX_POINTS, Math.max(1, dataChars) * MAX_POINTS_PER_DATA_CHAR);
  if (n > plausible) {
    throw badInput(
      ctx.file,
      `${ctx.file}, line ${ldr.line}: NPOINTS=${ldr.value} is not plausible: the data section has only ${dataChars} characters (at most ${plausible} points).`,
      where,
    );
  }
  return n;
}

/** Maps XUNITS to the app's axis units; unknown units fall back to the user's choice. */
export function axisUnitFromXUnits(xUnits: string | null): AxisUnit | null {
  if (xUnits === null) return null;
  const u = xUnits.toUpperCase().replace(/\s+/g, '');
  if (['1/CM', 'CM-1', 'CM^-1', '1/CENTIMETERS', 'WAVENUMBER', 'WAVENUMBERS', 'WAVENUMBERS(CM-1)'].includes(u)) return 'cm-1';
  if (['NANOMETERS', 'NANOMETER', 'NM'].includes(u)) return 'nm';
  if (['MICROMETERS', 'MICROMETER', 'MICRONS', 'MICRON', 'UM', '\u00b5M'].includes(u)) return 'um';
  if (['MINUTES', 'MIN'].includes(u)) return 'min';
  if (['M/Z', 'MZ'].includes(u)) return 'mz';
  return null;
}

function textParam(params: Map<string, Ldr>, label: string): string | null {
  const v = params.get(label)?.value;
  return v === undefined || v.trim() === '' ? null : oneLine(v);
}

// ---------------------------------------------------------------------------
// Block decoding
// ---------------------------------------------------------------------------

function decodeBlock(block: Block, lines: string[], ctx: Ctx): DecodedSpectrum {
  const data = findDataLdr(block);
  if (data === null) throw new Error('decodeBlock called on a block without data');
  const params = paramsFor(block, data);
  const form = normalizeLabel(data.value).replace(/[()]/g, '');
  let xy: { x: Float64Array; y: Float64Array; lineOf: (i: number) => number };
  if (form === 'X++Y..Y') {
    xy = decodeXppYY(data, params, lines, ctx);
  } else if (['XY..XY', 'XYW..XYW', 'XYM..XYM'].includes(form)) {
    xy = decodePairs(data, params, lines, form.length === 6 ? 2 : 3, ctx);
  } else {
    throw badInput(ctx.file, `${ctx.file}, line ${data.line}: ##${data.label}=${data.value}: this variable list is not supported.`, {
      line: data.line,
      field: data.label,
    });
  }
  const y = toFloat32(xy.y, xy.lineOf, ctx);
  const fileUnit = axisUnitFromXUnits(textParam(params, 'XUNITS'));
  const yUnitText = textParam(params, 'YUNITS');
  return {
    x: xy.x,
    y,
    unit: fileUnit ?? ctx.opts.axisUnit ?? 'other',
    unitFromFile: fileUnit !== null,
    yUnit: yUnitText === null ? null : yUnitText.toLowerCase(),
    meta: blockMeta(params),
    isPeakTable: data.label === 'PEAKTABLE',
  };
}

function blockMeta(params: Map<string, Ldr>): Record<string, MetaValue> {
  const meta: Record<string, MetaValue> = {};
  for (const [label, key] of META_LABELS) {
    const v = textParam(params, label);
    if (v !== null) meta[key] = v;
  }
  return meta;
}

/**
 * Scales to float32 and checks every value: a finite float64 can still overflow
 * float32, and downstream code assumes all intensities are finite.
 */
function toFloat32(y: Float64Array, lineOf: (i: number) => number, ctx: Ctx): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    out[i] = v;
    if (!Number.isFinite(out[i])) {
      const line = lineOf(i);
      const why = Number.isFinite(v) ? `is beyond the float32 range (±${FLOAT32_MAX.toExponential(3)})` : 'is not finite';
      throw badInput(ctx.file, `${ctx.file}, line ${line}: Y value ${v} (point ${i + 1}) ${why}.`, { line });
    }
  }
  return out;
}

function dataCharCount(lines: string[], ldr: Ldr): number {
  let n = 0;
  for (let i = ldr.contStart; i < ldr.contEnd; i++) n += lines[i].length;
  return n;
}

function checkAbort(ctx: Ctx): void {
  if (ctx.opts.signal?.aborted) throw new UserError('CANCELLED', `Import of ${ctx.file} was cancelled.`, { file: ctx.file });
}

function reportProgress(ctx: Ctx, lineIndex: number): void {
  checkAbort(ctx);
  if (ctx.opts.onProgress && ctx.totalLines > 0) ctx.opts.onProgress(Math.min(1, lineIndex / ctx.totalLines));
}

// ---------------------------------------------------------------------------
// ASDF tokeniser (AFFN, PAC, SQZ, DIF, DUP)
// ---------------------------------------------------------------------------

const TOK_ABS = 0;
const TOK_DIF = 1;
const TOK_DUP = 2;

/** Reusable token storage for one line; grows to the longest line seen. */
interface TokenBuffer {
  kinds: Uint8Array;
  values: Float64Array;
  /** Column (0-based) where each token starts, and where it ends, for messages and X precision. */
  starts: Int32Array;
  ends: Int32Array;
  count: number;
}

function newTokenBuffer(capacity: number): TokenBuffer {
  return {
    kinds: new Uint8Array(capacity),
    values: new Float64Array(capacity),
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    count: 0,
  };
}

/** A line that could not be tokenised: which character, where, in which token. */
interface ScanError {
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
function scanAsdfLine(line: string, buf: TokenBuffer): ScanError | null {
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

/** Makes control or non-ASCII characters visible in messages. */
function showToken(token: string): string {
  const visible = token.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${visible}"`;
}

/** Digits after the decimal point of a printed abscissa: its rounding is ±0.5 in the last digit. */
function decimalsOf(token: string): number {
  const m = /\.(\d*)/.exec(token);
  return m === null ? 0 : m[1].length;
}

// ---------------------------------------------------------------------------
// (X++(Y..Y))
// ---------------------------------------------------------------------------

/** Equidistant-X header: X is computed from FIRSTX/LASTX/NPOINTS, never by adding DELTAX up. */
interface XppParams {
  firstX: number;
  lastX: number;
  n: number;
  xFactor: number;
  yFactor: number;
  firstY: number | null;
}

function readXppParams(data: Ldr, params: Map<string, Ldr>, lines: string[], ctx: Ctx): XppParams {
  const npLdr = params.get('NPOINTS');
  const nRaw = requireNumber(params, 'NPOINTS', data, ctx);
  const n = checkNpoints(nRaw, npLdr ?? data, dataCharCount(lines, data), ctx);
  const firstX = requireNumber(params, 'FIRSTX', data, ctx);
  const deltaX = numberParam(params, 'DELTAX', ctx);
  let lastX = numberParam(params, 'LASTX', ctx);
  if (lastX === null) {
    if (deltaX === null) requireNumber(params, 'LASTX', data, ctx);
    lastX = firstX + (n - 1) * (deltaX ?? 0);
  }
  if (deltaX !== null && n > 1) {
    const step = (lastX - firstX) / (n - 1);
    if (Math.abs(step - deltaX) > 1e-3 * Math.abs(step)) {
      ctx.warnings.push(
        `${ctx.file}, line ${params.get('DELTAX')?.line}: DELTAX=${deltaX} disagrees with (LASTX-FIRSTX)/(NPOINTS-1)=${step}; X was computed from FIRSTX, LASTX and NPOINTS.`,
      );
    }
  }
  return {
    firstX,
    lastX,
    n,
    xFactor: factorParam(params, 'XFACTOR', ctx),
    yFactor: factorParam(params, 'YFACTOR', ctx),
    firstY: numberParam(params, 'FIRSTY', ctx),
  };
}

/** X of point i, interpolated from both ends so that the last point is exactly LASTX. */
function xAt(p: XppParams, i: number): number {
  if (p.n === 1) return p.firstX;
  return i === p.n - 1 ? p.lastX : p.firstX + ((p.lastX - p.firstX) * i) / (p.n - 1);
}

/** Mutable decoder state for (X++(Y..Y)); kept in one object so each step is a small function. */
interface XppState {
  p: XppParams;
  /** Raw (unscaled) Y values; length NPOINTS. */
  raw: Float64Array;
  /** Points seen, including any beyond NPOINTS (counted, not stored). */
  count: number;
  lastY: number;
  hasY: boolean;
  /** The previous line ended with a DIF value, so this line starts with a Y-check value. */
  checkPending: boolean;
  /** 1-based line numbers and first point index of each data line, to locate a bad point later. */
  lineNos: number[];
  lineFirstPoint: number[];
  firstXMismatch: string | null;
  last: { line: number; xLine: number; xTol: number; firstOrdinate: number } | null;
}

function pushY(s: XppState, v: number): void {
  if (s.count < s.raw.length) s.raw[s.count] = v;
  s.count++;
  s.lastY = v;
  s.hasY = true;
}

/** Repeats a value r-1 more times without looping past NPOINTS (DUP counts can be huge in a corrupt file). */
function repeatY(s: XppState, times: number, dif: number | null): void {
  const room = Math.max(0, s.raw.length - s.count);
  const stored = Math.min(times, room);
  for (let k = 0; k < stored; k++) pushY(s, dif === null ? s.lastY : s.lastY + dif);
  if (times > stored) {
    s.count += times - stored;
    if (dif !== null) s.lastY += dif * (times - stored);
  }
}

function lineError(ctx: Ctx, line: number, message: string): UserError {
  return badInput(ctx.file, `${ctx.file}, line ${line}: ${message}`, { line });
}

/**
 * Applies one tokenised line: X, then Y values in any ASDF mix. The DIF Y-check
 * (first Y of a line repeating the last Y of a line that ended in DIF form) is
 * verified and dropped; a mismatch means a lost or corrupted line.
 */
function applyXppLine(s: XppState, buf: TokenBuffer, lineText: string, lineNo: number, ctx: Ctx): void {
  if (buf.kinds[0] !== TOK_ABS) {
    throw lineError(ctx, lineNo, `expected an X value at the start of the line, found ${showToken(lineText.slice(buf.starts[0], buf.ends[0]))}.`);
  }
  if (buf.count < 2) throw lineError(ctx, lineNo, 'the line has an X value but no Y values.');
  const xToken = lineText.slice(buf.starts[0], buf.ends[0]);
  const xLine = buf.values[0] * s.p.xFactor;
  let firstOrdinate = s.count;
  let lastKind = -1;
  let lastDif = 0;
  s.lineNos.push(lineNo);
  s.lineFirstPoint.push(s.count);
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
      if (!s.hasY) throw lineError(ctx, lineNo, `DIF value ${showToken(lineText.slice(buf.starts[t], buf.ends[t]))} has no preceding Y value.`);
      pushY(s, s.lastY + v);
      lastKind = TOK_DIF;
      lastDif = v;
    } else {
      if (lastKind < 0 || v < 1) {
        throw lineError(ctx, lineNo, `DUP count ${showToken(lineText.slice(buf.starts[t], buf.ends[t]))} does not follow a Y value.`);
      }
      repeatY(s, v - 1, lastKind === TOK_DIF ? lastDif : null);
    }
  }
  s.checkPending = lastKind === TOK_DIF;
  checkLineX(s, xLine, xToken, firstOrdinate, lineNo);
}

/** Y-check values are written with the same digits, so they agree to rounding of decimal sums. */
function sameY(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Tolerance for a printed abscissa: half a point spacing plus half a unit in its
 * last printed digit. Files print X rounded (often to whole XFACTOR units), so
 * an exact comparison would reject good files.
 */
function xTolerance(p: XppParams, xToken: string): number {
  const step = p.n > 1 ? Math.abs(p.lastX - p.firstX) / (p.n - 1) : 0;
  return 0.5 * step + 0.5 * Math.pow(10, -decimalsOf(xToken)) * Math.abs(p.xFactor) + 1e-9 * Math.abs(p.firstX);
}

/** Remembers the first line whose X disagrees with the computed axis, and the last line for the LASTX check. */
function checkLineX(s: XppState, xLine: number, xToken: string, firstOrdinate: number, lineNo: number): void {
  const xTol = xTolerance(s.p, xToken);
  s.last = { line: lineNo, xLine, xTol, firstOrdinate };
  if (s.firstXMismatch !== null || firstOrdinate >= s.p.n) return;
  const expected = xAt(s.p, firstOrdinate);
  if (Math.abs(xLine - expected) > xTol) {
    s.firstXMismatch = `line ${lineNo} starts at X=${fmt(xLine)} but point ${firstOrdinate + 1} should be at X=${fmt(expected)}`;
  }
}

function fmt(v: number): string {
  return Number(v.toPrecision(8)).toString();
}

function decodeXppYY(
  data: Ldr,
  params: Map<string, Ldr>,
  lines: string[],
  ctx: Ctx,
): { x: Float64Array; y: Float64Array; lineOf: (i: number) => number } {
  const p = readXppParams(data, params, lines, ctx);
  const s: XppState = {
    p,
    raw: new Float64Array(p.n),
    count: 0,
    lastY: 0,
    hasY: false,
    checkPending: false,
    lineNos: [],
    lineFirstPoint: [],
    firstXMismatch: null,
    last: null,
  };
  let buf = newTokenBuffer(64);
  for (let i = data.contStart; i < data.contEnd; i++) {
    if ((i - data.contStart) % PROGRESS_EVERY_LINES === PROGRESS_EVERY_LINES - 1) reportProgress(ctx, i);
    const text = stripComment(lines[i]);
    if (text.trim() === '') continue;
    if (buf.kinds.length < text.length + 1) buf = newTokenBuffer(text.length + 1);
    const err = scanAsdfLine(text, buf);
    if (err !== null) {
      throw lineError(ctx, i + 1, `${showToken(err.token)} at column ${err.column + 1} ${err.reason}.`);
    }
    if (buf.count === 0) continue;
    applyXppLine(s, buf, text, i + 1, ctx);
  }
  verifyXppEnd(s, data, ctx);
  const y = s.raw;
  for (let i = 0; i < y.length; i++) y[i] *= p.yFactor;
  checkFirstY(p, y, ctx, data);
  const x = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) x[i] = xAt(p, i);
  return { x, y, lineOf: (i) => lineOfPoint(s, i) };
}

/** Count first (the most telling symptom of a cut file), then the final X against LASTX. */
function verifyXppEnd(s: XppState, data: Ldr, ctx: Ctx): void {
  if (s.count !== s.p.n) {
    const hint = s.firstXMismatch === null ? '' : ` The X values first go wrong at ${s.firstXMismatch}.`;
    throw badInput(ctx.file, `${ctx.file}: NPOINTS says ${s.p.n}, the data has ${s.count} (##${data.label}= at line ${data.line}).${hint}`, {
      line: data.line,
      field: 'NPOINTS',
    });
  }
  const last = s.last;
  if (last === null) throw lineError(ctx, data.line, 'the data table is empty.');
  const endX = last.xLine + (s.p.n - 1 - last.firstOrdinate) * (s.p.n > 1 ? (s.p.lastX - s.p.firstX) / (s.p.n - 1) : 0);
  if (Math.abs(endX - s.p.lastX) > last.xTol) {
    throw badInput(ctx.file, `${ctx.file}, line ${last.line}: the data ends at X=${fmt(endX)}, but LASTX is ${fmt(s.p.lastX)}.`, {
      line: last.line,
      field: 'LASTX',
    });
  }
  if (s.firstXMismatch !== null) ctx.warnings.push(`${ctx.file}: ${s.firstXMismatch}; X was computed from FIRSTX, LASTX and NPOINTS.`);
}

/**
 * FIRSTY is an independent copy of the first scaled Y. It disagrees in some
 * real files whose YFACTOR is mistyped (jtpolysd.jdx), so a mismatch is a
 * warning pointing at YFACTOR rather than an error.
 */
function checkFirstY(p: XppParams, y: Float64Array, ctx: Ctx, data: Ldr): void {
  if (p.firstY === null || y.length === 0) return;
  const tol = Math.max(1.5 * Math.abs(p.yFactor), 1e-4 * Math.abs(p.firstY), 1e-12);
  if (Math.abs(y[0] - p.firstY) > tol) {
    ctx.warnings.push(
      `${ctx.file}, line ${data.line}: first Y is ${fmt(y[0])} but FIRSTY says ${fmt(p.firstY)}; YFACTOR may be wrong.`,
    );
  }
}

/** Binary search over line starts: which data line holds point i. */
function lineOfPoint(s: XppState, i: number): number {
  let lo = 0;
  let hi = s.lineFirstPoint.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (s.lineFirstPoint[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return s.lineNos[lo] ?? 0;
}

// ---------------------------------------------------------------------------
// (XY..XY) pairs: XYPOINTS, PEAK TABLE, XYDATA written as pairs
// ---------------------------------------------------------------------------

/**
 * Decodes explicit X,Y groups (W or M as a third item is read past). Values are
 * plain AFFN; anything else names its line. X stays in file order.
 */
function decodePairs(
  data: Ldr,
  params: Map<string, Ldr>,
  lines: string[],
  groupSize: number,
  ctx: Ctx,
): { x: Float64Array; y: Float64Array; lineOf: (i: number) => number } {
  const chars = dataCharCount(lines, data);
  const nLdr = params.get('NPOINTS');
  const nDeclared = nLdr === undefined ? null : checkNpoints(requireNumber(params, 'NPOINTS', data, ctx), nLdr, chars, ctx);
  const capacity = nDeclared ?? Math.ceil(chars / 2) + 1;
  const xFactor = factorParam(params, 'XFACTOR', ctx);
  const yFactor = factorParam(params, 'YFACTOR', ctx);
  const x = new Float64Array(capacity);
  const y = new Float64Array(capacity);
  const pointLines: number[] = [];
  let count = 0;
  let item = 0;
  let pendingX = 0;
  for (let i = data.contStart; i < data.contEnd; i++) {
    if ((i - data.contStart) % PROGRESS_EVERY_LINES === PROGRESS_EVERY_LINES - 1) reportProgress(ctx, i);
    const text = stripComment(lines[i]).trim();
    if (text === '') continue;
    for (const token of text.split(/[\s,;]+/)) {
      if (token === '') continue;
      const slot = item % groupSize;
      item++;
      if (slot === 2) continue;
      const v = parseStrictNumber(token);
      if (v === null) {
        const why = token === '?' ? 'is a missing value ("?")' : 'is not a number';
        throw lineError(ctx, i + 1, `${showToken(token)} ${why}.`);
      }
      if (slot === 0) {
        pendingX = v * xFactor;
      } else {
        if (count < capacity) {
          x[count] = pendingX;
          y[count] = v * yFactor;
          pointLines[count] = i + 1;
        }
        count++;
      }
    }
  }
  if (item % groupSize !== 0) {
    throw lineError(ctx, data.contEnd, `the last (X,Y) group is incomplete (${item % groupSize} of ${groupSize} values).`);
  }
  if (nDeclared !== null && count !== nDeclared) {
    throw badInput(ctx.file, `${ctx.file}: NPOINTS says ${nDeclared}, the data has ${count} (##${data.label}= at line ${data.line}).`, {
      line: data.line,
      field: 'NPOINTS',
    });
  }
  if (count === 0) throw lineError(ctx, data.line, 'the data table is empty.');
  const xs = x.slice(0, count);
  if (data.label !== 'PEAKTABLE') checkPairRange(xs, params, pointLines, ctx);
  for (let k = 0; k < count; k++) {
    if (!Number.isFinite(xs[k])) throw lineError(ctx, pointLines[k], `X value ${xs[k]} is not finite.`);
  }
  return { x: xs, y: y.slice(0, count), lineOf: (k) => pointLines[k] ?? data.line };
}

/**
 * Explicit X must agree with FIRSTX/LASTX when the header gives them (half the
 * mean spacing); a peak table is exempt because its range is the spectrum's.
 */
function checkPairRange(xs: Float64Array, params: Map<string, Ldr>, pointLines: number[], ctx: Ctx): void {
  const firstX = numberParam(params, 'FIRSTX', ctx);
  const lastX = numberParam(params, 'LASTX', ctx);
  const n = xs.length;
  const span = firstX !== null && lastX !== null ? Math.abs(lastX - firstX) : Math.abs(xs[n - 1] - xs[0]);
  const tol = (n > 1 ? 0.5 * (span / (n - 1)) : 0) + 1e-9 * Math.max(Math.abs(xs[0]), Math.abs(xs[n - 1]));
  if (firstX !== null && Math.abs(xs[0] - firstX) > tol) {
    throw lineError(ctx, pointLines[0], `the data starts at X=${fmt(xs[0])}, but FIRSTX is ${fmt(firstX)}.`);
  }
  if (lastX !== null && Math.abs(xs[n - 1] - lastX) > tol) {
    throw lineError(ctx, pointLines[n - 1], `the data ends at X=${fmt(xs[n - 1])}, but LASTX is ${fmt(lastX)}.`);
  }
}

// ---------------------------------------------------------------------------
// Batch assembly
// ---------------------------------------------------------------------------

/** File name without directory and extension; works for '/' and '\' paths. */
function fileStem(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Sample ids: the file stem for a single spectrum; otherwise the block titles when
 * they are all present and distinct (they name the spectra in LINK files), else stem#k.
 */
function sampleIds(blocks: Block[], stem: string): string[] {
  if (blocks.length === 1) return [stem];
  const titles = blocks.map((b) => b.title);
  const unique = new Set(titles).size === titles.length && titles.every((t) => t !== '');
  return unique ? titles : blocks.map((_, k) => `${stem}#${k + 1}`);
}

function sameAxis(a: ParsedAxis, x: Float64Array, unit: AxisUnit, fromFile: boolean): boolean {
  if (a.unit !== unit || a.unitFromFile !== fromFile || a.values.length !== x.length) return false;
  for (let i = 0; i < x.length; i++) if (a.values[i] !== x[i]) return false;
  return true;
}

/** Blocks sharing an identical axis share one ParsedAxis (compound files repeat the same grid). */
function axisIndex(axes: ParsedAxis[], x: Float64Array, unit: AxisUnit, fromFile: boolean): number {
  const found = axes.findIndex((a) => sameAxis(a, x, unit, fromFile));
  if (found >= 0) return found;
  axes.push({ values: x, unit, unitFromFile: fromFile });
  return axes.length - 1;
}

function assembleBatch(spectral: Array<{ block: Block; spectrum: DecodedSpectrum }>, fileName: string, ctx: Ctx): ParsedBatch {
  const ids = sampleIds(
    spectral.map((s) => s.block),
    fileStem(fileName),
  );
  const axes: ParsedAxis[] = [];
  const samples: ParsedSample[] = [];
  const columnKinds: Record<string, ColumnKind> = {};
  spectral.forEach(({ block, spectrum }, k) => {
    const sample: ParsedSample = {
      id: ids[k],
      axis: axisIndex(axes, spectrum.x, spectrum.unit, spectrum.unitFromFile),
      channels: [spectrum.y],
      meta: spectrum.meta,
      sourceLine: block.line,
    };
    if (ctx.opts.splitTag !== undefined) sample.split = ctx.opts.splitTag;
    for (const key of Object.keys(spectrum.meta)) columnKinds[key] = 'text';
    if (spectrum.isPeakTable) ctx.warnings.push(`${ids[k]}: a peak table (sticks), not a continuous spectrum.`);
    samples.push(sample);
  });
  const batch: ParsedBatch = { format: JCAMP_FORMAT_ID, axes, samples, columnKinds, warnings: ctx.warnings };
  const yUnits = new Set(spectral.map((s) => s.spectrum.yUnit));
  if (yUnits.size === 1) {
    const only = [...yUnits][0];
    if (only !== null) batch.yUnit = only;
  } else {
    ctx.warnings.push(`${fileName}: blocks have different YUNITS (${[...yUnits].map(String).join(', ')}); no common intensity unit set.`);
  }
  if (!spectral.every((s) => s.spectrum.unitFromFile)) {
    ctx.warnings.push(`${fileName}: XUNITS missing or not recognised; axis unit set to '${axes.find((a) => !a.unitFromFile)?.unit}'.`);
  }
  return batch;
}
