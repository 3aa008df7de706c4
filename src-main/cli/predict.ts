/**
 * `spectra-desk predict` (new spectra through a stored run or a model package) and
 * `spectra-desk export-model` (write a run's model package).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openProject } from '../db/connection';
import { failRunsWithoutTrainer } from '../services/run-record';
import { UserError } from '../common/errors';
import { AXIS_UNITS, isAxisUnit, type ImportOptions } from '../common/domain/spectra';
import { loadPredictor, predictSpectra, type Predictor } from '../services/predict';
import { channelsByName, pairChannels, predictionsCsv, readSpectraFiles } from '../services/predict-files';
import { readModelPackage, writeModelPackage } from '../services/model-package';
import { failed, labelColumnOption, parseArgsWithFiles, type Streams } from './run';
import { keepNegativeValues, NEIGHBOURHOOD_FLAGS, neighbourhoodOption, parseOptions } from './options';

export const MODEL_COMMANDS = ['predict', 'export-model'] as const;

const USAGE = `Usage:
  spectra-desk predict --project P --run RUN FILE... [--channel NAME=FILE]... [--out OUT.csv] [--json]
  spectra-desk predict --model DIR FILE... [--out OUT.csv] [--json]
                       [--label-column N|none] [--axis-unit cm-1|nm|um]
                       [--neighbourhood R [--neighbourhood-mode channels|mean]]
                       (a run on neighbourhoods predicts the pixels of a map; R states its radius)
  spectra-desk export-model --project P --run RUN --out DIR [--json]

A run on several channels reads FILE... as its first channel and each --channel NAME=FILE as
another; a file with a channel column gives its channels by name. A run whose target is a channel
predicts that channel's spectrum: one CSV row per spectrum, a column per point of the channel's
axis (the header holds the axis values), then t2, q, outOfModel; --json gives the axis and each
predicted spectrum.
`;

/** Runs predict or export-model; resolves to the exit code. Never throws for user errors. */
export async function runModelCli(argv: string[], io: Streams): Promise<number> {
  const [command, ...rest] = keepNegativeValues(argv);
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (command === 'predict') return await predictCommand(rest, io);
    if (command === 'export-model') return exportModelCommand(rest, io);
    throw new UserError('BAD_INPUT', `Unknown command "${command}".`);
  } catch (err) {
    return failed(io, err, argv);
  }
}

function parse<T extends { values: object }>(fn: () => T): T {
  return parseOptions(fn, 'Run spectra-desk predict --help for usage.');
}

function runId(value: string | undefined): number {
  if (value === undefined) throw new UserError('BAD_INPUT', 'Missing --run RUN (the run id, as `spectra-desk train --json` prints it).', { field: '--run' });
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UserError('BAD_INPUT', `--run must be a run id (a whole number), not "${value}".`, { field: '--run' });
  return Number(value);
}

/**
 * `--neighbourhood R [--neighbourhood-mode M]` on predict states the neighbourhood the model
 * reads; a model reads the one it was trained on, so another is refused rather than changed.
 */
function sameNeighbourhood(p: Predictor, radius: number, mode: string | undefined): void {
  const has = p.neighbourhood;
  if (has && has.radius === radius && (mode === undefined || mode === has.mode)) return;
  throw new UserError('BAD_INPUT', `--neighbourhood ${radius}${mode ? ` (${mode})` : ''}: ${p.source} was trained ${has ? `on neighbourhoods of radius ${has.radius} (${has.mode})` : 'on each spectrum alone'} and reads what it was trained on; leave --neighbourhood out to use that.`, { field: 'neighbourhood' });
}

/** Files given on the command line; a folder stands for the (non-hidden) files in it. */
function expand(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new UserError('NOT_FOUND', `${p} does not exist.`, { file: path.basename(p) });
    if (fs.statSync(p).isDirectory()) {
      const inside = fs
        .readdirSync(p)
        .filter((f) => !f.startsWith('.'))
        .sort()
        .map((f) => path.join(p, f))
        .filter((f) => fs.statSync(f).isFile());
      if (!inside.length) throw new UserError('BAD_INPUT', `Folder ${p} holds no files to predict.`, { file: path.basename(p) });
      out.push(...inside);
    } else out.push(p);
  }
  return out;
}

async function predictCommand(args: string[], io: Streams): Promise<number> {
  const { values, positionals } = parse(() =>
    parseArgsWithFiles(args, { json: { type: 'boolean' }, project: { type: 'string' }, run: { type: 'string' }, model: { type: 'string' }, out: { type: 'string' }, 'label-column': { type: 'string' }, 'axis-unit': { type: 'string' }, channel: { type: 'string', multiple: true }, ...NEIGHBOURHOOD_FLAGS }),
  );
  const neighbourhood = neighbourhoodOption(values.neighbourhood, values['neighbourhood-mode']);
  const options: ImportOptions = {};
  const labelColumn = labelColumnOption(values['label-column']);
  if (labelColumn !== undefined) options.labelColumn = labelColumn;
  const unit = values['axis-unit'];
  if (unit !== undefined) {
    if (!isAxisUnit(unit)) throw new UserError('BAD_INPUT', `--axis-unit must be one of ${AXIS_UNITS.join(', ')}, not "${unit}".`, { field: '--axis-unit' });
    options.axisUnit = unit;
  }
  if (values.model && (values.project || values.run)) throw new UserError('BAD_INPUT', 'Give either --model DIR (a model package) or --project P --run RUN, not both.');
  if (!values.model && !values.project) throw new UserError('BAD_INPUT', 'Missing the model: --project P --run RUN (a run in a project) or --model DIR (a model package).', { field: '--project' });
  if (!positionals.length) throw new UserError('BAD_INPUT', 'Name at least one spectrum file to predict.');
  const spectra = readSpectraFiles(expand(positionals), options);
  let predictor: Predictor;
  if (values.model) predictor = readModelPackage(values.model);
  else {
    const id = runId(values.run);
    if (!fs.existsSync(values.project!)) throw new UserError('NOT_FOUND', `Project ${values.project} does not exist.`, { file: path.basename(values.project!) });
    const db = openProject(values.project!);
    try {
      failRunsWithoutTrainer(db);
      predictor = loadPredictor(db, id);
    } finally {
      db.close();
    }
  }
  if (neighbourhood) sameNeighbourhood(predictor, neighbourhood.radius, values['neighbourhood-mode']);
  // A run on several channels: each --channel NAME=FILE gives a channel's spectra, paired in order with those of the files named first.
  const channels = (values.channel ?? []).map((v) => {
    const eq = v.indexOf('=');
    if (eq < 1 || eq === v.length - 1) throw new UserError('BAD_INPUT', `--channel must be NAME=FILE (a channel of the run and a file or folder of its spectra), not "${v}".`, { field: '--channel' });
    return { name: v.slice(0, eq), files: v.slice(eq + 1) };
  });
  const names = [...new Set(channels.map((c) => c.name))];
  const named = channelsByName(predictor, spectra);
  const paired = predictor.channels || channels.length ? pairChannels(predictor, named, names.map((name) => ({ name, spectra: readSpectraFiles(expand(channels.filter((c) => c.name === name).map((c) => c.files)), options) }))) : named;
  const rows = predictSpectra(predictor, paired);
  const flagged = rows.filter((r) => r.outOfModel).length;
  // An autoencoder has two checks: how many spectra each flags (one beyond both counts in both).
  const byCheck = predictor.network?.task.kind === 'reconstruction' ? { q: rows.filter((r) => r.reconstruction?.flaggedBy === 'q' || r.reconstruction?.flaggedBy === 'both').length, maxResidual: rows.filter((r) => r.reconstruction?.flaggedBy === 'maxResidual' || r.reconstruction?.flaggedBy === 'both').length } : null;
  const csv = predictionsCsv(predictor, rows);
  if (values.out) {
    fs.writeFileSync(values.out, csv);
    io.stderr.write(`Predicted ${rows.length} spectr${rows.length === 1 ? 'um' : 'a'} with ${predictor.source} (${predictor.model}); ${flagged} out of model${byCheck ? ` (${byCheck.q} by Q, ${byCheck.maxResidual} by the largest point residual)` : ''}. Wrote ${values.out}.\n`);
  }
  if (values.json) {
    const tc = predictor.targetChannel;
    const doc = {
      source: predictor.source,
      model: predictor.model,
      task: predictor.task,
      target: predictor.targetColumn,
      ...(tc ? { targetChannel: { name: tc.name, axisUnit: tc.unit, axis: Array.from(tc.axis) } } : predictor.targets ? { targets: predictor.targets.map((t) => t.name) } : {}),
      classes: predictor.classes,
      limits: rows.length ? { t2: rows[0]!.t2Limit, q: rows[0]!.qLimit, ...(rows[0]!.reconstruction ? { maxResidual: rows[0]!.reconstruction.maxResidualLimit } : {}) } : null,
      outOfModel: flagged,
      ...(byCheck ? { flaggedBy: byCheck } : {}),
      ...(values.out ? { out: values.out } : {}),
      predictions: rows.map((r) => ({
        sample: r.key,
        ...(tc ? { spectrum: r.values! } : { prediction: r.predicted }),
        ...(r.values && !tc ? { values: Object.fromEntries(predictor.targets!.map((t, i) => [t.name, r.values![i]!])) } : {}),
        ...(r.probabilities ? { probabilities: Object.fromEntries(predictor.classes.map((c, i) => [c, r.probabilities![i]!])) } : {}),
        t2: Number.isFinite(r.t2) ? r.t2 : null,
        q: Number.isFinite(r.q) ? r.q : null,
        ...(r.reconstruction ? { maxResidual: r.reconstruction.maxResidual, flaggedBy: r.reconstruction.flaggedBy } : {}),
        outOfModel: r.outOfModel,
      })),
    };
    io.stdout.write(`${JSON.stringify(doc)}\n`);
  } else if (!values.out) io.stdout.write(csv);
  return 0;
}

function exportModelCommand(args: string[], io: Streams): number {
  const { values } = parse(() => parseArgs({ args, strict: true, options: { json: { type: 'boolean' }, project: { type: 'string' }, run: { type: 'string' }, out: { type: 'string' } } }));
  if (!values.project) throw new UserError('BAD_INPUT', 'Missing --project FILE.', { field: '--project' });
  const id = runId(values.run);
  if (!values.out) throw new UserError('BAD_INPUT', 'Missing --out DIR (the folder to write the model package into).', { field: '--out' });
  if (!fs.existsSync(values.project)) throw new UserError('NOT_FOUND', `Project ${values.project} does not exist.`, { file: path.basename(values.project) });
  const db = openProject(values.project);
  let result: ReturnType<typeof writeModelPackage>;
  try {
    failRunsWithoutTrainer(db);
    result = writeModelPackage(db, id, values.out);
  } finally {
    db.close();
  }
  const m = result.manifest;
  if (values.json) io.stdout.write(`${JSON.stringify({ out: values.out, files: result.files, run: id, kind: m.kind, model: m.model, task: m.task, classes: m.classes, points: m.axis.values.length, axisUnit: m.axis.unit })}\n`);
  else io.stdout.write(`Wrote the model package of run ${id} (${m.model}, ${m.task}) to ${values.out}: ${result.files.join(', ')}.\n`);
  return 0;
}
