/**
 * Colours. One stable colour per class of a column, in every view: classes are ordered by a
 * natural sort of their names (not by counts, which change with edits), and the n-th class
 * gets the n-th palette colour. Okabe–Ito first (colour-blind safe), then Paul Tol's muted set.
 */
import type { DatasetSummary } from '@common/domain/project';

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

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}

export interface ClassColours {
  order: string[];
  colour(value: string | number | null | undefined): string;
}

export function classColours(values: Iterable<string>): ClassColours {
  const order = [...new Set(values)].filter((v) => v !== '(none)').sort(naturalCompare);
  const map = new Map(order.map((v, i) => [v, CLASS_PALETTE[i % CLASS_PALETTE.length]!]));
  return {
    order,
    colour: (v) => (v === null || v === undefined || v === '' ? MISSING_COLOUR : (map.get(String(v)) ?? MISSING_COLOUR)),
  };
}

/** Colours for a class column of a dataset (the summary lists every class, up to 200). */
export function columnClassColours(summary: DatasetSummary, column: string): ClassColours {
  return classColours((summary.columns[column]?.classes ?? []).map((c) => c.value));
}

/** Viridis (perceptually uniform, colour-blind safe) sampled at 9 stops. */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

function hexToRgb(h: string): [number, number, number] {
  const n = parseInt(h.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Colour for t in [0, 1] on viridis. */
export function sequential(t: number): string {
  if (!Number.isFinite(t)) return MISSING_COLOUR;
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = hexToRgb(VIRIDIS[i]!);
  const b = hexToRgb(VIRIDIS[i + 1]!);
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

export function viridisGradientCss(): string {
  return `linear-gradient(to right, ${VIRIDIS.join(', ')})`;
}

export function withAlpha(colour: string, alpha: number): string {
  if (colour.startsWith('#')) {
    const [r, g, b] = hexToRgb(colour);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return colour.replace(/^rgb\((.*)\)$/, `rgba($1, ${alpha})`);
}
