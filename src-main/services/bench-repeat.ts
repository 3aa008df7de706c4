/**
 * The spread of a benchmark repeated N times (`spectra-desk bench --repeat N`): one quiet run
 * says little on a shared machine, so the bench reports the least, middle and greatest figure.
 */
import { median as middle } from '../common/ml/median';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The middle value (one rule for the project: common/ml/stats.ts); no runs is a caller's error. */
export function median(values: readonly number[]): number {
  if (!values.length) throw new RangeError('median of no values');
  return middle(values);
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

export interface RepeatRun {
  ours: number;
  /** The reference's spectra/s in the same repetition; null when it did not run. */
  reference: number | null;
}

export interface RepeatSummary {
  ours: Spread;
  reference: Spread | null;
  /** Of the per-run ratios ours / reference (each pair measured back to back), not of the medians. */
  ratio: Spread | null;
}

/** The spread of ours, the reference and their per-run ratio; the reference parts only when every run had one. */
export function summariseRepeats(runs: readonly RepeatRun[]): RepeatSummary {
  const ours = spread(runs.map((r) => r.ours));
  const refs = runs.map((r) => r.reference);
  if (refs.some((v) => v === null)) return { ours, reference: null, ratio: null };
  const reference = refs as number[];
  return { ours, reference: spread(reference), ratio: spread(runs.map((r, i) => r.ours / reference[i]!)) };
}

/** Ours and the reference, each repetition's pair measured back to back, and their spread. */
export interface PairedRuns<O, R> {
  ours: O[];
  /** One per run of ours, when the reference ran every time; else the ones it gave before it stopped. */
  refs: R[];
  /** Why the reference was not run (or stopped being run); absent when it ran every time. */
  referenceNote?: string;
  summary: RepeatSummary;
}

/**
 * Runs ours and then the reference `repeat` times alternately, so that a busy spell on a shared
 * machine hits both rather than one (the bench's rows all repeat this way). The reference is not
 * run again once it says why it cannot run (`{ note }`, or null: it gave nothing), and is not run
 * at all when `referenceNote` is given.
 */
export async function repeatPaired<O extends { spectraPerSecond: number }, R extends { spectraPerSecond: number }>(o: {
  repeat: number;
  log: (line: string) => void;
  referenceNote?: string;
  /** What the log says before each reference run. */
  referenceLabel: string;
  ours: () => Promise<O>;
  /** The reference run paired with `run` of ours (it may check the two are the same network and throw). */
  reference: (run: O) => Promise<R | { note: string } | null>;
}): Promise<PairedRuns<O, R>> {
  const ours: O[] = [];
  const refs: R[] = [];
  let referenceNote = o.referenceNote;
  for (let r = 1; r <= o.repeat; r++) {
    if (o.repeat > 1) o.log(`run ${r} of ${o.repeat}`);
    const run = await o.ours();
    ours.push(run);
    if (referenceNote !== undefined) continue;
    o.log(o.referenceLabel);
    const ref = await o.reference(run);
    if (ref === null || 'note' in ref) {
      referenceNote = ref?.note ?? 'the reference gave no result';
      continue;
    }
    o.log(`  PyTorch: ${ref.spectraPerSecond.toFixed(0)} spectra/s`);
    refs.push(ref);
  }
  const withReference = referenceNote === undefined;
  const summary = summariseRepeats(ours.map((run, i) => ({ ours: run.spectraPerSecond, reference: withReference ? refs[i]!.spectraPerSecond : null })));
  return { ours, refs, ...(referenceNote !== undefined ? { referenceNote } : {}), summary };
}
