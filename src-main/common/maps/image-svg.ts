/**
 * A map image as SVG, for papers and slides: the pixels as rectangles in the colours of the
 * window and the PNG (`pixelColours`), its title, its colour scale (a viridis ramp with the
 * value range and what it measures, or the classes' swatches), the pixel states present and the
 * extent of the map's coordinates. A run of equal pixels along a row is one rectangle, so class
 * and cluster images stay small; missing pixels are left out (transparent).
 */
import { esc, tickLabel } from '../chart-scale';
import { CLASS_PALETTE, MISSING_COLOUR, VIRIDIS_STOPS } from '../format/colours';
import { MASKED_COLOUR, PIXEL, pixelColours, type MapImage } from './image';

/** Side of the image's longer edge in SVG units when no pixel size is given. */
const LONG_SIDE = 480;
const MARGIN = 16;
const TITLE = 30;
const LINE = 18;
const FONT = 'font-family="sans-serif" font-size="12"';
const TITLE_FONT = 'font-family="sans-serif" font-size="14" font-weight="bold"';

const pixels = (n: number) => `${n} pixel${n === 1 ? '' : 's'}`;
const hex = (rgb: [number, number, number]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** One `<rect>` per run of equal colour along a row, `cell` units per pixel, from (0, 0). */
function pixelRects(image: MapImage, cell: number): string[] {
  const colour = pixelColours(image);
  const rects: string[] = [];
  for (let row = 0; row < image.height; row++) {
    const at = (col: number) => colour(row * image.width + col);
    for (let col = 0; col < image.width; ) {
      const rgb = at(col);
      let end = col + 1;
      while (end < image.width && at(end)?.join() === rgb?.join()) end++;
      if (rgb) rects.push(`<rect x="${col * cell}" y="${row * cell}" width="${(end - col) * cell}" height="${cell}" fill="${hex(rgb)}"/>`);
      col = end;
    }
  }
  return rects;
}

/** Legend entries: each class with its pixel count, then the states other than a value that occur. */
function keyEntries(image: MapImage): { colour: string; label: string }[] {
  const counts = { classes: new Array<number>(image.classes?.length ?? 0).fill(0), none: 0, masked: 0, missing: 0 };
  for (let p = 0; p < image.state.length; p++) {
    const s = image.state[p];
    if (s === PIXEL.value && image.classes) counts.classes[image.values[p]!]!++;
    else if (s === PIXEL.none) counts.none++;
    else if (s === PIXEL.masked) counts.masked++;
    else if (s === PIXEL.missing) counts.missing++;
  }
  const entries = (image.classes ?? []).map((c, i) => ({ colour: CLASS_PALETTE[i % CLASS_PALETTE.length]!, label: `${c} (${pixels(counts.classes[i]!)})` }));
  if (counts.none) entries.push({ colour: MISSING_COLOUR, label: `no value (${pixels(counts.none)})` });
  if (counts.masked) entries.push({ colour: MASKED_COLOUR, label: `masked (${pixels(counts.masked)})` });
  if (counts.missing) entries.push({ colour: 'none', label: `missing pixel, no spectrum (${pixels(counts.missing)})` });
  return entries;
}

/** The image as a standalone SVG document; `cell` SVG units per map pixel (default: the longer side 480). */
export function mapImageSvg(image: MapImage, cell = Math.max(1, Math.floor(LONG_SIDE / Math.max(image.width, image.height)))): string {
  const w = image.width * cell;
  const h = image.height * cell;
  const width = Math.max(w, 320) + 2 * MARGIN;
  const out: string[] = [];
  out.push(`<text x="${MARGIN}" y="${MARGIN + 8}" ${TITLE_FONT}>${esc(image.title)}</text>`);
  out.push(`<g transform="translate(${MARGIN} ${TITLE})" shape-rendering="crispEdges">`, `<rect width="${w}" height="${h}" fill="none" stroke="#999999" stroke-width="0.5"/>`, ...pixelRects(image, cell), '</g>');
  let y = TITLE + h + LINE;
  if (!image.classes) {
    const ramp = Math.min(240, width - 2 * MARGIN);
    const stops = VIRIDIS_STOPS.map((c, i) => `<stop offset="${i / (VIRIDIS_STOPS.length - 1)}" stop-color="${c}"/>`).join('');
    out.push(`<defs><linearGradient id="scale">${stops}</linearGradient></defs>`);
    out.push(`<rect x="${MARGIN}" y="${y - 10}" width="${ramp}" height="12" fill="url(#scale)"/>`);
    y += LINE;
    out.push(`<text x="${MARGIN}" y="${y}" ${FONT}>${esc(tickLabel(image.min, 3))}</text>`);
    out.push(`<text x="${MARGIN + ramp}" y="${y}" ${FONT} text-anchor="end">${esc(tickLabel(image.max, 3))}</text>`);
    y += LINE;
    out.push(`<text x="${MARGIN}" y="${y}" ${FONT}>${esc(image.scaleLabel)}</text>`);
    y += LINE;
  }
  for (const e of keyEntries(image)) {
    out.push(`<rect x="${MARGIN}" y="${y - 10}" width="12" height="12" fill="${e.colour}" stroke="#666666" stroke-width="0.5"/>`, `<text x="${MARGIN + 18}" y="${y}" ${FONT}>${esc(e.label)}</text>`);
    y += LINE;
  }
  const unit = image.unit ? ` ${image.unit}` : '';
  const x1 = image.x0 + (image.width - 1) * image.stepX;
  const y1 = image.y0 + (image.height - 1) * image.stepY;
  out.push(`<text x="${MARGIN}" y="${y}" ${FONT} fill="#555555">${esc(`x ${tickLabel(image.x0, 3)} → ${tickLabel(x1, 3)}${unit} left to right, y ${tickLabel(image.y0, 3)} → ${tickLabel(y1, 3)}${unit} top to bottom`)}</text>`);
  const height = y + MARGIN;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n<rect width="${width}" height="${height}" fill="#ffffff"/>\n${out.join('\n')}\n</svg>\n`;
}
