/**
 * Colours. One stable colour per class of a column, in every view: classes are ordered by a
 * natural sort of their names (not by counts, which change with edits), and the n-th class
 * gets the n-th palette colour (`common/format/colours.ts`).
 */
import type { DatasetSummary } from '@common/domain/project';

export { CLASS_PALETTE, MISSING_COLOUR } from '@common/format/colours';
import { CLASS_PALETTE, hexBytes, MISSING_COLOUR, VIRIDIS_STOPS, viridis } from '@common/format/colours';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function naturalCompare(a: string, b: string): number {
  return collator.compare(a, b);
}

export interface ClassColours {
  /** Classes in legend order (natural sort of their names). */
  order: string[];
  colour(value: string | number | null | undefined): string;
}

/**
 * Which palette slot each class of a column holds. A class keeps its slot when others are added,
 * renamed or removed (a renamed class takes its old name's slot), so its colour never jumps
 * between views or after edits. Kept per project in localStorage; new classes take the lowest free
 * slot, in natural order, so the first assignment is the same on every machine.
 */
const STORE_KEY = 'spectra-desk:class-colours:v1';
let scope = '';
let slots: Record<string, Record<string, number>> = {};

function load(): void {
  try {
    slots = JSON.parse(localStorage.getItem(`${STORE_KEY}:${scope}`) ?? '{}') as typeof slots;
  } catch {
    slots = {};
  }
}
function save(): void {
  try {
    localStorage.setItem(`${STORE_KEY}:${scope}`, JSON.stringify(slots));
  } catch {
    // Storage full or unavailable: colours stay stable for this session only.
  }
}

/** Call when a project opens: slots are remembered per project file. */
export function setColourScope(projectPath: string): void {
  scope = projectPath;
  load();
}

function slotsFor(datasetId: number, column: string, values: string[]): Record<string, number> {
  const key = `${datasetId}\u0000${column}`;
  const map = (slots[key] ??= {});
  const fresh = values.filter((v) => map[v] === undefined).sort(naturalCompare);
  if (fresh.length) {
    const live = new Set(values);
    // Slots of classes that no longer exist are reused only when the palette is exhausted.
    const used = new Set(Object.entries(map).filter(([v]) => live.has(v)).map(([, i]) => i));
    const taken = new Set(Object.values(map));
    let next = 0;
    for (const v of fresh) {
      while (taken.has(next) && next < CLASS_PALETTE.length) next++;
      if (next < CLASS_PALETTE.length) {
        map[v] = next;
        taken.add(next);
      } else {
        let i = 0;
        while (used.has(i) && i < CLASS_PALETTE.length) i++;
        map[v] = i < CLASS_PALETTE.length ? i : Object.keys(map).length % CLASS_PALETTE.length;
      }
      used.add(map[v]!);
    }
    save();
  }
  return map;
}

/** Tells the registry that a class was renamed, so the new name keeps the old colour. */
export function classRenamed(datasetId: number, column: string, from: string, to: string): void {
  const map = (slots[`${datasetId}\u0000${column}`] ??= {});
  if (map[from] !== undefined && map[to] === undefined) {
    map[to] = map[from]!;
    delete map[from];
    save();
  }
}

export function classColours(values: Iterable<string>, datasetId = 0, column = ''): ClassColours {
  const order = [...new Set(values)].filter((v) => v !== '(none)').sort(naturalCompare);
  const map = slotsFor(datasetId, column, order);
  return {
    order,
    colour: (v) => {
      if (v === null || v === undefined || v === '') return MISSING_COLOUR;
      const i = map[String(v)];
      return i === undefined ? MISSING_COLOUR : CLASS_PALETTE[i % CLASS_PALETTE.length]!;
    },
  };
}

/** Colours for a class column of a dataset (the summary lists every class, up to 200). */
export function columnClassColours(summary: DatasetSummary, column: string): ClassColours {
  return classColours(
    (summary.columns[column]?.classes ?? []).map((c) => c.value),
    summary.id,
    column,
  );
}

/** Colour for t in [0, 1] on viridis. */
export function sequential(t: number): string {
  if (!Number.isFinite(t)) return MISSING_COLOUR;
  const [r, g, b] = viridis(t);
  return `rgb(${r}, ${g}, ${b})`;
}

export function viridisGradientCss(): string {
  return `linear-gradient(to right, ${VIRIDIS_STOPS.join(', ')})`;
}

export function withAlpha(colour: string, alpha: number): string {
  if (colour.startsWith('#')) {
    const [r, g, b] = hexBytes(colour);
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return colour.replace(/^rgb\((.*)\)$/, `rgba($1, ${alpha})`);
}
