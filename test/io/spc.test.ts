import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import type { ParsedBatch } from '../../src-main/common/domain/spectra';
import { parseSpc } from '../../src-main/io/spc';
import { fixture, formatFixture } from '../helpers/datasets';
import { randomFiles } from '../helpers/bytes';
import { userErrorOf as caught } from '../helpers/errors';

// Expected values below were read independently with a Python `struct` script from the fixture bytes.

function spc(name: string): ParsedBatch {
  return parseSpc(formatFixture('spc', name), name);
}

const f32 = Math.fround;

/** The batch's one axis has `points` points from `first` to `last`, to `digits` decimals. */
function expectAxisEnds(b: ParsedBatch, points: number, first: number, last: number, digits: number): void {
  const x = b.axes[0].values;
  expect(x).toHaveLength(points);
  expect(x[0]).toBeCloseTo(first, digits);
  expect(x[points - 1]).toBeCloseTo(last, digits);
}

describe('parseSpc on single-spectrum fixtures', () => {
  it('Ft-ir.spc: even X 4000→450 cm-1, int32 Y with fexp 8, transmittance', () => {
    const b = spc('Ft-ir.spc');
    expect(b.format).toBe('spc');
    expect(b.samples).toHaveLength(1);
    expect(b.samples[0].id).toBe('Ft-ir');
    expect(b.axes).toHaveLength(1);
    const x = b.axes[0].values;
    expect(x).toHaveLength(1776);
    expect([x[0], x[1775]]).toEqual([4000, 450]);
    expect(b.axes[0]).toMatchObject({ unit: 'cm-1', unitFromFile: true });
    expect(b.yUnit).toBe('transmittance');
    const y = b.samples[0].channels[0];
    expect([y[0], y[888], y[1775]]).toEqual([f32(95.13749694824219), f32(96.27213287353516), f32(94.88349151611328)]);
  });

  it('s_evenx.spc: 1844 points 447.5→4002.3 cm-1, absorbance equal to -log10 of jtpolys.jdx transmittance', () => {
    const b = spc('s_evenx.spc');
    expectAxisEnds(b, 1844, 447.48406982421875, 4002.28173828125, 10);
    expect(b.yUnit).toBe('absorbance');
    const y = b.samples[0].channels[0];
    expect([y[0], y[922], y[1843]]).toEqual([f32(0.008050619624555111), f32(4.6993372961878777e-5), f32(0.005854657851159573)]);
    // jtpolys.jdx: first Y = 411726930 × YFACTOR 2.384185791e-09 (transmittance)
    expect(y[0]).toBeCloseTo(-Math.log10(411726930 * 2.384185791e-9), 6);
  });

  it('s_xy.spc: explicit X in minutes (chromatogram), 512 points', () => {
    const b = spc('s_xy.spc');
    expect(b.axes[0]).toMatchObject({ unit: 'min', unitFromFile: true });
    const x = b.axes[0].values;
    expect(x).toHaveLength(512);
    expect([x[0], x[1], x[511]]).toEqual([f32(1.0866667032241821), f32(1.096666693687439), f32(6.017166614532471)]);
    const y = b.samples[0].channels[0];
    expect([y[0], y[1], y[256], y[511]]).toEqual([45333, 36606, 38961, 22761]);
  });

  it('RAMAN.SPC: 3632 points, Raman shift 3996.8→-3006.0 cm-1', () => {
    const b = spc('RAMAN.SPC');
    expectAxisEnds(b, 3632, 3996.8, -3006.0, 1);
    expect(b.axes[0].unit).toBe('cm-1');
    const y = b.samples[0].channels[0];
    expect([y[0], y[1816], y[3631]]).toEqual([f32(0.01710212230682373), f32(1.237623691558838), f32(0.03207695484161377)]);
  });

  it('NDR0002.SPC: 4069 points, 4011.2→88.6 cm-1', () => {
    const b = spc('NDR0002.SPC');
    expectAxisEnds(b, 4069, 4011.2, 88.6, 1);
    const y = b.samples[0].channels[0];
    expect([y[1], y[2034]]).toEqual([f32(0.0004965392872691154), f32(0.0019483668729662895)]);
  });

  it('resolutionPro.spc: float32 Y (fexp 0x80), 1557 points 499.6→3500.8 cm-1', () => {
    const b = spc('resolutionPro.spc');
    expectAxisEnds(b, 1557, 499.6, 3500.8, 1);
    const y = b.samples[0].channels[0];
    expect([y[0], y[778], y[1556]]).toEqual([7, 7, 9]);
    expect(Math.min(...y)).toBe(3);
    expect(Math.max(...y)).toBe(205);
  });
});

describe('parseSpc on multifile fixtures', () => {
  it('nir.spc: 20 NIR spectra × 700 points, 1100→2498 nm, one shared axis', () => {
    const b = spc('nir.spc');
    expect(b.samples).toHaveLength(20);
    expect(b.axes).toHaveLength(1);
    expect(b.axes[0]).toMatchObject({ unit: 'nm', unitFromFile: true });
    expect(b.axes[0].values[0]).toBe(1100);
    expect(b.axes[0].values[699]).toBe(2498);
    expect(b.samples.map((s) => s.id).slice(0, 2)).toEqual(['nir#1', 'nir#2']);
    expect(b.samples[19].id).toBe('nir#20');
    expect(b.samples.every((s) => s.axis === 0 && s.channels[0].length === 700)).toBe(true);
    expect(b.samples[0].channels[0][0]).toBe(f32(0.00020048394799232483));
    expect(b.samples[0].channels[0][350]).toBe(f32(0.015757396817207336));
    expect(b.samples[19].channels[0][350]).toBe(f32(0.10727488249540329));
    expect(b.samples[19].channels[0][699]).toBe(f32(2.5556952095939778e-5));
  });

  it('m_evenz.spc: 32 UV-Vis spectra × 171 points, 200→800 nm, per-subfile exponent', () => {
    const b = spc('m_evenz.spc');
    expect(b.samples).toHaveLength(32);
    expect(b.axes).toHaveLength(1);
    expect(b.axes[0].values).toHaveLength(171);
    expect(b.axes[0].values[0]).toBe(200);
    expect(b.axes[0].values[170]).toBe(800);
    expect(b.yUnit).toBe('absorbance');
    expect(b.samples[0].channels[0][1]).toBe(f32(-0.0002999489661306143));
    expect(b.samples[0].channels[0][85]).toBe(f32(0.0093525480479002));
    expect(b.samples[31].channels[0][85]).toBe(f32(0.12996801733970642));
  });

  it('m_ordz.spc: old format (0x4D), 10 subfiles × 857 points, word-swapped int32 Y', () => {
    const b = spc('m_ordz.spc');
    expect(b.samples).toHaveLength(10);
    expect(b.axes).toHaveLength(1);
    const x = b.axes[0].values;
    expect(x).toHaveLength(857);
    expect([x[0], x[856]]).toEqual([f32(698.229736328125), f32(4000.354736328125)]);
    expect(b.axes[0].unit).toBe('cm-1');
    expect(b.yUnit).toBe('absorbance');
    const first = b.samples[0].channels[0];
    expect([first[0], first[856]]).toEqual([f32(0.02219367027282715), f32(0.15000060200691223)]);
    // subfile 4 has its own exponent (6 instead of the header's 5)
    expect(b.samples[3].channels[0][0]).toBe(f32(0.11573311686515808));
    expect(b.samples[9].channels[0][856]).toBe(f32(0.000490216538310051));
    expect(b.warnings).toEqual([]);
  });

  it('m_xyxy.spc: 512 XYXY subfiles (m/z), 16-bit Y, one axis per distinct X array', () => {
    const b = spc('m_xyxy.spc');
    expect(b.samples).toHaveLength(512);
    expect(b.axes).toHaveLength(495);
    expect(b.axes.every((a) => a.unit === 'mz')).toBe(true);
    const first = b.samples[0];
    expect(Array.from(b.axes[first.axis].values)).toEqual(
      [43.900001525878906, 42.900001525878906, 40.79999923706055, 39.099998474121094, 31.950000762939453, 27.950000762939453, 26.850000381469727, 25.850000381469727],
    );
    expect(Array.from(first.channels[0])).toEqual([6823, 3188, 2498, 3654, 5490, 17704, 2826, 3144]);
    // subfile 2: subexp 15 → int16 × 2^(15-16)
    expect(Array.from(b.samples[1].channels[0])).toEqual([13130, 6592, 11162, 5300, 4564, 32464].map((v) => v / 2));
    expect(b.samples[511].id).toBe('m_xyxy#512');
    expect(Array.from(b.samples[511].channels[0])).toEqual([9724, 8490, 5270, 22038].map((v) => v / 2));
    for (const s of b.samples) expect(s.channels[0].length).toBe(b.axes[s.axis].values.length);
    const lengths = b.axes.map((a) => a.values.length);
    expect(Math.min(...lengths)).toBe(3);
    expect(Math.max(...lengths)).toBe(53);
  });

  it('6x6.spc: 36 float32 Raman spectra × 1015 points, 2801.5→1218.4 cm-1, counts', () => {
    const b = parseSpc(formatFixture('wdf', '6x6.spc'), '6x6.spc');
    expect(b.samples).toHaveLength(36);
    expect(b.axes).toHaveLength(1);
    expect(b.axes[0].values[0]).toBe(2801.458984375);
    expect(b.axes[0].values[1014]).toBe(1218.43359375);
    expect(b.yUnit).toBe('counts');
    expect(b.samples[0].channels[0][0]).toBe(f32(5339.01318359375));
    expect(b.samples[0].channels[0][507]).toBe(f32(3931.161865234375));
    expect(b.samples[35].channels[0][507]).toBe(f32(4925.201171875));
  });

  it('applies ImportOptions: axisUnit override and split tag', () => {
    const b = parseSpc(formatFixture('spc', 'Ft-ir.spc'), 'Ft-ir.spc', { axisUnit: 'nm', splitTag: 'test' });
    expect(b.axes[0]).toMatchObject({ unit: 'nm', unitFromFile: false });
    expect(b.samples[0].split).toBe('test');
  });

  it('every fixture has only finite values', () => {
    for (const name of fs.readdirSync(fixture('format_fixtures', 'spc'))) {
      for (const s of spc(name).samples) expect(s.channels[0].every(Number.isFinite)).toBe(true);
    }
  });
});

/** A fixture's bytes after `change` (the view is over the copy). */
function mutated(folder: string, name: string, change: (bytes: Uint8Array, view: DataView) => void): Uint8Array {
  const bytes = formatFixture(folder, name);
  change(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return bytes;
}

/** The UserError that parsing a changed fixture throws. */
function refusal(folder: string, name: string, change: (bytes: Uint8Array, view: DataView) => void): UserError {
  return caught(() => parseSpc(mutated(folder, name, change), name));
}

/** The batch a changed fixture imports as. */
function imported(folder: string, name: string, change: (bytes: Uint8Array, view: DataView) => void): ParsedBatch {
  return parseSpc(mutated(folder, name, change), name);
}

/** Counts and warnings of a parse, in one value. */
function shape(b: ParsedBatch): { spectra: number; points: number[]; warnings: string[] } {
  return { spectra: b.samples.length, points: [...new Set(b.samples.map((s) => s.channels[0].length))], warnings: b.warnings };
}

// Offsets in the new (0x4B) header: ftflgs 0, fnpts 4, fnsub 24, flogoff 248; old (0x4D): oftflgs 0, onpts 4.
describe('parseSpc when the header does not account for the data', () => {
  it('a lowered point count (fnpts) is refused with the count the data holds', () => {
    expect(refusal('spc', 'Ft-ir.spc', (_, v) => v.setUint32(4, 3, true))).toMatchObject({
      code: 'BAD_INPUT',
      file: 'Ft-ir.spc',
      field: 'fnpts',
      message: 'Ft-ir.spc: the header declares 3 points (fnpts) but the file holds data for 1776; the header is damaged.',
    });
    expect(refusal('spc', 'nir.spc', (_, v) => v.setUint32(4, 3, true)).message).toBe(
      'nir.spc: the header declares 3 points (fnpts) but the file holds data for 700 per spectrum; the header is damaged.',
    );
  });

  it('a raised point count that reaches into the log block is refused, not read from the log text', () => {
    expect(refusal('spc', 'Ft-ir.spc', (_, v) => v.setUint32(4, 1800, true)).message).toBe(
      'Ft-ir.spc: the header declares 1800 points (fnpts) but the file holds data for 1776; the header is damaged.',
    );
  });

  it('a lowered subfile count (fnsub) imports every numbered subfile, with a warning', () => {
    const nir = imported('spc', 'nir.spc', (_, v) => v.setUint32(24, 3, true));
    expect(shape(nir)).toEqual({ spectra: 20, points: [700], warnings: ['The header declares 3 spectra (fnsub) but the file holds 20; all 20 were imported.'] });
    expect(nir.samples[19].channels[0][350]).toBe(f32(0.10727488249540329));
    const sixBySix = imported('wdf', '6x6.spc', (_, v) => v.setUint32(24, 1, true));
    expect(shape(sixBySix)).toEqual({ spectra: 36, points: [1015], warnings: ['The header declares 1 spectrum (fnsub) but the file holds 36; all 36 were imported.'] });
    const xyxy = imported('spc', 'm_xyxy.spc', (_, v) => v.setUint32(24, 3, true));
    expect([xyxy.samples.length, xyxy.warnings]).toEqual([512, ['The header declares 3 spectra (fnsub) but the file holds 512; all 512 were imported.']]);
  });

  it('a lost multifile flag imports every numbered subfile, with a warning (new and old format)', () => {
    const sixBySix = imported('wdf', '6x6.spc', (b) => (b[0] &= ~0x04));
    expect(shape(sixBySix)).toEqual({
      spectra: 36,
      points: [1015],
      warnings: ['The header declares 1 spectrum (ftflgs has no multifile bit) but the file holds 36; all 36 were imported.'],
    });
    const ordz = imported('spc', 'm_ordz.spc', (b) => (b[0] &= ~0x04));
    expect(shape(ordz)).toEqual({
      spectra: 10,
      points: [857],
      warnings: ['The header declares 1 spectrum (oftflgs has no multifile bit) but the file holds 10; all 10 were imported.'],
    });
  });

  it('a raised subfile count is refused with the count the data holds', () => {
    expect(refusal('spc', 'nir.spc', (_, v) => v.setUint32(24, 21, true))).toMatchObject({
      field: 'fnsub',
      message: 'nir.spc: the header declares 21 spectra (fnsub) but the file holds data for 20; it is truncated or its header is damaged.',
    });
  });

  it('a precision or X-array flag that does not fit the data names ftflgs', () => {
    expect(refusal('spc', 'Ft-ir.spc', (b) => (b[0] |= 0x01))).toMatchObject({
      field: 'ftflgs',
      message: 'Ft-ir.spc: ftflgs declares 16-bit Y values but the data holds 1776 points (fnpts) of 32-bit Y; the header is damaged.',
    });
    expect(refusal('spc', 's_xy.spc', (b) => (b[0] &= ~0x80)).message).toBe('s_xy.spc: ftflgs declares no X array (TXVALS) but the data holds one; the header is damaged.');
    expect(refusal('spc', 'Ft-ir.spc', (b) => (b[0] |= 0x80)).message).toBe('Ft-ir.spc: ftflgs declares an X array (TXVALS) but the data holds none; the header is damaged.');
  });

  it('old format: a point count that still divides the file is refused, the subheaders being out of place', () => {
    // 34,600 bytes of subfiles are 10 × (32 + 857 × 4) but also 173 × (32 + 42 × 4)
    expect(refusal('spc', 'm_ordz.spc', (_, v) => v.setFloat32(4, 42, true))).toMatchObject({
      field: 'onpts',
      message: 'm_ordz.spc: the subfile headers are not where 42 points (onpts) put them; the header is damaged.',
    });
  });

  it('bytes after the data that are neither subfiles nor a log block are refused', () => {
    // 101 bytes: not a whole number of 4-byte points either
    const grown = new Uint8Array(formatFixture('spc', 's_evenx.spc').length + 101);
    grown.set(formatFixture('spc', 's_evenx.spc'));
    expect(caught(() => parseSpc(grown, 's_evenx.spc')).message).toBe(
      's_evenx.spc: the header accounts for the data up to byte 7920 (1 spectrum), but 101 more bytes follow before the end of the file (8021 bytes); the header is damaged.',
    );
  });

  it('a log block the header does not point to (flogoff 0) is still recognised as the log', () => {
    const b = imported('spc', 'Ft-ir.spc', (_, v) => v.setUint32(248, 0, true));
    expect(shape(b)).toEqual({ spectra: 1, points: [1776], warnings: [] });
  });
});

describe('parseSpc on bad input', () => {
  it('a huge fnpts gives a UserError naming the field and file, without allocating', () => {
    const bytes = formatFixture('spc', 'Ft-ir.spc');
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(4, 0xfffffff0, true);
    const err = caught(() => parseSpc(bytes, 'Ft-ir.spc'));
    expect(err).toMatchObject({ code: 'BAD_INPUT', file: 'Ft-ir.spc', field: 'fnpts' });
    expect(err.message).toContain('Ft-ir.spc');
    expect(err.message).toContain('4294967280 points (fnpts)');
  });

  it('a huge fnsub in a multifile is refused before allocating', () => {
    const bytes = formatFixture('spc', 'nir.spc');
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(24, 0x7fffffff, true);
    const err = caught(() => parseSpc(bytes, 'nir.spc'));
    expect(err).toMatchObject({ code: 'BAD_INPUT', field: 'fnsub' });
  });

  it('a huge subnpts in an XYXY subfile names that subfile', () => {
    const bytes = formatFixture('spc', 'm_xyxy.spc');
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(512 + 16, 0x40000000, true);
    const err = caught(() => parseSpc(bytes, 'm_xyxy.spc'));
    expect(err.field).toBe('subfile 1 subnpts');
  });

  it('truncated files give BAD_INPUT', () => {
    for (const name of ['Ft-ir.spc', 'nir.spc', 'm_ordz.spc', 'm_xyxy.spc', 's_xy.spc']) {
      const bytes = formatFixture('spc', name);
      for (const cut of [1, 10, 100, 300, Math.floor(bytes.length / 2)]) {
        const err = caught(() => parseSpc(bytes.subarray(0, cut), name));
        expect(err.code, `${name} cut at ${cut}`).toBe('BAD_INPUT');
        expect(err.file).toBe(name);
      }
    }
    expect(caught(() => parseSpc(formatFixture('spc', 'Ft-ir.spc').subarray(0, 10), 'Ft-ir.spc')).message).toBe(
      'Ft-ir.spc: field ffirst at byte 8 is past the end of the file (10 bytes).',
    );
  });

  it('a NaN in the Y data names the spectrum and point', () => {
    const bytes = formatFixture('wdf', '6x6.spc');
    // spectrum 2, point 5: header 512 + subfile 1 (32 + 1015×4) + subheader 32 + 4×4
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(512 + 32 + 4060 + 32 + 16, Number.NaN, true);
    const err = caught(() => parseSpc(bytes, '6x6.spc'));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.message).toBe('6x6.spc: spectrum 6x6#2 has a non-finite value (NaN) at point 5.');
  });

  it('big-endian SPC is refused clearly; other version bytes are not SPC', () => {
    const bytes = formatFixture('spc', 'Ft-ir.spc');
    bytes[1] = 0x4c;
    const err = caught(() => parseSpc(bytes, 'Ft-ir.spc'));
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.message).toContain('big-endian');
    bytes[1] = 0x41;
    expect(caught(() => parseSpc(bytes, 'Ft-ir.spc')).message).toContain('not an SPC file');
  });

  it('random bytes give a UserError, never a crash', () => {
    for (const [trial, bytes] of randomFiles(12345, 300, (t) => 64 + (t % 7) * 300)) {
      expect(caught(() => parseSpc(bytes, 'random.spc'))).toBeInstanceOf(UserError);
      // with a valid version byte the parser gets further in; it must still fail or succeed cleanly
      bytes[1] = trial % 2 === 0 ? 0x4b : 0x4d;
      try {
        parseSpc(bytes, 'random.spc');
      } catch (err) {
        expect(err).toBeInstanceOf(UserError);
      }
    }
  });
});
