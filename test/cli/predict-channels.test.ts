/**
 * `spectra-desk predict` with a run trained on two joined channels: the files of the first channel
 * and `--channel NAME=FILE` for the second give the run's stored test predictions; a missing or
 * malformed channel is refused with one line naming it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { runTestPredictions } from '../../src-main/db/runs';
import { importFiles } from '../../src-main/services/import';
import { joinDatasets } from '../../src-main/services/join';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { runModelCli } from '../../src-main/cli/predict';
import { runCaptured } from '../helpers/cli';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-channels-'));
const project = path.join(dir, 'p.spectra');
const files = ['inst1.csv', 'inst2.csv'].map((f) => path.join(dir, f));
let run = 0;
let stored: { key: string; predicted: string | number }[] = [];

const cli = (args: string[]) => runCaptured(runModelCli, args);

/** 20 samples on two instruments (15 train, 5 test): the second carries a band whose height is the target. */
beforeAll(async () => {
  const head = `split,conc,${Array.from({ length: 12 }, (_, j) => 1000 + 4 * j).join(',')}`;
  const rows = (band: (r: number, j: number) => number) => Array.from({ length: 20 }, (_, r) => [r < 15 ? 'train' : 'test', r % 5, ...Array.from({ length: 12 }, (_, j) => (band(r, j) + ((r * 7 + j * 3) % 11) * 0.001).toFixed(5))].join(','));
  fs.writeFileSync(files[0]!, `${head}\n${rows(() => 1).join('\n')}\n`);
  fs.writeFileSync(files[1]!, `${head}\n${rows((r, j) => (r % 5) * Math.exp(-(((j - 6) / 2) ** 2)) * 0.2 + 0.5).join('\n')}\n`);
  const db = openProject(project, { create: true });
  for (const [i, file] of files.entries()) await importFiles(db, { files: [file], dataset: `Instrument ${i + 1}`, axisUnit: 'cm-1', splitColumn: 'split' });
  joinDatasets(db, { datasetIds: [1, 2], name: 'both', by: 'position' });
  run = (await startTraining(db, requestByName(db, { dataset: 'both', target: 'conc', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 2 }), { spawn }).outcome).runId;
  stored = runTestPredictions(db, run);
  db.close();
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('spectra-desk predict on two channels', () => {
  it('pairs the files of --channel with the files of the first channel in order, and gives the stored test predictions', async () => {
    const r = await cli(['predict', '--project', project, '--run', String(run), files[0]!, '--channel', `Instrument 2=${files[1]!}`, '--axis-unit', 'cm-1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { predictions: { sample: string; prediction: number }[] };
    expect(doc.predictions).toHaveLength(20);
    // The test rows are rows 16–20 of each file, in the order the run stored them.
    expect(stored.map((p) => p.key)).toEqual(['inst1:16', 'inst1:17', 'inst1:18', 'inst1:19', 'inst1:20']);
    const test = doc.predictions.slice(15);
    expect(test.map((p) => p.sample)).toEqual(['inst1.csv#16', 'inst1.csv#17', 'inst1.csv#18', 'inst1.csv#19', 'inst1.csv#20']);
    test.forEach((p, i) => expect(Math.abs(p.prediction - Number(stored[i]!.predicted))).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(p.prediction))));
  });

  it('a long table with a channel column gives both channels by name, in any order, and the same predictions', async () => {
    const long = path.join(dir, 'long.csv');
    const tables = files.map((f) => fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => l.split(',')));
    const axis = tables[0]![0]!.slice(2);
    const lines = ['sample,channel,wavenumber (cm-1),intensity'];
    for (let r = 1; r <= 20; r++) for (const c of [1, 0]) axis.forEach((a, j) => lines.push(`S${r},Instrument ${c + 1},${a},${tables[c]![r]![j + 2]}`));
    fs.writeFileSync(long, `${lines.join('\n')}\n`);
    const byName = await cli(['predict', '--project', project, '--run', String(run), long, '--json']);
    expect(byName.stderr).toBe('');
    const paired = await cli(['predict', '--project', project, '--run', String(run), files[0]!, '--channel', `Instrument 2=${files[1]!}`, '--axis-unit', 'cm-1', '--json']);
    const values = (r: { stdout: string }) => (JSON.parse(r.stdout) as { predictions: { prediction: number }[] }).predictions.map((p) => p.prediction);
    expect(values(byName)).toEqual(values(paired));
  });

  it('refuses a run on two channels given one, a channel it does not have, and a --channel that is not NAME=FILE', async () => {
    const base = ['predict', '--project', project, '--run', String(run), files[0]!, '--axis-unit', 'cm-1'];
    const missing = await cli(base);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`spectra-desk: inst1.csv: spectrum "inst1.csv#1" has no channel "Instrument 2" (channel 2); run ${run} was trained on 2 channels ("Instrument 1", "Instrument 2"), and each spectrum needs every one of them.\n`);
    const other = await cli([...base, '--channel', `Raman=${files[1]!}`]);
    expect(other.stderr).toBe(`spectra-desk: run ${run} has no channel "Raman" after its first; it was trained on "Instrument 1", "Instrument 2".\n`);
    const malformed = await cli([...base, '--channel', files[1]!]);
    expect(malformed.stderr).toBe(`spectra-desk: --channel must be NAME=FILE (a channel of the run and a file or folder of its spectra), not "${files[1]!}". (field --channel)\n`);
  });
});
