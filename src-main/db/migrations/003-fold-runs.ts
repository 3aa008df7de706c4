/**
 * Migration 3: cross-validated runs. A run trained under k-fold, Monte-Carlo, grouped or
 * learning-curve validation is a parent run (its design and the metrics with their spread) with
 * one child run per fold or repeat (a full run: split, curves, weights, predictions). Children go
 * with their parent.
 */
export const migration003 = {
  version: 3,
  name: 'fold-runs',
  sql: `
ALTER TABLE runs ADD COLUMN parent_run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE;
ALTER TABLE runs ADD COLUMN fold_index INTEGER;
ALTER TABLE runs ADD COLUMN fold_label TEXT;
CREATE INDEX runs_by_parent ON runs(parent_run_id);
`,
} as const;
