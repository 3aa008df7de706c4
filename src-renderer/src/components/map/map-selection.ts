/** Pixels of a map image under a rectangle or a freehand outline drawn on it, and the pixel under the pointer. */
import { PIXEL, type MapImage } from '@common/maps/image';

export interface Cell {
  col: number;
  row: number;
}

/** The map pixel under canvas point (x, y) in CSS pixels, `scale` CSS pixels per map pixel; null outside the map. */
export function cellAt(image: Pick<MapImage, 'width' | 'height'>, scale: number, x: number, y: number): Cell | null {
  const col = Math.floor(x / scale);
  const row = Math.floor(y / scale);
  return col >= 0 && row >= 0 && col < image.width && row < image.height ? { col, row } : null;
}

/** Row-major indices of the pixels holding a spectrum inside the rectangle spanned by two cells (inclusive). */
export function pixelsInRect(image: Pick<MapImage, 'width' | 'state'>, a: Cell, b: Cell): number[] {
  const out: number[] = [];
  for (let row = Math.min(a.row, b.row); row <= Math.max(a.row, b.row); row++)
    for (let col = Math.min(a.col, b.col); col <= Math.max(a.col, b.col); col++) {
      const p = row * image.width + col;
      if (image.state[p] !== PIXEL.missing) out.push(p);
    }
  return out;
}

/** A point on the image in map-pixel units: (0, 0) is the top-left corner of pixel (0, 0). */
export interface Point {
  x: number;
  y: number;
}

/** Whether (x, y) lies inside the polygon, by the even–odd rule (a ray to the right crosses its edges an odd number of times). */
export function insidePolygon(polygon: readonly Point[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.y > y !== b.y > y && x < a.x + ((y - a.y) * (b.x - a.x)) / (b.y - a.y)) inside = !inside;
  }
  return inside;
}

/** Row-major indices of the pixels holding a spectrum whose centre lies inside a freehand (lasso) outline, closed from its last point to its first. */
export function pixelsInPolygon(image: Pick<MapImage, 'width' | 'height' | 'state'>, polygon: readonly Point[]): number[] {
  if (polygon.length < 3) return [];
  const out: number[] = [];
  const xs = polygon.map((p) => p.x);
  const ys = polygon.map((p) => p.y);
  const col0 = Math.max(0, Math.floor(Math.min(...xs)));
  const col1 = Math.min(image.width - 1, Math.ceil(Math.max(...xs)));
  const row0 = Math.max(0, Math.floor(Math.min(...ys)));
  const row1 = Math.min(image.height - 1, Math.ceil(Math.max(...ys)));
  for (let row = row0; row <= row1; row++)
    for (let col = col0; col <= col1; col++) {
      const p = row * image.width + col;
      if (image.state[p] !== PIXEL.missing && insidePolygon(polygon, col + 0.5, row + 0.5)) out.push(p);
    }
  return out;
}
