/**
 * Scale helpers shared by the app's SVG chart export (src-renderer/src/lib/svg.ts) and the HTML
 * report's inline charts (services/report-svg.ts): escaping, value ranges, "nice" ticks and
 * tick labels. Pure functions, no DOM.
 */

/** Text safe inside SVG/HTML elements and double- or single-quoted attributes. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Tick label: up to 6 significant digits; an exponent (with `expDigits` decimals) for very large or small values. */
export function tickLabel(v: number, expDigits = 1): string {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(expDigits);
  return String(Number(v.toPrecision(6)));
}

/** "Nice" tick values (1, 2, 2.5, 5 × 10ⁿ steps) inside [min, max]. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** [min, max] of the finite values, widened by `pad` of the span (and to a unit span when flat); [0, 1] when there are none. */
export function extent(values: Iterable<number>, pad = 0): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}
