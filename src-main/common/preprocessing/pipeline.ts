import { z } from 'zod';
import { UserError } from '../errors';
import { canonicalJson } from './canonical-json';
import { fnv1a64 } from './fnv1a64';
import { getStep, STEPS } from './registry';
import { selectRows } from './block';
import type { JsonValue, SpectraBlock, StepDefinition } from './types';

/** One step with every param filled in and the step version it was resolved against. */
export interface ResolvedStep {
  kind: string;
  version: number;
  enabled: boolean;
  params: { [key: string]: JsonValue };
}

/**
 * A pipeline spec with defaults applied. `hash` is `fnv1a64:` + the FNV-1a 64-bit hash (hex)
 * of the canonical JSON (sorted keys, no whitespace) of `{ schemaVersion, steps }`.
 */
export interface ResolvedPipeline {
  schemaVersion: 1;
  steps: ResolvedStep[];
  hash: string;
}

/** A pipeline with the state each step learned on the training split (null for unfitted steps). */
export interface FittedPipeline {
  spec: ResolvedPipeline;
  states: (JsonValue | null)[];
}

export interface StepOutput {
  index: number;
  kind: string;
  enabled: boolean;
  output: SpectraBlock;
}

export interface ApplyOptions {
  /** Called after each step (disabled ones included) with its 0-based index. */
  onStep?: (info: { index: number; total: number; kind: string }) => void;
}

const specSchema = z.strictObject({
  schemaVersion: z.literal(1),
  steps: z.array(z.unknown()),
  hash: z.string().optional(),
});

const stepSchema = z.strictObject({
  kind: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
  version: z.number().int().positive().optional(),
  enabled: z.boolean().optional(),
});

function issueText(issue: z.core.$ZodIssue): { field: string; text: string } {
  if (issue.code === 'unrecognized_keys') {
    const field = [...issue.path.map(String), issue.keys[0]].join('.');
    return { field, text: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` };
  }
  const field = issue.path.map(String).join('.');
  return { field, text: issue.message };
}

/** Hash of a resolved spec (see ResolvedPipeline); independent of key order. */
export function resolvedHash(spec: { schemaVersion: 1; steps: ResolvedStep[] }): string {
  const body: JsonValue = { schemaVersion: spec.schemaVersion, steps: spec.steps.map((s) => ({ ...s })) };
  return `fnv1a64:${fnv1a64(canonicalJson(body))}`;
}

/**
 * Parses a pipeline spec (or a stored resolved one), filling defaults. Step numbers in messages
 * are 1-based. A step `version` other than the registered one is refused: the numbers it gave
 * cannot be reproduced.
 */
export function parsePipelineSpec(json: unknown): ResolvedPipeline {
  const top = specSchema.safeParse(json);
  if (!top.success) {
    const { field, text } = issueText(top.error.issues[0]);
    throw new UserError('BAD_INPUT', `Pipeline spec: ${field ? `${field}: ` : ''}${text}.`, { field: field || undefined });
  }
  const steps = top.data.steps.map((raw, i): ResolvedStep => {
    const where = `Pipeline step ${i + 1}`;
    const parsed = stepSchema.safeParse(raw);
    if (!parsed.success) {
      const { field, text } = issueText(parsed.error.issues[0]);
      const kind = typeof raw === 'object' && raw !== null && typeof (raw as { kind?: unknown }).kind === 'string' ? ` (${(raw as { kind: string }).kind})` : '';
      throw new UserError('BAD_INPUT', `${where}${kind}: ${field ? `${field}: ` : ''}${text}.`, { field: field || undefined });
    }
    const { kind } = parsed.data;
    if (!STEPS.some((s) => s.kind === kind)) {
      throw new UserError('BAD_INPUT', `${where}: unknown kind "${kind}". Known steps: ${STEPS.map((s) => s.kind).join(', ')}.`, { field: 'kind' });
    }
    const def = getStep(kind);
    if (parsed.data.version !== undefined && parsed.data.version !== def.version) {
      throw new UserError(
        'BAD_INPUT',
        `${where} (${kind}): version ${parsed.data.version} is not the version this app runs (${def.version}); remove "version" to use the current step, and expect different numbers.`,
        { field: 'version' },
      );
    }
    const params = def.params.safeParse(parsed.data.params ?? {});
    if (!params.success) {
      const { field, text } = issueText(params.error.issues[0]);
      throw new UserError('BAD_INPUT', `${where} (${kind}): ${field}: ${text}.`, { field });
    }
    return { kind, version: def.version, enabled: parsed.data.enabled ?? true, params: params.data as { [key: string]: JsonValue } };
  });
  const resolved = { schemaVersion: 1 as const, steps };
  return { ...resolved, hash: resolvedHash(resolved) };
}

function checkBlock(block: SpectraBlock): void {
  if (block.values.length !== block.rows * block.axis.length) {
    throw new UserError('BAD_INPUT', `Spectra block has ${block.values.length} values but ${block.rows} rows × ${block.axis.length} points.`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function stepAt(step: ResolvedStep): { def: StepDefinition<any, any>; params: unknown } {
  const def = getStep(step.kind);
  return { def, params: def.params.parse(step.params) };
}

/**
 * Runs the enabled steps up to the last fitted one on the training block; each fitted step
 * learns its state from the output of the steps before it. State is JSON.
 */
export function fitPipeline(spec: ResolvedPipeline, trainBlock: SpectraBlock): FittedPipeline {
  checkBlock(trainBlock);
  const states: (JsonValue | null)[] = [];
  // Steps after the last fitted one learn nothing: they are not run here (apply runs and
  // validates them), which halves the work of a pipeline without fitted steps.
  const lastFitted = spec.steps.reduce((last, step, i) => (step.enabled && stepAt(step).def.fitted ? i : last), -1);
  let block = trainBlock;
  spec.steps.forEach((step, i) => {
    if (!step.enabled || i > lastFitted) {
      states.push(null);
      return;
    }
    const { def, params } = stepAt(step);
    def.validate?.(params, block.axis);
    const state: JsonValue | null = def.fitted && def.fit ? (def.fit(params, block) as JsonValue) : null;
    states.push(state);
    if (i < lastFitted) block = def.transform(params, block, state);
  });
  return { spec, states };
}

/** Runs every step, handing each output (disabled steps pass their input through) to `visit`. */
function runSteps(fitted: FittedPipeline, block: SpectraBlock, visit: (out: StepOutput) => void, options: ApplyOptions, reuseIntermediates = false): SpectraBlock {
  checkBlock(block);
  const { steps } = fitted.spec;
  if (fitted.states.length !== steps.length) {
    throw new UserError('BAD_INPUT', `Fitted pipeline has ${fitted.states.length} states for ${steps.length} steps; fit it again.`);
  }
  let current = block;
  steps.forEach((step, i) => {
    if (step.enabled) {
      const { def, params } = stepAt(step);
      const state = fitted.states[i];
      if (def.fitted && state === null) {
        throw new UserError('BAD_INPUT', `Pipeline step ${i + 1} (${step.kind}) has not been fitted; fit the pipeline on training data first.`);
      }
      def.validate?.(params, current.axis);
      // An intermediate block is ours alone when outputs are not handed out step by step.
      const inPlace = reuseIntermediates && current !== block && def.transformInPlace;
      current = inPlace ? def.transformInPlace!(params, current, state) : def.transform(params, current, state);
    }
    visit({ index: i, kind: step.kind, enabled: step.enabled, output: current });
    options.onStep?.({ index: i, total: steps.length, kind: step.kind });
  });
  return current;
}

/** Applies a fitted pipeline, returning the output after every step (for the per-step preview). */
export function applyPipelineSteps(fitted: FittedPipeline, block: SpectraBlock, options: ApplyOptions = {}): StepOutput[] {
  const outputs: StepOutput[] = [];
  runSteps(fitted, block, (out) => outputs.push(out), options);
  return outputs;
}

/** Applies a fitted pipeline (transform only, never fits); returns the final block. */
export function applyPipeline(fitted: FittedPipeline, block: SpectraBlock, options: ApplyOptions = {}): SpectraBlock {
  return runSteps(fitted, block, () => undefined, options, true);
}

/**
 * Fits on the training rows of `block` (all rows when `trainRows` is empty): the one place
 * that decides what fitted steps learn from, for the CLI, the recipe preview and Explore.
 */
export function fitOnTraining(spec: ResolvedPipeline, block: SpectraBlock, trainRows: readonly number[]): FittedPipeline {
  return fitPipeline(spec, trainRows.length ? selectRows(block, trainRows) : block);
}
