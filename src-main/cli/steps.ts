/**
 * `spectra-desk steps [KIND] [--json]`: the preprocessing steps a recipe may use, each with its
 * params (recipe JSON name, label, unit, default, help), from the step registry — the same text
 * the recipe editor shows.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors';
import { getStep, STEPS } from '../common/preprocessing/registry';
import { paramDocs, paramLabel } from '../common/preprocessing/param-info';
import type { Streams } from './run';
import { parseOptions } from './options';

export const STEPS_USAGE = 'spectra-desk steps [KIND] [--json]';

function parseStepsArgs(args: string[]) {
  return parseOptions(() => parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } }), `Usage: ${STEPS_USAGE}`);
}

/** Prints every step (or the one named); throws UserError for bad arguments or an unknown kind. */
export function stepsCommand(args: string[], io: Streams): number {
  const { values, positionals } = parseStepsArgs(args);
  if (positionals.length > 1) throw new UserError('BAD_INPUT', `Give at most one step kind. Usage: ${STEPS_USAGE}`);
  const steps = positionals.length ? [getStep(positionals[0]!)] : STEPS;
  const docs = steps.map((s) => ({ kind: s.kind, title: s.title, version: s.version, fitted: s.fitted, params: paramDocs(s) }));
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ steps: docs })}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const s of docs) {
    lines.push(`${s.kind} — ${s.title}${s.fitted ? ' (fitted on the training spectra)' : ''}`);
    if (!s.params.length) lines.push('  no parameters');
    const width = Math.max(0, ...s.params.map((p) => p.name.length)) + 2;
    for (const p of s.params) {
      lines.push(`  ${p.name.padEnd(width)}${paramLabel(p)}, default ${JSON.stringify(p.default)}`, `  ${' '.repeat(width)}${p.help}`);
    }
  }
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
