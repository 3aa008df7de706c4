import { describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import { detectFormat, parseFile } from '../../src-main/io';
import { parseSp } from '../../src-main/io/sp';
import { formatFixture } from '../helpers/datasets';
import { randomFiles } from '../helpers/bytes';
import { oneLineRefusal, userErrorOf as caught } from '../helpers/errors';

const NAME = 'single_PE_spectrum.sp';
const load = (): Uint8Array => formatFixture('other', NAME);

/** Byte positions in single_PE_spectrum.sp, read with a Python `struct` walk of its blocks. */
const POINTS_VALUE = 1142; // member 35701: u16 tag 0x752b at 1140, then the u32 point count
const DATA_MEMBER = 1239; // member 35708: u16 id, i32 size, u16 tag 0x7516, u32 byte count (at 1247), float64 values

describe('parseSp on single_PE_spectrum.sp', () => {
  it('reads what orange-spectroscopy asserts for the same file', () => {
    // orangecontrib/spectroscopy/tests/test_readers.py, TestPerkinElmerReader.test_single_sp_reader
    // (Quasars/orange-spectroscopy, as in the photothermal and stuart-cls forks):
    //   d.X[0][4] == 100.65028381347656, min(getx(d)) == 750.0, max(getx(d)) == 4000.0
    const b = parseSp(load(), NAME);
    const x = b.axes[0]!.values;
    const y = b.samples[0]!.channels[0]!;
    expect(y[4]).toBe(100.65028381347656);
    expect(Math.min(...x)).toBe(750);
    expect(Math.max(...x)).toBe(4000);
  });

  it('one %T spectrum, 1626 points from 4000 to 750 cm-1 in steps of 2, in file order', () => {
    const b = parseSp(load(), NAME);
    expect(b.format).toBe('sp');
    expect(b.samples).toHaveLength(1);
    expect(b.samples[0]!.id).toBe('single_PE_spectrum');
    expect(b.yUnit).toBe('transmittance');
    expect(b.warnings).toEqual([]);
    const axis = b.axes[0]!;
    expect(axis).toMatchObject({ unit: 'cm-1', unitFromFile: true });
    expect(axis.values).toHaveLength(1626);
    expect([axis.values[0], axis.values[4], axis.values[813], axis.values[1625]]).toEqual([4000, 3992, 2374, 750]);
    const y = b.samples[0]!.channels[0]!;
    expect([y[0], y[813], y[1625]]).toEqual([100.71570587158203, 92.25109100341797, 101.09009552001953]);
    // member 35699 stores the intensity range: 81.4703369140625 to 101.32456970214844
    expect(Math.min(...y)).toBe(81.4703369140625);
    expect(Math.max(...y)).toBe(101.32456970214844);
  });

  it('is picked by its PEPE magic, also when renamed, and through parseFile', () => {
    expect(detectFormat(load(), 'renamed.dat')).toBe('sp');
    expect(parseFile(load(), NAME).format).toBe('sp');
  });

  it('applies the axis unit override and split tag', () => {
    const b = parseSp(load(), NAME, { axisUnit: 'nm', splitTag: 'test' });
    expect(b.axes[0]).toMatchObject({ unit: 'nm', unitFromFile: false });
    expect(b.samples[0]!.split).toBe('test');
  });
});

describe('parseSp on damaged files', () => {
  it('a truncated file is refused with one line naming the file', () => {
    const bytes = load();
    for (const cut of [1, 3, 20, 44, 48, 60, 600, 1250, bytes.length - 1]) {
      oneLineRefusal(() => parseSp(bytes.subarray(0, cut), NAME), NAME);
    }
    expect(caught(() => parseSp(bytes.subarray(0, bytes.length - 1), NAME)).message).toBe(
      `${NAME}: dataset block 120 (14209 bytes) at byte 50 needs 14209 bytes but only 14208 remain (14258 bytes); the file is truncated or damaged.`,
    );
  });

  it('a damaged file named .sp gets the reader\'s message, not "unknown format"', () => {
    expect(caught(() => parseFile(new Uint8Array(3), 'C:\\data\\RUN.SP')).message).toBe(
      'C:\\data\\RUN.SP: field magic at byte 0 is past the end of the file (3 bytes).',
    );
  });

  it('a point count larger than the stored values is refused', () => {
    const bytes = load();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(POINTS_VALUE, 1627, true);
    const err = caught(() => parseSp(bytes, NAME));
    expect(err.field).toBe('point count');
    expect(err.message).toBe(`${NAME}: member 35701 declares 1627 points but the intensities (member 35708) hold only 1626 values.`);
  });

  it('a lowered point count imports the declared points and says how many values were left out', () => {
    const bytes = load();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(POINTS_VALUE, 3, true);
    const b = parseSp(bytes, NAME);
    expect(b.samples[0]!.channels[0]).toHaveLength(3);
    expect(b.warnings).toEqual([
      "The file's x step (-2) does not match its range 4000 to 750 over 3 points (-1625); the axis was spaced evenly over the range.",
      'The intensities hold 1626 values but the file declares 3 points; the last 1623 were ignored.',
    ]);
  });

  it('a data byte count beyond its member is refused', () => {
    const bytes = load();
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(DATA_MEMBER + 8, 1626 * 8 * 2, true);
    const err = caught(() => parseSp(bytes, NAME));
    expect(err.field).toBe('intensities byte count');
    expect(err.message).toBe(
      `${NAME}: intensities of 26016 bytes (member 35708) at byte 1251 needs 26016 bytes but only 13008 remain (block of 13014 bytes at byte 1245); the file is truncated or damaged.`,
    );
  });

  it('an .fsm-like file (another first block) and a wrong member tag are refused by name', () => {
    const other = load();
    other[44] = 0xec; // block id 5100, the first block of a Spotlight .fsm image
    other[45] = 0x13;
    expect(caught(() => parseSp(other, NAME)).message).toBe(
      `${NAME}: the block at byte 44 is 5100, not the spectrum dataset (120); this PerkinElmer file (an .fsm image?) is not a single spectrum.`,
    );
    const tag = load();
    tag[1140] = 0x1b;
    expect(caught(() => parseSp(tag, NAME)).message).toBe(`${NAME}: member 35701 (point count) at byte 1140 has type tag 0x751b, not 0x752b.`);
  });

  it('a NaN in the intensities names the point', () => {
    const bytes = load();
    new DataView(bytes.buffer, bytes.byteOffset).setFloat64(DATA_MEMBER + 12 + 8 * 99, Number.NaN, true);
    expect(caught(() => parseSp(bytes, NAME)).message).toBe(`${NAME}: spectrum single_PE_spectrum has a non-finite value (NaN) at point 100.`);
  });

  it('random bytes after the magic give a UserError, never a crash', () => {
    for (const [trial, bytes] of randomFiles(5150, 200, (t) => 50 + t * 13)) {
      bytes.set([0x50, 0x45, 0x50, 0x45], 0);
      if (trial % 2 === 0) bytes.set([120, 0], 44);
      expect(caught(() => parseSp(bytes, 'random.sp'))).toBeInstanceOf(UserError);
    }
  });
});
