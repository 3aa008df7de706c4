import fs from 'node:fs';
import path from 'node:path';
import { openProject, schemaVersion, type Db } from '../db/connection';
import { projectError } from '../db/errors';
import * as datasets from '../db/datasets';
import * as pipelines from '../db/pipelines';
import { UserError, toErrorInfo } from '../common/errors';
import { contract, type Channel, type EventName, type Events, type Input, type Output, type Result } from '../common/ipc/contract';
import type { ProjectInfo } from '../common/domain/project';
import { runDetail, runList } from './run-views';
import { runTransfers, transferCalibration, type TransferRequest } from './transfer';
import { inlineViews, type ViewRequest, type ViewResults, type ViewRunner } from './views';
import { SUPPORTED_FORMATS } from '../io';
import { importFiles, importRequestFromApp, type ImportRequest } from './import';
import { applyRecipeToDataset, type ApplyRecipeRequest } from './apply-recipe';
import { harmoniseDataset, planHarmonise } from './harmonise';
import { RecentProjects } from './recent';
import { classStats, sampleChannels, spectraPreview } from './spectra';
import { buildMapBandCopy, mapImage } from './maps';
import { joinDatasets } from './join';
import { createDemoProject } from './demo';
import type { Parser } from './worker-parser';
import { beginTraining, requestFromApp } from './train';
import type { RunHandle } from '../common/runs/outcome';
import type { RunRequest } from '../common/runs/schema';
import { checkRun } from './cross-validate';
import { startOptimize } from './optimize';
import { DEFAULT_OPTIMIZE_MODELS, OPTIMIZE_DEFAULTS, type OptimizeStartInput } from '../common/runs/optimize';
import { parseScheme } from '../common/ml/splits';
import { modelSummary } from './model-summary';
import { forkTrainer, type SpawnTrainer } from './trainer-client';
import { builtFile } from '../ml/built-files';
import { deleteRun, getRun } from '../db/runs';
import { failRunsWithoutTrainer } from './run-record';
import { parsePipelineSpec } from '../common/preprocessing/pipeline';
import { predictableRun, storeFittedCheck } from './predict';

/** What the session needs from its host (Electron, the CLI or the e2e harness). */
export interface Host {
  /** Native dialogs; the e2e harness answers them with fixture paths. */
  dialogs: {
    saveProject(): Promise<string | null>;
    openProject(): Promise<string | null>;
    importFiles(): Promise<string[] | null>;
    labelsFile(): Promise<string | null>;
    /** A folder to export a run into (created when missing); `suggested` is a folder name. */
    exportFolder?(suggested: string): Promise<string | null>;
    /** Spectrum files to predict with a model. */
    predictFiles?(): Promise<string[] | null>;
  };
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  /** Settings folder (recent projects). */
  userDataDir: string;
  /** Folder with the demo data (assets/demo). */
  demoDir: string;
  version: string;
  engine: string;
  /** Parses files off the main thread (the app); omitted: parse in this thread (CLI, tests). */
  parser?: Parser;
  /** better-sqlite3 binding built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string;
  /** Starts a trainer process (Electron's utilityProcess in the app); omitted: a forked Node process. */
  spawnTrainer?: SpawnTrainer;
  /** Computes run views (interpretation, prediction, export) off the main thread (the app); omitted: in this thread. */
  views?: ViewRunner;
}

export type Handlers = { [C in Channel]: (input: Input<C>) => Promise<Output<C>> };

/** One open project plus running jobs; shared by every window and by the harness. */
export class Session {
  private db: Db | null = null;
  private info: ProjectInfo | null = null;
  private readonly jobs = new Map<string, AbortController>();
  private readonly runs = new Map<number, RunHandle>();
  readonly recent: RecentProjects;

  private readonly views: ViewRunner;

  constructor(readonly host: Host) {
    this.recent = new RecentProjects(path.join(host.userDataDir, 'recent-projects.json'));
    this.views = host.views ?? inlineViews(() => this.requireDb());
  }

  /** A run view of the open project, computed where the host wants heavy work done. */
  private view<R extends ViewRequest>(req: R): Promise<ViewResults[R['op']]> {
    const file = this.requireProjectFile();
    return this.views.run(file, req, { onFitted: this.storeFitted() });
  }

  /** Stores an out-of-model check a read-only worker fitted, on this project's connection if it is still the open one. */
  private storeFitted(): (runId: number, data: Uint8Array) => void {
    const db = this.requireDb();
    return (runId, data) => {
      if (this.db === db) storeFittedCheck(db, runId, data);
    };
  }

  /** A view as a cancellable job (`jobs:cancel`) whose progress goes to `progress` with the job's id. */
  private viewJob<R extends ViewRequest>(jobId: string, req: R, progress: (jobId: string, done: number, total: number, what: string) => void): Promise<ViewResults[R['op']]> {
    return this.runJob(jobId, async (_db, signal) => this.views.run(this.requireProjectFile(), req, { signal, onProgress: (done, total, what) => progress(jobId, done, total, what), onFitted: this.storeFitted() }));
  }

  /** A prediction as a job with `predict:progress` events. */
  private predictJob<R extends Extract<ViewRequest, { op: 'predictFiles' | 'predictDataset' }>>(runId: number, jobId: string | undefined, req: R): Promise<ViewResults[R['op']]> {
    return this.viewJob(jobId ?? `predict-${runId}-${Date.now()}`, req, (id, done, total, stage) => this.host.emit('predict:progress', { jobId: id, runId, done, total, stage }));
  }

  /** A map image as a job with `maps:progress` events. */
  private mapJob<R extends Extract<ViewRequest, { op: 'mapImage' | 'mapPrediction' }>>(jobId: string, datasetId: number, req: R): Promise<ViewResults[R['op']]> {
    return this.viewJob(jobId, req, (id, done, total, stage) => this.host.emit('maps:progress', { jobId: id, datasetId, done, total, stage }));
  }

  private requireProjectFile(): string {
    this.requireDb();
    return this.info!.path;
  }

  get project(): ProjectInfo | null {
    return this.info;
  }

  requireDb(): Db {
    if (!this.db) throw new UserError('NOT_FOUND', 'No project is open. Create or open a project first.');
    return this.db;
  }

  open(file: string, create = false): ProjectInfo {
    const abs = path.resolve(file);
    const opts: Parameters<typeof openProject>[1] = { create };
    if (this.host.nativeBinding) opts.nativeBinding = this.host.nativeBinding;
    const db = openProject(abs, opts);
    this.close();
    this.db = db;
    // A run still marked running whose trainer is gone (this app or a CLI stopped mid-training) is
    // marked failed, keeping its curves; one another process still trains is left to it.
    failRunsWithoutTrainer(db);
    this.info = { path: abs, name: path.basename(abs).replace(/\.[^.]*$/, ''), schemaVersion: schemaVersion(db) };
    this.recent.touch(abs);
    this.host.emit('project:changed', this.info);
    return this.info;
  }

  close(): void {
    for (const job of this.jobs.values()) job.abort();
    this.jobs.clear();
    for (const run of this.runs.values()) run.cancel();
    this.runs.clear();
    void this.views.release();
    if (this.db) {
      this.db.close();
      this.db = null;
      this.info = null;
      this.host.emit('project:changed', null);
    }
  }

  /** Runs a cancellable job under `jobId` (`jobs:cancel` aborts its signal). */
  private async runJob<T>(jobId: string, fn: (db: Db, signal: AbortSignal) => Promise<T>): Promise<T> {
    const db = this.requireDb();
    if (this.jobs.has(jobId)) throw new UserError('CONFLICT', `Job ${jobId} is already running.`);
    const controller = new AbortController();
    this.jobs.set(jobId, controller);
    try {
      return await fn(db, controller.signal);
    } finally {
      this.jobs.delete(jobId);
    }
  }

  runImport(req: ImportRequest, jobId: string): ReturnType<typeof importFiles> {
    return this.runJob(jobId, (db, signal) => {
      const hooks: Parameters<typeof importFiles>[2] = { jobId, signal, onProgress: (p) => this.host.emit('imports:progress', p) };
      if (this.host.parser) hooks.parse = this.host.parser;
      return importFiles(db, req, hooks);
    });
  }

  runApplyRecipe(req: ApplyRecipeRequest, jobId: string): ReturnType<typeof applyRecipeToDataset> {
    return this.runJob(jobId, (db, signal) => applyRecipeToDataset(db, req, { jobId, signal, onProgress: (p) => this.host.emit('recipes:progress', p) }));
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    job?.abort();
    return job !== undefined;
  }

  /**
   * Starts a training run. Its events (`runs:progress`, ending with `finished`) are held until
   * this call has returned the run's id, so the window knows the run before it hears of it. A run
   * with the auto recipe answers once its recipe is chosen, in a trainer process, not here.
   */
  async startRun(req: RunRequest): Promise<{ runId: number }> {
    const db = this.requireDb();
    const spawn = this.host.spawnTrainer ?? forkTrainer(builtFile('ml/trainer.cjs'));
    // A streamed run's trainer opens the project file itself, with the binding built for Electron.
    const stream = this.host.nativeBinding ? { stream: { nativeBinding: this.host.nativeBinding } } : {};
    // The run's out-of-model check is fitted in the views worker (a map run's reads the whole map), not on this thread.
    const handle = await beginTraining(db, req, { spawn, onEvent: (e) => this.host.emit('runs:progress', e), deferEvents: true, fitCheck: (runId) => void this.view({ op: 'outOfModel', runId }).catch(() => undefined), ...stream });
    this.runs.set(handle.runId, handle);
    handle.outcome.catch(() => undefined).finally(() => this.runs.delete(handle.runId));
    return { runId: handle.runId };
  }

  /** Starts a search for the best recipe and model (./optimize.ts); its events are held as a run's are. */
  startSearch(input: OptimizeStartInput): { runId: number } {
    const db = this.requireDb();
    const spawn = this.host.spawnTrainer ?? forkTrainer(builtFile('ml/trainer.cjs'));
    const { models, budgetSeconds, validation, ...rest } = input;
    const handle = startOptimize(db, { ...rest, models: models ?? [...DEFAULT_OPTIMIZE_MODELS], budgetSeconds: budgetSeconds ?? OPTIMIZE_DEFAULTS.budgetSeconds, ...(validation ? { validation: parseScheme(validation) } : {}) }, { spawn, onEvent: (e) => this.host.emit('runs:progress', e), deferEvents: true });
    this.runs.set(handle.runId, handle);
    handle.outcome.catch(() => undefined).finally(() => this.runs.delete(handle.runId));
    return { runId: handle.runId };
  }

  /**
   * Calibration transfer as a job: the model trained on the second instrument for comparison
   * reports its epochs as `runs:transferProgress`, and `jobs:cancel` stops it, storing nothing.
   */
  runTransfer(req: TransferRequest, jobId: string): ReturnType<typeof transferCalibration> {
    const spawn = this.host.spawnTrainer ?? forkTrainer(builtFile('ml/trainer.cjs'));
    const progress = (stage: string, done: number, total: number) => this.host.emit('runs:transferProgress', { jobId, runId: req.runId, stage, done, total });
    return this.runJob(jobId, (db, signal) => {
      const target = datasets.getDataset(db, req.targetDatasetId).name;
      const stage = `Training the same model on "${target}" for comparison`;
      progress(stage, 0, 0);
      return transferCalibration(db, req, {
        spawn,
        signal,
        onEvent: (e) => {
          if (e.type === 'epoch') progress(stage, e.report.epoch, e.epochs);
        },
      });
    });
  }

  /** Waits for a running run (tests); resolves at once when it is not running. */
  async runFinished(runId: number): Promise<void> {
    await this.runs.get(runId)?.outcome.catch(() => undefined);
  }

  readonly handlers: Handlers = {
    'app:info': async () => ({ version: this.host.version, platform: process.platform, engine: this.host.engine, formats: SUPPORTED_FORMATS.map((f) => ({ ...f })) }),
    'project:current': async () => this.info,
    'project:recent': async () => this.recent.list(),
    'project:create': async () => {
      const file = await this.host.dialogs.saveProject();
      if (!file) return null;
      if (fs.existsSync(file)) {
        throw new UserError('CONFLICT', `${path.basename(file)} already exists. Open it with Open project, or choose a new name.`, { file });
      }
      return this.open(file, true);
    },
    'project:open': async () => {
      const file = await this.host.dialogs.openProject();
      return file ? this.open(file) : null;
    },
    'project:openRecent': async ({ path: file }) => {
      if (!this.recent.has(file)) throw new UserError('NOT_FOUND', `${file} is not in the recent projects list.`);
      if (!fs.existsSync(file)) throw new UserError('NOT_FOUND', `${file} no longer exists (moved or deleted?). Use Open project to find it.`, { file });
      return this.open(file);
    },
    'project:openDemo': async () => {
      const file = path.join(this.host.userDataDir, 'Demo project.spectra');
      if (!fs.existsSync(file)) await createDemoProject(file, this.host.demoDir, this.host.nativeBinding);
      return this.open(file);
    },
    'project:close': async () => {
      this.close();
      return null;
    },
    'datasets:list': async () => datasets.listDatasets(this.requireDb()),
    'datasets:get': async ({ datasetId }) => datasets.datasetSummary(this.requireDb(), datasetId),
    'datasets:import': async (input) => {
      this.requireDb();
      const files = input.paths ?? (await this.host.dialogs.importFiles());
      if (!files || !files.length) return null;
      for (const f of files) {
        if (!path.isAbsolute(f)) throw new UserError('BAD_INPUT', `Dropped file path ${f} is not absolute.`);
      }
      let labels: string | undefined;
      if (input.withLabels) {
        const chosen = await this.host.dialogs.labelsFile();
        if (!chosen) return null;
        labels = chosen;
      }
      return this.runImport(importRequestFromApp(input, files, labels), input.jobId);
    },
    'jobs:cancel': async ({ jobId }) => this.cancel(jobId),
    'datasets:rename': async ({ datasetId, name }) => {
      datasets.renameDataset(this.requireDb(), datasetId, name);
      return datasets.datasetSummary(this.requireDb(), datasetId);
    },
    'datasets:delete': async ({ datasetId }) => {
      datasets.deleteDataset(this.requireDb(), datasetId);
      return null;
    },
    'datasets:samples': async (q) => datasets.samplePage(this.requireDb(), q),
    'datasets:spectra': async ({ datasetId, ...opts }) => {
      datasets.getDataset(this.requireDb(), datasetId);
      return spectraPreview(this.requireDb(), datasetId, opts);
    },
    'datasets:classStats': async ({ datasetId, column }) => classStats(this.requireDb(), datasetId, column),
    // Band, area, ratio and class images read a few values per pixel and may build the band-major copy (a write), so they stay on this connection; the others read every spectrum, more than once.
    'maps:image': async ({ jobId, ...input }) => {
      if (input.spec.kind !== 'pca' && input.spec.kind !== 'kmeans' && input.spec.kind !== 'ward') return mapImage(this.requireDb(), input);
      return jobId ? this.mapJob(jobId, input.datasetId, { op: 'mapImage', ...input }) : this.view({ op: 'mapImage', ...input });
    },
    'maps:prediction': async ({ jobId, ...input }) => {
      predictableRun(this.requireDb(), input.runId);
      return jobId ? this.mapJob(jobId, input.datasetId, { op: 'mapPrediction', ...input }) : this.view({ op: 'mapPrediction', ...input });
    },
    'maps:bandCopy': async ({ datasetId, jobId }) => this.runJob(jobId, (db, signal) => buildMapBandCopy(db, datasetId, { signal, onProgress: (done, total, stage) => this.host.emit('maps:progress', { jobId, datasetId, done, total, stage }) })),
    'datasets:channels': async ({ datasetId, sampleIds }) => sampleChannels(this.requireDb(), datasetId, sampleIds),
    'datasets:join': async ({ datasetIds, name, by, channelNames }) => joinDatasets(this.requireDb(), { datasetIds, name, by, ...(channelNames ? { channelNames } : {}) }),
    'labels:set': async ({ datasetId, sampleIds, column, value }) => datasets.setLabel(this.requireDb(), datasetId, sampleIds, column, value),
    'labels:renameClass': async ({ datasetId, column, from, to }) => datasets.renameClass(this.requireDb(), datasetId, column, from, to),
    'labels:setSplit': async ({ datasetId, sampleIds, split }) => datasets.setSplit(this.requireDb(), datasetId, sampleIds, split),
    'pipelines:list': async () => pipelines.listPipelines(this.requireDb()),
    'pipelines:save': async ({ name, spec }) => pipelines.savePipeline(this.requireDb(), name, parsePipelineSpec(spec)),
    'pipelines:delete': async ({ id }) => {
      pipelines.deletePipeline(this.requireDb(), id);
      return null;
    },
    'datasets:applyRecipe': async ({ datasetId, spec, recipeName, name, jobId }) => {
      const req: ApplyRecipeRequest = { datasetId, spec: parsePipelineSpec(spec), recipeName: recipeName ?? null };
      if (name !== undefined) req.name = name;
      return this.runApplyRecipe(req, jobId);
    },
    'datasets:axisPlan': async ({ datasetId, grid }) => planHarmonise(this.requireDb(), datasetId, grid),
    'datasets:harmonise': async ({ datasetId, grid, name }) => harmoniseDataset(this.requireDb(), { datasetId, ...(grid ? { grid } : {}), ...(name !== undefined ? { name } : {}) }),
    'columns:setKind': async ({ datasetId, column, kind }) => {
      datasets.setColumnKind(this.requireDb(), datasetId, column, kind);
      return datasets.datasetSummary(this.requireDb(), datasetId);
    },
    'columns:setUnit': async ({ datasetId, column, unit }) => {
      datasets.setColumnUnit(this.requireDb(), datasetId, column, unit);
      return datasets.datasetSummary(this.requireDb(), datasetId);
    },
    'runs:start': async (input) => this.startRun(requestFromApp(this.requireDb(), input)),
    'runs:cancel': async ({ runId }) => {
      const run = this.runs.get(runId);
      run?.cancel();
      return run !== undefined;
    },
    'runs:optimize': async (input) => this.startSearch(input),
    'runs:check': async (q) => checkRun(this.requireDb(), q),
    'runs:list': async () => runList(this.requireDb()),
    'runs:get': async ({ runId }) => runDetail(this.requireDb(), runId),
    'runs:transfers': async ({ runId }) => runTransfers(this.requireDb(), runId),
    'runs:transfer': async ({ jobId, ...req }) => this.runTransfer(req, jobId),
    'runs:firstLayer': async ({ runId, sampleId }) => this.view({ op: 'firstLayer', runId, ...(sampleId !== undefined ? { sampleId } : {}) }),
    'runs:interpret': async ({ runId }) => this.view({ op: 'interpret', runId }),
    'runs:reconstructions': async ({ runId }) => this.view({ op: 'reconstructions', runId }),
    'predict:files': async ({ runId, paths, jobId }) => {
      // Refused before the file dialog when the run cannot predict.
      predictableRun(this.requireDb(), runId);
      const files = paths ?? (this.host.dialogs.predictFiles ? await this.host.dialogs.predictFiles() : null);
      if (!files?.length) return null;
      return this.predictJob(runId, jobId, { op: 'predictFiles', runId, files });
    },
    'predict:dataset': async ({ runId, datasetId, jobId }) => this.predictJob(runId, jobId, { op: 'predictDataset', runId, datasetId }),
    'runs:export': async ({ runId, jobId }) => {
      const db = this.requireDb();
      const run = getRun(db, runId);
      if (!this.host.dialogs.exportFolder) throw new UserError('INTERNAL', 'This window cannot choose a folder; use `spectra-desk export` instead.');
      const dir = await this.host.dialogs.exportFolder(`Run ${run.id} ${run.model} ${run.datasetName}`.replace(/[\\/:*?"<>|]+/g, ' ').trim());
      if (!dir) return null;
      return this.viewJob(jobId ?? `export-${runId}-${Date.now()}`, { op: 'export', runId, dir }, (id, done, total, what) => this.host.emit('runs:exportProgress', { jobId: id, runId, done, total, what }));
    },
    'runs:delete': async ({ runId }) => {
      if (this.runs.has(runId)) throw new UserError('BAD_INPUT', `Run ${runId} is still training: cancel it first.`);
      deleteRun(this.requireDb(), runId);
      return true;
    },
    'models:summary': async (q) => modelSummary(this.requireDb(), q),
  };

  /** Validates the raw argument against the contract and returns a Result; never throws. */
  async invoke(channel: string, raw: unknown): Promise<Result<unknown>> {
    if (!Object.hasOwn(contract, channel)) return { ok: false, error: { code: 'BAD_INPUT', message: `Unknown channel ${channel}.` } };
    const c = channel as Channel;
    const parsed = contract[c].input.safeParse(raw ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || undefined;
      return { ok: false, error: { code: 'BAD_INPUT', message: `${channel}: ${field ? `${field}: ` : ''}${issue?.message ?? 'invalid input'}`, ...(field ? { field } : {}) } };
    }
    try {
      const handler = this.handlers[c] as (input: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      // An SQLite error of the open project (locked, read-only, damaged) names the file.
      return { ok: false, error: toErrorInfo(this.info ? projectError(err, this.info.path) : err) };
    }
  }
}
