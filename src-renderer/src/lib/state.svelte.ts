/**
 * Application state shared by the views: the open project, its datasets, running jobs and
 * notices. Views read it reactively; every change to the project goes through `call` and then
 * `refresh()`, so the summary, charts and table never show stale data after an edit.
 */
import type { AppInfo } from '@common/ipc/contract';
import type { ApplyResult, DatasetSummary, ImportResult, ProjectInfo, RecentProject } from '@common/domain/project';
import type { AxisUnit, SplitTag } from '@common/domain/spectra';
import type { ErrorInfo } from '@common/errors';
import { call, errorInfo, newJobId, on } from './api';
import { baseName, count, duration, plural } from './format';
import { setColourScope } from './palette';
import { training } from './training.svelte';

export type Section = 'data' | 'recipes' | 'explore' | 'train' | 'runs' | 'predict';

export interface ImportOptions {
  paths?: string[];
  dataset: string;
  splitTag: SplitTag | '';
  splitColumn: string;
  /** '' = the importer's default (first column), 'none' = no label column, else a 1-based column number. */
  labelColumn: string;
  axisUnit: AxisUnit | '';
  withLabels: boolean;
}

interface JobBase {
  id: string;
  title: string;
  startedAt: number;
  fraction: number;
  stage: string;
  state: 'waiting' | 'running' | 'failed' | 'cancelling';
  error?: ErrorInfo;
}

export interface ImportJob extends JobBase {
  kind: 'import';
  options: ImportOptions;
  file: string;
  fileIndex: number;
  files: number;
}

/** A recipe being applied to a whole dataset (stored as a new dataset when it finishes). */
export interface ApplyJob extends JobBase {
  kind: 'apply';
  sourceDatasetId: number;
  /** Spectra processed so far, of `total`. */
  done: number;
  total: number;
}

/** A run being exported into a folder (the model package, report, metrics, maps). */
export interface ExportJob extends JobBase {
  kind: 'export';
  runId: number;
  /** Parts written so far, of `total`. */
  done: number;
  total: number;
}

export type Job = ImportJob | ApplyJob | ExportJob;

export interface ApplyRequest {
  datasetId: number;
  datasetName: string;
  spec: unknown;
  recipeName: string | null;
  name: string;
}

export interface Notice {
  id: number;
  kind: 'success' | 'info' | 'error';
  text: string;
  detail?: string[];
  datasetId?: number;
}

export function defaultImportOptions(): ImportOptions {
  return { dataset: '', splitTag: '', splitColumn: '', labelColumn: '', axisUnit: '', withLabels: false };
}

class AppState {
  info = $state<AppInfo | null>(null);
  project = $state<ProjectInfo | null>(null);
  recent = $state<RecentProject[]>([]);
  datasets = $state<DatasetSummary[]>([]);
  section = $state<Section>('data');
  datasetId = $state<number | null>(null);
  /** Bumped after every edit so charts and tables refetch. */
  version = $state(0);
  jobs = $state<Job[]>([]);
  notices = $state<Notice[]>([]);
  importForm = $state<ImportOptions | null>(null);
  /** An error from the start page (open/create) shown next to its buttons. */
  startError = $state<ErrorInfo | null>(null);
  busy = $state(false);
  ready = $state(false);
  private noticeSeq = 0;

  get dataset(): DatasetSummary | null {
    return this.datasets.find((d) => d.id === this.datasetId) ?? null;
  }

  async init(): Promise<void> {
    on('runs:exportProgress', (p) => {
      const job = this.jobs.find((j) => j.id === p.jobId);
      if (!job || job.kind !== 'export' || job.state === 'cancelling') return;
      if (job.state === 'waiting') {
        job.state = 'running';
        job.startedAt = performance.now();
      }
      job.done = p.done;
      job.total = p.total;
      job.fraction = p.total ? p.done / p.total : 0;
      job.stage = p.what;
    });
    on('recipes:progress', (p) => {
      const job = this.jobs.find((j) => j.id === p.jobId);
      if (!job || job.kind !== 'apply' || job.state === 'cancelling') return;
      job.state = 'running';
      job.fraction = p.fraction;
      job.stage = p.stage;
      job.done = p.done;
      job.total = p.total;
    });
    on('imports:progress', (p) => {
      const job = this.jobs.find((j) => j.id === p.jobId);
      if (!job || job.kind !== 'import') return;
      if (job.state === 'waiting') {
        job.state = 'running';
        job.startedAt = performance.now();
      }
      job.fraction = p.fraction;
      job.stage = p.stage;
      job.file = p.file;
      job.fileIndex = p.fileIndex;
      job.files = p.files;
    });
    on('project:changed', (p) => void this.setProject(p));
    training.init();
    on('menu:command', ({ command }) => {
      if (command === 'import') this.openImport();
      else if (command === 'importWithLabels') this.openImport(undefined, true);
      else if (command === 'newProject') void this.createProject();
      else if (command === 'openProject') void this.openProject();
    });
    on('files:dropped', ({ paths }) => this.openImport(paths));
    try {
      this.info = await call('app:info', {});
      void this.refreshEngine();
      const current = await call('project:current', {});
      await this.setProject(current);
    } catch (err) {
      this.startError = errorInfo(err);
    }
    this.ready = true;
  }

  /** The main process asks a trainer process which engine it gets; show its answer when it comes. */
  private async refreshEngine(): Promise<void> {
    for (let i = 0; i < 20 && this.info?.engine === 'checking…'; i++) {
      await new Promise((r) => setTimeout(r, 500));
      try {
        this.info = await call('app:info', {});
      } catch {
        return;
      }
    }
  }

  async setProject(p: ProjectInfo | null): Promise<void> {
    const changed = p?.path !== this.project?.path;
    if (p) setColourScope(p.path);
    this.project = p;
    if (changed) {
      this.datasetId = null;
      this.section = 'data';
      this.notices = [];
      this.jobs = this.jobs.filter((j) => j.state === 'running');
      training.reset();
    }
    if (p) await this.refresh();
    else {
      this.datasets = [];
      await this.loadRecent();
    }
  }

  async loadRecent(): Promise<void> {
    try {
      this.recent = await call('project:recent', {});
    } catch (err) {
      this.startError = errorInfo(err);
    }
  }

  async refresh(): Promise<void> {
    if (!this.project) return;
    this.datasets = await call('datasets:list', {});
    if (this.datasetId !== null && !this.datasets.some((d) => d.id === this.datasetId)) this.datasetId = null;
    this.version++;
  }

  /** Runs a project command from the start page or a shortcut; errors stay on the start page. */
  private async projectCommand(fn: () => Promise<ProjectInfo | null>): Promise<void> {
    this.startError = null;
    this.busy = true;
    try {
      const p = await fn();
      if (p) await this.setProject(p);
    } catch (err) {
      const info = errorInfo(err);
      if (this.project) this.notify('error', info.message);
      else this.startError = info;
      await this.loadRecent();
    } finally {
      this.busy = false;
    }
  }

  createProject = () => this.projectCommand(() => call('project:create', {}));
  openProject = () => this.projectCommand(() => call('project:open', {}));
  openDemo = () => this.projectCommand(() => call('project:openDemo', {}));
  openRecent = (path: string) => this.projectCommand(() => call('project:openRecent', { path }));

  async closeProject(): Promise<void> {
    await call('project:close', {});
    await this.setProject(null);
  }

  openDataset(id: number): void {
    this.section = 'data';
    this.datasetId = id;
  }

  openImport(paths?: string[], withLabels = false): void {
    if (!this.project) {
      this.startError = { code: 'NOT_FOUND', message: 'Create or open a project first; imported spectra are stored in the project file.' };
      return;
    }
    const opts = defaultImportOptions();
    if (paths?.length) opts.paths = paths;
    opts.withLabels = withLabels;
    if (this.dataset) opts.dataset = this.dataset.name;
    this.section = 'data';
    this.importForm = opts;
  }

  async startImport(options: ImportOptions): Promise<void> {
    this.importForm = null;
    const jobId = newJobId('import');
    const title = options.paths?.length
      ? options.paths.length === 1
        ? `Importing ${baseName(options.paths[0]!)}`
        : `Importing ${plural(options.paths.length, 'file')}`
      : 'Importing';
    this.jobs = this.jobs.filter((j) => j.state !== 'failed');
    this.notices = this.notices.filter((n) => n.kind !== 'success');
    this.jobs.push({ id: jobId, kind: 'import', title, options, startedAt: performance.now(), fraction: 0, stage: 'choosing files', file: '', fileIndex: 0, files: options.paths?.length ?? 0, state: 'waiting' });
    const input: Parameters<typeof call<'datasets:import'>>[1] = { jobId, withLabels: options.withLabels };
    if (options.paths?.length) input.paths = options.paths;
    if (options.dataset.trim()) input.dataset = options.dataset.trim();
    if (options.splitTag) input.splitTag = options.splitTag;
    if (options.splitColumn.trim()) input.splitColumn = options.splitColumn.trim();
    if (options.labelColumn === 'none') input.labelColumn = null;
    else if (options.labelColumn.trim() && Number(options.labelColumn) >= 1) input.labelColumn = Math.floor(Number(options.labelColumn)) - 1;
    if (options.axisUnit) input.axisUnit = options.axisUnit;
    try {
      const result = await call('datasets:import', input);
      this.jobs = this.jobs.filter((j) => j.id !== jobId);
      if (result) await this.imported(result);
    } catch (err) {
      const info = errorInfo(err);
      if (info.code === 'CANCELLED') {
        this.jobs = this.jobs.filter((j) => j.id !== jobId);
        this.notify('info', 'Import cancelled; the project was left as it was.');
        return;
      }
      const job = this.jobs.find((j) => j.id === jobId);
      if (job) {
        job.state = 'failed';
        job.error = info;
      }
    }
  }

  private async imported(result: ImportResult): Promise<void> {
    await this.refresh();
    const files = result.files.length === 1 ? baseName(result.files[0]!.path) : plural(result.files.length, 'file');
    this.notify('success', `Imported ${plural(result.samples, 'spectrum', 'spectra')} from ${files} into “${result.dataset}” in ${duration(result.durationMs)}.`, result.warnings, result.datasetId);
  }

  /**
   * Applies a recipe to a dataset as a job (progress in the status bar and under Data) and
   * refreshes the dataset list when the new dataset is stored. Resolves to the result, or null
   * when cancelled; rejects with the error (also left as a notice, in case its dialog was closed).
   */
  async applyRecipe(req: ApplyRequest, jobId = newJobId('apply')): Promise<ApplyResult | null> {
    const recipe = req.recipeName ? `“${req.recipeName}”` : 'the recipe';
    this.notices = this.notices.filter((n) => n.kind !== 'success');
    this.jobs.push({ id: jobId, kind: 'apply', title: `Applying ${recipe} to ${req.datasetName}`, startedAt: performance.now(), fraction: 0, stage: 'starting', state: 'running', sourceDatasetId: req.datasetId, done: 0, total: 0 });
    try {
      const result = await call('datasets:applyRecipe', { datasetId: req.datasetId, spec: req.spec, recipeName: req.recipeName, name: req.name, jobId });
      await this.refresh();
      this.jobs = this.jobs.filter((j) => j.id !== jobId);
      this.notify('success', `Stored “${result.dataset}”: ${plural(result.samples, 'spectrum', 'spectra')} × ${count(result.points)} points after ${recipe}, in ${duration(result.durationMs)}.`, undefined, result.datasetId);
      return result;
    } catch (err) {
      this.jobs = this.jobs.filter((j) => j.id !== jobId);
      const info = errorInfo(err);
      if (info.code === 'CANCELLED') {
        this.notify('info', `Applying ${recipe} to ${req.datasetName} was cancelled; nothing was stored.`);
        return null;
      }
      this.notify('error', `Applying ${recipe} to ${req.datasetName} failed; nothing was stored. ${info.message}`);
      throw err;
    }
  }

  /**
   * Exports a run into a folder the user chooses, as a job (progress and Cancel under the status
   * bar). Resolves to what was written, or null when no folder was chosen or it was cancelled.
   */
  async exportRun(runId: number, jobId = newJobId('export')): Promise<{ dir: string; files: string[]; notes: string[] } | null> {
    this.jobs.push({ id: jobId, kind: 'export', runId, title: `Exporting run ${runId}`, startedAt: performance.now(), fraction: 0, stage: 'choosing a folder', state: 'waiting', done: 0, total: 0 });
    try {
      return await call('runs:export', { runId, jobId });
    } catch (err) {
      const info = errorInfo(err);
      if (info.code === 'CANCELLED') {
        this.notify('info', `Export of run ${runId} was cancelled; nothing was left in the folder.`);
        return null;
      }
      this.notify('error', `Export of run ${runId} failed; nothing was left in the folder. ${info.message}`);
      return null;
    } finally {
      this.jobs = this.jobs.filter((j) => j.id !== jobId);
    }
  }

  async cancelJob(id: string): Promise<void> {
    const job = this.jobs.find((j) => j.id === id);
    if (job) job.state = 'cancelling';
    await call('jobs:cancel', { jobId: id }).catch(() => false);
  }

  dismissJob(id: string): void {
    this.jobs = this.jobs.filter((j) => j.id !== id);
  }

  notify(kind: Notice['kind'], text: string, detail?: string[], datasetId?: number): void {
    const n: Notice = { id: ++this.noticeSeq, kind, text };
    if (detail?.length) n.detail = detail;
    if (datasetId !== undefined) n.datasetId = datasetId;
    this.notices = [n, ...this.notices].slice(0, 4);
  }

  dismissNotice(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }
}

export const app = new AppState();

export function jobEta(job: Job, now: number): string {
  if (job.state !== 'running' || job.fraction <= 0.02) return 'estimating…';
  const elapsed = now - job.startedAt;
  const left = (elapsed * (1 - job.fraction)) / job.fraction;
  return `about ${left < 1000 ? '1 s' : `${Math.round(left / 1000)} s`} left`;
}

/** The job's title, with the file being read for an import. */
export function jobTitle(job: Job): string {
  return job.kind === 'import' && job.file && !job.title.includes(job.file) ? `${job.title} ${job.file}` : job.title;
}

export function jobCounter(job: Job): string {
  const pct = `${Math.round(job.fraction * 100)} %`;
  if (job.kind === 'apply') return job.total ? `${count(job.done)} of ${count(job.total)} spectra · ${pct}` : pct;
  if (job.kind === 'export') return job.total ? `${count(job.done)} of ${count(job.total)} parts · ${pct}` : pct;
  return job.files > 1 ? `file ${count(job.fileIndex + 1)} of ${count(job.files)} · ${pct}` : pct;
}
