/**
 * An autoencoder run's page (common/runs/autoencoder.ts, ReconstructionView): the run's own
 * training and test spectra through its stored recipe, scaling and weights, with the limit the
 * predictor learns (on the training-split spectra held out of training), as prediction uses it.
 */
import type { Db } from '../db/connection';
import { getRun } from '../db/runs';
import { columnValues, listColumns } from '../db/datasets';
import { UserError } from '../common/errors';
import { latentLayerIndex } from '../common/ml/templates';
import { checkSpectra, rmseOfQ } from '../common/ml/reconstruction';
import { pca } from '../common/explore/pca';
import { requireOneChannel, type ChannelsRecord } from '../common/runs/channels';
import type { ReconstructionView } from '../common/runs/autoencoder';
import { loadPredictor, modelInputs, netOf, runSpectra } from './predict';

export function reconstructionView(db: Db, runId: number): ReconstructionView {
  const run = getRun(db, runId);
  if (run.model !== 'ae') throw new UserError('BAD_INPUT', `Run ${runId} is a ${run.model} model; reconstructions are for autoencoders (ae).`);
  requireOneChannel(runId, run.config as { channels?: ChannelsRecord }, 'showing its reconstructions');
  const p = loadPredictor(db, runId);
  if (p.outlier?.kind !== 'reconstruction') throw new UserError('INTERNAL', `Run ${runId} has no reconstruction limit.`);
  const { check } = p.outlier;
  const split = run.split as { train: number[]; monitor?: number[]; test: number[] };
  const train = new Set(split.train);
  const heldOut = new Set(split.monitor ?? []);
  const s = runSpectra(db, run, [...split.train, ...heldOut, ...split.test]);
  const n = s.sampleIds.length;
  const x = modelInputs(p, s.rows, n, s.keys);
  const net = netOf(p);
  const out = net.predict(x, n);
  const width = x.length / n;
  const { q, maxResidual, flaggedBy, outOfModel } = checkSpectra(check, x, out, n, width);
  const { mean, std } = p.inputScaling;
  const index = latentLayerIndex(p.network!.layers);
  const size = (p.network!.layers[index] as { units: number }).units;
  const codes = new Float64Array(n * size);
  for (let from = 0; from < n; from += net.maxBatch) {
    const b = Math.min(net.maxBatch, n - from);
    net.setInput(x.subarray(from * width, (from + b) * width), b);
    codes.set(net.forwardCapture(b, index), from * size);
  }
  let xy: Float64Array;
  let axes: [string, string];
  if (size <= 2) {
    xy = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) for (let d = 0; d < size; d++) xy[i * 2 + d] = codes[i * size + d]!;
    axes = ['latent 1', size === 2 ? 'latent 2' : '(none)'];
  } else {
    const fit = pca(codes, n, size, 2);
    xy = fit.scores;
    axes = [0, 1].map((k) => `PC${k + 1} of the latent vectors (${(fit.explainedVarianceRatio[k]! * 100).toFixed(1)} %)`) as [string, string];
  }
  const byId = (name: string) => new Map(columnValues(db, run.datasetId, name).map((v) => [v.sampleId, v.value]));
  const columns = listColumns(db, run.datasetId)
    .filter((c): c is typeof c & { kind: 'class' | 'number' } => c.kind === 'class' || c.kind === 'number')
    .map((c) => {
      const values = byId(c.name);
      return { name: c.name, kind: c.kind, values: s.sampleIds.map((id) => values.get(id) ?? null) };
    });
  return {
    runId,
    axis: p.modelAxis,
    axisUnit: s.unit,
    keys: s.keys,
    sampleIds: s.sampleIds,
    roles: s.sampleIds.map((id) => (train.has(id) ? 'train' : heldOut.has(id) ? 'held-out' : 'test')),
    measured: Float32Array.from(x, (v) => v * std + mean),
    reconstructed: Float32Array.from(out, (v) => v * std + mean),
    rmse: q.map((v) => rmseOfQ(v, width)),
    q,
    maxResidual,
    flaggedBy,
    outOfModel,
    limit: { q: check.limit, rmse: rmseOfQ(check.limit, width), maxResidual: check.point.limit, confidence: check.confidence, learnedOn: check.learnedOn, spectra: check.spectra },
    latent: { size, axes, xy },
    columns,
  };
}
