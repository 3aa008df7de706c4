import type { StepDefinition } from '../types';
import { airpls } from './baselines/airpls';
import { arpls } from './baselines/arpls';
import { asls } from './baselines/asls';
import { modpoly } from './baselines/modpoly';
import { rubberband } from './baselines/rubberband';

export { aslsBaseline, ASLS_DEFAULTS, type AslsParams } from './baselines/asls';
export { arplsBaseline, arplsFit, ARPLS_DEFAULTS, type ArplsParams } from './baselines/arpls';
export { airplsBaseline, airplsFit, AIRPLS_DEFAULTS, type AirplsParams } from './baselines/airpls';
export { modpolyBaseline, modpolyFit, MODPOLY_DEFAULTS, type ModpolyParams } from './baselines/modpoly';
export { rubberbandBaseline, type RubberbandParams } from './baselines/rubberband';

/** Baseline-correction steps (AsLS, arPLS, airPLS, modified polynomial, rubber band). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BASELINE_STEPS: StepDefinition<any, any>[] = [asls, arpls, airpls, modpoly, rubberband];
