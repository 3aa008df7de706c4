import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { tmpDir } from '../helpers/tmp';
import { runCaptured } from '../helpers/cli';
import { SHIFTED_RUNS, writeShiftedCoffee } from '../helpers/shifted-axes';

const cli = (args: string[]) => runCaptured(runCli, args);
const GRID = 'the overlap 600–3900 cm⁻¹ at the median step 2 cm⁻¹, 1651 points';

/** A folder of x,y files from three runs on slightly different axes, and a project to import them into. */
function runsFolder(counts?: number[], runs = SHIFTED_RUNS): { folder: string; project: string } {
  const dir = tmpDir();
  const folder = path.join(dir, 'runs');
  fs.mkdirSync(folder);
  writeShiftedCoffee(folder, counts, runs);
  return { folder, project: path.join(dir, 'p.spectra') };
}

describe('spectra-desk import --common-axis', () => {
  it('imports the folder as it is and, beside it, the dataset on one axis', async () => {
    const { folder, project } = runsFolder();
    const r = await cli(['import', folder, '--project', project, '--dataset', 'Coffee runs', '--axis-unit', 'cm-1', '--common-axis', 'auto']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout.split('\n').slice(1)).toEqual([`Put them on one axis as dataset "Coffee runs · one axis": ${GRID} (11 resampled).`, '']);
    const list = await cli(['list', '--project', project, '--json']);
    expect((JSON.parse(list.stdout) as { datasets: { name: string; points: number | null }[] }).datasets.map((d) => [d.name, d.points])).toEqual([
      ['Coffee runs', null],
      ['Coffee runs · one axis', 1651],
    ]);
  });

  it('refuses a grid it cannot read before opening the project', async () => {
    const { folder, project } = runsFolder([1]);
    const r = await cli(['import', folder, '--project', project, '--common-axis', '400-4000']);
    expect([r.code, r.stderr]).toEqual([1, 'spectra-desk: --common-axis takes auto, first or START:STOP:STEP (e.g. 400:4000:2), not "400-4000". (field --common-axis)\n']);
  });
});

describe('spectra-desk harmonise', () => {
  it('--dry-run shows the grid; then stores the dataset on it under --as', async () => {
    const { folder, project } = runsFolder();
    expect((await cli(['import', folder, '--project', project, '--dataset', 'Coffee runs', '--axis-unit', 'cm-1'])).code).toBe(0);
    const dry = await cli(['harmonise', '--project', project, '--dataset', 'Coffee runs', '--dry-run']);
    expect([dry.code, dry.stdout]).toEqual([0, `Dataset "Coffee runs" would go on ${GRID} (11 of 11 spectra resampled) as "Coffee runs · one axis". Nothing was stored.\n`]);
    const r = await cli(['harmonise', '--project', project, '--dataset', 'Coffee runs', '--grid', '3000:1000:4', '--as', 'Coffee 4 cm', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dataset: 'Coffee 4 cm', sourceDataset: 'Coffee runs', samples: 11, points: 501, grid: 'the grid 3000–1000 cm⁻¹ at step 4 cm⁻¹, 501 points', resampled: 11, channelsLeftOut: 0 });
    const again = await cli(['harmonise', '--project', project, '--dataset', 'Coffee runs']);
    expect(again.stdout).toBe(`Stored 11 spectra × 1651 points as dataset "Coffee runs · one axis", on ${GRID} (11 resampled).\n`);
  });

  it('says which spectra are beyond the tolerance and by how much', async () => {
    const { folder, project } = runsFolder([3, 0, 0, 1], [...SHIFTED_RUNS, { prefix: 'run4', first: 3990, step: 5, points: 700 }]);
    expect((await cli(['import', folder, '--project', project, '--dataset', 'Mixed', '--axis-unit', 'cm-1'])).code).toBe(0);
    const r = await cli(['harmonise', '--project', project, '--dataset', 'Mixed']);
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(
      'spectra-desk: Dataset "Mixed": these spectra cannot be put on one axis: 1 of 4 spectra is on another axis than the other 3 (400–4000 cm⁻¹ at 2 cm⁻¹, 1801 points): "run4_s04" 495–3990 cm⁻¹ at 5 cm⁻¹, 700 points — its step is 2.5× coarser (at most 2×).\n',
    );
    const missing = await cli(['harmonise', '--project', project]);
    expect([missing.code, missing.stderr]).toEqual([1, `spectra-desk: Missing --dataset NAME. Usage: spectra-desk harmonise --project P --dataset D [--grid auto|first|START:STOP:STEP] [--as NAME] [--dry-run] [--json] (field --dataset)\n`]);
  });
});
