/**
 * The project's other long-running commands, each run as a job: a recipe applied to a whole
 * dataset, a run exported into a folder, a prediction with a trained run, and a calibration
 * transfer of a run to another instrument.
 */
import type { ApplyResult } from '@common/domain/project';
import type { Input, Output, PredictResult } from '@common/ipc/contract';
import { call, errorInfo } from '../api';
import { count, duration, plural } from '../format';
import { jobs } from './jobs.svelte';
import { notices } from './notices.svelte';
import { project } from './project.svelte';

export interface ApplyRequest {
  datasetId: number;
  datasetName: string;
  spec: unknown;
  recipeName: string | null;
  name: string;
}

export function followTasks(): void {
  jobs.follow('recipes:progress', 'apply', (job, p) => {
    job.fraction = p.fraction;
    job.stage = p.stage;
    job.done = p.done;
    job.total = p.total;
  });
  jobs.follow('runs:exportProgress', 'export', (job, p) => {
    job.done = p.done;
    job.total = p.total;
    job.fraction = p.total ? p.done / p.total : 0;
    job.stage = p.what;
  });
  jobs.follow('predict:progress', 'predict', (job, p) => {
    job.done = p.done;
    job.total = p.total;
    job.fraction = p.total ? p.done / p.total : 0;
    job.stage = p.stage;
    job.unit = p.stage === 'predicting' ? 'spectra' : 'maps';
  });
  jobs.follow('runs:transferProgress', 'transfer', (job, p) => {
    job.done = p.done;
    job.total = p.total;
    job.fraction = p.total ? p.done / p.total : 0;
    job.stage = p.stage;
  });
}

/**
 * Applies a recipe to a dataset as a job (progress in the status bar and under Data) and
 * refreshes the dataset list when the new dataset is stored. Resolves to the result, or null
 * when cancelled; rejects with the error (also left as a notice, in case its dialog was closed).
 */
export async function applyRecipe(req: ApplyRequest, jobId?: string): Promise<ApplyResult | null> {
  const recipe = req.recipeName ? `“${req.recipeName}”` : 'the recipe';
  notices.clearSuccesses();
  try {
    const result = await jobs.run(
      { kind: 'apply', title: `Applying ${recipe} to ${req.datasetName}`, unit: 'spectra', stage: 'starting' },
      async (id) => {
        const r = await call('datasets:applyRecipe', { datasetId: req.datasetId, spec: req.spec, recipeName: req.recipeName, name: req.name, jobId: id });
        await project.refresh();
        return r;
      },
      jobId ? { id: jobId } : {},
    );
    notices.notify('success', `Stored “${result.dataset}”: ${plural(result.samples, 'spectrum', 'spectra')} × ${count(result.points)} points after ${recipe}, in ${duration(result.durationMs)}.`, undefined, result.datasetId);
    return result;
  } catch (err) {
    const info = errorInfo(err);
    if (info.code === 'CANCELLED') {
      notices.notify('info', `Applying ${recipe} to ${req.datasetName} was cancelled; nothing was stored.`);
      return null;
    }
    notices.notify('error', `Applying ${recipe} to ${req.datasetName} failed; nothing was stored. ${info.message}`);
    throw err;
  }
}

/**
 * Exports a run into a folder the user chooses, as a job (progress and Cancel under the status
 * bar). Resolves to what was written, or null when no folder was chosen or it was cancelled.
 */
export async function exportRun(runId: number): Promise<{ dir: string; files: string[]; notes: string[] } | null> {
  try {
    return await jobs.run({ kind: 'export', title: `Exporting run ${runId}`, unit: 'parts', stage: 'choosing a folder', waiting: true, waitingFor: 'a folder' }, (jobId) => call('runs:export', { runId, jobId }));
  } catch (err) {
    const info = errorInfo(err);
    if (info.code === 'CANCELLED') notices.notify('info', `Export of run ${runId} was cancelled; nothing was left in the folder.`);
    else notices.notify('error', `Export of run ${runId} failed; nothing was left in the folder. ${info.message}`);
    return null;
  }
}

/**
 * Predicts spectrum files (chosen in a dialog when `paths` is empty) or a whole dataset with a
 * run, as a job. Resolves to the result, or null when no file was chosen or it was cancelled;
 * rejects with any other error.
 */
export async function predict(runId: number, what: { paths?: string[]; datasetId?: number }, onJob?: (jobId: string) => void): Promise<PredictResult | null> {
  const choosing = what.datasetId === undefined && !what.paths?.length;
  try {
    return await jobs.run({ kind: 'predict', title: `Predicting with run ${runId}`, unit: 'spectra', stage: 'loading the model', waiting: choosing, waitingFor: 'files' }, (jobId) => {
      onJob?.(jobId);
      if (what.datasetId !== undefined) return call('predict:dataset', { runId, datasetId: what.datasetId, jobId });
      return call('predict:files', what.paths ? { runId, paths: what.paths, jobId } : { runId, jobId });
    });
  } catch (err) {
    if (errorInfo(err).code === 'CANCELLED') return null;
    throw err;
  }
}

/**
 * Transfers a run's model to a dataset measured on another instrument, as a job (the model
 * trained on that instrument for comparison reports its epochs). Resolves to the comparison, or
 * null when cancelled (nothing is then stored); rejects with any other error.
 */
export async function transferRun(req: Omit<Input<'runs:transfer'>, 'jobId'>, targetName: string, onJob?: (jobId: string) => void): Promise<Output<'runs:transfer'> | null> {
  try {
    return await jobs.run({ kind: 'transfer', title: `Transferring run ${req.runId} to ${targetName}`, unit: 'epoch', stage: 'fitting the transfer' }, (jobId) => {
      onJob?.(jobId);
      return call('runs:transfer', { ...req, jobId });
    });
  } catch (err) {
    if (errorInfo(err).code === 'CANCELLED') return null;
    throw err;
  }
}
