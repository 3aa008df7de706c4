/**
 * chart.js set-up shared by the charts (tree-shaken registration), display decimation, theme
 * colours from the CSS variables, and PNG/SVG export. Charts never animate: they are
 * instruments, not slides.
 */
import { BarController, BarElement, CategoryScale, Chart, Filler, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, CategoryScale, BarController, BarElement, Filler, Tooltip);

export { Chart };
export { fmtTick, lineChartSvg, niceTicks, type SvgSeries } from './svg';

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

/** The band mean ± 1 standard deviation, point by point, as a line chart series draws it. */
export function stdBand(mean: ArrayLike<number>, std: ArrayLike<number>): { lo: Float32Array; hi: Float32Array } {
  const lo = new Float32Array(mean.length);
  const hi = new Float32Array(mean.length);
  for (let i = 0; i < mean.length; i++) {
    lo[i] = mean[i]! - std[i]!;
    hi[i] = mean[i]! + std[i]!;
  }
  return { lo, hi };
}

/** Options every chart.js chart here starts from: drawn at once (no animation), sized by its box. */
export const BASE_OPTIONS = { animation: false, responsive: true, maintainAspectRatio: false } as const;

/** A scale's title in the theme's text colour. */
export function scaleTitle(text: string, t: Theme): { display: true; text: string; color: string } {
  return { display: true, text, color: t.text };
}

/**
 * For onMount: draws `chart` with `render` now and again whenever the colour scheme changes.
 * The returned cleanup stops listening, destroys the chart and then calls `destroyed`.
 */
export function drawWithTheme(chart: { destroy(): void }, render: () => void, destroyed?: () => void): () => void {
  render();
  const off = onThemeChange(render);
  return () => {
    off();
    chart.destroy();
    destroyed?.();
  };
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

export function downloadSvg(svg: string, fileName: string): void {
  download(new Blob([svg], { type: 'image/svg+xml' }), fileName);
}
