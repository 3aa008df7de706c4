import fs from 'node:fs';
import path from 'node:path';

const DEMO_COFFEE = path.resolve(__dirname, '../../assets/demo/coffee-atr-ftir.csv');

/** Points of the runs' own axis: 4000 → 400 cm⁻¹ at 2 cm⁻¹. */
export const RUN1_POINTS = 1801;
export const run1Axis = (i: number): number => 4000 - 2 * i;

/** Linear interpolation of a spectrum on the run-1 axis at wavenumber `x` (inside 400–4000). */
function atWavenumber(y: number[], x: number): number {
  const p = (4000 - x) / 2;
  const j = Math.min(Math.floor(p), RUN1_POINTS - 2);
  return y[j]! + (p - j) * (y[j + 1]! - y[j]!);
}

export interface ShiftedRun {
  /** File names start with it (run1_s01.xy, …), so a folder lists the runs in order; a sample key is its file stem. */
  prefix: string;
  first: number;
  step: number;
  points: number;
}

/** Run 1: the spectra's own axis. Run 2: shifted by half a step. Run 3: a narrower range at 1.5 cm⁻¹. */
export const SHIFTED_RUNS: ShiftedRun[] = [
  { prefix: 'run1', first: 4000, step: 2, points: RUN1_POINTS },
  { prefix: 'run2', first: 3999.5, step: 2, points: 1800 },
  { prefix: 'run3', first: 3900, step: 1.5, points: 2201 },
];

/** Coffee ATR-FTIR spectra of the demo (the first 1801 points each, read as 4000 → 400 cm⁻¹). */
export function coffeeSpectra(count: number): { key: string; origin: string; y: number[] }[] {
  const lines = fs.readFileSync(DEMO_COFFEE, 'utf8').trim().split('\n').slice(1, count + 1);
  return lines.map((l) => {
    const [key, origin, ...values] = l.split(',');
    return { key: key!, origin: origin!, y: values.slice(0, RUN1_POINTS).map(Number) };
  });
}

/**
 * Coffee spectra written as x,y files from different runs: `counts[k]` files on run k's axis
 * (SHIFTED_RUNS, or `runs`), the spectrum linearly interpolated from its own axis; the files'
 * paths in import order, and the spectra on the run-1 axis.
 */
export function writeShiftedCoffee(dir: string, counts: number[] = [6, 3, 2], runs: ShiftedRun[] = SHIFTED_RUNS): { files: string[]; spectra: number[][] } {
  const source = coffeeSpectra(counts.reduce((a, b) => a + b, 0));
  const files: string[] = [];
  let n = 0;
  counts.forEach((count, r) => {
    const run = runs[r]!;
    for (let k = 0; k < count; k++, n++) {
      const y = source[n]!.y;
      const rows: string[] = [];
      for (let i = 0; i < run.points; i++) {
        const x = run.first - i * run.step;
        rows.push(`${x}\t${atWavenumber(y, x)}`);
      }
      const file = path.join(dir, `${run.prefix}_s${String(n + 1).padStart(2, '0')}.xy`);
      fs.writeFileSync(file, `${rows.join('\n')}\n`);
      files.push(file);
    }
  });
  return { files, spectra: source.map((s) => s.y) };
}
