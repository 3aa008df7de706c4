/**
 * WITec Project files (`.wip`, magic `WIT_PRCT`): a tree of tags after the 8-byte magic. Each tag
 * is uint32 name length, name, int32 type, int64 start and int64 end of its data (type 0: a list
 * of tags; 2 float64, 3 float32, 4 int64, 5 int32, 6 uint32, 7 uint8, 8 bool, 9 strings as uint32
 * length + bytes). The project's "Data" list holds numbered objects (`DataClassName i` / `Data i`),
 * each with its `TData/ID`. What we read:
 *
 * - every `TDGraph` whose x transformation is a `TDSpectralTransformation`: SizeX × SizeY spectra
 *   of SizeGraph points, `GraphData/Data` stored spectrum by spectrum (graph index fastest, then
 *   x, then y), of `GraphData/DataType` (3 int16, 5 uint32, 6 uint16, 7 uint8, 9 float32,
 *   10 float64, 1 int64, 2 int32);
 * - the axis in nm from the transformation: type 0 the polynomial c0 + c1·i + c2·i², type 1 the
 *   spectrograph's geometry (grating d, order m, centre wavelength λc at pixel nC, angles γ and δ,
 *   pixel width x, focal length f; i counted from 0), as WITec's own readers compute it; a Raman
 *   shift (cm⁻¹, from the excitation wavelength) when its interpretation is relative wavenumbers;
 * - a map's stage positions (µm) from its `TDSpaceTransformation` when both sides exceed one
 *   pixel and the transformation is a plain scale (no rotation); line scans and time series carry
 *   no map coordinates.
 *
 * Checked on the two fixtures (format_fixtures/witec) against scripts/golden/witec_axis.py, which
 * walks the tags apart from this reader: the silicon band lands at 526.2 cm⁻¹ (Si-data.WIP,
 * 632.8 nm) and 519.3 cm⁻¹ (LineScans.WIP, 785 nm) against silicon's 520.7 cm⁻¹, 1.8 and 0.35
 * points off (3.1 and 4.1 cm⁻¹ per point there); read with the graph index slowest instead, the
 * spectra are not smooth.
 */
import type { AxisUnit, ImportOptions, ParsedAxis, ParsedBatch, ParsedSample } from '../common/domain/spectra';
import { fileStem } from '../common/domain/file-names';
import { UserError } from '../common/errors';
import { BinaryReader, checkCancelled, requireFinite, sampleId } from './binary-reader';

export const WITEC_MAGIC = 'WIT_PRCT';

interface Tag {
  name: string;
  type: number;
  start: number;
  end: number;
  children: Map<string, Tag>;
}

function bad(file: string, message: string): UserError {
  return new UserError('BAD_INPUT', `${file}: ${message}`, { file });
}

function readTags(r: BinaryReader, from: number, to: number, depth: number): Map<string, Tag> {
  if (depth > 64) throw bad(r.file, 'its tags nest deeper than 64 levels; the file is damaged.');
  const out = new Map<string, Tag>();
  r.seek(from, 'tag');
  while (r.offset < to) {
    const name = r.text(r.u32('tag name length'), 'tag name');
    const type = r.i32(`type of tag "${name}"`);
    const start = r.u64(`start of tag "${name}"`);
    const end = r.u64(`end of tag "${name}"`);
    if (start < r.offset || end < start || end > to) throw bad(r.file, `tag "${name}" claims bytes ${start}–${end}, outside its parent (${r.offset}–${to}).`);
    const tag: Tag = { name, type, start, end, children: new Map() };
    if (type === 0) tag.children = readTags(r, start, end, depth + 1);
    out.set(name, tag);
    r.seek(end, `end of tag "${name}"`);
  }
  return out;
}

/** The tag at `path` (names joined by /) under `tags`, or undefined. */
function at(tags: Map<string, Tag>, path: string): Tag | undefined {
  let here: Tag | undefined;
  let level = tags;
  for (const name of path.split('/')) {
    here = level.get(name);
    if (!here) return undefined;
    level = here.children;
  }
  return here;
}

const NUMERIC: Record<number, { size: number; get: (v: DataView, o: number) => number }> = {
  2: { size: 8, get: (v, o) => v.getFloat64(o, true) },
  3: { size: 4, get: (v, o) => v.getFloat32(o, true) },
  4: { size: 8, get: (v, o) => Number(v.getBigInt64(o, true)) },
  5: { size: 4, get: (v, o) => v.getInt32(o, true) },
  6: { size: 4, get: (v, o) => v.getUint32(o, true) },
  7: { size: 1, get: (v, o) => v.getUint8(o) },
  8: { size: 1, get: (v, o) => v.getUint8(o) },
};

/** Graph data types (`GraphData/DataType`) and their byte sizes. */
const GRAPH_TYPES: Record<number, { size: number; get: (v: DataView, o: number) => number }> = {
  1: { size: 8, get: (v, o) => Number(v.getBigInt64(o, true)) },
  2: { size: 4, get: (v, o) => v.getInt32(o, true) },
  3: { size: 2, get: (v, o) => v.getInt16(o, true) },
  5: { size: 4, get: (v, o) => v.getUint32(o, true) },
  6: { size: 2, get: (v, o) => v.getUint16(o, true) },
  7: { size: 1, get: (v, o) => v.getUint8(o) },
  9: { size: 4, get: (v, o) => v.getFloat32(o, true) },
  10: { size: 8, get: (v, o) => v.getFloat64(o, true) },
};

class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  numbers(tag: Tag | undefined, what: string): number[] {
    const t = NUMERIC[tag?.type ?? -1];
    if (!tag || !t) throw bad(this.file, `${what} is ${tag ? `of tag type ${tag.type}, not a number` : 'missing'}.`);
    const out: number[] = [];
    for (let o = tag.start; o + t.size <= tag.end; o += t.size) out.push(t.get(this.view, o));
    return out;
  }

  number(tag: Tag | undefined, what: string): number {
    const v = this.numbers(tag, what)[0];
    if (v === undefined) throw bad(this.file, `${what} holds no value.`);
    return v;
  }

  text(tag: Tag | undefined): string {
    if (!tag || tag.type !== 9 || tag.end - tag.start < 4) return '';
    const length = this.view.getUint32(tag.start, true);
    return new TextDecoder('latin1').decode(this.bytes.subarray(tag.start + 4, Math.min(tag.end, tag.start + 4 + length)));
  }
}

interface DataObject {
  className: string;
  tags: Map<string, Tag>;
  caption: string;
}

/** Wavelengths (nm) of pixels 0 … n − 1 from a TDSpectralTransformation. */
function wavelengths(r: Reader, t: Map<string, Tag>, n: number, graph: string): Float64Array {
  const s = 'TDSpectralTransformation';
  const kind = r.number(at(t, `${s}/SpectralTransformationType`), `${graph}: the spectral transformation type`);
  const out = new Float64Array(n);
  if (kind === 0) {
    const [c0 = 0, c1 = 0, c2 = 0] = r.numbers(at(t, `${s}/Polynom`), `${graph}: the axis polynomial`);
    for (let i = 0; i < n; i++) out[i] = c0 + c1 * i + c2 * i * i;
    return out;
  }
  if (kind !== 1) throw bad(r.file, `${graph}: spectral transformation type ${kind} (a free polynomial) is not read yet; export the spectra from WITec Project as text.`);
  const p = (name: string) => r.number(at(t, `${s}/${name}`), `${graph}: the spectrograph's ${name}`);
  const [nC, lambdaC, gamma, delta, m, d, x, f] = ['nC', 'LambdaC', 'Gamma', 'Delta', 'm', 'd', 'x', 'f'].map(p) as [number, number, number, number, number, number, number, number];
  const alpha = Math.asin((lambdaC * m) / d / 2 / Math.cos(gamma / 2)) - gamma / 2;
  const betaH = gamma + alpha - delta;
  const hc = f * Math.sin(delta);
  const lh = f * Math.cos(delta);
  for (let i = 0; i < n; i++) out[i] = (d / m) * (Math.sin(alpha) + Math.sin(betaH - Math.atan2(x * (nC - i) - hc, lh)));
  if (!out.every(Number.isFinite)) throw bad(r.file, `${graph}: the spectrograph's parameters give no wavelength axis (λc ${lambdaC} nm, grating ${d} nm).`);
  return out;
}

/** Spectral interpretation unit 3: relative wavenumbers (Raman shift). */
const RAMAN_SHIFT = 3;

export function parseWitec(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ParsedBatch {
  const br = new BinaryReader(bytes, fileName);
  const tags = readTags(br, WITEC_MAGIC.length, bytes.length, 0);
  const r = new Reader(bytes, fileName);
  const list = [...tags.values()].map((t) => t.children.get('Data')).find((d) => d?.children.has('DataClassName 0'));
  if (!list) throw bad(fileName, 'the project holds no data objects.');
  const objects = new Map<number, DataObject>();
  for (let i = 0; list.children.has(`DataClassName ${i}`); i++) {
    const data = list.children.get(`Data ${i}`);
    if (!data) continue;
    const id = r.number(at(data.children, 'TData/ID'), `data object ${i}'s ID`);
    objects.set(id, { className: r.text(list.children.get(`DataClassName ${i}`)), tags: data.children, caption: r.text(at(data.children, 'TData/Caption')) });
  }
  const axes: ParsedAxis[] = [];
  const samples: ParsedSample[] = [];
  const warnings: string[] = [];
  const graphs = [...objects.values()].filter((o) => o.className === 'TDGraph');
  const spectral = graphs.filter((g) => objects.get(r.number(at(g.tags, 'TDGraph/XTransformationID'), `${g.caption}: its x transformation`))?.className === 'TDSpectralTransformation');
  if (graphs.length > spectral.length) warnings.push(`${graphs.length - spectral.length} graph(s) skipped: their x axis is not a spectrum.`);
  if (!spectral.length) throw bad(fileName, 'the project holds no spectra (no graph on a spectral axis).');
  const maps = spectral.filter((g) => r.number(at(g.tags, 'TDGraph/SizeX'), 'SizeX') > 1 && r.number(at(g.tags, 'TDGraph/SizeY'), 'SizeY') > 1);
  let yUnit: string | undefined;
  const stem = fileStem(fileName);
  const pending: { graph: DataObject; values: Float32Array; axis: number; sx: number; sy: number; points: number; positions: ((ix: number, iy: number) => [number, number]) | null }[] = [];
  for (const graph of spectral) {
    const g = 'TDGraph';
    const name = graph.caption || 'graph';
    const sx = r.number(at(graph.tags, `${g}/SizeX`), `${name}: SizeX`);
    const sy = r.number(at(graph.tags, `${g}/SizeY`), `${name}: SizeY`);
    const points = r.number(at(graph.tags, `${g}/SizeGraph`), `${name}: SizeGraph`);
    const type = GRAPH_TYPES[r.number(at(graph.tags, `${g}/GraphData/DataType`), `${name}: its data type`)];
    const data = at(graph.tags, `${g}/GraphData/Data`);
    if (!type || !data) throw bad(fileName, `${name}: its data type is not one we read.`);
    const count = sx * sy * points;
    if (!(count > 0) || data.end - data.start !== count * type.size) throw bad(fileName, `${name}: ${sx} × ${sy} spectra of ${points} points need ${count * type.size} bytes; the graph holds ${data.end - data.start}.`);
    const values = new Float32Array(count);
    for (let k = 0; k < count; k++) values[k] = type.get(r.view, data.start + k * type.size);
    const transformation = objects.get(r.number(at(graph.tags, `${g}/XTransformationID`), `${name}: its x transformation`))!;
    let axisValues = wavelengths(r, transformation.tags, points, name);
    let unit: AxisUnit = 'nm';
    const interpretation = objects.get(r.number(at(graph.tags, `${g}/XInterpretationID`), `${name}: its x interpretation`));
    if (interpretation && r.number(at(interpretation.tags, 'TDInterpretation/UnitIndex'), `${name}: its x unit`) === RAMAN_SHIFT) {
      const excitation = r.number(at(interpretation.tags, 'TDSpectralInterpretation/ExcitationWaveLength'), `${name}: its excitation wavelength`);
      if (excitation > 0) {
        axisValues = axisValues.map((l) => 1e7 / excitation - 1e7 / l);
        unit = 'cm-1';
      }
    }
    axes.push({ values: axisValues, unit, unitFromFile: true });
    const z = objects.get(r.number(at(graph.tags, `${g}/ZInterpretationID`), `${name}: its intensity unit`));
    yUnit ??= z ? r.text(at(z.tags, 'TDZInterpretation/UnitName')) || undefined : undefined;
    let positions: ((ix: number, iy: number) => [number, number]) | null = null;
    if (maps.length === 1 && maps[0] === graph) {
      const space = objects.get(r.number(at(graph.tags, `${g}/SpaceTransformationID`), `${name}: its space transformation`));
      const view = 'TDSpaceTransformation/ViewPort3D';
      const scale = space ? r.numbers(at(space.tags, `${view}/Scale`), `${name}: the map's scale`) : [];
      const rotation = space ? r.numbers(at(space.tags, `${view}/Rotation`), `${name}: the map's rotation`) : [];
      const plain = scale.length === 9 && rotation.length === 9 && [1, 2, 3, 5, 6, 7].every((k) => scale[k] === 0 && Math.abs(rotation[k]!) === 0) && rotation[0] === 1 && rotation[4] === 1;
      if (plain) {
        const origin = r.numbers(at(space!.tags, `${view}/WorldOrigin`), `${name}: the map's origin`);
        const model = r.numbers(at(space!.tags, `${view}/ModelOrigin`), `${name}: the map's model origin`);
        positions = (ix, iy) => [origin[0]! + scale[0]! * (ix - model[0]!), origin[1]! + scale[4]! * (iy - model[1]!)];
      } else warnings.push(`${name}: the map's stage transformation is rotated or sheared; its spectra are imported without map coordinates.`);
    }
    pending.push({ graph, values, axis: axes.length - 1, sx, sy, points, positions });
  }
  if (maps.length > 1) warnings.push(`${maps.length} maps in one project: their spectra are imported without map coordinates (import each map's own export to see it as a map).`);
  const placed = pending.filter((p) => p.positions).reduce((a, p) => a + p.sx * p.sy, 0);
  if (placed && placed < pending.reduce((a, p) => a + p.sx * p.sy, 0)) {
    warnings.push(`The map "${maps[0]!.caption}" gives its ${placed} spectra stage positions; the project's other spectra have none, so the dataset is a map only without them.`);
  }
  const total = pending.reduce((a, p) => a + p.sx * p.sy, 0);
  for (const p of pending) {
    for (let k = 0; k < p.sx * p.sy; k++) {
      if (k % 4096 === 0) checkCancelled(opts, fileName);
      const id = sampleId(stem, samples.length, total);
      const channel = p.values.subarray(k * p.points, (k + 1) * p.points);
      requireFinite(channel, fileName, id);
      const sample: ParsedSample = { id, axis: p.axis, channels: [channel], meta: { graph: p.graph.caption }, sourceIndex: samples.length };
      if (p.positions) [sample.mapX, sample.mapY] = p.positions(k % p.sx, Math.floor(k / p.sx));
      samples.push(sample);
    }
  }
  return { format: 'witec', axes, samples, warnings, ...(yUnit ? { yUnit } : {}) };
}
