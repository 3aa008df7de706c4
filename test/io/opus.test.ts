import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import { parseOpus } from '../../src-main/io/opus';
import { fixture, formatFixture } from '../helpers/datasets';
import { randomFiles } from '../helpers/bytes';
import { userErrorOf as caught } from '../helpers/errors';

/** Expected values below were read independently with a Python `struct` script from the fixture bytes. */
const load = (name: string): Uint8Array => formatFixture('opus', name);

/** peach_juice.dpt: one "wavenumber<TAB>value" row per point, plus comment lines. */
function readDpt(): { x: number[]; y: number[] } {
  const text = fs.readFileSync(fixture('format_fixtures', 'opus', 'peach_juice.dpt'), 'latin1');
  const x: number[] = [];
  const y: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cols = line.trim().split(/[\s,;]+/);
    if (cols.length !== 2 || !/^[-\d.]/.test(cols[0])) continue;
    x.push(Number(cols[0]));
    y.push(Number(cols[1]));
  }
  return { x, y };
}

const f32 = Math.fround;

describe('parseOpus on fixtures', () => {
  it('file.0: the absorbance block (type 0x100F), 4927 points 9997.7→499.4 cm-1', () => {
    const b = parseOpus(load('file.0'), 'file.0');
    expect(b.format).toBe('opus');
    expect(b.samples).toHaveLength(1);
    expect(b.samples[0].id).toBe('file');
    expect(b.samples[0].sourceIndex).toBe(9);
    expect(b.yUnit).toBe('absorbance');
    expect(b.axes[0]).toMatchObject({ unit: 'cm-1', unitFromFile: true });
    const x = b.axes[0].values;
    expect(x).toHaveLength(4927);
    expect(x[0]).toBe(9997.720922928467);
    expect(x[4926]).toBe(499.4039959572754);
    const y = b.samples[0].channels[0];
    expect(y).toHaveLength(4927);
    expect(y[0]).toBe(f32(0.008768923580646515));
    expect(y[2000]).toBe(f32(0.07596060633659363));
    expect(y[4926]).toBe(f32(0.02339884825050831));
    // data status MNY / MXY of the block
    expect(Math.min(...y)).toBe(f32(-1.1767736673355103));
    expect(Math.max(...y)).toBe(6);
    expect(b.warnings).toEqual([
      'Imported the absorbance spectrum (4927 points, directory entry 9); skipped 5 other data blocks: sample single channel spectrum, reference single channel spectrum, sample interferogram, sample phase, reference interferogram.',
    ]);
  });

  it('peach_juice.0: the last ratioed block (type 0x300F, reflectance), equal to peach_juice.dpt', () => {
    const b = parseOpus(load('peach_juice.0'), 'peach_juice.0');
    expect(b.samples).toHaveLength(1);
    expect(b.samples[0].id).toBe('peach_juice');
    expect(b.samples[0].sourceIndex).toBe(26);
    expect(b.yUnit).toBe('reflectance');
    const x = b.axes[0].values;
    const y = b.samples[0].channels[0];
    expect(x).toHaveLength(1816);
    expect(x[0]).toBe(4000.1161035156247);
    expect(x[1815]).toBe(499.5323388671875);
    expect(y[0]).toBe(f32(0.906033456325531));
    expect(y[907]).toBe(f32(0.8574932217597961));
    expect(y[1815]).toBe(f32(0.7576262950897217));

    const dpt = readDpt();
    expect(dpt.x).toHaveLength(1816);
    for (let i = 0; i < 1816; i++) {
      expect(Math.abs(x[i] - dpt.x[i]), `x[${i}]`).toBeLessThan(1e-5);
      expect(Math.abs(y[i] - dpt.y[i]), `y[${i}]`).toBeLessThan(1e-5);
    }
    expect(b.warnings[0]).toContain('skipped 6 other data blocks');
  });

  it('applies the axis unit override and split tag', () => {
    const b = parseOpus(load('file.0'), 'file.0', { axisUnit: 'other', splitTag: 'train' });
    expect(b.axes[0]).toMatchObject({ unit: 'other', unitFromFile: false });
    expect(b.samples[0].split).toBe('train');
  });
});

describe('parseOpus on bad input', () => {
  it('truncated files give BAD_INPUT naming the cut', () => {
    for (const name of ['file.0', 'peach_juice.0']) {
      const bytes = load(name);
      for (const cut of [1, 10, 100, Math.floor(bytes.length / 2), bytes.length - 100]) {
        const err = caught(() => parseOpus(bytes.subarray(0, cut), name));
        expect(err.code, `${name} cut at ${cut}`).toBe('BAD_INPUT');
        expect(err.file).toBe(name);
      }
    }
    const bytes = load('file.0');
    expect(caught(() => parseOpus(bytes.subarray(0, 122848), 'file.0')).message).toBe(
      'file.0: directory entry 8 places a block of 19712 bytes at byte 121528, past the end of the file (122848 bytes); the file is truncated.',
    );
  });

  it('a huge block count is refused before reading the directory', () => {
    const bytes = load('file.0');
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(20, 0x7fffffff, true);
    const err = caught(() => parseOpus(bytes, 'file.0'));
    expect(err.field).toBe('block count');
  });

  it('an NPT larger than the data block is refused', () => {
    const bytes = load('file.0');
    // NPT of the 0x101F data status block (entry 19, at byte 244320): key, type, size, then the int32
    const at = 244320 + bytes.subarray(244320, 244320 + 200).findIndex((_, i, a) => a[i] === 0x4e && a[i + 1] === 0x50 && a[i + 2] === 0x54);
    new DataView(bytes.buffer, bytes.byteOffset).setInt32(at + 8, 1e9, true);
    const err = caught(() => parseOpus(bytes, 'file.0'));
    expect(err.field).toBe('NPT');
    expect(err.message).toContain('NPT is 1000000000 but data block 9');
  });

  it('a NaN in the spectrum names the point', () => {
    const bytes = load('file.0');
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(141352 + 4 * 41, Number.NaN, true);
    expect(caught(() => parseOpus(bytes, 'file.0')).message).toBe('file.0: spectrum file has a non-finite value (NaN) at point 42.');
  });

  it('random bytes give a UserError, never a crash', () => {
    for (const [trial, bytes] of randomFiles(424242, 200, (t) => 100 + t * 17)) {
      expect(caught(() => parseOpus(bytes, 'random.0')).code).toBe('BAD_INPUT');
      bytes.set([0x0a, 0x0a, 0xfe, 0xfe], 0);
      bytes.set([24, 0, 0, 0, 40, 0, 0, 0, trial % 5, 0, 0, 0], 12);
      expect(caught(() => parseOpus(bytes, 'random.0'))).toBeInstanceOf(UserError);
    }
  });
});
