/**
 * Vector (SVG) export of the charts, built from the data — axes, ticks, labels and marks as SVG
 * elements, not a bitmap in a wrapper. Self-contained (no fonts, images or links), written
 * offline, pure (no DOM) so it can be unit-tested. Colours are fixed light-theme ones: an
 * exported figure goes into a paper or a report, whatever the app's theme.
 *
 * Class names mark what a reader (or a test) may count: `tick x|y`, `axis-title x|y`, `title`,
 * `series` (a line), `band`, `point`, `bar`, `cell`, `legend-entry`.
 */

const INK = { text: '#1d232b', muted: '#5b6573', grid: '#e3e6ea', frame: '#8a93a0', background: '#ffffff' };
const FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="12"';

import { esc, extent, niceTicks, tickLabel } from '@common/chart-scale';

export { esc, extent, niceTicks };

/** Tick label: up to 6 significant digits, exponent (1 decimal) for very large or small values. */
export const fmtTick = (v: number): string => tickLabel(v, 1);

const f = (v: number) => v.toFixed(2);

export interface LegendEntry {
  label: string;
  colour: string;
}

interface Plot {
  width: number;
  height: number;
  m: { l: number; r: number; t: number; b: number };
  pw: number;
  ph: number;
  sx(x: number): number;
  sy(y: number): number;
}

interface AxesSpec {
  title: string;
  xTitle: string;
  yTitle: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  reverse?: boolean;
  legend?: LegendEntry[];
  width?: number;
  height?: number;
}

function plotOf(c: AxesSpec): Plot {
  const width = c.width ?? 960;
  const height = c.height ?? 540;
  const m = { l: 78, r: c.legend?.length ? 190 : 24, t: 36, b: 54 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  return {
    width,
    height,
    m,
    pw,
    ph,
    sx: (x) => {
      const t = (x - c.xMin) / (c.xMax - c.xMin || 1);
      return m.l + (c.reverse ? 1 - t : t) * pw;
    },
    sy: (y) => m.t + (1 - (y - c.yMin) / (c.yMax - c.yMin || 1)) * ph,
  };
}

function open(p: Plot, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${p.width}" height="${p.height}" viewBox="0 0 ${p.width} ${p.height}" ${FONT}>`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="${INK.background}"/>`,
    `<text class="title" x="${p.m.l}" y="22" font-size="14" font-weight="bold" fill="${INK.text}">${esc(title)}</text>`,
  ];
}

/** Grid, tick labels and the two axis titles of a numeric x–y plot. */
function axes(p: Plot, c: AxesSpec, xTicks = niceTicks(c.xMin, c.xMax, 8), yTicks = niceTicks(c.yMin, c.yMax, 6)): string[] {
  const out: string[] = [];
  for (const x of xTicks) {
    out.push(`<line x1="${f(p.sx(x))}" x2="${f(p.sx(x))}" y1="${p.m.t}" y2="${p.m.t + p.ph}" stroke="${INK.grid}"/>`);
    out.push(`<text class="tick x" x="${f(p.sx(x))}" y="${p.m.t + p.ph + 16}" text-anchor="middle" fill="${INK.muted}">${esc(fmtTick(x))}</text>`);
  }
  for (const y of yTicks) {
    out.push(`<line x1="${p.m.l}" x2="${p.m.l + p.pw}" y1="${f(p.sy(y))}" y2="${f(p.sy(y))}" stroke="${INK.grid}"/>`);
    out.push(`<text class="tick y" x="${p.m.l - 6}" y="${f(p.sy(y) + 4)}" text-anchor="end" fill="${INK.muted}">${esc(fmtTick(y))}</text>`);
  }
  out.push(`<text class="axis-title x" x="${f(p.m.l + p.pw / 2)}" y="${p.height - 12}" text-anchor="middle" fill="${INK.text}">${esc(c.xTitle)}</text>`);
  out.push(`<text class="axis-title y" transform="translate(18 ${f(p.m.t + p.ph / 2)}) rotate(-90)" text-anchor="middle" fill="${INK.text}">${esc(c.yTitle)}</text>`);
  return out;
}

function frame(p: Plot): string {
  return `<rect x="${p.m.l}" y="${p.m.t}" width="${p.pw}" height="${p.ph}" fill="none" stroke="${INK.frame}"/>`;
}

/** Legend to the right of the plot; `shape` is a swatch, a line or a dot. */
function legend(p: Plot, entries: LegendEntry[] | undefined, shape: 'swatch' | 'line' | 'dot' = 'swatch'): string[] {
  const x = p.width - p.m.r + 14;
  return (entries ?? []).slice(0, 24).map((l, i) => {
    const y = p.m.t + 8 + i * 18;
    const mark =
      shape === 'line'
        ? `<line x1="${x}" x2="${x + 14}" y1="${y - 3}" y2="${y - 3}" stroke="${l.colour}" stroke-width="2.5"/>`
        : shape === 'dot'
          ? `<circle cx="${x + 6}" cy="${y - 3}" r="5" fill="${l.colour}"/>`
          : `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${l.colour}"/>`;
    return `<g class="legend-entry">${mark}<text x="${x + 20}" y="${y + 1}" fill="${INK.text}">${esc(l.label)}</text></g>`;
  });
}

export interface SvgSeries {
  label: string;
  colour: string;
  opacity: number;
  width: number;
  points: [number, number][];
  /** Shaded band (x, low, high). */
  band?: [number, number, number][];
  dash?: number[];
}

export interface SvgLineChart extends AxesSpec {
  reverse: boolean;
  series: SvgSeries[];
  legend: LegendEntry[];
}

/** Lines (with optional shaded bands, e.g. mean ± std) over a numeric axis. */
export function lineChartSvg(c: SvgLineChart, width = 960, height = 540): string {
  const p = plotOf({ ...c, width, height });
  const parts = open(p, c.title);
  parts.push(...axes(p, c));
  parts.push(`<clipPath id="plot"><rect x="${p.m.l}" y="${p.m.t}" width="${p.pw}" height="${p.ph}"/></clipPath><g clip-path="url(#plot)" fill="none" stroke-linejoin="round">`);
  for (const s of c.series) {
    if (s.band?.length) {
      const upper = s.band.map(([x, , hi]) => `${f(p.sx(x))},${f(p.sy(hi))}`);
      const lower = s.band.map(([x, lo]) => `${f(p.sx(x))},${f(p.sy(lo))}`).reverse();
      parts.push(`<polygon class="band" points="${[...upper, ...lower].join(' ')}" fill="${s.colour}" fill-opacity="0.18" stroke="none"/>`);
    }
  }
  for (const s of c.series) {
    if (!s.points.length) continue;
    const dash = s.dash?.length ? ` stroke-dasharray="${s.dash.join(' ')}"` : '';
    parts.push(
      `<polyline class="series" points="${s.points.map(([x, y]) => `${f(p.sx(x))},${f(p.sy(y))}`).join(' ')}" stroke="${s.colour}" stroke-opacity="${s.opacity}" stroke-width="${s.width}"${dash}><title>${esc(s.label)}</title></polyline>`,
    );
  }
  parts.push(`</g>`, frame(p), ...legend(p, c.legend, 'line'), '</svg>');
  return parts.join('\n');
}

export interface SvgScatter {
  title: string;
  xTitle: string;
  yTitle: string;
  /** One group per class (or one for all points); a point may carry its own colour and a hover name. */
  groups: { label: string; colour: string; points: { x: number; y: number; colour?: string; name?: string }[] }[];
  legend?: LegendEntry[];
  /** Draws x = 0 and y = 0 (score plots are centred). */
  zeroLines?: boolean;
}

/** A scatter plot: one circle per point, grouped per class. */
export function scatterSvg(c: SvgScatter, width = 820, height = 620): string {
  const all = c.groups.flatMap((g) => g.points);
  const [xMin, xMax] = extent(
    all.map((q) => q.x),
    0.06,
  );
  const [yMin, yMax] = extent(
    all.map((q) => q.y),
    0.06,
  );
  const spec: AxesSpec = { ...c, xMin, xMax, yMin, yMax, width, height, legend: c.legend ?? [] };
  const p = plotOf(spec);
  const parts = open(p, c.title);
  parts.push(...axes(p, spec));
  if (c.zeroLines) {
    if (xMin < 0 && xMax > 0) parts.push(`<line x1="${f(p.sx(0))}" x2="${f(p.sx(0))}" y1="${p.m.t}" y2="${p.m.t + p.ph}" stroke="${INK.frame}" stroke-dasharray="4 3"/>`);
    if (yMin < 0 && yMax > 0) parts.push(`<line x1="${p.m.l}" x2="${p.m.l + p.pw}" y1="${f(p.sy(0))}" y2="${f(p.sy(0))}" stroke="${INK.frame}" stroke-dasharray="4 3"/>`);
  }
  const r = all.length > 500 ? 2.5 : 4;
  for (const g of c.groups) {
    parts.push(`<g class="group" fill-opacity="0.8" stroke-width="1"><title>${esc(g.label)}</title>`);
    for (const q of g.points) {
      const colour = q.colour ?? g.colour;
      const name = q.name ? `<title>${esc(q.name)}</title>` : '';
      parts.push(`<circle class="point" cx="${f(p.sx(q.x))}" cy="${f(p.sy(q.y))}" r="${r}" fill="${colour}" stroke="${colour}">${name}</circle>`);
    }
    parts.push('</g>');
  }
  parts.push(frame(p), ...legend(p, c.legend, 'dot'), '</svg>');
  return parts.join('\n');
}

export interface SvgHistogram {
  title: string;
  xTitle: string;
  yTitle: string;
  /** bins + 1 ascending edges. */
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
  colour: string;
}

/** A histogram: one rectangle per bin on a numeric x axis (bin edges, not category labels). */
export function histogramSvg(c: SvgHistogram, width = 820, height = 500): string {
  const bins = c.counts.length;
  const xMin = c.edges[0] ?? 0;
  const xMax = c.edges[bins] ?? 1;
  let top = 1;
  for (let b = 0; b < bins; b++) top = Math.max(top, c.counts[b]!);
  const yTicks = niceTicks(0, top * 1.05, 5).filter((t) => Number.isInteger(t));
  const spec: AxesSpec = { ...c, xMin, xMax, yMin: 0, yMax: Math.max(top * 1.05, yTicks[yTicks.length - 1] ?? 0), width, height };
  const p = plotOf(spec);
  const parts = open(p, c.title);
  parts.push(...axes(p, spec, niceTicks(xMin, xMax, 7), yTicks));
  for (let b = 0; b < bins; b++) {
    const x0 = p.sx(c.edges[b]!);
    const x1 = p.sx(c.edges[b + 1]!);
    const y = p.sy(c.counts[b]!);
    parts.push(
      `<rect class="bar" x="${f(Math.min(x0, x1))}" y="${f(y)}" width="${f(Math.abs(x1 - x0))}" height="${f(p.m.t + p.ph - y)}" fill="${c.colour}" fill-opacity="0.7" stroke="${c.colour}"><title>${esc(`${fmtTick(c.edges[b]!)} … ${fmtTick(c.edges[b + 1]!)}: ${c.counts[b]}`)}</title></rect>`,
    );
  }
  parts.push(frame(p), '</svg>');
  return parts.join('\n');
}

export interface SvgHeatmap {
  title: string;
  axisName: string;
  /** size × size values, row-major; row i is drawn at position `pos(i)`. */
  size: number;
  values: ArrayLike<number>;
  /** Draw position (0 … size − 1) of cell index i (honours the axis direction). */
  pos: (i: number) => number;
  /** Tick labels: cell index and its text. */
  ticks: { index: number; label: string }[];
  colour: (v: number) => string;
  /** Colour-bar stops from top to bottom, with their labels. */
  scale: { value: number; label: string }[];
  scaleTitle: string;
}

/** A square heat map (e.g. band-to-band correlation) with its colour bar. */
export function heatmapSvg(c: SvgHeatmap, size = 680): string {
  const m = { l: 84, t: 36, r: 110, b: 60 };
  const plot = size - m.l - 20;
  const width = m.l + plot + m.r;
  const height = m.t + plot + m.b;
  const cell = plot / c.size;
  const p: Plot = { width, height, m, pw: plot, ph: plot, sx: (x) => x, sy: (y) => y };
  const parts = open(p, c.title);
  parts.push('<g class="cells" shape-rendering="crispEdges">');
  for (let i = 0; i < c.size; i++)
    for (let j = 0; j < c.size; j++) {
      const v = c.values[i * c.size + j]!;
      parts.push(`<rect class="cell" x="${f(m.l + c.pos(j) * cell)}" y="${f(m.t + c.pos(i) * cell)}" width="${f(cell + 0.05)}" height="${f(cell + 0.05)}" fill="${c.colour(v)}"/>`);
    }
  parts.push('</g>', `<rect x="${m.l}" y="${m.t}" width="${plot}" height="${plot}" fill="none" stroke="${INK.frame}"/>`);
  for (const t of c.ticks) {
    const at = (c.pos(t.index) + 0.5) * cell;
    parts.push(`<text class="tick x" x="${f(m.l + at)}" y="${f(m.t + plot + 16)}" text-anchor="middle" fill="${INK.muted}">${esc(t.label)}</text>`);
    parts.push(`<text class="tick y" x="${m.l - 6}" y="${f(m.t + at + 4)}" text-anchor="end" fill="${INK.muted}">${esc(t.label)}</text>`);
  }
  parts.push(`<text class="axis-title x" x="${f(m.l + plot / 2)}" y="${height - 14}" text-anchor="middle" fill="${INK.text}">${esc(c.axisName)}</text>`);
  parts.push(`<text class="axis-title y" transform="translate(18 ${f(m.t + plot / 2)}) rotate(-90)" text-anchor="middle" fill="${INK.text}">${esc(c.axisName)}</text>`);
  const bx = m.l + plot + 28;
  const stops = c.scale.map((s, k) => `<stop offset="${f((100 * k) / Math.max(1, c.scale.length - 1))}%" stop-color="${c.colour(s.value)}"/>`).join('');
  parts.push(`<defs><linearGradient id="scale" x1="0" y1="0" x2="0" y2="1">${stops}</linearGradient></defs>`);
  parts.push(`<rect x="${bx}" y="${m.t}" width="16" height="${plot}" fill="url(#scale)" stroke="${INK.frame}"/>`);
  c.scale.forEach((s, k) => {
    const y = m.t + (plot * k) / Math.max(1, c.scale.length - 1);
    parts.push(`<text class="tick scale" x="${bx + 22}" y="${f(y + 4)}" fill="${INK.muted}">${esc(s.label)}</text>`);
  });
  parts.push(`<text class="axis-title scale" transform="translate(${bx + 68} ${f(m.t + plot / 2)}) rotate(90)" text-anchor="middle" fill="${INK.text}">${esc(c.scaleTitle)}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
