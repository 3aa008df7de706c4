/**
 * The one-file HTML report of a run: data, recipe, validation design, model, training, metrics,
 * confusion matrix or parity plot, activation maps or VIP. Self-contained (inline CSS and SVG, no
 * scripts, fonts or links), and laid out to print to PDF: each section starts a page, tables and
 * charts are not split.
 */
import type { LayerSummary } from '../common/ml/model';
import { fmtShape } from '../common/ml/model';
import type { ExportedMetrics, RunCam } from './export';
import { classColour, esc, fmtNumber, lineChartSvg, paritySvg } from './report-svg';
import { PLS_DECISIONS, plsDecisionEvidence } from '../common/ml/pls-decision';
import { headlineKey, metricLabel } from '../common/format/metric-labels';
import { num } from '../common/format/numbers';
import type { PlsDecision } from '../common/ml/pls';
import { paramInfoOf, paramLabel } from '../common/preprocessing/param-info';
import { AXIS_UNIT_LABELS, type AxisUnit } from '../common/domain/spectra';
import { recipeChoiceSummary, recipeComponentsText, recipeScoreText, type RecipeChoice } from '../common/runs/recipe-choice';
import { candidateName, candidateScoreText, candidateStatusText, decisionWord, leaderboardSummary, winnerReason, type Leaderboard } from '../common/runs/optimize';

export interface ReportData {
  title: string;
  run: { id: number; model: string; task: 'classification' | 'regression'; target: string; status: string; backend: string | null; createdAt: string; finishedAt: string | null; versions: Record<string, unknown> | null; log: string; /** Target → unit, for the targets that have one (regression). */ units?: Record<string, string> };
  data: {
    dataset: string;
    axisUnit: string | null;
    rawAxisRange: [number, number] | null;
    rawPoints: number | null;
    modelAxisRange: [number, number] | null;
    modelPoints: number;
    splits: { name: string; counts: Record<string, number> }[];
    unlabelled: number;
  };
  recipe: { name: string | null; steps: { kind: string; enabled: boolean; params: Record<string, unknown> }[]; hash: string | null; inputScaling: { mean: number; std: number }; choice?: RecipeChoice | null };
  validation: { scheme: unknown; seed: number | null; train: number; monitor: number; test: number; earlyStopping: string | null; classWeights: unknown };
  model: { layers: LayerSummary[]; params: number; plsComponents: number | null; plsDecision?: PlsDecision | null; plsCv: { components: number; rule: string; curve: { components: number; score: number; standardError: number }[]; centroidCurve?: { components: number; score: number; standardError: number }[]; nearestNeighbourCurve?: { components: number; score: number; standardError: number }[]; nearestNeighbourSkipped?: string } | null };
  training: {
    engine: string | null;
    epochsPlanned: number | null;
    epochsTrained: number;
    bestEpoch: number | null;
    stopped: string | null;
    durationMs: number | null;
    batchSize: number | null;
    learningRate: number | null;
    curve: { epoch: number; trainLoss: number | null; validationLoss: number | null }[];
  };
  metrics: ExportedMetrics;
  predictions: { sampleId: number; key: string; truth: string | number; predicted: string | number; targets?: { truth: number; predicted: number }[] }[];
  cam: RunCam | null;
  vip: { axis: number[]; values: number[] } | null;
}

const UNIT_TITLES: Record<string, string> = { 'cm-1': 'wavenumber (cm⁻¹)', nm: 'wavelength (nm)', um: 'wavelength (µm)', min: 'time (min)', mz: 'm/z', index: 'point index', other: 'axis' };
const axisTitle = (unit: string | null) => UNIT_TITLES[unit ?? 'other'] ?? 'axis';

function duration(ms: number | null): string {
  if (ms === null) return '–';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

const CSS = `
:root { color-scheme: light; }
body { font: 13px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1d232b; margin: 24px auto; max-width: 900px; padding: 0 16px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; border-bottom: 1px solid #d0d5dc; padding-bottom: 3px; margin-top: 28px; }
.meta { color: #5b6573; margin: 0 0 12px; }
table { border-collapse: collapse; margin: 8px 0 12px; }
th, td { border: 1px solid #d0d5dc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.confusion td { text-align: center; min-width: 48px; }
table.leaderboard td.n { white-space: nowrap; }
code { font-family: Menlo, Consolas, monospace; font-size: 12px; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 8px 0; }
.note { color: #5b6573; font-size: 12px; }
section, table, svg { break-inside: avoid; page-break-inside: avoid; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  section { break-before: page; page-break-before: always; }
  section:first-of-type { break-before: auto; page-break-before: auto; }
  h2 { margin-top: 0; }
  @page { size: A4; margin: 15mm; }
}
`;

function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}
const td = (s: string | number, numeric = false) => `<td${numeric ? ' class="n"' : ''}>${typeof s === 'number' ? esc(num(s)) : s}</td>`;

function dataSection(d: ReportData): string {
  const classes = [...new Set(d.data.splits.flatMap((s) => Object.keys(s.counts)))];
  const rows = d.data.splits.map((s) => [td(esc(s.name)), ...classes.map((c) => td(s.counts[c] ?? 0, true)), td(Object.values(s.counts).reduce((a, b) => a + b, 0), true)]);
  const range = (r: [number, number] | null) => (r ? `${fmtNumber(r[0])} → ${fmtNumber(r[1])}` : '–');
  return `<section id="data"><h2>Data</h2>
<table><tbody>
<tr><th>Dataset</th><td>${esc(d.data.dataset)}</td></tr>
<tr><th>Target</th><td>${esc(targetsText(d))} (${d.run.task})</td></tr>
<tr><th>Axis</th><td>${esc(axisTitle(d.data.axisUnit))}: ${range(d.data.rawAxisRange)}, ${d.data.rawPoints ?? '–'} points</td></tr>
<tr><th>Model axis (after the recipe)</th><td>${range(d.data.modelAxisRange)}, ${d.data.modelPoints} points</td></tr>
${d.data.unlabelled ? `<tr><th>Left out (no target value)</th><td>${d.data.unlabelled}</td></tr>` : ''}
</tbody></table>
<h3>Spectra per split${d.run.task === 'classification' ? ' and class' : ''}</h3>
${table(['split', ...classes.map(esc), 'total'], rows)}
</section>`;
}

/** `Window (points) <code>windowSize</code> = 11`, the help as hover text; a param the app no longer has shows its name only. */
function paramCell(kind: string, key: string, value: unknown, axisUnit: string | null): string {
  const info = paramInfoOf(kind, key);
  const label = info ? `<span title="${esc(info.help)}">${esc(paramLabel(info, AXIS_UNIT_LABELS[axisUnit as AxisUnit]))}</span> ` : '';
  return `${label}<code>${esc(key)}</code> = ${esc(JSON.stringify(value))}`;
}

function recipeSection(d: ReportData): string {
  const steps = d.recipe.steps.length
    ? table(
        ['#', 'step', 'parameters'],
        d.recipe.steps.map((s, i) => [td(i + 1, true), td(`${esc(s.kind)}${s.enabled ? '' : ' <span class="note">(disabled)</span>'}`), td(Object.entries(s.params).map(([k, v]) => paramCell(s.kind, k, v, d.data.axisUnit)).join('<br>') || '–')]),
      )
    : '<p>No recipe: the model reads the spectra as imported.</p>';
  const choice = d.recipe.choice;
  return `<section id="recipe"><h2>Recipe</h2>
${choice ? recipeChoiceTable(choice) : ''}
${d.recipe.steps.length && !choice ? `<p>${d.recipe.name ? `Saved recipe <strong>${esc(d.recipe.name)}</strong>` : 'Unnamed recipe'}${d.recipe.hash ? ` · <code>${esc(d.recipe.hash)}</code>` : ''}. Fitted steps learned from the training split only.</p>` : ''}
${steps}
<p>Input scaling (fitted on the training spectra): (x − ${esc(num(d.recipe.inputScaling.mean, 6))}) / ${esc(num(d.recipe.inputScaling.std, 6))}.</p>
</section>`;
}

/** The auto recipe's candidates with their cross-validated scores, the winner marked. */
function recipeChoiceTable(c: RecipeChoice): string {
  const rows = c.candidates.map((x) => [td(`${esc(x.name)}${x.name === c.winner ? ' <strong>(chosen)</strong>' : ''}`), td(esc(recipeScoreText(x)), x.score !== null), td(esc(recipeComponentsText(x)), true)]);
  return `<p>${esc(recipeChoiceSummary(c))}</p>
${table(['recipe', `${esc(c.metric)} (${c.folds}-fold CV, ± standard error)`, 'PLS components (mean over folds)'], rows, 'recipe-choice')}`;
}

function validationSection(d: ReportData): string {
  const v = d.validation;
  const pls = d.run.model === 'pls';
  const scheme = v.scheme && typeof v.scheme === 'object' ? (v.scheme as { kind?: string; fraction?: number }) : null;
  const text = !scheme ? '–' : scheme.kind === 'given' ? 'given split (the samples’ train/test tags)' : scheme.kind === 'holdout' ? `stratified hold-out, ${Math.round((scheme.fraction ?? 0) * 100)} % test` : esc(JSON.stringify(scheme));
  return `<section id="validation"><h2>Validation design</h2>
<table><tbody>
<tr><th>Scheme</th><td>${text}</td></tr>
<tr><th>Seed</th><td>${v.seed ?? '–'}</td></tr>
<tr><th>Training spectra</th><td>${v.train}</td></tr>
${v.monitor ? `<tr><th>Held back for early stopping</th><td>${v.monitor} (from the training split)</td></tr>` : ''}
<tr><th>Test spectra</th><td>${v.test}</td></tr>
${v.earlyStopping && !pls ? `<tr><th>Early stopping</th><td>${esc(v.earlyStopping)}</td></tr>` : ''}
${v.classWeights && !pls ? `<tr><th>Class weights</th><td><code>${esc(JSON.stringify(v.classWeights))}</code></td></tr>` : ''}
</tbody></table>
</section>`;
}

function modelSection(d: ReportData): string {
  if (d.run.model === 'pls') {
    const cv = d.model.plsCv;
    const classification = d.run.task === 'classification';
    const chart = cv?.curve.length
      ? lineChartSvg({
          id: 'pls-cv',
          title: 'Cross-validation on the training split',
          xTitle: 'components',
          yTitle: classification ? 'balanced accuracy' : 'RMSECV (target standard deviations)',
          series: [
            { label: classification ? 'balanced accuracy' : 'RMSECV', colour: '#0072b2', x: cv.curve.map((p) => p.components), y: cv.curve.map((p) => p.score) },
            { label: '± standard error', colour: '#8a93a0', dash: true, x: cv.curve.map((p) => p.components), y: cv.curve.map((p) => p.score + p.standardError) },
            { label: '', colour: '#8a93a0', dash: true, x: cv.curve.map((p) => p.components), y: cv.curve.map((p) => p.score - p.standardError) },
            ...(cv.centroidCurve?.length ? [{ label: 'nearest class centre', colour: '#009e73', x: cv.centroidCurve.map((p) => p.components), y: cv.centroidCurve.map((p) => p.score) }] : []),
            ...(cv.nearestNeighbourCurve?.length ? [{ label: 'nearest training spectrum', colour: '#d55e00', x: cv.nearestNeighbourCurve.map((p) => p.components), y: cv.nearestNeighbourCurve.map((p) => p.score) }] : []),
          ],
          height: 260,
        })
      : '';
    const evidence = plsDecisionEvidence(cv);
    const decision = classification ? ` Class decision: ${esc(PLS_DECISIONS[d.model.plsDecision ?? 'pls-da'].label)}${evidence ? ` (${esc(evidence)})` : ''}.` : '';
    return `<section id="model"><h2>Model</h2><p>${classification ? 'PLS-DA' : 'PLS regression'} with ${d.model.plsComponents ?? '–'} components${cv ? `, chosen by cross-validation on the training split (rule: ${esc(cv.rule)})` : ' (set by the user)'}.${decision}</p>${chart}</section>`;
  }
  const rows = d.model.layers.map((l) => [td(esc(l.path)), td(esc(l.type)), td(esc(l.detail)), td(esc(fmtShape(l.input))), td(esc(fmtShape(l.output))), td(l.params, true)]);
  return `<section id="model"><h2>Model</h2>
<p><strong>${esc(d.run.model)}</strong>, ${d.model.params.toLocaleString('en')} parameters (the last dense layer is the output).</p>
${table(['layer', 'type', 'detail', 'input', 'output', 'parameters'], rows)}
</section>`;
}

function trainingSection(d: ReportData): string {
  const t = d.training;
  const curve = t.curve.filter((p) => p.trainLoss !== null);
  const chart = curve.length
    ? lineChartSvg({
        id: 'loss-curve',
        title: 'Loss per epoch',
        xTitle: 'epoch',
        yTitle: 'loss',
        series: [
          { label: 'training loss', colour: '#0072b2', x: curve.map((p) => p.epoch), y: curve.map((p) => p.trainLoss!) },
          ...(curve.some((p) => p.validationLoss !== null) ? [{ label: 'early-stopping loss', colour: '#d55e00', dash: true, x: curve.map((p) => p.epoch), y: curve.map((p) => p.validationLoss ?? NaN) }] : []),
        ],
      })
    : '';
  return `<section id="training"><h2>Training</h2>
<table><tbody>
<tr><th>Engine</th><td>${esc(t.engine ?? '–')}</td></tr>
${d.run.model === 'pls' ? '' : `<tr><th>Epochs</th><td>${t.epochsTrained}${t.epochsPlanned ? ` of ${t.epochsPlanned}` : ''}${t.bestEpoch ? ` (best ${t.bestEpoch})` : ''}${t.stopped ? `, ${esc(t.stopped)}` : ''}</td></tr>`}
${t.batchSize && d.run.model !== 'pls' ? `<tr><th>Batch size</th><td>${t.batchSize}</td></tr>` : ''}
${t.learningRate && d.run.model !== 'pls' ? `<tr><th>Learning rate</th><td>${t.learningRate}</td></tr>` : ''}
<tr><th>Duration</th><td>${duration(t.durationMs)}</td></tr>
<tr><th>Started</th><td>${esc(d.run.createdAt)}</td></tr>
<tr><th>App</th><td>${esc(String((d.run.versions as { app?: string } | null)?.app ?? '–'))}</td></tr>
</tbody></table>
${chart}
</section>`;
}

/** A target's name with its unit, for axis titles: "fat (%)". */
const withUnit = (name: string, unit: string | undefined): string => (unit ? `${name} (${unit})` : name);

function metricsSection(d: ReportData): string {
  const m = d.metrics;
  const spread = m.summary;
  const inTargetUnits = new Set(['rmse', 'mae', 'bias', 'sep']);
  // A run of several targets names each one's metrics `rmse:NAME`, …, each in that target's units.
  const label = (k: string) => {
    const [metric, target = d.run.target] = k.split(/:(.*)/);
    const unit = d.run.units?.[target];
    return `${metricLabel(k)}${d.run.task === 'regression' && inTargetUnits.has(metric!) ? (unit ? ` (${target}, ${unit})` : ` (${target} units)`) : ''}`;
  };
  const rows = Object.entries(m.test).map(([k, v]) => {
    const s = spread && spread.mean[k] !== undefined ? `${num(spread.mean[k])} ± ${num(spread.std[k])}` : '';
    return [td(esc(label(k))), td(v, true), ...(spread ? [td(esc(s), true)] : [])];
  });
  let perClass = '';
  if (m.perClass) {
    perClass = `<h3>Per class</h3>${table(
      ['class', 'precision', 'recall', 'F1', 'support', ...(m.rocAuc ? ['ROC AUC'] : [])],
      m.perClass.map((c) => [td(`<span style="color:${classColour(m.classes!.indexOf(c.className))}">■</span> ${esc(c.className)}`), td(num(c.precision), true), td(num(c.recall), true), td(num(c.f1), true), td(c.support, true), ...(m.rocAuc ? [td(num(m.rocAuc.perClass[c.className]), true)] : [])]),
    )}`;
  }
  const auc = m.rocAuc ? `<p class="note">ROC AUC from the ${esc(m.rocAuc.source)}.</p>` : '';
  return `<section id="metrics"><h2>Metrics</h2>
<p>On the ${m.test.samples ?? '–'} test spectra${spread ? `; mean ± std over ${m.folds!.length} folds or repeats` : ''}.</p>
${table(['metric', 'test', ...(spread ? ['mean ± std'] : [])], rows)}
${perClass}${auc}
${confusionOrParity(d)}
${errorsTable(d)}
</section>`;
}

/** Misclassified test spectra, or the ten with the largest errors for a value. */
function errorsTable(d: ReportData): string {
  if (d.run.task === 'classification') {
    const wrong = d.predictions.filter((p) => String(p.truth) !== String(p.predicted));
    if (!wrong.length) return '<p>Every test spectrum was classified correctly.</p>';
    return `<h3>Misclassified test spectra (${wrong.length})</h3>${table(
      ['sample', 'true class', 'predicted'],
      wrong.map((p) => [td(esc(p.key)), td(esc(String(p.truth))), td(esc(String(p.predicted)))]),
    )}`;
  }
  const several = d.metrics.stored?.targets;
  const largest = (title: string, rows: { key: string; truth: number; predicted: number }[], n: number) => {
    const worst = [...rows].sort((a, b) => Math.abs(b.predicted - b.truth) - Math.abs(a.predicted - a.truth)).slice(0, n);
    return `<h3>${esc(title)}</h3>${table(
      ['sample', 'true', 'predicted', 'error'],
      worst.map((p) => [td(esc(p.key)), td(p.truth, true), td(p.predicted, true), td(p.predicted - p.truth, true)]),
    )}`;
  };
  if (several) return several.map((t, j) => largest(`Largest errors in ${t.name}`, d.predictions.map((p) => ({ key: p.key, ...p.targets![j]! })), 5)).join('\n');
  return largest('Largest errors', d.predictions.map((p) => ({ key: p.key, truth: Number(p.truth), predicted: Number(p.predicted) })), 10);
}

/** The run's target, or its several targets ("moisture, fat, protein"). */
function targetsText(d: ReportData): string {
  return d.metrics.stored?.targets?.map((t) => t.name).join(', ') ?? d.run.target;
}

function confusionOrParity(d: ReportData): string {
  const m = d.metrics;
  if (m.confusion && m.classes) {
    const { counts, rowNormalized } = m.confusion;
    const rows = counts.map((row, i) => [
      `<th>${esc(m.classes![i]!)}</th>`,
      ...row.map((v, j) => {
        const f = rowNormalized[i]![j]!;
        const colour = i === j ? `rgba(0,114,178,${(0.1 + 0.75 * f).toFixed(3)})` : `rgba(213,94,0,${(f > 0 ? 0.1 + 0.75 * f : 0).toFixed(3)})`;
        const ink = f > 0.5 ? '#fff' : '#1d232b';
        return `<td class="cell" style="background:${colour};color:${ink}" title="${esc(`${(100 * f).toFixed(1)} % of ${m.classes![i]}`)}">${v}<br><span style="font-size:11px">${(100 * f).toFixed(0)} %</span></td>`;
      }),
    ]);
    return `<h3>Confusion matrix</h3>
<p class="note">Rows: true class; columns: predicted class. Counts, and the share of each true class (shading).</p>
<table class="confusion"><thead><tr><th>true \\ predicted</th>${m.classes.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
  }
  const names = d.predictions.map((p) => p.key);
  const several = d.metrics.stored?.targets;
  if (several) {
    // One parity plot per target, each in its own units.
    return `<h3>Parity plots</h3>${several
      .map((t, j) => paritySvg({ id: `parity-${j}`, title: `Predicted against true ${t.name}`, unitTitle: withUnit(t.name, d.run.units?.[t.name]), truth: d.predictions.map((p) => p.targets![j]!.truth), predicted: d.predictions.map((p) => p.targets![j]!.predicted), names }))
      .join('\n')}`;
  }
  const truth = d.predictions.map((p) => Number(p.truth));
  const pred = d.predictions.map((p) => Number(p.predicted));
  return `<h3>Parity plot</h3>${paritySvg({ id: 'parity', title: `Predicted against true ${d.run.target}`, unitTitle: withUnit(d.run.target, d.run.units?.[d.run.target]), truth, predicted: pred, names })}`;
}

function interpretationSection(d: ReportData): string {
  const reverse = d.data.axisUnit === 'cm-1' && (d.cam?.axis ?? d.vip?.axis ?? [0, 1])[0]! > (d.cam?.axis ?? d.vip?.axis ?? [0, 1]).at(-1)!;
  if (d.cam) {
    const c = d.cam;
    const charts = c.classMeans.map((m, i) => {
      const peak = m.cam.reduce((best, v, t) => (v > m.cam[best]! ? t : best), 0);
      return `${lineChartSvg({
        id: `cam-${i}`,
        title: `${d.run.task === 'classification' ? `Class ${m.className}` : m.className}: mean spectrum and activation map (${m.samples} training spectra)`,
        xTitle: axisTitle(c.axisUnit),
        yTitle: 'mean spectrum (after the recipe)',
        rightTitle: c.method === 'cam' ? 'class activation' : 'Grad-CAM',
        reverse,
        series: [
          { label: 'mean spectrum', colour: classColour(i), x: c.axis, y: m.spectrum },
          { label: 'activation map', colour: '#5b6573', dash: true, right: true, x: c.axis, y: m.cam },
        ],
        height: 260,
      })}<p class="note">Highest activation at ${esc(fmtNumber(c.axis[peak]!))} ${esc(c.axisUnit === 'index' ? '(point index)' : axisTitle(c.axisUnit))}.</p>`;
    });
    return `<section id="interpretation"><h2>Activation maps</h2>
<p>${c.method === 'cam' ? 'Class activation maps (CAM): the output weights of each class applied to the last convolutional features before global average pooling; their mean over the axis is the class score (minus its bias).' : 'Grad-CAM: the last convolutional block’s features weighted by the position-averaged gradient of the class score, negative parts set to zero.'} Each map is averaged over the training spectra of its class and drawn over their mean spectrum.</p>
${charts.join('\n')}
</section>`;
  }
  if (d.vip) {
    const chart = lineChartSvg({
      id: 'vip',
      title: 'Variable importance in projection (VIP)',
      xTitle: axisTitle(d.data.axisUnit),
      yTitle: 'VIP',
      reverse,
      series: [
        { label: 'VIP', colour: '#0072b2', x: d.vip.axis, y: d.vip.values },
        { label: 'VIP = 1', colour: '#8a93a0', dash: true, x: [d.vip.axis[0]!, d.vip.axis.at(-1)!], y: [1, 1] },
      ],
    });
    const above = d.vip.values.filter((v) => v > 1).length;
    return `<section id="interpretation"><h2>VIP scores</h2>
<p>${above} of ${d.vip.values.length} points have VIP &gt; 1 (the usual “important” cut).</p>
${chart}
</section>`;
  }
  return '';
}

/** One self-contained HTML document: inline styles, no scripts, nothing fetched. */
function htmlPage(title: string, meta: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Spectra Desk">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="meta">${meta}</p>
</header>
${body}
</body>
</html>
`;
}

/** The whole report as one HTML document. */
export function renderReport(d: ReportData): string {
  const sections = [dataSection(d), recipeSection(d), validationSection(d), modelSection(d), trainingSection(d), metricsSection(d), interpretationSection(d)];
  return htmlPage(d.title, `${esc(d.run.task === 'classification' ? 'Classification' : 'Regression')} of <strong>${esc(targetsText(d))}</strong> · run ${d.run.id} · ${esc(d.run.status)} · finished ${esc(d.run.finishedAt ?? '–')}`, sections.filter(Boolean).join('\n'));
}

export interface CrossValidationReport {
  runId: number;
  model: string;
  task: 'classification' | 'regression';
  dataset: string;
  target: string;
  scheme: string;
  seed: number | null;
  recipe: string | null;
  finishedAt: string | null;
  mean: Record<string, number>;
  std: Record<string, number>;
  folds: { label: string; runId: number; status: string; trainSamples: number; testSamples: number; test: Record<string, number> | null }[];
  warnings: string[];
  /** A learning curve: score against training-set size. */
  learningCurve: boolean;
  /** A "Find the best model" search: its leaderboard (its one fold is the winner, retrained and tested once). */
  leaderboard?: Leaderboard | null;
}

/** A search's leaderboard: every candidate, best first, with its cross-validated score, time and status, and why the winner won. */
function leaderboardSection(b: Leaderboard): string {
  const isWinner = (c: Leaderboard['candidates'][number]) => !!b.winner && c.recipe === b.winner.recipe && c.model === b.winner.model;
  const plsText = (c: Leaderboard['candidates'][number]) => (c.components ? `${c.components.join(' / ')}${c.decisions ? ` · ${[...new Set(c.decisions)].map((x) => decisionWord(x as PlsDecision)).join(' / ')}` : ''}` : '');
  let rank = 0;
  const rows = b.candidates.map((c) => [
    td(c.status === 'done' ? String(++rank) : '', true),
    td(`${esc(candidateName(c))}${isWinner(c) ? ' <strong>(winner)</strong>' : ''}`),
    td(c.status === 'done' ? esc(candidateScoreText(c)) : '', true),
    td(c.seconds ? `${c.seconds.toFixed(1)} s` : '', true),
    td(esc(plsText(c))),
    td(esc(candidateStatusText(c, b.folds))),
  ]);
  const metric = b.metric === 'rmse' ? 'RMSECV' : 'balanced accuracy';
  const reason = winnerReason(b);
  return `<section id="leaderboard"><h2>Leaderboard</h2>
<p>${esc(leaderboardSummary(b))}</p>
${reason ? `<p><strong>Why it won:</strong> ${esc(reason)}</p>` : ''}
${b.notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}
${table(['#', 'model · recipe', `${metric} (${b.folds}-fold CV, mean ± std)`, 'time (over its folds)', 'PLS components per fold', 'status'], rows, 'leaderboard')}
</section>`;
}

/** A search's one test score: the winner, retrained on the whole training split, on the test spectra. */
function winnerTestSection(d: CrossValidationReport, b: Leaderboard): string {
  const f = d.folds[0];
  if (!b.winner || !f) return `<section id="metrics"><h2>The winner on the test split</h2><p>No winner was retrained, so the test spectra were not used.</p></section>`;
  const test = f.test ?? {};
  const rows = Object.entries(test).map(([k, v]) => [td(esc(metricLabel(k))), td(v, true)]);
  return `<section id="metrics"><h2>The winner on the test split</h2>
<p>${esc(candidateName(b.winner))}, retrained on all ${f.trainSamples} training spectra (run ${f.runId}, ${esc(f.status)}; its full report is in <code>fold-1/report.html</code>), scored once on the ${f.testSamples} test spectra.</p>
${rows.length ? table(['metric', 'test'], rows) : '<p>It has no test metrics.</p>'}
</section>`;
}

/** The report of a cross-validated run: design, every fold, mean ± std, and the learning curve; for a search, its leaderboard and the winner's test score. */
export function renderCrossValidationReport(d: CrossValidationReport): string {
  const board = d.leaderboard ?? null;
  const names = Object.keys(d.mean);
  const title = `Run ${d.runId} · ${d.model} on ${d.dataset} — ${d.scheme}`;
  const design = table(
    ['Setting', 'Value'],
    [
      [td('Dataset'), td(esc(d.dataset))],
      [td('Target'), td(`${esc(d.target)} (${d.task})`)],
      [td('Recipe'), td(esc(d.recipe ?? 'none (raw spectra)'))],
      [td('Validation'), td(esc(d.scheme))],
      [td('Seed'), td(String(d.seed ?? '–'))],
      board
        ? [td('Folds'), td(`${board.folds} of the ${board.trainSamples} training spectra for every candidate; the recipe, the input scaling and PLS components are fitted on each fold's training part, and the test spectra take no part until the winner is scored`)]
        : [td('Folds'), td(`${d.folds.length}; the recipe and the input scaling are fitted on each fold's training spectra`)],
    ],
  );
  const header = `${esc(d.task === 'classification' ? 'Classification' : 'Regression')} of <strong>${esc(d.target)}</strong> · finished ${esc(d.finishedAt ?? '–')}`;
  if (board) {
    return htmlPage(
      `Run ${d.runId} · ${d.dataset} — ${d.scheme}`,
      header,
      `<section id="validation"><h2>Validation design</h2>${design}${d.warnings.map((w) => `<p style="border-left: 3px solid #e69f00; padding: 4px 8px">${esc(w)}</p>`).join('')}</section>
${leaderboardSection(board)}
${winnerTestSection(d, board)}`,
    );
  }
  const summary = table(['Metric', 'Mean', 'Std (n − 1)'], names.map((k) => [td(esc(metricLabel(k))), td(d.mean[k]!, true), td(d.std[k] ?? NaN, true)]));
  const folds = table(
    ['Fold', 'Run', 'Status', 'Train', 'Test', ...names.map((k) => esc(metricLabel(k)))],
    d.folds.map((f) => [td(esc(f.label)), td(String(f.runId)), td(esc(f.status)), td(f.trainSamples, true), td(f.testSamples, true), ...names.map((k) => td(f.test?.[k] ?? NaN, true))]),
  );
  const key = headlineKey(d.task);
  const done = d.folds.filter((f) => f.test);
  const curve = d.learningCurve && done.length
    ? lineChartSvg({ id: 'learning-curve', title: 'Learning curve', xTitle: 'training spectra', yTitle: metricLabel(key), series: [{ label: metricLabel(key), colour: '#0072b2', x: done.map((f) => f.trainSamples), y: done.map((f) => f.test![key]!) }] })
    : '';
  return htmlPage(
    title,
    header,
    `<section id="validation"><h2>Validation design</h2>${design}${d.warnings.map((w) => `<p style="border-left: 3px solid #e69f00; padding: 4px 8px">${esc(w)}</p>`).join('')}</section>
<section id="metrics"><h2>Test metrics over the folds</h2>${summary}</section>
<section id="folds"><h2>Every fold</h2><p>Each fold is a run of its own; its full report is in <code>fold-N/report.html</code>.</p>${folds}${curve}</section>`,
  );
}
