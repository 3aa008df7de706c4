import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refuseKnownUnsupported } from '../../src-main/io/refused';
import { fixture, formatFixture } from '../helpers/datasets';
import { userErrorOf as caught } from '../helpers/errors';

describe('refuseKnownUnsupported', () => {
  it('refuses a WITec data file with a way forward, by content or by extension', () => {
    const err = caught(() => refuseKnownUnsupported(new TextEncoder().encode('WIT_DATA\r\u0000\u0000\u0000'), 'renamed.dat'));
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.file).toBe('renamed.dat');
    expect(err.message).toBe(
      'renamed.dat: WITec Data (.wid) files are not supported yet. Open it in WITec Project and save the project (.wip), or export the spectra as text (Spectral data → ASCII, or Graph → Export → Table), and import that.',
    );
    expect(caught(() => refuseKnownUnsupported(new Uint8Array(3), 'C:\\data\\RUN.WID')).message).toContain('WITec Data (.wid)');
  });

  it('lets every other fixture through', () => {
    for (const folder of ['spc', 'wdf', 'opus', 'jcamp', 'other', 'witec']) {
      for (const name of fs.readdirSync(fixture('format_fixtures', folder))) {
        expect(() => refuseKnownUnsupported(formatFixture(folder, name), name), `${folder}/${name}`).not.toThrow();
      }
    }
    expect(() => refuseKnownUnsupported(new Uint8Array(0), 'empty.csv')).not.toThrow();
    expect(() => refuseKnownUnsupported(new TextEncoder().encode('WIT'), 'short.txt')).not.toThrow();
  });
});
