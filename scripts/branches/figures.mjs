/**
 * Resample vs one branch per channel on IDRC 2002 (../shared/datasets/idrc2002_tablets/):
 * instrument 2 put on another axis range (1100–1896 nm every 4 nm, 200 points, by linear
 * interpolation) as channel 0 and instrument 1 as published (600–1898 nm, 650 points) as channel 1,
 * joined by position; a cnn on both channels predicts assay with channelLayout resample
 * (instrument 1 resampled onto channel 0's axis: 1100–1896 nm only) and with branches (each
 * instrument on its own axis, all of instrument 1's points). Rows tagged Train and Validate train
 * (195), Test is the test split (460). Prints the test RMSEP of each.
 *
 *   node scripts/branches/figures.mjs [EPOCHS]   (after node scripts/build.mjs --node-only)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const data = path.resolve(root, '../shared/datasets/idrc2002_tablets');
// Without EPOCHS, the run's default (a ceiling: it stops once its training loss has converged).
const epochs = process.argv[2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-branches-'));
const cli = (...args) => execFileSync(process.execPath, [path.join(root, 'bin/spectra-desk.cjs'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** The instrument's table with a split column (Train and Validate → train, Test → test), its spectra on `axis` (nm). */
function table(file, axis) {
  const lines = fs.readFileSync(path.join(data, file), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const nm = header.slice(4).map(Number);
  const rows = lines.slice(1).map((l) => l.split(','));
  const at = (values, x) => {
    let j = 0;
    while (j < nm.length - 2 && nm[j + 1] < x) j++;
    const t = (x - nm[j]) / (nm[j + 1] - nm[j]);
    return values[j] + t * (values[j + 1] - values[j]);
  };
  const out = [`split,assay,${axis.join(',')}`];
  for (const r of rows) {
    const values = r.slice(4).map(Number);
    out.push([r[0] === 'Test' ? 'test' : 'train', r[3], ...axis.map((x) => at(values, x).toFixed(6))].join(','));
  }
  const target = path.join(dir, file);
  fs.writeFileSync(target, `${out.join('\n')}\n`);
  return target;
}

const project = path.join(dir, 'idrc.spectra');
const first = table('Pharma_Instrument1.csv', Array.from({ length: 650 }, (_, j) => 600 + 2 * j));
const second = table('Pharma_Instrument2.csv', Array.from({ length: 200 }, (_, j) => 1100 + 4 * j));
// The resample layout puts every channel on channel 0's axis without extrapolating, so channel 0 is the narrower one.
cli('import', first, '--project', project, '--dataset', 'inst1', '--split-column', 'split', '--axis-unit', 'nm');
cli('import', second, '--project', project, '--dataset', 'inst2-1100-1896nm', '--split-column', 'split', '--axis-unit', 'nm');
cli('join', '--project', project, '--datasets', 'inst2-1100-1896nm,inst1', '--as', 'both', '--by', 'position');
for (const layout of ['resample', 'branches']) {
  const started = Date.now();
  const out = JSON.parse(cli('train', '--project', project, '--dataset', 'both', '--target', 'assay', '--model', 'cnn', '--pipeline', 'none', '--seed', '1', ...(epochs ? ['--epochs', epochs] : []), '--channel-layout', layout, '--json'));
  console.log(`${layout}: test RMSEP ${out.metrics.test.rmse.toFixed(3)}, R² ${out.metrics.test.r2.toFixed(3)}, ${out.epochs} epochs, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
