/// <reference lib="dom" />
/**
 * The run page's calibration transfer section in Chromium over a real Session: IDRC 2002 tablets
 * on two NIR instruments, a PLS model trained on instrument 1, transferred to instrument 2 by
 * `services/transfer.ts` (as `spectra-desk transfer` does), then the source run's page and the
 * PDS run's page.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import { openProject } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { transferCalibration } from '../../src-main/services/transfer';
import { num } from '../../src-main/common/format/numbers';
import { fixture } from '../helpers/datasets';

describe('Calibration transfer on the run page (Chromium, real Session)', () => {
  const app = useAppPage('spectra-transfer-');

  it('shows the four RMSEP figures for the source run and for the transferred run', async () => {
    const file = path.join(app.work, 'idrc.spectra');
    const db = openProject(file, { create: true });
    const ids = [];
    for (const k of [1, 2]) ids.push((await importFiles(db, { files: [fixture('idrc2002_tablets', `Pharma_Instrument${k}.csv`)], dataset: `IDRC instrument ${k}`, axisUnit: 'nm', splitColumn: 'SampleType' })).datasetId);
    const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
    const h = startTraining(db, { datasetId: ids[0]!, target: 'assay', model: 'pls', recipe: null, validation: { kind: 'given' }, seed: 1 }, { spawn });
    expect((await h.outcome).status).toBe('done');
    const t = await transferCalibration(db, { runId: h.runId, targetDatasetId: ids[1]!, n: 10, methods: ['ds', 'pds'], by: 'position' }, { spawn });
    db.close();

    app.bridge.answers.openProject.push(file);
    await app.page.getByRole('button', { name: /Open project/ }).first().click();
    await app.goTo('Runs');
    const row = app.main().locator('[data-testid=runs-list] tbody tr').filter({ has: app.page.locator('td:nth-child(2)', { hasText: new RegExp(`^${h.runId}$`) }) });
    await row.getByRole('button', { name: 'Open' }).click();
    const section = app.main().locator('[data-testid=calibration-transfer]');
    await section.waitFor();
    const cells = async (n: number) => section.locator(`tbody tr td:nth-child(${n})`).allTextContents();
    expect(await cells(1)).toEqual(['Without transfer', 'Direct standardisation (DS)', 'Piecewise DS (PDS)', 'Trained on "IDRC instrument 2" itself']);
    expect(await cells(3)).toEqual([t.rmsep.none, t.rmsep.ds!, t.rmsep.pds!, t.rmsep.native].map((v) => num(v, 3)));
    const gap = t.rmsep.none - t.rmsep.native;
    expect(await cells(4)).toEqual(['', `${Math.round((100 * (t.rmsep.none - t.rmsep.ds!)) / gap)} %`, `${Math.round((100 * (t.rmsep.none - t.rmsep.pds!)) / gap)} %`, '']);
    expect(await section.locator('p.hint').first().textContent()).toContain(`Transfer set: 10 samples chosen by Kennard–Stone among the training spectra. RMSEP on ${t.testSamples} test samples of "IDRC instrument 2".`);
    expect((await cells(2))[2]).toBe(`window ${2 * t.halfWidth! + 1} points (±${t.halfWidth}), chosen by leave-one-out`);
    await section.scrollIntoViewIfNeeded();
    await screenshot(app.page, '71-run-page-calibration-transfer');

    // The PDS run's own page shows the same comparison, its row in bold and without an Open button.
    await section.locator('tbody tr', { hasText: 'Piecewise DS' }).getByRole('button', { name: 'Open' }).click();
    await app.main().getByText(new RegExp(`^Run #${t.runs[1]!.runId} · pls on IDRC instrument 2`)).waitFor();
    await section.waitFor();
    expect(await section.locator('tr.current td:first-child').textContent()).toBe('Piecewise DS (PDS)');
    expect(app.problems).toEqual([]);
  }, 300_000);
});
