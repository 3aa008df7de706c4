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
/** flogoff: byte offset of the log block that follows the data, 0 for none. */
const LOG_OFFSET_FIELD = 248;
/** LOGSTC: logsizd, logsizm, logtxto, logbins, logdsks, 44 spare bytes. */
const LOG_HEADER_SIZE = 64;
/** SSFSTC: ssfposn, ssfsize, ssftime. */
const DIRECTORY_ENTRY_SIZE = 12;

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
  const decoded = version === NEW_LSB ? readNewFormat(r, opts, warnings) : readOldFormat(r, opts, warnings);
  return buildBatch(decoded.header, decoded.spectra, fileName, opts, warnings);
}

/** New format (0x4B): 512-byte header, then optional shared X, then subfiles, then optional log block. */
function readNewFormat(r: BinaryReader, opts: ImportOptions, warnings: string[]): { header: SpcHeader; spectra: SubSpectrum[] } {
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
  r.seek(LOG_OFFSET_FIELD, 'flogoff');
  const flogoff = r.u32('flogoff');
  r.seek(NEW_HEADER_SIZE, 'first subfile');

  const header: SpcHeader = { flags, exponent, xType, yType };
  const multi = (flags & TMULTI) !== 0;
  const xyxy = (flags & TXYXYS) !== 0;
  const count = multi ? fnsub : 1;
  if (count < 1) throw r.fail('multifile header declares fnsub = 0 subfiles', 'fnsub');
  r.requireBytes(count * SUBHEADER_SIZE, `${plural(count, 'subfile header')} (fnsub)`, 'fnsub');
  const yBytes = (flags & TSPREC) !== 0 ? 2 : 4;
  const declared: Declared = { count, multi, fnpts, flags, yBytes };
  // In XYXY files fnpts is the offset of the subfile directory, not a point count.
  if (xyxy) return { header, spectra: readXyxySubfiles(r, declared, flogoff, opts, warnings) };
  if (fnpts < 1) throw r.fail('header declares fnpts = 0 points', 'fnpts');
  const end = dataEnd(r, flogoff, null);
  const xBytes = (flags & TXVALS) !== 0 ? fnpts * 4 : 0;
  const need = xBytes + count * (SUBHEADER_SIZE + fnpts * yBytes);
  const declaredEnd = NEW_HEADER_SIZE + need;
  const extra = declaredEnd < end.at ? extraEvenSubfiles(r, declaredEnd, end, declared) : 0;
  if (declaredEnd > end.at || (extra === 0 && !restIsAccounted(r, declaredEnd, end, null))) explainEvenMismatch(r, declared, end);
  r.requireBytes(need, `${plural(count, 'spectrum', 'spectra')} of ${fnpts} points (fnpts)`, 'fnpts');
  if (declaredEnd > end.at) {
    throw r.fail(`the header's ${plural(count, 'spectrum', 'spectra')} of ${fnpts} points (fnsub, fnpts) need ${need} bytes from byte ${NEW_HEADER_SIZE}, past ${end.what}; the header is damaged`, 'fnpts');
  }
  let sharedX: Float64Array;
  if (xBytes > 0) {
    sharedX = Float64Array.from(r.f32Array(fnpts, 'X values'));
  } else {
    if (!Number.isFinite(ffirst) || !Number.isFinite(flast)) {
      throw r.fail(`axis limits ffirst/flast are not finite numbers (${ffirst}, ${flast})`, 'ffirst');
    }
    sharedX = linearAxis(ffirst, flast, fnpts);
  }
  const total = count + extra;
  const spectra: SubSpectrum[] = [];
  for (let k = 0; k < total; k++) {
    checkCancelled(opts, r.file);
    const sub = readSubheader(r, k);
    spectra.push({ x: sharedX, y: readY(r, fnpts, sub.exp !== 0 ? sub.exp : exponent, yBytes === 2, `subfile ${k + 1} Y values`) });
    opts.onProgress?.((k + 1) / total);
  }
  if (extra > 0) warnings.push(moreSpectraWarning(count, multi, total));
  return { header, spectra };
}

/** What the header says about the subfiles; the fields a mismatch message names. */
interface Declared {
  count: number;
  multi: boolean;
  /** Points per spectrum, or in XYXY files the subfile directory's offset. */
  fnpts: number;
  flags: number;
  yBytes: number;
}

/** Where the spectra's bytes must end, and how a message names that place. */
interface DataEnd {
  at: number;
  what: string;
}

/** XYXY files: each subfile carries its own X array and point count (subnpts). */
function readXyxySubfiles(r: BinaryReader, d: Declared, flogoff: number, opts: ImportOptions, warnings: string[]): SubSpectrum[] {
  const directory = readDirectory(r, d);
  const end = dataEnd(r, flogoff, directory === null ? null : d.fnpts);
  const spectra: SubSpectrum[] = [];
  for (let k = 0; k < d.count; k++) {
    checkCancelled(opts, r.file);
    spectra.push(readXyxySubfile(r, k, d.yBytes, end));
    opts.onProgress?.((k + 1) / d.count);
  }
  if (restIsAccounted(r, r.offset, end, directory)) return spectra;
  const extra = extraXyxySubfiles(r, r.offset, end, d, directory);
  if (extra === 0) throw unaccountedRest(r, r.offset, end, d);
  for (let k = d.count; k < d.count + extra; k++) spectra.push(readXyxySubfile(r, k, d.yBytes, end));
  warnings.push(moreSpectraWarning(d.count, d.multi, d.count + extra));
  return spectra;
}

function readXyxySubfile(r: BinaryReader, k: number, yBytes: number, end: DataEnd): SubSpectrum {
  const label = `subfile ${k + 1}`;
  const sub = readSubheader(r, k);
  if (sub.points < 1) throw r.fail(`${label} declares subnpts = 0 points`, `${label} subnpts`);
  const size = sub.points * (4 + yBytes);
  r.requireBytes(size, `${label} X and Y values (${sub.points} points, subnpts)`, `${label} subnpts`);
  if (r.offset + size > end.at) {
    throw r.fail(`${label} X and Y values (${sub.points} points, subnpts) run past ${end.what}; the header is damaged`, `${label} subnpts`);
  }
  const x = Float64Array.from(r.f32Array(sub.points, `${label} X values`));
  return { x, y: readY(r, sub.points, sub.exp, yBytes === 2, `${label} Y values`) };
}

interface Subheader {
  exp: number;
  /** subindx: the subfile's 0-based number, as the writer counted it. */
  index: number;
  /** subnpts: the point count of an XYXY subfile. */
  points: number;
}

/** The 32-byte subheader of subfile `k` (0-based) at the current position. */
function readSubheader(r: BinaryReader, k: number): Subheader {
  const label = `subfile ${k + 1}`;
  r.u8(`${label} subflgs`);
  const exp = r.i8(`${label} subexp`);
  const index = r.u16(`${label} subindx`);
  r.skip(12, `${label} subheader`);
  const points = r.u32(`${label} subnpts`);
  r.skip(12, `${label} subheader`);
  return { exp, index, points };
}

/** The subheader at `at`, without moving. */
function subheaderAt(r: BinaryReader, at: number, k: number): Subheader {
  return readSubheader(r.sub(at, SUBHEADER_SIZE, `subfile ${k + 1} subheader`), k);
}

/**
 * The data ends at the log block (flogoff) or, in XYXY files, at the subfile directory, when
 * the header points inside the file; otherwise at the end of the file.
 */
function dataEnd(r: BinaryReader, flogoff: number, directory: number | null): DataEnd {
  let end: DataEnd = { at: r.length, what: `the end of the file (${r.length} bytes)` };
  if (flogoff >= NEW_HEADER_SIZE && flogoff < end.at) end = { at: flogoff, what: `the log block at byte ${flogoff} (flogoff)` };
  if (directory !== null && directory < end.at) end = { at: directory, what: `the subfile directory at byte ${directory} (fnpts)` };
  return end;
}

/** The XYXY subfile directory (position and size of each subfile), when fnpts points at one that fits in the file. */
function readDirectory(r: BinaryReader, d: Declared): { at: number; size: number }[] | null {
  if (d.fnpts < NEW_HEADER_SIZE || d.fnpts + d.count * DIRECTORY_ENTRY_SIZE > r.length) return null;
  const dir = r.sub(d.fnpts, d.count * DIRECTORY_ENTRY_SIZE, 'subfile directory (fnpts)');
  const entries: { at: number; size: number }[] = [];
  for (let k = 0; k < d.count; k++) {
    entries.push({ at: dir.i32(`directory entry ${k + 1} ssfposn`), size: dir.i32(`directory entry ${k + 1} ssfsize`) });
    dir.skip(4, `directory entry ${k + 1} ssftime`);
  }
  return entries;
}

/**
 * True when nothing lies between `from` and the end of the data, or what lies there is a log
 * block the header does not point to, or a block the XYXY directory lists.
 */
function restIsAccounted(r: BinaryReader, from: number, end: DataEnd, directory: { at: number; size: number }[] | null): boolean {
  const rest = end.at - from;
  if (rest === 0) return true;
  if (rest < LOG_HEADER_SIZE) return false;
  if (end.at === r.length) {
    const log = r.sub(from, LOG_HEADER_SIZE, 'log block');
    const size = log.u32('logsizd');
    log.skip(4, 'logsizm');
    if (size === rest && log.u32('logtxto') <= size) return true;
  }
  return directory?.some((e) => e.at === from && e.at + e.size === end.at) ?? false;
}

/**
 * Whole subfiles after the declared ones, each numbered (subindx) one more than the last:
 * the header undercounts them (fnsub lowered, or the multifile bit lost). Returns how many.
 */
function extraEvenSubfiles(r: BinaryReader, from: number, end: DataEnd, d: Declared): number {
  const size = SUBHEADER_SIZE + d.fnpts * d.yBytes;
  const rest = end.at - from;
  if (rest <= 0 || rest % size !== 0) return 0;
  const first = subheaderAt(r, NEW_HEADER_SIZE + ((d.flags & TXVALS) !== 0 ? d.fnpts * 4 : 0), 0).index;
  const extra = rest / size;
  for (let j = 0; j < extra; j++) {
    if (subheaderAt(r, from + j * size, d.count + j).index !== ((first + d.count + j) & 0xffff)) return 0;
  }
  return extra;
}

/** Like extraEvenSubfiles for XYXY subfiles, which differ in size: walks them while each is numbered in turn and fits. */
function extraXyxySubfiles(r: BinaryReader, from: number, end: DataEnd, d: Declared, directory: { at: number; size: number }[] | null): number {
  const first = subheaderAt(r, NEW_HEADER_SIZE, 0).index;
  let at = from;
  let extra = 0;
  while (at + SUBHEADER_SIZE <= end.at) {
    const sub = subheaderAt(r, at, d.count + extra);
    const next = at + SUBHEADER_SIZE + sub.points * (4 + d.yBytes);
    if (sub.index !== ((first + d.count + extra) & 0xffff) || sub.points < 1 || next > end.at) break;
    at = next;
    extra++;
  }
  return restIsAccounted(r, at, end, directory) ? extra : 0;
}

function moreSpectraWarning(declared: number, multi: boolean, found: number, flagsField = 'ftflgs'): string {
  return `The header declares ${plural(declared, 'spectrum', 'spectra')} ${countSource(multi, flagsField)} but the file holds ${found}; all ${found} were imported.`;
}

/** Which header field a spectrum count comes from. */
function countSource(multi: boolean, flagsField = 'ftflgs'): string {
  return multi ? '(fnsub)' : `(${flagsField} has no multifile bit)`;
}

/**
 * The header's spectra do not fill the data exactly and the rest is not more subfiles:
 * names the header field that, changed, would explain the bytes, or refuses in general terms.
 */
function explainEvenMismatch(r: BinaryReader, d: Declared, end: DataEnd): void {
  const available = end.at - NEW_HEADER_SIZE;
  const hasX = (d.flags & TXVALS) !== 0;
  const per = d.count > 1 ? ' per spectrum' : '';
  const size = (points: number, yBytes: number, x: boolean): number => (x ? points * 4 : 0) + d.count * (SUBHEADER_SIZE + points * yBytes);
  const otherY = 6 - d.yBytes;
  if (size(d.fnpts, otherY, hasX) === available) {
    throw r.fail(`ftflgs declares ${d.yBytes * 8}-bit Y values but the data holds ${d.fnpts} points (fnpts) of ${otherY * 8}-bit Y${per}; the header is damaged`, 'ftflgs');
  }
  if (size(d.fnpts, d.yBytes, !hasX) === available) {
    const says = hasX ? 'declares an X array (TXVALS) but the data holds none' : 'declares no X array (TXVALS) but the data holds one';
    throw r.fail(`ftflgs ${says}; the header is damaged`, 'ftflgs');
  }
  const points = (available - d.count * SUBHEADER_SIZE) / ((hasX ? 4 : 0) + d.count * d.yBytes);
  if (Number.isInteger(points) && points >= 1) {
    throw r.fail(`the header declares ${d.fnpts} points (fnpts) but the file holds data for ${points}${per}; the header is damaged`, 'fnpts');
  }
  const subfiles = (available - (hasX ? d.fnpts * 4 : 0)) / (SUBHEADER_SIZE + d.fnpts * d.yBytes);
  if (Number.isInteger(subfiles) && subfiles >= 1) {
    const cause = subfiles < d.count ? 'it is truncated or its header is damaged' : 'the header is damaged';
    throw r.fail(`the header declares ${plural(d.count, 'spectrum', 'spectra')} ${countSource(d.multi)} but the file holds data for ${subfiles}; ${cause}`, d.multi ? 'fnsub' : 'ftflgs');
  }
  const declaredEnd = NEW_HEADER_SIZE + size(d.fnpts, d.yBytes, hasX);
  if (declaredEnd < end.at) throw unaccountedRest(r, declaredEnd, end, d);
}

function unaccountedRest(r: BinaryReader, from: number, end: DataEnd, d: Declared): UserError {
  return r.fail(
    `the header accounts for the data up to byte ${from} (${plural(d.count, 'spectrum', 'spectra')}), but ${end.at - from} more bytes follow before ${end.what}; the header is damaged`,
    d.multi ? 'fnsub' : 'ftflgs',
  );
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
function readOldFormat(r: BinaryReader, opts: ImportOptions, warnings: string[]): { header: SpcHeader; spectra: SubSpectrum[] } {
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
  const yBytes = sixteenBit ? 2 : 4;
  const multi = (flags & TMULTI) !== 0;
  const subfileSize = SUBHEADER_SIZE + onpts * yBytes;
  const available = r.length - OLD_FIRST_SUBHEADER;
  let count = 1;
  if (available !== subfileSize) {
    if (!multi && available % subfileSize === 0 && subfilesAreNumbered(r, available / subfileSize, subfileSize)) {
      count = available / subfileSize;
      warnings.push(moreSpectraWarning(1, false, count, 'oftflgs'));
    } else if (!multi || available < subfileSize) {
      explainOldMismatch(r, onpts, yBytes, available);
      r.requireRange(OLD_HEADER_SIZE, onpts * yBytes, `Y values of ${onpts} points (onpts)`, 'onpts');
      throw r.fail(
        `${available - subfileSize} bytes after the one spectrum of ${onpts} points (from byte ${OLD_FIRST_SUBHEADER + subfileSize}) are not described by the header; the header is damaged`,
        'oftflgs',
      );
    } else {
      count = Math.floor(available / subfileSize);
      const trailing = available % subfileSize;
      // Old files have no subfile count: a partial subfile at the end is the only sign of truncation.
      if (trailing !== 0) {
        throw r.fail(
          `the file ends inside subfile ${count + 1} (${trailing} of its ${subfileSize} bytes present); it is truncated, or its point count (onpts = ${onpts}) is wrong`,
          'onpts',
        );
      }
      if (!subfilesAreNumbered(r, count, subfileSize)) {
        throw r.fail(`the subfile headers are not where ${onpts} points (onpts) put them; the header is damaged`, 'onpts');
      }
    }
  }

  const x = linearAxis(ofirst, olast, onpts);
  const spectra: SubSpectrum[] = [];
  r.seek(OLD_FIRST_SUBHEADER, 'subfile 1 subheader');
  for (let k = 0; k < count; k++) {
    checkCancelled(opts, r.file);
    const sub = readSubheader(r, k);
    spectra.push({ x, y: readOldY(r, onpts, sub.exp !== 0 ? sub.exp : exponent, sixteenBit, `subfile ${k + 1} Y values`) });
    opts.onProgress?.((k + 1) / count);
  }
  return { header: { flags, exponent, xType, yType }, spectra };
}

/**
 * True when the `count` old-format subfiles of `size` bytes are numbered (subindx) in turn, or
 * all alike: a wrong point count puts the subheaders inside Y data, where they are neither.
 */
function subfilesAreNumbered(r: BinaryReader, count: number, size: number): boolean {
  const first = subheaderAt(r, OLD_FIRST_SUBHEADER, 0).index;
  const indices = Array.from({ length: count }, (_, k) => subheaderAt(r, OLD_FIRST_SUBHEADER + k * size, k).index);
  return indices.every((v) => v === first) || indices.every((v, k) => v === ((first + k) & 0xffff));
}

/** Names the old-format header field that would explain a one-spectrum file of `available` bytes after byte 224. */
function explainOldMismatch(r: BinaryReader, onpts: number, yBytes: number, available: number): void {
  const otherY = 6 - yBytes;
  if (available === SUBHEADER_SIZE + onpts * otherY) {
    throw r.fail(`oftflgs declares ${yBytes * 8}-bit Y values but the data holds ${onpts} points (onpts) of ${otherY * 8}-bit Y; the header is damaged`, 'oftflgs');
  }
  const points = (available - SUBHEADER_SIZE) / yBytes;
  if (Number.isInteger(points) && points >= 1) {
    throw r.fail(`the header declares ${onpts} points (onpts) but the file holds data for ${points}; the header is damaged`, 'onpts');
  }
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
