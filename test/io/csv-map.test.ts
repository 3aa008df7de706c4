/** Wide tables whose x and y columns are map coordinates (chondro: a 35 × 25 Raman map). */
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src-main/io';
import { parseDelimited } from '../../src-main/io/csv';
import { readFixture } from '../helpers/datasets';
import { userErrorOf } from '../helpers/errors';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

const refusal = (text: string): string => userErrorOf(() => parseDelimited(enc(text), 'map.csv')).message;

describe('wide table map coordinates', () => {
  it('imports chondro as a 35 × 25 map with its cluster as a label', () => {
    const batch = parseFile(readFixture('raman_map_chondro', 'chondro.csv'), 'chondro.csv');
    expect(batch.format).toBe('csv-wide');
    expect(batch.samples).toHaveLength(875);
    expect(batch.axes[0]!.values.length).toBe(300);
    expect(batch.axes[0]!.values[0]).toBe(602);
    expect(batch.axes[0]!.values[299]).toBe(1798);
    const xs = new Set(batch.samples.map((s) => s.mapX));
    const ys = new Set(batch.samples.map((s) => s.mapY));
    expect([xs.size, ys.size]).toEqual([35, 25]);
    const first = batch.samples[0]!;
    const last = batch.samples[874]!;
    expect([first.mapX, first.mapY]).toEqual([-11.55, -4.77]);
    expect([last.mapX, last.mapY]).toEqual([22.45, 19.23]);
    expect(first.meta).toEqual({ pixel: 'px001', cluster: 'matrix' });
    expect(last.meta).toEqual({ pixel: 'px875', cluster: 'lacuna' });
    expect(first.channels[0]![0]).toBe(Math.fround(501.8194));
    expect(last.channels[0]![299]).toBe(Math.fround(169.2942));
    const clusters = new Map<string, number>();
    for (const s of batch.samples) clusters.set(String(s.meta.cluster), (clusters.get(String(s.meta.cluster)) ?? 0) + 1);
    expect(Object.fromEntries(clusters)).toEqual({ matrix: 323, lacuna: 364, cell: 182, null: 6 });
  });

  it.each([
    ['x,y', 'x', 'y'],
    ['X,Y', 'X', 'Y'],
    ['x_um,y_um', 'x_um', 'y_um'],
    ['X (µm),Y (µm)', 'X (µm)', 'Y (µm)'],
    ['x [mm],y [mm]', 'x [mm]', 'y [mm]'],
    ['map_x,map_y', 'map_x', 'map_y'],
  ])('reads %s as coordinates', (names) => {
    const batch = parseDelimited(enc(`id,${names},class,100,200\na,1.5,-2,A,1,2\nb,2.5,-2,B,3,4\n`), 'map.csv');
    expect(batch.samples.map((s) => [s.id, s.mapX, s.mapY, s.meta])).toEqual([
      ['a', 1.5, -2, { class: 'A' }],
      ['b', 2.5, -2, { class: 'B' }],
    ]);
  });

  it('keeps a lone x column, and columns that only start with x, as metadata', () => {
    const lone = parseDelimited(enc('x,100,200\n1,1,2\n'), 'lone.csv');
    expect([lone.samples[0]!.mapX, lone.samples[0]!.meta]).toEqual([undefined, { x: 1 }]);
    const other = parseDelimited(enc('xylose,yield,100,200\n1,2,1,2\n'), 'other.csv');
    expect([other.samples[0]!.mapX, other.samples[0]!.meta]).toEqual([undefined, { xylose: 1, yield: 2 }]);
  });

  it('refuses a missing or non-numeric coordinate, naming file, line and column', () => {
    expect(refusal('x,y,100,200\n1,2,1,2\n3,,1,2\n')).toBe('map.csv line 3, column "y": the map coordinate is empty.');
    expect(refusal('x,y,100,200\n1,2,1,2\nleft,2,1,2\n')).toBe('map.csv line 3, column "x": map coordinate "left" is not a number.');
  });

  it('refuses two columns for one coordinate', () => {
    expect(refusal('x,x_um,y,100,200\n1,1,2,1,2\n')).toBe('map.csv: columns "x" and "x_um" both name the map\'s x coordinate; rename all but one.');
  });
});
