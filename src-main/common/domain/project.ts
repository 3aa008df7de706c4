import type { AxisUnit, ColumnKind, IncompleteSample, SplitTag } from './spectra';
import type { ResolvedPipeline } from '../preprocessing/pipeline';

export interface ColumnSummary {
  kind: ColumnKind;
  /** Number of distinct non-empty values. */
  distinct: number;
  /** Empty cells. */
  missing: number;
  /** For class columns: counts per class, largest first (at most 200 entries). */
  classes?: { value: string; count: number }[];
  /** For number columns. */
  min?: number;
  max?: number;
  /** For number columns: the unit of the values ("%", "mg/L"), when one was given. */
  unit?: string;
}

export interface SourceFileSummary {
  path: string;
  format: string;
  samples: number;
  importedAt: string;
}

export interface DatasetSummary {
  id: number;
  name: string;
  samples: number;
  /** Points per spectrum; null when spectra have different lengths. */
  points: number | null;
  channels: number;
  axis: { unit: AxisUnit; min: number; max: number; descending: boolean } | null;
  /** Number of distinct axes (1 when all spectra share one). */
  axes: number;
  splits: { train: number; test: number; none: number };
  columns: Record<string, ColumnSummary>;
  sourceFiles: SourceFileSummary[];
  yUnit: string | null;
  createdAt: string;
  /** Set when the dataset was made by applying a recipe to another dataset. */
  derivedFrom?: DerivedFrom;
  /** Set when every sample has map coordinates on one grid (`common/maps/grid.ts`). */
  map?: MapSummary;
}

/** A map dataset's grid: pixel (col, row) sits at (x0 + col·stepX, y0 + row·stepY). */
export interface MapSummary {
  width: number;
  height: number;
  /** Pixels holding a spectrum; the other width × height − pixels are missing. */
  pixels: number;
  missing: number;
  /** The common step when columns and rows are equally spaced, otherwise null. */
  step: number | null;
  stepX: number;
  stepY: number;
  x0: number;
  y0: number;
  /** Unit of the coordinates where the source format fixes it (µm for Renishaw, px for ENVI). */
  unit: string | null;
}

/** Where a derived dataset came from (the fitted state is stored too, but not listed). */
export interface DerivedFrom {
  /** Null when the source dataset has since been deleted. */
  sourceDatasetId: number | null;
  sourceDataset: string;
  /** Name of the recipe as it was applied (null for an unnamed one). */
  recipe: string | null;
  /** The resolved pipeline spec that was applied (defaults filled in). */
  pipeline: ResolvedPipeline;
  pipelineHash: string;
  /** Which spectra fitted steps learned from: the training split, or all when none was tagged. */
  fittedOn: 'train' | 'all';
  fittedSamples: number;
  createdAt: string;
}

export interface ProjectInfo {
  path: string;
  name: string;
  schemaVersion: number;
}

export interface RecentProject {
  path: string;
  name: string;
  lastOpened: string;
  exists: boolean;
}

export interface SampleRow {
  id: number;
  key: string;
  split: SplitTag | null;
  values: Record<string, string | number | null>;
  mapX: number | null;
  mapY: number | null;
  /** How many channels the sample has (1 for most; one per source in a joined dataset). */
  channels: number;
}

/** A dataset made by joining datasets into channels (`datasets:join`, `spectra-desk join`). */
export interface JoinResult {
  datasetId: number;
  dataset: string;
  samples: number;
  by: 'id' | 'position';
  channels: { channel: number; name: string; source: string; points: number; unit: AxisUnit; first: number; last: number }[];
  /** True when every channel is on the same axis (a network reads them as one input of several channels). */
  sameAxis: boolean;
  columns: string[];
  durationMs: number;
}

/** Every channel of a few samples, each channel on its own axis (`datasets:channels`). */
export interface SampleChannels {
  datasetId: number;
  axisUnit: AxisUnit;
  /** Per channel, in order: its name and axis. */
  channels: { name: string; axis: Float64Array }[];
  /** Per sample: its key and one array per channel (on that channel's axis). */
  samples: { sampleId: number; key: string; values: Float32Array[] }[];
}

export interface ImportResult {
  datasetId: number;
  dataset: string;
  files: { path: string; format: string; samples: number }[];
  samples: number;
  /** The samples' named channels in order, each on its own axis (a label table's channel column, a long table's). */
  channels?: { name: string; points: number; unit: AxisUnit; first: number; last: number }[];
  /** Samples left out for lacking a channel (dropIncomplete). */
  dropped?: IncompleteSample[];
  warnings: string[];
  durationMs: number;
  /** Set when the import was asked to put spectra on different axes on one: the dataset it made. */
  harmonised?: HarmoniseResult;
}

export interface ImportProgress {
  jobId: string;
  file: string;
  fileIndex: number;
  files: number;
  /** Overall fraction done in [0, 1]. */
  fraction: number;
  /** `indexing bands`: a map's band-major copy is written (db/map-bands.ts), in the import's transaction. */
  stage: 'reading' | 'parsing' | 'storing' | 'indexing bands' | 'done';
}

/** Progress of applying a recipe to a whole dataset (push event `recipes:progress`). */
export interface ApplyProgress {
  jobId: string;
  stage: 'loading' | 'fitting' | 'applying' | 'storing' | 'done';
  /** Spectra processed so far, of `total`. */
  done: number;
  total: number;
  /** Overall fraction done in [0, 1]. */
  fraction: number;
}

export interface ApplyResult {
  /** The new, derived dataset. */
  datasetId: number;
  dataset: string;
  sourceDataset: string;
  samples: number;
  points: number;
  fittedOn: 'train' | 'all';
  fittedSamples: number;
  pipelineHash: string;
  /** Channels of the source left out (only the first channel is processed). */
  channelsLeftOut: number;
  durationMs: number;
}

/** The axis a dataset's spectra would be put on (`datasets:axisPlan`), before anything is stored. */
export interface AxisPlanSummary {
  /** How the grid is chosen, in words: "the overlap 400–4000 cm⁻¹ at the median step 1.93 cm⁻¹, 1866 points". */
  description: string;
  unit: AxisUnit;
  start: number;
  stop: number;
  step: number;
  points: number;
  /** Spectra that will be interpolated (the others are on the grid already), of `spectra`. */
  resampled: number;
  spectra: number;
  /** Distinct axes the dataset's spectra are on now. */
  axes: number;
  /** The new dataset's default name. */
  name: string;
}

/** A dataset put on one axis, stored as a new dataset (`datasets:harmonise`, or an import asked to). */
export interface HarmoniseResult {
  datasetId: number;
  dataset: string;
  sourceDataset: string;
  samples: number;
  points: number;
  /** How the grid was chosen, in words (also the recipe name in its provenance). */
  grid: string;
  resampled: number;
  /** Channels of the source left out (only the first channel is resampled). */
  channelsLeftOut: number;
  durationMs: number;
}
