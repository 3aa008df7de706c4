import { describe, expect, it } from 'vitest';
import { transferCommand } from '../../src-main/cli/transfer';
import { openProject } from '../../src-main/db/connection';
import { runTransfers } from '../../src-main/services/transfer';
import { runCaptured } from '../helpers/cli';
import { trainPls, twoInstruments } from '../helpers/two-instruments';

describe('spectra-desk transfer', () => {
  it('prints the four RMSEP figures and the runs it stored; --json prints the transfer', async () => {
    const { db, a, file } = await twoInstruments();
    const runId = await trainPls(db, a);
    db.close();
    const text = await runCaptured(transferCommand, ['--project', file, '--run', String(runId), '--target-dataset', 'Instrument 2', '--n', '6']);
    expect([text.code, text.stderr]).toEqual([0, 'run 2: the same model trained on "Instrument 2" for comparison\n']);
    const again = openProject(file);
    const [t] = runTransfers(again, runId);
    again.close();
    const f = (v: number) => v.toFixed(4);
    expect(text.stdout).toBe(
      [
        `Calibration transfer of run 1 ("Instrument 1") to "Instrument 2", paired by id: 6 Kennard–Stone transfer samples; RMSEP on 12 test samples:`,
        `  without transfer           ${f(t!.rmsep.none)}`,
        `  DS (${t!.rank} components)${' '.repeat(11 - String(t!.rank).length)}${f(t!.rmsep.ds!)}  run 3`,
        `  PDS (window ±${t!.halfWidth} points)${' '.repeat(6 - String(t!.halfWidth).length)}${f(t!.rmsep.pds!)}  run 4`,
        `  trained on "Instrument 2" itself: ${f(t!.rmsep.native)}  run 2`,
        '',
      ].join('\n'),
    );
    const json = await runCaptured(transferCommand, ['--project', file, '--run', '1', '--target-dataset', 'Instrument 2', '--n', '6', '--method', 'pds', '--json']);
    const doc = JSON.parse(json.stdout) as { runs: { method: string; runId: number }[]; nativeRunId: number; rmsep: { ds: number | null; pds: number } };
    expect({ runs: doc.runs, nativeRunId: doc.nativeRunId, ds: doc.rmsep.ds, pds: doc.rmsep.pds }).toEqual({ runs: [{ method: 'pds', runId: 6 }], nativeRunId: 5, ds: null, pds: t!.rmsep.pds });
  }, 120_000);

  it('refuses bad options before opening the project', async () => {
    const r = (args: string[]) => runCaptured(transferCommand, ['--project', '/nonexistent/p.spectra', ...args]).catch((err: Error) => err.message);
    expect(await r(['--run', '1'])).toBe('Missing --target-dataset B (the same samples measured on the second instrument). Usage: spectra-desk transfer --project P --run R --target-dataset B [--n 10] [--method ds|pds|both] [--by id|position] [--json]');
    expect(await r(['--run', '1', '--target-dataset', 'B', '--method', 'sst'])).toBe('--method must be ds, pds or both, not "sst".');
    expect(await r(['--run', 'x', '--target-dataset', 'B'])).toBe('--run needs the id of the run trained on the first instrument, not "x". Usage: spectra-desk transfer --project P --run R --target-dataset B [--n 10] [--method ds|pds|both] [--by id|position] [--json]');
    expect(await r(['--run', '1', '--target-dataset', 'B', '--by', 'name'])).toBe('--by must be id or position, not "name".');
  });
});
