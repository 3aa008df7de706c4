import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { refuseKnownUnsupported } from '../../src-main/io/refused';
import { fixture, formatFixture } from '../helpers/datasets';
import { userErrorOf as caught } from '../helpers/errors';

describe('refuseKnownUnsupported', () => {
  it('refuses Thermo OMNIC SPA with a way forward', () => {
    const err = caught(() => refuseKnownUnsupported(formatFixture('other', 'sample1.spa'), 'sample1.spa'));
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.file).toBe('sample1.spa');
    expect(err.message).toBe(
      'sample1.spa: Thermo OMNIC SPA files are not supported yet. Export the spectrum from OMNIC as CSV or JCAMP-DX (.jdx) and import that.',
    );
  });

  it('refuses PerkinElmer SP with a way forward', () => {
    const err = caught(() => refuseKnownUnsupported(formatFixture('other', 'single_PE_spectrum.sp'), 'single_PE_spectrum.sp'));
    expect(err.code).toBe('UNSUPPORTED_FORMAT');
    expect(err.message).toBe(
      'single_PE_spectrum.sp: PerkinElmer SP files are not supported yet. Export the spectrum from PerkinElmer Spectrum as CSV or JCAMP-DX (.jdx) and import that.',
    );
  });

  it('recognises them by content when renamed, and by extension when damaged', () => {
    expect(caught(() => refuseKnownUnsupported(formatFixture('other', 'sample1.spa'), 'renamed.dat')).message).toContain('Thermo OMNIC SPA');
    expect(caught(() => refuseKnownUnsupported(formatFixture('other', 'single_PE_spectrum.sp'), 'x.bin')).message).toContain('PerkinElmer SP');
    expect(caught(() => refuseKnownUnsupported(new Uint8Array(3), 'C:\\data\\RUN.SPA')).message).toContain('Thermo OMNIC SPA');
  });

  it('lets every other fixture through', () => {
    for (const folder of ['spc', 'wdf', 'opus', 'jcamp']) {
      for (const name of fs.readdirSync(fixture('format_fixtures', folder))) {
        expect(() => refuseKnownUnsupported(formatFixture(folder, name), name), `${folder}/${name}`).not.toThrow();
      }
    }
    expect(() => refuseKnownUnsupported(new Uint8Array(0), 'empty.csv')).not.toThrow();
    expect(() => refuseKnownUnsupported(new TextEncoder().encode('PEP'), 'short.txt')).not.toThrow();
  });
});
