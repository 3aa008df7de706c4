/**
 * One training job inside the trainer process, independent of how messages travel (fork IPC or
 * Electron's parentPort): select the engine, build the runtime, fit, report.
 */
import type { ParentToTrainer, StreamedInput, TrainJob, TrainerToParent } from '../../common/ml/protocol';
import { StreamedFeed, predictStreamed, type RowSource } from '../streamed-feed';
import { UserError } from '../../common/errors';
import { selectEngine } from '../engines';
import { fit } from '../fit';
import { createOwnRuntime, type Runtime } from '../runtime';
import { createTfjsRuntime } from '../tfjs-runtime';
import { augmentedCopies, repeatedTargets } from '../../common/ml/augment';
import { deriveSeed } from '../engine/rng';
import { choosePlsComponents, fitPls, fitPlsDa, predictPls } from '../../common/ml/pls';
import { taskOutputs } from '../../common/ml/protocol';
import { applyStartWeights, type StartWeights } from '../../common/runs/encoder';
import { chooseSpectralChanges, chosenChanges } from '../../common/runs/augment-choice';
import type { Augmentation } from '../../common/ml/prepare';

export interface Channel {
  send(m: TrainerToParent): void;
  onMessage(handler: (m: ParentToTrainer) => void): void;
}

/**
 * Repeats of the 5-fold cross-validation that chooses PLS components: with one shuffle of 28 or
 * 60 samples the choice follows the luck of the split (UCR Coffee, seeds 1–3: 6, 7 and 9
 * components with one repeat, 5 each time with five).
 */
const PLS_CV_REPEATS = 5;

/** PLS-DA / PLS regression in the trainer process (cross-validation can take seconds on big sets). */
function runPls(job: TrainJob, channel: Channel): void {
  const t0 = performance.now();
  const L = job.input[0] * job.input[1];
  const n = job.train.n;
  const X = Float64Array.from(job.train.x.subarray(0, n * L));
  const classes = job.task.kind === 'classification' ? job.task.classes : 0;
  // Several targets: one PLS2 model on the Y matrix (n × targets, each standardised by the plan).
  const targets = taskOutputs(job.task);
  const y = Float64Array.from(job.train.y.subarray(0, classes ? n : n * targets));
  let cv: ReturnType<typeof choosePlsComponents> | null = null;
  let components = job.pls!.components;
  if (components === null) {
    cv = choosePlsComponents(X, y, n, L, {
      kind: classes ? 'classification' : 'regression',
      classes: classes || undefined,
      ...(classes ? {} : { targets }),
      folds: job.pls!.folds ?? 5,
      rule: 'best',
      repeats: PLS_CV_REPEATS,
      seed: job.seed,
      decision: job.pls!.decision ?? 'auto',
      onProgress: (done, total) => channel.send({ type: 'progress', epoch: 1, batch: done, batches: total, loss: NaN }),
    });
    components = cv.components;
  }
  const asked = job.pls!.decision ?? 'auto';
  const decision = cv?.decision ?? (asked === 'auto' ? 'pls-da' : asked);
  const model = classes ? fitPlsDa(X, Int32Array.from(y), n, L, classes, components, { decision }) : fitPls(X, y, n, L, targets, components);
  const predict = (x: Float32Array, rows: number) => Float32Array.from(predictPls(model, Float64Array.from(x.subarray(0, rows * L)), rows));
  const seconds = (performance.now() - t0) / 1000;
  channel.send({
    type: 'done',
    stopped: 'completed',
    bestEpoch: null,
    spectraPerSecond: n / seconds,
    weights: new Float32Array(0),
    state: new Float32Array(0),
    paramNames: [],
    validationOutputs: job.validation && job.validation.n ? predict(job.validation.x, job.validation.n) : null,
    evaluations: (job.evaluate ?? []).map((set) => (set.n ? predict(set.x, set.n) : new Float32Array(0))),
    epochs: [],
    memory: { tensors: null, peakRssBytes: process.resourceUsage().maxRSS * 1024 },
    pls: { model, cv },
  });
}

/**
 * The augmentation with the spectral changes chosen on the job's training rows (all of them, as
 * the plan would have chosen on them: common/runs/augment-choice.ts), reported to the parent.
 */
function withChosenChanges(job: TrainJob, sized: Augmentation, channel: Channel): Augmentation {
  const n = job.train.n;
  const classes = job.task.kind === 'classification' ? job.task.classes : 0;
  const choice = chooseSpectralChanges({ x: job.train.x, width: job.input[0] * job.input[1], channels: job.input[1], rows: Array.from({ length: n }, (_, i) => i), labels: job.train.y, classes, noise: sized.noise, seed: job.seed });
  channel.send({ type: 'augmentationChosen', choice });
  return { ...sized, ...chosenChanges(choice) };
}

/** Sets the parameters `start` names to its values (an autoencoder's encoder); the others keep their random initialisation. */
export function startFrom(runtime: Runtime, start: StartWeights): void {
  const snap = runtime.snapshot();
  applyStartWeights(runtime.params, snap.weights, start);
  runtime.restore(snap);
}

/** What the trainer is given besides the job: how it opens a streamed run's spectra (the entry passes the project-file reader). */
export interface JobDeps {
  openRows?: (s: StreamedInput) => RowSource;
}

export async function runJob(job: TrainJob, channel: Channel, isCancelled: () => boolean, deps: JobDeps = {}): Promise<void> {
  if (job.pls) {
    channel.send({ type: 'engine', engine: { id: 'js', label: 'CPU · PLS (typed arrays)', fallbacks: [], threads: 1 } });
    runPls(job, channel);
    return;
  }
  if (job.stream) {
    if (!deps.openRows) throw new Error('This trainer cannot read a project file: streamed training needs the trainer entry that opens one.');
    const source = deps.openRows(job.stream);
    try {
      await runNetwork(job, channel, isCancelled, { source, stream: job.stream });
    } finally {
      source.close();
    }
    return;
  }
  await runNetwork(job, channel, isCancelled, null);
}

async function runNetwork(job: TrainJob, channel: Channel, isCancelled: () => boolean, streamed: { source: RowSource; stream: StreamedInput } | null): Promise<void> {
  // Small sets train on noisy copies, as the plan decided (common/runs/plan.ts); the fit loop picks one copy per row and epoch.
  const n = job.train.n;
  const augmentation = job.augmentation && job.chooseSpectralChanges ? withChosenChanges(job, job.augmentation, channel) : (job.augmentation ?? null);
  const copies = augmentation?.copies ?? 1;
  if (streamed && augmentation) throw new Error('A streamed run has no augmented copies (the plan gives them only to small sets).');
  // A streamed run's training set is the feed's window, which it rewrites as the epoch moves on.
  // Its targets per row: a class index, or one standardised value per target (an autoencoder,
  // which has none of its own, is never streamed).
  const feed = streamed ? new StreamedFeed(streamed.source, streamed.stream, job.train.y, job.task.kind === 'classification' ? 1 : taskOutputs(job.task)) : null;
  if (feed && feed.inputWidth !== job.input[0] * job.input[1]) throw new Error(`The streamed spectra have ${feed.inputWidth} points after the recipe; the run's input has ${job.input[0] * job.input[1]}.`);
  const x = feed ? feed.x : augmentation ? augmentedCopies(job.train.x, n, job.input[0] * job.input[1], deriveSeed(job.seed, 'augment'), augmentation, job.input[1]) : job.train.x;
  const y = feed ? feed.y : augmentation ? repeatedTargets(job.train.y, n, copies) : job.train.y;
  // TensorFlow.js copies the whole training set into a tensor at the start: streamed runs train on our own engine.
  const selection = selectEngine(streamed && job.engine === 'auto' ? 'wasm' : job.engine, { threads: job.threads });
  if (streamed && selection.tf) throw new UserError('BAD_INPUT', `Streamed training (the training spectra read from the project file a window at a time) runs on the WebAssembly engine; ${selection.info.label} holds the whole training set in memory. Choose the engine "wasm" or "auto".`, { field: 'engine' });
  channel.send({ type: 'engine', engine: selection.info });
  const common = {
    layers: job.layers,
    input: job.input,
    task: job.task,
    batchSize: job.batchSize,
    seed: job.seed,
    optimizer: { kind: job.optimizer, momentum: job.momentum, learningRate: job.learningRate, weightDecay: job.weightDecay, clipNorm: job.clipNorm, warmupSteps: job.warmupSteps, decaySteps: job.decaySteps },
    x,
    y,
    classWeights: job.classWeights,
  };
  let runtime: Runtime;
  if (selection.tf) runtime = createTfjsRuntime(selection.tf, common);
  else runtime = await createOwnRuntime({ ...common, kernels: selection.info.id === 'wasm' ? 'wasm-simd' : 'js', threads: selection.info.threads });
  try {
    if (job.startWeights) startFrom(runtime, job.startWeights);
    let lastProgress = 0;
    const result = await fit(runtime, {
      task: job.task,
      train: job.train,
      validation: job.validation,
      epochs: job.epochs,
      batchSize: job.batchSize,
      seed: job.seed,
      patience: job.patience,
      stopWhenConverged: job.stopWhenConverged,
      copies,
      classWeights: job.classWeights,
      learningRate: job.learningRate,
      ...(feed ? { feed } : {}),
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
        channel.send({ type: 'epoch', report, epochs: job.epochs });
      },
    });
    const snap = runtime.snapshot();
    const validationOutputs = job.validation && job.validation.n ? runtime.predict(job.validation.x, job.validation.n) : null;
    const evaluations = (job.evaluate ?? []).map((set, i) => (!set.n ? new Float32Array(0) : streamed && i === 0 ? predictStreamed(runtime, streamed.source, streamed.stream, streamed.stream.evaluate, job.input[0] * job.input[1], taskOutputs(job.task)) : runtime.predict(set.x, set.n)));
    channel.send({
      type: 'done',
      stopped: result.stopped,
      message: result.message,
      bestEpoch: result.bestEpoch,
      spectraPerSecond: result.spectraPerSecond,
      weights: snap.weights,
      state: snap.state,
      paramNames: runtime.params,
      validationOutputs,
      evaluations,
      epochs: result.epochs,
      memory: { tensors: runtime.tensors(), peakRssBytes: process.resourceUsage().maxRSS * 1024 },
    });
  } finally {
    await runtime.dispose();
  }
}
