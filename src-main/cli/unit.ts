/**
 * `spectra-desk unit --project P --dataset D --column C --unit U [--json]`: sets the unit of a
 * numeric label column ("%", "mg/L"); `--unit none` clears it. Regression runs trained after it
 * record the unit and give their errors in it.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors';
import { checkpoint, openProject } from '../db/connection';
import { columnUnit, datasetIdByNameOrId, setColumnUnit } from '../db/datasets';
import { parseOptions } from './options';
import type { Streams } from './run';

export const UNIT_USAGE = 'spectra-desk unit --project P --dataset D --column COLUMN --unit UNIT|none [--json]';

export function unitCommand(args: string[], io: Streams): number {
  const { values } = parseOptions(
    () => parseArgs({ args, strict: true, options: { json: { type: 'boolean' }, project: { type: 'string' }, dataset: { type: 'string' }, column: { type: 'string' }, unit: { type: 'string' } } }),
    `Usage: ${UNIT_USAGE}`,
  );
  for (const [name, v] of [['--project', values.project], ['--dataset', values.dataset], ['--column', values.column], ['--unit', values.unit]] as const) {
    if (v === undefined) throw new UserError('BAD_INPUT', `Missing ${name}. Usage: ${UNIT_USAGE}`, { field: name });
  }
  const db = openProject(values.project!);
  try {
    const datasetId = datasetIdByNameOrId(db, values.dataset!);
    const unit = values.unit!.trim() === 'none' ? null : values.unit!;
    setColumnUnit(db, datasetId, values.column!, unit);
    const stored = columnUnit(db, datasetId, values.column!);
    if (values.json) io.stdout.write(`${JSON.stringify({ dataset: values.dataset, column: values.column, unit: stored })}\n`);
    else io.stdout.write(stored ? `Column "${values.column}" is in ${stored}: regression runs trained from now on give their errors in it.\n` : `Column "${values.column}" has no unit.\n`);
    return 0;
  } finally {
    checkpoint(db, 'PASSIVE');
    db.close();
  }
}
