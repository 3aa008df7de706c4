/**
 * Recognises instrument formats we know but do not read yet, so the user gets a way
 * forward ("export as CSV or JCAMP-DX") instead of a generic "unknown format" or,
 * worse, a binary file misread as a text table.
 */
import { baseName } from '../common/domain/file-names';
import { UserError } from '../common/errors';
import { startsWithText } from './binary-reader';

interface KnownFormat {
  name: string;
  extensions: readonly string[];
  /** ASCII text the file starts with. */
  magic: string;
  howToExport: string;
}

const KNOWN_UNSUPPORTED: readonly KnownFormat[] = [
  {
    // WITec Project files (WIT_PRCT) are read by witec.ts; single data files have no fixture to check a reader on.
    name: 'WITec Data (.wid)',
    extensions: ['wid'],
    magic: 'WIT_DATA',
    howToExport: 'Open it in WITec Project and save the project (.wip), or export the spectra as text (Spectral data → ASCII, or Graph → Export → Table), and import that.',
  },
];

/** Throws UNSUPPORTED_FORMAT for a recognised unsupported file (by magic bytes or extension); returns otherwise. */
export function refuseKnownUnsupported(bytes: Uint8Array, fileName: string): void {
  const ext = extensionOf(fileName);
  for (const format of KNOWN_UNSUPPORTED) {
    if (startsWithText(bytes, format.magic) || format.extensions.includes(ext)) {
      throw new UserError('UNSUPPORTED_FORMAT', `${fileName}: ${format.name} files are not supported yet. ${format.howToExport}`, {
        file: fileName,
      });
    }
  }
}

function extensionOf(fileName: string): string {
  const base = baseName(fileName);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
