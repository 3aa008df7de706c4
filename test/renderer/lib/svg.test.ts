import { describe, expect, it } from 'vitest';
import { esc, extent, heatmapSvg, histogramSvg, lineChartSvg, niceTicks, scatterSvg } from '../../../src-renderer/src/lib/svg';

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;
const texts = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);

describe('SVG export', () => {
  it('picks 1-2-2.5-5 ticks inside the range, and pads extents', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-0.37, 0.52, 6)).toEqual([-0.2, 0, 0.2, 0.4]);
    expect(niceTicks(4000, 400, 8)).toEqual([4000]);
    expect(extent([1, 3, NaN, 2], 0.5)).toEqual([0, 4]);
    expect(extent([2, 2])).toEqual([1.5, 2.5]);
    expect(esc('a < b & "c"')).toBe('a &lt; b &amp; &quot;c&quot;');
  });

  it('draws a scatter plot: one circle per point, axis titles, ticks and a legend entry per class', () => {
    const svg = scatterSvg({
      title: 'PCA scores — PC2 vs PC1',
      xTitle: 'PC1 score (60.0 % of variance)',
      yTitle: 'PC2 score (20.0 % of variance)',
      zeroLines: true,
      groups: [
        { label: 'Arabica', colour: '#0072B2', points: [{ x: -1, y: 0.5, name: 's1' }, { x: -2, y: 0.1, name: 's2' }] },
        { label: 'Robusta <R>', colour: '#E69F00', points: [{ x: 3, y: -0.6, name: 's3' }] },
      ],
      legend: [
        { label: 'Arabica', colour: '#0072B2' },
        { label: 'Robusta <R>', colour: '#E69F00' },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(count(svg, /<circle class="point"/g)).toBe(3);
    expect(count(svg, /class="legend-entry"/g)).toBe(2);
    expect(texts(svg, 'axis-title x')).toEqual(['PC1 score (60.0 % of variance)']);
    expect(texts(svg, 'axis-title y')).toEqual(['PC2 score (20.0 % of variance)']);
    expect(texts(svg, 'tick x').length).toBeGreaterThanOrEqual(4);
    expect(svg).toContain('Robusta &lt;R&gt;');
    expect(svg).not.toMatch(/href|<image|@import|url\((?!#)/);
  });

  it('places histogram bars at their bin edges', () => {
    const svg = histogramSvg({ title: 'h', xTitle: 'Intensity at 1000 cm⁻¹', yTitle: 'Number of spectra', edges: [0, 1, 2, 3], counts: [1, 4, 2], colour: '#0b62a8' });
    const bars = [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) => m.slice(1).map(Number));
    expect(bars.length).toBe(3);
    // Equal widths, heights proportional to the counts.
    expect(new Set(bars.map((b) => b[2]!.toFixed(1))).size).toBe(1);
    expect(bars[1]![3]! / bars[0]![3]!).toBeCloseTo(4, 2);
    expect(bars[2]![3]! / bars[0]![3]!).toBeCloseTo(2, 2);
    expect(texts(svg, 'tick y')).toEqual(['0', '1', '2', '3', '4']);
  });

  it('draws a heat map cell per value with a colour bar', () => {
    const svg = heatmapSvg({
      title: 'r',
      axisName: 'Wavenumber (cm⁻¹)',
      size: 3,
      values: [1, 0.5, NaN, 0.5, 1, -1, NaN, -1, 1],
      pos: (i) => 2 - i,
      ticks: [
        { index: 0, label: '4000' },
        { index: 2, label: '400' },
      ],
      colour: (v) => (Number.isFinite(v) ? (v >= 0 ? '#b2182b' : '#2166ac') : '#bdbdbd'),
      scale: [1, 0, -1].map((v) => ({ value: v, label: v.toFixed(1) })),
      scaleTitle: 'Pearson r',
    });
    expect(count(svg, /<rect class="cell"/g)).toBe(9);
    expect(count(svg, /fill="#bdbdbd"/g)).toBe(2);
    expect(texts(svg, 'tick x')).toEqual(['4000', '400']);
    expect(texts(svg, 'tick scale')).toEqual(['1.0', '0.0', '-1.0']);
    expect(svg).toContain('<linearGradient id="scale"');
  });

  it('draws lines with their ± bands and dashes', () => {
    const svg = lineChartSvg({
      title: 'means',
      xTitle: 'Wavenumber (cm⁻¹), high → low',
      yTitle: 'Mean intensity',
      xMin: 400,
      xMax: 4000,
      yMin: 0,
      yMax: 1,
      reverse: true,
      legend: [{ label: 'A (n = 2)', colour: '#0072B2' }],
      series: [
        { label: 'A', colour: '#0072B2', opacity: 1, width: 1.8, points: [[400, 0.2], [4000, 0.8]], band: [[400, 0.1, 0.3], [4000, 0.7, 0.9]] },
        { label: 'B', colour: '#E69F00', opacity: 1, width: 1.8, points: [[400, 0.5], [4000, 0.5]], dash: [6, 3] },
      ],
    });
    expect(count(svg, /<polyline class="series"/g)).toBe(2);
    expect(count(svg, /<polygon class="band"/g)).toBe(1);
    expect(count(svg, /stroke-dasharray="6 3"/g)).toBe(1);
    // Reversed axis: 4000 is drawn left of 500.
    const xs = [...svg.matchAll(/<text class="tick x" x="([\d.]+)"[^>]*>(\d+)</g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const at = (v: number) => xs.find(([, t]) => t === v)![0];
    expect(at(4000)).toBeLessThan(at(500));
  });
});
