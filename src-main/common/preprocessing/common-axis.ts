/**
 * One axis for spectra measured on slightly different ones (files from different runs or
 * instruments): the grid they are resampled onto, chosen from the overlap of all their axes so
 * nothing is extrapolated, and the tolerance beyond which they are refused with what differs.
 * The resampling itself is the recipe's resample step (linear interpolation), recorded as the
 * derived dataset's recipe.
 */
import { UserError } from '../errors';
import { median } from '../ml/median';
import { AXIS_UNIT_LABELS, type AxisUnit } from '../domain/spectra';
import { parsePipelineSpec, type FittedPipeline } from './pipeline';

/** The spectra of a dataset (or an import) that share one axis. */
export interface AxisGroup {
  /** Axis values in file order. */
  values: ArrayLike<number>;
  unit: AxisUnit;
  /** Spectra on this axis. */
  count: number;
  /** The first of them (sample key or file name), to name it in messages. */
  first: string;
}

/** Where the common axis comes from: the overlap at the median step, the first spectrum's axis (within the overlap), or a grid given as start, stop and step. */
export type GridChoice = 'auto' | 'first' | { start: number; stop: number; step: number };

export interface AxisTolerance {
  /** The overlap of all axes must keep at least this fraction of each axis's range. */
  minOverlap: number;
  /** The largest ratio between two axes' steps. */
  maxStepRatio: number;
}

export const AXIS_TOLERANCE: AxisTolerance = { minOverlap: 0.8, maxStepRatio: 2 };

/** The axis the spectra will share, and how it was chosen. */
export interface CommonAxisPlan {
  axis: Float64Array;
  unit: AxisUnit;
  /** In words, e.g. "the overlap 400–4000 cm⁻¹ at the median step 1.93 cm⁻¹, 1866 points". */
  description: string;
  /** First and last grid value, and the spacing (the median of the first axis's steps for `first`). */
  start: number;
  stop: number;
  step: number;
  /** Spectra whose axis is not the grid itself, so they are interpolated. */
  resampled: number;
  spectra: number;
  axes: number;
}

interface AxisStats {
  group: AxisGroup;
  lo: number;
  hi: number;
  /** Median spacing. */
  step: number;
  descending: boolean;
}

/** A number for messages: at most `digits` significant digits, no trailing zeros. */
function num(x: number, digits = 6): string {
  return String(Number(x.toPrecision(digits)));
}

function unitText(unit: AxisUnit): string {
  return unit === 'other' ? '' : ` ${AXIS_UNIT_LABELS[unit]}`;
}

function stats(group: AxisGroup): AxisStats {
  const v = group.values;
  const n = v.length;
  if (n < 2) throw new UserError('BAD_INPUT', `"${group.first}" has ${n} point${n === 1 ? '' : 's'}; at least 2 are needed to resample it.`);
  const dir = Math.sign(v[n - 1]! - v[0]!);
  const steps: number[] = [];
  for (let i = 1; i < n; i++) {
    const d = (v[i]! - v[i - 1]!) * dir;
    if (!(d > 0)) throw new UserError('BAD_INPUT', `The axis of "${group.first}" is not strictly increasing or decreasing (at point ${i + 1}, ${num(v[i]!)}); it cannot be resampled.`);
    steps.push(d);
  }
  steps.sort((a, b) => a - b);
  return { group, lo: Math.min(v[0]!, v[n - 1]!), hi: Math.max(v[0]!, v[n - 1]!), step: median(steps), descending: dir < 0 };
}

/** "400–4000 cm⁻¹ at 1.93 cm⁻¹, 1866 points". */
function axisText(a: AxisStats): string {
  const u = unitText(a.group.unit);
  return `${num(a.lo)}–${num(a.hi)}${u} at ${num(a.step, 3)}${u}, ${a.group.values.length} points`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The axis most spectra share (the first such when tied). */
function referenceOf(all: AxisStats[]): AxisStats {
  return all.reduce((best, a) => (a.group.count > best.group.count ? a : best));
}

const MAX_LISTED = 4;

/**
 * How the axes differ, on one line: "12 of 40 spectra are on other axes than the other 28
 * (400–4000 cm⁻¹ at 1.93 cm⁻¹, 1866 points): "s13" 400–3998 cm⁻¹ at 1.93 cm⁻¹, 1865 points
 * (and 11 more on that axis); …". `notes` adds what is wrong with an axis, by group.
 */
function differences(all: AxisStats[], notes: Map<AxisStats, string[]> = new Map()): string {
  const ref = referenceOf(all);
  const total = all.reduce((s, a) => s + a.group.count, 0);
  const others = all.filter((a) => a !== ref);
  // Axes with a problem first: they are the ones to act on.
  others.sort((a, b) => Number(notes.has(b)) - Number(notes.has(a)));
  const moved = total - ref.group.count;
  const listed = others.slice(0, MAX_LISTED).map((a) => {
    const more = a.group.count > 1 ? ` (and ${a.group.count - 1} more on that axis)` : '';
    const why = notes.get(a);
    return `"${a.group.first}"${more} ${axisText(a)}${why ? ` — ${why.join(', ')}` : ''}`;
  });
  if (others.length > MAX_LISTED) listed.push(`and ${plural(others.length - MAX_LISTED, 'more axis', 'more axes')}`);
  return `${moved} of ${total} spectra ${moved === 1 ? 'is' : 'are'} on ${others.length === 1 ? 'another axis' : `${others.length} other axes`} than the other ${ref.group.count} (${axisText(ref)}): ${listed.join('; ')}`;
}

/** "12 of 40 spectra are on other axes than …", for a refusal that points to putting them on one axis. */
export function describeAxes(groups: readonly AxisGroup[]): string {
  return differences(groups.map(stats));
}

/**
 * What is beyond the tolerance, per axis: another unit, a step more than `maxStepRatio` times
 * the reference's (the axis most spectra share), or a range of which the overlap of all keeps
 * less than `minOverlap`. An axis that limits the overlap is named with the one it cuts short.
 */
function problems(all: AxisStats[], overlap: { lo: number; hi: number }, tol: AxisTolerance): Map<AxisStats, string[]> {
  const ref = referenceOf(all);
  const notes = new Map<AxisStats, string[]>();
  const note = (a: AxisStats, text: string) => notes.set(a, [...(notes.get(a) ?? []), text]);
  const u = unitText(ref.group.unit);
  for (const a of all) {
    if (a.group.unit !== ref.group.unit) {
      note(a, `in ${AXIS_UNIT_LABELS[a.group.unit]}, not ${AXIS_UNIT_LABELS[ref.group.unit]}`);
      continue;
    }
    const ratio = Math.max(a.step / ref.step, ref.step / a.step);
    if (ratio > tol.maxStepRatio) note(a, `its step is ${num(ratio, 3)}× ${a.step > ref.step ? 'coarser' : 'finer'} (at most ${num(tol.maxStepRatio)}×)`);
  }
  if (notes.size) return notes;
  if (overlap.hi <= overlap.lo) {
    const endsFirst = all.find((a) => a.hi === overlap.hi)!;
    const startsLast = all.find((a) => a.lo === overlap.lo)!;
    const [culprit, other] = startsLast === ref ? [endsFirst, startsLast] : [startsLast, endsFirst];
    note(culprit, `its range does not overlap that of "${other.group.first}" at all`);
    return notes;
  }
  const span = overlap.hi - overlap.lo;
  const worst = all.reduce((w, a) => (span / (a.hi - a.lo) < span / (w.hi - w.lo) ? a : w));
  const kept = span / (worst.hi - worst.lo);
  if (kept >= tol.minOverlap) return notes;
  const limits = all.filter((a) => (a.lo === overlap.lo && a.lo > worst.lo) || (a.hi === overlap.hi && a.hi < worst.hi));
  const text = `the range all spectra share, ${num(overlap.lo)}–${num(overlap.hi)}${u}, keeps only ${Math.floor(kept * 100)} % of ${worst === ref ? "the others'" : `"${worst.group.first}"'s`} ${num(worst.lo)}–${num(worst.hi)}${u} (at least ${Math.round(tol.minOverlap * 100)} % is needed)`;
  for (const a of limits.length ? limits : [worst]) if (a !== ref) note(a, text);
  if (!notes.size) note(worst, text);
  return notes;
}

/** The grid values start, start ± step, … up to stop, clamped into [lo, hi] against rounding. */
function uniformGrid(start: number, stop: number, step: number, lo: number, hi: number): Float64Array {
  const dir = stop >= start ? 1 : -1;
  const count = Math.floor(Math.abs(stop - start) / step + 1e-9) + 1;
  if (count > 1_000_000) throw new UserError('BAD_INPUT', `A step of ${num(step)} would give ${count} points; use a larger step.`, { field: 'step' });
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.min(hi, Math.max(lo, start + dir * i * step));
  return out;
}

export function sameAxis(a: ArrayLike<number>, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The axis that spectra on `groups` (in dataset order) can share, by `choice`, or a UserError
 * naming the spectra whose axes are beyond the tolerance and by how much. The grid never leaves
 * the overlap of all axes, so every spectrum is interpolated, never extrapolated.
 */
export function commonAxis(groups: readonly AxisGroup[], choice: GridChoice = 'auto', tol: AxisTolerance = AXIS_TOLERANCE): CommonAxisPlan {
  if (!groups.length) throw new UserError('BAD_INPUT', 'There are no spectra to put on one axis.');
  const all = groups.map(stats);
  const ref = referenceOf(all);
  if (ref.group.unit === 'index') {
    throw new UserError('BAD_INPUT', 'The spectra have no wavenumber or wavelength axis, only point numbers, so their axes cannot be matched by value. Import them with their axis (or --axis-unit) first.');
  }
  const overlap = { lo: Math.max(...all.map((a) => a.lo)), hi: Math.min(...all.map((a) => a.hi)) };
  const notes = problems(all, overlap, tol);
  if (notes.size) throw new UserError('BAD_INPUT', `These spectra cannot be put on one axis: ${differences(all, notes)}.`);
  const u = unitText(ref.group.unit);
  const range = `${num(overlap.lo)}–${num(overlap.hi)}${u}`;
  let axis: Float64Array;
  let step: number;
  let description: string;
  if (choice === 'auto') {
    const steps = all.flatMap((a) => Array<number>(a.group.count).fill(a.step)).sort((a, b) => a - b);
    step = median(steps);
    axis = ref.descending ? uniformGrid(overlap.hi, overlap.lo, step, overlap.lo, overlap.hi) : uniformGrid(overlap.lo, overlap.hi, step, overlap.lo, overlap.hi);
    description = `the overlap ${range} at the median step ${num(step, 3)}${u}, ${axis.length} points`;
  } else if (choice === 'first') {
    const first = all[0]!;
    axis = Float64Array.from(first.group.values).filter((x) => x >= overlap.lo && x <= overlap.hi);
    step = first.step;
    description = `the axis of "${first.group.first}" within the overlap ${range}, ${axis.length} points`;
  } else {
    const { start, stop } = choice;
    step = choice.step;
    if (!(step > 0) || !Number.isFinite(start) || !Number.isFinite(stop)) throw new UserError('BAD_INPUT', 'A grid needs a finite start and stop and a positive step.', { field: 'step' });
    const lo = Math.min(start, stop);
    const hi = Math.max(start, stop);
    if (lo < overlap.lo || hi > overlap.hi) {
      throw new UserError('BAD_INPUT', `The grid ${num(start)}–${num(stop)}${u} leaves the range all spectra share, ${range}; choose a grid inside it (nothing is extrapolated).`, { field: 'start' });
    }
    axis = uniformGrid(start, stop, step, lo, hi);
    description = `the grid ${num(start)}–${num(axis[axis.length - 1]!)}${u} at step ${num(step)}${u}, ${axis.length} points`;
  }
  if (axis.length < 2) throw new UserError('BAD_INPUT', `The common axis would have ${axis.length} point${axis.length === 1 ? '' : 's'}; choose a smaller step.`, { field: 'step' });
  const resampled = all.reduce((s, a) => s + (sameAxis(a.group.values, axis) ? 0 : a.group.count), 0);
  const spectra = all.reduce((s, a) => s + a.group.count, 0);
  return { axis, unit: ref.group.unit, description, start: axis[0]!, stop: axis[axis.length - 1]!, step, resampled, spectra, axes: all.length };
}

/** The recipe that puts spectra on the plan's axis: the resample step onto it, with no extrapolation (it learns nothing). */
export function commonAxisRecipe(plan: CommonAxisPlan): FittedPipeline {
  const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'resample', params: { axis: Array.from(plan.axis), maxExtrapolation: 0 } }] });
  return { spec, states: [null] };
}

/** A grid option on the command line (`flag`): auto, first, or START:STOP:STEP (e.g. 4000:400:2, descending). */
export function parseGridChoice(text: string, flag = '--common-axis'): GridChoice {
  const t = text.trim();
  if (t === 'auto' || t === 'first') return t;
  const parts = t.split(':').map((p) => (p.trim() === '' ? NaN : Number(p)));
  if (parts.length === 3 && parts.every(Number.isFinite) && parts[2]! > 0 && parts[0] !== parts[1]) return { start: parts[0]!, stop: parts[1]!, step: parts[2]! };
  throw new UserError('BAD_INPUT', `${flag} takes auto, first or START:STOP:STEP (e.g. 400:4000:2), not "${text.slice(0, 40)}".`, { field: flag });
}
