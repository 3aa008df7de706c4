/// <reference lib="dom" />
/**
 * An autoencoder in Chromium over a real Session: `ae` chosen and trained in the Train view (no
 * target, raw spectra instead of the auto recipe, the layer table down to the latent vector) on
 * two bands whose heights a class column sets, with spiked test spectra; its run page shows a
 * spectrum against its reconstruction, the reconstruction error of every spectrum with the
 * limits learned on the held-out spectra (Q and the largest standardised point residual, and which
 * flagged each spectrum), and the latent space coloured by class. A classifier then starts from
 * its encoder: the Train view's Start from, the layer table naming the encoder's layers, the run page naming the autoencoder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenshot } from './harness';
import { useAppPage } from './setup';
import type { RunSummary } from '../../src-main/common/ipc/contract';
import { mulberry32 } from '../../src-main/common/ml/random';

/** 60 training and 20 test spectra of 120 points (nm): class "a" has the larger first band; the last 4 test spectra carry a spike. */
function writeBands(dir: string): { train: string; test: string } {
  const rand = mulberry32(3);
  const P = 120;
  const header = `sample,kind,${Array.from({ length: P }, (_, j) => 900 + 2 * j).join(',')}`;
  const rows = (n: number, from: number, spikes: number) =>
    Array.from({ length: n }, (_, i) => {
      const a = i % 2 === 0;
      const h1 = (a ? 1.6 : 0.9) + 0.3 * rand();
      const h2 = 0.6 + 0.5 * rand();
      const v = Array.from({ length: P }, (_, j) => h1 * Math.exp(-(((j - 35) / 9) ** 2)) + h2 * Math.exp(-(((j - 80) / 12) ** 2)) + 0.1 + 0.005 * rand());
      if (i >= n - spikes) v[60] = (v[60] ?? 0) + 2;
      return `s${from + i},${a ? 'a' : 'b'},${v.map((x) => x.toFixed(5)).join(',')}`;
    });
  const train = path.join(dir, 'bands-train.csv');
  const test = path.join(dir, 'bands-test.csv');
  fs.writeFileSync(train, `${[header, ...rows(60, 1, 0)].join('\n')}\n`);
  fs.writeFileSync(test, `${[header, ...rows(20, 61, 4)].join('\n')}\n`);
  return { train, test };
}

describe('autoencoder run page (Chromium, real Session and trainer)', () => {
  const app = useAppPage('spectra-ae-');
  let aeRun = 0;

  it('trains ae from the Train view and shows reconstructions, the error per spectrum with its limit and the latent space', async () => {
    const file = path.join(app.work, 'ae.spectra');
    await app.newProject(file);
    const { train, test } = writeBands(app.work);
    expect(await app.importFile(train, 'Bands', 'train', 'nm')).toBe(60);
    expect(await app.importFile(test, 'Bands', 'test', 'nm')).toBe(20);
    await app.goTo('Train');
    const main = app.main();
    await main.locator('select[name=model]').selectOption('ae');
    // The auto recipe needs a target: raw spectra are used, and the setup says so.
    expect(await main.locator('select[name=recipe] option[value=auto]').isDisabled()).toBe(true);
    await main.getByText(/^\s*Raw spectra, standardised: the auto recipe is chosen by how well PLS predicts a target/).waitFor();
    expect(await main.locator('select[name=target]').isDisabled()).toBe(true);
    await main.locator('[data-testid=ae-hint]').waitFor();
    expect(await main.locator('input[name=validation][value="kfold:5"]').isDisabled()).toBe(true);
    await main.locator('[data-testid=layer-total]', { hasText: 'encoder [120, 1] → latent vector of 8, decoder back to [120, 1]' }).waitFor();
    await main.getByText('Advanced settings').click();
    await main.locator('input[name=epochs]').fill('150');
    await screenshot(app.page, 'autoencoder-train-setup');
    await main.getByRole('button', { name: /Start training/ }).click();
    let listed: RunSummary[] = [];
    await expect.poll(async () => (listed = await app.value<RunSummary[]>('runs:list', {})).map((r) => `${r.model} ${r.status}`), { timeout: 120_000, interval: 500 }).toEqual(['ae done']);
    const runId = listed[0]!.id;
    await app.goTo('Runs');
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'ae' }).getByRole('button', { name: 'Open' }).click();
    const panel = app.main().locator('[data-testid=autoencoder-panel]');
    await panel.locator('[data-testid=ae-latent] canvas').waitFor();
    await panel.locator('[data-testid=ae-errors] canvas').waitFor();
    const summary = (await panel.locator('p').first().textContent()) ?? '';
    expect(summary).toMatch(
      /^Test reconstruction RMSE [\d.]+ \(standardised units\); \d+ of 20 test spectra out of model:\s+\d+ with the reconstruction Q above its limit, \d+ with a single point more than [\d.]+ residual SDs\s+\(that point's SD on the held-out spectra\) from its reconstruction, which catches a spike Q spreads over every point \(99 %, learned on 9 spectra held out of training\)/,
    );
    // The page starts on the test spectrum reconstructed worst: a spiked one.
    const chosen = await panel.locator('select[name=aeSpectrum] option:checked').textContent();
    expect(chosen).toMatch(/^s(77|78|79|80) \(test, out of model by (Q and one point|one point|Q)\)/);
    expect(await panel.locator('select[name=aeColour]').inputValue()).toBe('kind');
    expect(app.problems).toEqual([]);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(app.page, 'autoencoder-run');
    expect(runId).toBeGreaterThan(0);
    aeRun = runId;
  }, 300_000);

  it("starts a classifier from the autoencoder's encoder: the layer table names its layers, the run page the autoencoder", async () => {
    await app.goTo('Train');
    const main = app.main();
    await main.locator('select[name=model]').selectOption('cnn');
    await main.locator('select[name=target]').selectOption('kind');
    await main.locator('select[name=encoderFrom]').selectOption(String(aeRun));
    await main.locator('[data-testid=encoder-hint]').waitFor();
    // The auto recipe is the autoencoder's own.
    await main.getByText(`The recipe autoencoder run #${aeRun} read its spectra through (raw spectra)`).waitFor();
    // 120 points: three stride-2 stages (conv, ReLU), flatten and the latent dense layer.
    await main.locator('[data-testid=encoder-from]', { hasText: `Layers 1–8 are the encoder of autoencoder run #${aeRun}, started from its trained weights` }).waitFor();
    if (!(await main.locator('input[name=epochs]').isVisible())) await main.getByText('Advanced settings').click();
    await main.locator('input[name=epochs]').fill('40');
    await screenshot(app.page, 'encoder-from-train-setup');
    await main.getByRole('button', { name: /Start training/ }).click();
    await expect.poll(async () => (await app.value<RunSummary[]>('runs:list', {})).map((r) => `${r.model} ${r.status}`).sort(), { timeout: 120_000, interval: 500 }).toEqual(['ae done', 'custom done']);
    await app.goTo('Runs');
    // The Runs view is still on the autoencoder's page.
    await app.main().getByRole('button', { name: '← All runs' }).click();
    await app.main().locator('[data-testid=runs-list] tbody tr', { hasText: 'custom' }).getByRole('button', { name: 'Open' }).click();
    const from = app.main().locator('[data-testid=encoder-from]');
    await from.waitFor();
    expect(((await from.textContent()) ?? '').replace(/\s+/g, ' ')).toMatch(new RegExp(`^the encoder of autoencoder run #${aeRun} \\(layers 1–8, [\\d ,.]+ trained values\\), then a dense head; fine-tuned as a whole Open run #${aeRun}$`));
    expect(app.problems).toEqual([]);
    await screenshot(app.page, 'encoder-from-run');
  }, 300_000);
});
