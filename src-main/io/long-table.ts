/**
 * Long tables: one row per point, `sample, [channel,] x, y` plus any label columns, under a
 * header that names them (x as `x`, `wavenumber`, `wavelength`, `raman shift`…, y as `y`,
 * `intensity`, `absorbance`…). The rows of one sample and channel give its spectrum in row
 * order; they need not be adjacent. Every sample of a channel must repeat that channel's x values
 * (a dataset stores one axis per channel), while channels may lie on different axes. Label
 * columns must hold one value per sample. A sample lacking a channel is an error naming it, or,
 * with `dropIncomplete`, left out and named in the batch.
 */
import type { AxisUnit, ImportOptions, IncompleteSample, MetaValue, ParsedAxis, ParsedBatch, ParsedSample } from '../common/domain/spectra';
import { AXIS_UNIT_LABELS } from '../common/domain/spectra';
import { badInput } from '../common/errors';
import { excerpt, quoteExcerpt } from '../common/format/excerpt';
import { checkCancelled } from './binary-reader';
import { checkTextInput, guessAxisUnit, unitFromText } from './csv';
import { FLOAT32_MAX, FieldReader, numberProblem, parseNumberText, sniffDialect } from './delimited';

const SAMPLE_NAMES = new Set(['sample', 'sample_id', 'sampleid', 'sample id', 'sample_name', 'id', 'name']);
const CHANNEL_NAMES = new Set(['channel', 'channel_name', 'channel name']);
/** Names of the x column, before any unit in brackets ("wavenumber (cm-1)"). */
const X_NAMES = new Set(['x', 'wavenumber', 'wavenumbers', 'wavelength', 'raman shift', 'raman_shift', 'shift', 'wave', 'axis']);
const Y_NAMES = new Set(['y', 'intensity', 'absorbance', 'reflectance', 'transmittance', 'counts', 'signal', 'value']);

/** Report progress and check for cancellation after every this many rows. */
const PROGRESS_ROWS = 1 << 16;

interface Layout {
  sample: number;
  channel: number;
  x: number;
  y: number;
  /** The x column's header, which may state the unit. */
  xHeader: string;
  columns: string[];
}

/** The header name without a trailing unit in brackets, lower-cased. */
function bareName(cell: string): string {
  return cell.trim().replace(/\s*[([].*[)\]]\s*$/, '').toLowerCase();
}

function layoutOf(header: string[]): Layout | null {
  const names = header.map(bareName);
  const find = (set: Set<string>): number => names.findIndex((n) => set.has(n));
  const sample = find(SAMPLE_NAMES);
  const x = find(X_NAMES);
  const y = find(Y_NAMES);
  if (sample < 0 || x < 0 || y < 0 || names.some((n) => n !== '' && Number.isFinite(Number(n)))) return null;
  return { sample, channel: find(CHANNEL_NAMES), x, y, xHeader: header[x]!.trim(), columns: header.map((h, i) => h.trim() || `column ${i + 1}`) };
}

/**
 * True for a long table: a header naming a sample, an x and a y column (no axis values as column
 * names, as a wide table has), and first two data rows of the same sample and channel — a wide
 * table with map columns named x and y has one row per sample.
 */
export function looksLikeLongTable(bytes: Uint8Array): boolean {
  try {
    const start = checkTextInput(bytes, 'table');
    const reader = new FieldReader(bytes, 'table', sniffDialect(bytes, start), start);
    const header = reader.readTextRecord();
    const layout = header && layoutOf(header.fields);
    if (!layout) return false;
    const a = reader.readTextRecord();
    const b = reader.readTextRecord();
    const same = (k: number): boolean => a!.fields[k]?.trim() === b!.fields[k]?.trim();
    return !!a && !!b && same(layout.sample) && (layout.channel < 0 || same(layout.channel));
  } catch {
    return false;
  }
}

interface Trace {
  line: number;
  lastLine: number;
  xs: number[];
  ys: number[];
}

interface SampleRows {
  id: string;
  line: number;
  traces: Map<string, Trace>;
  meta: Record<string, string>;
  metaLines: Record<string, number>;
}

export function parseLongTable(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const start = checkTextInput(bytes, fileName);
  const dialect = sniffDialect(bytes, start);
  const reader = new FieldReader(bytes, fileName, dialect, start);
  const header = reader.readTextRecord();
  const layout = header && layoutOf(header.fields);
  if (!layout) throw badInput(fileName, `${fileName}: a long table needs a header naming a sample, an x and a y column.`);
  const { columns } = layout;
  const metaColumns = columns.map((_, i) => i).filter((i) => i !== layout.sample && i !== layout.channel && i !== layout.x && i !== layout.y);
  const samples = new Map<string, SampleRows>();
  const channelOrder: string[] = [];
  let rows = 0;
  for (let rec = reader.readTextRecord(); rec; rec = reader.readTextRecord()) {
    const { line, fields } = rec;
    if (fields.length !== columns.length) throw badInput(fileName, `Line ${line} of ${fileName} has ${fields.length} values; the header has ${columns.length} columns.`, { line });
    const id = fields[layout.sample]!.trim();
    if (!id) throw badInput(fileName, `${fileName} line ${line}: the sample (${quoteExcerpt(columns[layout.sample]!)}) is empty.`, { line, field: excerpt(columns[layout.sample]!) });
    const channel = layout.channel < 0 ? '' : fields[layout.channel]!.trim();
    if (layout.channel >= 0 && !channel) throw badInput(fileName, `${fileName} line ${line}: the channel (${quoteExcerpt(columns[layout.channel]!)}) is empty.`, { line, field: excerpt(columns[layout.channel]!) });
    if (!channelOrder.includes(channel)) channelOrder.push(channel);
    let s = samples.get(id);
    if (!s) samples.set(id, (s = { id, line, traces: new Map(), meta: {}, metaLines: {} }));
    let t = s.traces.get(channel);
    if (!t) s.traces.set(channel, (t = { line, lastLine: line, xs: [], ys: [] }));
    const x = parseNumberText(fields[layout.x]!, dialect.decimalComma);
    if (!Number.isFinite(x)) throw badInput(fileName, `${fileName} line ${line}, column ${quoteExcerpt(layout.xHeader)}: ${numberProblem(fields[layout.x]!, x) ?? 'not a number'}.`, { line, field: excerpt(layout.xHeader) });
    const y = parseNumberText(fields[layout.y]!, dialect.decimalComma);
    const yProblem = numberProblem(fields[layout.y]!, y) ?? (Math.abs(y) > FLOAT32_MAX ? `${quoteExcerpt(fields[layout.y]!)} is too large to store` : null);
    if (yProblem) throw badInput(fileName, `${fileName} line ${line}, column ${quoteExcerpt(columns[layout.y]!)}: ${yProblem}.`, { line, field: excerpt(columns[layout.y]!) });
    const n = t.xs.length;
    if (n >= 1) {
      const rising = n >= 2 ? t.xs[1]! > t.xs[0]! : x > t.xs[0]!;
      if (x === t.xs[n - 1] || (rising ? x < t.xs[n - 1]! : x > t.xs[n - 1]!)) {
        throw badInput(fileName, `${fileName} line ${line}: ${traceName(id, channel)} has x = ${x} after x = ${t.xs[n - 1]} on line ${t.lastLine}; the x of one spectrum must be strictly monotonic in row order.`, { line, field: excerpt(layout.xHeader) });
      }
    }
    t.xs.push(x);
    t.ys.push(y);
    t.lastLine = line;
    for (const i of metaColumns) {
      const value = fields[i]!.trim();
      if (value === '') continue;
      const name = columns[i]!;
      const prior = s.meta[name];
      if (prior === undefined) {
        s.meta[name] = value;
        s.metaLines[name] = line;
      } else if (prior !== value) {
        throw badInput(fileName, `${fileName} line ${line}: sample ${quoteExcerpt(id)} has ${quoteExcerpt(value)} in column ${quoteExcerpt(name)}, but ${quoteExcerpt(prior)} on line ${s.metaLines[name]}; a label has one value per sample.`, { line, field: excerpt(name) });
      }
    }
    if (++rows % PROGRESS_ROWS === 0) {
      opts.onProgress?.(reader.pos / reader.end);
      checkCancelled(opts, fileName);
    }
  }
  if (!samples.size) throw badInput(fileName, `${fileName} has a header row but no data rows.`);

  const dropped: IncompleteSample[] = [];
  const complete = [...samples.values()].filter((s) => {
    const missing = channelOrder.filter((c) => !s.traces.has(c));
    if (!missing.length) return true;
    if (!opts.dropIncomplete) {
      throw badInput(fileName, `${fileName}: sample ${quoteExcerpt(s.id)} (from line ${s.line}) has no rows for channel ${missing.map((c) => quoteExcerpt(c)).join(', ')}; every sample needs every channel (${channelOrder.map((c) => quoteExcerpt(c)).join(', ')}). Add the rows, or import with the incomplete samples dropped.`, { line: s.line });
    }
    dropped.push({ sample: s.id, missing });
    return false;
  });
  if (!complete.length) throw badInput(fileName, `${fileName}: no sample has every channel (${channelOrder.map((c) => quoteExcerpt(c)).join(', ')}), so none is left to import.`);

  const warnings: string[] = [];
  const { unit, fromFile } = axisUnit(layout.xHeader, complete[0]!.traces.get(channelOrder[0]!)!.xs, fileName, opts, warnings);
  const axes: ParsedAxis[] = channelOrder.map((c) => {
    const first = complete.find((s) => s.traces.has(c))!;
    const xs = first.traces.get(c)!.xs;
    if (xs.length < 2) throw badInput(fileName, `${fileName} line ${first.line}: ${traceName(first.id, c)} has only one point; a spectrum needs at least two.`, { line: first.line });
    return { values: Float64Array.from(xs), unit, unitFromFile: fromFile };
  });
  for (const s of complete) {
    channelOrder.forEach((c, k) => {
      const t = s.traces.get(c)!;
      const axis = axes[k]!.values;
      const at = t.xs.length === axis.length ? t.xs.findIndex((x, i) => x !== axis[i]) : Math.min(t.xs.length, axis.length);
      if (at >= 0) {
        const where = at < t.xs.length ? `x = ${t.xs[at]} at point ${at + 1}` : `${t.xs.length} points`;
        throw badInput(fileName, `${fileName} line ${t.line}: ${traceName(s.id, c)} has ${where} where ${traceName(complete[0]!.id, c)} has ${at < axis.length ? `x = ${axis[at]}` : `${axis.length} points`}; every sample of a channel must be on the same x values.`, { line: t.line });
      }
    });
  }
  if (dropped.length) warnings.push(droppedWarning(fileName, dropped));

  const numeric = metaColumns.map((i) => complete.every((s) => s.meta[columns[i]!] === undefined || Number.isFinite(parseNumberText(s.meta[columns[i]!]!, dialect.decimalComma))));
  const parsed: ParsedSample[] = complete.map((s) => {
    const meta: Record<string, MetaValue> = {};
    metaColumns.forEach((i, k) => {
      const text = s.meta[columns[i]!];
      meta[columns[i]!] = text === undefined ? null : numeric[k] ? parseNumberText(text, dialect.decimalComma) : text;
    });
    return { id: s.id, axis: 0, channels: channelOrder.map((c) => Float32Array.from(s.traces.get(c)!.ys)), meta, split: opts.splitTag ?? null, sourceLine: s.line };
  });
  opts.onProgress?.(1);
  return {
    format: 'csv-long',
    axes,
    samples: parsed,
    ...(layout.channel >= 0 ? { channels: channelOrder.map((name, axis) => ({ name, axis })) } : {}),
    ...(dropped.length ? { dropped } : {}),
    warnings,
  };
}

function traceName(id: string, channel: string): string {
  return channel ? `sample ${quoteExcerpt(id)}, channel ${quoteExcerpt(channel)},` : `sample ${quoteExcerpt(id)}`;
}

/** The warning that names the samples an import left out for lacking channels. */
export function droppedWarning(source: string, dropped: IncompleteSample[]): string {
  const list = dropped.map((d) => `${quoteExcerpt(d.sample)} (no ${d.missing.map((c) => quoteExcerpt(c)).join(', ')})`);
  return `${source}: ${dropped.length} sample${dropped.length === 1 ? '' : 's'} left out for lacking a channel: ${list.join(', ')}.`;
}

function axisUnit(xHeader: string, xs: number[], fileName: string, opts: ImportOptions, warnings: string[]): { unit: AxisUnit; fromFile: boolean } {
  if (opts.axisUnit) return { unit: opts.axisUnit, fromFile: false };
  const stated = unitFromText(xHeader) ?? (/^(raman[ _])?shift$/.test(bareName(xHeader)) ? 'cm-1' : null);
  if (stated) return { unit: stated, fromFile: true };
  const guess = guessAxisUnit(Float64Array.from(xs));
  warnings.push(`${fileName}: the x column ${quoteExcerpt(xHeader)} does not state its unit; guessed ${AXIS_UNIT_LABELS[guess.unit]} because ${guess.reason}. If that is wrong, import again with the axis unit set.`);
  return { unit: guess.unit, fromFile: false };
}
