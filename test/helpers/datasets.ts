import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** `../shared/datasets` beside the repository (CI clones the repo with shared/ next to it). */
export const DATASETS_DIR = path.resolve(__dirname, '../../../shared/datasets');

export function fixture(...parts: string[]): string {
  return path.join(DATASETS_DIR, ...parts);
}

/** The bytes of a file under DATASETS_DIR. */
export function readFixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(fixture(...parts)));
}

/** The bytes of a file under format_fixtures/ (one folder per file format). */
export function formatFixture(...parts: string[]): Uint8Array {
  return readFixture('format_fixtures', ...parts);
}

/**
 * Tecator as the acceptance run splits it, written to `dir/tecator.csv`: the first 215 samples
 * with a `set` column, rows 1–172 train and 173–215 test; returns the file's path.
 */
export function tecatorWithSplit(dir: string): string {
  const rows = readFileSync(fixture('tecator', 'tecator.csv'), 'utf8').trim().split('\n');
  const file = path.join(dir, 'tecator.csv');
  writeFileSync(file, [`${rows[0]},set`, ...rows.slice(1, 216).map((r, i) => `${r},${i < 172 ? 'train' : 'test'}`)].join('\n'));
  return file;
}

/** A table of the UCR archive's spectroscopy sets: `name`'s TRAIN or TEST split. */
export function ucr(name: string, split: 'train' | 'test'): string {
  return fixture('ucr_spectro', name, `${name}_${split.toUpperCase()}.tsv`);
}
