import { mulberry32 } from '../../src-main/common/ml/random';

/** Integers in [0, n) from one seeded mulberry32 stream: the one source of every fuzz input. */
function integers(seed: number): (n: number) => number {
  const rand = mulberry32(seed);
  return (n) => Math.floor(rand() * n);
}

/**
 * `trials` files of pseudo-random bytes, `size(trial)` bytes each, the same on every run:
 * garbage to feed a parser.
 */
export function* randomFiles(seed: number, trials: number, size: (trial: number) => number): Generator<[trial: number, bytes: Uint8Array]> {
  const next = integers(seed);
  for (let trial = 0; trial < trials; trial++) yield [trial, new Uint8Array(size(trial)).map(() => next(256))];
}

/** One changed copy of a file, and what was changed, so a failure can be read and reproduced. */
export interface Mutant {
  trial: number;
  what: string;
  bytes: Uint8Array;
}

/** Binary headers sit at the start: half the changes land in this many first bytes. */
const HEADER_BYTES = 1024;

/** Counts, sizes and offsets of the whole file tend to sit in the first bytes: half the field changes land here. */
const FIELD_BYTES = 64;

/**
 * `trials` changed copies of a binary file, the same on every run: bit flips, bytes set to edge
 * values, 16/32-bit fields (counts, offsets, sizes) set to 0, ±1, half, double or extremes,
 * truncations, a block removed or duplicated, and bytes appended.
 */
export function* binaryMutants(seed: number, original: Uint8Array, trials: number): Generator<Mutant> {
  const next = integers(seed);
  const len = original.length;
  const at = (): number => (next(2) === 0 ? next(Math.min(len, HEADER_BYTES)) : next(len));
  for (let trial = 0; trial < trials; trial++) {
    let bytes: Uint8Array = original.slice();
    let what: string;
    switch (next(7)) {
      case 0: {
        const flips = 1 + next(4);
        const spots: number[] = [];
        for (let i = 0; i < flips; i++) {
          const p = at();
          bytes[p] ^= 1 << next(8);
          spots.push(p);
        }
        what = `bits flipped at bytes ${spots.join(', ')}`;
        break;
      }
      case 1: {
        const p = at();
        bytes[p] = [0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, next(256)][next(8)];
        what = `byte ${p} set to ${bytes[p]}`;
        break;
      }
      case 2:
      case 3: {
        const width = next(2) === 0 ? 2 : 4;
        const span = [FIELD_BYTES, FIELD_BYTES, HEADER_BYTES, len][next(4)];
        const p = width * next(Math.floor(Math.min(len, span) / width));
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const max = width === 2 ? 0xffff : 0xffffffff;
        const v = width === 2 ? view.getUint16(p, true) : view.getUint32(p, true);
        const values = [0, 1, 2, 3, v - 1, v + 1, Math.floor(v / 2), v * 2, Math.floor(v / 16), max, Math.floor(max / 2), next(max + 1)];
        const value = Math.min(max, Math.max(0, values[next(values.length)]));
        if (width === 2) view.setUint16(p, value, true);
        else view.setUint32(p, value, true);
        what = `${width * 8}-bit field at byte ${p} changed from ${v} to ${value}`;
        break;
      }
      case 4: {
        const cut = next(2) === 0 ? next(Math.min(len, HEADER_BYTES * 2)) : len - 1 - next(Math.min(len - 1, 8192) + 1);
        bytes = bytes.slice(0, Math.max(0, cut));
        what = `truncated to ${bytes.length} bytes`;
        break;
      }
      case 5: {
        const size = 1 + next(Math.min(len, 4096));
        const p = next(len - size + 1);
        const duplicate = next(2) === 0;
        bytes = duplicate
          ? concat(original.subarray(0, p + size), original.subarray(p))
          : concat(original.subarray(0, p), original.subarray(p + size));
        what = `${size} bytes at byte ${p} ${duplicate ? 'duplicated' : 'removed'}`;
        break;
      }
      default: {
        const extra = 1 + next(600);
        const tail = next(2) === 0 ? new Uint8Array(extra) : new Uint8Array(extra).map(() => next(256));
        bytes = concat(original, tail);
        what = `${extra} bytes appended`;
      }
    }
    yield { trial, what, bytes };
  }
}

/** Text a number-reading parser may trip over, put in place of one character. */
const TEXT_INSERTS = ['0', '9', '-', '.', ',', ';', '\t', ' ', 'e', 'E', 'x', '#', '=', '\n', '\r', '\0', '?', '1e999', 'NaN', '-0', '99999999999', '##', '"'];

/**
 * `trials` changed copies of a text file, the same on every run: lines duplicated, removed or
 * swapped (half the time among the first 40, where headers and labels sit), a character replaced,
 * a number in a header line replaced, a bit flipped, a truncation, or a very long line inserted.
 * Bytes are handled as Latin-1 so that every other byte survives the round trip unchanged.
 */
export function* textMutants(seed: number, original: Uint8Array, trials: number): Generator<Mutant> {
  const next = integers(seed);
  const source = Buffer.from(original).toString('latin1');
  const lines = source.split('\n');
  const line = (): number => (next(2) === 0 ? next(Math.min(lines.length, 40)) : next(lines.length));
  for (let trial = 0; trial < trials; trial++) {
    let text: string | undefined;
    let what: string;
    const copy = lines.slice();
    switch (next(8)) {
      case 0: {
        const i = line();
        copy.splice(i, 0, copy[i]);
        what = `line ${i + 1} duplicated`;
        break;
      }
      case 1: {
        const i = line();
        copy.splice(i, 1);
        what = `line ${i + 1} removed`;
        break;
      }
      case 2: {
        const i = line();
        const j = line();
        [copy[i], copy[j]] = [copy[j], copy[i]];
        what = `lines ${i + 1} and ${j + 1} swapped`;
        break;
      }
      case 3: {
        const i = next(Math.min(lines.length, 40));
        const value = ['0', '-1', '1', '3', '1e308', '99999999999', '-99999999999', 'x'][next(8)];
        copy[i] = copy[i].replace(/-?\d+(\.\d+)?([eE][-+]?\d+)?/, value);
        what = `first number of line ${i + 1} set to ${value}`;
        break;
      }
      case 4: {
        const p = next(source.length);
        const insert = TEXT_INSERTS[next(TEXT_INSERTS.length)];
        text = source.slice(0, p) + insert + source.slice(p + 1);
        what = `character ${p} replaced by ${JSON.stringify(insert)}`;
        break;
      }
      case 5: {
        const p = next(source.length);
        text = source.slice(0, p) + String.fromCharCode(source.charCodeAt(p) ^ (1 << next(8))) + source.slice(p + 1);
        what = `a bit of character ${p} flipped`;
        break;
      }
      case 6: {
        const cut = next(source.length);
        text = source.slice(0, cut);
        what = `truncated to ${cut} characters`;
        break;
      }
      default: {
        const i = line();
        const unit = ['x', '1,', '1\t', '##A=', '0.5 '][next(5)];
        copy.splice(i, 0, unit.repeat(20_000 + next(40_000)));
        what = `a line of ${JSON.stringify(unit)} repeated inserted before line ${i + 1}`;
      }
    }
    text ??= copy.join('\n');
    yield { trial, what, bytes: new Uint8Array(Buffer.from(text, 'latin1')) };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
