/**
 * Forty synthetic tablets measured on two instruments, for the calibration transfer tests: a
 * project with one dataset per instrument (sample ids tab1 … tab40, the first 28 tagged train)
 * and a PLS model of the assay trained on the first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { startTraining } from '../../src-main/services/train';
import { tmpDir } from './tmp';

export const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
export const POINTS = 30;
export const AXIS = Array.from({ length: POINTS }, (_, j) => 1000 + 4 * j);

/** Tablet i: an assay between 150 and 250 carried by a band at point 12, on a sloping baseline that varies by tablet. */
function tablet(i: number): { assay: number; a: number[]; b: number[] } {
  const assay = 150 + ((i * 37) % 101);
  const c = assay / 200;
  const base = 0.2 + 0.05 * Math.sin(i * 1.7);
  const band = (j: number, centre: number, width: number) => Math.exp(-0.5 * ((j - centre) / width) ** 2);
  const a = AXIS.map((_, j) => base + 0.3 * c * band(j, 12, 3) + 0.1 * band(j, 22, 2) + 0.001 * Math.sin(7 * i + 3 * j));
  // The second instrument: its band half a point to the right, a gain, a slope and its own noise.
  const b = AXIS.map((_, j) => 1.1 * (base + 0.3 * c * band(j, 12.5, 3.3) + 0.1 * band(j, 22.5, 2.2)) + 0.05 + 0.002 * j + 0.001 * Math.cos(5 * i + 2 * j));
  return { assay, a, b };
}

export interface Tablet {
  id: string;
  split: string;
  assay: number;
  a: number[];
  b: number[];
}

export const TABLETS: Tablet[] = Array.from({ length: 40 }, (_, i) => ({ id: `tab${i + 1}`, split: i < 28 ? 'train' : 'test', ...tablet(i) }));

type Row = { id: string; split: string; assay: number; values: number[] };

function writeCsv(dir: string, name: string, rows: Row[], axis: number[]): string {
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, `sample,split,assay,${axis.join(',')}\n${rows.map((r) => [r.id, r.split, r.assay, ...r.values].join(',')).join('\n')}\n`);
  return file;
}

/** The second instrument's rows as measured (callers drop or cut some to make bad input). */
export const onSecond = (): Row[] => TABLETS.map((t) => ({ ...t, values: t.b }));

/** A project with "Instrument 1" (dataset a) and "Instrument 2" (b, from `second` on `axis`). */
export async function twoInstruments(second: Row[] = onSecond(), axis = AXIS): Promise<{ db: Db; a: number; b: number; file: string }> {
  const dir = tmpDir();
  const file = path.join(dir, 'p.spectra');
  const db = openProject(file, { create: true });
  const a = (await importFiles(db, { files: [writeCsv(dir, 'inst1', TABLETS.map((t) => ({ ...t, values: t.a })), AXIS)], dataset: 'Instrument 1', axisUnit: 'nm', splitColumn: 'split' })).datasetId;
  const b = (await importFiles(db, { files: [writeCsv(dir, 'inst2', second, axis)], dataset: 'Instrument 2', axisUnit: 'nm', splitColumn: 'split' })).datasetId;
  return { db, a, b, file };
}

/** A PLS model of the assay on the dataset's given split; its run id. */
export async function trainPls(db: Db, datasetId: number): Promise<number> {
  const h = startTraining(db, { datasetId, target: 'assay', model: 'pls', recipe: null, validation: { kind: 'given' }, seed: 1 }, { spawn });
  expect((await h.outcome).status).toBe('done');
  return h.runId;
}
