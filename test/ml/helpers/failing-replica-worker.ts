/**
 * The replica worker (src-main/ml/engine/replica-worker.ts) with one fault put in: replica 2's
 * network throws in its second backward pass, after the forward batch-norm exchanges and before
 * the backward ones, where replica 1 waits for it. Bundled by test/ml/replicas.test.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Net } from '../../../src-main/ml/engine/net';
import { runReplica, type WorkerInit } from '../../../src-main/ml/engine/replicas';
import { deriveSeed } from '../../../src-main/ml/engine/rng';
import { createKernelsOf } from '../../../src-main/ml/engine/kernels-factory';

class FailingNet extends Net {
  private passes = 0;
  override backward(batch: number) {
    if (++this.passes === 2) throw new Error('out of memory in the second backward pass');
    super.backward(batch);
  }
}

const init = workerData as WorkerInit;
const opts = { ...init.net, maxBatch: init.chunk, seed: deriveSeed(init.seed, 'replica', init.replica) };
const kernels = createKernelsOf(init.kernels, init.wasmPath);
runReplica(init, init.replica === 1 ? new FailingNet(kernels, opts) : new Net(kernels, opts), (m) => parentPort!.postMessage(m));
