/**
 * `spectra-desk unit`: the unit of a numeric label column, stored in the project, shown by
 * `list`, recorded by the regression runs trained after it and written after their errors
 * (RMSEP, MAE, bias, SEP — not R² or RPD, which have none).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { exportCommand } from '../../src-main/cli/export';
import { fixture, tecatorWithSplit } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';

const cli = (args: string[]) => runCaptured(runCli, args);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-unit-'));
const project = path.join(dir, 'p.spectra');
const unit = (...extra: string[]) => cli(['unit', '--project', project, '--dataset', 'Tecator', ...extra]);

beforeAll(async () => {
  expect((await cli(['import', tecatorWithSplit(dir), '--project', project, '--dataset', 'Tecator', '--split-column', 'set'])).code).toBe(0);
  expect((await cli(['import', fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv'), '--project', project, '--dataset', 'Coffee', '--split-tag', 'train'])).code).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('spectra-desk unit', () => {
  it('sets and clears a unit; list shows it in the text and the JSON', async () => {
    const set = await unit('--column', 'fat', '--unit', '%');
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toBe('Column "fat" is in %: regression runs trained from now on give their errors in it.\n');
    expect((await unit('--column', 'protein', '--unit', ' g/100 g ', '--json')).stdout).toBe('{"dataset":"Tecator","column":"protein","unit":"g/100 g"}\n');
    const list = (await cli(['list', '--project', project])).stdout.split('\n');
    expect(list.filter((l) => /^ {2}(moisture|fat|protein):/.test(l))).toEqual(['  moisture: number, 128 distinct', '  fat: number (%), 145 distinct', '  protein: number (g/100 g), 83 distinct']);
    const doc = JSON.parse((await cli(['list', '--project', project, '--json'])).stdout) as { datasets: { name: string; columns: Record<string, { unit?: string }> }[] };
    const tecator = doc.datasets.find((d) => d.name === 'Tecator')!;
    expect([tecator.columns.moisture!.unit, tecator.columns.fat!.unit, tecator.columns.protein!.unit]).toEqual([undefined, '%', 'g/100 g']);

    expect((await unit('--column', 'protein', '--unit', 'none')).stdout).toBe('Column "protein" has no unit.\n');
    expect((await cli(['list', '--project', project])).stdout).toContain('  protein: number, 83 distinct\n');
  }, 30_000);

  it('refuses a class column, an unknown column, a unit too long or with a line break, and a missing option, changing nothing', async () => {
    const coffee = await cli(['unit', '--project', project, '--dataset', 'Coffee', '--column', 'class', '--unit', '%']);
    expect(coffee).toMatchObject({ code: 1, stdout: '' });
    expect(coffee.stderr).toBe('spectra-desk: Column "class" holds classes; only a numeric column has a unit. (field unit)\n');
    expect((await unit('--column', 'salt', '--unit', '%')).stderr).toBe(`spectra-desk: Dataset "Tecator" has no column "salt". Its columns: ${Array.from({ length: 8 }, (_, i) => `principal_component_${i + 1}`).join(', ')}, … (25 in all). (field column)\n`);
    expect((await unit('--column', 'fat', '--unit', 'x'.repeat(41))).stderr).toBe(`spectra-desk: A unit has at most 40 characters; "${'x'.repeat(41)}" has 41. (field unit)\n`);
    expect((await unit('--column', 'fat', '--unit', '%\nfat')).stderr).toBe('spectra-desk: A unit cannot hold line breaks or control characters. (field unit)\n');
    expect((await unit('--column', 'fat')).stderr).toBe('spectra-desk: Missing --unit. Usage: spectra-desk unit --project P --dataset D --column COLUMN --unit UNIT|none [--json] (field --unit)\n');
    expect((await cli(['list', '--project', project])).stdout).toContain('  fat: number (%), 145 distinct\n');
  }, 30_000);

  it('a regression run records the unit: errors in % fat, R² bare, in train, runs and after the unit is cleared', async () => {
    await unit('--column', 'fat', '--unit', '%');
    const r = await cli(['train', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--model', 'pls', '--seed', '1', '--pipeline', 'none']);
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n')[1]!;
    expect(line).toBe('  test: rmse 2.0013 %, mae 1.6278 %, r2 0.9762, bias -0.1361 %, sep 2.0203 %, rpd 6.4951');
    const runId = Number(/^Run (\d+)/.exec(r.stdout)![1]);
    // The run keeps the unit it was trained with, whatever the column says later.
    await unit('--column', 'fat', '--unit', 'none');
    const runs = await cli(['runs', '--project', project]);
    expect(runs.stdout).toContain('RMSEP 2.0013 %');
    const json = JSON.parse((await cli(['runs', '--project', project, '--json'])).stdout) as { runs: { id: number; units?: Record<string, string> }[] };
    expect(json.runs.find((x) => x.id === runId)!.units).toEqual({ fat: '%' });
    // The export: metrics.json names the unit, the report writes it after the errors and on the parity plot.
    const out = path.join(dir, `export-${runId}`);
    const exported = await runCaptured(exportCommand, ['--project', project, '--run', String(runId), '--out', out]);
    expect(exported.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')).run.units).toEqual({ fat: '%' });
    const report = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(report).toContain('RMSEP (fat, %)');
    expect(report).toContain('R²</td>');
    expect(report).toContain('true fat (%)');
    // A cross-validation: its mean ± std in the unit too.
    await unit('--column', 'fat', '--unit', '%');
    const cv = await cli(['train', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--model', 'pls', '--seed', '1', '--pipeline', 'none', '--validation', 'kfold:3']);
    expect(cv.code).toBe(0);
    expect(cv.stdout.split('\n')[1]).toBe('  test, mean ± std over 3 folds: rmse 2.9469 ± 0.2030 %, mae 1.8882 ± 0.0199 %, r2 0.9459 ± 0.0087, bias -0.0581 ± 0.5920 %, sep 2.9260 ± 0.2225 %, rpd 4.3929 ± 0.4001');
    await unit('--column', 'fat', '--unit', 'none');
    // Several targets: each in its own unit, the headline (relative to each target's SD) in none.
    await unit('--column', 'moisture', '--unit', '%');
    const several = await cli(['train', '--project', project, '--dataset', 'Tecator', '--targets', 'moisture,fat', '--model', 'pls', '--seed', '1', '--pipeline', 'none']);
    const lines = several.stdout.split('\n');
    expect(lines[1]).toBe('  test: relativeRmse 0.1776');
    expect(lines[2]).toBe('  test moisture: rmse 2.0084 %, mae 1.5873 %, r2 0.9597, bias -0.0653 %, sep 2.0311 %, rpd 4.9860');
    expect(lines[3]).toBe('  test fat: rmse 2.0593, mae 1.6261, r2 0.9748, bias -0.1518, sep 2.0780, rpd 6.3148');
  }, 120_000);
});
