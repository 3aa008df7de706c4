import type { z } from 'zod';

/**
 * A preprocessing step: a pure module. Spectra come in as one row-major Float64Array block
 * `[spectra × points]` on an axis; steps never modify their input and return new arrays.
 * Per-spectrum steps ignore `fit`; fitted steps (MSC, mean centring, autoscaling) learn JSON
 * state in `fit` from the training split only, and `transform` never fits.
 */
export interface SpectraBlock {
  /** Axis values (wavenumbers in cm⁻¹, wavelengths in nm, …), in file order. */
  axis: Float64Array;
  /** Row-major intensities, `rows × axis.length`. */
  values: Float64Array;
  rows: number;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What a parameter is counted in; `axis` is the spectra's own axis unit (cm⁻¹, nm, …). */
export type ParamUnit = 'points' | 'axis' | 'iterations';

/** How the recipe editor, the run report and the CLI present one step parameter. */
export interface ParamInfo {
  /** Short human name, e.g. `Window`. */
  label: string;
  /** Left out for plain numbers, flags and choices. */
  unit?: ParamUnit;
  /** One sentence: what the parameter does and the values it takes. */
  help: string;
}

/** One ParamInfo for each field of the params type, and no others. */
export type ParamInfoMap<P> = { readonly [K in keyof P]-?: ParamInfo };

export interface StepDefinition<P, S extends JsonValue | null = null> {
  /** Registry key used in pipeline specs, e.g. `savitzkyGolay`. */
  kind: string;
  /** Bumped when the numbers a step produces change. */
  version: number;
  /** Human title for the recipe editor. */
  title: string;
  /** Params schema; every field has a default, so `{}` parses. */
  params: z.ZodType<P>;
  /** Label, unit and help of each param, for the recipe editor, the report and the CLI. */
  paramInfo: ParamInfoMap<P>;
  /** True for steps whose `fit` learns state from training data. */
  fitted: boolean;
  /**
   * Set on a fitted step whose state comes from elsewhere than one dataset's training rows (the
   * command that fits it): its `fit` refuses, and the recipe editor does not offer it.
   */
  fittedBy?: string;
  /**
   * Checks params against the data before running (window longer than the spectrum, crop
   * outside the axis, …) and throws a UserError naming the step and parameter.
   */
  validate?(params: P, axis: Float64Array): void;
  /** Learns state from training spectra (fitted steps only). */
  fit?(params: P, train: SpectraBlock): S;
  /** Applies the step; may change the axis (crop, resample). Never mutates `input`. */
  transform(params: P, input: SpectraBlock, state: S): SpectraBlock;
  /**
   * Optional: the same result as `transform`, written over `input.values`. Only the pipeline
   * calls it, and only on intermediate blocks it made itself (never the caller's data, never
   * outputs it hands out step by step) — it saves allocating a full block per step.
   */
  transformInPlace?(params: P, input: SpectraBlock, state: S): SpectraBlock;
}
