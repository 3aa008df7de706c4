import { describe, expect, it } from 'vitest';
import { filesFromArgv, routeOpenedFiles } from '../../src-main/main/launch-files';

const existing = new Set(['/data/a.spc', '/data/b.csv', '/home/u/p.spectra', '/home/u/q.SPECTRA']);
const isFile = (f: string) => existing.has(f);

describe('filesFromArgv', () => {
  it('skips the executable, the app path when unpackaged, switches and missing files', () => {
    expect(filesFromArgv(['/usr/lib/electron', '.', '--inspect', 'a.spc', '/data/b.csv', 'missing.txt', 'a.spc'], { isPackaged: false, cwd: '/data', isFile })).toEqual([
      '/data/a.spc',
      '/data/b.csv',
    ]);
  });

  it('takes every argument after the executable when packaged', () => {
    expect(filesFromArgv(['/opt/Spectra Desk/spectra-desk', '--no-sandbox', '../home/u/p.spectra'], { isPackaged: true, cwd: '/data', isFile })).toEqual(['/home/u/p.spectra']);
  });
});

describe('routeOpenedFiles', () => {
  it('opens the first project and imports the rest', () => {
    expect(routeOpenedFiles(['/data/a.spc', '/home/u/q.SPECTRA', '/home/u/p.spectra', '/data/b.csv'])).toEqual({
      project: '/home/u/q.SPECTRA',
      imports: ['/data/a.spc', '/data/b.csv'],
    });
    expect(routeOpenedFiles(['/data/a.spc'])).toEqual({ project: null, imports: ['/data/a.spc'] });
  });
});
