/**
 * Colours shared by the window and the files written in the main process (map PNGs), so an
 * exported image has the colours on screen.
 *
 * Classes: Okabe–Ito first (colour-blind safe), then Paul Tol's muted set. Values: viridis
 * (perceptually uniform, colour-blind safe), its stops interpolated linearly.
 */
export const CLASS_PALETTE = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#56B4E9', // sky blue
  '#CC79A7', // reddish purple
  '#C9B400', // yellow, darkened to read on white
  '#882255', // Tol wine
  '#44AA99', // Tol teal
  '#999933', // Tol olive
  '#332288', // Tol indigo
  '#AA4499', // Tol purple
];
export const MISSING_COLOUR = '#8c8c8c';

/** Viridis sampled at 9 stops of matplotlib's table. */
export const VIRIDIS_STOPS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** Viridis at t in [0, 1] (clamped), as [r, g, b] bytes. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS_STOPS.length - 1);
  const i = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexBytes(VIRIDIS_STOPS[i]!);
  const b = hexBytes(VIRIDIS_STOPS[i + 1]!);
  return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f)) as [number, number, number];
}

/** A '#rrggbb' colour as [r, g, b] bytes. */
export function hexBytes(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
