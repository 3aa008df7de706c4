import { describe, expect, it } from 'vitest';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import { SUPPORTED_FORMATS } from '../../src-main/io';
import { createHostDialogs, importFilters, withProjectExtension, type DialogApi } from '../../src-main/main/dialogs';

describe('importFilters', () => {
  it('offers all supported spectra first, then each format, then all files', () => {
    const formats = [
      { label: 'CSV/TSV table (axis as headers)', extensions: ['csv', 'TSV'] },
      { label: 'JCAMP-DX', extensions: ['jdx', 'dx'] },
      { label: 'Two-column text', extensions: ['txt', 'csv'] },
    ];
    expect(importFilters(formats)).toEqual([
      { name: 'All supported spectra', extensions: ['csv', 'tsv', 'jdx', 'dx', 'txt'] },
      { name: 'CSV/TSV table', extensions: ['csv', 'TSV'] },
      { name: 'JCAMP-DX', extensions: ['jdx', 'dx'] },
      { name: 'Two-column text', extensions: ['txt', 'csv'] },
      { name: 'All files', extensions: ['*'] },
    ]);
  });

  it('covers every extension the importer knows', () => {
    const all = importFilters(SUPPORTED_FORMATS)[0]!.extensions;
    expect(SUPPORTED_FORMATS.flatMap((f) => f.extensions).filter((e) => !all.includes(e.toLowerCase()))).toEqual([]);
  });
});

describe('withProjectExtension', () => {
  it('adds .spectra only when missing', () => {
    expect(['/a/Run 1', '/a/run.spectra', '/a/RUN.SPECTRA', '/a/x.csv'].map(withProjectExtension)).toEqual(['/a/Run 1.spectra', '/a/run.spectra', '/a/RUN.SPECTRA', '/a/x.csv.spectra']);
  });
});

describe('createHostDialogs', () => {
  function fake(save: { canceled: boolean; filePath?: string }, open: { canceled: boolean; filePaths: string[] }) {
    const seen: (SaveDialogOptions | OpenDialogOptions)[] = [];
    const api: DialogApi = {
      showSaveDialog: async (o) => (seen.push(o), save),
      showOpenDialog: async (o) => (seen.push(o), open),
    };
    return { seen, dialogs: createHostDialogs(api, SUPPORTED_FORMATS, () => '/home/u/Documents') };
  }

  it('returns the chosen paths', async () => {
    const { dialogs, seen } = fake({ canceled: false, filePath: '/home/u/Documents/Beer' }, { canceled: false, filePaths: ['/d/a.spc', '/d/b.spc'] });
    expect([await dialogs.saveProject(), await dialogs.openProject(), await dialogs.importFiles(), await dialogs.labelsFile()]).toEqual([
      '/home/u/Documents/Beer.spectra',
      '/d/a.spc',
      ['/d/a.spc', '/d/b.spc'],
      '/d/a.spc',
    ]);
    expect(seen.map((o) => o.properties)).toEqual([['createDirectory'], ['openFile'], ['openFile', 'multiSelections'], ['openFile']]);
    expect(seen[0]!.filters).toEqual([{ name: 'Spectra Desk project', extensions: ['spectra'] }]);
    expect([await dialogs.exportFolder!('Run 3 cnn'), await dialogs.predictFiles!()]).toEqual(['/home/u/Documents/Beer', ['/d/a.spc', '/d/b.spc']]);
    expect(seen.slice(4).map((o) => [o.title, o.defaultPath, o.properties])).toEqual([
      ['Export Run', '/home/u/Documents/Run 3 cnn', ['createDirectory']],
      ['Spectra to Predict', undefined, ['openFile', 'multiSelections']],
    ]);
  });

  it('returns null when the user cancels', async () => {
    const { dialogs } = fake({ canceled: true }, { canceled: true, filePaths: [] });
    expect([await dialogs.saveProject(), await dialogs.openProject(), await dialogs.importFiles(), await dialogs.labelsFile()]).toEqual([null, null, null, null]);
  });
});
