/**
 * Importer for delimited tables holding one spectrum per row:
 * - wide tables whose column headers are the axis (`id,class,4000,3998,…`), incl. Orange's
 *   three-row header and tables whose spectral headers are `prefix_1…prefix_N` (tecator);
 * - headerless numeric tables with the class label in one column (UCR archive).
 *
 * Numbers go straight from bytes into one Float32Array per sample (see delimited.ts); only
 * header and metadata cells are decoded to strings.
 */
import type {
  AxisUnit,
  ColumnKind,
  ImportOptions,
  MetaValue,
  ParsedBatch,
  ParsedSample,
  SplitTag,
} from '../common/domain/spectra';
import { AXIS_UNIT_LABELS } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { UserError, badInput } from '../common/errors';
import { excerpt, quoteExcerpt } from '../common/format/excerpt';
import {
  type Dialect,
  FLOAT32_MAX,
  FieldReader,
  bomLength,
  findNul,
  isBlank,
  numberProblem,
  parseNumberText,
  sniffDialect,
} from './delimited';

/** Column roles in the per-cell loop; small integers so the hot loop switches on a typed array. */
const AXIS = 0;
const META = 1;
const ID = 2;
const SPLIT = 3;
const SKIP = 4;
const MAP_X = 5;
const MAP_Y = 6;

/** Report progress and check for cancellation after every this many bytes. */
const PROGRESS_STEP = 1 << 20;

/** Header names (lower-cased) that hold the sample id. */
const ID_NAMES = new Set(['id', 'sample', 'sample_id', 'sampleid', 'sample id', 'sample_name', 'name']);

/**
 * Map coordinate columns: `x` or `y`, optionally prefixed `map_`/`map `/`map-` (Orange) and
 * optionally followed by a length unit (`x_um`, `X (µm)`, `y [mm]`, `x px`). Case-insensitive.
 * Only a pair is a map: a lone `x` column stays metadata.
 */
const MAP_COORD = /^(?:map[ _-]?)?([xy])(?:[ _-]?[([]?\s*(?:µm|μm|um|mm|nm|px|pixels?|microns?)\s*[)\]]?)?$/i;

const TRAIN_WORDS = new Set(['train', 'training', 'cal', 'calibration']);
const TEST_WORDS = new Set(['test', 'testing', 'val', 'validation', 'validate', 'pred', 'prediction']);

/** Orange's second header row: variable types. */
const ORANGE_TYPES = new Set(['', 'd', 'c', 's', 't', 'discrete', 'continuous', 'string', 'time']);
/** Orange's third header row: variable roles. */
const ORANGE_ROLES = new Set(['', 'class', 'c', 'meta', 'm', 'ignore', 'i', 'weight', 'w']);

/**
 * Rejects input that is not a text table before any parsing: empty (or whitespace only) and
 * binary (NUL bytes, which no text export contains). Returns the offset after a UTF-8 BOM.
 */
export function checkTextInput(bytes: Uint8Array, fileName: string): number {
  const start = bomLength(bytes);
  if (isBlank(bytes, start)) throw badInput(fileName, `${fileName} is empty.`);
  const nul = findNul(bytes);
  if (nul >= 0) {
    throw badInput(
      fileName,
      `${fileName} is not a text file (it contains a NUL byte at offset ${nul}); it may be an instrument's binary format or a spreadsheet (.xlsx) renamed. Export it as CSV.`,
    );
  }
  return start;
}

/** Maps a unit written in a header ("cm-1", "Wavelength (nm)", "wavenumber") to an AxisUnit, or null. */
export function unitFromText(text: string): AxisUnit | null {
  const t = text.trim().toLowerCase();
  if (/(cm-1|cm\^-1|cm⁻¹|1\/cm|wavenumber)/.test(t)) return 'cm-1';
  if (/(µm|μm|\bum\b|micron)/.test(t)) return 'um';
  if (/(\bnm\b|nanomet|wavelength)/.test(t)) return 'nm';
  return null;
}

/**
 * Guesses the unit of an axis from its values when the file does not say. Rules of thumb:
 * consecutive integers from 0 or 1 are point indices; anything reaching above 2600 is a
 * wavenumber axis (MIR up to 4000, NIR up to 12500 cm⁻¹); 0.1–30 is µm; 150–2600 with a
 * uniform, whole or half-unit step running upward is a nm wavelength axis (UV-Vis/NIR
 * spectrometers report on such grids), while descending or irregular steps in that range are
 * FTIR wavenumbers (e.g. 1801.26 → 902.56, or 428, 429, 431 …).
 */
export function guessAxisUnit(values: Float64Array): { unit: AxisUnit; reason: string } {
  const n = values.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  let consecutive = n > 0 && (values[0] === 0 || values[0] === 1);
  let minStep = Infinity;
  let maxStep = -Infinity;
  for (let i = 1; i < n; i++) {
    const step = values[i]! - values[i - 1]!;
    if (step !== 1) consecutive = false;
    minStep = Math.min(minStep, Math.abs(step));
    maxStep = Math.max(maxStep, Math.abs(step));
  }
  if (consecutive) return { unit: 'index', reason: 'the values are consecutive integers' };
  const ascending = n < 2 || values[n - 1]! > values[0]!;
  const uniform = n > 1 && maxStep - minStep <= 1e-6 * Math.max(1, maxStep);
  const halfUnitStep = uniform && Math.abs(minStep * 2 - Math.round(minStep * 2)) < 1e-6;
  if (max > 2600 && max <= 25000 && min >= 0) return { unit: 'cm-1', reason: 'the axis reaches above 2600' };
  if (min >= 0.1 && max <= 30) return { unit: 'um', reason: 'the axis lies within 0.1–30' };
  if (min >= 150 && max <= 2600) {
    if (ascending && halfUnitStep) return { unit: 'nm', reason: `the axis rises in uniform steps of ${minStep}` };
    return { unit: 'cm-1', reason: ascending ? 'the steps are irregular' : 'the axis is descending' };
  }
  return { unit: 'other', reason: 'the range matches no usual unit' };
}

/** Maps a split-column cell to train/test; null when the word is not one of the accepted spellings. */
export function parseSplitValue(text: string): SplitTag | null {
  const t = text.trim().toLowerCase();
  if (TRAIN_WORDS.has(t)) return 'train';
  if (TEST_WORDS.has(t)) return 'test';
  return null;
}

/** A header cell that is an axis value: a number, optionally followed by a unit ("1650.5 cm-1"). */
function headerAxisValue(cell: string, decimalComma: boolean): { value: number; unit: AxisUnit | null } | null {
  const m = /^\s*(\S+?)\s*(cm-1|cm\^-1|cm⁻¹|1\/cm|nm|µm|μm|um)?\s*$/i.exec(cell);
  if (!m) return null;
  let value = parseNumberText(m[1]!, decimalComma);
  if (value !== value && decimalComma) value = parseNumberText(m[1]!, false);
  if (!Number.isFinite(value)) return null;
  return { value, unit: m[2] ? unitFromText(m[2]) : null };
}

/** -1 when strictly decreasing, 1 when strictly increasing, 0 otherwise (or fewer than 2 values). */
function monotonicDirection(values: ArrayLike<number>): number {
  if (values.length < 2) return 0;
  const dir = values[1]! > values[0]! ? 1 : values[1]! < values[0]! ? -1 : 0;
  if (dir === 0) return 0;
  for (let i = 2; i < values.length; i++) {
    const d = values[i]! - values[i - 1]!;
    if (dir > 0 ? !(d > 0) : !(d < 0)) return 0;
  }
  return dir;
}

/** The record's values as numbers, or null when any field is not a finite number. */
function numericRecord(fields: string[], decimalComma: boolean): number[] | null {
  const out: number[] = [];
  for (const f of fields) {
    const v = parseNumberText(f, decimalComma);
    if (!Number.isFinite(v)) return null;
    out.push(v);
  }
  return out;
}

/** Everything the row loop needs to know about the columns. */
interface TablePlan {
  format: 'csv-wide' | 'table-headerless';
  kinds: Uint8Array;
  /** Column names as they appear in messages ("1650.5", "class", "column 5"). */
  names: string[];
  /** For AXIS columns: position in the spectrum; for META columns: index into metaNames. */
  slot: Int32Array;
  axis: Float64Array;
  /** Unit stated by the file (header suffixes, row name), if any. */
  statedUnit: AxisUnit | null;
  /** Set when the axis is a point index by construction (headerless, prefix_N names). */
  indexAxis: boolean;
  metaNames: string[];
  /** Metadata columns kept as strings even when numeric (class labels). */
  metaAsText: boolean[];
  columnKinds: Record<string, ColumnKind>;
  warnings: string[];
  /** Quoted name of column `c` for messages: `column "1650.5"` or `column 5`. */
  quoteNames: boolean;
  /** How many values a row must have, in words: "1024 wavenumbers", "235 values". */
  expected: (unit: AxisUnit) => string;
}

/** Header texts of the first and last columns of a run, for messages. */
function spanText(names: string[], from: number, to: number): string {
  return `${quoteExcerpt(names[from]!)}…${quoteExcerpt(names[to]!)}`;
}

/**
 * Finds the spectral columns of a header whose cells are not numbers: the longest run of
 * adjacent columns named `<prefix><number>` with one prefix (tecator: absorbance_1…absorbance_100
 * beats principal_component_1…22). Returns [first, last] or null.
 */
function prefixedRun(header: string[]): { from: number; to: number; values: number[] } | null {
  let best: { from: number; to: number; values: number[] } | null = null;
  let i = 0;
  while (i < header.length) {
    const m = /^(.*?[^\d.])(\d+(?:\.\d+)?)$/.exec(header[i]!.trim());
    if (!m) {
      i++;
      continue;
    }
    const prefix = m[1]!;
    const values = [Number(m[2])];
    let j = i + 1;
    while (j < header.length) {
      const mj = /^(.*?[^\d.])(\d+(?:\.\d+)?)$/.exec(header[j]!.trim());
      if (!mj || mj[1] !== prefix) break;
      values.push(Number(mj[2]));
      j++;
    }
    if (values.length >= 2 && monotonicDirection(values) !== 0 && (!best || values.length > best.values.length)) {
      best = { from: i, to: j - 1, values };
    }
    i = j;
  }
  return best;
}

/** Looks up the split column by exact, then case-insensitive name. */
function findColumn(header: string[], name: string): number {
  const exact = header.findIndex((h) => h.trim() === name);
  if (exact >= 0) return exact;
  const lower = name.toLowerCase();
  return header.findIndex((h) => h.trim().toLowerCase() === lower);
}

/** Orange's per-column type and role rows, when the file has them. */
interface OrangeHeader {
  types: string[];
  roles: string[];
}

/** True when rows 2 and 3 are Orange's type and role rows (`d`/`c`… and `class`/`meta`…). */
function isOrangeHeader(types: string[] | undefined, roles: string[] | undefined): boolean {
  if (!types || !roles) return false;
  const t = types.map((s) => s.trim().toLowerCase());
  const r = roles.map((s) => s.trim().toLowerCase());
  return (
    t.every((s) => ORANGE_TYPES.has(s)) &&
    t.some((s) => s === 'c' || s === 'continuous') &&
    r.every((s) => ORANGE_ROLES.has(s)) &&
    r.some((s) => s !== '')
  );
}

/** The noun for a count of axis values in messages. */
function axisNoun(unit: AxisUnit): string {
  if (unit === 'cm-1') return 'wavenumbers';
  if (unit === 'nm' || unit === 'um') return 'wavelengths';
  return 'spectral columns';
}

/**
 * Plans a table with a header row: which columns are the spectrum, the id, the split, metadata.
 * Spectral columns must be adjacent: a metadata column in the middle of the spectrum is almost
 * always a broken export, and silently gluing the two halves would join unrelated points.
 */
function planWithHeader(
  header: string[],
  fileName: string,
  dialect: Dialect,
  opts: ImportOptions,
  orange: OrangeHeader | null,
): TablePlan {
  const n = header.length;
  const names = header.map((h, i) => (h.trim() === '' ? `column ${i + 1}` : h.trim()));
  const warnings: string[] = [];
  const axisCells = header.map((h, i) => {
    const type = orange?.types[i]?.trim().toLowerCase() ?? '';
    if (orange && type !== 'c' && type !== 'continuous' && type !== '') return null;
    return headerAxisValue(h, dialect.decimalComma);
  });
  const numericCols: number[] = [];
  axisCells.forEach((a, i) => {
    if (a) numericCols.push(i);
  });
  let from: number;
  let to: number;
  let axisValues: number[];
  let indexAxis = false;
  if (numericCols.length >= 2) {
    from = numericCols[0]!;
    to = numericCols[numericCols.length - 1]!;
    for (let c = from; c <= to; c++) {
      if (!axisCells[c]) {
        throw badInput(
          fileName,
          `${fileName}: column ${quoteExcerpt(names[c]!)} sits between the spectral columns ${quoteExcerpt(names[from]!)} and ${quoteExcerpt(names[to]!)}. Move metadata columns before or after the spectrum.`,
          { field: excerpt(names[c]!) },
        );
      }
    }
    axisValues = numericCols.map((c) => axisCells[c]!.value);
  } else {
    const run = prefixedRun(names);
    if (!run) {
      const shown = names.slice(0, 6).map((h) => quoteExcerpt(h)).join(', ');
      throw badInput(
        fileName,
        `${fileName}: no spectral columns found. A wide table needs column headers that are axis values (e.g. 4000, 3998, … or "1650 cm-1"); this header has ${shown}${n > 6 ? ', …' : ''}.`,
      );
    }
    from = run.from;
    to = run.to;
    axisValues = run.values;
    indexAxis = true;
    warnings.push(
      `${fileName}: the spectral columns ${spanText(names, from, to)} have no axis values; the number in each name is used as the axis (point index). Set the axis unit when importing (Import form: More options → Axis unit; command line: --axis-unit) to change it.`,
    );
  }
  const direction = monotonicDirection(axisValues);
  if (direction === 0) {
    for (let k = 1; k < axisValues.length; k++) {
      const d = axisValues[k]! - axisValues[k - 1]!;
      const dir = axisValues[1]! - axisValues[0]!;
      if (d === 0 || Math.sign(d) !== Math.sign(dir)) {
        throw badInput(
          fileName,
          `${fileName}: the axis in the header is not strictly ${dir > 0 ? 'increasing' : 'decreasing'}: column ${quoteExcerpt(names[from + k]!)} follows ${quoteExcerpt(names[from + k - 1]!)}.`,
          { field: excerpt(names[from + k]!) },
        );
      }
    }
  }
  const kinds = new Uint8Array(n).fill(META);
  const slot = new Int32Array(n);
  for (let c = from; c <= to; c++) {
    kinds[c] = AXIS;
    slot[c] = c - from;
  }
  const suffixUnits = new Set<AxisUnit>();
  for (let c = from; c <= to; c++) {
    const u = axisCells[c]?.unit;
    if (u) suffixUnits.add(u);
  }
  let statedUnit: AxisUnit | null = suffixUnits.size === 1 ? [...suffixUnits][0]! : null;
  if (!statedUnit && from > 0) statedUnit = unitFromText(header[0]!);

  let splitCol = -1;
  if (opts.splitColumn !== undefined) {
    splitCol = findColumn(header, opts.splitColumn);
    if (splitCol < 0 || kinds[splitCol] === AXIS) {
      const metaCols = names.filter((_, c) => kinds[c] !== AXIS);
      throw badInput(
        fileName,
        `${fileName} has no column ${quoteExcerpt(opts.splitColumn)} for the train/test split; its non-spectral columns are ${metaCols.length ? metaCols.map((h) => quoteExcerpt(h)).join(', ') : '(none)'}.`,
        { field: excerpt(opts.splitColumn) },
      );
    }
    kinds[splitCol] = SPLIT;
  }
  const idCol = names.findIndex((h, c) => kinds[c] === META && ID_NAMES.has(h.toLowerCase()));
  if (idCol >= 0) kinds[idCol] = ID;
  markMapColumns(kinds, names, fileName);
  if (n - 1 > to && header[n - 1]!.trim() === '' && kinds[n - 1] === META) kinds[n - 1] = SKIP;

  const metaNames: string[] = [];
  const metaAsText: boolean[] = [];
  const columnKinds: Record<string, ColumnKind> = {};
  const seen = new Map<string, number>();
  for (let c = 0; c < n; c++) {
    if (orange) {
      const role = orange.roles[c]?.trim().toLowerCase() ?? '';
      if ((role === 'ignore' || role === 'i') && kinds[c] !== AXIS) kinds[c] = SKIP;
    }
    if (kinds[c] !== META) continue;
    const name = names[c]!;
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw badInput(fileName, `${fileName}: columns ${prev + 1} and ${c + 1} are both named ${quoteExcerpt(name)}.`, { field: excerpt(name) });
    }
    seen.set(name, c);
    slot[c] = metaNames.length;
    metaNames.push(name);
    const type = orange?.types[c]?.trim().toLowerCase() ?? '';
    const role = orange?.roles[c]?.trim().toLowerCase() ?? '';
    metaAsText.push(type === 'd' || type === 'discrete' || type === 's' || type === 'string');
    if (role === 'class' || role === 'c') columnKinds[name] = 'class';
  }
  const nAxis = to - from + 1;
  const extra = n - nAxis;
  return {
    format: 'csv-wide',
    kinds,
    names,
    slot,
    axis: Float64Array.from(axisValues),
    statedUnit,
    indexAxis,
    metaNames,
    metaAsText,
    columnKinds,
    warnings,
    quoteNames: true,
    expected: (unit) =>
      extra === 0 ? `${nAxis} ${axisNoun(unit)}` : `${n} columns (${extra} metadata + ${nAxis} ${axisNoun(unit)})`,
  };
}

/**
 * Marks the x and y columns (MAP_COORD) as the map coordinates. Two columns for one
 * coordinate (`x` and `x_um`) would leave the grid ambiguous, so that is refused.
 */
function markMapColumns(kinds: Uint8Array, names: string[], fileName: string): void {
  const found: Record<'x' | 'y', number[]> = { x: [], y: [] };
  names.forEach((name, c) => {
    const m = kinds[c] === META ? MAP_COORD.exec(name) : null;
    if (m) found[m[1]!.toLowerCase() as 'x' | 'y'].push(c);
  });
  for (const axis of ['x', 'y'] as const) {
    const cols = found[axis];
    if (cols.length > 1) {
      throw badInput(
        fileName,
        `${fileName}: columns ${cols.map((c) => quoteExcerpt(names[c]!)).join(' and ')} both name the map's ${axis} coordinate; rename all but one.`,
        { field: excerpt(names[cols[1]!]!) },
      );
    }
  }
  if (found.x.length === 1 && found.y.length === 1) {
    kinds[found.x[0]!] = MAP_X;
    kinds[found.y[0]!] = MAP_Y;
  }
}

/** Plans a headerless numeric table: one optional label column, the rest is the spectrum. */
function planHeaderless(width: number, fileName: string, opts: ImportOptions): TablePlan {
  const labelColumn = opts.labelColumn === undefined ? 0 : opts.labelColumn;
  if (labelColumn !== null && (!Number.isInteger(labelColumn) || labelColumn < 0 || labelColumn >= width)) {
    throw badInput(
      fileName,
      `${fileName}: label column ${labelColumn} does not exist; rows have ${width} values (columns 0–${width - 1}).`,
    );
  }
  const kinds = new Uint8Array(width).fill(AXIS);
  const slot = new Int32Array(width);
  let k = 0;
  for (let c = 0; c < width; c++) {
    if (c === labelColumn) {
      kinds[c] = META;
      slot[c] = 0;
    } else {
      slot[c] = k++;
    }
  }
  const axis = new Float64Array(k);
  for (let i = 0; i < k; i++) axis[i] = i + 1;
  return {
    format: 'table-headerless',
    kinds,
    names: Array.from({ length: width }, (_, c) => `column ${c + 1}`),
    slot,
    axis,
    statedUnit: null,
    indexAxis: true,
    metaNames: labelColumn === null ? [] : ['class'],
    metaAsText: labelColumn === null ? [] : [true],
    columnKinds: labelColumn === null ? {} : { class: 'class' },
    warnings: [
      `${fileName} has no header, so it has no axis values: the ${k} points are numbered 1–${k} (point index)${labelColumn === null ? '' : ` and column ${labelColumn + 1} is used as the class label`}.`,
    ],
    quoteNames: false,
    expected: () => `${width} values`,
  };
}

/** Converts a metadata column: numbers when every non-empty cell is a finite number, else strings; empty → null. */
function typeColumn(cells: string[], asText: boolean, decimalComma: boolean): MetaValue[] {
  const out: MetaValue[] = new Array<MetaValue>(cells.length);
  let numeric = !asText;
  for (let i = 0; i < cells.length && numeric; i++) {
    const t = cells[i]!;
    if (t === '') continue;
    if (!Number.isFinite(parseNumberText(t, decimalComma))) numeric = false;
  }
  for (let i = 0; i < cells.length; i++) {
    const t = cells[i]!;
    out[i] = t === '' ? null : numeric ? parseNumberText(t, decimalComma) : t;
  }
  return out;
}

/** Decides the axis unit: user option, then what the file states, then a guess with a warning. */
function resolveUnit(plan: TablePlan, fileName: string, opts: ImportOptions): { unit: AxisUnit; fromFile: boolean } {
  if (opts.axisUnit) {
    if (plan.format === 'table-headerless' && opts.axisUnit !== 'index') {
      plan.warnings.push(`${fileName}: the axis unit ${opts.axisUnit} was ignored: the file has no axis values, only point numbers.`);
      return { unit: 'index', fromFile: false };
    }
    return { unit: opts.axisUnit, fromFile: false };
  }
  if (plan.statedUnit) return { unit: plan.statedUnit, fromFile: true };
  if (plan.indexAxis) return { unit: 'index', fromFile: false };
  const guess = guessAxisUnit(plan.axis);
  const first = plan.axis[0]!;
  const last = plan.axis[plan.axis.length - 1]!;
  plan.warnings.push(
    `${fileName}: the file does not state the axis unit; guessed ${AXIS_UNIT_LABELS[guess.unit]} because ${guess.reason} (${first} → ${last}). If that is wrong, import again with the axis unit set (Import form: More options → Axis unit; command line: --axis-unit cm-1|nm|um|index|other).`,
  );
  return { unit: guess.unit, fromFile: false };
}

/** The error for a row with the wrong number of values. */
function raggedError(fileName: string, line: number, count: number, expected: string, headerless: boolean): UserError {
  return badInput(
    fileName,
    `Line ${line} of ${fileName} has ${count} value${count === 1 ? '' : 's'}; the ${headerless ? 'first row' : 'header'} has ${expected}.`,
    { line },
  );
}

/**
 * Parses a delimited table (CSV/TSV/`;`/whitespace) with one spectrum per row.
 * Throws UserError('BAD_INPUT') naming file, line and column for anything it cannot import exactly,
 * and UserError('CANCELLED') when `opts.signal` is aborted.
 */
export function parseDelimited(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const start = checkTextInput(bytes, fileName);
  const dialect = sniffDialect(bytes, start);
  const reader = new FieldReader(bytes, fileName, dialect, start);
  const first = reader.readTextRecord();
  if (!first) throw badInput(fileName, `${fileName} is empty.`);
  const afterFirst = { pos: reader.pos, line: reader.line };
  const second = reader.readTextRecord();
  const third = reader.readTextRecord();
  const afterThird = { pos: reader.pos, line: reader.line };

  let plan: TablePlan;
  let dataAt: { pos: number; line: number };
  const firstNumbers = numericRecord(first.fields, dialect.decimalComma);
  const secondNumbers = second ? numericRecord(second.fields, dialect.decimalComma) : null;
  const firstDir = firstNumbers ? monotonicDirection(firstNumbers) : 0;
  const headerIsAxis = firstNumbers !== null && firstDir !== 0 && !(secondNumbers && monotonicDirection(secondNumbers) === firstDir);
  if (firstNumbers && !headerIsAxis) {
    plan = planHeaderless(first.fields.length, fileName, opts);
    dataAt = { pos: start, line: 1 };
  } else if (isOrangeHeader(second?.fields, third?.fields)) {
    plan = planWithHeader(first.fields, fileName, dialect, opts, { types: second!.fields, roles: third!.fields });
    dataAt = afterThird;
  } else {
    plan = planWithHeader(first.fields, fileName, dialect, opts, null);
    dataAt = afterFirst;
  }
  if (plan.format === 'csv-wide' && !second) {
    throw badInput(fileName, `${fileName} has a header row but no data rows.`);
  }
  const { unit, fromFile } = resolveUnit(plan, fileName, opts);
  reader.seek(dataAt.pos, dataAt.line);
  return readRows(reader, plan, unit, fromFile, dialect, opts);
}

/** The per-row loop: fills one Float32Array per row and collects metadata cells as text. */
function readRows(
  reader: FieldReader,
  plan: TablePlan,
  unit: AxisUnit,
  unitFromFile: boolean,
  dialect: Dialect,
  opts: ImportOptions,
): ParsedBatch {
  const fileName = reader.fileName;
  const { kinds, slot, names } = plan;
  const width = kinds.length;
  const nAxis = plan.axis.length;
  const headerless = plan.format === 'table-headerless';
  const metaCells: string[][] = plan.metaNames.map(() => []);
  const spectra: Float32Array[] = [];
  const lines: number[] = [];
  const ids: string[] = [];
  const splits: (SplitTag | null)[] = [];
  /** x, y of each row, interleaved; empty when the table has no coordinate columns. */
  const coords: number[] = [];
  const idLines = new Map<string, number>();
  const stem = fileStem(fileName);
  const total = reader.end;
  let nextProgress = reader.pos + PROGRESS_STEP;
  checkCancelled(opts, fileName);

  while (reader.startRecord()) {
    const line = reader.recordLine;
    const spectrum = new Float32Array(nAxis);
    let id: string | null = null;
    let split: SplitTag | null = opts.splitTag ?? null;
    let mapX: number | null = null;
    let mapY: number | null = null;
    for (let c = 0; c < width; c++) {
      if (reader.atRecordEnd) throw raggedError(fileName, line, c, plan.expected(unit), headerless);
      const kind = kinds[c];
      if (kind === AXIS) {
        const v = reader.readNumber(true);
        if (!(v <= FLOAT32_MAX && v >= -FLOAT32_MAX)) {
          const text = reader.lastFieldText();
          const problem = numberProblem(text, v);
          const col = plan.quoteNames ? `column ${quoteExcerpt(names[c]!)}` : `column ${c + 1}`;
          throw badInput(fileName, `${fileName} line ${line}, ${col}: ${problem ?? `value ${quoteExcerpt(text)} is not a number`}.`, {
            line,
            field: excerpt(names[c]!),
          });
        }
        spectrum[slot[c]!] = v;
      } else if (kind === META) {
        metaCells[slot[c]!]!.push(reader.readText());
      } else if (kind === ID) {
        id = reader.readText();
      } else if (kind === SPLIT) {
        const text = reader.readText();
        const tag = parseSplitValue(text);
        if (!tag) {
          throw badInput(
            fileName,
            `${fileName} line ${line}, column ${quoteExcerpt(names[c]!)}: ${quoteExcerpt(text)} is not a split. Use train (or training, cal, calibration) or test (or testing, val, validation, validate, pred, prediction).`,
            { line, field: excerpt(names[c]!) },
          );
        }
        split = tag;
      } else if (kind === MAP_X || kind === MAP_Y) {
        const v = reader.readNumber();
        if (!Number.isFinite(v)) {
          const text = reader.lastFieldText();
          throw badInput(
            fileName,
            `${fileName} line ${line}, column ${quoteExcerpt(names[c]!)}: ${text === '' ? 'the map coordinate is empty' : `map coordinate ${quoteExcerpt(text)} is not a number`}.`,
            { line, field: excerpt(names[c]!) },
          );
        }
        if (kind === MAP_X) mapX = v;
        else mapY = v;
      } else {
        reader.readText();
      }
    }
    if (!reader.atRecordEnd) {
      throw raggedError(fileName, line, width + reader.skipRestOfRecord(), plan.expected(unit), headerless);
    }
    const row = spectra.length + 1;
    if (id === null) id = `${stem}:${row}`;
    else if (id === '') throw badInput(fileName, `${fileName} line ${line}: the sample id is empty.`, { line });
    const dup = idLines.get(id);
    if (dup !== undefined) {
      throw badInput(fileName, `${fileName}: sample id ${quoteExcerpt(id)} appears on line ${dup} and again on line ${line}.`, { line });
    }
    idLines.set(id, line);
    spectra.push(spectrum);
    lines.push(line);
    ids.push(id);
    splits.push(split);
    if (mapX !== null) coords.push(mapX, mapY!);
    if (reader.pos >= nextProgress) {
      nextProgress = reader.pos + PROGRESS_STEP;
      opts.onProgress?.(reader.pos / total);
      checkCancelled(opts, fileName);
    }
  }
  if (spectra.length === 0) throw badInput(fileName, `${fileName} has a header row but no data rows.`);
  const metaColumns = plan.metaNames.map((_, m) => typeColumn(metaCells[m]!, plan.metaAsText[m]!, dialect.decimalComma));
  const samples: ParsedSample[] = spectra.map((spectrum, i) => {
    const meta: Record<string, MetaValue> = {};
    plan.metaNames.forEach((name, m) => {
      meta[name] = metaColumns[m]![i]!;
    });
    const sample: ParsedSample = { id: ids[i]!, axis: 0, channels: [spectrum], meta, split: splits[i]!, sourceLine: lines[i]! };
    if (coords.length) {
      sample.mapX = coords[2 * i]!;
      sample.mapY = coords[2 * i + 1]!;
    }
    return sample;
  });
  opts.onProgress?.(1);
  return {
    format: plan.format,
    axes: [{ values: plan.axis, unit, unitFromFile }],
    samples,
    columnKinds: plan.columnKinds,
    warnings: plan.warnings,
  };
}

/** Throws CANCELLED when the caller aborted the import. */
function checkCancelled(opts: ImportOptions, fileName: string): void {
  if (opts.signal?.aborted) throw new UserError('CANCELLED', `Import of ${fileName} was cancelled.`, { file: fileName });
}
