/** Pixels of a map image under a rectangle drawn on it, and the pixel under the pointer. */
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
