/**
 * The heavy read-only views of a run — interpretation (activation maps over every training
 * spectrum), the first layer's feature maps, prediction of files or of a whole dataset, and the
 * export folder — and the map images whose work grows with the whole map (PCA, k-means, Ward:
 * minutes on a 500 × 500 map), computed either in this thread (CLI, tests) or in a worker thread that opens the
 * project read-only (the app: a resnet1d on 983 Strawberry spectra takes ≈ 3 s to interpret and
 * ≈ 6 s to export, which on Electron's main thread would stall every window and IPC call).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { UserError, type ErrorInfo } from '../common/errors';
import type { FirstLayer, PredictResult, RunInterpretation } from '../common/ipc/contract';
import { getDataset } from '../db/datasets';
import type { Db } from '../db/connection';
import { discardPartialExport, exportRun, type ExportResult } from './export';
import { loadPredictor, storeOutOfModelCheck } from './predict';
import { channelsByName, readSpectraFiles } from './predict-files';
import { datasetBlock } from './preprocess';
import type { SpectraBlock } from '../common/preprocessing/types';
import { firstLayer, interpretRun, predictionResult } from './run-views';
import { mapPredictionImage } from './map-predict';
import type { MapImage, MapImageSpec } from '../common/maps/image';
import { mapImage } from './maps';
import type { MapPredictionShow } from '../common/maps/prediction';
import { reconstructionView } from './autoencoder-view';
import type { ReconstructionView } from '../common/runs/autoencoder';

export type ViewRequest =
  | { op: 'interpret'; runId: number }
  | { op: 'firstLayer'; runId: number; sampleId?: number }
  | { op: 'reconstructions'; runId: number }
  | { op: 'predictFiles'; runId: number; files: string[] }
  | { op: 'predictDataset'; runId: number; datasetId: number }
  | { op: 'mapPrediction'; runId: number; datasetId: number; show: MapPredictionShow; mask?: number[] }
  | { op: 'mapImage'; datasetId: number; spec: MapImageSpec; mask?: number[] }
  | { op: 'export'; runId: number; dir: string }
  /** Fits a run's out-of-model check where it has none (predict.ts: storeOutOfModelCheck); the worker sends it to be stored. */
  | { op: 'outOfModel'; runId: number };

export interface ViewResults {
  interpret: RunInterpretation;
  firstLayer: FirstLayer;
  reconstructions: ReconstructionView;
  predictFiles: PredictResult;
  predictDataset: PredictResult;
  mapPrediction: MapImage;
  mapImage: MapImage;
  export: Pick<ExportResult, 'dir' | 'files' | 'notes'>;
  outOfModel: null;
}

/** Progress of a view that reports it (export: parts written; prediction: spectra predicted, then mapped). */
export type ViewProgress = (done: number, total: number, what: string) => void;

export interface ViewHooks {
  onProgress?: ViewProgress;
  /** An out-of-model check the worker fitted for a run stored without one, for the writing connection to store (predict.ts: storeFittedCheck). */
  onFitted?: (runId: number, data: Uint8Array) => void;
  /** Stops the view: the worker is terminated (and an export's partial files removed). */
  signal?: AbortSignal;
}

/** Computes one view on an open project (the worker and the in-thread runner both call this). */
export function computeView<R extends ViewRequest>(db: Db, req: R, onProgress?: ViewProgress): ViewResults[R['op']] {
  return compute(db, req, onProgress) as ViewResults[R['op']];
}

function compute(db: Db, req: ViewRequest, onProgress?: ViewProgress): ViewResults[ViewRequest['op']] {
  switch (req.op) {
    case 'interpret':
      return interpretRun(db, req.runId);
    case 'firstLayer':
      return firstLayer(db, req.runId, req.sampleId);
    case 'reconstructions':
      return reconstructionView(db, req.runId);
    case 'predictFiles': {
      const predictor = loadPredictor(db, req.runId);
      const spectra = channelsByName(predictor, readSpectraFiles(req.files));
      if (!spectra.length) throw new UserError('BAD_INPUT', `No spectra found in ${req.files.map((f) => path.basename(f)).join(', ')}.`);
      return predictionResult(req.runId, predictor, spectra, req.files.map((f) => path.basename(f)), onProgress);
    }
    case 'predictDataset': {
      const predictor = loadPredictor(db, req.runId);
      const ds = getDataset(db, req.datasetId);
      const { block, keys, axisUnit, extra } = datasetBlock(db, ds.id, ds.name, { allChannels: !!predictor.channels || !!predictor.targetChannel });
      const row = (b: SpectraBlock, i: number) => ({ axis: b.axis, values: b.values.subarray(i * b.axis.length, (i + 1) * b.axis.length), unit: axisUnit });
      // A dataset's channels are named: a run of a target channel reads the others by name. `unit` is channel 0's, so the others carry none.
      const spectra = channelsByName(predictor, keys.map((key, i) => ({ key, ...row(block, i), file: ds.name, more: (extra?.blocks ?? []).map((b) => ({ axis: b.axis, values: row(b, i).values })), ...(extra ? { channelNames: extra.names } : {}) })));
      return predictionResult(req.runId, predictor, spectra, [ds.name], onProgress);
    }
    case 'mapPrediction':
      return mapPredictionImage(db, req, onProgress && ((done, total) => onProgress(done, total, 'predicting')));
    case 'mapImage':
      return mapImage(db, req, onProgress);
    case 'export': {
      const r = exportRun(db, req.runId, req.dir, onProgress ? { onProgress } : {});
      return { dir: r.dir, files: r.files, notes: r.notes };
    }
    case 'outOfModel':
      storeOutOfModelCheck(db, req.runId);
      return null;
  }
}

/** Computes views of the project in `file`; `release` lets go of whatever it holds (a worker, a connection). */
export interface ViewRunner {
  run<R extends ViewRequest>(file: string, req: R, hooks?: ViewHooks): Promise<ViewResults[R['op']]>;
  release(): Promise<void>;
}

/** Views computed in this thread on the session's own connection. */
export function inlineViews(db: () => Db): ViewRunner {
  return {
    run: async (_file, req, hooks = {}) => {
      if (hooks.signal?.aborted) throw cancelled(req);
      return computeView(db(), req, hooks.onProgress);
    },
    release: async () => undefined,
  };
}

/** Messages between {@link workerViews} and the worker (views-worker.ts). */
export interface ViewCall {
  id: number;
  file: string;
  req: ViewRequest;
  /** Whether to post progress messages. */
  progress: boolean;
}
export type ViewReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: ErrorInfo }
  | { id: number; progress: { done: number; total: number; what: string } }
  | { id: number; fitted: { runId: number; data: Uint8Array } };

function cancelled(req: ViewRequest): UserError {
  return new UserError('CANCELLED', req.op === 'export' ? 'Export cancelled; nothing was left in the folder.' : req.op === 'predictFiles' || req.op === 'predictDataset' || req.op === 'mapPrediction' ? 'Prediction cancelled.' : req.op === 'mapImage' ? 'Map image cancelled.' : 'Cancelled.');
}

/**
 * Views computed in one long-lived worker thread (the bundled `views-worker.cjs`), which opens the
 * project read-only and keeps the connection while the file stays the same. Calls run one at a
 * time in the order made; the worker is started on the first call, `unref`ed (it never keeps a
 * process alive), and stopped by `release` (project closed) — a worker that dies fails the calls
 * in flight and is started again by the next one.
 */
export function workerViews(script: string, nativeBinding?: string): ViewRunner {
  let worker: Worker | null = null;
  let next = 1;
  const pending = new Map<number, { worker: Worker; resolve: (v: unknown) => void; reject: (e: Error) => void; onProgress?: ViewProgress; onFitted?: ViewHooks['onFitted'] }>();
  // Only the calls of the worker that stopped: a cancelled worker's exit must not fail calls already sent to its successor.
  const failAll = (w: Worker, err: Error) => {
    for (const [id, p] of pending) {
      if (p.worker !== w) continue;
      pending.delete(id);
      p.reject(err);
    }
  };
  const start = (): Worker => {
    const w = new Worker(script, { workerData: { nativeBinding } });
    w.unref();
    w.on('message', (reply: ViewReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) {
        p.onProgress?.(reply.progress.done, reply.progress.total, reply.progress.what);
        return;
      }
      if ('fitted' in reply) {
        p.onFitted?.(reply.fitted.runId, reply.fitted.data);
        return;
      }
      pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new UserError(reply.error.code, reply.error.message, reply.error));
    });
    w.on('error', (err) => {
      if (worker === w) worker = null;
      failAll(w, err);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      failAll(w, new UserError('INTERNAL', `The worker that computes run views stopped (exit code ${code}); try again.`));
    });
    return w;
  };
  return {
    run(file, req, hooks = {}) {
      if (hooks.signal?.aborted) return Promise.reject(cancelled(req));
      worker ??= start();
      const w = worker;
      const id = next++;
      const result = new Promise<unknown>((resolve, reject) => {
        pending.set(id, { worker: w, resolve, reject, ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}), ...(hooks.onFitted ? { onFitted: hooks.onFitted } : {}) });
        w.postMessage({ id, file, req, progress: !!hooks.onProgress } satisfies ViewCall);
      });
      if (!hooks.signal) return result as Promise<never>;
      // Cancelling stops the worker mid-computation (it is started again for the next call).
      const signal = hooks.signal;
      const onAbort = () => {
        const p = pending.get(id);
        if (!p) return;
        pending.delete(id);
        if (worker === w) worker = null;
        void w.terminate().then(() => {
          if (req.op === 'export') discardPartialExport(req.dir);
          p.reject(cancelled(req));
        });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      return result.finally(() => signal.removeEventListener('abort', onAbort)) as Promise<never>;
    },
    async release() {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
