import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { tmpDir } from '../helpers/tmp';
import { runCaptured } from '../helpers/cli';

const cli = (args: string[]) => runCaptured(runCli, args);
const FIXTURES = path.join(__dirname, '../fixtures/channels');
const files = (...names: string[]): string[] => names.map((n) => path.join(FIXTURES, n));
const PAIRS = files('a_raman.txt', 'a_ir.txt', 'b_raman.txt', 'b_ir.txt', 'c_raman.txt');

describe('spectra-desk import --labels with a channel column', () => {
  it('refuses a sample missing a channel, then with --drop-incomplete imports the others and names it', async () => {
    const project = path.join(tmpDir(), 'p.spectra');
    const args = ['import', ...PAIRS, '--project', project, '--dataset', 'RI', '--labels', path.join(FIXTURES, 'labels-with-c.csv')];
    const refused = await cli(args);
    expect([refused.code, refused.stdout, refused.stderr]).toEqual([
      1,
      '',
      `spectra-desk: Sample "C" has no "ir" channel: labels-with-c.csv has no row for it (the sample's rows: line 6). Every sample needs every channel ("raman", "ir"); add it, or import with the incomplete samples dropped.\n`,
    ]);
    const r = await cli([...args, '--drop-incomplete']);
    expect([r.code, r.stderr, r.stdout.replace(/ in [\d.]+ s\.$/m, '')]).toEqual([
      0,
      'warning: labels-with-c.csv: 1 sample left out for lacking a channel: "C" (no "ir").\n',
      'Imported 2 samples of 2 channels (raman: 4 points, 200 to 800 cm-1; ir: 3 points, 4000 to 2000 cm-1) from 5 file(s) into dataset "RI"\n',
    ]);
    const list = await cli(['list', '--project', project, '--json']);
    expect((JSON.parse(list.stdout) as { datasets: { name: string; samples: number }[] }).datasets.map((d) => [d.name, d.samples])).toEqual([['RI', 2]]);
  });

  it('imports a long table with a channel column; --json reports the channels', async () => {
    const r = await cli(['import', ...files('long.csv'), '--project', path.join(tmpDir(), 'p.spectra'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      dataset: 'long',
      samples: 2,
      channels: [
        { name: 'nir', points: 3, unit: 'cm-1', first: 9000, last: 7000 },
        { name: 'mir', points: 2, unit: 'cm-1', first: 1800, last: 1700 },
      ],
      warnings: [],
    });
  });
});
