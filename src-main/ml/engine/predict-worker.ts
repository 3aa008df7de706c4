/** Worker-thread entry of one prediction thread (bundled to out/ml/predict-worker.cjs; see predict-pool.ts). */
import { workerData } from 'node:worker_threads';
import { trainedNet, type Net } from './net';
import { createKernelsOf } from './kernels-factory';
import { forwardRows, type PredictReply, type PredictRequest, type PredictWorkerInit } from './predict-pool';

const init = workerData as PredictWorkerInit;
const signal = new Int32Array(init.signal);
const answer = (reply: PredictReply, transfer: ArrayBuffer[] = []) => {
  init.port.postMessage(reply, transfer);
  Atomics.add(signal, init.index, 1);
  Atomics.notify(signal, init.index);
};
let net: Net | null = null;
let failure: string | null = null;
try {
  // The same layers, weights and state on the same kernel build as the calling thread's network.
  net = trainedNet(createKernelsOf(init.kernels, init.wasmPath), init, init.maxBatch);
} catch (err) {
  failure = err instanceof Error ? err.message : String(err);
}
init.port.on('message', (req: PredictRequest) => {
  if (!net) return answer({ error: `A prediction thread could not build the network: ${failure}` });
  try {
    const r = forwardRows(net, req.x, req.n, req.features);
    answer(r, r.features ? [r.outputs.buffer as ArrayBuffer, r.features.buffer as ArrayBuffer] : [r.outputs.buffer as ArrayBuffer]);
  } catch (err) {
    answer({ error: `A prediction thread failed: ${err instanceof Error ? err.message : String(err)}` });
  }
});
