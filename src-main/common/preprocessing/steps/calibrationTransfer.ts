import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { withValues } from '../block';
import { stepError } from '../step-error';
import { applyTransfer, type TransferState } from '../../ml/transfer';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CalibrationTransferParams {}

const KIND = 'calibrationTransfer';

/**
 * A second instrument's spectra mapped onto the first's by DS or PDS (../../ml/transfer.ts). Its
 * state comes from spectra of the same samples on both instruments, which one dataset's training
 * rows cannot give: `spectra-desk transfer` fits it and stores it as the first step of the
 * transferred model's recipe, so prediction and export apply it like any fitted step.
 */
function fit(): TransferState {
  throw stepError(KIND, 'kind', 'this step is fitted from the same samples measured on two instruments (spectra-desk transfer), not from one dataset; remove it from the recipe.');
}

function transform(_p: CalibrationTransferParams, input: SpectraBlock, state: TransferState): SpectraBlock {
  if (state.points !== input.axis.length) {
    throw stepError(KIND, 'points', `the transfer was fitted on spectra of ${state.points} points but these have ${input.axis.length}; measure them on the axis the transfer was fitted on.`);
  }
  return withValues(input, applyTransfer(state, { values: input.values, rows: input.rows, points: input.axis.length }));
}

export const calibrationTransfer: StepDefinition<CalibrationTransferParams, TransferState> = {
  kind: KIND,
  version: 1,
  title: 'Calibration transfer (DS or PDS)',
  params: z.strictObject({}),
  paramInfo: {},
  fitted: true,
  fittedBy: 'spectra-desk transfer',
  fit,
  transform,
};
