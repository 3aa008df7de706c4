/**
 * How numbers read in the app and in the exported report: significant digits that suit the
 * magnitude, thin-space thousands, and a dash for a missing value.
 */

/** Significant digits that suit the magnitude, without trailing noise; '–' when missing. */
export function num(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(2);
  if (Number.isInteger(v)) return count(v);
  return String(Number(v.toPrecision(digits)));
}

/** A whole number with thin-space thousands (12 345). */
export function count(n: number): string {
  return n.toLocaleString('en-US').replace(/,/g, '\u2009');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
