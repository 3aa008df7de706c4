/**
 * `spectra-desk harmonise --project P --dataset D [--grid auto|first|START:STOP:STEP] [--as NAME]
 * [--dry-run] [--json]`: puts a dataset whose spectra sit on slightly different axes on one axis,
 * stored as a new dataset (services/harmonise.ts); `--dry-run` only says which grid it would be.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors';
import { parseGridChoice } from '../common/preprocessing/common-axis';
import { checkpoint, openProject, openProjectToRead } from '../db/connection';
import { datasetIdByNameOrId } from '../db/datasets';
import { harmoniseDataset, planHarmonise } from '../services/harmonise';
import { parseOptions } from './options';
import type { Streams } from './run';

export const HARMONISE_USAGE = 'spectra-desk harmonise --project P --dataset D [--grid auto|first|START:STOP:STEP] [--as NAME] [--dry-run] [--json]';

export function harmoniseCommand(args: string[], io: Streams): number {
  const { values } = parseOptions(
    () =>
      parseArgs({
        args,
        strict: true,
        options: { json: { type: 'boolean' }, project: { type: 'string' }, dataset: { type: 'string' }, grid: { type: 'string' }, as: { type: 'string' }, 'dry-run': { type: 'boolean' } },
      }),
    `Usage: ${HARMONISE_USAGE}`,
  );
  if (!values.project) throw new UserError('BAD_INPUT', `Missing --project FILE. Usage: ${HARMONISE_USAGE}`, { field: '--project' });
  if (!values.dataset) throw new UserError('BAD_INPUT', `Missing --dataset NAME. Usage: ${HARMONISE_USAGE}`, { field: '--dataset' });
  const grid = values.grid === undefined ? 'auto' : parseGridChoice(values.grid, '--grid');
  if (values['dry-run']) {
    const db = openProjectToRead(values.project);
    try {
      const plan = planHarmonise(db, datasetIdByNameOrId(db, values.dataset), grid);
      if (values.json) io.stdout.write(`${JSON.stringify({ plan })}\n`);
      else io.stdout.write(`Dataset "${values.dataset}" would go on ${plan.description} (${plan.resampled} of ${plan.spectra} spectra resampled) as "${values.as ?? plan.name}". Nothing was stored.\n`);
      return 0;
    } finally {
      db.close();
    }
  }
  const db = openProject(values.project);
  try {
    const result = harmoniseDataset(db, { datasetId: datasetIdByNameOrId(db, values.dataset), grid, ...(values.as !== undefined ? { name: values.as } : {}) });
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      io.stdout.write(`Stored ${result.samples} spectra × ${result.points} points as dataset "${result.dataset}", on ${result.grid} (${result.resampled} resampled).\n`);
      if (result.channelsLeftOut) io.stderr.write(`note: only the first channel was resampled; ${result.channelsLeftOut} more channel(s) were left out.\n`);
    }
    return 0;
  } finally {
    checkpoint(db, 'PASSIVE');
    db.close();
  }
}
