/**
 * Worker-thread entry of {@link workerViews}: computes run views on a read-only connection to the
 * project, kept open while calls name the same file, so the app's main thread never waits on
 * activation maps, predictions or exports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openProject, type Db } from '../db/connection';
import { toErrorInfo } from '../common/errors';
import { computeView, type ViewCall, type ViewReply } from './views';
import { takeFittedChecks } from './predict';

const { nativeBinding } = (workerData ?? {}) as { nativeBinding?: string };
let open: { file: string; db: Db } | null = null;

function dbFor(file: string): Db {
  if (open?.file === file) return open.db;
  open?.db.close();
  open = null;
  const db = openProject(file, { readonly: true, ...(nativeBinding ? { nativeBinding } : {}) });
  open = { file, db };
  return db;
}

parentPort?.on('message', (call: ViewCall) => {
  const port = parentPort!;
  try {
    const onProgress = call.progress ? (done: number, total: number, what: string) => port.postMessage({ id: call.id, progress: { done, total, what } } satisfies ViewReply) : undefined;
    const db = dbFor(call.file);
    const value = computeView(db, call.req, onProgress);
    // Out-of-model checks this read-only connection had to fit (runs stored without one) go to the writer to store.
    for (const fitted of takeFittedChecks(db)) port.postMessage({ id: call.id, fitted } satisfies ViewReply);
    port.postMessage({ id: call.id, ok: true, value } satisfies ViewReply);
  } catch (err) {
    port.postMessage({ id: call.id, ok: false, error: toErrorInfo(err) } satisfies ViewReply);
  }
});
