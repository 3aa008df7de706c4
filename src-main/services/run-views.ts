/**
 * What the app shows of stored runs, built from the project: a run's table row and page, what
 * its model relies on (activation maps, PLS coefficients, VIP, loadings), its first layer, and
 * prediction results of new spectra.
 */
import type { Db } from '../db/connection';
import { UserError } from '../common/errors';
import { getRun, listRuns, runArtifact, runEpochCounts, runEpochs, runTestPredictions, type RunRow } from '../db/runs';
import type { FirstLayer, PlsBaseline, PredictResult, RunDetail, RunInterpretation, RunSummary, TestPrediction } from '../common/ipc/contract';
import { headlineKey, lowerIsBetter } from '../common/format/metric-labels';
import { isCrossValidationConfig, targetUnitsOf, trainedConfig, trainedSplit } from '../common/runs/schema';
import { requireOneChannel } from '../common/runs/channels';
import { camForRun, runInputs, runNet } from './export';
import { upsampleCentres } from '../ml/cam';
import { inferShapes, type Conv1dLayer } from '../common/ml/model';
import type { Predictor, SpectrumInput } from './predict';
import { predictExplained, predictionsCsv } from './predict-files';
import { plsCoefficients, plsVip, plsXLoadings } from '../common/ml/pls/diagnostics';
import type { PlsModel } from '../common/ml/pls';
import { schemeLabel } from '../common/ml/splits';

/** One run with its curves, configuration, stored metrics, test predictions, validation design and PLS baseline. */
export function runDetail(db: Db, runId: number): RunDetail {
  const r = getRun(db, runId);
  const curves = runEpochs(db, runId);
  const cfg = r.config;
  const cv = isCrossValidationConfig(cfg) ? cfg : null;
  const label = cv ? cv.validationLabel : schemeLabel(cfg.validation);
  const validation = r.fold ? `${label}, ${r.fold.label}` : label;
  const m = r.metrics;
  const foldRuns = m?.folds ? m.folds.map((f) => ({ index: f.index, label: f.label, runId: f.runId, status: f.status, trainSamples: f.trainSamples, testSamples: f.testSamples, test: f.metrics?.test ?? null })) : null;
  const warnings = m?.warnings ?? cv?.warnings ?? [];
  const durationMs = r.finishedAt ? Date.parse(r.finishedAt) - Date.parse(r.createdAt) : null;
  const predictions = runTestPredictions(db, runId);
  const summary = runSummary(r, curves.length);
  return { ...summary, curves, config: cfg, versions: r.versions, log: r.log, classes: cfg.classes, metrics: m, predictions, validation, durationMs, foldRuns, warnings, baseline: plsBaseline(db, summary, predictions) } satisfies RunDetail;
}

/**
 * The PLS run on exactly the same test spectra as a finished network run (same dataset, target
 * and test sample ids; the most recent of the last five such PLS runs): the baseline a network
 * has to beat. Null for PLS runs, cross-validations and runs without test metrics.
 */
/** Whether a run predicts these targets (a one-target run has no list). */
function sameTargets(c: RunRow['config'], targets: string[] | undefined): boolean {
  const names = isCrossValidationConfig(c) ? undefined : c.targets?.map((t) => t.name);
  return names?.join('\n') === targets?.join('\n');
}

export function plsBaseline(db: Db, run: RunSummary, predictions: TestPrediction[]): PlsBaseline | null {
  if (run.model === 'pls' || run.status !== 'done' || run.folds !== null || !run.test || !predictions.length) return null;
  const metric = headlineKey(run.task, run.test);
  const ours = run.test[metric];
  if (ours === undefined) return null;
  const ids = new Set(predictions.map((p) => p.sampleId));
  const candidates = listRuns(db).filter((c) => c.model === 'pls' && c.datasetId === run.datasetId && c.targetColumn === run.target && sameTargets(c.config, run.targets) && c.status === 'done' && !isCrossValidationConfig(c.config)).slice(0, 5);
  for (const c of candidates) {
    const theirs = c.metrics?.test?.[metric];
    if (theirs === undefined) continue;
    const p = runTestPredictions(db, c.id);
    if (p.length !== ids.size || !p.every((x) => ids.has(x.sampleId))) continue;
    const better = lowerIsBetter(metric) ? ours < theirs : ours > theirs;
    return { runId: c.id, metric, value: theirs, ours, testSamples: p.length, verdict: ours === theirs ? 'ties' : better ? 'better' : 'worse' };
  }
  return null;
}

/** The project's runs for the runs table, newest first. */
export function runList(db: Db): RunSummary[] {
  const counts = runEpochCounts(db);
  return listRuns(db).map((r) => runSummary(r, counts.get(r.id) ?? 0));
}

/** The table row of a run; `message` is the reason a run failed or was stopped (its log's first line). */
export function runSummary(r: RunRow, epochs: number): RunSummary {
  const firstLine = r.log.split('\n').find((l) => l.trim() !== '') ?? null;
  const m = r.metrics;
  const message = m?.message ?? (r.status === 'cancelled' ? 'Training was cancelled.' : r.status === 'failed' ? firstLine : null);
  return {
    id: r.id,
    dataset: r.datasetName,
    datasetId: r.datasetId,
    model: r.model,
    task: r.task,
    target: r.targetColumn,
    ...(!isCrossValidationConfig(r.config) && r.config.targetChannel !== undefined ? { targetChannel: r.config.targetChannel } : !isCrossValidationConfig(r.config) && r.config.targets ? { targets: r.config.targets.map((t) => t.name) } : {}),
    status: r.status,
    test: m?.test ?? null,
    engine: r.backend,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    message,
    epochs,
    bestEpoch: m?.bestEpoch ?? null,
    seed: r.seed,
    recipe: r.config.recipe ?? null,
    folds: isCrossValidationConfig(r.config) ? r.config.folds : null,
    std: m?.std ?? null,
    parentRunId: r.fold?.parentRunId ?? null,
    ...unitsOf(r),
  };
}

/** `{ units }` of a regression run whose targets had units, else nothing. */
function unitsOf(r: RunRow): { units?: Record<string, string> } {
  const units = r.task === 'regression' ? targetUnitsOf(r.config, r.targetColumn) : {};
  return Object.keys(units).length ? { units } : {};
}

/** Activation maps over the class means for networks; coefficients per class and VIP for PLS. */
export function interpretRun(db: Db, runId: number): RunInterpretation {
  const run = getRun(db, runId);
  if (run.status !== 'done') throw new UserError('BAD_INPUT', `Run ${runId} ${run.status === 'running' ? 'is still training' : `ended as ${run.status}`}: there is no finished model to interpret.`);
  if (run.model !== 'pls') {
    const cam = camForRun(db, runId);
    return {
      kind: cam.method,
      axis: Float64Array.from(cam.axis),
      axisUnit: cam.axisUnit,
      classes: cam.classMeans.map((c) => ({ name: c.className, samples: c.samples, spectrum: Float32Array.from(c.spectrum), importance: Float32Array.from(c.cam) })),
      vip: null,
      loadings: null,
      channels: cam.channels?.map((ch) => ({ name: ch.name, classes: ch.classMeans.map((c) => ({ name: c.className, spectrum: Float32Array.from(c.spectrum), importance: Float32Array.from(c.cam) })), vip: null })) ?? null,
    };
  }
  const stored = runArtifact(db, runId, 'pls-model.json');
  if (!stored) throw new UserError('NOT_FOUND', `Run ${runId} has no stored PLS model; train it again.`);
  const model = JSON.parse(stored.toString('utf8')) as PlsModel;
  const split = trainedSplit(run.split, runId);
  const inputs = runInputs(db, run, [...split.train, ...split.monitor]);
  const L = inputs.axis.length;
  const names = run.task === 'classification' ? run.config.classes : [run.targetColumn];
  // Several channels: the model reads them one after the other, so channel c's block is points [c·L, (c+1)·L).
  const block = (v: ArrayLike<number>, c: number) => Float32Array.from({ length: L }, (_, j) => v[c * L + j]!);
  const perClass = (processed: Float64Array, c: number) =>
    names.map((name, t) => {
      const rows = inputs.labels.flatMap((v, i) => (run.task === 'regression' || String(v) === name ? [i] : []));
      const mean = new Float32Array(L);
      for (const r of rows) for (let j = 0; j < L; j++) mean[j]! += processed[r * L + j]! / rows.length;
      return { name, samples: rows.length, spectrum: mean, importance: block(plsCoefficients(model, t), c) };
    });
  const vip = plsVip(model);
  const loadings = Array.from({ length: Math.min(3, model.components) }, (_, k) => block(plsXLoadings(model, k), 0));
  const channels = inputs.channels?.map((ch, c) => ({ name: ch.name, classes: perClass(ch.processed, c), vip: block(vip, c) })) ?? null;
  return { kind: 'pls', axis: inputs.axis, axisUnit: inputs.axisUnit, classes: perClass(inputs.processed, 0), vip: block(vip, 0), loadings, channels };
}

/** The first conv1d layer of a network run: its filters and its feature maps for one spectrum. */
export function firstLayer(db: Db, runId: number, sampleId?: number): FirstLayer {
  const run = getRun(db, runId);
  if (run.status !== 'done') throw new UserError('BAD_INPUT', `Run ${runId} ended as ${run.status}: there is no finished model to look into.`);
  if (run.model === 'pls') throw new UserError('BAD_INPUT', `Run ${runId} is a PLS model: it has loadings and VIP scores, not filters.`);
  const net = runNet(db, run);
  const index = net.layers.findIndex((l) => l.type === 'conv1d');
  if (index < 0) throw new UserError('BAD_INPUT', `Run ${runId} (${run.model}) has no convolution layer at the top level, so there are no first-layer filters to show.`);
  const layer = net.layers[index] as Conv1dLayer;
  const split = trainedSplit(run.split, runId);
  const id = sampleId ?? split.test[0] ?? split.train[0]!;
  requireOneChannel(runId, trainedConfig(run.config, runId), 'showing its first layer');
  const inputs = runInputs(db, run, [id]);
  net.setInput(inputs.x, 1);
  const out = net.forwardCapture(1, index);
  const [length, channels] = net.nodes[index]!.outShape as [number, number];
  const points = inputs.axis.length;
  const maps = new Float32Array(channels * points);
  for (let c = 0; c < channels; c++) {
    const column = new Float64Array(length);
    for (let t = 0; t < length; t++) column[t] = out[t * channels + c]!;
    maps.set(upsampleCentres(column, points), c * points);
  }
  // The kernel as stored: [kernelSize, inChannels, filters]; channel 0 of each filter.
  const layout = JSON.parse(runArtifact(db, runId, 'layout.json')!.toString('utf8')) as { name: string; shape: number[]; offset: number }[];
  const kernel = layout.find((p) => p.shape.length === 3 && p.shape[2] === layer.filters && p.shape[0] === layer.kernelSize)!;
  const w = runArtifact(db, runId, 'weights.f32')!;
  const all = new Float32Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength));
  const [k, cin, f] = kernel.shape as [number, number, number];
  const filters = new Float32Array(f * k);
  for (let j = 0; j < f; j++) for (let t = 0; t < k; t++) filters[j * k + t] = all[kernel.offset + (t * cin + 0) * f + j]!;
  return {
    sampleId: id,
    key: inputs.keys[0]!,
    axis: inputs.axis,
    axisUnit: inputs.axisUnit,
    spectrum: Float32Array.from(inputs.processed),
    filters,
    filterCount: f,
    kernelSize: k,
    maps,
    // As the layer table words it (stride, padding, initialiser).
    detail: inferShapes(net.layers.slice(0, index + 1), net.input).summary.at(-1)!.detail,
  };
}

/** Predictions of a run for spectra, with what the model saw, its activation maps and the CSV. */
export function predictionResult(runId: number, predictor: Predictor, spectra: SpectrumInput[], sources: string[], onProgress?: (done: number, total: number, stage: string) => void): PredictResult {
  const r = predictExplained(predictor, spectra, onProgress);
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    runId,
    model: predictor.model,
    task: predictor.task,
    target: predictor.targetColumn,
    ...(predictor.targets ? { targets: predictor.targets.map((t) => t.name) } : {}),
    ...(predictor.targetChannel ? { targetChannel: { name: predictor.targetChannel.name, axis: predictor.targetChannel.axis, axisUnit: predictor.targetChannel.unit, inputs: predictor.targetChannel.inputs } } : {}),
    classes: predictor.classes,
    files: sources,
    rows: r.rows.map((p, i) => ({ key: p.key, file: spectra[i]!.file ?? '', predicted: p.predicted, ...(p.values ? { values: p.values } : {}), probabilities: p.probabilities, t2: finite(p.t2), q: finite(p.q), outOfModel: p.outOfModel })),
    limits: r.rows.length && Number.isFinite(r.rows[0]!.t2Limit) ? { t2: r.rows[0]!.t2Limit, q: r.rows[0]!.qLimit } : null,
    axis: r.axis,
    axisUnit: predictor.axisUnit,
    processed: r.processed,
    maps: r.maps,
    csv: predictionsCsv(predictor, r.rows),
  };
}
