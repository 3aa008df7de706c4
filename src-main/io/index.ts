import path from 'node:path';
import { UserError } from '../common/errors';
import type { ImportOptions, ParsedBatch } from '../common/domain/spectra';
import { parseDelimited } from './csv';
import { parseXY } from './xy';
import { parseJcamp } from './jcamp';
import { parseSpc } from './spc';
import { parseWdf } from './wdf';
import { parseOpus } from './opus';
import { SPA_MAGIC, parseSpa } from './spa';
import { SP_MAGIC, parseSp } from './sp';
import { refuseKnownUnsupported } from './refused';
import { parseWitec, WITEC_MAGIC } from './witec';
import { startsWithText } from './binary-reader';
import { sniffTextKind } from './text-sniff';
import { looksLikeWireText, parseWireText } from './wire-text';
import { isEnviHeader, parseEnvi } from './envi';
import { looksLikeLongTable, parseLongTable } from './long-table';

export interface FormatInfo {
  id: string;
  /** A few words for the one-line refusal, which lists every format and so must stay short. */
  short: string;
  label: string;
  extensions: string[];
}

/** Formats the importer reads, for the README, the Import dialog filter and error messages. */
export const SUPPORTED_FORMATS: readonly FormatInfo[] = [
  { id: 'csv-wide', short: 'CSV/TSV tables', label: 'CSV/TSV table, one spectrum per row (axis values as column headers)', extensions: ['csv', 'tsv', 'txt', 'tab'] },
  { id: 'table-headerless', short: 'CSV/TSV tables', label: 'Headerless numeric table with the label in a column (e.g. UCR archive)', extensions: ['tsv', 'csv', 'txt'] },
  { id: 'xy', short: 'x,y text', label: 'Two-column x,y text file (one spectrum per file)', extensions: ['txt', 'xy', 'dpt', 'csv', 'asc', 'prn'] },
  { id: 'jcamp', short: 'JCAMP-DX', label: 'JCAMP-DX', extensions: ['jdx', 'dx', 'jcamp', 'jcm'] },
  { id: 'spc', short: 'SPC', label: 'Thermo Galactic GRAMS SPC', extensions: ['spc'] },
  { id: 'wdf', short: 'WDF', label: 'Renishaw WiRE WDF', extensions: ['wdf'] },
  { id: 'csv-long', short: 'CSV/TSV tables', label: 'CSV/TSV long table, one row per point (sample, channel, x, y columns)', extensions: ['csv', 'tsv', 'txt'] },
  { id: 'wire-text', short: 'WiRE map text', label: 'Renishaw WiRE map text export (X Y Wave Intensity rows)', extensions: ['txt', 'tsv', 'csv'] },
  { id: 'envi', short: 'ENVI cubes', label: 'ENVI image cube (.hdr with its BSQ/BIL/BIP data file beside it)', extensions: ['hdr'] },
  { id: 'opus', short: 'OPUS', label: 'Bruker OPUS', extensions: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  { id: 'spa', short: 'OMNIC SPA', label: 'Thermo OMNIC SPA', extensions: ['spa'] },
  { id: 'sp', short: 'PerkinElmer SP', label: 'PerkinElmer Spectrum SP', extensions: ['sp'] },
  { id: 'witec', short: 'WITec .wip', label: 'WITec Project (.wip: its spectra, maps with their stage positions)', extensions: ['wip'] },
];

const SPC_MAGIC = new Set([0x4b, 0x4c, 0x4d]);

/** Picks the reader by content first (extensions lie), then by extension. */
export function detectFormat(bytes: Uint8Array, fileName: string): string {
  if (bytes.length === 0) throw new UserError('BAD_INPUT', `${fileName} is empty.`, { file: fileName });
  const ext = path.extname(fileName).slice(1).toLowerCase();
  if (bytes.length >= 4 && bytes[0] === 0x57 && bytes[1] === 0x44 && bytes[2] === 0x46 && bytes[3] === 0x31) return 'wdf';
  if (bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0a && bytes[2] === 0xfe && bytes[3] === 0xfe) return 'opus';
  if (startsWithText(bytes, SPA_MAGIC)) return 'spa';
  if (startsWithText(bytes, SP_MAGIC)) return 'sp';
  if (isEnviHeader(bytes)) return 'envi';
  if (startsWithText(bytes, WITEC_MAGIC)) return 'witec';
  refuseKnownUnsupported(bytes, fileName);
  // A damaged file with these extensions gets the reader's account of what is wrong, not "unknown format".
  if (ext === 'spa' || ext === 'sp') return ext;
  if (ext === 'spc' && bytes.length >= 2 && SPC_MAGIC.has(bytes[1]!)) return 'spc';
  const kind = sniffTextKind(bytes, fileName);
  if (kind === 'jcamp') return 'jcamp';
  if (kind === 'xy') return 'xy';
  if (kind === 'table') return looksLikeWireText(bytes) ? 'wire-text' : looksLikeLongTable(bytes) ? 'csv-long' : 'table';
  if (bytes.length >= 2 && SPC_MAGIC.has(bytes[1]!)) return 'spc';
  throw new UserError(
    'UNSUPPORTED_FORMAT',
    `${fileName} is not a format Spectra Desk can read. Supported: ${[...new Set(SUPPORTED_FORMATS.map((f) => f.short))].join(', ')}. Export it from the instrument software as CSV or JCAMP-DX.`,
    { file: fileName },
  );
}

/** Parses one file's bytes with the reader its content calls for. */
export function parseFile(bytes: Uint8Array, fileName: string, options: ImportOptions = {}): ParsedBatch {
  const format = detectFormat(bytes, fileName);
  switch (format) {
    case 'wdf':
      return parseWdf(bytes, fileName, options);
    case 'opus':
      return parseOpus(bytes, fileName, options);
    case 'spc':
      return parseSpc(bytes, fileName, options);
    case 'spa':
      return parseSpa(bytes, fileName, options);
    case 'sp':
      return parseSp(bytes, fileName, options);
    case 'jcamp':
      return parseJcamp(bytes, fileName, options);
    case 'xy':
      return parseXY(bytes, fileName, options);
    case 'envi':
      return parseEnvi(bytes, fileName, options);
    case 'wire-text':
      return parseWireText(bytes, fileName, options);
    case 'csv-long':
      return parseLongTable(bytes, fileName, options);
    case 'witec':
      return parseWitec(bytes, fileName, options);
    default:
      return parseDelimited(bytes, fileName, options);
  }
}
