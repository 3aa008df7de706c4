/**
 * What every importer produces. Importers are pure: bytes in, a ParsedBatch out,
 * or a UserError naming the file and the line/field that is wrong.
 */

/** Units of the spectral axis, in the order lists and menus show them. */
export const AXIS_UNITS = ['cm-1', 'nm', 'um', 'min', 'mz', 'index', 'other'] as const;

export type AxisUnit = (typeof AXIS_UNITS)[number];

export function isAxisUnit(text: string): text is AxisUnit {
  return (AXIS_UNITS as readonly string[]).includes(text);
}

export const AXIS_UNIT_LABELS: Record<AxisUnit, string> = {
  'cm-1': 'cm⁻¹',
  nm: 'nm',
  um: 'µm',
  min: 'min',
  mz: 'm/z',
  index: 'point index',
  other: 'arbitrary',
};

export type SplitTag = 'train' | 'test';

export interface ParsedAxis {
  /** Axis values in file order (may be descending, e.g. wavenumbers high→low). */
  values: Float64Array;
  unit: AxisUnit;
  /** True when the unit was read from the file; false when guessed or defaulted. */
  unitFromFile: boolean;
}

/** A metadata value as read from the file: strings stay strings, numbers are numbers. */
export type MetaValue = string | number | null;

export interface ParsedSample {
  /** Sample id, unique within the batch (file stem, row id, "file#3", ...). */
  id: string;
  /** Index into ParsedBatch.axes. */
  axis: number;
  /** One or more channels, each the same length as its axis; all values finite. */
  channels: Float32Array[];
  /** Metadata columns (class labels, numeric targets, ids) by column name. */
  meta: Record<string, MetaValue>;
  split?: SplitTag | null;
  /** Map coordinates (hyperspectral maps), in the instrument's units (µm for Renishaw). */
  mapX?: number | null;
  mapY?: number | null;
  /** Where in the source file this sample came from: 1-based line, or record index. */
  sourceLine?: number;
  sourceIndex?: number;
}

/** Hints for how a metadata column should be typed; importer may leave kinds to inference. */
export type ColumnKind = 'class' | 'number' | 'text';

export interface ParsedBatch {
  /** Format id: 'csv-wide', 'table-headerless', 'xy', 'jcamp', 'spc', 'wdf', 'wire-text', 'envi', 'opus', 'spa', 'sp', 'witec'. */
  format: string;
  axes: ParsedAxis[];
  samples: ParsedSample[];
  /** Column kinds the importer knows for sure (e.g. the label column of a UCR table is a class). */
  columnKinds?: Record<string, ColumnKind>;
  /**
   * Named channels, each on its own axis (an index into `axes`; a sample's `axis` is channel 0's),
   * when every sample has these channels in this order (a long table with a channel column).
   */
  channels?: { name: string; axis: number }[];
  /** Samples left out because they lack a channel, when the import was asked to drop them. */
  dropped?: IncompleteSample[];
  /** What the intensities are ("absorbance", "transmittance", "counts"), when the file says. */
  yUnit?: string;
  /** Non-fatal notes for the user ("3 blocks of LINK file skipped: not spectra"). */
  warnings: string[];
}

/** A sample left out of an import for lacking channels (`--drop-incomplete`). */
export interface IncompleteSample {
  sample: string;
  missing: string[];
}

/** Options shared by importers; each importer reads the ones that apply to it. */
export interface ImportOptions {
  /** Axis unit given by the user: used when the file does not state its unit (text tables, XY files). */
  axisUnit?: AxisUnit;
  /** Headerless tables: 0-based column index holding the class label (default 0), or null for none. */
  labelColumn?: number | null;
  /** Wide tables: name of a column holding train/test per row. */
  splitColumn?: string;
  /** Whole-file split tag. */
  splitTag?: SplitTag;
  /** Called with fraction done in [0, 1] for long parses. */
  onProgress?: (fraction: number) => void;
  /** Checked between chunks; an aborted parse throws UserError('CANCELLED'). */
  signal?: AbortSignal;
  /** Samples that lack a channel are left out (and named) instead of refused. */
  dropIncomplete?: boolean;
  /** A second file the format needs beside the one imported: the data file of an ENVI header. */
  companion?: { name: string; bytes: Uint8Array };
}
