/**
 * Seeded fuzzing of every importer through parseFile, over every format fixture and the text
 * tables the io tests read. A mutated file may import or be refused, but:
 * - nothing but a UserError is thrown, and no parse takes longer than PARSE_LIMIT_MS;
 * - a refusal is one short line that names the file;
 * - a binary format whose header declares its counts (SPC, WDF, OPUS, SPA, SP) never imports a
 *   different number of spectra or points than the intact file holds without a warning.
 * The inputs are the same on every run (seeded mulberry32), so a failure names a trial that reproduces.
 */
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import type { ParsedBatch } from '../../src-main/common/domain/spectra';
import { parseFile } from '../../src-main/io';
import { findNul } from '../../src-main/io/delimited';
import { binaryMutants, textMutants, type Mutant } from '../helpers/bytes';
import { fixture, readFixture } from '../helpers/datasets';

const SEED = 20_260_116;
const BINARY_TRIALS = 150;
const TEXT_TRIALS = 40;
/** Far above any parse of these files (tens of ms on a loaded 2-core machine); a loop that runs away passes it. */
const PARSE_LIMIT_MS = 3000;
/** A refusal the user reads in a notice or on one stderr line. */
const MESSAGE_LIMIT = 400;
const DECLARED_COUNTS = new Set(['spc', 'wdf', 'opus', 'spa', 'sp']);

/** Every format fixture, and the tables the text readers' tests use (not the 2 MB coffee_spectra.csv: same layout as train_spectra.csv). */
const FILES: string[][] = [
  ...readdirSync(fixture('format_fixtures'))
    .sort()
    .flatMap((folder) => readdirSync(fixture('format_fixtures', folder)).sort().map((name) => ['format_fixtures', folder, name])),
  ['ucr_spectro', 'Coffee', 'Coffee_TRAIN.tsv'],
  ['tecator', 'tecator.csv'],
  ['chemotools', 'train_spectra.csv'],
  ['chemotools', 'train_hplc.csv'],
];

/** The format, the spectra and the point count of each, which a declared-count format must keep or warn about. */
function shape(b: ParsedBatch): string {
  return `${b.format}: ${b.samples.length} spectra of ${b.samples.map((s) => s.channels[0].length).join(',')} points`;
}

/** A shape short enough to read: runs of equal point counts as count × points. */
function summary(shape: string): string {
  const [head, points] = shape.split(' of ');
  const runs: string[] = [];
  let last = '';
  let n = 0;
  for (const p of points.replace(' points', '').split(',').concat('')) {
    if (p === last) n++;
    else {
      if (n > 0) runs.push(n === 1 ? last : `${n} × ${last}`);
      last = p;
      n = 1;
    }
  }
  return `${head} (${runs.slice(0, 6).join(', ')}${runs.length > 6 ? ', …' : ''} points)`;
}

/** Each file's own seed (FNV-1a of its path), so adding a fixture leaves the other files' mutants as they were. */
function seedOf(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193) >>> 0;
  return (h ^ SEED) >>> 0;
}

/** The intact file's shape and warnings: a mutant imported in another shape must say something new. */
interface Intact {
  shape: string;
  warnings: Set<string>;
}

/** What is wrong with one parse of a mutant, or null when it behaved. */
function check(name: string, m: Mutant, intact: Intact | null): string | null {
  const started = performance.now();
  let batch: ParsedBatch | undefined;
  let problem: string | null = null;
  try {
    batch = parseFile(m.bytes, name);
  } catch (err) {
    if (!(err instanceof UserError)) return `threw ${String(err instanceof Error ? err.stack : err).split('\n').slice(0, 3).join(' | ')}`;
    const message = err.message;
    if (/[\r\n]/.test(message)) problem = `a refusal on more than one line: ${JSON.stringify(message.slice(0, 300))}`;
    else if (!message.includes(name)) problem = `a refusal that does not name the file: ${message.slice(0, 300)}`;
    else if (message.length > MESSAGE_LIMIT) problem = `a refusal of ${message.length} characters: ${message.slice(0, 300)}…`;
  }
  const ms = performance.now() - started;
  if (ms > PARSE_LIMIT_MS) return `took ${Math.round(ms)} ms`;
  if (batch && intact !== null && shape(batch) !== intact.shape && batch.warnings.every((w) => intact.warnings.has(w))) {
    problem = `imported as ${summary(shape(batch))} with no warning of its own; the intact file is ${summary(intact.shape)}`;
  }
  return problem;
}

let mutations = 0;
let elapsed = 0;

describe('importers on seeded mutations of every fixture', () => {
  afterAll(() => {
    console.log(`fuzz: ${mutations} mutations of ${FILES.length} files in ${(elapsed / 1000).toFixed(1)} s`);
  });

  it.each(FILES.map((parts) => [parts.join('/'), parts] as const))('%s', (path, parts) => {
    const name = parts[parts.length - 1];
    const original = readFixture(...parts);
    const binary = findNul(original, 4096) >= 0;
    let intact: Intact | null = null;
    if (binary) {
      try {
        const batch = parseFile(original, name);
        if (DECLARED_COUNTS.has(batch.format)) intact = { shape: shape(batch), warnings: new Set(batch.warnings) };
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
      }
    }
    const started = performance.now();
    const mutants = binary ? binaryMutants(seedOf(path), original, BINARY_TRIALS) : textMutants(seedOf(path), original, TEXT_TRIALS);
    const failures: string[] = [];
    for (const m of mutants) {
      const problem = check(name, m, intact);
      if (problem !== null) failures.push(`trial ${m.trial} (${m.what}): ${problem}`);
      mutations++;
    }
    elapsed += performance.now() - started;
    expect(failures.slice(0, 10), `${failures.length} of the mutants of ${name} misbehaved`).toEqual([]);
  }, 60_000);
});
