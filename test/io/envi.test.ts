/**
 * ENVI cubes written by python3-spectral (scripts/golden/envi.py): every interleave, data type
 * and byte order, compared value for value with what spectral reads back (expected.json).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src-main/io';
import { enviDataNames } from '../../src-main/io/envi';
import { userErrorOf } from '../helpers/errors';

const DIR = path.resolve(__dirname, '../fixtures/envi');
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(DIR, name)));
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

interface Expected {
  lines: number;
  samples: number;
  bands: number;
  wavelengths: number[];
  cubes: Record<string, { data: string; pixels: number[][][] }>;
}
const expected = JSON.parse(readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Expected;

const refusal = (header: string, data: Uint8Array | null): string =>
  userErrorOf(() => parseFile(enc(header), 'cube.hdr', data ? { companion: { name: 'cube.img', bytes: data } } : {})).message;

const HEADER = ['ENVI', 'samples = 2', 'lines = 1', 'bands = 3', 'header offset = 0', 'data type = 4', 'interleave = bip', 'byte order = 0'];
const header = (...replace: [number, string | null][]): string => {
  const lines = [...HEADER];
  for (const [i, text] of replace) lines[i] = text ?? '';
  return lines.join('\n') + '\n';
};

describe('ENVI reader', () => {
  it.each(Object.keys(expected.cubes))('reads %s pixel by pixel as spectral does', (name) => {
    const cube = expected.cubes[name]!;
    const batch = parseFile(read(`${name}.hdr`), `${name}.hdr`, { companion: { name: cube.data, bytes: read(cube.data) } });
    expect(batch.format).toBe('envi');
    expect(Array.from(batch.axes[0]!.values)).toEqual(expected.wavelengths);
    expect([batch.axes[0]!.unit, batch.axes[0]!.unitFromFile, batch.warnings]).toEqual(['nm', true, []]);
    expect(batch.samples).toHaveLength(expected.lines * expected.samples);
    for (const [k, s] of batch.samples.entries()) {
      const line = Math.floor(k / expected.samples);
      const sample = k % expected.samples;
      expect([s.id, s.mapX, s.mapY]).toEqual([`${name}#${k + 1}`, sample, line]);
      expect(Array.from(s.channels[0]!)).toEqual(cube.pixels[line]![sample]);
    }
  });

  it('places each value by its line, sample and band (100·line + 10·sample + band)', () => {
    const batch = parseFile(read('bil-int16-le.hdr'), 'bil-int16-le.hdr', { companion: { name: 'bil-int16-le.raw', bytes: read('bil-int16-le.raw') } });
    expect(Array.from(batch.samples[6]!.channels[0]!)).toEqual([-120, -121, -122, -123, -124]);
    const f = parseFile(read('bsq-float32-offset.hdr'), 'bsq-float32-offset.hdr', { companion: { name: 'x', bytes: read('bsq-float32-offset.img') } });
    expect(Array.from(f.samples[11]!.channels[0]!)).toEqual([230.5, 231.5, 232.5, 233.5, 234.5]);
  });

  it('numbers the bands when the header has no wavelengths, and guesses an unknown unit', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6]).buffer);
    const plain = parseFile(enc(header()), 'cube.hdr', { companion: { name: 'cube.img', bytes: data } });
    expect([Array.from(plain.axes[0]!.values), plain.axes[0]!.unit]).toEqual([[1, 2, 3], 'index']);
    expect(plain.warnings).toEqual(['cube.hdr has no wavelength list; the 3 bands are numbered 1–3 (point index).']);
    expect(plain.samples.map((s) => Array.from(s.channels[0]!))).toEqual([[1, 2, 3], [4, 5, 6]]);
    const guessed = parseFile(enc(header() + 'wavelength = {\n 3000, 2000,\n 1000 }\nwavelength units = Unknown\n'), 'cube.hdr', { companion: { name: 'cube.img', bytes: data } });
    expect([Array.from(guessed.axes[0]!.values), guessed.axes[0]!.unit]).toEqual([[3000, 2000, 1000], 'cm-1']);
    expect(guessed.warnings).toEqual([
      'cube.hdr: wavelength units "Unknown" is not a unit Spectra Desk knows; guessed cm⁻¹ because the axis reaches above 2600. Import again with the axis unit set if that is wrong.',
    ]);
  });

  it('looks for the data file under the names ENVI writers use', () => {
    expect(enviDataNames('cube.hdr')).toEqual(['cube', 'cube.img', 'cube.raw', 'cube.dat', 'cube.bsq', 'cube.bil', 'cube.bip']);
    expect(enviDataNames('cube.img.hdr')[0]).toBe('cube.img');
  });

  it('refuses a header without its data, or one whose size disagrees with the data file', () => {
    expect(refusal(header(), null)).toBe('cube.hdr is an ENVI header, but its data file is not beside it (looked for cube, cube.img, cube.raw, cube.dat, cube.bsq, cube.bil, cube.bip).');
    expect(refusal(header(), new Uint8Array(20))).toBe('cube.img holds 20 bytes, but cube.hdr declares 2 samples × 1 lines × 3 bands of float32 after a 0-byte header offset = 24 bytes.');
    expect(refusal(header([4, 'header offset = 8']), new Uint8Array(24))).toBe('cube.img holds 24 bytes, but cube.hdr declares 2 samples × 1 lines × 3 bands of float32 after a 8-byte header offset = 32 bytes.');
  });

  it('refuses header fields it cannot read exactly, naming the line', () => {
    const data = new Uint8Array(24);
    expect(refusal(header([1, null]), data)).toBe('cube.hdr does not give "samples", which an ENVI header needs.');
    expect(refusal(header([2, 'lines = 1.5']), data)).toBe('cube.hdr line 3: lines = "1.5" is not a whole number of at least 1.');
    expect(refusal(header([5, 'data type = 6']), data)).toBe('cube.hdr line 6: data type 6 is not read; Spectra Desk reads 1 (uint8), 2 (int16), 3 (int32), 4 (float32), 5 (float64), 12 (uint16).');
    expect(refusal(header([6, 'interleave = bxq']), data)).toBe('cube.hdr line 7: interleave "bxq" is not bsq, bil or bip.');
    expect(refusal(header([7, null]), data)).toBe('cube.hdr does not give the "byte order" (0 little-endian, 1 big-endian) of its float32 data.');
    expect(refusal(header() + 'wavelength = { 1, 2 }\n', data)).toBe('cube.hdr line 9: the wavelength list has 2 values for 3 bands.');
    expect(refusal(header() + 'wavelength = { 1, x, 3 }\n', data)).toBe('cube.hdr line 9: wavelength 2 ("x") is not a number.');
    expect(refusal(header() + 'wavelength = { 1, 2, 3\n', data)).toBe('cube.hdr line 9: the value of "wavelength" opens "{" but never closes it.');
    expect(refusal(header() + 'file type = ENVI Spectral Library\n', data)).toBe('cube.hdr line 9: "ENVI Spectral Library" files are not read; only ENVI image cubes (ENVI Standard) are.');
    expect(refusal(header() + 'just text\n', data)).toBe('cube.hdr line 9: "just text" is not a "key = value" header line.');
  });

  it('refuses a non-finite value, naming the pixel', () => {
    const data = new Uint8Array(new Float32Array([1, 2, 3, 4, NaN, 6]).buffer);
    expect(refusal(header(), data)).toBe('cube.img: spectrum cube#2 (sample 1, line 0) has a non-finite value (NaN) at point 2.');
  });
});
