/// <reference lib="dom" />
// Callbacks passed to page.evaluate run in the browser and use DOM types.
/**
 * Samples with several channels in Chromium over a real Session and trainer: the IDRC 2002
 * tablets measured on two NIR instruments, joined into one dataset from the Data view (a pairing
 * that cannot work refused, nothing stored), the channels of a sample stacked and overlaid, a CNN
 * on both channels (its layer table reads 2 channels) and its activation maps per channel.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import { fixture } from '../helpers/datasets';
import type { DatasetSummary } from '../../src-main/common/domain/project';
import type { RunInterpretation, RunSummary } from '../../src-main/common/ipc/contract';

/** The CNN on both channels: enough for its activation maps, which are what the run page is checked for. */
const EPOCHS = 20;

describe('Several channels per sample (Chromium, real Session and trainer)', () => {
  const app = useAppPage('spectra-channels-');
  const dialog = () => app.page.getByRole('dialog', { name: 'Join datasets' });
  const datasets = () => app.value<DatasetSummary[]>('datasets:list', {});

  async function importInstrument(i: number): Promise<void> {
    await app.page.keyboard.press('Control+i');
    const form = app.page.getByRole('dialog', { name: 'Import spectra' });
    await form.locator('input[name=dataset]').fill(`Instrument ${i}`);
    if (!(await form.locator('input[name=splitColumn]').isVisible())) await form.getByText('More options').click();
    await form.locator('input[name=splitColumn]').fill('SampleType');
    await form.locator('select[name=axisUnit]').selectOption('nm');
    app.bridge.answers.importFiles.push([fixture(`idrc2002_tablets/Pharma_Instrument${i}.csv`)]);
    await form.getByRole('button', { name: 'Choose files…' }).click();
    await app.page.getByText(new RegExp(`Imported 655 spectra from Pharma_Instrument${i}\\.csv`)).first().waitFor();
  }

  it('joins the two instruments from the Data view: by id refused (the files carry no ids), by position stored', async () => {
    await app.newProject(path.join(app.work, 'Tablets.spectra'));
    await importInstrument(1);
    await importInstrument(2);
    await app.page.locator('nav .datasets li').filter({ hasText: 'Instrument 1' }).getByRole('button').click();
    await app.main().locator('h1', { hasText: 'Instrument 1' }).waitFor();

    await app.main().getByRole('button', { name: 'Join datasets…' }).click();
    // The dataset on view is channel 1; the second ticked is channel 2.
    await dialog().getByLabel(/Instrument 2/).check();
    expect(await dialog().locator('.order').allTextContents()).toEqual(['channel 1', 'channel 2']);
    await expect(dialog().locator('input[name=joinName]').inputValue()).resolves.toBe('Instrument 1 + Instrument 2');
    await dialog().locator('input[name=joinName]').fill('IDRC tablets, both instruments');
    await dialog().getByRole('button', { name: 'Join 2 datasets' }).click();
    const error = dialog().locator('[data-testid=join-error]');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^Nothing was stored\. Pairing by sample id: .*No id matches at all: if the files list the same samples in the same order, pair them by position\.$/);
    expect((await datasets()).map((d) => d.name)).toEqual(['Instrument 1', 'Instrument 2']);
    await screenshot(app.page, '90-join-refused');

    await dialog().locator('input[name=joinBy][value=position]').check();
    await dialog().getByRole('button', { name: 'Join 2 datasets' }).click();
    await app.main().locator('h1', { hasText: 'IDRC tablets, both instruments' }).waitFor();
    expect(await app.main().locator('.facts').textContent()).toMatch(/655 samples\s*650 points × 2 channels/);
    expect((await datasets()).find((d) => d.name === 'IDRC tablets, both instruments')).toMatchObject({ samples: 655, channels: 2, points: 650, splits: { train: 155, test: 500, none: 0 } });
  }, 120_000);

  it('shows each sample’s channel count in the table, and its channels stacked or overlaid', async () => {
    const table = app.main().locator('[data-testid=sample-table]');
    await table.getByRole('columnheader', { name: 'Channels' }).waitFor();
    const first = table.locator('[role=row][aria-rowindex="1"]');
    await first.locator('.td.key').waitFor();
    expect(await first.locator('.td').nth(3).textContent()).toBe('2');

    await app.main().getByRole('tab', { name: 'Channels' }).click();
    const panel = app.main().locator('[data-testid=channels-panel]');
    await panel.locator('[data-testid=channel-2]').waitFor();
    expect(await panel.locator('.bar .muted').textContent()).toBe('2 channels of sample Pharma_Instrument1:1 — select samples in the table to compare them.');
    await screenshot(app.page, '91-channels-stacked');
    await panel.getByLabel('Overlaid').check();
    await panel.locator('[data-testid=channels-overlay]').waitFor();
    await screenshot(app.page, '92-channels-overlaid');
  });

  it('trains a CNN on both channels: the layer table reads 650 points × 2 channels', async () => {
    await app.goTo('Train');
    await app.selectByText('dataset', 'IDRC tablets, both instruments');
    await app.main().locator('select[name=target]').selectOption('assay');
    await app.main().locator('select[name=model]').selectOption('cnn');
    if (!(await app.main().locator('input[name=epochs]').isVisible())) await app.main().locator('details.advanced summary').click();
    await app.main().locator('input[name=epochs]').fill(String(EPOCHS));
    // The raw spectra: the auto recipe's choice (by cross-validation, before training) is not what this suite checks.
    await app.main().locator('select[name=recipe]').selectOption({ label: 'None — raw spectra' });
    await expect(app.main().locator('[data-testid=input-shape]').textContent()).resolves.toBe('[650, 2]');
    expect(await app.main().locator('.shape').first().textContent()).toMatch(/= 650 points × 2 channels; batches are \[batch, 650, 2\]/);
    await app.main().locator('[data-testid=layer-table]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '93-layer-table-two-channels');
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await app.main().locator('[data-testid=run-metrics]').waitFor({ timeout: 300_000 });
    const runs = await app.value<RunSummary[]>('runs:list', {});
    expect(runs[0]).toMatchObject({ model: 'cnn', status: 'done', task: 'regression', target: 'assay' });
  }, 400_000);

  it('draws the activation map of each channel on the run page', async () => {
    const [run] = await app.value<RunSummary[]>('runs:list', {});
    const maps = await app.value<RunInterpretation>('runs:interpret', { runId: run!.id });
    expect(maps.kind).toBe('cam');
    expect(maps.channels!.map((c) => [c.name, c.classes.length, c.classes[0]!.importance.length])).toEqual([
      ['Instrument 1', 1, 650],
      ['Instrument 2', 1, 650],
    ]);
    await app.goTo('Runs');
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'cnn' }).getByRole('button', { name: 'Open' }).click();
    const panel = app.main().locator('[data-testid=interpretation]');
    await panel.locator('[data-testid=channel-maps]').waitFor({ timeout: 120_000 });
    await panel.locator('[data-testid=interpret-channel-2]').waitFor();
    // Both channels' maps in view: the explanation at the top of the window.
    await panel.locator('[data-testid=channel-maps-hint]').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await screenshot(app.page, '94-activation-maps-per-channel');
  }, 200_000);

  it("predicts instrument 2's spectrum from instrument 1's, started from the Train view: the run page shows a test spectrum measured and predicted and the RMSE per point", async () => {
    await app.goTo('Train');
    await app.selectByText('dataset', 'IDRC tablets, both instruments');
    await app.main().locator('select[name=target]').selectOption({ label: 'A channel: Instrument 2' });
    await app.main().locator('select[name=model]').selectOption('mlp');
    // The auto recipe scores a target column with PLS: choosing a channel leaves the spectra raw.
    expect(await app.main().locator('select[name=recipe] option:checked').textContent()).toBe('None — raw spectra');
    expect(await app.main().locator('select[name=model] option[value=pls]').isDisabled()).toBe(true);
    if (!(await app.main().locator('input[name=epochs]').isVisible())) await app.main().locator('details.advanced summary').click();
    await app.main().locator('input[name=epochs]').fill('60');
    await expect.poll(() => app.main().locator('[data-testid=output-shape]').textContent()).toBe('[650]');
    expect(await app.main().locator('[data-testid=input-shape]').textContent()).toBe('[650, 1]');
    expect(await app.main().locator('[data-testid=layer-total]').textContent()).toBe('Total (650 outputs, the points of channel “Instrument 2”)');
    expect(await app.main().locator('[data-testid=channel-target-hint]').textContent()).toMatch(/^Spectrum in, spectrum out: the network reads “Instrument 1” and gives back “Instrument 2”, one output per point;/);
    await app.main().locator('select[name=target]').scrollIntoViewIfNeeded();
    await screenshot(app.page, '98-train-target-channel');
    const before = (await app.value<RunSummary[]>('runs:list', {})).map((r) => r.id);
    await app.main().getByRole('button', { name: /Start training/ }).click();
    await expect.poll(async () => (await app.value<RunSummary[]>('runs:list', {})).find((r) => !before.includes(r.id))?.status, { timeout: 200_000, interval: 500 }).toBe('done');
    const runId = (await app.value<RunSummary[]>('runs:list', {})).find((r) => !before.includes(r.id))!.id;
    expect((await app.value<{ config: unknown }>('runs:get', { runId })).config).toMatchObject({ targetChannel: 'Instrument 2', model: 'mlp', epochs: 60, input: [650, 1] });
    // The previous test left the Runs section on the cnn run's page: back to the list, read again with this run in it.
    await app.goTo('Runs');
    await app.main().getByRole('button', { name: '← All runs' }).click();
    expect(await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'mlp' }).textContent()).toContain('channel “Instrument 2”');
    // The page draws 500 test spectra measured and predicted: on a loaded machine its first frame can take a while.
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'mlp' }).getByRole('button', { name: 'Open' }).click({ timeout: 120_000 });
    await expect.poll(() => app.main().locator('[data-testid=run-page] h1').textContent(), { timeout: 60_000 }).toBe(`Run #${runId} · mlp on IDRC tablets, both instruments → channel “Instrument 2”`);
    const panel = app.main().locator('[data-testid=channel-target-panel]');
    await panel.locator('[data-testid=channel-point-rmse] canvas').first().waitFor();
    expect(await panel.locator('p').first().textContent()).toMatch(/^\s*RMSE at each point over the 500 test spectra: from [\d.]+ at \d+ nm to\s+[\d.]+ at \d+ nm \(/);
    expect(await panel.locator('select[name=channelSpectrum] option').count()).toBe(500);
    expect(await app.main().locator('[data-testid=worst-table]').count()).toBe(0);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(app.page, '99-channel-target-run');
  }, 300_000);

  it('left no console errors', () => {
    expect(app.problems).toEqual([]);
  });
});
