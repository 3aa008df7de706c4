import fs from 'node:fs';
import path from 'node:path';
import { checkpoint, openProject } from '../db/connection';
import { datasetIdByNameOrId, setColumnUnit } from '../db/datasets';
import { importFiles } from './import';

/**
 * Builds the demo project from the files shipped in assets/demo: chemotools coffee ATR-FTIR
 * (3 origins, MIT) and Tecator meat NIR (fat/moisture/protein). Written to a temporary file and
 * renamed, so a half-built demo is never left behind.
 */
export async function createDemoProject(file: string, demoDir: string, nativeBinding?: string): Promise<void> {
  const tmp = `${file}.building`;
  fs.rmSync(tmp, { force: true });
  const db = openProject(tmp, nativeBinding ? { create: true, nativeBinding } : { create: true });
  try {
    await importFiles(db, { files: [path.join(demoDir, 'coffee-atr-ftir.csv')], dataset: 'Coffee ATR-FTIR (3 origins)' });
    await importFiles(db, { files: [path.join(demoDir, 'tecator-meat-nir.csv')], dataset: 'Tecator meat NIR', splitColumn: 'set', axisUnit: 'nm' });
    // Tecator's contents are percentages by weight, so its errors read "RMSEP 2.1 %".
    const tecator = datasetIdByNameOrId(db, 'Tecator meat NIR');
    for (const column of ['moisture', 'fat', 'protein']) setColumnUnit(db, tecator, column, '%');
    checkpoint(db, 'TRUNCATE');
  } finally {
    db.close();
  }
  fs.renameSync(tmp, file);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(`${tmp}${suffix}`, { force: true });
}
