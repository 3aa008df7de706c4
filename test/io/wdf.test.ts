import { describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import type { ParsedBatch } from '../../src-main/common/domain/spectra';
import { parseWdf } from '../../src-main/io/wdf';
import { parseSpc } from '../../src-main/io/spc';
import { formatFixture } from '../helpers/datasets';
import { randomFiles } from '../helpers/bytes';
import { userErrorOf as caught } from '../helpers/errors';

// Expected values below were read independently with a Python `struct` script from the fixture bytes.

function wdf(name: string): ParsedBatch {
  return parseWdf(formatFixture('wdf', name), name);
}

const f32 = Math.fround;

describe('parseWdf on fixtures', () => {
  it('sp.wdf: one Raman spectrum of 1015 points, counts', () => {
    const b = wdf('sp.wdf');
    expect(b.format).toBe('wdf');
    expect(b.samples).toHaveLength(1);
    expect(b.samples[0].id).toBe('sp');
    expect(b.axes).toHaveLength(1);
    expect(b.axes[0]).toMatchObject({ unit: 'cm-1', unitFromFile: true });
    const x = b.axes[0].values;
    expect(x).toHaveLength(1015);
    expect([x[0], x[1014]]).toEqual([2787.514404296875, 1226.2752685546875]);
    expect(b.yUnit).toBe('counts');
    const y = b.samples[0].channels[0];
    expect([y[0], y[507], y[1014]]).toEqual([f32(47.092708587646484), f32(39.108062744140625), f32(21.815458297729492)]);
    expect(b.samples[0].mapX).toBeUndefined();
    expect(b.warnings).toEqual([]);
  });

  it('depth.wdf: 40 spectra × 1015 points with depth Z from -10 to 9.5 µm', () => {
    const b = wdf('depth.wdf');
    expect(b.samples).toHaveLength(40);
    expect(b.samples[0].id).toBe('depth#1');
    expect(b.samples[39].id).toBe('depth#40');
    expect(b.axes[0].values[0]).toBe(2787.782958984375);
    expect(b.axes[0].values[1014]).toBe(1226.6053466796875);
    expect(b.samples[0].meta.z_um).toBe(-10);
    expect(b.samples[1].meta.z_um).toBe(-9.5);
    expect(b.samples[39].meta.z_um).toBe(9.5);
    expect(b.samples[0].mapX).toBeUndefined();
    expect(b.samples[39].channels[0][507]).toBe(f32(8.147838592529297));
    expect(b.samples[39].channels[0][1014]).toBe(f32(1.4544240236282349));
  });

  it('6x6.wdf: 36 spectra on a 6×6 map, 6 µm steps', () => {
    const b = wdf('6x6.wdf');
    expect(b.samples).toHaveLength(36);
    expect(b.axes).toHaveLength(1);
    expect(b.axes[0].values[0]).toBe(2801.458984375);
    expect(b.axes[0].values[1014]).toBe(1218.43359375);
    const xs = new Set(b.samples.map((s) => s.mapX));
    const ys = new Set(b.samples.map((s) => s.mapY));
    const positions = new Set(b.samples.map((s) => `${s.mapX},${s.mapY}`));
    expect(xs.size).toBe(6);
    expect(ys.size).toBe(6);
    expect(positions.size).toBe(36);
    expect(b.samples[0]).toMatchObject({ id: '6x6#1', mapX: -4501.903563829787, mapY: -2474.7475 });
    expect(b.samples[6]).toMatchObject({ mapX: -4501.903563829787, mapY: -2468.7475 });
    expect(b.samples[35]).toMatchObject({ id: '6x6#36', mapX: -4471.903563829787, mapY: -2444.7475 });
    expect([...xs].sort((p, q) => (p ?? 0) - (q ?? 0))[5]).toBe(-4471.903563829787);
    const first = b.samples[0].channels[0];
    expect([first[0], first[1], first[2]]).toEqual([5339.01318359375, 5119.0673828125, 5366.3232421875].map(f32));
    expect(first[507]).toBe(f32(4137.1318359375));
    expect(b.samples[35].channels[0][507]).toBe(f32(5083.08349609375));
    expect(b.samples[35].channels[0][1014]).toBe(f32(2475.927978515625));
  });

  it('6x6.wdf and 6x6.spc share the X range; only the WDF keeps the calibrated, uneven spacing', () => {
    const fromWdf = wdf('6x6.wdf').axes[0].values;
    const fromSpc = parseSpc(formatFixture('wdf', '6x6.spc'), '6x6.spc').axes[0].values;
    expect(fromSpc).toHaveLength(fromWdf.length);
    expect(Math.abs(fromWdf[0] - fromSpc[0])).toBeLessThan(1e-3);
    expect(Math.abs(fromWdf[1014] - fromSpc[1014])).toBeLessThan(1e-3);
    // The SPC header stores only first/last (even spacing, no X array: ftflgs 0x04). The WDF XLST holds
    // the calibrated axis; its middle point is the grating centre, which the SPC log records as
    // "Image wavenumber: 2050". The even axis is 40.2 cm-1 off there.
    expect(fromWdf[507]).toBe(2050.1328125);
    expect(fromSpc[507]).toBeCloseTo(2009.9462890625, 6);
  });

  it('single-spectrum_undefined-type.wdf: WiRE 5.7 file whose last block overruns the end imports with a warning', () => {
    const b = wdf('single-spectrum_undefined-type.wdf');
    expect(b.samples).toHaveLength(1);
    expect(b.axes[0].values[0]).toBe(1338.296875);
    expect(b.axes[0].values[1014]).toBe(78.728515625);
    const y = b.samples[0].channels[0];
    expect([y[0], y[1014]]).toEqual([f32(9.806330680847168), f32(7.1900763511657715)]);
    expect(b.warnings).toEqual([
      'Block WXDA at byte 8816 declares 123 bytes but only 121 remain; it and anything after it were ignored.',
    ]);
  });

  it('every fixture has only finite values', () => {
    for (const name of ['sp.wdf', 'depth.wdf', '6x6.wdf', 'single-spectrum_undefined-type.wdf']) {
      for (const s of wdf(name).samples) expect(s.channels[0].every(Number.isFinite)).toBe(true);
    }
  });
});

describe('parseWdf on bad input', () => {
  it('a spectrum count larger than the DATA block is refused before reading', () => {
    const bytes = formatFixture('wdf', '6x6.wdf');
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setBigUint64(64, 100000000n, true);
    view.setBigUint64(72, 100000000n, true);
    const err = caught(() => parseWdf(bytes, '6x6.wdf'));
    expect(err).toMatchObject({ code: 'BAD_INPUT', field: 'npoints' });
    expect(err.message).toContain('100000000 spectra × 1015 points');
  });

  it('a huge npoints is refused naming the field', () => {
    const bytes = formatFixture('wdf', 'sp.wdf');
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(60, 0xffffffff, true);
    const err = caught(() => parseWdf(bytes, 'sp.wdf'));
    expect(err).toMatchObject({ code: 'BAD_INPUT', file: 'sp.wdf', field: 'npoints' });
  });

  it('files cut inside the blocks it needs give BAD_INPUT', () => {
    const bytes = formatFixture('wdf', '6x6.wdf');
    expect(caught(() => parseWdf(bytes.subarray(0, 154000), '6x6.wdf')).message).toBe(
      '6x6.wdf: the ORGN block is missing: the file is truncated (block ORGN at byte 153075 declares 1580 bytes but only 925 remain).',
    );
    // header, DATA (512..146688), XLST (146716..150800), ORGN (153075..154655)
    for (const cut of [1, 10, 100, 400, 1000, 100000, 148000, 154000]) {
      const err = caught(() => parseWdf(bytes.subarray(0, cut), '6x6.wdf'));
      expect(err.code, `cut at ${cut}`).toBe('BAD_INPUT');
    }
    const sp = formatFixture('wdf', 'sp.wdf');
    for (const cut of [10, 100, Math.floor(sp.length / 20)]) {
      expect(caught(() => parseWdf(sp.subarray(0, cut), 'sp.wdf')).code).toBe('BAD_INPUT');
    }
  });

  it('a file cut after the blocks it needs still imports, with a warning', () => {
    const bytes = formatFixture('wdf', '6x6.wdf');
    const b = parseWdf(bytes.subarray(0, Math.floor(bytes.length / 2)), '6x6.wdf');
    expect(b.samples).toHaveLength(36);
    expect(b.warnings.join(' ')).toContain('Block WXDM at byte 154733');
  });

  it('a NaN in the data names the spectrum and point', () => {
    const bytes = formatFixture('wdf', '6x6.wdf');
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(528 + 1015 * 4 * 2 + 9 * 4, Number.POSITIVE_INFINITY, true);
    const err = caught(() => parseWdf(bytes, '6x6.wdf'));
    expect(err.message).toBe('6x6.wdf: spectrum 6x6#3 has a non-finite value (Infinity) at point 10.');
  });

  it('random bytes give a UserError, never a crash', () => {
    for (const [, bytes] of randomFiles(987654321, 200, (t) => 600 + t * 13)) {
      expect(caught(() => parseWdf(bytes, 'random.wdf')).code).toBe('BAD_INPUT');
      bytes.set([0x57, 0x44, 0x46, 0x31], 0);
      expect(caught(() => parseWdf(bytes, 'random.wdf'))).toBeInstanceOf(UserError);
    }
  });
});
