/** Renishaw WiRE map text exports (X Y Wave Intensity rows), generated from the chondro map. */
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../src-main/io';
import { readFixture } from '../helpers/datasets';
import { userErrorOf } from '../helpers/errors';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The first `count` chondro pixels, as WiRE writes them: high wavenumber first. */
function chondroPixels(count: number): { x: number; y: number; waves: number[]; values: number[] }[] {
  const batch = parseFile(readFixture('raman_map_chondro', 'chondro.csv'), 'chondro.csv');
  const axis = Array.from(batch.axes[0]!.values);
  return batch.samples.slice(0, count).map((s) => ({
    x: s.mapX!,
    y: s.mapY!,
    waves: [...axis].reverse(),
    values: Array.from(s.channels[0]!).reverse(),
  }));
}

type Pixel = ReturnType<typeof chondroPixels>[number];

function rows(pixels: Pixel[], sep: string): string[] {
  return pixels.flatMap((p) => p.waves.map((w, k) => [p.x, p.y, w, p.values[k]].join(sep)));
}

const refusal = (text: string): string => userErrorOf(() => parseFile(enc(text), 'map.txt')).message;

describe('WiRE map text export', () => {
  const pixels = chondroPixels(3);
  const header = '#X\t#Y\t#Wave\t#Intensity';

  it('reads a tab-separated export with its header, one sample per pixel in file order', () => {
    const batch = parseFile(enc([header, ...rows(pixels, '\t')].join('\r\n') + '\r\n'), 'chondro_map.txt');
    expect(batch.format).toBe('wire-text');
    expect(batch.axes).toHaveLength(1);
    expect(batch.axes[0]!.values.length).toBe(300);
    expect([batch.axes[0]!.values[0], batch.axes[0]!.values[299], batch.axes[0]!.unit]).toEqual([1798, 602, 'cm-1']);
    expect(batch.samples.map((s) => [s.id, s.mapX, s.mapY, s.sourceLine])).toEqual([
      ['chondro_map#1', -11.55, -4.77, 2],
      ['chondro_map#2', -10.55, -4.77, 302],
      ['chondro_map#3', -9.55, -4.77, 602],
    ]);
    for (const [i, s] of batch.samples.entries()) expect(Array.from(s.channels[0]!)).toEqual(pixels[i]!.values);
    expect(batch.samples[0]!.channels[0]![299]).toBe(Math.fround(501.8194));
    expect(batch.warnings).toEqual([
      'chondro_map.txt: the file does not state the axis unit; WiRE exports Raman shift, so cm⁻¹ is assumed. Import again with the axis unit set if that is wrong.',
    ]);
  });

  it('recognises a headerless whitespace export by its repeating wave blocks', () => {
    const batch = parseFile(enc(rows(pixels, '   ').join('\n')), 'plain.txt', { axisUnit: 'nm' });
    expect(batch.format).toBe('wire-text');
    expect(batch.samples.map((s) => [s.mapX, s.mapY, s.sourceLine])).toEqual([
      [-11.55, -4.77, 1],
      [-10.55, -4.77, 301],
      [-9.55, -4.77, 601],
    ]);
    expect([batch.axes[0]!.unit, batch.warnings]).toEqual(['nm', []]);
  });

  it('leaves a four-column table without repeating waves to the table reader', () => {
    expect(parseFile(enc('1\t2\t3\t4\n5\t6\t7\t8\n'), 'plain.txt').format).toBe('table-headerless');
  });

  it('refuses a pixel with a point too few, naming its last line', () => {
    const lines = [header, ...rows(pixels, '\t')];
    lines.splice(600, 1);
    expect(refusal(lines.join('\n'))).toBe('map.txt line 600: pixel (X, Y) = (-10.55, -4.77) ends after 299 of the 300 waves of the first pixel; wave 602 is missing.');
    expect(refusal(lines.slice(0, 600).join('\n'))).toBe('map.txt line 600: pixel (X, Y) = (-10.55, -4.77) ends after 299 of the 300 waves of the first pixel; wave 602 is missing.');
  });

  it('refuses a pixel whose waves skip one, or that has one too many', () => {
    const missing = [header, ...rows(pixels, '\t')];
    missing.splice(310, 1);
    expect(refusal(missing.join('\n'))).toBe('map.txt line 311: pixel (X, Y) = (-10.55, -4.77) has wave 1758 where the first pixel has 1762 (point 10).');
    const extra = [header, ...rows(pixels, '\t')];
    extra.splice(601, 0, '-10.55\t-4.77\t598\t1');
    expect(refusal(extra.join('\n'))).toBe('map.txt line 602: pixel (X, Y) = (-10.55, -4.77) has more than the 300 waves of the first pixel.');
  });

  it('refuses a pixel that comes back later, a short row and a bad number', () => {
    const again = [header, ...rows([pixels[0]!, pixels[1]!, pixels[0]!], '\t')];
    expect(refusal(again.join('\n'))).toBe('map.txt line 602: pixel (X, Y) = (-11.55, -4.77) appears again; its rows started on line 2. The rows of one pixel must be adjacent.');
    const short = [header, ...rows(pixels, '\t')];
    short[5] = '-11.55\t-4.77\t1782';
    expect(refusal(short.join('\n'))).toBe('Line 6 of map.txt has 3 values; a WiRE map export has 4 (X, Y, Wave, Intensity).');
    const text = [header, ...rows(pixels, '\t')];
    text[7] = '-11.55\t-4.77\t1774\tn/a';
    expect(refusal(text.join('\n'))).toBe('map.txt line 8, Intensity: value "n/a" is not a number.');
  });
});
