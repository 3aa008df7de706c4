/**
 * One training job inside the trainer process, independent of how messages travel (fork IPC or
 * Electron's parentPort): select the engine, build the runtime, fit, report.
 */
import type { ParentToTrainer, TrainJob, TrainerToParent } from '../../common/ml/protocol';
import { selectEngine } from '../engines';
import { fit } from '../fit';
import { createOwnRuntime, type Runtime } from '../runtime';
import { createTfjsRuntime } from '../tfjs-runtime';
import { Net } from '../engine/net';
import { createJsKernels } from '../kernels/js';

export interface Channel {
  send(m: TrainerToParent): void;
  onMessage(handler: (m: ParentToTrainer) => void): void;
}

/** Parameter names and offsets of a network (the layout every engine's weights use). */
function paramLayout(job: TrainJob) {
  const net = new Net(createJsKernels(), { layers: job.layers, input: job.input, task: job.task, maxBatch: 1, seed: 0 });
  return { params: net.params, state: net.stateInfo };
}

export async function runJob(job: TrainJob, channel: Channel, isCancelled: () => boolean): Promise<void> {
  const selection = selectEngine(job.engine, { threads: job.threads });
  channel.send({ type: 'engine', engine: selection.info });
  const common = {
    layers: job.layers,
    input: job.input,
    task: job.task,
    batchSize: job.batchSize,
    seed: job.seed,
    optimizer: { learningRate: job.learningRate, weightDecay: job.weightDecay, clipNorm: job.clipNorm, warmupSteps: job.warmupSteps },
    x: job.train.x,
    y: job.train.y,
    classWeights: job.classWeights,
  };
  let runtime: Runtime;
  if (selection.tf) runtime = createTfjsRuntime(selection.tf, common);
  else runtime = await createOwnRuntime({ ...common, kernels: selection.info.id === 'wasm' ? 'wasm-simd' : 'js', threads: selection.info.threads });
  try {
    let lastProgress = 0;
    const result = await fit(runtime, {
      task: job.task,
      train: job.train,
      validation: job.validation,
      epochs: job.epochs,
      batchSize: job.batchSize,
      seed: job.seed,
      patience: job.patience,
      shouldStop: isCancelled,
      onBatch: (p) => {
        const now = performance.now();
        if (now - lastProgress > 200 || p.batch === p.batches) {
          lastProgress = now;
          channel.send({ type: 'progress', ...p });
        }
      },
      onEpoch: (report) => {
        if (job.crashAtEpoch === report.epoch) process.exit(70);
        channel.send({ type: 'epoch', report });
      },
    });
    const snap = runtime.snapshot();
    const validationOutputs = job.validation && job.validation.n ? runtime.predict(job.validation.x, job.validation.n) : null;
    channel.send({
      type: 'done',
      stopped: result.stopped,
      message: result.message,
      bestEpoch: result.bestEpoch,
      spectraPerSecond: result.spectraPerSecond,
      weights: snap.weights,
      state: snap.state,
      paramNames: paramLayout(job).params,
      validationOutputs,
      memory: { tensors: runtime.tensors(), peakRssBytes: process.resourceUsage().maxRSS * 1024 },
    });
  } finally {
    await runtime.dispose();
  }
}
