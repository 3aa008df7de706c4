/**
 * `spectra-desk runs --project P [--json]`: the project's runs, newest first, each
 * cross-validation followed by its folds: status, model, dataset and target, the headline test
 * metric (mean ± std over the folds of a cross-validation), epochs and dates. Opening the
 * project first marks failed the runs whose trainer is gone, as the app does.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors';
import type { RunSummary } from '../common/ipc/contract';
import { headlineKey, metricLabel, metricUnit } from '../common/format/metric-labels';
import { openProjectToRead, type Db } from '../db/connection';
import { foldRuns, runEpochCounts } from '../db/runs';
import { failRunsWithoutTrainer } from '../services/run-record';
import { runList, runSummary } from '../services/run-views';
import { parseOptions } from './options';
import type { Streams } from './run';

export const RUNS_USAGE = 'spectra-desk runs --project P [--json]';

/** Every run, a cross-validation's folds (each with its `parentRunId`) right after it. */
export function runsWithFolds(db: Db): RunSummary[] {
  const counts = runEpochCounts(db);
  return runList(db).flatMap((r) => [r, ...(r.folds === null ? [] : foldRuns(db, r.id).map((f) => runSummary(f, counts.get(f.id) ?? 0)))]);
}

/** The headline test metric in words: "Balanced accuracy 0.9643", "RMSEP 2.0134 ± 0.1200"; "–" before there is one. */
export function headline(r: RunSummary): string {
  const key = headlineKey(r.task, r.test);
  const value = r.test?.[key];
  if (value === undefined) return '–';
  const std = r.std?.[key];
  const unit = metricUnit(key, r.units?.[r.target]);
  return `${metricLabel(key)} ${value.toFixed(4)}${std === undefined ? '' : ` ± ${std.toFixed(4)}`}${unit ? ` ${unit}` : ''}`;
}

/** An ISO time to the second, as stored (UTC). */
const when = (iso: string | null) => (iso === null ? '–' : `${iso.slice(0, 19).replace('T', ' ')}Z`);

export function runsCommand(args: string[], io: Streams): number {
  const { values } = parseOptions(() => parseArgs({ args, strict: true, options: { json: { type: 'boolean' }, project: { type: 'string' } } }), `Usage: ${RUNS_USAGE}`);
  if (!values.project) throw new UserError('BAD_INPUT', `Missing --project FILE. Usage: ${RUNS_USAGE}`, { field: '--project' });
  const db = openProjectToRead(values.project);
  let runs: RunSummary[];
  try {
    failRunsWithoutTrainer(db);
    runs = runsWithFolds(db);
  } finally {
    db.close();
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ runs })}\n`);
    return 0;
  }
  if (!runs.length) {
    io.stdout.write('No runs yet. Train one with: spectra-desk train --project P --dataset D --target COLUMN --model NAME\n');
    return 0;
  }
  const rows = runs.map((r) => [
    `${r.parentRunId === null ? '' : '  '}${r.id}`,
    r.status,
    r.model,
    r.dataset,
    r.target,
    `${headline(r)}${r.folds === null ? '' : ` (${r.folds} folds)`}`,
    String(r.epochs),
    when(r.createdAt),
    when(r.finishedAt),
  ]);
  const header = ['run', 'status', 'model', 'dataset', 'target', 'test', 'epochs', 'created', 'finished'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(header)];
  runs.forEach((r, i) => {
    out.push(line(rows[i]!));
    if (r.status !== 'done' && r.message) out.push(`${' '.repeat(widths[0]! + 2)}${r.message}`);
  });
  io.stdout.write(`${out.join('\n')}\n`);
  return 0;
}
