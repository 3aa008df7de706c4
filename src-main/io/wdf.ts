/**
 * Renishaw WiRE WDF reader (single spectra, series such as depth profiles, and maps).
 *
 * A WDF file is a chain of blocks, each with a 16-byte header (4-char id, uid, 64-bit
 * size including the header). The first block, WDF1, is the 512-byte file header with
 * the point and spectrum counts; DATA holds all spectra as float32, XLST the spectral
 * axis, and ORGN the per-spectrum "origin" lists (stage X/Y/Z, time, flags).
 * Blocks we do not need (camera images, processing history) are skipped; a damaged
 * block after the ones we need is tolerated with a warning, since WiRE itself writes
 * such files (see single-spectrum_undefined-type.wdf, whose last block overruns the end).
 */
import type { AxisUnit, ImportOptions, ParsedBatch, ParsedSample } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { excerpt, quoteExcerpt } from '../common/format/excerpt';
import { BinaryReader, checkCancelled, requireFinite, sampleId } from './binary-reader';

const BLOCK_HEADER_SIZE = 16;
const FILE_HEADER_SIZE = 512;

/** WDF unit codes (WiRE WdfUnits) for the spectral axis. */
const X_UNITS: Record<number, AxisUnit> = { 1: 'cm-1', 2: 'cm-1', 3: 'nm', 5: 'um', 16: 'index' };
const X_UNIT_NAMES: Record<number, string> = { 4: 'eV', 8: 'mm', 9: 'm', 12: 's', 13: 'ms', 14: 'hours', 15: 'days' };

/** WDF unit codes for intensities. */
const Y_UNITS: Record<number, string> = { 6: 'counts', 7: 'electrons', 17: 'intensity', 18: 'relative intensity' };

/** Origin data types (WiRE WdfDataType) we place on the map, and the factor to µm for their unit codes. */
const ORIGIN_X = 3;
const ORIGIN_Y = 4;
const ORIGIN_Z = 5;
const TO_MICRONS: Record<number, number> = { 5: 1, 8: 1000, 9: 1e6 };
const ORIGIN_LABEL_SIZE = 16;

interface Block {
  id: string;
  offset: number;
  size: number;
}

/** Parses a WDF file into one sample per collected spectrum, with map coordinates where the file has them. */
export function parseWdf(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const r = new BinaryReader(bytes, fileName, true);
  const magic = r.text(4, 'magic');
  if (magic !== 'WDF1') throw r.fail(`not a Renishaw WDF file: it starts with ${quoteExcerpt(magic, { ascii: true })} instead of "WDF1"`, 'magic');
  r.requireRange(0, FILE_HEADER_SIZE, 'WDF1 file header');
  r.seek(60, 'npoints');
  const npoints = r.u32('npoints');
  const nspectra = r.u64('nspectra');
  const ncollected = r.u64('ncollected');
  r.seek(88, 'xlistcount');
  const xlistcount = r.u32('xlistcount');
  const origincount = r.u32('origincount');
  r.seek(152, 'units');
  const intensityUnit = r.u32('units');

  const warnings: string[] = [];
  const { blocks, truncation } = scanBlocks(r, warnings);
  const count = ncollected;
  if (npoints < 1) throw r.fail('header declares npoints = 0 points per spectrum', 'npoints');
  if (count < 1) throw r.fail('header declares ncollected = 0 spectra: the measurement collected no data', 'ncollected');
  if (count > nspectra) {
    throw r.fail(`header declares ncollected = ${count} spectra, more than its capacity nspectra = ${nspectra}`, 'ncollected');
  }
  if (count < nspectra) warnings.push(`Measurement stopped early: ${count} of ${nspectra} planned spectra were collected.`);

  const data = requireBlock(r, blocks, 'DATA', truncation);
  const needed = count * npoints * 4;
  if (data.size - BLOCK_HEADER_SIZE < needed) {
    throw r.fail(
      `header declares ${count} spectra × ${npoints} points (ncollected × npoints = ${needed} bytes) but the DATA block at byte ${data.offset} holds only ${data.size - BLOCK_HEADER_SIZE} bytes`,
      'npoints',
    );
  }

  const x = readXList(r, requireBlock(r, blocks, 'XLST', truncation), npoints, xlistcount, opts, warnings);
  // Without ORGN a map would silently lose its coordinates, so a declared but cut-off ORGN is an error.
  const orgn = origincount > 0 && truncation ? requireBlock(r, blocks, 'ORGN', truncation) : blocks.get('ORGN');
  const origins = readOrigins(r, orgn, nspectra, warnings);

  const stem = fileStem(fileName);
  const samples: ParsedSample[] = [];
  r.seek(data.offset + BLOCK_HEADER_SIZE, 'DATA values');
  for (let k = 0; k < count; k++) {
    checkCancelled(opts, fileName);
    const id = sampleId(stem, k, count);
    const y = r.f32Array(npoints, `DATA values of spectrum ${k + 1}`);
    requireFinite(y, fileName, id);
    const sample: ParsedSample = { id, axis: 0, channels: [y], meta: {}, sourceIndex: k + 1 };
    if (origins.x && origins.y) {
      sample.mapX = finiteOrNull(origins.x[k]);
      sample.mapY = finiteOrNull(origins.y[k]);
    }
    if (origins.z) sample.meta.z_um = finiteOrNull(origins.z[k]);
    if (opts.splitTag) sample.split = opts.splitTag;
    samples.push(sample);
    opts.onProgress?.((k + 1) / count);
  }

  const batch: ParsedBatch = { format: 'wdf', axes: [x], samples, warnings };
  const yUnit = Y_UNITS[intensityUnit];
  if (yUnit !== undefined) batch.yUnit = yUnit;
  return batch;
}

/**
 * Walks the block chain; keeps the first block of each id. A block running past the end stops
 * the walk; `truncation` then describes it, for the error if a needed block was lost with it.
 */
function scanBlocks(r: BinaryReader, warnings: string[]): { blocks: Map<string, Block>; truncation?: string } {
  const blocks = new Map<string, Block>();
  let offset = 0;
  while (offset < r.length) {
    if (r.length - offset < BLOCK_HEADER_SIZE) {
      const truncation = `The file ends ${r.length - offset} bytes into a block header at byte ${offset}`;
      warnings.push(`${truncation}; those bytes were ignored.`);
      return { blocks, truncation };
    }
    r.seek(offset, 'block header');
    const id = r.text(4, `block id at byte ${offset}`);
    const shown = excerpt(id, { ascii: true });
    r.u32(`block ${shown} uid`);
    const size = r.u64(`block ${shown} size`);
    if (size < BLOCK_HEADER_SIZE) throw r.fail(`block ${shown} at byte ${offset} declares an impossible size of ${size} bytes`, `block ${shown} size`);
    if (offset + size > r.length) {
      const truncation = `Block ${shown} at byte ${offset} declares ${size} bytes but only ${r.length - offset} remain`;
      warnings.push(`${truncation}; it and anything after it were ignored.`);
      return { blocks, truncation };
    }
    if (!blocks.has(id)) blocks.set(id, { id, offset, size });
    offset += size;
  }
  return { blocks };
}

function requireBlock(r: BinaryReader, blocks: Map<string, Block>, id: string, truncation: string | undefined): Block {
  const block = blocks.get(id);
  if (block) return block;
  const why = truncation
    ? `the file is truncated (${truncation.charAt(0).toLowerCase()}${truncation.slice(1)})`
    : 'the file is not a complete WiRE measurement';
  throw r.fail(`the ${id} block is missing: ${why}`, id);
}

/** The spectral axis: XLST holds a data type, a unit code and one float32 per point. */
function readXList(
  r: BinaryReader,
  block: Block,
  npoints: number,
  xlistcount: number,
  opts: ImportOptions,
  warnings: string[],
): { values: Float64Array; unit: AxisUnit; unitFromFile: boolean } {
  if (xlistcount !== npoints) {
    throw r.fail(`header declares npoints = ${npoints} but xlistcount = ${xlistcount}`, 'xlistcount');
  }
  const b = r.sub(block.offset, block.size, 'XLST block');
  b.seek(BLOCK_HEADER_SIZE, 'XLST type');
  b.u32('XLST type');
  const unitCode = b.u32('XLST unit');
  const values = Float64Array.from(b.f32Array(npoints, 'XLST values'));
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw r.fail(`XLST value ${i + 1} is not a finite number`, 'XLST values');
  }
  if (opts.axisUnit) return { values, unit: opts.axisUnit, unitFromFile: false };
  const unit = X_UNITS[unitCode];
  if (unit !== undefined) return { values, unit, unitFromFile: true };
  if (unitCode === 0) return { values, unit: 'other', unitFromFile: false };
  warnings.push(`Spectral axis unit is ${X_UNIT_NAMES[unitCode] ?? `unknown unit code ${unitCode}`}; imported as arbitrary units.`);
  return { values, unit: 'other', unitFromFile: true };
}

/**
 * Stage positions from ORGN: a count, then per list a type (high bit = "primary"), a unit,
 * a 16-byte label and one 8-byte value per planned spectrum. Positions are doubles; we keep
 * X, Y and Z in µm.
 */
function readOrigins(
  r: BinaryReader,
  block: Block | undefined,
  nspectra: number,
  warnings: string[],
): { x?: Float64Array; y?: Float64Array; z?: Float64Array } {
  const out: { x?: Float64Array; y?: Float64Array; z?: Float64Array } = {};
  if (!block) return out;
  const b = r.sub(block.offset, block.size, 'ORGN block');
  b.seek(BLOCK_HEADER_SIZE, 'ORGN count');
  const lists = b.u32('ORGN count');
  b.requireBytes(lists * (8 + ORIGIN_LABEL_SIZE + nspectra * 8), `${lists} origin lists of ${nspectra} values (nspectra)`, 'ORGN count');
  for (let i = 0; i < lists; i++) {
    const type = b.u32(`origin list ${i + 1} type`) & 0x7fffffff;
    const unit = b.u32(`origin list ${i + 1} unit`);
    const label = b.text(ORIGIN_LABEL_SIZE, `origin list ${i + 1} label`);
    const shown = excerpt(label);
    const factor = TO_MICRONS[unit];
    const isPosition = type === ORIGIN_X || type === ORIGIN_Y || type === ORIGIN_Z;
    if (!isPosition || factor === undefined) {
      if (isPosition) warnings.push(`Stage position list ${quoteExcerpt(label)} has unit code ${unit}, not a length; positions ignored.`);
      b.skip(nspectra * 8, `origin list ${shown} values`);
      continue;
    }
    const values = new Float64Array(nspectra);
    for (let k = 0; k < nspectra; k++) values[k] = b.f64(`origin ${shown} value ${k + 1}`) * factor;
    if (type === ORIGIN_X) out.x = values;
    else if (type === ORIGIN_Y) out.y = values;
    else out.z = values;
  }
  return out;
}

/** A non-finite stage position is unknown: better no coordinate than a bogus one. */
function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
