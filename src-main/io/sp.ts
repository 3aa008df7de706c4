/**
 * PerkinElmer Spectrum .sp reader (one spectrum per file).
 *
 * An SP file is "PEPE", a 40-byte description and one dataset block (id 120) running to the
 * end of the file. A block is a u16 id, an i32 body size and the body; the dataset's body is a
 * chain of member blocks, each body starting with a u16 type tag. The members used here:
 * 35698 first and last x (tag 0x751d, two float64), 35700 the x step (0x751b, float64), 35701
 * the point count (0x752b, uint32), 35703 / 35704 the x / y unit (0x7523, u16 length and text),
 * 35708 the intensities (0x7516, u32 byte count and float64 values). Member 35711 (the
 * instrument history) is not read. Layout as read by specio's sp.py and orange-spectroscopy's
 * PerkinElmerReader, checked on single_PE_spectrum.sp.
 */
import type { ImportOptions, ParsedAxis, ParsedBatch } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { BinaryReader, linearAxis, requireFinite } from './binary-reader';
import { axisUnitFromXUnits } from './jcamp/assembly';

export const SP_MAGIC = 'PEPE';

const DESCRIPTION_SIZE = 40;
const BLOCK_HEADER_SIZE = 6;
const DATASET_BLOCK = 120;

const MEMBER_X_RANGE = 35698;
const MEMBER_X_STEP = 35700;
const MEMBER_POINTS = 35701;
const MEMBER_X_UNIT = 35703;
const MEMBER_Y_UNIT = 35704;
const MEMBER_DATA = 35708;

const TAG_FLOAT64 = 0x751b;
const TAG_FLOAT64_PAIR = 0x751d;
const TAG_UINT32 = 0x752b;
const TAG_TEXT = 0x7523;
const TAG_FLOAT64_ARRAY = 0x7516;

/** Relative disagreement between the stored x step and first/last/count that is still rounding. */
const STEP_TOLERANCE = 1e-6;

/** PerkinElmer's y unit texts, as the intensity names the other readers use. */
const Y_UNITS: Record<string, string> = { '%T': 'transmittance', A: 'absorbance', '%R': 'reflectance', KM: 'kubelka-munk' };

interface Member {
  id: number;
  /** Absolute position of the member's body. */
  offset: number;
  size: number;
}

/** Parses an SP file into one sample. */
export function parseSp(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const r = new BinaryReader(bytes, fileName, true);
  if (r.text(SP_MAGIC.length, 'magic') !== SP_MAGIC) throw r.fail(`not a PerkinElmer SP file: it does not start with "${SP_MAGIC}"`, 'magic');
  r.skip(DESCRIPTION_SIZE, 'description');
  const start = r.offset;
  const blockId = r.u16('dataset block id');
  const size = r.i32('dataset block size');
  if (blockId !== DATASET_BLOCK) {
    throw r.fail(
      `the block at byte ${start} is ${blockId}, not the spectrum dataset (${DATASET_BLOCK}); this PerkinElmer file (an .fsm image?) is not a single spectrum`,
      'dataset block id',
    );
  }
  const warnings: string[] = [];
  const members = readMembers(r.sub(r.offset, size, `dataset block ${DATASET_BLOCK} (${size} bytes)`));
  const end = start + BLOCK_HEADER_SIZE + size;
  if (end < r.length) warnings.push(`${r.length - end} bytes after the dataset block were ignored.`);

  const range = member(r, members, MEMBER_X_RANGE, 'x range', TAG_FLOAT64_PAIR);
  const firstX = range.f64('first x');
  const lastX = range.f64('last x');
  const points = member(r, members, MEMBER_POINTS, 'point count', TAG_UINT32).u32('point count');
  if (points < 1) throw r.fail(`member ${MEMBER_POINTS} (point count) declares ${points} points`, 'point count');
  if (!Number.isFinite(firstX) || !Number.isFinite(lastX)) throw r.fail(`the x range (${firstX} to ${lastX}) is not finite`, 'x range');
  checkStep(r, members, firstX, lastX, points, warnings);

  const data = member(r, members, MEMBER_DATA, 'intensities', TAG_FLOAT64_ARRAY);
  const byteCount = data.u32('intensities byte count');
  data.requireBytes(byteCount, `intensities of ${byteCount} bytes (member ${MEMBER_DATA})`, 'intensities byte count');
  const held = Math.floor(byteCount / 8);
  if (points > held) {
    throw r.fail(`member ${MEMBER_POINTS} declares ${points} points but the intensities (member ${MEMBER_DATA}) hold only ${held} values`, 'point count');
  }
  if (held > points) warnings.push(`The intensities hold ${held} values but the file declares ${points} points; the last ${held - points} were ignored.`);
  const y = new Float32Array(points);
  for (let i = 0; i < points; i++) y[i] = data.f64('intensities');
  const id = fileStem(fileName);
  requireFinite(y, fileName, id);

  const batch: ParsedBatch = {
    format: 'sp',
    axes: [spAxis(r, members, linearAxis(firstX, lastX, points), opts, warnings)],
    samples: [{ id, axis: 0, channels: [y], meta: {}, ...(opts.splitTag ? { split: opts.splitTag } : {}) }],
    warnings,
  };
  const yText = optionalText(r, members, MEMBER_Y_UNIT, 'y unit');
  if (yText !== null && yText !== '') batch.yUnit = Y_UNITS[yText] ?? yText.toLowerCase();
  opts.onProgress?.(1);
  return batch;
}

/** The member blocks of the dataset block, first of each id; each must lie inside the block. */
function readMembers(block: BinaryReader): Map<number, Member> {
  const members = new Map<number, Member>();
  while (block.remaining > 0) {
    const at = block.base + block.offset;
    const id = block.u16(`member block id at byte ${at}`);
    const size = block.i32(`member block ${id} size`);
    block.requireBytes(size, `member block ${id} at byte ${at}`, `member block ${id} size`);
    if (!members.has(id)) members.set(id, { id, offset: block.base + block.offset, size });
    block.skip(size, `member block ${id}`);
  }
  return members;
}

/** A reader over a member's value, after checking its type tag. */
function member(r: BinaryReader, members: Map<number, Member>, id: number, what: string, tag: number): BinaryReader {
  const m = members.get(id);
  if (!m) throw r.fail(`the dataset block has no member ${id} (${what})`, what);
  const body = r.sub(m.offset, m.size, `member ${id} (${what})`);
  const found = body.u16(`member ${id} type tag`);
  if (found !== tag) {
    throw r.fail(`member ${id} (${what}) at byte ${m.offset} has type tag 0x${hex(found)}, not 0x${hex(tag)}`, what);
  }
  return body;
}

function optionalText(r: BinaryReader, members: Map<number, Member>, id: number, what: string): string | null {
  if (!members.has(id)) return null;
  const body = member(r, members, id, what, TAG_TEXT);
  return body.text(body.u16(`${what} length`), what);
}

/** The stored step is redundant with first/last/count; a disagreement is reported, the axis follows first/last. */
function checkStep(r: BinaryReader, members: Map<number, Member>, firstX: number, lastX: number, points: number, warnings: string[]): void {
  if (!members.has(MEMBER_X_STEP) || points < 2) return;
  const step = member(r, members, MEMBER_X_STEP, 'x step', TAG_FLOAT64).f64('x step');
  const expected = (lastX - firstX) / (points - 1);
  if (!(Math.abs(step - expected) <= STEP_TOLERANCE * Math.max(Math.abs(expected), Number.MIN_VALUE))) {
    warnings.push(`The file's x step (${step}) does not match its range ${firstX} to ${lastX} over ${points} points (${expected}); the axis was spaced evenly over the range.`);
  }
}

function spAxis(r: BinaryReader, members: Map<number, Member>, values: Float64Array, opts: ImportOptions, warnings: string[]): ParsedAxis {
  if (opts.axisUnit) return { values, unit: opts.axisUnit, unitFromFile: false };
  const text = optionalText(r, members, MEMBER_X_UNIT, 'x unit');
  const unit = axisUnitFromXUnits(text);
  if (unit === null) {
    if (text !== null) warnings.push(`X axis unit "${text}" is not one Spectra Desk knows; imported as arbitrary units.`);
    return { values, unit: 'other', unitFromFile: false };
  }
  return { values, unit, unitFromFile: true };
}

function hex(value: number): string {
  return value.toString(16).padStart(4, '0');
}
