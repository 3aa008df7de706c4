/**
 * Recipe editor model and the live preview runner. The preview runs the SAME pure step code
 * training uses (`@common/preprocessing`): each step is resolved with `parsePipelineSpec`,
 * fitted with `fitPipeline` on the preview's training rows and applied with
 * `applyPipelineSteps`, one step at a time so an error is attributed to the step that raised it.
 */
import type { JsonValue, ParamInfo, SpectraBlock, StepDefinition } from '@common/preprocessing/types';
import { STEPS } from '@common/preprocessing/registry';
import { paramLabel } from '@common/preprocessing/param-info';
import { BASELINE_STEPS } from '@common/preprocessing/steps/baselines-index';
import { applyPipelineSteps, fitOnTraining, parsePipelineSpec, type ResolvedPipeline } from '@common/preprocessing/pipeline';

export interface RecipeStep {
  uid: number;
  kind: string;
  enabled: boolean;
  params: Record<string, JsonValue>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStep = StepDefinition<any, any>;

export const STEP_GROUPS: { label: string; kinds: string[] }[] = [
  { label: 'Spectral range', kinds: ['crop', 'resample'] },
  { label: 'Cleaning', kinds: ['despike'] },
  { label: 'Baseline', kinds: ['asls', 'arpls', 'airpls', 'modpoly', 'rubberband'] },
  { label: 'Smoothing / derivatives', kinds: ['savitzkyGolay'] },
  { label: 'Scatter / normalisation', kinds: ['snv', 'msc', 'normalize', 'detrend'] },
  { label: 'Conversions', kinds: ['transmittanceToAbsorbance', 'reflectanceToLog1R', 'kubelkaMunk'] },
  { label: 'Scaling', kinds: ['meanCenter', 'autoscale'] },
];

/** Groups with their step definitions; registry steps not named above go to "Other", except those fitted by a command of their own. */
export function groupedSteps(): { label: string; steps: AnyStep[] }[] {
  const named = new Set(STEP_GROUPS.flatMap((g) => g.kinds));
  const out = STEP_GROUPS.map((g) => ({ label: g.label, steps: g.kinds.map((k) => STEPS.find((s) => s.kind === k)).filter((s): s is AnyStep => !!s) }));
  const other = STEPS.filter((s) => !named.has(s.kind) && !s.fittedBy);
  if (other.length) out.push({ label: 'Other', steps: other });
  return out.filter((g) => g.steps.length);
}

export function stepDef(kind: string): AnyStep | undefined {
  return STEPS.find((s) => s.kind === kind);
}

export const BASELINE_KINDS = new Set(BASELINE_STEPS.map((s) => s.kind));

let uidSeq = 0;
/** Plain deep copy (params may arrive as Svelte state proxies, which structuredClone refuses). */
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
export function newStep(kind: string, params?: Record<string, JsonValue>, enabled = true): RecipeStep {
  const def = stepDef(kind)!;
  const defaults = def.params.parse({}) as Record<string, JsonValue>;
  return { uid: ++uidSeq, kind, enabled, params: { ...clone(defaults), ...(params ? clone(params) : {}) } };
}

/** The spec as written to `pipelines:save` and `spectra-desk preprocess --pipeline`. */
export function specOf(steps: RecipeStep[]): { schemaVersion: 1; steps: { kind: string; enabled: boolean; params: Record<string, JsonValue> }[] } {
  return { schemaVersion: 1, steps: steps.map((s) => ({ kind: s.kind, enabled: s.enabled, params: s.params })) };
}

/** Kind of control for one param, read from the zod schema (defaults, nullable, enum…). */
export type FieldKind =
  | { type: 'number'; nullable: boolean }
  | { type: 'boolean' }
  | { type: 'enum'; options: string[] }
  | { type: 'pair'; nullable: boolean }
  | { type: 'pairs' }
  | { type: 'json' };

interface ZodLike {
  _zod: { def: { type: string; innerType?: ZodLike; entries?: Record<string, string>; items?: ZodLike[]; element?: ZodLike; shape?: Record<string, ZodLike> } };
}

function unwrap(s: ZodLike): { inner: ZodLike; nullable: boolean } {
  let nullable = false;
  let cur = s;
  for (;;) {
    const t = cur._zod.def.type;
    if ((t === 'default' || t === 'optional' || t === 'nullable' || t === 'prefault') && cur._zod.def.innerType) {
      if (t === 'nullable') nullable = true;
      cur = cur._zod.def.innerType;
    } else return { inner: cur, nullable };
  }
}

/** One editable param: its control, and the label, unit and help the step module gives it. */
export interface Field {
  key: string;
  kind: FieldKind;
  info: ParamInfo;
}

export function fieldsOf(def: AnyStep): Field[] {
  const shape = (def.params as unknown as ZodLike)._zod.def.shape ?? {};
  const infos = def.paramInfo as Record<string, ParamInfo>;
  return Object.entries(shape).map(([key, schema]) => {
    const { inner, nullable } = unwrap(schema);
    const d = inner._zod.def;
    let kind: FieldKind = { type: 'json' };
    if (d.type === 'number') kind = { type: 'number', nullable };
    else if (d.type === 'boolean') kind = { type: 'boolean' };
    else if (d.type === 'enum') kind = { type: 'enum', options: Object.values(d.entries ?? {}) };
    else if (d.type === 'tuple' && d.items?.length === 2) kind = { type: 'pair', nullable };
    else if (d.type === 'array' && d.element && unwrap(d.element).inner._zod.def.type === 'tuple') kind = { type: 'pairs' };
    return { key, kind, info: infos[key] ?? { label: key, help: '' } };
  });
}

/** The field's label with its unit; axis units read as the dataset's (`cm⁻¹`). */
export function fieldLabel(f: Field, axisUnit: string): string {
  return paramLabel(f.info, axisUnit);
}

/** The hover text of a field: its help, then the name the recipe JSON and the CLI use. */
export function fieldTitle(f: Field): string {
  return f.info.help ? `${f.info.help}\nRecipe JSON name: ${f.key}` : f.key;
}

/** Input hints (min/max/step) where they are obvious; lambda is edited as log10. */
export function numberHints(kind: string, key: string): { min?: number; max?: number; step?: number; log?: boolean; note?: string } {
  if (key === 'lambda') return { log: true, step: 0.5, min: 0, max: 12, note: 'log₁₀' };
  if (kind === 'savitzkyGolay') {
    if (key === 'windowSize') return { min: 3, step: 2 };
    if (key === 'polynomial') return { min: 0, max: 5, step: 1 };
    if (key === 'derivative') return { min: 0, max: 2, step: 1 };
  }
  if (key === 'p') return { min: 0.001, max: 0.999, step: 0.001 };
  if (key === 'ratio' || key === 'tolerance') return { min: 0, step: 0.001 };
  if (key === 'iterations' || key === 'maxIterations') return { min: 1, step: 1 };
  if (key === 'order') return { min: 0, max: 10, step: 1 };
  if (key === 'window') return { min: 1, max: 50, step: 1 };
  if (key === 'threshold') return { min: 0.5, step: 0.5 };
  return {};
}

export interface StepResult {
  /** Input of the step (for the baseline overlay). */
  input: SpectraBlock;
  output: SpectraBlock;
}

export interface PreviewResult {
  /** One entry per step that ran (stops at the first error). */
  steps: StepResult[];
  error: { index: number; message: string; field?: string } | null;
  spec: ResolvedPipeline | null;
}

function firstNonFinite(block: SpectraBlock): number {
  const v = block.values;
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return i;
  return -1;
}

/**
 * Runs the recipe on `block`; fitted steps learn their state from `trainRows` (indices into
 * the block; all rows when empty). Errors carry the 0-based step index and the param name.
 */
export function runPreview(steps: RecipeStep[], block: SpectraBlock, trainRows: number[]): PreviewResult {
  const results: StepResult[] = [];
  let current = block;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (!step.enabled) {
      results.push({ input: current, output: current });
      continue;
    }
    try {
      const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: step.kind, params: step.params }] });
      const fitted = fitOnTraining(spec, current, trainRows);
      const out = applyPipelineSteps(fitted, current)[0]!.output;
      const bad = firstNonFinite(out);
      if (bad >= 0) {
        const n = out.axis.length || 1;
        throw Object.assign(new Error(`${step.kind}: spectrum ${Math.floor(bad / n) + 1} became NaN or infinite at point ${(bad % n) + 1}; check this step's parameters (or the step before it).`), { field: undefined });
      }
      results.push({ input: current, output: out });
      current = out;
    } catch (err) {
      const e = err as Error & { field?: string };
      const message = (e.message || String(err)).replace(/^Pipeline step 1 \(([^)]+)\): /, '$1: ');
      return { steps: results, error: { index: i, message, ...(e.field ? { field: e.field.replace(/^params\./, '') } : {}) }, spec: null };
    }
  }
  let spec: ResolvedPipeline | null = null;
  try {
    spec = parsePipelineSpec(specOf(steps));
  } catch {
    spec = null;
  }
  return { steps: results, error: null, spec };
}

/**
 * The recipe being edited, kept per project while the user visits other sections, so leaving
 * Recipes does not throw away unsaved steps.
 */
export const drafts = new Map<string, { steps: RecipeStep[]; loadedName: string | null }>();

/** "Savitzky–Golay → SNV": the enabled steps of a pipeline by title, for lists and notices. */
export function pipelineSummary(pipeline: { steps: { kind: string; enabled: boolean }[] }): string {
  const titles = pipeline.steps.filter((s) => s.enabled).map((s) => stepDef(s.kind)?.title ?? s.kind);
  return titles.length ? titles.join(' → ') : 'no enabled steps';
}

/** Whether any enabled step of a pipeline learns from data (MSC, mean centring, autoscaling). */
export function hasFittedSteps(pipeline: { steps: { kind: string; enabled: boolean }[] }): boolean {
  return pipeline.steps.some((s) => s.enabled && stepDef(s.kind)?.fitted);
}
