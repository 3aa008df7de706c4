/**
 * Validation schemes, identical for networks and PLS: which rows train and which test, per fold
 * or repeat. Pure and seeded: the same scheme, rows and seed give the same folds everywhere, and
 * the runs store the sample ids, so two runs on one scheme see the same spectra.
 *
 *   given              the samples' train/test tags
 *   holdout:0.2        one stratified 20 % test set
 *   kfold:5            stratified k-fold (classes; for numbers: sorted into blocks of k, one per fold)
 *   mccv:10x0.2        Monte-Carlo cross-validation: 10 stratified 20 % hold-outs
 *   group:COLUMN[:5]   grouped k-fold: all spectra of one group (sample, patient, batch) on one side
 *   learning-curve     score against training-set size on one fixed test set
 *   blocked:5[:B]      maps: 5 contiguous regions, B pixels of buffer left out (./spatial-splits.ts)
 *   blocked-holdout:0.2[:B]  maps: one contiguous 20 % region held out
 */
import { UserError } from '../errors';
import { mulberry32, shuffleInPlace } from './random';
import { blockedHoldout, blockedKFold, testPixelsTouchingTraining, type BlockedFold, type MapPixels } from './spatial-splits';

export type Scheme =
  | { kind: 'given' }
  | { kind: 'holdout'; fraction: number }
  | { kind: 'kfold'; k: number }
  | { kind: 'mccv'; repeats: number; fraction: number }
  | { kind: 'group'; column: string; k: number }
  | { kind: 'learning-curve'; sizes: number[] }
  | { kind: 'blocked'; k: number; buffer: number }
  | { kind: 'blocked-holdout'; fraction: number; buffer: number };

export const LEARNING_CURVE_SIZES = [0.1, 0.25, 0.5, 0.75, 1];

const HELP = 'Use given, holdout:0.2, kfold:5, mccv:10x0.2, group:COLUMN (or group:COLUMN:5) or learning-curve. For a map: blocked:5 (or blocked:5:BUFFER) or blocked-holdout:0.2 (or blocked-holdout:0.2:BUFFER).';

function fraction(text: string, scheme: string): number {
  const f = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!(f > 0 && f < 1)) throw new UserError('BAD_INPUT', `Validation "${scheme}": the test fraction must be between 0 and 1 (e.g. 0.2 or 20%).`, { field: 'validation' });
  return f;
}

function integer(text: string, scheme: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError('BAD_INPUT', `Validation "${scheme}": ${what} must be a whole number from ${min} to ${max}.`, { field: 'validation' });
  return n;
}

export function parseScheme(text: string): Scheme {
  const t = text.trim();
  if (t === 'given') return { kind: 'given' };
  if (t === 'learning-curve') return { kind: 'learning-curve', sizes: LEARNING_CURVE_SIZES };
  let m = /^holdout:(.+)$/.exec(t);
  if (m) return { kind: 'holdout', fraction: fraction(m[1]!, t) };
  m = /^kfold:(.+)$/.exec(t);
  if (m) return { kind: 'kfold', k: integer(m[1]!, t, 'the number of folds', 2, 100) };
  m = /^mccv:([^x]+)x(.+)$/.exec(t);
  if (m) return { kind: 'mccv', repeats: integer(m[1]!, t, 'the number of repeats', 1, 1000), fraction: fraction(m[2]!, t) };
  m = /^blocked:([^:]+)(?::(.+))?$/.exec(t);
  if (m) return { kind: 'blocked', k: integer(m[1]!, t, 'the number of regions', 2, 100), buffer: m[2] ? integer(m[2], t, 'the buffer (pixels)', 0, 1000) : 0 };
  m = /^blocked-holdout:([^:]+)(?::(.+))?$/.exec(t);
  if (m) return { kind: 'blocked-holdout', fraction: fraction(m[1]!, t), buffer: m[2] ? integer(m[2], t, 'the buffer (pixels)', 0, 1000) : 0 };
  m = /^group:(.+?)(?::(\d+))?$/.exec(t);
  if (m) return { kind: 'group', column: m[1]!, k: m[2] ? integer(m[2], t, 'the number of folds', 2, 100) : 5 };
  throw new UserError('BAD_INPUT', `Validation "${text}" is not a scheme Spectra Desk knows. ${HELP}`, { field: 'validation' });
}

export function schemeText(s: Scheme): string {
  switch (s.kind) {
    case 'given':
      return 'given';
    case 'holdout':
      return `holdout:${s.fraction}`;
    case 'kfold':
      return `kfold:${s.k}`;
    case 'mccv':
      return `mccv:${s.repeats}x${s.fraction}`;
    case 'group':
      return `group:${s.column}:${s.k}`;
    case 'learning-curve':
      return 'learning-curve';
    case 'blocked':
      return `blocked:${s.k}${s.buffer ? `:${s.buffer}` : ''}`;
    case 'blocked-holdout':
      return `blocked-holdout:${s.fraction}${s.buffer ? `:${s.buffer}` : ''}`;
  }
}

/** How a scheme reads to a scientist, e.g. "stratified 5-fold cross-validation". */
export function schemeLabel(s: Scheme): string {
  switch (s.kind) {
    case 'given':
      return 'given split (train/test tags)';
    case 'holdout':
      return `hold-out ${Math.round(s.fraction * 100)} % (stratified)`;
    case 'kfold':
      return `stratified ${s.k}-fold cross-validation`;
    case 'mccv':
      return `Monte-Carlo cross-validation, ${s.repeats} × ${Math.round(s.fraction * 100)} % test (stratified)`;
    case 'group':
      return `grouped ${s.k}-fold cross-validation by “${s.column}”`;
    case 'learning-curve':
      return 'learning curve (score against training-set size)';
    case 'blocked':
      return `spatially blocked ${s.k}-fold cross-validation (contiguous regions of the map${bufferText(s.buffer)})`;
    case 'blocked-holdout':
      return `spatially blocked hold-out ${Math.round(s.fraction * 100)} % (a contiguous region of the map${bufferText(s.buffer)})`;
  }
}

const bufferText = (b: number) => (b ? `, ${b}-pixel buffer left out` : '');

/** A scheme that holds out regions of a map rather than spectra drawn at random. */
export function isBlocked(s: Scheme): s is Extract<Scheme, { kind: 'blocked' | 'blocked-holdout' }> {
  return s.kind === 'blocked' || s.kind === 'blocked-holdout';
}

export interface Fold {
  /** "fold 2 of 5", "repeat 3 of 10", "25 % of the training set"… */
  label: string;
  /** Sorted row indices. */
  train: number[];
  test: number[];
}

export interface FoldInput {
  /** Rows with a target value (the others take no part). */
  rows: number[];
  /** Per row: class index (classification) or value (regression); used to stratify. */
  target: ArrayLike<number>;
  kind: 'classification' | 'regression';
  /** Per row: the split tag, for `given` and the learning curve's test set. */
  splits: ('train' | 'test' | null)[];
  /** Per row: the group value, for `group:COLUMN`. */
  groups?: (string | number | null)[];
  /** Per row: its pixel on the dataset's map, for the blocked schemes. */
  map?: MapPixels;
  seed: number;
}

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

/**
 * Strata of `rows`: one per class, or for values blocks of `size` neighbours in sorted order
 * (so each fold spans the whole range of the target, as in chemometric "venetian blinds").
 */
function strata(rows: number[], input: FoldInput, size: number, rand: () => number): number[][] {
  if (input.kind === 'classification') {
    const by = new Map<number, number[]>();
    for (const r of rows) {
      const c = input.target[r]!;
      if (!by.has(c)) by.set(c, []);
      by.get(c)!.push(r);
    }
    return [...by.keys()].sort((a, b) => a - b).map((c) => shuffleInPlace(by.get(c)!, rand));
  }
  const order = [...rows].sort((a, b) => input.target[a]! - input.target[b]! || a - b);
  const blocks: number[][] = [];
  for (let i = 0; i < order.length; i += size) blocks.push(shuffleInPlace(order.slice(i, i + size), rand));
  return blocks;
}

/** Stratified k-fold: members of each stratum dealt round-robin, continuing across strata so fold sizes differ by at most one. */
function kfold(rows: number[], input: FoldInput, k: number, rand: () => number): number[][] {
  const parts: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const s of strata(rows, input, k, rand)) {
    for (const r of s) {
      parts[next]!.push(r);
      next = (next + 1) % k;
    }
  }
  return parts;
}

/** Stratified hold-out: `fraction` of each stratum to the test side (≥ 1 from every class with ≥ 2 rows). */
function holdout(rows: number[], input: FoldInput, fraction: number, rand: () => number): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  if (input.kind === 'classification') {
    for (const s of strata(rows, input, 0, rand)) {
      let take = Math.round(s.length * fraction);
      take = s.length >= 2 ? Math.min(Math.max(take, 1), s.length - 1) : 0;
      test.push(...s.slice(0, take));
      train.push(...s.slice(take));
    }
  } else {
    // Values: one from each block of ~1/fraction sorted neighbours, so the test set spans the range;
    // then trimmed or topped up at random to exactly round(n · fraction).
    const want = Math.round(rows.length * fraction);
    const blocks = strata(rows, input, Math.max(2, Math.round(1 / fraction)), rand);
    let picked = blocks.map((b) => b[0]!);
    let rest = blocks.flatMap((b) => b.slice(1));
    if (picked.length > want) {
      const p = shuffleInPlace(picked, rand);
      rest = rest.concat(p.slice(want));
      picked = p.slice(0, want);
    } else if (picked.length < want) {
      const r = shuffleInPlace(rest, rand);
      const more = want - picked.length;
      picked = picked.concat(r.slice(0, more));
      rest = r.slice(more);
    }
    test.push(...picked);
    train.push(...rest);
  }
  return { train: sorted(train), test: sorted(test) };
}

/**
 * The rows in an order whose every prefix keeps the strata's proportions: member j of a stratum
 * of n sits at (j + ½) / n, and the strata are merged by that position.
 */
function stratifiedOrder(rows: number[], input: FoldInput, rand: () => number): number[] {
  const keyed: [number, number][] = [];
  for (const s of strata(rows, input, 10, rand)) s.forEach((r, j) => keyed.push([(j + 0.5) / s.length + rand() * 1e-9, r]));
  return keyed.sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/** The folds (or repeats, or training-set sizes) of a scheme. Throws a UserError naming what is missing. */
export function makeFolds(scheme: Scheme, input: FoldInput): Fold[] {
  const rand = mulberry32(input.seed);
  const rows = sorted(input.rows);
  const need = (ok: boolean, message: string) => {
    if (!ok) throw new UserError('BAD_INPUT', message, { field: 'validation' });
  };
  switch (scheme.kind) {
    case 'given': {
      const train = rows.filter((r) => input.splits[r] === 'train');
      const test = rows.filter((r) => input.splits[r] === 'test');
      need(train.length > 0 && test.length > 0, `Validation "given" needs samples tagged train and test, but this dataset has ${train.length} train and ${test.length} test samples with a target. Tag them in the Data view, or use holdout:0.2 or kfold:5.`);
      return [{ label: 'given split', train, test }];
    }
    case 'holdout':
      return [{ label: `hold-out ${Math.round(scheme.fraction * 100)} %`, ...holdout(rows, input, scheme.fraction, rand) }];
    case 'kfold': {
      need(rows.length >= scheme.k, `Validation "kfold:${scheme.k}" needs at least ${scheme.k} samples with a target; there are ${rows.length}.`);
      const parts = kfold(rows, input, scheme.k, rand);
      return parts.map((test, i) => ({ label: `fold ${i + 1} of ${scheme.k}`, train: sorted(parts.filter((_, j) => j !== i).flat()), test: sorted(test) }));
    }
    case 'mccv':
      return Array.from({ length: scheme.repeats }, (_, i) => ({ label: `repeat ${i + 1} of ${scheme.repeats}`, ...holdout(rows, input, scheme.fraction, rand) }));
    case 'group': {
      const groups = input.groups;
      need(!!groups, `Validation "group:${scheme.column}" needs the column "${scheme.column}".`);
      const missing = rows.filter((r) => groups![r] === null || groups![r] === '');
      need(!missing.length, `Validation "group:${scheme.column}": ${missing.length} sample${missing.length === 1 ? ' has' : 's have'} no “${scheme.column}” value. Fill it in, or leave those samples without a target.`);
      const members = new Map<string, number[]>();
      for (const r of rows) {
        const g = String(groups![r]);
        if (!members.has(g)) members.set(g, []);
        members.get(g)!.push(r);
      }
      need(members.size >= scheme.k, `Validation "group:${scheme.column}:${scheme.k}" needs at least ${scheme.k} groups; “${scheme.column}” has ${members.size}. Use fewer folds, e.g. group:${scheme.column}:${Math.max(2, members.size)}.`);
      // Largest groups first (ties in seeded random order), each to the fold with the fewest samples so far.
      const order = shuffleInPlace([...members.keys()].sort(), rand).sort((a, b) => members.get(b)!.length - members.get(a)!.length);
      const parts: number[][] = Array.from({ length: scheme.k }, () => []);
      for (const g of order) {
        let best = 0;
        for (let i = 1; i < scheme.k; i++) if (parts[i]!.length < parts[best]!.length) best = i;
        parts[best]!.push(...members.get(g)!);
      }
      return parts.map((test, i) => ({ label: `fold ${i + 1} of ${scheme.k}`, train: sorted(parts.filter((_, j) => j !== i).flat()), test: sorted(test) }));
    }
    case 'blocked':
      return blockedKFold(rows, input.map, scheme.k, scheme.buffer, schemeText(scheme)).map((f, i) => ({ label: blockLabel(`region ${i + 1} of ${scheme.k}`, f), train: f.train, test: f.test }));
    case 'blocked-holdout': {
      const f = blockedHoldout(rows, input.map, scheme.fraction, scheme.buffer, schemeText(scheme));
      return [{ label: blockLabel(`blocked hold-out ${Math.round(scheme.fraction * 100)} %`, f), train: f.train, test: f.test }];
    }
    case 'learning-curve': {
      const tagged = rows.some((r) => input.splits[r] === 'train') && rows.some((r) => input.splits[r] === 'test');
      const base = tagged ? { train: rows.filter((r) => input.splits[r] === 'train'), test: rows.filter((r) => input.splits[r] === 'test') } : holdout(rows, input, 0.2, rand);
      // Nested subsets: a stratified order of the training rows, each size a prefix of it.
      const order = stratifiedOrder(base.train, input, rand);
      return scheme.sizes.map((f) => {
        const n = Math.max(2, Math.round(base.train.length * f));
        return { label: `${Math.round(f * 100)} % of the training set (${n})`, train: sorted(order.slice(0, n)), test: base.test };
      });
    }
  }
}

const blockLabel = (name: string, f: BlockedFold) => (f.buffer.length ? `${name} (${f.buffer.length} buffer pixel${f.buffer.length === 1 ? '' : 's'} left out)` : name);

/**
 * The warning for a split of a map's pixels that is not spatially blocked, when most of its test
 * pixels have a training pixel next to them (within the neighbourhood's radius, when the model
 * reads one): neighbouring pixels have nearly the same spectrum, so the score is optimistic.
 * Null for a blocked scheme, a dataset that is not a map, or a split that keeps regions apart
 * (hand-drawn train and test regions given as tags).
 */
export function mapSplitWarning(s: Scheme, map: MapPixels | undefined, folds: { train: number[]; test: number[] }[], neighbourhood?: { radius: number }): string | null {
  if (!map || isBlocked(s)) return null;
  const r = neighbourhood?.radius ?? 0;
  const distance = Math.max(1, r);
  const { touching, tested } = testPixelsTouchingTraining(map, folds, distance);
  if (!tested || touching * 2 <= tested) return null;
  const single = s.kind === 'given' || s.kind === 'holdout';
  const better = single ? schemeText({ kind: 'blocked-holdout', fraction: 0.2, buffer: r }) : schemeText({ kind: 'blocked', k: 5, buffer: r });
  return `This dataset is a map, and ${touching} of its ${tested} test pixels (${Math.round((100 * touching) / tested)} %) have a training pixel ${distance === 1 ? 'next to them' : `within ${distance} pixels`}: neighbouring pixels have nearly the same spectrum, so this split tests the model on pixels it has in effect trained on and its score is optimistic. Use ${better} to hold out contiguous regions of the map.`;
}

/**
 * Groups (e.g. replicate spectra of one sample) that fall on both sides of some fold: a plain
 * split then scores the model on spectra it has in effect seen. Returns the count and examples.
 */
export function replicateLeaks(folds: Fold[], groups: (string | number | null)[]): { groups: number; examples: string[] } {
  const leaking = new Set<string>();
  for (const f of folds) {
    const inTrain = new Set(f.train.map((r) => groups[r]).filter((g) => g !== null && g !== '').map(String));
    for (const r of f.test) {
      const g = groups[r];
      if (g !== null && g !== '' && inTrain.has(String(g))) leaking.add(String(g));
    }
  }
  return { groups: leaking.size, examples: [...leaking].slice(0, 3) };
}

/**
 * Columns that look like replicate or sample identifiers: many small groups (≥ 4 groups, one
 * per ≤ 10 spectra, most repeated, none larger than 10). Used to warn before a plain split.
 */
export function replicateColumns(columns: { name: string; values: (string | number | null)[] }[]): string[] {
  const out: string[] = [];
  for (const c of columns) {
    const counts = new Map<string, number>();
    for (const v of c.values) if (v !== null && v !== '') counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
    const sizes = [...counts.values()];
    const repeated = sizes.filter((n) => n >= 2).length;
    // Many small groups (not a handful of classes): ≥ 4 groups, at least one per 10 spectra, ≤ 10 spectra each.
    if (counts.size >= 4 && counts.size * 10 >= c.values.length && repeated >= counts.size * 0.5 && Math.max(...sizes) <= 10) out.push(c.name);
  }
  return out;
}

/**
 * The scheme a run gets when none is named: on a map, a spatially blocked hold-out of 20 % with a
 * buffer of the neighbourhood's radius (so that no test pixel's neighbourhood reads a training
 * spectrum); otherwise the samples' train/test tags, and where the samples carry none (a table
 * without a split column), a 20 % hold-out, so a first run on fresh data trains rather than fails.
 */
export function defaultScheme(isMap: boolean, radius = 0, tagged = true): Scheme {
  return isMap ? { kind: 'blocked-holdout', fraction: 0.2, buffer: radius } : tagged ? { kind: 'given' } : { kind: 'holdout', fraction: 0.2 };
}
