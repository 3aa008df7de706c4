/**
 * Migration 4: who trains a run. A run being trained records the process (pid), the machine
 * (host name) and a heartbeat its process refreshes while it trains, so that opening a project
 * marks a run failed only when its trainer is gone, and leaves alone a run another process is
 * still training in the same file. Rows from before have none of the three: their run is taken
 * as interrupted, as it was until now.
 */
export const migration004 = {
  version: 4,
  name: 'run-liveness',
  sql: `
ALTER TABLE runs ADD COLUMN trainer_pid INTEGER;
ALTER TABLE runs ADD COLUMN trainer_host TEXT;
ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
`,
} as const;
