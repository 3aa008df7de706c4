import type { StepDefinition } from '../types';
import { autoscale } from './autoscale';
import { calibrationTransfer } from './calibrationTransfer';
import { crop } from './crop';
import { despike } from './despike';
import { detrend } from './detrend';
import { kubelkaMunk } from './kubelkaMunk';
import { meanCenter } from './meanCenter';
import { msc } from './msc';
import { normalize } from './normalize';
import { reflectanceToLog1R } from './reflectanceToLog1R';
import { resample } from './resample';
import { savitzkyGolay } from './savitzkyGolay';
import { snv } from './snv';
import { transmittanceToAbsorbance } from './transmittanceToAbsorbance';

/** Core preprocessing steps (everything but baselines), in recipe-editor order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const CORE_STEPS: StepDefinition<any, any>[] = [
  crop,
  resample,
  despike,
  transmittanceToAbsorbance,
  reflectanceToLog1R,
  kubelkaMunk,
  savitzkyGolay,
  snv,
  msc,
  normalize,
  detrend,
  meanCenter,
  autoscale,
  calibrationTransfer,
];
