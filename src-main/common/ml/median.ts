/** The middle value; the mean of the two middle ones for an even count; NaN for no values. */
export function median(values: ArrayLike<number>): number {
  if (!values.length) return Number.NaN;
  const s = Array.from(values).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
