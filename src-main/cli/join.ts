/**
 * `spectra-desk join --project P --datasets A,B --as NAME [--by id|position] [--channels N1,N2]
 * [--json]`: one dataset with a channel per source dataset, samples paired by id or by position
 * (services/join.ts).
 */
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors';
import { checkpoint, openProject } from '../db/connection';
import { datasetIdByNameOrId } from '../db/datasets';
import { joinDatasets, type JoinPairing } from '../services/join';
import { parseOptions } from './options';
import type { Streams } from './run';

export const JOIN_USAGE = 'spectra-desk join --project P --datasets A,B --as NAME [--by id|position] [--channels NAME1,NAME2] [--json]';

export function joinCommand(args: string[], io: Streams): number {
  const { values } = parseOptions(
    () =>
      parseArgs({
        args,
        strict: true,
        options: { json: { type: 'boolean' }, project: { type: 'string' }, datasets: { type: 'string' }, as: { type: 'string' }, by: { type: 'string' }, channels: { type: 'string' } },
      }),
    `Usage: ${JOIN_USAGE}`,
  );
  if (!values.project) throw new UserError('BAD_INPUT', `Missing --project FILE. Usage: ${JOIN_USAGE}`, { field: '--project' });
  if (!values.datasets) throw new UserError('BAD_INPUT', `Missing --datasets A,B. Usage: ${JOIN_USAGE}`, { field: '--datasets' });
  if (!values.as) throw new UserError('BAD_INPUT', `Missing --as NAME (the joined dataset's name). Usage: ${JOIN_USAGE}`, { field: '--as' });
  const by = values.by ?? 'id';
  if (by !== 'id' && by !== 'position') throw new UserError('BAD_INPUT', `--by must be id or position, not "${by}".`, { field: '--by' });
  const names = values.datasets.split(',').map((s) => s.trim());
  const db = openProject(values.project);
  try {
    const result = joinDatasets(db, {
      datasetIds: names.map((n) => datasetIdByNameOrId(db, n)),
      name: values.as,
      by: by as JoinPairing,
      ...(values.channels !== undefined ? { channelNames: values.channels.split(',').map((s) => s.trim()) } : {}),
    });
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const channels = result.channels.map((c) => `${c.channel} "${c.name}" (${c.points} points, ${c.first}–${c.last} ${c.unit})`).join(', ');
      io.stdout.write(`Stored ${result.samples} samples × ${result.channels.length} channels as dataset "${result.dataset}", paired by ${by}: channel ${channels}.${result.sameAxis ? '' : ' The channels are on different axes.'}\n`);
    }
    return 0;
  } finally {
    checkpoint(db, 'PASSIVE');
    db.close();
  }
}
