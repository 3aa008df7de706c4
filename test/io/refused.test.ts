import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refuseKnownUnsupported } from '../../src-main/io/refused';
import { fixture, formatFixture } from '../helpers/datasets';
import { userErrorOf as caught } from '../helpers/errors';

describe('refuseKnownUnsupported', () => {
  it('refuses a WITec project with a way forward', () => {
    const err = caught(() => refuseKnownUnsupported(formatFixture('witec', 'Si-data.WIP'), 'Si-data.WIP'));
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.file).toBe('Si-data.WIP');
    expect(err.message).toBe(
      'Si-data.WIP: WITec Project (.wip) files are not supported yet. Export the spectra or the map from WITec Project as text (Spectral data → ASCII, or Graph → Export → Table) and import that.',
    );
  });

  it('recognises it by content when renamed, and by extension when damaged', () => {
    expect(caught(() => refuseKnownUnsupported(formatFixture('witec', 'LineScans.WIP'), 'renamed.dat')).message).toContain('WITec Project');
    expect(caught(() => refuseKnownUnsupported(new Uint8Array(3), 'C:\\data\\RUN.WID')).message).toContain('WITec Project');
  });

  it('lets every other fixture through', () => {
    for (const folder of ['spc', 'wdf', 'opus', 'jcamp', 'other']) {
      for (const name of fs.readdirSync(fixture('format_fixtures', folder))) {
        expect(() => refuseKnownUnsupported(formatFixture(folder, name), name), `${folder}/${name}`).not.toThrow();
      }
    }
    expect(() => refuseKnownUnsupported(new Uint8Array(0), 'empty.csv')).not.toThrow();
    expect(() => refuseKnownUnsupported(new TextEncoder().encode('WIT'), 'short.txt')).not.toThrow();
  });
});
