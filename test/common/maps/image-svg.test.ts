import { describe, expect, it } from 'vitest';
import { mapImageSvg } from '../../../src-main/common/maps/image-svg';
import { PIXEL, type MapImage } from '../../../src-main/common/maps/image';

function image(values: number[], state: number[], extra: Partial<MapImage> = {}): MapImage {
  return {
    width: 3,
    height: 2,
    x0: 10,
    y0: -5,
    stepX: 0.5,
    stepY: 0.5,
    unit: 'µm',
    title: 'Intensity at 1002 cm⁻¹',
    valueUnit: 'counts',
    scaleLabel: 'Intensity (counts)',
    values: Float32Array.from(values),
    state: Uint8Array.from(state),
    sampleIds: Float64Array.from(values.map((_, i) => i + 1)),
    min: 0,
    max: 2,
    ...extra,
  };
}

/** The pixel rectangles: those inside the image's group, after its frame. */
const pixelRects = (svg: string) => svg.slice(svg.indexOf('<g transform'), svg.indexOf('</g>')).match(/<rect x[^>]*\/>/g) ?? [];
/** Every element names each of its attributes once (an XML parser refuses a document that does not). */
const attributesOnce = (svg: string) => [...svg.matchAll(/<\w+((?:\s+[\w-]+="[^"]*")*)\s*\/?>/g)].every((m) => {
  const names = [...m[1]!.matchAll(/([\w-]+)=/g)].map((n) => n[1]);
  return new Set(names).size === names.length;
});
const texts = (svg: string) => [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('map image as SVG', () => {
  it('draws a class image as one rectangle per run of a class along a row, with a swatch per class', () => {
    const svg = mapImageSvg(image([0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0], { title: 'k-means, 2 clusters (seed 1)', classes: ['cluster 1', 'cluster 2'], max: 1 }), 10);
    expect(pixelRects(svg)).toEqual(['<rect x="0" y="0" width="20" height="10" fill="#0072b2"/>', '<rect x="20" y="0" width="10" height="10" fill="#e69f00"/>', '<rect x="0" y="10" width="30" height="10" fill="#e69f00"/>']);
    expect(svg).not.toContain('linearGradient');
    expect(texts(svg)).toEqual(['k-means, 2 clusters (seed 1)', 'cluster 1 (2 pixels)', 'cluster 2 (4 pixels)', 'x 10 → 11 µm left to right, y -5 → -4.5 µm top to bottom']);
    expect(svg.match(/fill="#0072B2"|fill="#E69F00"/g)).toEqual(['fill="#0072B2"', 'fill="#E69F00"']);
  });

  it('draws values on viridis with the scale from min to max; masked and value-less pixels in grey, missing ones left out', () => {
    const svg = mapImageSvg(image([0, 2, 1, Number.NaN, Number.NaN, 1], [PIXEL.value, PIXEL.value, PIXEL.masked, PIXEL.missing, PIXEL.none, PIXEL.value]), 4);
    expect(pixelRects(svg)).toEqual([
      '<rect x="0" y="0" width="4" height="4" fill="#440154"/>',
      '<rect x="4" y="0" width="4" height="4" fill="#fde725"/>',
      '<rect x="8" y="0" width="4" height="4" fill="#3a3a3a"/>',
      '<rect x="4" y="4" width="4" height="4" fill="#8c8c8c"/>',
      '<rect x="8" y="4" width="4" height="4" fill="#21918c"/>',
    ]);
    expect(svg.match(/<stop /g)).toHaveLength(9);
    expect(texts(svg)).toEqual([
      'Intensity at 1002 cm⁻¹',
      '0',
      '2',
      'Intensity (counts)',
      'no value (1 pixel)',
      'masked (1 pixel)',
      'missing pixel, no spectrum (1 pixel)',
      'x 10 → 11 µm left to right, y -5 → -4.5 µm top to bottom',
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="352" height=')).toBe(true);
    expect(attributesOnce(svg)).toBe(true);
    expect(attributesOnce('<text x="1" x="2">')).toBe(false);
  });

  it('escapes the title', () => {
    expect(mapImageSvg(image([0, 1, 2, 0, 1, 2], [0, 0, 0, 0, 0, 0], { title: 'Ratio <a & b>' }))).toContain('>Ratio &lt;a &amp; b&gt;</text>');
  });
});
