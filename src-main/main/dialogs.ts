import path from 'node:path';
import type { FileFilter, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { Host } from '../services/session';
import { PROJECT_EXTENSION } from './launch-files';

export interface FormatLike {
  label: string;
  extensions: readonly string[];
}

export const PROJECT_FILTERS: FileFilter[] = [{ name: 'Spectra Desk project', extensions: [PROJECT_EXTENSION.slice(1)] }];
export const ALL_FILES: FileFilter = { name: 'All files', extensions: ['*'] };
export const LABEL_FILTERS: FileFilter[] = [{ name: 'Label table (CSV/TSV)', extensions: ['csv', 'tsv', 'txt', 'tab'] }, ALL_FILES];

/** "All supported spectra" first (what users want most), then one filter per format, then all files. */
export function importFilters(formats: readonly FormatLike[]): FileFilter[] {
  const all = [...new Set(formats.flatMap((f) => f.extensions.map((e) => e.toLowerCase())))];
  return [
    { name: 'All supported spectra', extensions: all },
    ...formats.map((f) => ({ name: f.label.split(' (')[0]!, extensions: [...f.extensions] })),
    ALL_FILES,
  ];
}

/** GTK's save dialog does not add the extension the filter names; add it when the user left it off. */
export function withProjectExtension(file: string): string {
  return path.extname(file).toLowerCase() === PROJECT_EXTENSION ? file : `${file}${PROJECT_EXTENSION}`;
}

/** The slice of Electron's `dialog` the host uses, so this module stays free of Electron at run time. */
export interface DialogApi {
  showSaveDialog(options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export function createHostDialogs(dialogApi: DialogApi, formats: readonly FormatLike[], defaultFolder: () => string): Host['dialogs'] {
  return {
    async saveProject() {
      const r = await dialogApi.showSaveDialog({
        title: 'New Project',
        buttonLabel: 'Create',
        defaultPath: path.join(defaultFolder(), `Untitled${PROJECT_EXTENSION}`),
        filters: PROJECT_FILTERS,
        properties: ['createDirectory'],
      });
      return r.canceled || !r.filePath ? null : withProjectExtension(r.filePath);
    },
    async openProject() {
      const r = await dialogApi.showOpenDialog({ title: 'Open Project', defaultPath: defaultFolder(), filters: [...PROJECT_FILTERS, ALL_FILES], properties: ['openFile'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async importFiles() {
      const r = await dialogApi.showOpenDialog({ title: 'Import Spectra', buttonLabel: 'Import', filters: importFilters(formats), properties: ['openFile', 'multiSelections'] });
      return r.canceled || !r.filePaths.length ? null : r.filePaths;
    },
    async labelsFile() {
      const r = await dialogApi.showOpenDialog({ title: 'Choose Label Table', filters: LABEL_FILTERS, properties: ['openFile'] });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    async exportFolder(suggested: string) {
      const r = await dialogApi.showSaveDialog({ title: 'Export Run', buttonLabel: 'Export', defaultPath: path.join(defaultFolder(), suggested), properties: ['createDirectory'] });
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async predictFiles() {
      const r = await dialogApi.showOpenDialog({ title: 'Spectra to Predict', buttonLabel: 'Predict', filters: importFilters(formats), properties: ['openFile', 'multiSelections'] });
      return r.canceled || !r.filePaths.length ? null : r.filePaths;
    },
  };
}
