/**
 * Several files per sample: a label table with a `channel` column names, for each file (its key
 * column), the sample it belongs to (a `sample` column) and which channel of that sample it is
 * (a_raman.spc → sample A, channel raman; a_ir.spc → sample A, channel ir). Samples and channels
 * take the order in which the table first names them. Each channel keeps the axis of its files,
 * so every file of one channel must be on the same axis (a dataset stores one axis per channel);
 * the channels may lie on different axes, all in one unit. The table's other columns become the
 * sample's labels and must agree between the rows of one sample. A sample lacking a channel is an
 * error naming it, the channel and the table's lines, unless incomplete samples are to be dropped.
 */
import type { IncompleteSample, MetaValue, ParsedAxis, ParsedBatch, ParsedSample, SplitTag } from '../common/domain/spectra';
import { badInput } from '../common/errors';
import { excerpt, quoteExcerpt } from '../common/format/excerpt';
import { type LabelRow, type LabelTable, matchLabelRows } from './labels';

const CHANNEL_COLUMN = 'channel';
const SAMPLE_COLUMNS = ['sample', 'sample_id', 'sampleid', 'sample id', 'sample_name'];

export interface ChannelFile {
  name: string;
  batch: ParsedBatch;
}

export interface GroupedChannels {
  /** The channels in order, each with its axis. */
  channels: { name: string; axis: ParsedAxis }[];
  dropped: IncompleteSample[];
}

/** The table's channel column, or null when it has none (labels apply one row per spectrum). */
export function channelColumn(table: LabelTable): string | null {
  return table.columns.find((c) => c.toLowerCase() === CHANNEL_COLUMN) ?? null;
}

interface Spectrum {
  file: ChannelFile;
  sample: ParsedSample;
}

/** Two axes are one when unit and every value are the same. */
export const sameAxis = (a: ParsedAxis, b: ParsedAxis): boolean => a.unit === b.unit && a.values.length === b.values.length && a.values.every((v, i) => v === b.values[i]);

function axisText(axis: ParsedAxis): string {
  return `${axis.values.length} points, ${axis.values[0]} to ${axis.values[axis.values.length - 1]} ${axis.unit}`;
}

/**
 * Replaces the files' spectra by one sample of several channels per sample the table names,
 * each stored with the file of its first channel.
 */
export function groupByChannel(files: ChannelFile[], table: LabelTable, labelFileName: string, dropIncomplete: boolean): GroupedChannels {
  const channelCol = channelColumn(table)!;
  const sampleCol = table.columns.find((c) => c !== table.keyColumn && SAMPLE_COLUMNS.includes(c.toLowerCase()));
  if (!sampleCol || !table.keyColumnNamed || SAMPLE_COLUMNS.includes(table.keyColumn.toLowerCase())) {
    throw badInput(labelFileName, `${labelFileName} has a ${quoteExcerpt(channelCol)} column, so it needs a file column naming each file and a sample column naming the sample that file is a channel of.`, { field: excerpt(channelCol) });
  }
  const spectra: Spectrum[] = files.flatMap((file) => file.batch.samples.map((sample) => ({ file, sample })));
  const several = spectra.find((s) => s.sample.channels.length > 1);
  if (several) throw badInput(several.file.name, `${several.file.name}: spectrum ${quoteExcerpt(several.sample.id)} has ${several.sample.channels.length} channels already; a label table's channel column groups files of one channel each.`);
  const rows = matchLabelRows(spectra.map((s) => ({ id: s.sample.id, fileName: s.file.name })), table, labelFileName);
  const byRow = new Map<LabelRow, Spectrum>();
  spectra.forEach((s, i) => {
    const row = rows[i];
    if (!row) throw badInput(s.file.name, `${s.file.name}${s.file.batch.samples.length > 1 ? `, spectrum ${quoteExcerpt(s.sample.id)},` : ''} has no row in ${labelFileName}; with a channel column every imported spectrum needs a row naming its sample and channel.`);
    const other = byRow.get(row);
    if (other) throw badInput(labelFileName, `${labelFileName} line ${row.line} matches both ${quoteExcerpt(other.sample.id)} (${other.file.name}) and ${quoteExcerpt(s.sample.id)} (${s.file.name}); give each spectrum a row of its own.`, { line: row.line });
    byRow.set(row, s);
  });

  const cell = (row: LabelRow, column: string): string => {
    const v = row.values[column];
    const text = v === null || v === undefined ? '' : String(v).trim();
    if (!text) throw badInput(labelFileName, `${labelFileName} line ${row.line}: the ${quoteExcerpt(column)} cell is empty.`, { line: row.line, field: excerpt(column) });
    return text;
  };
  const channels: string[] = [];
  const samples = new Map<string, Map<string, LabelRow>>();
  for (const row of table.rows) {
    const sample = cell(row, sampleCol);
    const channel = cell(row, channelCol);
    if (!channels.includes(channel)) channels.push(channel);
    let of = samples.get(sample);
    if (!of) samples.set(sample, (of = new Map()));
    const prior = of.get(channel);
    if (prior) throw badInput(labelFileName, `${labelFileName}: sample ${quoteExcerpt(sample)}, channel ${quoteExcerpt(channel)} is on line ${prior.line} and again on line ${row.line}.`, { line: row.line });
    of.set(channel, row);
  }

  const dropped: IncompleteSample[] = [];
  const complete: { sample: string; rows: LabelRow[] }[] = [];
  for (const [sample, of] of samples) {
    const gaps = channels.map((c) => ({ channel: c, row: of.get(c) })).filter((g) => !g.row || !byRow.has(g.row));
    if (!gaps.length) {
      complete.push({ sample, rows: channels.map((c) => of.get(c)!) });
      continue;
    }
    if (!dropIncomplete) {
      const g = gaps[0]!;
      const lines = [...of.values()].map((r) => r.line).join(', ');
      const why = g.row
        ? `line ${g.row.line} names ${quoteExcerpt(g.row.key)} for it, which is not among the imported files`
        : `${labelFileName} has no row for it (the sample's rows: line${of.size === 1 ? '' : 's'} ${lines})`;
      throw badInput(labelFileName, `Sample ${quoteExcerpt(sample)} has no ${quoteExcerpt(g.channel)} channel: ${why}. Every sample needs every channel (${channels.map((c) => quoteExcerpt(c)).join(', ')}); add it, or import with the incomplete samples dropped.`, { line: g.row?.line ?? [...of.values()][0]!.line, field: excerpt(channelCol) });
    }
    dropped.push({ sample, missing: gaps.map((g) => g.channel) });
  }
  if (!complete.length) throw badInput(labelFileName, `${labelFileName}: no sample has every channel (${channels.map((c) => quoteExcerpt(c)).join(', ')}), so none is left to import.`);

  const axes = channels.map((channel, k) => {
    const first = byRow.get(complete[0]!.rows[k]!)!;
    const axis = first.file.batch.axes[first.sample.axis]!;
    for (const c of complete) {
      const s = byRow.get(c.rows[k]!)!;
      const other = s.file.batch.axes[s.sample.axis]!;
      if (!sameAxis(other, axis)) {
        throw badInput(s.file.name, `Channel ${quoteExcerpt(channel)}: ${s.file.name} is on a different axis (${axisText(other)}) from ${first.file.name} (${axisText(axis)}); the files of one channel must share their axis. Put them on one axis first.`);
      }
    }
    return axis;
  });
  const units = new Set(axes.map((a) => a.unit));
  if (units.size > 1) throw badInput(labelFileName, `The channels' axes are in different units (${channels.map((c, k) => `${quoteExcerpt(c)}: ${axes[k]!.unit}`).join(', ')}); a dataset of several channels has one axis unit.`);

  const labelColumns = table.columns.filter((c) => c !== table.keyColumn && c !== sampleCol && c !== channelCol);
  for (const f of files) f.batch.samples = [];
  for (const c of complete) {
    const parts = c.rows.map((r) => byRow.get(r)!);
    const head = parts[0]!;
    const meta: Record<string, MetaValue> = { ...head.sample.meta };
    for (const column of labelColumns) meta[column] = sampleLabel(c.sample, column, c.rows, labelFileName);
    head.file.batch.samples.push({ ...head.sample, id: c.sample, channels: parts.map((p) => p.sample.channels[0]!), meta, split: sampleSplit(c.sample, parts, channels) });
  }
  return { channels: channels.map((name, k) => ({ name, axis: axes[k]! })), dropped };
}

/** One label value per sample: the rows that give one must agree. */
function sampleLabel(sample: string, column: string, rows: LabelRow[], labelFileName: string): MetaValue {
  const given = rows.filter((r) => r.values[column] !== null && r.values[column] !== undefined).sort((a, b) => a.line - b.line);
  const clash = given.find((r) => r.values[column] !== given[0]!.values[column]);
  if (clash) {
    const first = given[0]!;
    throw badInput(labelFileName, `${labelFileName}: sample ${quoteExcerpt(sample)} has ${quoteExcerpt(String(first.values[column]))} in column ${quoteExcerpt(column)} on line ${first.line} but ${quoteExcerpt(String(clash.values[column]))} on line ${clash.line}; a label has one value per sample.`, { line: clash.line, field: excerpt(column) });
  }
  return given[0]?.values[column] ?? null;
}

/** The sample's split: its channels' files may not disagree. */
function sampleSplit(sample: string, parts: Spectrum[], channels: string[]): SplitTag | null {
  const tags = parts.map((p) => p.sample.split ?? null);
  const given = tags.filter((t) => t !== null);
  if (given.some((t) => t !== given[0])) {
    throw badInput(parts[0]!.file.name, `Sample ${quoteExcerpt(sample)} is tagged ${parts.map((p, k) => `${tags[k] ?? 'untagged'} in channel ${quoteExcerpt(channels[k]!)} (${p.file.name})`).join(' and ')}.`);
  }
  return given[0] ?? null;
}
