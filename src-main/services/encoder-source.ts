/**
 * The autoencoder run a network starts from (`encoderFrom`, common/runs/encoder.ts): its stored
 * configuration, recipe, weights and their parameter layout, which the engine gives.
 */
import type { Db } from '../db/connection';
import { getRun } from '../db/runs';
import { UserError } from '../common/errors';
import { trainedConfig } from '../common/runs/schema';
import { encoderPart, type EncoderSource } from '../common/runs/encoder';
import { Net } from '../ml/engine/net';
import { createKernelsOf } from '../ml/engine/kernels-factory';
import { runNetwork } from './predict';

export function encoderSource(db: Db, runId: number): EncoderSource {
  const run = getRun(db, runId);
  const config = trainedConfig(run.config, runId);
  encoderPart(config, runId);
  if (run.status !== 'done') throw new UserError('BAD_INPUT', `Autoencoder run ${runId} is ${run.status}: only a finished autoencoder has weights to start from.`, { field: 'encoderFrom' });
  const network = runNetwork(db, run);
  // The parameter layout as our engine lays it out (the trainer's runtimes share it); no data runs through this net.
  const net = new Net(createKernelsOf('js', null), { layers: network.layers, input: network.input, task: network.task, maxBatch: 1, seed: 0 });
  if (net.paramCount !== network.weights.length) throw new UserError('BAD_INPUT', `Autoencoder run ${runId}: its stored weights hold ${network.weights.length} values and its layers ${net.paramCount}.`, { field: 'encoderFrom' });
  return { runId, config, recipe: run.pipeline, params: net.params, weights: network.weights };
}

/** The recipe an autoencoder run read its spectra through, for a run started from its encoder that names none (null: raw spectra). */
export function encoderRecipe(db: Db, runId: number): { name: string | null; spec: NonNullable<EncoderSource['recipe']> } | null {
  const run = getRun(db, runId);
  return run.pipeline ? { name: (run.config as { recipe?: string | null }).recipe ?? null, spec: run.pipeline } : null;
}
