import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { UserError } from '../../src-main/common/errors';
import type { ParsedBatch } from '../../src-main/common/domain/spectra';
import { parseJcamp } from '../../src-main/io/jcamp';
import { fixture, readFixture } from '../helpers/datasets';
import { userErrorOf } from '../helpers/errors';

/**
 * Expected values were computed with an independent Python decoder (regex
 * tokeniser, list-based, written separately from src-main/io/jcamp/) and, for AFFN files,
 * read directly off the data lines; cross-form checks compare encodings.
 */

const JCAMP_DIR = fixture('format_fixtures', 'jcamp');

function load(name: string): Uint8Array {
  return readFixture('format_fixtures', 'jcamp', name);
}

function parseFixture(name: string): ParsedBatch {
  return parseJcamp(load(name), name);
}

/** Relative comparison: intensities are float32, so ~6e-8 relative rounding is expected. */
function expectRel(actual: number, expected: number, rel = 1e-6): void {
  const tol = rel * Math.max(Math.abs(expected), 1e-12);
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

function expectBadInput(fn: () => unknown, message: RegExp, line?: number): UserError {
  const err = userErrorOf(fn);
  expect(err.code).toBe('BAD_INPUT');
  expect(err.message).toMatch(message);
  if (line !== undefined) expect(err.line).toBe(line);
  return err;
}

function minMax(y: Float32Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of y) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

interface FixtureCase {
  file: string;
  points: number;
  firstX: number;
  lastX: number;
  /** Precision of firstX/lastX as written in README section 6 (digits after the point). */
  readmeDigits: number;
  exactFirstX: number;
  exactLastX: number;
  /** point index → Y */
  y: Record<number, number>;
  min: number;
  max: number;
}

const SINGLE: FixtureCase[] = [
  {
    file: 'fixinc1.jdx',
    points: 3736,
    firstX: 399.3,
    lastX: 4001.3,
    readmeDigits: 1,
    exactFirstX: 399.263973,
    exactLastX: 4001.31938,
    y: { 0: 112.8905654, 1: 106.6293836, 100: 71.26188278, 1000: 33.08644295, 1868: 75.22258758, 3735: 69.65283155 },
    min: -0.1987099648,
    max: 112.8905654,
  },
  {
    file: 'pacdec1.jdx',
    points: 3301,
    firstX: 4000,
    lastX: 700,
    readmeDigits: 0,
    exactFirstX: 4000,
    exactLastX: 700,
    y: { 0: 101.6, 1: 101.59, 100: 101.66, 1000: 99.93, 1650: 100.13, 3300: 101.24 },
    min: 86.31,
    max: 101.89,
  },
  {
    file: 'dupdec1.jdx',
    points: 3951,
    firstX: 4400,
    lastX: 450,
    readmeDigits: 0,
    exactFirstX: 4400,
    exactLastX: 450,
    y: { 0: 82.25, 1: 82.38, 100: 78.91, 1000: 81.96, 1975: 78.72, 3950: 78.58 },
    min: 0.02,
    max: 87.1,
  },
  {
    file: 'sqzdupd1.jdx',
    points: 18669,
    firstX: 5000,
    lastX: 500,
    readmeDigits: 0,
    exactFirstX: 5000.0323,
    exactLastX: 499.95502,
    y: { 0: 0.9828702575, 1: 0.9828702575, 100: 0.9824109509, 1000: 0.9882441451, 9334: 1.003952432, 18668: 1.26502232 },
    min: 0,
    max: 1.505010035,
  },
  {
    file: 'jtpolys.jdx',
    points: 1844,
    firstX: 447.5,
    lastX: 4002.3,
    readmeDigits: 1,
    exactFirstX: 447.484259,
    exactLastX: 4002.28378,
    y: { 0: 0.9816334963, 1: 0.982721374, 100: 1.010540621, 1000: 0.9976669955, 922: 0.9998917961, 1843: 0.9866095948 },
    min: 0.3428528714,
    max: 1.022816064,
  },
  {
    file: 'jtpolysd.jdx',
    points: 1844,
    firstX: 447.5,
    lastX: 4002.3,
    readmeDigits: 1,
    exactFirstX: 447.484259,
    exactLastX: 4002.284,
    y: { 0: 0.9833762491, 1: 0.9844660583, 100: 1.012334695, 1000: 0.9994382136, 922: 1.001666964, 1843: 0.988361182 },
    min: 0.3434615587,
    max: 1.024631931,
  },
  {
    file: 'xyinc1.jdx',
    points: 3601,
    firstX: 400,
    lastX: 4000,
    readmeDigits: 0,
    exactFirstX: 400,
    exactLastX: 4000,
    y: { 0: 0.448, 1: 0.4618, 100: 0.7848, 1000: 0.205, 1800: 0.7848, 3600: 0.7456 },
    min: -0.0023,
    max: 0.7945,
  },
  {
    file: 'raman_tannic_acid.jdx',
    points: 1949,
    firstX: 100.6,
    lastX: 2854.7,
    readmeDigits: 1,
    exactFirstX: 100.595,
    exactLastX: 2854.713,
    y: { 0: 42.644, 1: 44.511, 100: 87.489, 1000: 56.644, 974: 75.467, 1948: 4.667 },
    min: 4.667,
    max: 300.889,
  },
];

describe('parseJcamp on the real fixtures', () => {
  for (const c of SINGLE) {
    it(`${c.file}: ${c.points} points, ${c.firstX}→${c.lastX}, verified Y values`, () => {
      const batch = parseFixture(c.file);
      expect(batch.format).toBe('jcamp');
      expect(batch.samples).toHaveLength(1);
      expect(batch.axes).toHaveLength(1);
      const s = batch.samples[0];
      expect(s.id).toBe(c.file.replace(/\.jdx$/, ''));
      const x = batch.axes[s.axis].values;
      const y = s.channels[0];
      expect(x).toHaveLength(c.points);
      expect(y).toHaveLength(c.points);
      expect(y).toBeInstanceOf(Float32Array);
      expect(x[0]).toBeCloseTo(c.firstX, c.readmeDigits);
      expect(x[c.points - 1]).toBeCloseTo(c.lastX, c.readmeDigits);
      expect(x[0]).toBeCloseTo(c.exactFirstX, 9);
      expect(x[c.points - 1]).toBeCloseTo(c.exactLastX, 9);
      for (const [i, v] of Object.entries(c.y)) expectRel(y[Number(i)], v);
      const [min, max] = minMax(y);
      expectRel(min, c.min);
      expectRel(max, c.max);
      expect(batch.axes[0].unit).toBe('cm-1');
      expect(batch.axes[0].unitFromFile).toBe(true);
      expect(y.every((v) => Number.isFinite(v))).toBe(true);
    });
  }

  it('keeps descending X in file order and computes X from FIRSTX/LASTX/NPOINTS', () => {
    const pac = parseFixture('pacdec1.jdx').axes[0].values;
    expect(pac[0]).toBe(4000);
    expect(pac[1]).toBe(3999);
    expect(pac[1000]).toBe(3000);
    expect(pac[3300]).toBe(700);
    const sqz = parseFixture('sqzdupd1.jdx').axes[0].values;
    const step = (499.95502 - 5000.0323) / 18668;
    expect(sqz[1000]).toBeCloseTo(5000.0323 + 1000 * step, 9);
    expect(sqz[1000]).toBeCloseTo(4758.97395, 4);
  });

  it('reads metadata, yUnit and units', () => {
    const raman = parseFixture('raman_tannic_acid.jdx');
    expect(raman.samples[0].meta).toEqual({
      title: 'tannic acid',
      dataType: 'RAMAN SPECTRUM',
      origin: 'Ocean Optics R2000',
      owner: 'Augustana College (SD), Chemistry Dept',
    });
    expect(raman.yUnit).toBe('arbitrary units');

    const fix = parseFixture('fixinc1.jdx');
    expect(fix.samples[0].meta).toEqual({
      title: 'fixinc1.jdx',
      dataType: 'INFRARED SPECTRUM',
      origin: 'UWS, Nepean Campus, Australia',
      owner: 'public domain',
    });
    expect(fix.yUnit).toBe('transmittance');
    expect(fix.samples[0].sourceLine).toBe(1);

    // Multi-line ##ORIGIN value (continuation line) and `$$` comment lines before it.
    const xy = parseFixture('xyinc1.jdx');
    expect(xy.samples[0].meta.title).toBe('Indene     (FILE:  xyinc1.jdx)');
    expect(xy.samples[0].meta.origin).toBe(
      'JCAMP-DX Test Disk 1.04 R.S.McDonald, 9 Woodside Dr., Burnt Hills, NY 12027, 518-399-5145',
    );
  });

  it('warns about the FIRSTY/YFACTOR disagreement in jtpolysd.jdx and nothing in jtpolys.jdx', () => {
    expect(parseFixture('jtpolys.jdx').warnings).toEqual([]);
    const w = parseFixture('jtpolysd.jdx').warnings;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/FIRSTY says 0\.98163348.*YFACTOR/);
  });

  it('jtpolys.jdx (AFFN) and jtpolysd.jdx (DIF/DUP) agree up to the YFACTOR ratio', () => {
    const a = parseFixture('jtpolys.jdx');
    const d = parseFixture('jtpolysd.jdx');
    const xa = a.axes[0].values;
    const xd = d.axes[0].values;
    const ya = a.samples[0].channels[0];
    const yd = d.samples[0].channels[0];
    expect(ya).toHaveLength(1844);
    expect(yd).toHaveLength(1844);
    const ratio = 2.3884185791e-9 / 2.384185791e-9;
    let worstX = 0;
    let worstY = 0;
    for (let i = 0; i < 1844; i++) {
      worstX = Math.max(worstX, Math.abs(xa[i] - xd[i]) / Math.abs(xa[i]));
      worstY = Math.max(worstY, Math.abs(yd[i] / ratio - ya[i]) / Math.abs(ya[i]));
    }
    expect(worstX).toBeLessThan(1e-6);
    expect(worstY).toBeLessThan(1e-6);
  });

  it('compound.jdx (LINK): 5 IR blocks named by their unique titles, shared axes', () => {
    const batch = parseFixture('compound.jdx');
    expect(batch.samples.map((s) => s.id)).toEqual([
      'block 1',
      'block 2',
      'block 3',
      'trans-[Rh(py)4Cl2]Cl.5H2O',
      'block 5',
    ]);
    expect(batch.samples.map((s) => s.channels[0].length)).toEqual([1976, 1976, 3951, 1976, 3951]);
    expect(batch.axes).toHaveLength(2);
    expect(batch.samples.map((s) => s.axis)).toEqual([0, 0, 1, 0, 1]);
    expect(batch.axes[0].values[0]).toBe(4400);
    expect(batch.axes[0].values[1975]).toBe(450);
    expect(batch.axes[0].values[1000]).toBeCloseTo(2400, 9);
    expect(batch.axes[1].values[1000]).toBeCloseTo(3400, 9);
    expect(batch.samples.map((s) => s.sourceLine)).toEqual([7, 84, 163, 294, 372]);
    const expected: Array<Record<number, number>> = [
      { 0: 0.0467, 1: 0.0467, 100: 0.0596, 1000: 0.1698, 1975: 0.3528 },
      { 0: 0.0554, 1: 0.0553, 100: 0.0617, 1000: 0.2312, 1975: 0.4396 },
      { 0: 0.5607, 1: 0.5617, 100: 0.58, 1000: 0.184, 3950: 0.6564 },
      { 0: 0.378, 1: 0.3776, 100: 0.3998, 1000: 0.5141, 1975: 0.3689 },
      { 0: 0.5385, 1: 0.5392, 100: 0.5516, 1000: 0.2648, 3950: 0.7228 },
    ];
    batch.samples.forEach((s, k) => {
      for (const [i, v] of Object.entries(expected[k])) expectRel(s.channels[0][Number(i)], v);
    });
    expect(batch.samples[3].meta).toEqual({
      title: 'trans-[Rh(py)4Cl2]Cl.5H2O',
      dataType: 'INFRARED SPECTRUM',
      origin: 'Chemistry Department',
      owner: 'Dr. R.J. Lancashire',
    });
    // "##OWNER= " (empty) in block 1 is not copied as an empty string.
    expect(batch.samples[0].meta).not.toHaveProperty('owner');
    expect(batch.yUnit).toBe('transmittance');
    expect(batch.warnings).toEqual([]);
  });

  it('falls back to opts.axisUnit when XUNITS is unknown, and applies splitTag', () => {
    const text = readFileSync(path.join(JCAMP_DIR, 'pacdec1.jdx'), 'latin1').replace('##XUNITS= 1/CM', '##XUNITS= FURLONGS');
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
    const withOpt = parseJcamp(bytes, 'pac.jdx', { axisUnit: 'nm', splitTag: 'test' });
    expect(withOpt.axes[0].unit).toBe('nm');
    expect(withOpt.axes[0].unitFromFile).toBe(false);
    expect(withOpt.samples[0].split).toBe('test');
    const without = parseJcamp(bytes, 'pac.jdx');
    expect(without.axes[0].unit).toBe('other');
    expect(without.axes[0].unitFromFile).toBe(false);
  });
});

describe('parseJcamp on small hand-made inputs', () => {
  const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
  const header = (n: number, first: number, last: number, extra = ''): string =>
    `##TITLE= t\n##JCAMP-DX= 4.24\n##DATA TYPE= UV/VIS SPECTRUM\n##XUNITS= NANOMETERS\n##YUNITS= ABSORBANCE\n` +
    `##XFACTOR= 1\n##YFACTOR= 1\n##FIRSTX= ${first}\n##LASTX= ${last}\n##NPOINTS= ${n}\n${extra}`;

  it('decodes SQZ, DIF, DUP, PAC, AFFN exponents and the Y-check in one table', () => {
    // Line 1: A=1, %=+0, J=+1, %=+0, T=repeat the last DIF once → 1 1 2 2 2; ends in DIF form.
    // Line 2: B=2 is the Y-check (dropped), @=0, c=-3 (SQZ negative) → 0 -3; X 104 is the check point.
    // Line 3: PAC with an explicit exponent, then DUP of an absolute value (U = 3 in total).
    const text = `${header(11, 100, 110)}##XYDATA= (X++(Y..Y))\n100A%J%T\n104B@c\n107-4E+00+5U\n##END=\n`;
    const b = parseJcamp(enc(text), 'mix.jdx');
    expect(Array.from(b.samples[0].channels[0])).toEqual([1, 1, 2, 2, 2, 0, -3, -4, 5, 5, 5]);
    expect(b.axes[0].unit).toBe('nm');
    expect(b.yUnit).toBe('absorbance');
    expect(b.samples[0].meta.dataType).toBe('UV/VIS SPECTRUM');
  });

  it('reads (XY..XY) peak tables and skips non-spectral blocks of a LINK file with a warning', () => {
    const text =
      '##TITLE= link\n##JCAMP-DX= 5.01\n##DATA TYPE= LINK\n##BLOCKS= 3\n' +
      '##TITLE= structure\n##DATA TYPE= STRUCTURE\n##END=\n' +
      '##TITLE= peaks\n##DATA TYPE= MASS SPECTRUM\n##XUNITS= M/Z\n##YUNITS= RELATIVE ABUNDANCE\n##NPOINTS= 3\n' +
      '##PEAK TABLE= (XY..XY)\n 50,10.5  51,20\n 77,100 $$ base peak\n##END=\n' +
      '##TITLE= peaks\n##DATA TYPE= MASS SPECTRUM\n##XUNITS= M/Z\n##YUNITS= RELATIVE ABUNDANCE\n' +
      '##XYPOINTS= (XY..XY)\n1,2;3,4\n##END=\n##END=\n';
    const b = parseJcamp(enc(text), 'ms.jdx');
    expect(b.samples.map((s) => s.id)).toEqual(['ms#1', 'ms#2']);
    expect(Array.from(b.axes[b.samples[0].axis].values)).toEqual([50, 51, 77]);
    expect(Array.from(b.samples[0].channels[0])).toEqual([10.5, 20, 100]);
    expect(Array.from(b.axes[b.samples[1].axis].values)).toEqual([1, 3]);
    expect(b.axes[0].unit).toBe('mz');
    expect(b.warnings.some((w) => /1 block\(s\) skipped, not spectra: "structure" \(line 5\)/.test(w))).toBe(true);
    expect(b.warnings.some((w) => /peak table/.test(w))).toBe(true);
  });

  it('rejects a DIF Y-check mismatch, naming the line', () => {
    const text = `${header(6, 100, 105)}##XYDATA= (X++(Y..Y))\n100A%J\n102C%J\n104 3 4\n##END=\n`;
    expectBadInput(() => parseJcamp(enc(text), 'chk.jdx'), /line 13: DIF Y-check failed: the line starts with Y=3, but the previous line ended with Y=2/, 13);
  });

  it('rejects a final X that does not match LASTX, naming the last data line', () => {
    const text = `${header(4, 100, 103)}##XYDATA= (X++(Y..Y))\n100 1 2\n105 3 4\n##END=\n`;
    expectBadInput(() => parseJcamp(enc(text), 'x.jdx'), /line 13: the data ends at X=106, but LASTX is 103/, 13);
  });

  it('rejects "?" and Y values beyond float32', () => {
    const q = `${header(2, 1, 2)}##XYDATA= (X++(Y..Y))\n1 5 ?\n##END=\n`;
    expectBadInput(() => parseJcamp(enc(q), 'q.jdx'), /line 12: "\?" .*missing value/, 12);
    const big = `${header(2, 1, 2)}##XYDATA= (X++(Y..Y))\n1 5 1E+39\n##END=\n`;
    expectBadInput(() => parseJcamp(enc(big), 'big.jdx'), /line 12: Y value 1e\+39 .*float32/, 12);
  });
});

describe('parseJcamp robustness (mutated copies in a temp dir)', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'jcamp-test-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** Writes a mutated copy next to nothing else and reads it back, the way a user's file arrives. */
  function roundTrip(name: string, bytes: Uint8Array): Uint8Array {
    const p = path.join(tmp, name);
    writeFileSync(p, bytes);
    return new Uint8Array(readFileSync(p));
  }

  function fixtureLines(name: string): string[] {
    return readFileSync(path.join(JCAMP_DIR, name), 'latin1').split('\n');
  }

  const toBytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

  it('fixinc1.jdx without its last 20 data lines → NPOINTS mismatch (3736 vs 3599)', () => {
    const lines = fixtureLines('fixinc1.jdx');
    expect(lines[538]).toMatch(/^4146 /);
    expect(lines[539]).toMatch(/^##END=/);
    const cut = [...lines.slice(0, 519), ...lines.slice(539)].join('\n');
    const bytes = roundTrip('fixinc1-cut.jdx', toBytes(cut));
    const err = expectBadInput(() => parseJcamp(bytes, 'fixinc1-cut.jdx'), /NPOINTS says 3736, the data has 3599/);
    expect(err.file).toBe('fixinc1-cut.jdx');
    expect(err.message).toContain('fixinc1-cut.jdx');
    expect(err.field).toBe('NPOINTS');
  });

  it('more data than NPOINTS is an error too (3700 declared, 3736 present)', () => {
    const text = readFileSync(path.join(JCAMP_DIR, 'fixinc1.jdx'), 'latin1').replace('##NPOINTS= 3736', '##NPOINTS= 3700');
    const bytes = roundTrip('fixinc1-np.jdx', toBytes(text));
    expectBadInput(() => parseJcamp(bytes, 'fixinc1-np.jdx'), /NPOINTS says 3700, the data has 3736/);
  });

  it('a garbage byte in a DIF line of dupdec1.jdx → error naming line 30 and the token', () => {
    const raw = new Uint8Array(readFileSync(path.join(JCAMP_DIR, 'dupdec1.jdx')));
    const lines = fixtureLines('dupdec1.jdx');
    expect(lines[29].startsWith('4200G751QK8jj6JK0')).toBe(true);
    const lineStart = lines.slice(0, 29).reduce((n, l) => n + l.length + 1, 0);
    const mutated = raw.slice();
    mutated[lineStart + 10] = 0xff; // "4200G751QK8jj6…" → the '8' after 'K' becomes 0xFF
    const bytes = roundTrip('dupdec1-garbage.jdx', mutated);
    const err = expectBadInput(() => parseJcamp(bytes, 'dupdec1-garbage.jdx'), /line 30: "K\\xff" at column 11 contains an invalid character/, 30);
    expect(err.file).toBe('dupdec1-garbage.jdx');
  });

  it('a valid but wrong DIF digit is caught by the Y-check of the next line', () => {
    const text = readFileSync(path.join(JCAMP_DIR, 'dupdec1.jdx'), 'latin1').replace('4400H225J3RJ1', '4400H225J4RJ1');
    const bytes = roundTrip('dupdec1-dif.jdx', toBytes(text));
    expectBadInput(
      () => parseJcamp(bytes, 'dupdec1-dif.jdx'),
      /line 26: DIF Y-check failed: the line starts with Y=7832, but the previous line ended with Y=7833/,
      26,
    );
  });

  it('a file truncated mid-data (sqzdupd1.jdx cut at 50%) → NPOINTS mismatch', () => {
    const raw = new Uint8Array(readFileSync(path.join(JCAMP_DIR, 'sqzdupd1.jdx')));
    const bytes = roundTrip('sqzdupd1-half.jdx', raw.slice(0, Math.floor(raw.length / 2)));
    expectBadInput(() => parseJcamp(bytes, 'sqzdupd1-half.jdx'), /sqzdupd1-half\.jdx: NPOINTS says 18669, the data has \d+ /);
  });

  it('a file truncated inside the header → clear error, no spectrum', () => {
    const raw = new Uint8Array(readFileSync(path.join(JCAMP_DIR, 'pacdec1.jdx')));
    const bytes = roundTrip('pacdec1-head.jdx', raw.slice(0, 200));
    expectBadInput(() => parseJcamp(bytes, 'pacdec1-head.jdx'), /no spectrum found/);
  });

  it('an empty file and a blank file → "is empty"', () => {
    expectBadInput(() => parseJcamp(roundTrip('empty.jdx', new Uint8Array(0)), 'empty.jdx'), /empty\.jdx is empty/);
    expectBadInput(() => parseJcamp(roundTrip('blank.jdx', toBytes(' \r\n\n')), 'blank.jdx'), /blank\.jdx is empty/);
  });

  it('binary garbage and other text → "not a JCAMP-DX file"', () => {
    const garbage = new Uint8Array(4096);
    let seed = 12345;
    for (let i = 0; i < garbage.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      garbage[i] = seed >> 16 & 0xff;
    }
    const bin = roundTrip('garbage.jdx', garbage);
    expectBadInput(() => parseJcamp(bin, 'garbage.jdx'), /garbage\.jdx is not a JCAMP-DX file: it contains binary data/);
    const csv = roundTrip('table.jdx', toBytes('wavenumber,absorbance\n400,0.1\n'));
    expectBadInput(() => parseJcamp(csv, 'table.jdx'), /table\.jdx is not a JCAMP-DX file: it must start with ##TITLE=/, 1);
    const wrongFirst = roundTrip('nottitle.jdx', toBytes('##JCAMP-DX= 4.24\n##TITLE= x\n'));
    expectBadInput(() => parseJcamp(wrongFirst, 'nottitle.jdx'), /the first record is ##JCAMP-DX=, expected ##TITLE=/, 1);
  });

  it('NPOINTS=10^12 fails fast with a clear message, before allocating', () => {
    const text = readFileSync(path.join(JCAMP_DIR, 'fixinc1.jdx'), 'latin1').replace('##NPOINTS= 3736', '##NPOINTS= 1000000000000');
    const bytes = roundTrip('fixinc1-huge.jdx', toBytes(text));
    const t0 = performance.now();
    expectBadInput(
      () => parseJcamp(bytes, 'fixinc1-huge.jdx'),
      /line 18: NPOINTS=1000000000000 is not plausible: the data section has only \d+ characters/,
      18,
    );
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('NPOINTS that is not a whole positive number is rejected', () => {
    const text = readFileSync(path.join(JCAMP_DIR, 'fixinc1.jdx'), 'latin1').replace('##NPOINTS= 3736', '##NPOINTS= 37.5');
    expectBadInput(() => parseJcamp(toBytes(text), 'f.jdx'), /NPOINTS=37\.5 is not a positive whole number/, 18);
  });

  it('a cancelled import throws CANCELLED', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => parseJcamp(load('fixinc1.jdx'), 'fixinc1.jdx', { signal: ac.signal })).toThrow(/cancelled/);
  });
});

describe('parseJcamp speed', () => {
  it('decodes a 1,000,000-point SQZ/DIF table with Y-checks in linear time', () => {
    const n = 1_000_000;
    const perLine = 20;
    const parts: string[] = [
      `##TITLE= big\n##JCAMP-DX= 4.24\n##DATA TYPE= INFRARED SPECTRUM\n##XUNITS= 1/CM\n##YUNITS= ABSORBANCE\n` +
        `##XFACTOR= 1\n##YFACTOR= 0.001\n##FIRSTX= 0\n##LASTX= ${n - 1}\n##NPOINTS= ${n}\n##XYDATA= (X++(Y..Y))\n`,
    ];
    // y[i] = i mod 2, 20 points per line as DIF +1/-1. Every line ends in DIF form, so each
    // following line starts at the previous point's X with that Y repeated as the Y-check.
    const sqz = (v: number): string => (v === 0 ? '@' : 'A');
    const dif = (i: number): string => (i % 2 === 1 ? 'J' : 'j');
    for (let p0 = 0; p0 < n; p0 += perLine) {
      let line = p0 === 0 ? '0@' : `${p0 - 1}${sqz((p0 - 1) % 2)}`;
      for (let i = Math.max(p0, 1); i < Math.min(p0 + perLine, n); i++) line += dif(i);
      parts.push(`${line}\n`);
    }
    parts.push('##END=\n');
    const bytes = new Uint8Array(Buffer.from(parts.join(''), 'latin1'));
    const t0 = performance.now();
    const b = parseJcamp(bytes, 'big.jdx');
    const ms = performance.now() - t0;
    const yv = b.samples[0].channels[0];
    expect(yv).toHaveLength(n);
    expect(yv[0]).toBe(0);
    expect(yv[1]).toBeCloseTo(0.001, 9);
    expect(yv[n - 1]).toBeCloseTo(((n - 1) % 2) * 0.001, 9);
    expect(b.axes[0].values[n - 1]).toBe(n - 1);
    expect(ms).toBeLessThan(3000);
  });
});
