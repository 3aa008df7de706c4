/** Worker-thread entry of one data-parallel replica (bundled to out/ml/replica-worker.cjs). */
import { parentPort, workerData } from 'node:worker_threads';
import { Net } from './net';
import { runReplica, type WorkerInit } from './replicas';
import { deriveSeed } from './rng';
import { createKernelsOf } from './kernels-factory';

const init = workerData as WorkerInit;
try {
  const kernels = createKernelsOf(init.kernels, init.wasmPath);
  const net = new Net(kernels, { ...init.net, maxBatch: init.chunk, seed: deriveSeed(init.seed, 'replica', init.replica) });
  runReplica(init, net, (m) => parentPort!.postMessage(m));
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
}
