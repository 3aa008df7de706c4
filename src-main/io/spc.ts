/**
 * Thermo Galactic (GRAMS) SPC reader.
 *
 * SPC is still what many instruments (FT-IR, Raman, NIR, UV-Vis, GC-MS) export, in
 * two generations: the "new" 512-byte header (version byte 0x4B, little-endian) and
 * the "old" 256-byte header (0x4D) with word-swapped fixed-point Y. One file holds
 * one spectrum or several ("multifile"), on an even axis (first/last/count), one
 * shared explicit X array (XY), or one X array per spectrum (XYXY).
 * The layout is taken from the published Galactic SPC specification (spc.h).
 */
import { UserError, badInput } from '../common/errors';
import type { AxisUnit, ImportOptions, ParsedAxis, ParsedBatch, ParsedSample } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { BinaryReader, checkCancelled, linearAxis, requireFinite, sampleId } from './binary-reader';

/** ftflgs bits. */
const TSPREC = 0x01;
const TMULTI = 0x04;
const TXYXYS = 0x40;
const TXVALS = 0x80;

const NEW_LSB = 0x4b;
const NEW_MSB = 0x4c;
const OLD_FORMAT = 0x4d;

const NEW_HEADER_SIZE = 512;
const OLD_HEADER_SIZE = 256;
const OLD_FIRST_SUBHEADER = 224;
const SUBHEADER_SIZE = 32;

/** Exponent value that marks IEEE float32 Y instead of scaled integers. */
const FLOAT_EXPONENT = -128;

/** fxtype codes we can map to an axis unit (spc.h XWAVEN, XUMETR, ...). */
const X_UNITS: Record<number, AxisUnit> = {
  1: 'cm-1',
  2: 'um',
  3: 'nm',
  5: 'min',
  9: 'mz',
  13: 'cm-1',
  16: 'index',
  17: 'index',
  22: 'index',
};

/** fxtype names for units the app has no AxisUnit for, so the user sees what the file meant. */
const X_UNIT_NAMES: Record<number, string> = {
  4: 'seconds',
  6: 'Hz',
  7: 'kHz',
  8: 'MHz',
  10: 'ppm',
  11: 'days',
  12: 'years',
  14: 'eV',
  15: 'text labels',
  18: 'degrees',
  19: '°F',
  20: '°C',
  21: 'K',
  23: 'ms',
  24: 'µs',
  25: 'ns',
  26: 'GHz',
  27: 'cm',
  28: 'm',
  29: 'mm',
  30: 'hours',
  255: 'double interferogram',
};

/** fytype codes (spc.h YARB, YIGRAM, ...). 0 is "arbitrary intensity" and is left unset. */
const Y_UNITS: Record<number, string> = {
  1: 'interferogram',
  2: 'absorbance',
  3: 'kubelka-munk',
  4: 'counts',
  5: 'volts',
  6: 'degrees',
  7: 'milliamps',
  8: 'millimeters',
  9: 'millivolts',
  10: 'log(1/R)',
  11: 'percent',
  12: 'intensity',
  13: 'relative intensity',
  14: 'energy',
  16: 'decibels',
  19: '°F',
  20: '°C',
  21: 'K',
  22: 'index of refraction',
  23: 'extinction coefficient',
  24: 'real',
  25: 'imaginary',
  26: 'complex',
  128: 'transmittance',
  129: 'reflectance',
  130: 'arbitrary (valley peaks)',
  131: 'emission',
};

interface SpcHeader {
  flags: number;
  exponent: number;
  xType: number;
  yType: number;
}

/** One decoded subfile before axes are deduplicated. */
interface SubSpectrum {
  x: Float64Array;
  y: Float32Array;
}

/**
 * Parses an SPC file into one sample per subfile.
 * Big-endian (0x4C) files are refused: no test file exists to verify them against.
 */
export function parseSpc(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const r = new BinaryReader(bytes, fileName, true);
  r.u8('ftflgs');
  const version = r.u8('fversn');
  if (version === NEW_MSB) {
    throw new UserError(
      'UNSUPPORTED_FORMAT',
      `${fileName}: big-endian (Motorola, version byte 0x4C) SPC files are not supported yet. Re-save it from GRAMS or the instrument software as a standard SPC, or export it as CSV or JCAMP-DX (.jdx).`,
      { file: fileName, field: 'fversn' },
    );
  }
  if (version !== NEW_LSB && version !== OLD_FORMAT) {
    throw r.fail(
      `not an SPC file: version byte fversn is 0x${version.toString(16).padStart(2, '0')}, expected 0x4B (new format) or 0x4D (old format)`,
      'fversn',
    );
  }
  const warnings: string[] = [];
  const decoded = version === NEW_LSB ? readNewFormat(r, opts) : readOldFormat(r, opts);
  return buildBatch(decoded.header, decoded.spectra, fileName, opts, warnings);
}

/** New format (0x4B): 512-byte header, then optional shared X, then subfiles. */
function readNewFormat(r: BinaryReader, opts: ImportOptions): { header: SpcHeader; spectra: SubSpectrum[] } {
  r.seek(0, 'ftflgs');
  const flags = r.u8('ftflgs');
  r.u8('fversn');
  r.u8('fexper');
  const exponent = r.i8('fexp');
  const fnpts = r.u32('fnpts');
  const ffirst = r.f64('ffirst');
  const flast = r.f64('flast');
  const fnsub = r.u32('fnsub');
  const xType = r.u8('fxtype');
  const yType = r.u8('fytype');
  r.requireRange(0, NEW_HEADER_SIZE, 'SPC header');
  r.seek(NEW_HEADER_SIZE, 'first subfile');

  const header: SpcHeader = { flags, exponent, xType, yType };
  const multi = (flags & TMULTI) !== 0;
  const xyxy = (flags & TXYXYS) !== 0;
  const count = multi ? fnsub : 1;
  if (count < 1) throw r.fail('multifile header declares fnsub = 0 subfiles', 'fnsub');
  r.requireBytes(count * SUBHEADER_SIZE, `${plural(count, 'subfile header')} (fnsub)`, 'fnsub');

  let sharedX: Float64Array | null = null;
  const yBytes = (flags & TSPREC) !== 0 ? 2 : 4;
  if (!xyxy) {
    // In XYXY files fnpts is the offset of the subfile directory, not a point count.
    if (fnpts < 1) throw r.fail('header declares fnpts = 0 points', 'fnpts');
    const xBytes = (flags & TXVALS) !== 0 ? fnpts * 4 : 0;
    r.requireBytes(xBytes + count * (SUBHEADER_SIZE + fnpts * yBytes), `${plural(count, 'spectrum', 'spectra')} of ${fnpts} points (fnpts)`, 'fnpts');
    if ((flags & TXVALS) !== 0) {
      sharedX = Float64Array.from(r.f32Array(fnpts, 'X values'));
    } else {
      if (!Number.isFinite(ffirst) || !Number.isFinite(flast)) {
        throw r.fail(`axis limits ffirst/flast are not finite numbers (${ffirst}, ${flast})`, 'ffirst');
      }
      sharedX = linearAxis(ffirst, flast, fnpts);
    }
  }

  const spectra: SubSpectrum[] = [];
  for (let k = 0; k < count; k++) {
    checkCancelled(opts, r.file);
    const label = `subfile ${k + 1}`;
    r.u8(`${label} subflgs`);
    const subExp = r.i8(`${label} subexp`);
    r.skip(14, `${label} subheader`);
    const subnpts = r.u32(`${label} subnpts`);
    r.skip(12, `${label} subheader`);
    let x: Float64Array;
    if (sharedX === null) {
      if (subnpts < 1) throw r.fail(`${label} declares subnpts = 0 points`, `${label} subnpts`);
      r.requireBytes(subnpts * (4 + yBytes), `${label} X and Y values (${subnpts} points, subnpts)`, `${label} subnpts`);
      x = Float64Array.from(r.f32Array(subnpts, `${label} X values`));
    } else {
      x = sharedX;
    }
    const exp = subExp !== 0 ? subExp : exponent;
    const y = readY(r, x.length, exp, yBytes === 2, `${label} Y values`);
    spectra.push({ x, y });
    opts.onProgress?.((k + 1) / count);
  }
  return { header, spectra };
}

/** Y of one new-format subfile: float32, or int32/int16 scaled by 2^(exp-32) / 2^(exp-16). */
function readY(r: BinaryReader, count: number, exp: number, sixteenBit: boolean, field: string): Float32Array {
  if (exp === FLOAT_EXPONENT) return r.f32Array(count, field);
  if (sixteenBit) return r.i16ArrayScaled(count, 2 ** (exp - 16), field);
  return r.i32ArrayScaled(count, 2 ** (exp - 32), field);
}

/**
 * Old format (0x4D): 256-byte header with float point count, the first subheader inside
 * the header at byte 224, no subfile count (subfiles run to the end of the file), and
 * 32-bit Y stored high word first.
 */
function readOldFormat(r: BinaryReader, opts: ImportOptions): { header: SpcHeader; spectra: SubSpectrum[] } {
  r.seek(0, 'oftflgs');
  const flags = r.u8('oftflgs');
  r.u8('oversn');
  const exponent = r.i16('oexp');
  const onpts = r.f32('onpts');
  const ofirst = r.f32('ofirst');
  const olast = r.f32('olast');
  const xType = r.u8('oxtype');
  const yType = r.u8('oytype');
  r.requireRange(0, OLD_HEADER_SIZE, 'SPC header');
  if (!Number.isInteger(onpts) || onpts < 1) throw r.fail(`header declares onpts = ${onpts} points`, 'onpts');
  if (!Number.isFinite(ofirst) || !Number.isFinite(olast)) {
    throw r.fail(`axis limits ofirst/olast are not finite numbers (${ofirst}, ${olast})`, 'ofirst');
  }
  const sixteenBit = (flags & TSPREC) !== 0;
  const dataSize = onpts * (sixteenBit ? 2 : 4);
  r.requireRange(OLD_HEADER_SIZE, dataSize, `Y values of ${onpts} points (onpts)`, 'onpts');

  let count = 1;
  if ((flags & TMULTI) !== 0) {
    const rest = r.length - OLD_HEADER_SIZE - dataSize;
    count += Math.floor(rest / (SUBHEADER_SIZE + dataSize));
    const trailing = rest % (SUBHEADER_SIZE + dataSize);
    // Old files have no subfile count: a partial subfile at the end is the only sign of truncation.
    if (trailing !== 0) {
      throw r.fail(
        `the file ends inside subfile ${count + 1} (${trailing} of its ${SUBHEADER_SIZE + dataSize} bytes present); it is truncated`,
        'onpts',
      );
    }
  }

  const x = linearAxis(ofirst, olast, onpts);
  const spectra: SubSpectrum[] = [];
  let at = OLD_FIRST_SUBHEADER;
  for (let k = 0; k < count; k++) {
    checkCancelled(opts, r.file);
    const label = `subfile ${k + 1}`;
    r.seek(at, `${label} subheader`);
    r.u8(`${label} subflgs`);
    const subExp = r.i8(`${label} subexp`);
    r.skip(SUBHEADER_SIZE - 2, `${label} subheader`);
    const exp = subExp !== 0 ? subExp : exponent;
    spectra.push({ x, y: readOldY(r, onpts, exp, sixteenBit, `${label} Y values`) });
    at = r.offset;
    opts.onProgress?.((k + 1) / count);
  }
  return { header: { flags, exponent, xType, yType }, spectra };
}

/** Old-format Y: 32-bit integers are stored as (high int16, low uint16), each little-endian. */
function readOldY(r: BinaryReader, count: number, exp: number, sixteenBit: boolean, field: string): Float32Array {
  if (exp === FLOAT_EXPONENT || exp === 128) return r.f32Array(count, field);
  if (sixteenBit) return r.i16ArrayScaled(count, 2 ** (exp - 16), field);
  r.requireBytes(count * 4, field);
  const scale = 2 ** (exp - 32);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const high = r.i16(field);
    const low = r.u16(field);
    out[i] = (high * 65536 + low) * scale;
  }
  return out;
}

/** Turns decoded subfiles into a ParsedBatch: one axis per distinct X array, ids stem / stem#k. */
function buildBatch(
  header: SpcHeader,
  spectra: SubSpectrum[],
  fileName: string,
  opts: ImportOptions,
  warnings: string[],
): ParsedBatch {
  const unit = axisUnit(header.xType, opts, warnings);
  const axes: ParsedAxis[] = [];
  const axisIndex = new Map<Float64Array, number>();
  const axisByKey = new Map<string, number>();
  const stem = fileStem(fileName);
  const samples: ParsedSample[] = spectra.map((s, k) => {
    const id = sampleId(stem, k, spectra.length);
    requireFinite(s.y, fileName, id);
    for (let i = 0; i < s.x.length; i++) {
      if (!Number.isFinite(s.x[i])) {
        throw badX(fileName, id, i);
      }
    }
    let axis = axisIndex.get(s.x);
    if (axis === undefined) {
      const key = Array.from(s.x).join(',');
      axis = axisByKey.get(key);
      if (axis === undefined) {
        axis = axes.length;
        axes.push({ values: s.x, unit: unit.unit, unitFromFile: unit.fromFile });
        axisByKey.set(key, axis);
      }
      axisIndex.set(s.x, axis);
    }
    const sample: ParsedSample = { id, axis, channels: [s.y], meta: {}, sourceIndex: k + 1 };
    if (opts.splitTag) sample.split = opts.splitTag;
    return sample;
  });
  const batch: ParsedBatch = { format: 'spc', axes, samples, warnings };
  const yUnit = Y_UNITS[header.yType];
  if (yUnit !== undefined) batch.yUnit = yUnit;
  return batch;
}

function badX(fileName: string, id: string, index: number): UserError {
  return badInput(fileName, `${fileName}: spectrum ${id} has a non-finite X value at point ${index + 1}.`, {
    field: `${id} X point ${index + 1}`,
  });
}

/** Maps fxtype to an AxisUnit; units the app cannot represent become 'other' with a warning naming them. */
function axisUnit(xType: number, opts: ImportOptions, warnings: string[]): { unit: AxisUnit; fromFile: boolean } {
  if (opts.axisUnit) return { unit: opts.axisUnit, fromFile: false };
  const known = X_UNITS[xType];
  if (known !== undefined) return { unit: known, fromFile: true };
  if (xType === 0) return { unit: 'other', fromFile: false };
  const name = X_UNIT_NAMES[xType] ?? `unknown unit code ${xType}`;
  warnings.push(`X axis unit is ${name} (SPC fxtype ${xType}); imported as arbitrary units.`);
  return { unit: 'other', fromFile: true };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
