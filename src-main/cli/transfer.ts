/**
 * `spectra-desk transfer --project P --run R --target-dataset B [--n 10] [--method ds|pds|both]
 * [--by id|position] [--json]`: a regression model trained on one instrument applied to another
 * through DS and/or PDS fitted on a Kennard–Stone transfer set (services/transfer.ts), against
 * no transfer and a model trained on B itself.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors';
import { checkpoint, openProject } from '../db/connection';
import { datasetIdByNameOrId } from '../db/datasets';
import { MIN_TRANSFER } from '../common/ml/transfer';
import { DEFAULT_TRANSFER_SAMPLES, type TransferMethod } from '../common/runs/transfer';
import { transferCalibration } from '../services/transfer';
import { failRunsWithoutTrainer } from '../services/run-record';
import { forkTrainer } from '../services/trainer-client';
import { builtFile } from '../ml/built-files';
import { parseOptions, wholeNumberOption } from './options';
import type { Streams } from './run';

export const TRANSFER_USAGE = 'spectra-desk transfer --project P --run R --target-dataset B [--n 10] [--method ds|pds|both] [--by id|position] [--json]';

const METHODS: Record<string, TransferMethod[]> = { ds: ['ds'], pds: ['pds'], both: ['ds', 'pds'] };

export async function transferCommand(args: string[], io: Streams): Promise<number> {
  const { values } = parseOptions(
    () =>
      parseArgs({
        args,
        strict: true,
        options: { json: { type: 'boolean' }, project: { type: 'string' }, run: { type: 'string' }, 'target-dataset': { type: 'string' }, n: { type: 'string' }, method: { type: 'string' }, by: { type: 'string' } },
      }),
    `Usage: ${TRANSFER_USAGE}`,
  );
  if (!values.project) throw new UserError('BAD_INPUT', `Missing --project FILE. Usage: ${TRANSFER_USAGE}`, { field: '--project' });
  if (!values.run || !/^\d+$/.test(values.run) || Number(values.run) < 1) throw new UserError('BAD_INPUT', `--run needs the id of the run trained on the first instrument${values.run === undefined ? '' : `, not "${values.run}"`}. Usage: ${TRANSFER_USAGE}`, { field: '--run' });
  const targetName = values['target-dataset'];
  if (!targetName) throw new UserError('BAD_INPUT', `Missing --target-dataset B (the same samples measured on the second instrument). Usage: ${TRANSFER_USAGE}`, { field: '--target-dataset' });
  const methods = METHODS[values.method ?? 'both'];
  if (!methods) throw new UserError('BAD_INPUT', `--method must be ds, pds or both, not "${values.method}".`, { field: '--method' });
  const by = values.by ?? 'id';
  if (by !== 'id' && by !== 'position') throw new UserError('BAD_INPUT', `--by must be id or position, not "${by}".`, { field: '--by' });
  const n = wholeNumberOption(values.n, '--n', { min: MIN_TRANSFER.ds, max: 10_000 }) ?? DEFAULT_TRANSFER_SAMPLES;
  const db = openProject(values.project);
  try {
    failRunsWithoutTrainer(db);
    const result = await transferCalibration(
      db,
      { runId: Number(values.run), targetDatasetId: datasetIdByNameOrId(db, targetName), n, methods, by },
      {
        spawn: forkTrainer(builtFile('ml/trainer.cjs')),
        onEvent: (e) => {
          if (e.type === 'started') io.stderr.write(`run ${e.runId}: the same model trained on "${targetName}" for comparison\n`);
        },
      },
    );
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      const f = (v: number | null) => (v === null ? '–' : v.toFixed(4));
      const runOf = (m: TransferMethod) => result.runs.find((r) => r.method === m)?.runId;
      const lines = [
        `Calibration transfer of run ${result.sourceRunId} ("${result.sourceDataset}") to "${result.targetDataset}", paired by ${result.pairing}: ${result.transferSamples.length} Kennard–Stone transfer samples; RMSEP on ${result.testSamples} test samples:`,
        `  without transfer           ${f(result.rmsep.none)}`,
        ...(runOf('ds') ? [`  DS (${result.rank} components)${' '.repeat(Math.max(1, 11 - String(result.rank).length))}${f(result.rmsep.ds)}  run ${runOf('ds')}`] : []),
        ...(runOf('pds') ? [`  PDS (window ±${result.halfWidth} points)${' '.repeat(Math.max(1, 6 - String(result.halfWidth).length))}${f(result.rmsep.pds)}  run ${runOf('pds')}`] : []),
        `  trained on "${result.targetDataset}" itself: ${f(result.rmsep.native)}  run ${result.nativeRunId}`,
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    checkpoint(db, 'PASSIVE');
    db.close();
  }
}
