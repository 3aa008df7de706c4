/**
 * Small inline-SVG charts for the HTML report: lines over an axis and a parity plot. Pure
 * strings, no fonts or links; each chart gets its own clip-path id so several can share one
 * HTML page (the renderer's svg.ts uses one fixed id per standalone file).
 */

import { esc, extent as range, niceTicks, tickLabel } from '../common/chart-scale';

export { esc, niceTicks };

/** Tick label: up to 6 significant digits, exponent (2 decimals) for very large or small values. */
export const fmtNumber = (v: number): string => tickLabel(v, 2);

/** Value range with 4 % padding (the report's charts breathe a little). */
const extent = (values: Iterable<number>, pad = 0.04): [number, number] => range(values, pad);

/** Colour-blind-safe palette (Okabe–Ito), one stable colour per class index. */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
export const classColour = (i: number) => PALETTE[i % PALETTE.length]!;

export interface LineSeries {
  label: string;
  colour: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  dash?: boolean;
  /** Draw against the right-hand axis (its own scale). */
  right?: boolean;
}

export interface LineChart {
  id: string;
  title: string;
  xTitle: string;
  yTitle: string;
  /** Title of the right-hand axis when some series use it. */
  rightTitle?: string;
  /** Draw the x axis high → low (IR wavenumbers). */
  reverse?: boolean;
  series: LineSeries[];
  width?: number;
  height?: number;
}

const f = (v: number) => v.toFixed(1);

interface Frame {
  width: number;
  height: number;
  l: number;
  r: number;
  t: number;
  b: number;
}

function head(id: string, title: string, fr: Frame): string[] {
  return [
    `<svg class="chart" id="${esc(id)}" viewBox="0 0 ${fr.width} ${fr.height}" width="${fr.width}" height="${fr.height}" role="img" aria-label="${esc(title)}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${fr.l}" y="16" font-size="13" font-weight="bold" fill="#1d232b">${esc(title)}</text>`,
    `<defs><clipPath id="${esc(id)}-clip"><rect x="${fr.l}" y="${fr.t}" width="${fr.width - fr.l - fr.r}" height="${fr.height - fr.t - fr.b}"/></clipPath></defs>`,
  ];
}

/** Lines over a numeric x axis, optionally with a second y scale on the right; legend below the title. */
export function lineChartSvg(c: LineChart): string {
  const width = c.width ?? 760;
  const height = c.height ?? 320;
  const hasRight = c.series.some((s) => s.right);
  const fr: Frame = { width, height, l: 64, r: hasRight ? 64 : 16, t: 44, b: 44 };
  const pw = width - fr.l - fr.r;
  const ph = height - fr.t - fr.b;
  const xs = c.series.flatMap((s) => Array.from(s.x));
  const [x0, x1] = extent(xs, 0);
  const [y0, y1] = extent(c.series.filter((s) => !s.right).flatMap((s) => Array.from(s.y)));
  const [r0, r1] = extent(c.series.filter((s) => s.right).flatMap((s) => Array.from(s.y)));
  const sx = (x: number) => fr.l + (c.reverse ? 1 - (x - x0) / (x1 - x0 || 1) : (x - x0) / (x1 - x0 || 1)) * pw;
  const sy = (y: number, right = false) => (right ? fr.t + (1 - (y - r0) / (r1 - r0 || 1)) * ph : fr.t + (1 - (y - y0) / (y1 - y0 || 1)) * ph);
  const out = head(c.id, c.title, fr);
  for (const x of niceTicks(x0, x1, 8)) {
    out.push(`<line x1="${f(sx(x))}" x2="${f(sx(x))}" y1="${fr.t}" y2="${fr.t + ph}" stroke="#e3e6ea"/>`);
    out.push(`<text x="${f(sx(x))}" y="${fr.t + ph + 14}" text-anchor="middle" fill="#5b6573">${esc(fmtNumber(x))}</text>`);
  }
  for (const y of niceTicks(y0, y1, 5)) {
    out.push(`<line x1="${fr.l}" x2="${fr.l + pw}" y1="${f(sy(y))}" y2="${f(sy(y))}" stroke="#e3e6ea"/>`);
    out.push(`<text x="${fr.l - 5}" y="${f(sy(y) + 4)}" text-anchor="end" fill="#5b6573">${esc(fmtNumber(y))}</text>`);
  }
  if (hasRight) {
    for (const y of niceTicks(r0, r1, 5)) out.push(`<text x="${fr.l + pw + 5}" y="${f(sy(y, true) + 4)}" fill="#5b6573">${esc(fmtNumber(y))}</text>`);
    out.push(`<text transform="translate(${width - 10} ${f(fr.t + ph / 2)}) rotate(90)" text-anchor="middle" fill="#1d232b">${esc(c.rightTitle ?? '')}</text>`);
  }
  out.push(`<text x="${f(fr.l + pw / 2)}" y="${height - 8}" text-anchor="middle" fill="#1d232b">${esc(c.xTitle)}</text>`);
  out.push(`<text transform="translate(14 ${f(fr.t + ph / 2)}) rotate(-90)" text-anchor="middle" fill="#1d232b">${esc(c.yTitle)}</text>`);
  out.push(`<g clip-path="url(#${esc(c.id)}-clip)" fill="none" stroke-linejoin="round">`);
  for (const s of c.series) {
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) if (Number.isFinite(s.y[i])) pts.push(`${f(sx(s.x[i]!))},${f(sy(s.y[i]!, s.right))}`);
    out.push(`<polyline class="series" points="${pts.join(' ')}" stroke="${s.colour}" stroke-width="1.6"${s.dash ? ' stroke-dasharray="5 3"' : ''}><title>${esc(s.label)}</title></polyline>`);
  }
  out.push('</g>', `<rect x="${fr.l}" y="${fr.t}" width="${pw}" height="${ph}" fill="none" stroke="#8a93a0"/>`);
  let lx = fr.l;
  for (const s of c.series.filter((x) => x.label)) {
    out.push(`<line x1="${lx}" x2="${lx + 16}" y1="30" y2="30" stroke="${s.colour}" stroke-width="2"${s.dash ? ' stroke-dasharray="5 3"' : ''}/><text x="${lx + 20}" y="34" fill="#1d232b">${esc(s.label)}</text>`);
    lx += 28 + s.label.length * 6.2;
  }
  out.push('</svg>');
  return out.join('\n');
}

export interface ParityPlot {
  id: string;
  title: string;
  /** Axis title with its unit, used for both axes ("fat (%)"). */
  unitTitle: string;
  truth: ArrayLike<number>;
  predicted: ArrayLike<number>;
  names?: string[];
  size?: number;
}

/** Predicted against true values with the identity line. */
export function paritySvg(c: ParityPlot): string {
  const size = c.size ?? 420;
  const fr: Frame = { width: size, height: size, l: 64, r: 16, t: 30, b: 44 };
  const pw = size - fr.l - fr.r;
  const ph = size - fr.t - fr.b;
  const [lo, hi] = extent([...Array.from(c.truth), ...Array.from(c.predicted)]);
  const sx = (v: number) => fr.l + ((v - lo) / (hi - lo)) * pw;
  const sy = (v: number) => fr.t + (1 - (v - lo) / (hi - lo)) * ph;
  const out = head(c.id, c.title, fr);
  for (const t of niceTicks(lo, hi, 5)) {
    out.push(`<text x="${f(sx(t))}" y="${fr.t + ph + 14}" text-anchor="middle" fill="#5b6573">${esc(fmtNumber(t))}</text>`);
    out.push(`<text x="${fr.l - 5}" y="${f(sy(t) + 4)}" text-anchor="end" fill="#5b6573">${esc(fmtNumber(t))}</text>`);
  }
  out.push(`<line x1="${f(sx(lo))}" y1="${f(sy(lo))}" x2="${f(sx(hi))}" y2="${f(sy(hi))}" stroke="#8a93a0" stroke-dasharray="4 3"/>`);
  for (let i = 0; i < c.truth.length; i++) {
    out.push(`<circle class="point" cx="${f(sx(c.truth[i]!))}" cy="${f(sy(c.predicted[i]!))}" r="3.5" fill="#0072b2" fill-opacity="0.75">${c.names?.[i] ? `<title>${esc(c.names[i]!)}</title>` : ''}</circle>`);
  }
  out.push(`<rect x="${fr.l}" y="${fr.t}" width="${pw}" height="${ph}" fill="none" stroke="#8a93a0"/>`);
  out.push(`<text x="${f(fr.l + pw / 2)}" y="${size - 8}" text-anchor="middle" fill="#1d232b">true ${esc(c.unitTitle)}</text>`);
  out.push(`<text transform="translate(14 ${f(fr.t + ph / 2)}) rotate(-90)" text-anchor="middle" fill="#1d232b">predicted ${esc(c.unitTitle)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}
