import { describe, expect, it } from 'vitest';
import { detectFormat, parseFile } from '../../src-main/io';
import { userErrorOf } from '../helpers/errors';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('long tables', () => {
  it('are told from wide tables whose map columns are named x and y by their repeated sample', () => {
    expect(detectFormat(bytes('sample,x,y\nA,1,0.5\nA,2,0.25\n'), 't.csv')).toBe('csv-long');
    expect(detectFormat(bytes('sample;wavelength (nm);absorbance\nA;1000;0,5\nA;1002;0,25\n'), 't.csv')).toBe('csv-long');
    expect(detectFormat(bytes('sample,x,y,intensity\nA,0,0,1\nB,0,1,2\n'), 'map.csv')).toBe('table');
    expect(detectFormat(bytes('sample,x,y,400,402\nA,0,0,1,2\nA,0,1,2,3\n'), 'wide.csv')).toBe('table');
  });

  it('without a channel column give one channel per sample, on the stated unit, with labels one value per sample', () => {
    const b = parseFile(bytes('id,wavelength (nm),absorbance,grade\nA,1000,0.5,\nA,1002,0.25,good\nB,1000,1,poor\nB,1002,2,poor\n'), 't.csv');
    expect({ ...b, axes: b.axes.map((a) => ({ ...a, values: [...a.values] })), samples: b.samples.map((s) => ({ ...s, channels: s.channels.map((c) => [...c]) })) }).toEqual({
      format: 'csv-long',
      axes: [{ values: [1000, 1002], unit: 'nm', unitFromFile: true }],
      samples: [
        { id: 'A', axis: 0, channels: [[0.5, 0.25]], meta: { grade: 'good' }, split: null, sourceLine: 2 },
        { id: 'B', axis: 0, channels: [[1, 2]], meta: { grade: 'poor' }, split: null, sourceLine: 4 },
      ],
      warnings: [],
    });
  });

  it('refuses x out of order, a sample off its channel axis and a label with two values, naming the line', () => {
    const err = (text: string) => {
      const e = userErrorOf(() => parseFile(bytes(text), 't.csv'));
      return [e.message, e.line];
    };
    expect(err('sample,channel,x,y\nA,nir,1,0\nA,nir,3,0\nA,nir,2,0\n')).toEqual(['t.csv line 4: sample "A", channel "nir", has x = 2 after x = 3 on line 3; the x of one spectrum must be strictly monotonic in row order.', 4]);
    expect(err('sample,channel,x,y\nA,nir,1,0\nA,nir,2,0\nB,nir,1,0\nB,nir,2.5,0\n')).toEqual(['t.csv line 4: sample "B", channel "nir", has x = 2.5 at point 2 where sample "A", channel "nir", has x = 2; every sample of a channel must be on the same x values.', 4]);
    expect(err('sample,x,y,fat\nA,1,0,3\nA,2,0,4\n')).toEqual(['t.csv line 3: sample "A" has "4" in column "fat", but "3" on line 2; a label has one value per sample.', 3]);
  });
});
