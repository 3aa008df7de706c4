/**
 * `spectra-desk optimize --project P --dataset D --target T [--budget 10m] [--models pls,plslda,cnn,…]
 * [--folds K] [--validation given|holdout:F] [--seed S] [--engine …] [--json]`: find the best
 * recipe and model by cross-validation of the training split (services/optimize.ts); progress on
 * stderr, the leaderboard and the winner's test score on stdout. Ctrl-C cancels the search.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../common/errors';
import { parseScheme } from '../common/ml/splits';
import { ENGINE_IDS, type EngineId } from '../common/ml/protocol';
import { candidateName, candidateScoreText, DEFAULT_OPTIMIZE_MODELS, decisionWord, leaderboardSummary, OPTIMIZE_DEFAULTS, OPTIMIZE_MODELS, parseBudget, parseModels } from '../common/runs/optimize';
import type { PlsDecision } from '../common/ml/pls';
import { checkpoint, openProject } from '../db/connection';
import { datasetIdByNameOrId } from '../db/datasets';
import { builtFile } from '../ml/built-files';
import { startOptimize } from '../services/optimize';
import { failRunsWithoutTrainer } from '../services/run-record';
import { forkTrainer } from '../services/trainer-client';
import { parseOptions, RUN_RANGES, wholeNumberOption } from './options';
import type { Streams } from './run';

export const OPTIMIZE_USAGE = `spectra-desk optimize --project P --dataset D --target COLUMN [--budget 10m]
                        [--models ${DEFAULT_OPTIMIZE_MODELS.join(',')}] [--folds 5] [--validation given|holdout:0.2]
                        [--seed S] [--engine auto|gpu|cpu|wasm|js] [--json]
                        (models: ${OPTIMIZE_MODELS.join(', ')})`;

const minutes = (s: number) => (s >= 90 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

export async function optimizeCommand(args: string[], io: Streams): Promise<number> {
  const { values } = parseOptions(
    () =>
      parseArgs({
        args,
        strict: true,
        options: {
          json: { type: 'boolean' },
          project: { type: 'string' },
          dataset: { type: 'string' },
          target: { type: 'string' },
          budget: { type: 'string' },
          models: { type: 'string' },
          folds: { type: 'string' },
          validation: { type: 'string' },
          seed: { type: 'string' },
          engine: { type: 'string' },
          threads: { type: 'string' },
        },
      }),
    `Usage: ${OPTIMIZE_USAGE.replace(/\s+/g, ' ')}`,
  );
  for (const [flag, what] of [['project', 'FILE'], ['dataset', 'NAME'], ['target', 'COLUMN']] as const) {
    if (!values[flag]) throw new UserError('BAD_INPUT', `Missing --${flag} ${what}.`, { field: `--${flag}` });
  }
  const budgetSeconds = values.budget !== undefined ? parseBudget(values.budget) : OPTIMIZE_DEFAULTS.budgetSeconds;
  const models = values.models !== undefined ? parseModels(values.models) : [...DEFAULT_OPTIMIZE_MODELS];
  const folds = wholeNumberOption(values.folds, '--folds', { min: 2, max: 20 });
  const seed = wholeNumberOption(values.seed, '--seed', RUN_RANGES.seed);
  const threads = wholeNumberOption(values.threads, '--threads', RUN_RANGES.threads);
  const engine = values.engine ?? 'auto';
  if (engine !== 'auto' && !(ENGINE_IDS as readonly string[]).includes(engine)) throw new UserError('BAD_INPUT', `--engine ${engine}: use auto, ${ENGINE_IDS.join(', ')}.`, { field: 'engine' });
  const validation = values.validation !== undefined ? parseScheme(values.validation) : undefined;
  const db = openProject(values.project!);
  try {
    failRunsWithoutTrainer(db);
    let lastLine = 0;
    const handle = startOptimize(
      db,
      { datasetId: datasetIdByNameOrId(db, values.dataset!), target: values.target!, models, budgetSeconds, ...(validation ? { validation } : {}), ...(folds ? { folds } : {}), ...(seed !== undefined ? { seed } : {}), ...(engine !== 'auto' ? { engine: engine as EngineId } : {}), ...(threads ? { threads } : {}) },
      {
        spawn: forkTrainer(builtFile('ml/trainer.cjs')),
        onEvent: (e) => {
          if (e.type === 'started' && e.parentRunId === null) io.stderr.write(`search run ${e.runId}: ${e.trainSamples} training spectra (${e.testSamples} test spectra kept for the winner), budget ${minutes(budgetSeconds)}\n`);
          else if (e.type === 'started') io.stderr.write(`${e.fold?.label ?? 'winner'}: run ${e.runId}, ${e.trainSamples} training spectra${e.monitorSamples ? ` (+${e.monitorSamples} held back for early stopping)` : ''}, ${e.testSamples} test\n`);
          else if (e.type === 'search') {
            // One line per candidate fold is plenty; the last one of a candidate carries its score.
            if (e.done === lastLine && e.current?.startsWith('retraining') !== true) return;
            lastLine = e.done;
            const best = e.best ? `; best so far ${e.best.name} ${e.best.mean.toFixed(4)} ± ${e.best.std.toFixed(4)}` : '';
            io.stderr.write(`search ${e.done}/${e.total} folds, ${minutes(e.elapsedSeconds)}${e.etaSeconds !== null ? `, about ${minutes(e.etaSeconds)} left` : ''}: ${e.current ?? ''}${best}\n`);
          } else if (e.type === 'epoch' && e.report.epoch % 100 === 0) io.stderr.write(`epoch ${e.report.epoch}/${e.epochs}: loss ${e.report.trainLoss.toFixed(4)}\n`);
        },
      },
    );
    const onSigint = () => handle.cancel();
    process.once('SIGINT', onSigint);
    const o = await handle.outcome;
    process.removeListener('SIGINT', onSigint);
    if (o.status !== 'done' && o.message) io.stderr.write(`spectra-desk: search ${o.runId} ${o.status}: ${o.message}\n`);
    if (values.json) io.stdout.write(`${JSON.stringify(o)}\n`);
    else {
      const b = o.leaderboard;
      io.stdout.write(`Search ${o.runId} ${o.status}. ${leaderboardSummary(b)}\n`);
      const width = Math.max(...b.candidates.map((c) => candidateName(c).length)) + 2;
      b.candidates.forEach((c, i) => {
        const pls = c.components ? ` (components ${c.components.join('/')}${c.decisions ? `; ${[...new Set(c.decisions)].map((d) => decisionWord(d as PlsDecision)).join('/')}` : ''})` : '';
        io.stdout.write(`  ${String(i + 1).padStart(2)}. ${candidateName(c).padEnd(width)}${candidateScoreText(c).padEnd(18)} ${c.seconds.toFixed(1).padStart(7)} s${pls}\n`);
      });
      if (o.metrics) io.stdout.write(`  winner on the test split (run ${o.folds?.[0]?.runId ?? '–'}): ${Object.entries(o.metrics.test).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}\n`);
      for (const n of b.notes) io.stdout.write(`  note: ${n}\n`);
    }
    return o.status === 'done' ? 0 : o.status === 'cancelled' ? 130 : 1;
  } finally {
    checkpoint(db, 'PASSIVE');
    db.close();
  }
}
