/**
 * Label tables: a CSV/TSV with one row per sample (or per file) and columns such as class,
 * concentration or batch, joined onto imported spectra by file name or sample id.
 *
 * Labels are where silent mistakes hurt most (a model trained on shifted labels looks fine and is
 * wrong), so ambiguity is an error: duplicate keys, a table that matches nothing, ragged rows.
 */
import type { MetaValue } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { type UserError, badInput } from '../common/errors';
import { excerpt, quoteExcerpt } from '../common/format/excerpt';
import { FieldReader, parseNumberText, sniffDialect } from './delimited';
import { checkTextInput } from './csv';

/** Key column names (lower-cased) recognised in a label table's header. */
const KEY_NAMES = ['file', 'filename', 'file_name', 'file name', 'sample', 'sample_id', 'sampleid', 'sample id', 'id'];

/** One data row of a label table. */
export interface LabelRow {
  /** Key as written in the file (trimmed). */
  key: string;
  /** 1-based line in the label file. */
  line: number;
  /** Every column's value, the key column included, typed per column. */
  values: Record<string, MetaValue>;
}

export interface LabelTable {
  fileName: string;
  /** All column names in file order. */
  columns: string[];
  /** The column whose values are matched against file names and sample ids. */
  keyColumn: string;
  /** True when the key column was recognised by its name; false when the first column was taken. */
  keyColumnNamed: boolean;
  rows: LabelRow[];
}

/** A sample as applyLabels needs it; `meta` is extended in place. */
export interface LabelTarget {
  id: string;
  fileName: string;
  meta: Record<string, MetaValue>;
}

/** Normalises a key or file name for matching: no directory, lower case, trimmed. */
function matchKey(text: string): string {
  const t = text.trim();
  return t.slice(Math.max(t.lastIndexOf('/'), t.lastIndexOf('\\')) + 1).toLowerCase();
}

/**
 * Reads a label table: a header row, then one row per sample. The key column is the first one
 * named file/filename/sample/sample_id/id (case-insensitive), else the first column. Columns whose
 * non-empty cells are all numbers become numbers; empty cells become null. Duplicate keys are an
 * error here only for a named key column: a first column taken by default may well be a class
 * column (coffee_labels.csv), so its repeats only matter if applyLabels matches on them.
 */
export function parseLabelTable(bytes: Uint8Array, fileName: string): LabelTable {
  const start = checkTextInput(bytes, fileName);
  const dialect = sniffDialect(bytes, start);
  const reader = new FieldReader(bytes, fileName, dialect, start);
  const header = reader.readTextRecord();
  if (!header) throw badInput(fileName, `${fileName} is empty.`);
  const columns = header.fields.map((h, i) => (h.trim() === '' ? `column ${i + 1}` : h.trim()));
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    const prev = seen.get(c.toLowerCase());
    if (prev !== undefined) {
      throw badInput(fileName, `${fileName}: columns ${prev + 1} and ${i + 1} are both named ${quoteExcerpt(c)}.`, { field: excerpt(c) });
    }
    seen.set(c.toLowerCase(), i);
  });
  const lower = columns.map((c) => c.toLowerCase());
  let keyIndex = -1;
  for (const name of KEY_NAMES) {
    keyIndex = lower.indexOf(name);
    if (keyIndex >= 0) break;
  }
  const keyColumnNamed = keyIndex >= 0;
  if (keyIndex < 0) keyIndex = 0;

  const cells: string[][] = columns.map(() => []);
  const lines: number[] = [];
  for (let rec = reader.readTextRecord(); rec; rec = reader.readTextRecord()) {
    if (rec.fields.length !== columns.length) {
      throw badInput(
        fileName,
        `Line ${rec.line} of ${fileName} has ${rec.fields.length} values; the header has ${columns.length} columns.`,
        { line: rec.line },
      );
    }
    rec.fields.forEach((f, i) => cells[i]!.push(f));
    lines.push(rec.line);
  }
  if (lines.length === 0) throw badInput(fileName, `${fileName} has a header row but no data rows.`);

  const typed = cells.map((col) => {
    const numeric = col.every((t) => t === '' || Number.isFinite(parseNumberText(t, dialect.decimalComma)));
    return col.map((t): MetaValue => (t === '' ? null : numeric ? parseNumberText(t, dialect.decimalComma) : t));
  });
  const keyLines = new Map<string, number>();
  const rows: LabelRow[] = lines.map((line, r) => {
    const key = cells[keyIndex]![r]!.trim();
    if (key === '') throw badInput(fileName, `${fileName} line ${line}: the key (${quoteExcerpt(columns[keyIndex]!)}) is empty.`, { line });
    const k = matchKey(key);
    const prev = keyLines.get(k);
    if (prev !== undefined && keyColumnNamed) throw duplicateKey(fileName, key, prev, line);
    if (prev === undefined) keyLines.set(k, line);
    const values: Record<string, MetaValue> = {};
    columns.forEach((c, i) => {
      values[c] = typed[i]![r]!;
    });
    return { key, line, values };
  });
  return { fileName, columns, keyColumn: columns[keyIndex]!, keyColumnNamed, rows };
}

/** The error for a key that appears twice: naming both lines lets the user fix it in one go. */
function duplicateKey(fileName: string, key: string, firstLine: number, line: number): UserError {
  return badInput(fileName, `${fileName}: key ${quoteExcerpt(key)} appears on line ${firstLine} and again on line ${line}.`, { line });
}

/** Quoted examples for messages: `'A01', 'A02'`. */
function examples(items: string[], max: number): string {
  const shown = items.slice(0, max).map((s) => quoteExcerpt(s, { quote: "'" })).join(', ');
  return items.length > max ? `${shown}, …` : shown;
}

/**
 * The label row of each sample: the row whose key equals (case-insensitive) the sample id, the
 * sample's file name, or that file name without extension. A key that two rows share is an error
 * once a sample matches it.
 */
export function matchLabelRows(samples: { id: string; fileName: string }[], table: LabelTable, labelFileName: string): (LabelRow | undefined)[] {
  const byKey = new Map<string, LabelRow>();
  const repeated = new Map<string, LabelRow>();
  for (const row of table.rows) {
    const k = matchKey(row.key);
    if (byKey.has(k)) repeated.set(k, repeated.get(k) ?? row);
    else byKey.set(k, row);
  }
  return samples.map((s) => {
    const base = matchKey(s.fileName);
    const k = [s.id.trim().toLowerCase(), base, matchKey(fileStem(base))].find((c) => byKey.has(c));
    if (k === undefined) return undefined;
    const row = byKey.get(k)!;
    const again = repeated.get(k);
    if (again) throw duplicateKey(labelFileName, row.key, row.line, again.line);
    return row;
  });
}

/**
 * Joins a label table onto samples, adding the table's non-key columns to each matching sample's
 * meta. A row matches a sample when its key equals (case-insensitive) the sample id, the sample's
 * file name, or that file name without extension.
 *
 * A table that matches nothing is an error, except in one case: when it has no recognisable key
 * column and exactly one row per sample (chemotools' train_hplc.csv is just a `glucose` column in
 * the order of train_spectra.csv); then rows are applied in order, with a warning saying so.
 */
export function applyLabels(
  samples: LabelTarget[],
  table: LabelTable,
  labelFileName: string,
): { applied: number; warnings: string[] } {
  const matches = matchLabelRows(samples, table, labelFileName);
  const used = new Set(matches.filter((r) => r !== undefined));
  const warnings: string[] = [];
  const replaced = new Set<string>();
  const assign = (s: LabelTarget, row: LabelRow, columns: string[]): void => {
    for (const c of columns) {
      if (c in s.meta && !replaced.has(c)) {
        replaced.add(c);
        warnings.push(`${labelFileName}: column ${quoteExcerpt(c)} replaces the ${quoteExcerpt(c)} values that came with the spectra.`);
      }
      s.meta[c] = row.values[c] ?? null;
    }
  };
  const n = table.rows.length;
  if (used.size === 0) {
    if (!table.keyColumnNamed && n === samples.length) {
      samples.forEach((s, i) => assign(s, table.rows[i]!, table.columns));
      warnings.push(
        `${labelFileName} has no file/sample/id column and none of its first-column values matches a file or sample, so its ${n} rows were applied in import order (row 1 → ${excerpt(samples[0]?.id ?? '?')}). Add a "sample" or "file" column to match by name.`,
      );
      return { applied: n, warnings };
    }
    const files = samples.map((s) => matchKey(s.fileName) || s.id);
    throw badInput(
      labelFileName,
      `${labelFileName}: none of its ${n} keys matches an imported file or sample id; keys look like ${examples(
        table.rows.map((r) => r.key),
        2,
      )}, files like ${examples([...new Set(files)], 2)}.`,
      { field: excerpt(table.keyColumn) },
    );
  }
  const dataColumns = table.columns.filter((c) => c !== table.keyColumn);
  let applied = 0;
  samples.forEach((s, i) => {
    const row = matches[i];
    if (!row) return;
    assign(s, row, dataColumns);
    applied++;
  });
  const unused = table.rows.filter((r) => !used.has(r)).map((r) => r.key);
  if (unused.length > 0) {
    warnings.push(
      `${labelFileName}: ${unused.length} of its ${n} keys match no imported file or sample id: ${examples(unused, 10)}.`,
    );
  }
  const unlabelled = samples.length - applied;
  if (unlabelled > 0) warnings.push(`${labelFileName}: ${unlabelled} of ${samples.length} samples have no row in the label table.`);
  return { applied, warnings };
}
