/**
 * The import dialog's form and the import it starts: opened from the menu, a shortcut, a drop
 * or "Try again" on a failed import, and run as a job (its failure stays in the jobs panel).
 */
import type { ImportResult } from '@common/domain/project';
import type { AxisUnit, SplitTag } from '@common/domain/spectra';
import { call, errorInfo } from '../api';
import { baseName, duration, plural } from '../format';
import { jobs } from './jobs.svelte';
import { nav } from './navigation.svelte';
import { notices } from './notices.svelte';
import { project } from './project.svelte';

export interface ImportOptions {
  paths?: string[];
  dataset: string;
  splitTag: SplitTag | '';
  splitColumn: string;
  /** '' = the importer's default (first column), 'none' = no label column, else a 1-based column number. */
  labelColumn: string;
  axisUnit: AxisUnit | '';
  /** '' = keep spectra on different axes as they are; else also store them on one axis (the overlap at the median step, or the first file's axis). */
  commonAxis: '' | 'auto' | 'first';
  withLabels: boolean;
  /** Samples lacking a channel (a label table's channel column, a long table's) are left out instead of refused. */
  dropIncomplete: boolean;
}

export function defaultImportOptions(): ImportOptions {
  return { dataset: '', splitTag: '', splitColumn: '', labelColumn: '', axisUnit: '', commonAxis: '', withLabels: false, dropIncomplete: false };
}

class Importer {
  /** The open import dialog's options; null when it is closed. */
  form = $state<ImportOptions | null>(null);

  init(): void {
    jobs.follow('imports:progress', 'import', (job, p) => {
      job.fraction = p.fraction;
      job.stage = p.stage;
      job.part = p.file;
      job.done = p.fileIndex + 1;
      job.total = p.files;
    });
  }

  open(paths?: string[], withLabels = false): void {
    if (!project.current) {
      project.startError = { code: 'NOT_FOUND', message: 'Create or open a project first; imported spectra are stored in the project file.' };
      return;
    }
    const opts = defaultImportOptions();
    if (paths?.length) opts.paths = paths;
    opts.withLabels = withLabels;
    if (project.dataset) opts.dataset = project.dataset.name;
    nav.section = 'data';
    this.form = opts;
  }

  async start(options: ImportOptions): Promise<void> {
    this.form = null;
    const title = options.paths?.length ? (options.paths.length === 1 ? `Importing ${baseName(options.paths[0]!)}` : `Importing ${plural(options.paths.length, 'file')}`) : 'Importing files';
    jobs.dismissFailed('import');
    notices.clearSuccesses();
    const input: Parameters<typeof call<'datasets:import'>>[1] = { jobId: '', withLabels: options.withLabels };
    if (options.paths?.length) input.paths = options.paths;
    if (options.dataset.trim()) input.dataset = options.dataset.trim();
    if (options.splitTag) input.splitTag = options.splitTag;
    if (options.splitColumn.trim()) input.splitColumn = options.splitColumn.trim();
    if (options.labelColumn === 'none') input.labelColumn = null;
    else if (options.labelColumn.trim() && Number(options.labelColumn) >= 1) input.labelColumn = Math.floor(Number(options.labelColumn)) - 1;
    if (options.axisUnit) input.axisUnit = options.axisUnit;
    if (options.commonAxis) input.commonAxis = options.commonAxis;
    if (options.dropIncomplete) input.dropIncomplete = true;
    try {
      const result = await jobs.run({ kind: 'import', title, unit: 'file', stage: 'choosing files', waiting: true, waitingFor: 'files' }, (jobId) => call('datasets:import', { ...input, jobId }), {
        retry: () => (this.form = { ...options }),
      });
      if (result) await this.imported(result);
    } catch (err) {
      if (errorInfo(err).code === 'CANCELLED') notices.notify('info', 'Import cancelled; the project was left as it was.');
    }
  }

  private async imported(result: ImportResult): Promise<void> {
    await project.refresh();
    const files = result.files.length === 1 ? baseName(result.files[0]!.path) : plural(result.files.length, 'file');
    const oneAxis = result.harmonised ? ` Put on one axis as “${result.harmonised.dataset}”: ${result.harmonised.grid}.` : '';
    const what = result.channels ? `${plural(result.samples, 'sample')} of ${result.channels.length} channels (${result.channels.map((c) => c.name).join(', ')})` : plural(result.samples, 'spectrum', 'spectra');
    notices.notify('success', `Imported ${what} from ${files} into “${result.dataset}” in ${duration(result.durationMs)}.${oneAxis}`, result.warnings, result.harmonised?.datasetId ?? result.datasetId);
  }
}

export const importer = new Importer();
