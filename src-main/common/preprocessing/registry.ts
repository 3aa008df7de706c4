import { UserError } from '../errors';
import type { StepDefinition } from './types';
import { BASELINE_STEPS } from './steps/baselines-index';
import { CORE_STEPS } from './steps/core-index';

/** Every registered step: core steps, then baselines. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const STEPS: StepDefinition<any, any>[] = [...CORE_STEPS, ...BASELINE_STEPS];

/** The step registered under `kind`; an unknown kind is a UserError listing the known ones. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function getStep(kind: string): StepDefinition<any, any> {
  const step = STEPS.find((s) => s.kind === kind);
  if (!step) {
    throw new UserError('BAD_INPUT', `Unknown preprocessing step "${kind}". Known steps: ${STEPS.map((s) => s.kind).join(', ')}.`, { field: 'kind' });
  }
  return step;
}
