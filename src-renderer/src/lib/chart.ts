/**
 * chart.js set-up shared by the charts (tree-shaken registration), display decimation, theme
 * colours from the CSS variables, and PNG/SVG export. Charts never animate: they are
 * instruments, not slides.
 */
import { BarController, BarElement, CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, BarController, BarElement, Filler, Tooltip);

export { Chart };

export interface Theme {
  text: string;
  muted: string;
  grid: string;
  border: string;
  panel: string;
  accent: string;
  font: string;
}

export function theme(): Theme {
  const s = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => s.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1d232b'),
    muted: v('--muted', '#5b6573'),
    grid: v('--grid', 'rgba(0,0,0,0.08)'),
    border: v('--border-strong', '#b9c0ca'),
    panel: v('--panel', '#ffffff'),
    accent: v('--accent', '#0b62a8'),
    font: s.fontFamily || 'system-ui, sans-serif',
  };
}

/** Calls `fn` when the system switches between light and dark. */
export function onThemeChange(fn: () => void): () => void {
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  mq.addEventListener('change', fn);
  return () => mq.removeEventListener('change', fn);
}

/** Index of the axis point nearest to `x`; the axis may run either way. */
export function nearestIndex(axis: ArrayLike<number>, x: number): number {
  const n = axis.length;
  if (n === 0) return -1;
  const asc = axis[0]! <= axis[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (asc ? axis[mid]! < x : axis[mid]! > x) lo = mid;
    else hi = mid;
  }
  return Math.abs(axis[lo]! - x) <= Math.abs(axis[hi]! - x) ? lo : hi;
}

/** Range of indices [from, to] covering x in [xMin, xMax] plus one point either side. */
export function indexRange(axis: ArrayLike<number>, xMin: number, xMax: number): [number, number] {
  const n = axis.length;
  const a = nearestIndex(axis, xMin);
  const b = nearestIndex(axis, xMax);
  return [Math.max(0, Math.min(a, b) - 1), Math.min(n - 1, Math.max(a, b) + 1)];
}

/**
 * Indices to draw for one series between `from` and `to`: the first and last, and for each
 * of `buckets` equal slices the minimum and the maximum, in axis order — so narrow peaks
 * survive (unlike striding) and a 10 000-point spectrum costs as much as the canvas is wide.
 */
export function minMaxIndices(y: ArrayLike<number>, offset: number, from: number, to: number, buckets: number): number[] {
  const count = to - from + 1;
  if (count <= buckets * 2) {
    const out: number[] = [];
    for (let i = from; i <= to; i++) out.push(i);
    return out;
  }
  const out: number[] = [from];
  const size = count / buckets;
  for (let b = 0; b < buckets; b++) {
    const start = from + Math.floor(b * size);
    const end = Math.min(to, from + Math.floor((b + 1) * size) - 1);
    let iMin = start;
    let iMax = start;
    for (let i = start; i <= end; i++) {
      const v = y[offset + i]!;
      if (v < y[offset + iMin]!) iMin = i;
      if (v > y[offset + iMax]!) iMax = i;
    }
    if (iMin === iMax) out.push(iMin);
    else if (iMin < iMax) out.push(iMin, iMax);
    else out.push(iMax, iMin);
  }
  out.push(to);
  return out;
}

/** "Nice" tick values for an SVG axis. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function safeFileName(s: string): string {
  return s.replace(/[^\w.\- ]+/g, '_').trim() || 'chart';
}

/** The chart's canvas on an opaque background (a transparent PNG is unreadable in dark viewers). */
export function exportPng(canvas: HTMLCanvasElement, fileName: string): void {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = theme().panel;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  out.toBlob((blob) => blob && download(blob, fileName), 'image/png');
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface SvgSeries {
  label: string;
  colour: string;
  opacity: number;
  width: number;
  points: [number, number][];
  /** Shaded band (x, low, high). */
  band?: [number, number, number][];
}

export interface SvgLineChart {
  title: string;
  xTitle: string;
  yTitle: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  reverse: boolean;
  series: SvgSeries[];
  legend: { label: string; colour: string }[];
}

/** A self-contained SVG of a line chart, built from the data (not a bitmap in a wrapper). */
export function lineChartSvg(c: SvgLineChart, width = 960, height = 540): string {
  const t = { text: '#1d232b', muted: '#5b6573', grid: '#e3e6ea', frame: '#8a93a0' };
  const m = { l: 70, r: c.legend.length ? 170 : 20, t: 36, b: 52 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const sx = (x: number) => {
    const f = (x - c.xMin) / (c.xMax - c.xMin || 1);
    return m.l + (c.reverse ? 1 - f : f) * pw;
  };
  const sy = (y: number) => m.t + (1 - (y - c.yMin) / (c.yMax - c.yMin || 1)) * ph;
  const f = (v: number) => v.toFixed(2);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  parts.push(`<text x="${m.l}" y="22" font-size="14" font-weight="bold" fill="${t.text}">${esc(c.title)}</text>`);
  for (const x of niceTicks(c.xMin, c.xMax, 8)) {
    parts.push(`<line x1="${f(sx(x))}" x2="${f(sx(x))}" y1="${m.t}" y2="${m.t + ph}" stroke="${t.grid}"/>`);
    parts.push(`<text x="${f(sx(x))}" y="${m.t + ph + 16}" text-anchor="middle" fill="${t.muted}">${esc(fmtTick(x))}</text>`);
  }
  for (const y of niceTicks(c.yMin, c.yMax, 6)) {
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${f(sy(y))}" y2="${f(sy(y))}" stroke="${t.grid}"/>`);
    parts.push(`<text x="${m.l - 6}" y="${f(sy(y) + 4)}" text-anchor="end" fill="${t.muted}">${esc(fmtTick(y))}</text>`);
  }
  parts.push(`<clipPath id="plot"><rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/></clipPath><g clip-path="url(#plot)" fill="none" stroke-linejoin="round">`);
  for (const s of c.series) {
    if (s.band?.length) {
      const upper = s.band.map(([x, , hi]) => `${f(sx(x))},${f(sy(hi))}`);
      const lower = s.band.map(([x, lo]) => `${f(sx(x))},${f(sy(lo))}`).reverse();
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${s.colour}" fill-opacity="0.18" stroke="none"/>`);
    }
    if (s.points.length) {
      parts.push(`<polyline points="${s.points.map(([x, y]) => `${f(sx(x))},${f(sy(y))}`).join(' ')}" stroke="${s.colour}" stroke-opacity="${s.opacity}" stroke-width="${s.width}"><title>${esc(s.label)}</title></polyline>`);
    }
  }
  parts.push(`</g><rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="${t.frame}"/>`);
  parts.push(`<text x="${m.l + pw / 2}" y="${height - 12}" text-anchor="middle" fill="${t.text}">${esc(c.xTitle)}</text>`);
  parts.push(`<text transform="translate(18 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" fill="${t.text}">${esc(c.yTitle)}</text>`);
  c.legend.slice(0, 24).forEach((l, i) => {
    const y = m.t + 8 + i * 18;
    parts.push(`<rect x="${width - m.r + 14}" y="${y - 9}" width="12" height="12" fill="${l.colour}"/><text x="${width - m.r + 32}" y="${y + 1}" fill="${t.text}">${esc(l.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function fmtTick(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Number(v.toPrecision(6)));
}

export function downloadSvg(svg: string, fileName: string): void {
  download(new Blob([svg], { type: 'image/svg+xml' }), fileName);
}
