/**
 * Command-line option checks shared by every command: the parser's errors on one line, no empty
 * text option, negative numbers reaching the number checks, and numbers refused outside the
 * ranges the run schema allows — before a project is opened.
 */
import type { z } from 'zod';
import { UserError } from '../common/errors';
import { quoteExcerpt } from '../common/format/excerpt';
import { runRequestSchema, runSettingsShape } from '../common/runs/schema';
import { NEIGHBOURHOOD_MODES, type Neighbourhood, type NeighbourhoodMode } from '../common/runs/neighbourhood';

/**
 * node's parseArgs reads `--epochs -1` as a second option; joining such a pair into
 * `--epochs=-1` lets the number check answer. Only a value that looks like a negative number is
 * joined, so `--project -x` stays the parser's error.
 */
export function keepNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (/^--[^=]+$/.test(arg) && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** What an empty value of each text option should have been. */
const NEEDS: Record<string, string> = {
  dataset: 'a name',
  'save-as': 'a name',
  model: 'a name',
  target: 'a column name',
  'split-column': 'a column name',
  project: 'a file name',
  labels: 'a file name',
  pipeline: 'a file name',
  layers: 'a file name',
  out: 'a file or folder name',
  run: 'a run number',
};

/**
 * Runs a parseArgs call: its error becomes one line ending in `hint`, and a text option given
 * as "" or blanks is refused rather than taken as absent.
 */
export function parseOptions<T extends { values: object }>(parse: () => T, hint: string): T {
  let parsed: T;
  try {
    parsed = parse();
  } catch (err) {
    throw new UserError('BAD_INPUT', `${parserMessage((err as Error).message)} ${hint}`);
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string' && !value.trim()) throw new UserError('BAD_INPUT', `--${name} needs ${NEEDS[name] ?? 'a value'}.`, { field: `--${name}` });
  }
  return parsed;
}

/** parseArgs' message, on one line: its "ambiguous argument" text says what was meant. */
function parserMessage(message: string): string {
  const ambiguous = /^Option '(--?[^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value; to give one that starts with a dash, write ${ambiguous[1]}=VALUE.`;
  const line = message.split('\n')[0]!.trim();
  return /[.!?]$/.test(line) ? line : `${line}.`;
}

export interface Range {
  min: number;
  max: number;
}

function rangeOf(schema: z.ZodOptional<z.ZodNumber>): Range {
  const n = schema.unwrap();
  return { min: n.minValue ?? -Infinity, max: n.maxValue ?? Infinity };
}

/** The ranges of the numbers a run takes, as the run schema states them. */
export const RUN_RANGES = {
  epochs: rangeOf(runSettingsShape.epochs),
  seed: rangeOf(runSettingsShape.seed),
  components: rangeOf(runSettingsShape.components),
  learningRate: rangeOf(runSettingsShape.learningRate),
  momentum: rangeOf(runSettingsShape.momentum),
  threads: rangeOf(runRequestSchema.shape.threads),
  neighbourhood: rangeOf(runSettingsShape.neighbourhood.unwrap().shape.radius.optional()),
};

/** Options for the flags of a pixel's neighbourhood, as `train` and `predict` take them. */
export const NEIGHBOURHOOD_FLAGS = { neighbourhood: { type: 'string' }, 'neighbourhood-mode': { type: 'string' } } as const;

/** `--neighbourhood R [--neighbourhood-mode channels|mean]` (channels by default); undefined when not given. */
export function neighbourhoodOption(radius: string | undefined, mode: string | undefined): Neighbourhood | undefined {
  if (mode !== undefined && !(NEIGHBOURHOOD_MODES as readonly string[]).includes(mode)) throw new UserError('BAD_INPUT', `--neighbourhood-mode ${quoteExcerpt(mode)}: use ${NEIGHBOURHOOD_MODES.join(' or ')}.`, { field: 'neighbourhood-mode' });
  const r = wholeNumberOption(radius, '--neighbourhood', RUN_RANGES.neighbourhood);
  if (r === undefined) {
    if (mode !== undefined) throw new UserError('BAD_INPUT', '--neighbourhood-mode needs --neighbourhood R (the radius in pixels).', { field: 'neighbourhood-mode' });
    return undefined;
  }
  return { radius: r, mode: (mode ?? 'channels') as NeighbourhoodMode };
}

/** A whole-number option in [min, max]; undefined when not given. */
export function wholeNumberOption(value: string | undefined, flag: string, range: Range): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!(n >= range.min && n <= range.max)) throw numberError(flag, `a whole number from ${range.min} to ${range.max}`, value);
  return n;
}

/** A number option greater than 0 and at most `range.max`; undefined when not given. */
export function positiveNumberOption(value: string | undefined, flag: string, range: Range): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() ? Number(value) : NaN;
  if (!(n > 0 && n <= range.max)) throw numberError(flag, `a number greater than 0 and at most ${range.max}`, value);
  return n;
}

/** A number option in [min, max]; undefined when not given. */
export function numberOption(value: string | undefined, flag: string, range: Range): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() ? Number(value) : NaN;
  if (!(n >= range.min && n <= range.max)) throw numberError(flag, `a number from ${range.min} to ${range.max}`, value);
  return n;
}

function numberError(flag: string, what: string, value: string): UserError {
  return new UserError('BAD_INPUT', `${flag} must be ${what} (got ${quoteExcerpt(value)}).`, { field: flag.replace(/^--/, '') });
}
