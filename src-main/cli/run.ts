import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { checkpoint, openProject, openProjectToRead, type Db } from '../db/connection';
import { projectError } from '../db/errors';
import { runList } from '../services/run-views';
import type { RunSummary } from '../common/ipc/contract';
import { datasetIdByNameOrId, listDatasets } from '../db/datasets';
import { UserError, toErrorInfo, type ErrorInfo } from '../common/errors';
import { AXIS_UNITS, isAxisUnit, type SplitTag } from '../common/domain/spectra';
import type { ApplyResult, DatasetSummary } from '../common/domain/project';
import { SUPPORTED_FORMATS } from '../io';
import { importFiles, type ImportRequest } from '../services/import';
import { parseGridChoice } from '../common/preprocessing/common-axis';
import { singleLine } from '../common/format/excerpt';
import { APP_VERSION } from '../services/version';
import { preprocessDataset, readPipelineFile } from '../services/preprocess';
import { applyRecipeToDataset } from '../services/apply-recipe';
import { BENCH_REPEATS, benchMachineLines, benchTraining, repeatLines } from '../services/bench-training';
import { forkTrainer, probeEngine } from '../services/trainer-client';
import { builtFile } from '../ml/built-files';
import { torchReferenceScript } from '../services/built-files';
import { ENGINE_IDS, OPTIMIZER_NAMES, type EngineId, type OptimizerName } from '../common/ml/protocol';
import { beginTraining, requestByName } from '../services/train';
import { encoderRecipe } from '../services/encoder-source';
import { MODEL_NAMES, type ModelName } from '../common/ml/templates';
import { parseScheme } from '../common/ml/splits';
import { layerSpec, type LayerSpec } from '../common/ml/model';
import { PLS_DECISION_CHOICES, type PlsDecisionChoice } from '../common/ml/pls-decision';
import { stepsCommand } from './steps';
import { headline, runsCommand } from './runs';
import { failRunsWithoutTrainer } from '../services/run-record';
import { harmoniseCommand, HARMONISE_USAGE } from './harmonise';
import { joinCommand, JOIN_USAGE } from './join';
import { unitCommand, UNIT_USAGE } from './unit';
import { getRun } from '../db/runs';
import { targetUnitsOf } from '../common/runs/schema';
import { metricUnit } from '../common/format/metric-labels';
import { transferCommand, TRANSFER_USAGE } from './transfer';
import { optimizeCommand, OPTIMIZE_USAGE } from './optimize';
import { mapCommand, MAP_USAGE } from './map';
import { keepNegativeValues, NEIGHBOURHOOD_FLAGS, neighbourhoodOption, numberOption, parseOptions, positiveNumberOption, RUN_RANGES, wholeNumberOption } from './options';
import { defaultValidation } from '../services/run-data';

export interface Streams {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

const USAGE = `Spectra Desk ${APP_VERSION} — command line

Usage:
  spectra-desk import FILE... --project P [--dataset NAME] [--labels CSV]
                              [--split-tag train|test] [--split-column COLUMN]
                              [--label-column N|none] [--axis-unit cm-1|nm|um]
                              [--common-axis auto|first|START:STOP:STEP]
                              [--drop-incomplete] [--json]
  spectra-desk list --project P [--json]
  spectra-desk runs --project P [--json]   (runs: status, model, target, test metric, dates)
  ${HARMONISE_USAGE}
  ${JOIN_USAGE}
  ${UNIT_USAGE}
  ${MAP_USAGE}
  ${TRANSFER_USAGE}
  spectra-desk preprocess --project P --dataset D --pipeline PIPE.json [--out OUT.csv]
                          [--save-as NAME] [--json]
  spectra-desk formats [--json]
  spectra-desk steps [KIND] [--json]   (preprocessing steps and their parameters)
  spectra-desk train --project P --dataset D --target COLUMN|--targets A,B,C|--target-channel NAME --model NAME
                     [--pipeline auto|none|PIPE.json | --channel-pipelines PIPE.json|none,…] [--validation given|holdout:0.2|kfold:5|mccv:10x0.2|group:COLUMN|learning-curve
                                   |blocked:K[:BUFFER]|blocked-holdout:F[:BUFFER]]
                     [--neighbourhood R] [--neighbourhood-mode channels|mean] [--channel-layout resample|branches]
                     [--epochs N] [--seed S] [--engine auto|gpu|cpu|wasm|js]
                     [--layers LAYERS.json] [--learning-rate LR] [--components N]
                     [--optimizer adam|sgd|rmsprop] [--momentum M]
                     [--pls-decision ${PLS_DECISION_CHOICES.join('|')}] [--encoder-from AE_RUN] [--json]
                     (models: cnn, resnet1d, cnn-dense, mlp, pls, custom; --encoder-from: an autoencoder run's
                      encoder and a dense head, fine-tuned as a whole, on the autoencoder's recipe;
                      --target-channel: a joined dataset's channel predicted from its other channels, raw unless --pipeline)
  ${OPTIMIZE_USAGE}
  spectra-desk predict --project P --run RUN FILE... [--out OUT.csv] [--json]
  spectra-desk predict --model DIR FILE... [--out OUT.csv] [--json]
  spectra-desk export --project P --run RUN --out DIR [--json]
  spectra-desk export-model --project P --run RUN --out DIR [--json]
  spectra-desk engine [--engine auto|gpu|cpu|wasm|js] [--json]
  spectra-desk bench [--engine auto|gpu|cpu|wasm|js] [--threads N] [--epochs N] [--repeat N] [--json]
  spectra-desk --version

Every command takes --project FILE (created by import when missing) and --json
(one JSON document on stdout; progress and errors go to stderr).
`;

/** Runs one command; resolves to the process exit code. Never throws for user errors. */
export async function runCli(argv: string[], io: Streams): Promise<number> {
  const [command, ...rest] = keepNegativeValues(argv);
  try {
    switch (command) {
      case 'import':
        return await importCommand(rest, io);
      case 'list':
        return listCommand(rest, io);
      case 'preprocess':
        return await preprocessCommand(rest, io);
      case 'formats':
        return formatsCommand(rest, io);
      case 'steps':
        return stepsCommand(rest, io);
      case 'runs':
        return runsCommand(rest, io);
      case 'bench':
        return await benchCommand(rest, io);
      case 'engine':
        return await engineCommand(rest, io);
      case 'harmonise':
        return harmoniseCommand(rest, io);
      case 'join':
        return joinCommand(rest, io);
      case 'unit':
        return unitCommand(rest, io);
      case 'transfer':
        return await transferCommand(rest, io);
      case 'map':
        return mapCommand(rest, io);
      case 'train':
        return await trainCommand(rest, io);
      case 'optimize':
        return await optimizeCommand(rest, io);
      case '--version':
      case 'version':
        io.stdout.write(`${APP_VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UserError('BAD_INPUT', `Unknown command "${command}". Run spectra-desk --help for the list.`);
    }
  } catch (err) {
    return failed(io, err, argv);
  }
}

/** The exit code for what a command threw; an SQLite error is told as a problem of its --project file. */
export function failed(io: Streams, err: unknown, argv: string[]): number {
  const at = argv.findIndex((a) => a === '--project' || a.startsWith('--project='));
  const project = at < 0 ? undefined : argv[at] === '--project' ? argv[at + 1] : argv[at]!.slice('--project='.length);
  return fail(io, toErrorInfo(project ? projectError(err, project) : err), argv.includes('--json'));
}

/** Prints a user error (with where it happened) to stderr, and as JSON with --json; returns the exit code. */
export function fail(io: Streams, info: ErrorInfo, json: boolean): number {
  const where = [info.file, info.line !== undefined ? `line ${info.line}` : undefined, info.field !== undefined ? `field ${info.field}` : undefined].filter(Boolean).join(', ');
  const msg = info.message.includes(info.file ?? '\u0000') || !where ? info.message : `${info.message} (${where})`;
  io.stderr.write(`spectra-desk: ${singleLine(msg)}\n`);
  if (json) io.stdout.write(`${JSON.stringify({ error: info })}\n`);
  return info.code === 'INTERNAL' ? 70 : info.code === 'CANCELLED' ? 130 : 1;
}

/** parseArgs with its errors turned into a one-line usage message, and empty text options refused. */
function parse<T extends { values: object }>(fn: () => T): T {
  return parseOptions(fn, 'Run spectra-desk --help for usage.');
}

const JSON_FLAG = { json: { type: 'boolean' } } as const;

/** parseArgs for a command that takes files: its flags, strictly (an unknown one throws), and the file arguments. */
export function parseArgsWithFiles<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}

/** --label-column: a 0-based column number, or "none" for files without a label column. */
export function labelColumnOption(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return null;
  if (/^\d+$/.test(value)) return Number(value);
  throw new UserError('BAD_INPUT', `--label-column must be a 0-based column number or "none", not "${value}".`, { field: '--label-column' });
}

function requireProject(value: unknown): string {
  if (typeof value !== 'string' || !value) throw new UserError('BAD_INPUT', 'Missing --project FILE.', { field: '--project' });
  return value;
}

async function importCommand(args: string[], io: Streams): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgsWithFiles(args, {
      ...JSON_FLAG,
      project: { type: 'string' },
      dataset: { type: 'string' },
      labels: { type: 'string' },
      'split-tag': { type: 'string' },
      'split-column': { type: 'string' },
      'label-column': { type: 'string' },
      'axis-unit': { type: 'string' },
      'common-axis': { type: 'string' },
      'drop-incomplete': { type: 'boolean' },
    }),
  );
  const project = requireProject(values.project);
  if (!positionals.length) throw new UserError('BAD_INPUT', 'Name at least one file to import.');
  const req: ImportRequest = { files: expandFolders(positionals) };
  if (values.dataset) req.dataset = values.dataset;
  if (values.labels) req.labels = values.labels;
  const splitTag = values['split-tag'];
  if (splitTag !== undefined) {
    if (splitTag !== 'train' && splitTag !== 'test') throw new UserError('BAD_INPUT', `--split-tag must be train or test, not "${splitTag}".`, { field: '--split-tag' });
    req.splitTag = splitTag as SplitTag;
  }
  if (values['split-column']) req.splitColumn = values['split-column'];
  const labelColumn = labelColumnOption(values['label-column']);
  if (labelColumn !== undefined) req.labelColumn = labelColumn;
  const unit = values['axis-unit'];
  if (unit !== undefined) {
    const normalized = unit.replace('µ', 'u').replace(/^1\/cm$|^cm\^-1$|^wavenumbers?$/i, 'cm-1');
    if (!isAxisUnit(normalized)) throw new UserError('BAD_INPUT', `--axis-unit must be one of ${AXIS_UNITS.join(', ')}, not "${unit}".`, { field: '--axis-unit' });
    req.axisUnit = normalized;
  }
  if (values['common-axis'] !== undefined) req.commonAxis = parseGridChoice(values['common-axis']);
  if (values['drop-incomplete']) req.dropIncomplete = true;

  const db = openProject(project, { create: true });
  try {
    failRunsWithoutTrainer(db);
    let lastPct = -1;
    const result = await importFiles(db, req, {
      onProgress: (p) => {
        const pct = Math.floor(p.fraction * 100);
        if (pct !== lastPct && io.stderr.isTTY) {
          lastPct = pct;
          io.stderr.write(`\r${p.stage} ${p.file} (${p.fileIndex + 1}/${p.files}) ${pct}%   `);
        }
      },
    });
    if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
    for (const w of result.warnings) io.stderr.write(`warning: ${w}\n`);
    if (values.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (result.channels) io.stdout.write(`Imported ${result.samples} samples of ${result.channels.length} channels (${result.channels.map((c) => `${c.name}: ${c.points} points, ${c.first} to ${c.last} ${c.unit}`).join('; ')}) from ${result.files.length} file(s) into dataset "${result.dataset}" in ${(result.durationMs / 1000).toFixed(2)} s.\n`);
    else io.stdout.write(`Imported ${result.samples} spectra from ${result.files.length} file(s) into dataset "${result.dataset}" in ${(result.durationMs / 1000).toFixed(2)} s.\n`);
    if (!values.json && result.harmonised) io.stdout.write(`Put them on one axis as dataset "${result.harmonised.dataset}": ${result.harmonised.grid} (${result.harmonised.resampled} resampled).\n`);
    return 0;
  } finally {
    closeProject(db);
  }
}

/** A folder on the command line stands for the files directly inside it (a folder of XY files). */
function expandFolders(paths: string[]): string[] {
  return paths.flatMap((p) => {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(p);
    } catch {
      return [p];
    }
    if (!stat.isDirectory()) return [p];
    return fs
      .readdirSync(p, { withFileTypes: true })
      .filter((d) => d.isFile() && !d.name.startsWith('.'))
      .map((d) => path.join(p, d.name))
      .sort();
  });
}

function closeProject(db: Db): void {
  checkpoint(db, 'PASSIVE');
  db.close();
}

export interface ListedDataset {
  name: string;
  samples: number;
  points: number | null;
  splits: { train: number; test: number; none: number };
  columns: Record<string, { kind: string; distinct: number; missing: number; unit?: string }>;
  axis: DatasetSummary['axis'];
  channels: number;
  sourceFiles: number;
  map?: DatasetSummary['map'];
}

function listCommand(args: string[], io: Streams): number {
  const { values } = parse(() => parseArgs({ args, strict: true, options: { ...JSON_FLAG, project: { type: 'string' } } }));
  const db = openProjectToRead(requireProject(values.project));
  let datasets: DatasetSummary[];
  let runs: RunSummary[];
  try {
    failRunsWithoutTrainer(db);
    datasets = listDatasets(db);
    runs = runList(db);
  } finally {
    db.close();
  }
  const listed: ListedDataset[] = datasets.map((d) => ({
    name: d.name,
    samples: d.samples,
    points: d.points,
    splits: d.splits,
    columns: Object.fromEntries(Object.entries(d.columns).map(([k, c]) => [k, { kind: c.kind, distinct: c.distinct, missing: c.missing, ...(c.unit ? { unit: c.unit } : {}) }])),
    axis: d.axis,
    channels: d.channels,
    sourceFiles: d.sourceFiles.length,
    ...(d.map ? { map: d.map } : {}),
  }));
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ datasets: listed, runs })}\n`);
    return 0;
  }
  if (!listed.length) io.stdout.write('No datasets yet. Import files with: spectra-desk import FILE... --project P\n');
  for (const d of listed) {
    const axis = d.axis ? `${fmt(d.axis.descending ? d.axis.max : d.axis.min)}→${fmt(d.axis.descending ? d.axis.min : d.axis.max)} ${d.axis.unit}` : 'no axis';
    io.stdout.write(`${d.name}: ${d.samples} spectra × ${d.points ?? 'varying'} points (${axis}); train ${d.splits.train}, test ${d.splits.test}, untagged ${d.splits.none}\n`);
    if (d.map) io.stdout.write(`  map: ${mapLine(d.map)}\n`);
    for (const [name, c] of Object.entries(d.columns)) io.stdout.write(`  ${name}: ${c.kind}${c.unit ? ` (${c.unit})` : ''}, ${c.distinct} distinct${c.missing ? `, ${c.missing} missing` : ''}\n`);
  }
  if (listed.length && !runs.length) io.stdout.write('No runs yet. Train a model with: spectra-desk train --project P --dataset D --target COLUMN --model NAME\n');
  if (runs.length) io.stdout.write('Runs, newest first (spectra-desk runs --project P for their details):\n');
  for (const r of runs) io.stdout.write(`  run ${r.id}: ${r.status}, ${r.model} → ${r.target} on ${r.dataset}; test ${headline(r)}; finished ${r.finishedAt ?? '–'}\n`);
  return 0;
}

/** "35 × 25 pixels, step 1 µm, 3 missing". */
export function mapLine(m: NonNullable<DatasetSummary['map']>): string {
  const unit = m.unit ? ` ${m.unit}` : '';
  const step = m.step !== null ? `step ${fmt(m.step)}${unit}` : `steps ${fmt(m.stepX)} × ${fmt(m.stepY)}${unit}`;
  return `${m.width} × ${m.height} pixels, ${step}${m.missing ? `, ${m.missing} missing` : ''}`;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

function formatsCommand(args: string[], io: Streams): number {
  const { values } = parse(() => parseArgs({ args, strict: true, options: JSON_FLAG }));
  if (values.json) io.stdout.write(`${JSON.stringify({ formats: SUPPORTED_FORMATS })}\n`);
  else for (const f of SUPPORTED_FORMATS) io.stdout.write(`${f.label} (.${f.extensions.join(', .')})\n`);
  return 0;
}

function requireOption(value: string | undefined, flag: string): string {
  if (!value) throw new UserError('BAD_INPUT', `Missing ${flag}.`, { field: flag });
  return value;
}

async function preprocessCommand(args: string[], io: Streams): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args,
      strict: true,
      options: { ...JSON_FLAG, project: { type: 'string' }, dataset: { type: 'string' }, pipeline: { type: 'string' }, out: { type: 'string' }, 'save-as': { type: 'string' } },
    }),
  );
  const project = requireProject(values.project);
  const dataset = requireOption(values.dataset, '--dataset');
  const pipelineFile = requireOption(values.pipeline, '--pipeline');
  const saveAs = values['save-as'];
  if (!values.out && saveAs === undefined) throw new UserError('BAD_INPUT', 'Missing --out OUT.csv (or --save-as NAME to store the result as a new dataset).', { field: '--out' });
  // Read before opening the project, so a bad pipeline file is reported without touching it.
  const spec = readPipelineFile(pipelineFile);
  const db = openProject(project);
  try {
    failRunsWithoutTrainer(db);
    const result = values.out ? preprocessDataset(db, { dataset, pipelineFile, out: values.out }) : undefined;
    let saved: ApplyResult | undefined;
    if (saveAs !== undefined) {
      let lastPct = -1;
      saved = await applyRecipeToDataset(
        db,
        { datasetId: datasetIdByNameOrId(db, dataset), spec, recipeName: path.basename(pipelineFile).replace(/\.json$/i, ''), name: saveAs },
        {
          onProgress: (p) => {
            const pct = Math.floor(p.fraction * 100);
            if (pct !== lastPct && io.stderr.isTTY) {
              lastPct = pct;
              io.stderr.write(`\r${p.stage} ${p.done}/${p.total} ${pct}%   `);
            }
          },
        },
      );
      if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
    }
    if (values.json) io.stdout.write(`${JSON.stringify({ ...(result ?? {}), ...(saved ? { saved } : {}) })}\n`);
    else {
      const fitted = (split: 'train' | 'all', n: number) => (split === 'train' ? `the ${n} training samples` : `all ${n} samples (no training split tagged)`);
      if (result) io.stdout.write(`Wrote ${result.samples} spectra × ${result.points} points to ${result.out} (fitted steps learned from ${fitted(result.fittedOnSplit, result.fittedOn)}).\n`);
      if (saved) io.stdout.write(`Stored ${saved.samples} spectra × ${saved.points} points as dataset "${saved.dataset}" (fitted steps learned from ${fitted(saved.fittedOn, saved.fittedSamples)}).\n`);
    }
    return 0;
  } finally {
    closeProject(db);
  }
}

const ENGINE_ALIASES: Record<string, EngineId | 'auto'> = { auto: 'auto', gpu: 'tfjs-node-gpu', cpu: 'tfjs-node', wasm: 'wasm', js: 'js' };

function engineOption(value: string | undefined): EngineId | 'auto' {
  if (value === undefined) return 'auto';
  const id = ENGINE_ALIASES[value] ?? (ENGINE_IDS.includes(value as EngineId) ? (value as EngineId) : undefined);
  if (!id) throw new UserError('BAD_INPUT', `--engine ${value}: use auto, gpu, cpu, wasm or js.`, { field: 'engine' });
  return id;
}

/** Spectra in the benchmark's synthetic set (1000 points each). */
const BENCH_SPECTRA = { min: 1, max: 100_000 };

/** Trains the reference CNN on the best engine and compares with PyTorch in the same run. */
async function benchCommand(args: string[], io: Streams): Promise<number> {
  const { values } = parse(() =>
    parseArgs({ args, options: { engine: { type: 'string' }, threads: { type: 'string' }, epochs: { type: 'string' }, n: { type: 'string' }, repeat: { type: 'string' }, json: { type: 'boolean' } }, strict: true }),
  );
  const log = (line: string) => io.stderr.write(`${line}\n`);
  const result = await benchTraining({
    spawn: forkTrainer(builtFile('ml/trainer.cjs')),
    engine: engineOption(values.engine),
    threads: wholeNumberOption(values.threads, '--threads', RUN_RANGES.threads),
    epochs: wholeNumberOption(values.epochs, '--epochs', RUN_RANGES.epochs),
    n: wholeNumberOption(values.n, '--n', BENCH_SPECTRA),
    repeat: wholeNumberOption(values.repeat, '--repeat', BENCH_REPEATS),
    torchScript: torchReferenceScript(),
    log,
  });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ training: result })}\n`);
    return 0;
  }
  io.stdout.write(`Training (reference 1D CNN, ${values.n ?? 1024} spectra × 1000 points, batch 32)\n`);
  io.stdout.write(`  engine: ${result.engineLabel}\n`);
  for (const line of benchMachineLines(result.machine)) io.stdout.write(`  ${line}\n`);
  io.stdout.write(`  Spectra Desk: ${result.spectraPerSecond.toFixed(0)} spectra/s (epochs ${result.epochSeconds.join(', ')} s), peak memory ${(result.peakMemoryBytes / 2 ** 20).toFixed(0)} MiB\n`);
  if (result.reference) {
    io.stdout.write(`  PyTorch ${result.reference.version} (${result.reference.threads} threads): ${result.reference.spectraPerSecond.toFixed(0)} spectra/s\n`);
    io.stdout.write(`  ratio (ours / PyTorch): ${result.ratio!.toFixed(2)} — target ≥ 0.70 ${result.ratio! >= 0.7 ? 'MET' : 'NOT MET'}\n`);
  } else io.stdout.write(`  PyTorch reference: not run (${result.referenceNote})\n`);
  for (const line of repeatLines(result)) io.stdout.write(`  ${line}\n`);
  return 0;
}

/** Which training engine this machine would use, and why faster ones are not available. */
async function engineCommand(args: string[], io: Streams): Promise<number> {
  const { values } = parse(() => parseArgs({ args, options: { engine: { type: 'string' }, json: { type: 'boolean' } }, strict: true }));
  const info = await probeEngine(forkTrainer(builtFile('ml/trainer.cjs')), engineOption(values.engine));
  if (values.json) io.stdout.write(`${JSON.stringify({ engine: info })}\n`);
  else {
    io.stdout.write(`Training engine: ${info.label}\n`);
    for (const f of info.fallbacks) io.stdout.write(`  not used: ${f}\n`);
  }
  return 0;
}

function readLayers(file: string): LayerSpec[] {
  const name = path.basename(file);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError('BAD_INPUT', `${name}: ${(err as Error).message}`, { file: name });
  }
  const list = Array.isArray(json) ? json : (json as { layers?: unknown })?.layers;
  if (!Array.isArray(list)) throw new UserError('BAD_INPUT', `${name} must hold a JSON list of layers (or { "layers": [...] }).`, { file: name });
  return list.map((l, i) => {
    const r = layerSpec.safeParse(l);
    if (!r.success) throw new UserError('BAD_INPUT', `${name}: layer ${i + 1}: ${r.error.issues[0]!.path.join('.')} ${r.error.issues[0]!.message}`, { file: name, field: `layers.${i + 1}` });
    return r.data;
  });
}

/** `--target NAME`, or `--targets A,B,C` for several number columns at once (the first is the run's target). */
function targetsOption(one: string | undefined, several: string | undefined): { target: string; targets?: string[] } {
  if (several === undefined) return { target: requireOption(one, '--target') };
  if (one !== undefined) throw new UserError('BAD_INPUT', 'Give --target NAME or --targets A,B,C, not both.', { field: 'targets' });
  const names = several.split(',').map((n) => n.trim());
  if (names.some((n) => !n)) throw new UserError('BAD_INPUT', `--targets ${several}: a column name is empty; separate the names with commas.`, { field: 'targets' });
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UserError('BAD_INPUT', `--targets names "${twice}" twice.`, { field: 'targets' });
  return names.length === 1 ? { target: names[0]! } : { target: names[0]!, targets: names };
}

/** `--model ae` learns the spectra themselves: a target given is a mistake worth saying. */
function noTargetOption(one: string | undefined, several: string | undefined): { target: string; targets?: string[] } {
  if (one !== undefined || several !== undefined) throw new UserError('BAD_INPUT', '--model ae has no target: an autoencoder learns the spectra themselves. Leave out --target.', { field: 'target' });
  return { target: '' };
}

/**
 * A trained run's test metrics: one line, or for several targets the headline and then a line per
 * target (keys `rmse:NAME`); errors in a target's units carry its unit ("rmse 2.2059 %").
 */
function testLines(test: Record<string, number>, units: Record<string, string> = {}, target = ''): string[] {
  const fmt = (entries: [string, number][], name = target) => entries.map(([k, v]) => `${k} ${v.toFixed(4)}${metricUnit(k, units[name]) ? ` ${metricUnit(k, units[name])}` : ''}`).join(', ');
  const own = Object.entries(test).filter(([k]) => !k.includes(':'));
  const perTarget = new Map<string, [string, number][]>();
  for (const [k, v] of Object.entries(test)) {
    const at = k.indexOf(':');
    if (at < 0) continue;
    const name = k.slice(at + 1);
    perTarget.set(name, [...(perTarget.get(name) ?? []), [k.slice(0, at), v]]);
  }
  return [`test: ${fmt(own)}`, ...[...perTarget].map(([name, entries]) => `test ${name}: ${fmt(entries, name)}`)];
}

/** A stored run's target units (target → unit) and its target, for {@link testLines}. */
function runUnits(db: Db, runId: number): [Record<string, string>, string] {
  const r = getRun(db, runId);
  return [r.task === 'regression' ? targetUnitsOf(r.config, r.targetColumn) : {}, r.targetColumn];
}

/** A target channel's RMSE per point in one phrase: its range over the points. */
function pointRmseRange(perPoint: number[]): string {
  return `${Math.min(...perPoint).toFixed(4)} to ${Math.max(...perPoint).toFixed(4)} over ${perPoint.length} points`;
}

/** Trains one model; progress on stderr, the outcome on stdout. Ctrl-C cancels the run. */
async function trainCommand(args: string[], io: Streams): Promise<number> {
  const { values } = parse(() =>
    parseArgs({
      args,
      options: {
        ...JSON_FLAG,
        project: { type: 'string' },
        dataset: { type: 'string' },
        target: { type: 'string' },
        targets: { type: 'string' },
        'target-channel': { type: 'string' },
        model: { type: 'string' },
        pipeline: { type: 'string' },
        'channel-pipelines': { type: 'string' },
        validation: { type: 'string' },
        epochs: { type: 'string' },
        seed: { type: 'string' },
        engine: { type: 'string' },
        layers: { type: 'string' },
        threads: { type: 'string' },
        'learning-rate': { type: 'string' },
        optimizer: { type: 'string' },
        momentum: { type: 'string' },
        components: { type: 'string' },
        'pls-decision': { type: 'string' },
        'channel-layout': { type: 'string' },
        'encoder-from': { type: 'string' },
        ...NEIGHBOURHOOD_FLAGS,
      },
      strict: true,
    }),
  );
  const project = requireProject(values.project);
  const dataset = requireOption(values.dataset, '--dataset');
  const neighbourhood = neighbourhoodOption(values.neighbourhood, values['neighbourhood-mode']);
  // Started from an autoencoder's encoder, the network is a layer list of its own (custom) unless another model is named, which the request refuses.
  const encoderFrom = wholeNumberOption(values['encoder-from'], '--encoder-from', { min: 1, max: 2 ** 31 });
  const model = encoderFrom !== undefined && values.model === undefined ? 'custom' : requireOption(values.model, '--model');
  const targetChannel = values['target-channel'];
  if (targetChannel !== undefined && (values.target !== undefined || values.targets !== undefined)) throw new UserError('BAD_INPUT', '--target-channel is the run\'s target: give it or --target/--targets, not both.', { field: 'targetChannel' });
  const { target, targets } = model === 'ae' || targetChannel !== undefined ? noTargetOption(values.target, values.targets) : targetsOption(values.target, values.targets);
  if (!MODEL_NAMES.includes(model as ModelName)) throw new UserError('BAD_INPUT', `--model ${model}: use one of ${MODEL_NAMES.join(', ')}.`, { field: 'model' });
  if (model === 'custom' && !values.layers && encoderFrom === undefined) throw new UserError('BAD_INPUT', '--model custom needs --layers LAYERS.json (a list of layers).', { field: '--layers' });
  // auto (the default): the recipe chosen by cross-validation on the training spectra; none: raw
  // spectra (files named auto or none are ./auto and ./none).
  // An autoencoder or a target channel has no target column to choose a recipe by: raw spectra unless one is given.
  // Several channels may each take a recipe of their own (none: raw), in channel order.
  const channelRecipes = values['channel-pipelines']?.split(',').map((f) => (f.trim() === 'none' ? null : { name: path.basename(f.trim()).replace(/\.json$/i, ''), spec: readPipelineFile(f.trim()) }));
  if (channelRecipes && values.pipeline !== undefined) throw new UserError('BAD_INPUT', 'Give either --pipeline (one recipe for every channel) or --channel-pipelines (one per channel), not both.', { field: '--channel-pipelines' });
  // Started from an encoder, the recipe is the autoencoder's unless one is given (read once the project is open).
  const autoRecipe = !channelRecipes && (values.pipeline ?? (model === 'ae' || encoderFrom !== undefined || targetChannel !== undefined ? 'none' : 'auto')) === 'auto';
  const pipeline = values.pipeline && !autoRecipe && values.pipeline !== 'none' ? readPipelineFile(values.pipeline) : null;
  const layers = values.layers ? readLayers(values.layers) : undefined;
  // None named: decided once the dataset is known (a blocked hold-out on a map, else the given tags).
  const named = values.validation !== undefined ? parseScheme(values.validation) : undefined;
  const epochs = wholeNumberOption(values.epochs, '--epochs', RUN_RANGES.epochs);
  const seed = wholeNumberOption(values.seed, '--seed', RUN_RANGES.seed);
  const threads = wholeNumberOption(values.threads, '--threads', RUN_RANGES.threads);
  const components = wholeNumberOption(values.components, '--components', RUN_RANGES.components);
  const learningRate = positiveNumberOption(values['learning-rate'], '--learning-rate', RUN_RANGES.learningRate);
  const optimizer = values.optimizer;
  if (optimizer !== undefined && !(OPTIMIZER_NAMES as readonly string[]).includes(optimizer)) throw new UserError('BAD_INPUT', `--optimizer ${optimizer}: use ${OPTIMIZER_NAMES.join(', ')}.`, { field: 'optimizer' });
  const momentum = numberOption(values.momentum, '--momentum', RUN_RANGES.momentum);
  const plsDecision = values['pls-decision'];
  if (plsDecision !== undefined && !(PLS_DECISION_CHOICES as readonly string[]).includes(plsDecision)) throw new UserError('BAD_INPUT', `--pls-decision ${plsDecision}: use ${PLS_DECISION_CHOICES.join(', ')}.`, { field: 'pls-decision' });
  if (plsDecision !== undefined && model !== 'pls') throw new UserError('BAD_INPUT', `--pls-decision is for --model pls, not ${model}.`, { field: 'pls-decision' });
  // Channels on different axes: resampled onto channel 0's (the default) or one network branch each.
  const channelLayout = values['channel-layout'];
  if (channelLayout !== undefined && channelLayout !== 'resample' && channelLayout !== 'branches') throw new UserError('BAD_INPUT', `--channel-layout ${channelLayout}: use resample or branches.`, { field: 'channel-layout' });
  const db = openProject(project);
  try {
    failRunsWithoutTrainer(db);
    const validation = named ?? defaultValidation(db, datasetIdByNameOrId(db, dataset), neighbourhood?.radius);
    const aeRecipe = encoderFrom !== undefined && values.pipeline === undefined && !channelRecipes ? encoderRecipe(db, encoderFrom) : null;
    const request = requestByName(db, { dataset, target, ...(targets ? { targets } : {}), ...(targetChannel !== undefined ? { targetChannel } : {}), model: model as ModelName, ...(layers ? { layers } : {}), ...(encoderFrom !== undefined ? { encoderFrom } : {}), pipeline: aeRecipe?.spec ?? pipeline, ...(aeRecipe ? { recipeName: aeRecipe.name } : {}), ...(autoRecipe ? { autoRecipe } : {}), validation, epochs, seed, engine: engineOption(values.engine), threads, learningRate, ...(optimizer ? { optimizer: optimizer as OptimizerName } : {}), momentum, components, ...(plsDecision ? { plsDecision: plsDecision as PlsDecisionChoice } : {}), ...(neighbourhood ? { neighbourhood } : {}), ...(channelRecipes ? { channelRecipes } : {}), ...(channelLayout ? { channelLayout: channelLayout as 'resample' | 'branches' } : {}) });
    const handle = await beginTraining(
      db,
      request,
      {
        spawn: forkTrainer(builtFile('ml/trainer.cjs')),
        onRecipeProgress: (p) => io.stderr.write(`${p.fold ? `${p.fold.label}: ` : ''}recipe ${p.done}/${p.total} scored: ${p.candidate}\n`),
        onEvent: (e) => {
          if (e.type === 'started' && e.folds !== null) io.stderr.write(`cross-validation run ${e.runId}: ${e.folds} folds\n`);
          else if (e.type === 'started') io.stderr.write(`${e.fold ? `${e.fold.label} of cross-validation run ${e.parentRunId}: ` : ''}run ${e.runId}: ${model}, ${e.params} parameters; ${e.trainSamples} training spectra${e.monitorSamples ? ` (+${e.monitorSamples} held back for early stopping)` : ''}, ${e.testSamples} test\n`);
          else if (e.type === 'engine') io.stderr.write(`engine: ${e.engine.label}\n`);
          else if (e.type === 'epoch') {
            const r = e.report;
            const v = r.validation ? Object.entries(r.validation).map(([k, x]) => `${k} ${x.toFixed(3)}`).join(', ') : '';
            io.stderr.write(`epoch ${r.epoch}/${e.epochs}: loss ${r.trainLoss.toFixed(4)}${r.validationLoss !== null ? `, val loss ${r.validationLoss.toFixed(4)}` : ''}${v ? `, ${v}` : ''} (${r.seconds.toFixed(2)} s)\n`);
          }
        },
      },
    );
    const onSigint = () => handle.cancel();
    process.once('SIGINT', onSigint);
    const o = await handle.outcome;
    process.removeListener('SIGINT', onSigint);
    // Why a run did not finish is an error, on stderr; a finished run's remark belongs to its summary.
    const stopped = o.status !== 'done' && o.message !== undefined;
    if (stopped) io.stderr.write(`spectra-desk: run ${o.runId} ${o.status}: ${o.message}\n`);
    if (values.json) io.stdout.write(`${JSON.stringify(o)}\n`);
    else {
      io.stdout.write(`Run ${o.runId} (${o.model}, ${o.task}) ${o.status}${o.message && !stopped ? `: ${o.message}` : ''}\n`);
      if (o.metrics?.std) {
        const [units, target] = runUnits(db, o.runId);
        const unitOf = (k: string) => (metricUnit(k, units[target]) ? ` ${metricUnit(k, units[target])}` : '');
        io.stdout.write(`  test, mean ± std over ${o.folds?.length ?? 0} folds: ${Object.entries(o.metrics.test).map(([k, v]) => `${k} ${v.toFixed(4)} ± ${o.metrics!.std![k]!.toFixed(4)}${unitOf(k)}`).join(', ')}\n`);
      } else if (o.metrics) for (const line of testLines(o.metrics.test, ...runUnits(db, o.runId))) io.stdout.write(`  ${line}\n`);
      if (o.metrics?.pointRmse) io.stdout.write(`  RMSE per point: ${pointRmseRange(o.metrics.pointRmse)}\n`);
      if (o.recipeChoice) io.stdout.write(`  recipe: auto chose "${o.recipeChoice.winner}" (${o.recipeChoice.metric} in ${o.recipeChoice.folds}-fold cross-validation of the training spectra: ${o.recipeChoice.candidates.map((c) => `${c.name} ${c.score === null ? 'skipped' : c.score.toFixed(4)}`).join('; ')})\n`);
      else if (autoRecipe && o.folds) io.stdout.write(`  recipe: auto, chosen inside each fold (see each fold's run)\n`);
      for (const w of o.warnings ?? []) io.stdout.write(`  warning: ${w}\n`);
      io.stdout.write(`  engine: ${o.engine ?? '–'}; ${o.epochs} epochs, ${o.spectraPerSecond.toFixed(0)} spectra/s\n`);
    }
    return o.status === 'done' ? 0 : o.status === 'cancelled' ? 130 : 1;
  } finally {
    closeProject(db);
  }
}
