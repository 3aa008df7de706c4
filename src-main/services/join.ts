/**
 * Joins datasets that measured the same specimens (a tablet on two NIR instruments, Raman and IR
 * of one sample) into one dataset with a channel per source: channel 0 from the first, channel 1
 * from the second, and so on. Samples pair by sample id, or, where the files carry no ids (the
 * IDRC 2002 tablets: the same tablets in the same row order), by position. Labels and split tags
 * are copied; one that disagrees between the sources stores nothing and names the sample and the
 * column. Each channel keeps its own axis and takes its source's name (db migration 6,
 * `channel_axes`), which is also the record of where it came from. The sources are left as they are.
 */
import type { Db } from '../db/connection';
import { datasetAxisGroups } from '../db/axes';
import { getDataset, listColumns, loadSpectra, type ColumnRow } from '../db/datasets';
import { insertColumn, insertDataset, sampleWriter } from '../db/dataset-rows';
import { insertChannelAxes, labelValuesBySample, samplePlacements } from '../db/channels';
import { UserError } from '../common/errors';
import type { JoinResult } from '../common/domain/project';
import type { AxisUnit, ColumnKind, SplitTag } from '../common/domain/spectra';
import { newDatasetName } from './apply-recipe';

export type JoinPairing = 'id' | 'position';

export interface JoinRequest {
  /** The datasets to join, in channel order (at least two). */
  datasetIds: number[];
  name: string;
  by: JoinPairing;
  /** One name per channel; default: the source datasets' names. */
  channelNames?: string[];
}

export type { JoinResult };

interface Source {
  id: number;
  name: string;
  axisId: number;
  axis: Float64Array;
  unit: AxisUnit;
  spectra: ReturnType<typeof loadSpectra>;
  columns: ColumnRow[];
  /** Label values by sample id, then column name. */
  values: Map<number, Map<string, string | number>>;
}

const LIST = 5;
const listed = (keys: readonly string[]): string => `${keys.slice(0, LIST).map((k) => `"${k}"`).join(', ')}${keys.length > LIST ? `, … (${keys.length} in all)` : ''}`;

function readSource(db: Db, datasetId: number): Source {
  const d = getDataset(db, datasetId);
  const groups = datasetAxisGroups(db, d.id);
  if (!groups.length) throw new UserError('BAD_INPUT', `Dataset "${d.name}" has no spectra.`);
  if (groups.length > 1) throw new UserError('BAD_INPUT', `Dataset "${d.name}" has spectra on ${groups.length} different axes; put it on one axis first (spectra-desk harmonise --project P --dataset "${d.name}"), then join the result.`);
  const spectra = loadSpectra(db, d.id);
  const several = spectra.find((s) => s.channels.length > 1);
  if (several) throw new UserError('BAD_INPUT', `Dataset "${d.name}" has samples with several channels already (${several.key}: ${several.channels.length}); join takes datasets of one channel each.`);
  return { id: d.id, name: d.name, axisId: groups[0]!.axisId, axis: groups[0]!.values, unit: groups[0]!.unit, spectra, columns: listColumns(db, d.id), values: labelValuesBySample(db, d.id) };
}

/** A dataset's rows as pairing reads them: its name (for messages) and each row's sample id. */
export interface PairingSide {
  name: string;
  keys: readonly string[];
}

/**
 * Rows of each side that make one sample, in the first side's order: by position row i of every
 * side (which must hold as many rows), by sample id the row of each other side with the first's
 * id. `needed`: the rows of the first side whose ids every other side must hold; a row of the
 * first side not needed and not found on every side is left out (a transfer pairs only the samples
 * its model used). Without it every id of every side must be on all of them (a join leaves no
 * sample out). Join and calibration transfer pair by this one rule, in the same words.
 */
export function pairRows(sides: readonly PairingSide[], by: JoinPairing, needed?: readonly number[]): number[][] {
  const [first, ...rest] = sides as [PairingSide, ...PairingSide[]];
  if (by === 'position') {
    const odd = rest.find((s) => s.keys.length !== first.keys.length);
    if (odd) throw new UserError('BAD_INPUT', `Pairing by position needs the same number of samples in each dataset: "${first.name}" has ${first.keys.length}, "${odd.name}" has ${odd.keys.length}. Nothing was stored.`, { field: 'by' });
    return first.keys.map((_, i) => sides.map(() => i));
  }
  const index = rest.map((s) => new Map(s.keys.map((key, i) => [key, i])));
  const mustMatch = needed ? needed.map((r) => first.keys[r]!) : first.keys;
  const firstKeys = new Set(first.keys);
  for (const [k, s] of rest.entries()) {
    const onlyFirst = mustMatch.filter((key) => !index[k]!.has(key));
    const onlyOther = needed ? [] : s.keys.filter((key) => !firstKeys.has(key));
    if (onlyFirst.length || onlyOther.length) {
      const parts = [onlyFirst.length ? `${onlyFirst.length} sample id(s) of "${first.name}" are not in "${s.name}" (${listed(onlyFirst)})` : '', onlyOther.length ? `${onlyOther.length} of "${s.name}" are not in "${first.name}" (${listed(onlyOther)})` : ''].filter(Boolean);
      throw new UserError('BAD_INPUT', `Pairing by sample id: ${parts.join('; ')}. Nothing was stored.${mustMatch.some((key) => index[k]!.has(key)) ? '' : ' No id matches at all: if the files list the same samples in the same order, pair them by position.'}`, { field: 'by' });
    }
  }
  return first.keys.flatMap((key, i) => {
    const rows = index.map((m) => m.get(key));
    return rows.every((r): r is number => r !== undefined) ? [[i, ...rows]] : [];
  });
}

/**
 * The columns of the joined dataset: every source's, by name, in order of first appearance; a
 * name with two kinds is an error. A numeric column keeps its unit when its sources agree on it
 * (or only one gives one), and has none when they differ.
 */
function joinedColumns(sources: Source[]): { name: string; kind: ColumnKind; unit: string | null }[] {
  const out = new Map<string, { kind: ColumnKind; from: string; units: Set<string> }>();
  for (const s of sources) {
    for (const c of s.columns) {
      const seen = out.get(c.name);
      if (!seen) out.set(c.name, { kind: c.kind, from: s.name, units: new Set(c.unit ? [c.unit] : []) });
      else if (seen.kind === c.kind && c.unit) seen.units.add(c.unit);
      else if (seen.kind !== c.kind) throw new UserError('BAD_INPUT', `Column "${c.name}" is ${seen.kind} in "${seen.from}" and ${c.kind} in "${s.name}"; make them the same kind before joining. Nothing was stored.`, { field: c.name });
    }
  }
  return [...out].map(([name, c]) => ({ name, kind: c.kind, unit: c.units.size === 1 ? [...c.units][0]! : null }));
}

export function joinDatasets(db: Db, req: JoinRequest): JoinResult {
  const started = performance.now();
  if (req.datasetIds.length < 2) throw new UserError('BAD_INPUT', 'Join needs at least two datasets.', { field: 'datasets' });
  if (new Set(req.datasetIds).size !== req.datasetIds.length) throw new UserError('BAD_INPUT', 'Join names the same dataset twice.', { field: 'datasets' });
  const name = newDatasetName(db, req.name);
  const sources = req.datasetIds.map((id) => readSource(db, id));
  if (req.channelNames && req.channelNames.length !== sources.length) throw new UserError('BAD_INPUT', `${req.channelNames.length} channel names for ${sources.length} datasets; give one per dataset.`, { field: 'channels' });
  const channelNames = req.channelNames ?? sources.map((s) => s.name);
  const units = new Set(sources.map((s) => s.unit));
  if (units.size > 1) throw new UserError('BAD_INPUT', `The datasets' axes are in different units (${sources.map((s) => `"${s.name}": ${s.unit}`).join(', ')}); a joined dataset has one axis unit.`);
  const pairs = pairRows(sources.map((s) => ({ name: s.name, keys: s.spectra.map((x) => x.key) })), req.by);
  const columns = joinedColumns(sources);

  // Every joined sample's labels and split, checked before anything is written.
  const joined = pairs.map((rows) => {
    const parts = rows.map((r, k) => sources[k]!.spectra[r]!);
    const key = parts[0]!.key;
    const label = (c: string) => parts.map((p, k) => ({ from: sources[k]!.name, key: p.key, value: sources[k]!.values.get(p.sampleId)?.get(c) }));
    const values = columns.map((c) => {
      const given = label(c.name).filter((v) => v.value !== undefined);
      const clash = given.find((v) => v.value !== given[0]!.value);
      if (clash) throw new UserError('BAD_INPUT', `Sample "${key}": column "${c.name}" is ${JSON.stringify(given[0]!.value)} in "${given[0]!.from}" but ${JSON.stringify(clash.value)} in "${clash.from}" (sample "${clash.key}"). Nothing was stored.`, { field: c.name });
      return given[0]?.value;
    });
    const splits = parts.map((p) => p.split).filter((s): s is SplitTag => s !== null);
    if (splits.some((s) => s !== splits[0])) throw new UserError('BAD_INPUT', `Sample "${key}" is tagged ${parts.map((p, k) => `${p.split ?? 'untagged'} in "${sources[k]!.name}"`).join(' and ')}. Nothing was stored.`, { field: 'split' });
    return { key, split: splits[0] ?? null, channels: parts.map((p) => p.channels[0]!), values, source: parts[0]! };
  });

  const datasetId = db.transaction(() => {
    const id = insertDataset(db, name, new Date().toISOString(), null);
    const columnIds = columns.map((c, i) => insertColumn(db, id, c.name, c.kind, i, c.unit));
    insertChannelAxes(db, id, sources.map((s, c) => ({ name: channelNames[c]!, axisId: s.axisId })));
    const placements = samplePlacements(db, sources[0]!.id);
    const write = sampleWriter(db);
    for (const j of joined) {
      const at = placements.get(j.source.sampleId)!;
      const sampleId = write.sample({ datasetId: id, key: j.key, axisId: sources[0]!.axisId, split: j.split, ...at, sourceFileId: null });
      j.channels.forEach((values, c) => write.channel(sampleId, c, values));
      j.values.forEach((v, c) => {
        if (v === undefined) return;
        if (columns[c]!.kind === 'number') write.value(sampleId, columnIds[c]!, null, Number(v));
        else write.value(sampleId, columnIds[c]!, String(v), null);
      });
    }
    return id;
  })();
  return {
    datasetId,
    dataset: name,
    samples: joined.length,
    by: req.by,
    channels: sources.map((s, c) => ({ channel: c, name: channelNames[c]!, source: s.name, points: s.axis.length, unit: s.unit, first: s.axis[0]!, last: s.axis[s.axis.length - 1]! })),
    sameAxis: new Set(sources.map((s) => s.axisId)).size === 1,
    columns: columns.map((c) => c.name),
    durationMs: Math.round(performance.now() - started),
  };
}
