import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseFile } from '../../src-main/io';
import { UserError } from '../../src-main/common/errors';
import type { ParsedBatch } from '../../src-main/common/domain/spectra';
import { fixture } from '../helpers/datasets';

const dir = fixture('format_fixtures');
const all = fs
  .readdirSync(dir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => fs.readdirSync(path.join(dir, d.name)).map((f) => `${d.name}/${f}`))
  .sort();

function load(rel: string): ParsedBatch {
  return parseFile(fs.readFileSync(path.join(dir, rel)), path.basename(rel));
}

/** What each fixture gives: [format, spectra, points of the first spectrum] or the refusal text. */
const EXPECTED: Record<string, [string, number, number] | RegExp> = {
  'jcamp/compound.jdx': ['jcamp', 5, 1976],
  'jcamp/dupdec1.jdx': ['jcamp', 1, 3951],
  'jcamp/fixinc1.jdx': ['jcamp', 1, 3736],
  'jcamp/jtpolys.jdx': ['jcamp', 1, 1844],
  'jcamp/jtpolysd.jdx': ['jcamp', 1, 1844],
  'jcamp/pacdec1.jdx': ['jcamp', 1, 3301],
  'jcamp/raman_tannic_acid.jdx': ['jcamp', 1, 1949],
  'jcamp/sqzdupd1.jdx': ['jcamp', 1, 18669],
  'jcamp/xyinc1.jdx': ['jcamp', 1, 3601],
  'opus/file.0': ['opus', 1, 4927],
  'opus/peach_juice.0': ['opus', 1, 1816],
  'opus/peach_juice.dpt': ['xy', 1, 1816],
  'other/sample1.spa': ['spa', 1, 1738],
  'other/single_PE_spectrum.sp': ['sp', 1, 1626],
  'spc/Ft-ir.spc': ['spc', 1, 1776],
  'spc/NDR0002.SPC': ['spc', 1, 4069],
  'spc/RAMAN.SPC': ['spc', 1, 3632],
  'spc/m_evenz.spc': ['spc', 32, 171],
  'spc/nir.spc': ['spc', 20, 700],
  'spc/resolutionPro.spc': ['spc', 1, 1557],
  'spc/s_evenx.spc': ['spc', 1, 1844],
  'spc/s_xy.spc': ['spc', 1, 512],
  'wdf/6x6.spc': ['spc', 36, 1015],
  'wdf/6x6.wdf': ['wdf', 36, 1015],
  'wdf/depth.wdf': ['wdf', 40, 1015],
  'wdf/single-spectrum_undefined-type.wdf': ['wdf', 1, 1015],
  'wdf/sp.wdf': ['wdf', 1, 1015],
  'witec/LineScans.WIP': ['witec', 100, 1024],
  'witec/Si-data.WIP': ['witec', 125, 1024],
};

describe('every file in format_fixtures', () => {
  it('is listed in this test', () => {
    const unlisted = all.filter((f) => !(f in EXPECTED) && !f.endsWith('.spc'));
    expect(unlisted).toEqual([]);
  });

  for (const rel of all) {
    it(`${rel} imports or is refused with a clear message`, () => {
      const expected = EXPECTED[rel];
      let batch: ParsedBatch | undefined;
      let error: unknown;
      try {
        batch = load(rel);
      } catch (err) {
        error = err;
      }
      if (error !== undefined) {
        expect(error).toBeInstanceOf(UserError);
        const e = error as UserError;
        expect(e.message).toContain(path.basename(rel));
        if (expected instanceof RegExp) expect(e.message).toMatch(expected);
        else if (expected !== undefined) throw new Error(`${rel} was expected to import but failed: ${e.message}`);
        return;
      }
      const b = batch!;
      expect(b.samples.length).toBeGreaterThan(0);
      for (const s of b.samples) {
        const axis = b.axes[s.axis]!;
        expect(s.channels[0]!.length).toBe(axis.values.length);
        expect(s.channels[0]!.every(Number.isFinite)).toBe(true);
      }
      if (Array.isArray(expected)) {
        expect([b.format, b.samples.length, b.samples[0]!.channels[0]!.length]).toEqual(expected);
      }
    });
  }
});

/** max |a[i] − as(b[i])| over two spectra of the same length. */
function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>, as: (v: number) => number = (v) => v): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - as(b[i]!)));
  return max;
}

describe('cross-format pairs agree', () => {
  it('s_evenx.spc is −log10 of the transmittance in jtpolys.jdx (max |Δ| 5.4e-7)', () => {
    const spc = load('spc/s_evenx.spc');
    const jdx = load('jcamp/jtpolys.jdx');
    expect(largestDifference(spc.samples[0]!.channels[0]!, jdx.samples[0]!.channels[0]!, (t) => -Math.log10(t))).toBeLessThan(1e-6);
    const xs = spc.axes[0]!.values;
    const xj = jdx.axes[0]!.values;
    for (let i = 0; i < xs.length; i += 97) expect(xs[i]!).toBeCloseTo(xj[i]!, 2);
  });

  it('jtpolys.jdx (AFFN) and jtpolysd.jdx (DIF/DUP) differ only by their YFACTOR ratio', () => {
    const fix = load('jcamp/jtpolys.jdx').samples[0]!.channels[0]!;
    const dif = load('jcamp/jtpolysd.jdx').samples[0]!.channels[0]!;
    const ratio = 2.3884185791e-9 / 2.384185791e-9;
    for (let i = 0; i < fix.length; i++) expect(Math.abs(dif[i]! / ratio - fix[i]!) / Math.abs(fix[i]!)).toBeLessThan(1e-6);
  });

  it('6x6.spc and 6x6.wdf cover the same Raman shift range (the SPC stores only an even first/last axis)', () => {
    // The datasets README says "same X axis", but 6x6.spc has no X array: its axis is evenly
    // spaced between the WDF's calibrated first and last values, so only the ends agree.
    const spc = load('wdf/6x6.spc').axes[0]!.values;
    const wdf = load('wdf/6x6.wdf').axes[0]!.values;
    expect(spc.length).toBe(wdf.length);
    expect(Math.abs(spc[0]! - wdf[0]!)).toBeLessThan(1e-3);
    expect(Math.abs(spc[spc.length - 1]! - wdf[wdf.length - 1]!)).toBeLessThan(1e-3);
    expect(wdf[507]!).toBeCloseTo(2050.1328125, 4);
  });

  it('peach_juice.dpt equals the final ratioed (reflectance, 0x300F) block of peach_juice.0 to 5 decimals', () => {
    const opus = load('opus/peach_juice.0');
    const dpt = load('opus/peach_juice.dpt');
    expect(largestDifference(opus.samples[0]!.channels[0]!, dpt.samples[0]!.channels[0]!)).toBeLessThan(1e-5);
    expect(opus.axes[0]!.values[0]!).toBeCloseTo(dpt.axes[0]!.values[0]!, 1);
  });
});

describe('detectFormat', () => {
  it('reads content, not extensions', () => {
    expect(detectFormat(fs.readFileSync(path.join(dir, 'wdf/6x6.spc')), 'renamed.txt')).toBe('spc');
    expect(detectFormat(Buffer.from('##TITLE= x\n##JCAMP-DX= 4.24\n'), 'spectrum.txt')).toBe('jcamp');
    expect(() => detectFormat(new Uint8Array(0), 'empty.csv')).toThrow('empty.csv is empty.');
  });
});
