/** Writing CSV files the way spreadsheets read them back (RFC 4180 quoting). */

/** One CSV field: quoted, with inner quotes doubled, only when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
