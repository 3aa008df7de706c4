/**
 * JCAMP-DX data tables: which record of a block is its spectrum, and decoding it.
 * `##XYDATA=(X++(Y..Y))` has X computed from FIRSTX/LASTX/NPOINTS and Y in ASDF;
 * `(XY..XY)` tables (`##XYPOINTS`, `##PEAK TABLE`, `##XYDATA` written as pairs) list
 * every X. NTUPLES blocks are recognised but not decoded.
 */
import { badInput } from '../../common/errors';
import { TOK_ABS, type TokenBuffer, type YStream, decimalsOf, decodeLineYs, newTokenBuffer, newYStream, scanAsdfLine } from './asdf';
import { type Ctx, PROGRESS_EVERY_LINES, fmt, lineError, reportProgress, quoteJcamp } from './context';
import { type Block, type Ldr, factorParam, normalizeLabel, numberParam, parseStrictNumber, requireNumber, stripComment } from './records';

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

export type BlockKind = 'spectral' | 'ntuples' | 'container' | 'other';

/** A block is spectral when it has a data table; LINK blocks with children are just containers. */
export function classifyBlock(block: Block): BlockKind {
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

/** A block's decoded table, with the records that describe it. */
export interface DecodedTable {
  x: Float64Array;
  y: Float32Array;
  data: Ldr;
  params: Map<string, Ldr>;
}

export function decodeTable(block: Block, lines: string[], ctx: Ctx): DecodedTable {
  const data = findDataLdr(block);
  if (data === null) throw new Error('decodeTable called on a block without data');
  const params = paramsFor(block, data);
  const form = normalizeLabel(data.value).replace(/[()]/g, '');
  let xy: { x: Float64Array; y: Float64Array; lineOf: (i: number) => number };
  if (form === 'X++Y..Y') {
    xy = decodeXppYY(data, params, lines, ctx);
  } else if (['XY..XY', 'XYW..XYW', 'XYM..XYM'].includes(form)) {
    xy = decodePairs(data, params, lines, form.length === 6 ? 2 : 3, ctx);
  } else {
    throw badInput(ctx.file, `${ctx.file}, line ${data.line}: ##${data.label}=${quoteJcamp(data.value, '')}: this variable list is not supported.`, {
      line: data.line,
      field: data.label,
    });
  }
  return { x: xy.x, y: toFloat32(xy.y, xy.lineOf, ctx), data, params };
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

/**
 * NPOINTS must be a positive integer that the data text could actually hold;
 * this runs before allocation so that NPOINTS=1e12 fails at once.
 */
function checkNpoints(n: number, ldr: Ldr, dataChars: number, ctx: Ctx): number {
  const where = { line: ldr.line, field: 'NPOINTS' };
  if (!Number.isInteger(n) || n < 1) {
    throw badInput(ctx.file, `${ctx.file}, line ${ldr.line}: NPOINTS=${quoteJcamp(ldr.value, '')} is not a positive whole number.`, where);
  }
  const plausible = Math.min(MAX_POINTS, Math.max(1, dataChars) * MAX_POINTS_PER_DATA_CHAR);
  if (n > plausible) {
    throw badInput(
      ctx.file,
      `${ctx.file}, line ${ldr.line}: NPOINTS=${quoteJcamp(ldr.value, '')} is not plausible: the data section has only ${dataChars} characters (at most ${plausible} points).`,
      where,
    );
  }
  return n;
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

/** Decoder state for (X++(Y..Y)); kept in one object so each step is a small function. */
interface XppState {
  p: XppParams;
  ys: YStream;
  /** 1-based line numbers and first point index of each data line, to locate a bad point later. */
  lineNos: number[];
  lineFirstPoint: number[];
  firstXMismatch: string | null;
  last: { line: number; xLine: number; xTol: number; firstOrdinate: number } | null;
}

/** Applies one tokenised line: its X, then its Y values in any ASDF mix. */
function applyXppLine(s: XppState, buf: TokenBuffer, lineText: string, lineNo: number, ctx: Ctx): void {
  if (buf.kinds[0] !== TOK_ABS) {
    throw lineError(ctx, lineNo, `expected an X value at the start of the line, found ${quoteJcamp(lineText.slice(buf.starts[0], buf.ends[0]))}.`);
  }
  if (buf.count < 2) throw lineError(ctx, lineNo, 'the line has an X value but no Y values.');
  const xToken = lineText.slice(buf.starts[0], buf.ends[0]);
  const xLine = buf.values[0] * s.p.xFactor;
  s.lineNos.push(lineNo);
  s.lineFirstPoint.push(s.ys.count);
  const firstOrdinate = decodeLineYs(s.ys, buf, lineText, lineNo, ctx);
  checkLineX(s, xLine, xToken, firstOrdinate, lineNo);
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

function decodeXppYY(
  data: Ldr,
  params: Map<string, Ldr>,
  lines: string[],
  ctx: Ctx,
): { x: Float64Array; y: Float64Array; lineOf: (i: number) => number } {
  const p = readXppParams(data, params, lines, ctx);
  const s: XppState = {
    p,
    ys: newYStream(p.n),
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
      throw lineError(ctx, i + 1, `${quoteJcamp(err.token)} at column ${err.column + 1} ${err.reason}.`);
    }
    if (buf.count === 0) continue;
    applyXppLine(s, buf, text, i + 1, ctx);
  }
  verifyXppEnd(s, data, ctx);
  const y = s.ys.raw;
  for (let i = 0; i < y.length; i++) y[i] *= p.yFactor;
  checkFirstY(p, y, ctx, data);
  const x = new Float64Array(p.n);
  for (let i = 0; i < p.n; i++) x[i] = xAt(p, i);
  return { x, y, lineOf: (i) => lineOfPoint(s, i) };
}

/** Count first (the most telling symptom of a cut file), then the final X against LASTX. */
function verifyXppEnd(s: XppState, data: Ldr, ctx: Ctx): void {
  if (s.ys.count !== s.p.n) {
    const hint = s.firstXMismatch === null ? '' : ` The X values first go wrong at ${s.firstXMismatch}.`;
    throw badInput(ctx.file, `${ctx.file}: NPOINTS says ${s.p.n}, the data has ${s.ys.count} (##${data.label}= at line ${data.line}).${hint}`, {
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
        throw lineError(ctx, i + 1, `${quoteJcamp(token)} ${why}.`);
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
