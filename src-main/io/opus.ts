/**
 * Bruker OPUS binary reader.
 *
 * An OPUS file is a 24-byte header (magic 0A 0A FE FE, version, directory offset,
 * directory capacity, block count) and a directory of (type, length in 32-bit words,
 * offset) triples. The bits of a block type say what the block is: real/imaginary
 * part, sample/reference/ratioed, parameter kind, data kind (spectrum, interferogram,
 * absorbance, ...). Each data block has a "data status" parameter block with the same
 * type plus parameter kind 1, holding NPT, FXV, LXV, CSF and DXU as 3-letter keys.
 *
 * A file typically stores interferograms, phase and single-channel spectra beside the
 * result; users want the result, so we import the last ratioed spectrum (preferring
 * absorbance), as OPUS itself shows it, and list the other data blocks in a warning.
 */
import type { AxisUnit, ImportOptions, ParsedBatch } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { excerpt, quoteExcerpt } from '../common/format/excerpt';
import { BinaryReader, linearAxis, requireFinite } from './binary-reader';

const MAGIC = 0xfefe0a0a;
const DIRECTORY_ENTRY_SIZE = 12;

/** Data kinds (type bits 10..16) that are not spectra to import. */
const KIND_INTERFEROGRAM = 2;
const KIND_PHASE = 3;
const KIND_ABSORBANCE = 4;
const KIND_DIRECTORY = 13;
const KIND_INTERFEROGRAM_2CH = 34;
const NOT_SPECTRA = new Set([0, KIND_INTERFEROGRAM, KIND_PHASE, KIND_DIRECTORY, KIND_INTERFEROGRAM_2CH]);

/** Sample/reference/ratioed bits (type bits 2..3). */
const ROLE_SAMPLE = 1;
const ROLE_REFERENCE = 2;
const ROLE_RATIOED = 3;

/** What the intensities of each data kind are (OPUS block type codes). */
const KIND_NAMES: Record<number, string> = {
  1: 'single channel',
  2: 'interferogram',
  3: 'phase',
  4: 'absorbance',
  5: 'transmittance',
  6: 'kubelka-munk',
  7: 'trace',
  10: 'raman',
  11: 'emission',
  12: 'reflectance',
  14: 'power',
  15: 'log reflectance',
  16: 'ATR',
  17: 'photoacoustic',
};

/** DXU values (x unit of a data block). */
const X_UNITS: Record<string, AxisUnit> = { WN: 'cm-1', MI: 'um', NM: 'nm', MIN: 'min', PNT: 'index' };

interface DirectoryEntry {
  type: number;
  offset: number;
  size: number;
  /** 1-based position in the directory, for messages. */
  index: number;
}

interface BlockType {
  role: number;
  param: number;
  kind: number;
  extended: number;
}

type ParamValue = string | number;

/** Parses an OPUS file into one sample: its final processed spectrum. */
export function parseOpus(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const r = new BinaryReader(bytes, fileName, true);
  if (r.u32('magic') !== MAGIC) throw r.fail('not a Bruker OPUS file: the first 4 bytes are not 0A 0A FE FE', 'magic');
  r.f64('version');
  const directoryOffset = r.u32('directory offset');
  r.u32('directory capacity');
  const blockCount = r.u32('block count');
  const entries = readDirectory(r, directoryOffset, blockCount);

  const candidates = entries.filter((e) => isSpectrum(decodeType(e.type)));
  const ratioed = candidates.filter((e) => decodeType(e.type).role === ROLE_RATIOED);
  const absorbance = ratioed.filter((e) => decodeType(e.type).kind === KIND_ABSORBANCE);
  const warnings: string[] = [];
  let chosen = (absorbance.length > 0 ? absorbance : ratioed).at(-1);
  if (!chosen) {
    chosen = candidates.filter((e) => decodeType(e.type).role === ROLE_SAMPLE).at(-1);
    if (!chosen) throw r.fail('the file holds no spectrum block (only interferograms, phase or parameters)', 'directory');
    warnings.push('The file holds no processed (ratioed) spectrum; the sample single-channel spectrum was imported.');
  }

  const type = decodeType(chosen.type);
  const status = findStatus(r, entries, chosen);
  const params = readParams(r, status);
  const npt = requireNumber(r, params, 'NPT', status);
  const fxv = requireNumber(r, params, 'FXV', status);
  const lxv = requireNumber(r, params, 'LXV', status);
  const csf = params.get('CSF');
  const scale = typeof csf === 'number' ? csf : 1;
  if (typeof csf !== 'number') warnings.push('No CSF (Y scaling factor) in the data status block; values used as stored.');
  const dpf = params.get('DPF');
  if (!Number.isInteger(npt) || npt < 1) throw r.fail(`NPT in block ${status.index} is ${npt}, not a point count`, 'NPT');
  if (npt > chosen.size / 4) {
    throw r.fail(`NPT is ${npt} but data block ${chosen.index} at byte ${chosen.offset} holds only ${chosen.size / 4} values`, 'NPT');
  }

  const block = r.sub(chosen.offset, chosen.size, `data block ${chosen.index}`);
  const raw = dpf === 2 ? block.i32ArrayScaled(npt, 1, 'Y values') : block.f32Array(npt, 'Y values');
  const y = new Float32Array(npt);
  for (let i = 0; i < npt; i++) y[i] = raw[i] * scale;
  const id = fileStem(fileName);
  requireFinite(y, fileName, id);

  const skipped = candidates
    .concat(entries.filter((e) => isSkippableData(decodeType(e.type))))
    .filter((e, i, all) => e !== chosen && all.indexOf(e) === i)
    .map((e) => describe(decodeType(e.type)));
  if (skipped.length > 0) {
    warnings.push(
      `Imported the ${describe(type)} (${npt} points, directory entry ${chosen.index}); skipped ${skipped.length} other data blocks: ${skipped.join(', ')}.`,
    );
  }

  const dxu = params.get('DXU');
  const fileUnit = typeof dxu === 'string' ? X_UNITS[dxu] : undefined;
  if (typeof dxu === 'string' && fileUnit === undefined) warnings.push(`X axis unit ${quoteExcerpt(dxu)} is not one Spectra Desk knows; imported as arbitrary units.`);
  const axis = opts.axisUnit
    ? { values: linearAxis(fxv, lxv, npt), unit: opts.axisUnit, unitFromFile: false }
    : { values: linearAxis(fxv, lxv, npt), unit: fileUnit ?? 'other', unitFromFile: typeof dxu === 'string' };

  const batch: ParsedBatch = {
    format: 'opus',
    axes: [axis],
    samples: [{ id, axis: 0, channels: [y], meta: {}, sourceIndex: chosen.index, ...(opts.splitTag ? { split: opts.splitTag } : {}) }],
    warnings,
  };
  const yUnit = KIND_NAMES[type.kind];
  if (yUnit !== undefined) batch.yUnit = yUnit;
  opts.onProgress?.(1);
  return batch;
}

/** Directory entries with a non-zero offset; each block must lie inside the file. */
function readDirectory(r: BinaryReader, offset: number, count: number): DirectoryEntry[] {
  r.seek(offset, 'directory offset');
  r.requireBytes(count * DIRECTORY_ENTRY_SIZE, `directory of ${count} blocks (block count)`, 'block count');
  const entries: DirectoryEntry[] = [];
  for (let i = 0; i < count; i++) {
    const type = r.u32(`directory entry ${i + 1} type`);
    const words = r.u32(`directory entry ${i + 1} length`);
    const start = r.u32(`directory entry ${i + 1} offset`);
    if (start === 0) break;
    const entry = { type, offset: start, size: words * 4, index: i + 1 };
    if (start + entry.size > r.length) {
      throw r.fail(
        `directory entry ${entry.index} places a block of ${entry.size} bytes at byte ${start}, past the end of the file (${r.length} bytes); the file is truncated`,
        `directory entry ${entry.index}`,
      );
    }
    entries.push(entry);
  }
  return entries;
}

function decodeType(type: number): BlockType {
  return {
    role: (type >>> 2) & 0x3,
    param: (type >>> 4) & 0x3f,
    kind: (type >>> 10) & 0x7f,
    extended: (type >>> 19) & 0x7,
  };
}

/** A plain 1-D data block holding a spectrum (not a parameter block, interferogram, series or report). */
function isSpectrum(t: BlockType): boolean {
  return t.param === 0 && t.extended === 0 && !NOT_SPECTRA.has(t.kind);
}

/** Interferogram and phase blocks, listed in the "skipped" warning. */
function isSkippableData(t: BlockType): boolean {
  return t.param === 0 && t.extended === 0 && (t.kind === KIND_INTERFEROGRAM || t.kind === KIND_PHASE || t.kind === KIND_INTERFEROGRAM_2CH);
}

/** "sample single channel spectrum", "absorbance spectrum", ... for warnings. */
function describe(t: BlockType): string {
  const role = t.role === ROLE_SAMPLE ? 'sample ' : t.role === ROLE_REFERENCE ? 'reference ' : '';
  const kind = KIND_NAMES[t.kind] ?? `data kind ${t.kind}`;
  const noun = t.kind === KIND_INTERFEROGRAM || t.kind === KIND_PHASE || t.kind === KIND_INTERFEROGRAM_2CH ? '' : ' spectrum';
  return `${role}${kind}${noun}`;
}

/**
 * The data status block of a data block has the same type with parameter kind 1. When a file
 * stores several blocks of one type, the status block written right after the data block is its own.
 */
function findStatus(r: BinaryReader, entries: DirectoryEntry[], data: DirectoryEntry): DirectoryEntry {
  const wanted = (data.type | 0x10) >>> 0;
  const matches = entries.filter((e) => e.type >>> 0 === wanted);
  const after = matches.filter((e) => e.offset > data.offset).sort((a, b) => a.offset - b.offset);
  const status = after[0] ?? matches.at(-1);
  if (!status) {
    throw r.fail(`data block ${data.index} (type 0x${data.type.toString(16)}) has no data status block with its point count and axis`, 'data status');
  }
  return status;
}

/** Parameter block: repeated (3-char key + NUL, int16 type, int16 size in 2-byte words, value) until "END". */
function readParams(r: BinaryReader, entry: DirectoryEntry): Map<string, ParamValue> {
  const b = r.sub(entry.offset, entry.size, `parameter block ${entry.index}`);
  const params = new Map<string, ParamValue>();
  while (b.remaining >= 4) {
    const key = b.text(4, 'parameter key');
    if (key === 'END' || key === '') break;
    const field = `parameter ${excerpt(key, { ascii: true })}`;
    const kind = b.i16(`${field} type`);
    const size = b.i16(`${field} size`) * 2;
    b.requireBytes(size, `${field} value`);
    const start = b.offset;
    if (kind === 0 && size >= 4) params.set(key, b.i32(field));
    else if (kind === 1 && size >= 8) params.set(key, b.f64(field));
    else if (kind >= 2) params.set(key, b.text(size, field));
    b.seek(start + size, field);
  }
  return params;
}

function requireNumber(r: BinaryReader, params: Map<string, ParamValue>, key: string, entry: DirectoryEntry): number {
  const value = params.get(key);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw r.fail(`data status block ${entry.index} at byte ${entry.offset} has no numeric ${key}`, key);
  }
  return value;
}
