/**
 * Bounds-checked reading of binary instrument files.
 *
 * Instrument files come from many programs and versions, and users also drop
 * truncated copies or unrelated files on the app. A plain DataView throws a
 * RangeError with no context, and trusting a declared count lets one flipped
 * byte allocate gigabytes. This reader names every field it reads, so a bad
 * file turns into a UserError the user can act on ("field fnpts at byte 4 is
 * past the end of the file"), and it checks declared sizes against the bytes
 * actually present before anything is allocated.
 */
import { UserError, badInput } from '../common/errors';
import type { ImportOptions } from '../common/domain/spectra';

/** True on little-endian hosts, where little-endian float arrays can be copied instead of decoded one by one. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class BinaryReader {
  /** Current position, relative to the start of this reader's bytes. */
  offset = 0;
  readonly length: number;
  private readonly view: DataView;

  /**
   * @param bytes the bytes to read (a whole file, or one block of it)
   * @param file file name used in error messages
   * @param littleEndian byte order of multi-byte fields
   * @param base absolute file position of bytes[0], so messages about a block still give file positions
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly littleEndian = true,
    readonly base = 0,
  ) {
    this.length = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left after the current position. */
  get remaining(): number {
    return this.length - this.offset;
  }

  /** A reader over `size` bytes starting at `offset`, for parsing one block without reading past it. */
  sub(offset: number, size: number, what: string): BinaryReader {
    this.requireRange(offset, size, what);
    return new BinaryReader(this.bytes.subarray(offset, offset + size), this.file, this.littleEndian, this.base + offset);
  }

  /** Moves to an absolute position (0..length); a position outside the data is a bad file, not a bug. */
  seek(offset: number, field: string): this {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.length) {
      throw this.fail(`${field} at byte ${this.base + offset} is outside the file (${this.describeSize()})`, field);
    }
    this.offset = offset;
    return this;
  }

  skip(count: number, field: string): this {
    return this.seek(this.offset + count, field);
  }

  /**
   * Checks that `count` bytes are present at the current position. Call it with a declared
   * size BEFORE allocating arrays for it, so a corrupt count fails fast instead of exhausting memory.
   */
  requireBytes(count: number, what: string, field = what): void {
    this.requireRange(this.offset, count, what, field);
  }

  /** Like requireBytes, for an absolute position. */
  requireRange(offset: number, count: number, what: string, field = what): void {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw this.fail(`${what} at byte ${this.base + offset} has an impossible size (${count} bytes)`, field);
    }
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + count > this.length) {
      const left = Math.max(0, this.length - offset);
      throw this.fail(
        `${what} at byte ${this.base + offset} needs ${count} bytes but only ${left} remain (${this.describeSize()}); the file is truncated or damaged`,
        field,
      );
    }
  }

  u8(field: string): number {
    return this.view.getUint8(this.advance(1, field));
  }

  i8(field: string): number {
    return this.view.getInt8(this.advance(1, field));
  }

  u16(field: string): number {
    return this.view.getUint16(this.advance(2, field), this.littleEndian);
  }

  i16(field: string): number {
    return this.view.getInt16(this.advance(2, field), this.littleEndian);
  }

  u32(field: string): number {
    return this.view.getUint32(this.advance(4, field), this.littleEndian);
  }

  i32(field: string): number {
    return this.view.getInt32(this.advance(4, field), this.littleEndian);
  }

  /** Unsigned 64-bit integer as a number; values above 2^53 cannot be a real count or size in a file we can hold. */
  u64(field: string): number {
    const at = this.offset;
    const value = this.view.getBigUint64(this.advance(8, field), this.littleEndian);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw this.fail(`field ${field} at byte ${this.base + at} holds an impossible value (${value})`, field);
    }
    return Number(value);
  }

  f32(field: string): number {
    return this.view.getFloat32(this.advance(4, field), this.littleEndian);
  }

  f64(field: string): number {
    return this.view.getFloat64(this.advance(8, field), this.littleEndian);
  }

  /** Fixed-width text field: Latin-1, cut at the first NUL, trimmed. */
  text(size: number, field: string): string {
    const at = this.advance(size, field);
    let out = '';
    for (let i = at; i < at + size; i++) {
      const c = this.bytes[i];
      if (c === 0) break;
      out += String.fromCharCode(c);
    }
    return out.trim();
  }

  /** `count` float32 values; the size is checked before the array is allocated. */
  f32Array(count: number, field: string): Float32Array {
    this.requireBytes(count * 4, field);
    const at = this.advance(count * 4, field);
    if (this.littleEndian === HOST_LITTLE_ENDIAN) {
      // Copy into a fresh, aligned buffer (Node's Buffer.slice would share memory instead of copying).
      const copy = new Uint8Array(count * 4);
      copy.set(this.bytes.subarray(at, at + count * 4));
      return new Float32Array(copy.buffer);
    }
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.view.getFloat32(at + i * 4, this.littleEndian);
    return out;
  }

  /** `count` int32 values, each multiplied by `scale` (fixed-point Y data); size checked before allocation. */
  i32ArrayScaled(count: number, scale: number, field: string): Float32Array {
    return this.intArrayScaled(count, 4, scale, field);
  }

  /** `count` int16 values, each multiplied by `scale`; size checked before allocation. */
  i16ArrayScaled(count: number, scale: number, field: string): Float32Array {
    return this.intArrayScaled(count, 2, scale, field);
  }

  private intArrayScaled(count: number, size: 2 | 4, scale: number, field: string): Float32Array {
    this.requireBytes(count * size, field);
    const at = this.advance(count * size, field);
    const out = new Float32Array(count);
    const le = this.littleEndian;
    if (size === 4) for (let i = 0; i < count; i++) out[i] = this.view.getInt32(at + i * 4, le) * scale;
    else for (let i = 0; i < count; i++) out[i] = this.view.getInt16(at + i * 2, le) * scale;
    return out;
  }

  /** A BAD_INPUT error about this file, naming the field. */
  fail(message: string, field?: string): UserError {
    return badInput(this.file, `${this.file}: ${message}.`, field === undefined ? {} : { field });
  }

  private describeSize(): string {
    return this.base === 0 ? `${this.length} bytes` : `block of ${this.length} bytes at byte ${this.base}`;
  }

  /** Returns the position of a `size`-byte field and moves past it, or throws naming the field. */
  private advance(size: number, field: string): number {
    const at = this.offset;
    if (at + size > this.length) {
      const where = this.base === 0 ? `the end of the file (${this.length} bytes)` : `the end of its block (${this.describeSize()})`;
      throw this.fail(`field ${field} at byte ${this.base + at} is past ${where}`, field);
    }
    this.offset = at + size;
    return at;
  }
}

/** True when the file starts with the ASCII text `magic`. */
export function startsWithText(bytes: Uint8Array, magic: string): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) {
    if (bytes[i] !== magic.charCodeAt(i)) return false;
  }
  return true;
}

/** Ids for the spectra of one file: the stem alone for one spectrum, `stem#k` (1-based) for several. */
export function sampleId(stem: string, index: number, count: number): string {
  return count === 1 ? stem : `${stem}#${index + 1}`;
}

/**
 * Every intensity must be finite (ParsedSample contract). A NaN or Inf usually means a
 * misread layout or a damaged file, so it is reported with the spectrum and point.
 */
export function requireFinite(values: Float32Array, file: string, spectrum: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw badInput(file, `${file}: spectrum ${spectrum} has a non-finite value (${values[i]}) at point ${i + 1}.`, {
        field: `${spectrum} point ${i + 1}`,
      });
    }
  }
}

/** Evenly spaced axis from first to last inclusive, as instrument headers declare it. */
export function linearAxis(first: number, last: number, count: number): Float64Array {
  const out = new Float64Array(count);
  const step = count > 1 ? (last - first) / (count - 1) : 0;
  for (let i = 0; i < count; i++) out[i] = first + step * i;
  if (count > 1) out[count - 1] = last;
  return out;
}

/** Throws CANCELLED when the caller aborted; called between spectra of long files. */
export function checkCancelled(opts: ImportOptions | undefined, file: string): void {
  if (opts?.signal?.aborted) throw new UserError('CANCELLED', `Import of ${file} was cancelled.`, { file });
}
