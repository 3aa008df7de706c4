/**
 * Migration 8: the unit of a numeric label column ("%", "mg/L", "°C"), or NULL when none was
 * given. Regression runs record it with their target, so errors read "RMSEP 0.52 %". No row changes.
 */
export const migration008 = {
  version: 8,
  name: 'column-units',
  sql: `
ALTER TABLE columns ADD COLUMN unit TEXT CHECK (unit IS NULL OR length(unit) BETWEEN 1 AND 40);
`,
} as const;
