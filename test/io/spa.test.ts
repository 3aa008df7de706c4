import { describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import { detectFormat, parseFile } from '../../src-main/io';
import { parseSpa } from '../../src-main/io/spa';
import { formatFixture } from '../helpers/datasets';
import { randomFiles } from '../helpers/bytes';
import { oneLineRefusal, userErrorOf as caught } from '../helpers/errors';

const NAME = 'sample1.spa';
const load = (): Uint8Array => formatFixture('other', NAME);
const f32 = Math.fround;

/**
 * Byte positions in sample1.spa, read with a Python `struct` walk of its record table (7 records at
 * 304): record 1 is the spectrum header (key 2) at 560, record 7 the 6952 bytes of intensities
 * (key 3) at 1916, ending the file.
 */
const HEADER = 560;
const INTENSITIES = 1916;
const INTENSITY_RECORD = 304 + 6 * 16;

const TITLE =
  'Z:\\COM-SMIS\\INTERNAL DOCUMENTS\\Christophe 1\\150408 tumeurs CAM 20140610 suite\\150408-15 tumeur U87MG CAM normoxique C2 70x17 spc 12x12µm² SR XL.map - Spectrum #20  Position (X,Y): 367.12, 1270.59  Thu Apr 09 04:46:25 2015 (GMT+02:00)';

describe('parseSpa on sample1.spa', () => {
  it('reads the point count orange-spectroscopy asserts for the same file', () => {
    // orangecontrib/spectroscopy/tests/test_readers.py, TestSpa.test_read_header (Quasars/orange-spectroscopy):
    //   points, _, _ = SPAReader(fn).read_spec_header(); assertEqual(points, 1738)
    const b = parseSpa(load(), NAME);
    expect(b.axes[0]!.values).toHaveLength(1738);
    expect(b.samples[0]!.channels[0]).toHaveLength(1738);
  });

  it('one absorbance spectrum from 3999.70 to 649.90 cm-1, the header ends as float32, with title and date', () => {
    const b = parseSpa(load(), NAME);
    expect(b.format).toBe('spa');
    expect(b.samples).toHaveLength(1);
    expect(b.samples[0]!).toMatchObject({ id: 'sample1', axis: 0, sourceIndex: 1 });
    expect(b.yUnit).toBe('absorbance');
    expect(b.warnings).toEqual([]);
    const axis = b.axes[0]!;
    expect(axis).toMatchObject({ unit: 'cm-1', unitFromFile: true });
    // np.linspace(firstX, lastX, numPoints), as orange's SPAReader.read_spectra builds the axis
    expect([axis.values[0], axis.values[1], axis.values[868], axis.values[1737]]).toEqual([
      3999.703125, 3997.774627843669, 2325.767593304728, 649.903564453125,
    ]);
    const y = b.samples[0]!.channels[0]!;
    expect([y[0], y[868], y[1737]]).toEqual([f32(0.043998364359140396), f32(0.01818259432911873), 6]);
    expect(Math.min(...y)).toBe(f32(-0.40973585844039917));
    // the timestamp at 296 (seconds since 1899-12-31 UTC) is 44 s before the time written in the title
    expect(b.samples[0]!.meta).toEqual({ title: TITLE, date: '2015-04-09T02:45:41Z' });
  });

  it('is picked by its magic, also when renamed, and through parseFile', () => {
    expect(detectFormat(load(), 'renamed.dat')).toBe('spa');
    expect(parseFile(load(), NAME).format).toBe('spa');
  });

  it('a group file (several header / intensity pairs) gives one sample per pair, in order', () => {
    // Two more records in the free table space (304 + 7 × 16 = 416 up to the header at 560):
    // a second spectrum header and intensity record, both pointing at the first spectrum's bytes.
    const bytes = load();
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setUint16(294, 9, true);
    for (const [k, key, offset, length] of [[7, 2, HEADER, 140], [8, 3, INTENSITIES, 6952]] as const) {
      view.setUint16(304 + k * 16, key, true);
      view.setUint32(304 + k * 16 + 2, offset, true);
      view.setUint32(304 + k * 16 + 6, length, true);
    }
    const b = parseSpa(bytes, 'group.spg');
    expect(b.samples.map((s) => [s.id, s.axis, s.sourceIndex])).toEqual([
      ['group#1', 0, 1],
      ['group#2', 0, 8],
    ]);
    expect(b.axes).toHaveLength(1);
    expect(b.samples[1]!.channels[0]).toEqual(b.samples[0]!.channels[0]);
  });

  it('applies the axis unit override and split tag', () => {
    const b = parseSpa(load(), NAME, { axisUnit: 'other', splitTag: 'train' });
    expect(b.axes[0]).toMatchObject({ unit: 'other', unitFromFile: false });
    expect(b.samples[0]!.split).toBe('train');
  });
});

describe('parseSpa on damaged files', () => {
  it('a truncated file is refused with one line naming the file', () => {
    const bytes = load();
    for (const cut of [1, 17, 100, 295, 300, 350, 580, 2000, bytes.length - 1]) {
      oneLineRefusal(() => parseSpa(bytes.subarray(0, cut), NAME), NAME);
    }
    expect(caught(() => parseSpa(bytes.subarray(0, bytes.length - 1), NAME)).message).toBe(
      `${NAME}: record 7 (key 3) at byte 1916 needs 6952 bytes but only 6951 remain (8867 bytes); the file is truncated or damaged.`,
    );
  });

  it('a damaged file named .spa gets the reader\'s message, not "unknown format"', () => {
    expect(caught(() => parseFile(new Uint8Array(3), 'C:\\data\\RUN.SPA')).message).toBe(
      'C:\\data\\RUN.SPA: field magic at byte 0 is past the end of the file (3 bytes).',
    );
  });

  it('a header that declares more points than the intensity record holds is refused', () => {
    const bytes = load();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(HEADER + 4, 1739, true);
    const err = caught(() => parseSpa(bytes, NAME));
    expect(err.field).toBe('point count');
    expect(err.message).toBe(`${NAME}: spectrum header declares 1739 points but the intensity record 7 at byte 1916 holds only 1738 values.`);
  });

  it('a lowered point count imports the declared points and says how many values were left out', () => {
    const bytes = load();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(HEADER + 4, 3, true);
    const b = parseSpa(bytes, NAME);
    expect(b.samples[0]!.channels[0]).toHaveLength(3);
    expect(b.warnings).toEqual(['Spectrum sample1: the intensity record holds 1738 values but the header declares 3; the last 1735 were ignored.']);
  });

  it('a record count past the table, a lost intensity record and a zero point count are refused', () => {
    const counted = load();
    new DataView(counted.buffer, counted.byteOffset).setUint16(294, 600, true);
    expect(caught(() => parseSpa(counted, NAME)).field).toBe('record count');

    const lost = load();
    lost[INTENSITY_RECORD] = 0x63;
    expect(caught(() => parseSpa(lost, NAME)).message).toBe(
      `${NAME}: spectrum headers (key 2) and intensity records (key 3) come in pairs, but the record table has 1 and 0.`,
    );

    const empty = load();
    new DataView(empty.buffer, empty.byteOffset).setUint32(HEADER + 4, 0, true);
    expect(caught(() => parseSpa(empty, NAME)).message).toBe(`${NAME}: spectrum header (record 1) declares 0 points.`);
  });

  it('an unknown x unit code is imported as arbitrary units with a warning', () => {
    const bytes = load();
    bytes[HEADER + 8] = 99;
    const b = parseSpa(bytes, NAME);
    expect(b.axes[0]).toMatchObject({ unit: 'other', unitFromFile: false });
    expect(b.warnings).toEqual(['X axis unit code 99 is not one Spectra Desk knows; imported as arbitrary units.']);
  });

  it('a NaN in the intensities names the point', () => {
    const bytes = load();
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(INTENSITIES + 4 * 41, Number.NaN, true);
    expect(caught(() => parseSpa(bytes, NAME)).message).toBe(`${NAME}: spectrum sample1 has a non-finite value (NaN) at point 42.`);
  });

  it('random bytes after the magic give a UserError, never a crash', () => {
    const magic = new TextEncoder().encode('Spectral Data File');
    for (const [trial, bytes] of randomFiles(3030, 200, (t) => 300 + t * 29)) {
      bytes.set(magic, 0);
      if (trial % 2 === 0) bytes.set([1, 0], 294);
      expect(caught(() => parseSpa(bytes, 'random.spa'))).toBeInstanceOf(UserError);
    }
  });
});
