/**
 * `spectra-desk export --project P --run RUN --out DIR [--json]`: writes a run's recipe, metrics,
 * predictions, activation maps and HTML report into DIR (services/export.ts).
 */
import { parseArgs } from 'node:util';
import { openProject } from '../db/connection';
import { failRunsWithoutTrainer } from '../services/run-record';
import { UserError } from '../common/errors';
import { exportRun } from '../services/export';
import { failed, type Streams } from './run';
import { keepNegativeValues, parseOptions } from './options';

export const EXPORT_USAGE = 'spectra-desk export --project P --run RUN --out DIR [--json]';

/** Runs the export command; resolves to the exit code and never throws for user errors. */
export async function exportCommand(args: string[], io: Streams): Promise<number> {
  const json = args.includes('--json');
  try {
    const { values } = parseOptions(
      () => parseArgs({ args: keepNegativeValues(args), options: { project: { type: 'string' }, run: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } }, strict: true }),
      `Usage: ${EXPORT_USAGE}`,
    );
    if (!values.project) throw new UserError('BAD_INPUT', `Missing --project FILE. Usage: ${EXPORT_USAGE}`, { field: '--project' });
    if (!values.run || !/^\d+$/.test(values.run)) throw new UserError('BAD_INPUT', `--run needs a run number (got ${values.run === undefined ? 'nothing' : `"${values.run}"`}); spectra-desk list --project P --json lists the runs.`, { field: '--run' });
    if (!values.out) throw new UserError('BAD_INPUT', `Missing --out DIR (the folder to write into). Usage: ${EXPORT_USAGE}`, { field: '--out' });
    const db = openProject(values.project);
    try {
      failRunsWithoutTrainer(db);
      const result = exportRun(db, Number(values.run), values.out, { onProgress: (done, total, what) => io.stderr.write(`export ${done}/${total}: ${what}\n`) });
      for (const note of result.notes) io.stderr.write(`note: ${note}\n`);
      if (json) io.stdout.write(`${JSON.stringify(result)}\n`);
      else io.stdout.write(`Run ${result.runId} exported to ${result.dir}: ${result.files.join(', ')}\n`);
      return 0;
    } finally {
      db.close();
    }
  } catch (err) {
    return failed(io, err, args);
  }
}
