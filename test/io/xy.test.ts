import { describe, expect, it } from 'vitest';
import type { ImportOptions, ParsedBatch } from '../../src-main/common/domain/spectra';
import { sniffTextKind } from '../../src-main/io/text-sniff';
import { parseXY } from '../../src-main/io/xy';
import { readFixture } from '../helpers/datasets';
import { userErrorOf as errorOf } from '../helpers/errors';
import { throughDisk } from '../helpers/tmp';

const f32 = Math.fround;

/** Writes `content` to a temp file and parses it back from disk, as the app does. */
function parseText(name: string, content: string | Uint8Array, opts: ImportOptions = {}): ParsedBatch {
  return parseXY(throughDisk(name, content), name, opts);
}

describe('parseXY', () => {
  it('reads the OPUS data point table peach_juice.dpt', () => {
    const bytes = readFixture('format_fixtures', 'opus', 'peach_juice.dpt');
    const b = parseXY(bytes, 'peach_juice.dpt', {});
    expect(b.format).toBe('xy');
    expect(b.samples).toHaveLength(1);
    const axis = b.axes[0]!;
    expect(axis.values).toHaveLength(1816);
    expect(axis.values[0]).toBe(4000.1161);
    expect(axis.values[1]).toBe(3998.18741);
    expect(axis.values[1815]).toBe(499.53234);
    expect(axis.unit).toBe('cm-1');
    expect(axis.unitFromFile).toBe(false);
    expect(b.warnings.join(' ')).toMatch(/guessed cm⁻¹/);
    const s = b.samples[0]!;
    expect(s.id).toBe('peach_juice');
    expect(s.channels[0]).toHaveLength(1816);
    expect(s.channels[0]![0]).toBe(f32(0.90603));
    expect(s.channels[0]![1]).toBe(f32(0.90592));
    expect(s.sourceLine).toBe(1);
  });

  it('accepts tab, space, comma, semicolon and decimal comma; headers and comments', () => {
    const cases: [string, string][] = [
      ['a.txt', '400\t1.5\n500\t2.5\n600\t3.5\n'],
      ['b.xy', '  400   1.5\n  500   2.5\n  600   3.5\n'],
      ['c.csv', 'x,y\n400,1.5\n500, 2.5\n600,3.5\n'],
      ['d.txt', '% exported\n400;1,5\n500;2,5\n# note\n600;3,5\n'],
      ['e.dpt', '400 1,5\r\n500 2,5\r\n600 3,5\r\n\r\n'],
    ];
    for (const [name, text] of cases) {
      const b = parseText(name, text, { axisUnit: 'nm', splitTag: 'train' });
      expect(Array.from(b.axes[0]!.values), name).toEqual([400, 500, 600]);
      expect(Array.from(b.samples[0]!.channels[0]!), name).toEqual([1.5, 2.5, 3.5]);
      expect(b.samples[0]!.split).toBe('train');
      expect(b.axes[0]!.unit).toBe('nm');
    }
  });

  it('takes the unit from a header line', () => {
    const b = parseText('h.txt', 'Wavenumber (cm-1)\tAbsorbance\n1000\t0.1\n1001\t0.2\n');
    expect(b.axes[0]!.unit).toBe('cm-1');
    expect(b.axes[0]!.unitFromFile).toBe(true);
    expect(b.samples[0]!.sourceLine).toBe(2);
  });

  it('requires strictly monotonic x and names the line', () => {
    const e = errorOf(() => parseText('m.txt', '400 1\n500 2\n450 3\n'));
    expect(e.message).toMatch(/^m\.txt line 3: x = 450 does not continue the increasing order \(x = 500 on line 2\)/);
    expect(e.line).toBe(3);
    expect(errorOf(() => parseText('r.txt', '400 1\n400 2\n')).message).toMatch(/line 2: x = 400 repeats/);
  });

  it('rejects non-finite values, extra columns and text in the data', () => {
    expect(errorOf(() => parseText('n.txt', '400 1\n500 NaN\n')).message).toBe('n.txt line 2, column y: value "NaN" is not a finite number.');
    expect(errorOf(() => parseText('n.txt', '400 1\n1e400 2\n')).message).toBe('n.txt line 2, column x: value "1e400" is not a finite number.');
    expect(errorOf(() => parseText('t.txt', '400 1 2\n500 2 3\n')).message).toMatch(/t\.txt line 1 has 3 columns/);
    expect(errorOf(() => parseText('u.txt', '400 1\n500 2\noops\n')).message).toMatch(/u\.txt line 3 is not two numbers: "oops"/);
  });

  it('rejects empty, binary and data-less files', () => {
    expect(errorOf(() => parseText('e.txt', '')).message).toBe('e.txt is empty.');
    expect(errorOf(() => parseText('b.txt', new Uint8Array([1, 0, 2]))).message).toMatch(/not a text file/);
    expect(errorOf(() => parseText('h.txt', 'x y\n')).message).toMatch(/no x,y data lines/);
    expect(errorOf(() => parseText('o.txt', '400 1\n')).message).toMatch(/only one x,y data line/);
  });
});

describe('sniffTextKind', () => {
  const enc = new TextEncoder();
  it('classifies real fixtures', () => {
    expect(sniffTextKind(readFixture('format_fixtures', 'opus', 'peach_juice.dpt'), 'peach_juice.dpt')).toBe('xy');
    expect(sniffTextKind(readFixture('format_fixtures', 'jcamp', 'xyinc1.jdx'), 'xyinc1.jdx')).toBe('jcamp');
    expect(sniffTextKind(readFixture('format_fixtures', 'spc', 'Ft-ir.spc'), 'Ft-ir.spc')).toBe('binary');
    expect(sniffTextKind(readFixture('ucr_spectro', 'Coffee', 'Coffee_TRAIN.tsv'), 'Coffee_TRAIN.tsv')).toBe('table');
    expect(sniffTextKind(readFixture('tecator', 'tecator.csv'), 'tecator.csv')).toBe('table');
    expect(sniffTextKind(readFixture('chemotools', 'train_hplc.csv'), 'train_hplc.csv')).toBe('table');
  });

  it('classifies small texts', () => {
    expect(sniffTextKind(enc.encode('\uFEFF  \n##TITLE= x\n##JCAMP-DX=5.0\n'), 'a.txt')).toBe('jcamp');
    expect(sniffTextKind(enc.encode('##JCAMP-DX=5.0\n'), 'a.jdx')).toBe('jcamp');
    expect(sniffTextKind(enc.encode('x,y\n1,2\n3,4\n'), 'a.csv')).toBe('xy');
    expect(sniffTextKind(enc.encode('id,400,500\na,1,2\n'), 'a.csv')).toBe('table');
    expect(sniffTextKind(enc.encode('1,2\n3,4\nfoo\n'), 'a.csv')).toBe('table');
  });
});
