/**
 * Exporting runs (UCR Coffee, given split): a short CNN run and a PLS-DA run, written to a temp
 * folder. The exported metrics must equal the run's stored metrics and a recomputation from the
 * exported predictions; the report must be self-contained; cam.csv must cover the model axis.
 */
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { getRun } from '../../src-main/db/runs';
import { camForRun, exportRun, type ExportedMetrics } from '../../src-main/services/export';
import { classificationMetrics, regressionReport } from '../../src-main/common/ml/metrics';
import { mulberry32 } from '../../src-main/common/ml/random';
import { importUcr } from '../helpers/projects';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
let dir = '';
let project = '';
let cnnRun = 0;
let plsRun = 0;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-export-'));
  project = path.join(dir, 'coffee.spectra');
  const db = openProject(project, { create: true });
  await importUcr(db, 'Coffee');
  const cnn = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'cnn', validation: { kind: 'given' }, seed: 1, epochs: 150, engine: 'wasm', threads: 1 }), { spawn }).outcome;
  const pls = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1 }), { spawn }).outcome;
  expect([cnn.status, pls.status]).toEqual(['done', 'done']);
  cnnRun = cnn.runId;
  plsRun = pls.runId;
  db.close();
}, 300_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Minimal RFC 4180 reader for the exported files (quoted fields, no embedded newlines). */
function readCsv(file: string): string[][] {
  return fs
    .readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => {
      const out: string[] = [];
      let cur = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted) {
          if (ch === '"' && line[i + 1] === '"') {
            cur += '"';
            i++;
          } else if (ch === '"') quoted = false;
          else cur += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ',') {
          out.push(cur);
          cur = '';
        } else cur += ch;
      }
      out.push(cur);
      return out;
    });
}

function checkCommon(out: string, runId: number): ExportedMetrics {
  const db = openProject(project);
  const stored = getRun(db, runId).metrics as { test: Record<string, number>; testDetail: { confusion: number[][] } };
  db.close();
  const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as ExportedMetrics;
  expect(metrics.stored).toEqual(stored);
  for (const k of ['accuracy', 'balancedAccuracy', 'macroF1']) expect(metrics.test[k]).toBeCloseTo(stored.test[k]!, 12);
  expect(metrics.confusion!.counts).toEqual(stored.testDetail.confusion);
  expect(metrics.recomputedPredictionsAgree).toBe(true);
  expect(metrics.rocAuc!.macro).toBeGreaterThan(0.5);

  // Recomputed from predictions.csv alone.
  const [head, ...rows] = readCsv(path.join(out, 'predictions.csv'));
  expect(head!.slice(0, 4)).toEqual(['sample_id', 'key', 'truth', 'predicted']);
  expect(rows).toHaveLength(28);
  const classes = metrics.classes!;
  const m = classificationMetrics(
    rows.map((r) => classes.indexOf(r[2]!)),
    rows.map((r) => classes.indexOf(r[3]!)),
    classes.length,
  );
  expect(metrics.test.accuracy).toBeCloseTo(m.accuracy, 12);
  expect(metrics.test.macroF1).toBeCloseTo(m.macroF1, 12);
  expect(metrics.confusion!.counts).toEqual(m.confusion);
  expect(metrics.perClass!.map((c) => c.support)).toEqual([...m.perClass.map((c) => c.support)]);

  const csv = readCsv(path.join(out, 'metrics.csv'));
  expect(csv[0]).toEqual(['metric', 'value']);
  expect(Number(csv.find((r) => r[0] === 'accuracy')![1])).toBeCloseTo(m.accuracy, 12);
  expect(Number(csv.find((r) => r[0] === `confusion[${classes[0]}→${classes[0]}]`)![1])).toBe(m.confusion[0]![0]);

  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  expect(html.startsWith('<!doctype html>')).toBe(true);
  expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  expect(html).not.toMatch(/<script|<link|@import|url\(\s*["']?http/i);
  expect(html).toContain('@media print');
  const confusion = /<table class="confusion">([\s\S]*?)<\/table>/.exec(html)![1]!;
  const cells = [...confusion.matchAll(/<td class="cell"[^>]*>(\d+)<br>/g)].map((x) => Number(x[1]));
  expect(cells).toEqual(m.confusion.flat());
  for (const tag of ['section', 'table', 'svg', 'tr', 'td', 'th']) {
    const open = html.match(new RegExp(`<${tag}[\\s>]`, 'g'))?.length ?? 0;
    const close = html.match(new RegExp(`</${tag}>`, 'g'))?.length ?? 0;
    expect(`${tag}: ${close}`).toBe(`${tag}: ${open}`);
  }
  expect(JSON.parse(fs.readFileSync(path.join(out, 'pipeline.json'), 'utf8'))).toMatchObject({ classes: ['0', '1'], axis: { unit: 'index' } });
  return metrics;
}

describe('export', () => {
  it('a CNN run: every file, metrics equal to the stored ones and to a recomputation, a self-contained report, cam.csv over the axis', () => {
    const out = path.join(dir, 'cnn-export');
    const db = openProject(project);
    const result = exportRun(db, cnnRun, out);
    db.close();
    expect(result.files).toEqual(expect.arrayContaining(['pipeline.json', 'metrics.json', 'metrics.csv', 'predictions.csv', 'cam.csv', 'report.html', 'model/model.json', 'model/weights.bin', 'model/spectra-desk.json']));
    expect(result.notes).toEqual([]);
    checkCommon(out, cnnRun);
    const cam = readCsv(path.join(out, 'cam.csv'));
    expect(cam[0]).toEqual(['axis_index', '0', '1']);
    expect(cam).toHaveLength(1 + 286);
    expect(cam.slice(1).every((r) => r.length === 3 && r.every((v) => Number.isFinite(Number(v))))).toBe(true);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('Activation maps');
    expect(html).toContain('Loss per epoch');
  }, 60_000);

  it('a PLS-DA run: the same files without cam.csv, VIP in the report', () => {
    const out = path.join(dir, 'pls-export');
    const db = openProject(project);
    const result = exportRun(db, plsRun, out);
    db.close();
    expect(result.files).not.toContain('cam.csv');
    expect(fs.existsSync(path.join(out, 'cam.csv'))).toBe(false);
    const metrics = checkCommon(out, plsRun);
    expect(metrics.rocAuc!.source).toContain('PLS-DA');
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('VIP scores');
  }, 60_000);

  it('activation maps of the CNN run: one mean map per class over the 286 points; where they peak', () => {
    const db = openProject(project);
    const cam = camForRun(db, cnnRun, { sampleIds: [1, 2] });
    db.close();
    expect(cam.method).toBe('cam');
    expect(cam.axis).toHaveLength(286);
    expect(cam.classMeans.map((m) => [m.className, m.samples, m.cam.length])).toEqual([
      ['0', 14, 286],
      ['1', 14, 286],
    ]);
    expect(cam.samples!.map((s) => s.cams.length)).toEqual([2, 2]);
    const peaks = cam.classMeans.map((m) => {
      const order = m.cam.map((v, t) => [v, t] as const).sort((a, b) => b[0] - a[0]);
      return { className: m.className, peak: cam.axis[order[0]![1]], top5: order.slice(0, 5).map(([, t]) => cam.axis[t]) };
    });
    console.log(`Coffee CNN activation peaks (axis = point index): ${JSON.stringify(peaks)}`);
  });

  it('runs with several folds: metrics.json and the report give mean ± std over them', () => {
    const db = openProject(project);
    const folds = [0.9, 1, 0.8].map((accuracy, index) => ({ index, label: `fold ${index + 1} of 3`, runId: plsRun, status: 'done', trainSamples: 20, testSamples: 8, metrics: { test: { accuracy, macroF1: accuracy - 0.1 } } }));
    db.prepare("UPDATE runs SET metrics_json = json_set(metrics_json, '$.folds', json(?)) WHERE id = ?").run(JSON.stringify(folds), plsRun);
    const out = path.join(dir, 'folds-export');
    exportRun(db, plsRun, out);
    db.prepare("UPDATE runs SET metrics_json = json_remove(metrics_json, '$.folds') WHERE id = ?").run(plsRun);
    db.close();
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as ExportedMetrics;
    expect(metrics.summary!.mean.accuracy).toBeCloseTo(0.9, 12);
    expect(metrics.summary!.std.accuracy).toBeCloseTo(0.1, 12);
    expect(metrics.folds).toHaveLength(3);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('mean ± std over 3 folds or repeats');
    expect(html).toContain('0.9 ± 0.1');
    const csv = readCsv(path.join(out, 'metrics.csv'));
    expect(Number(csv.find((r) => r[0] === 'std[accuracy]')![1])).toBeCloseTo(0.1, 12);
  });

  it('a run with a recipe (crop, SNV, mean centring): the stored model reproduces its predictions on the rebuilt inputs; cam.csv on the cropped axis', async () => {
    const db = openProject(project);
    const pipeline = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'crop', params: { ranges: [[21, 260]] } }, { kind: 'snv' }, { kind: 'meanCenter' }] });
    for (const model of ['pls', 'cnn'] as const) {
      const o = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model, pipeline, recipeName: 'crop-snv', validation: { kind: 'given' }, seed: 2, epochs: 40, engine: 'wasm', threads: 1 }), { spawn }).outcome;
      const out = path.join(dir, `recipe-${model}`);
      exportRun(db, o.runId, out);
      const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as ExportedMetrics;
      expect(metrics.recomputedPredictionsAgree).toBe(true);
      const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(html).toContain('Saved recipe <strong>crop-snv</strong>');
      expect(html).toContain('<code>ranges</code> = [[21,260]]');
      expect(html).toContain('21 → 260, 240 points');
      const saved = JSON.parse(fs.readFileSync(path.join(out, 'pipeline.json'), 'utf8')) as { pipeline: { steps: unknown[] }; fittedState: unknown[]; axis: { values: number[] } };
      expect(saved.pipeline.steps).toHaveLength(3);
      expect(saved.fittedState[2]).not.toBeNull();
      expect(saved.axis.values).toHaveLength(240);
      if (model === 'cnn') {
        const cam = readCsv(path.join(out, 'cam.csv'));
        expect(cam).toHaveLength(241);
        expect(cam.slice(1).map((r) => Number(r[0]))).toEqual(Array.from({ length: 240 }, (_, i) => 21 + i));
      }
    }
    db.close();
  }, 120_000);

  it('unknown and unfinished runs are refused with a message', () => {
    const db = openProject(project);
    expect(() => exportRun(db, 999, path.join(dir, 'x'))).toThrow('Run 999 does not exist in this project.');
    expect(() => camForRun(db, plsRun)).toThrow('is a PLS model');
    db.close();
  });
});

/** 48 synthetic NIR-like spectra on 1100–1398 nm whose band at 1250 nm grows with `fat` (%), with a given split. */
function regressionCsv(): string {
  const rand = mulberry32(5);
  const axis = Array.from({ length: 100 }, (_, j) => 1100 + 3 * j);
  const rows = Array.from({ length: 48 }, (_, i) => {
    const fat = 2 + 30 * rand();
    const values = axis.map((x) => 0.3 + 0.002 * (x - 1100) + (fat / 40) * Math.exp(-(((x - 1250) / 25) ** 2)) + 0.01 * (rand() - 0.5));
    return `s${i + 1},${i % 4 === 0 ? 'test' : 'train'},${fat.toFixed(3)},${values.map((v) => v.toFixed(5)).join(',')}`;
  });
  return `id,set,fat,${axis.join(',')}\n${rows.join('\n')}\n`;
}

describe('export of regression runs', () => {
  it('PLS regression and a CNN on a value: rmse, mae, r², bias, SEP, RPD equal a recomputation from predictions.csv; parity plot; one CAM column', async () => {
    const file = path.join(dir, 'fat.csv');
    fs.writeFileSync(file, regressionCsv());
    const db = openProject(path.join(dir, 'fat.spectra'), { create: true });
    await importFiles(db, { files: [file], dataset: 'Fat', splitColumn: 'set' });
    for (const model of ['pls', 'cnn'] as const) {
      const o = await startTraining(db, requestByName(db, { dataset: 'Fat', target: 'fat', model, validation: { kind: 'given' }, seed: 1, epochs: 30, engine: 'wasm', threads: 1 }), { spawn }).outcome;
      expect(o.status).toBe('done');
      const out = path.join(dir, `fat-${model}`);
      const result = exportRun(db, o.runId, out);
      const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as ExportedMetrics;
      const [head, ...rows] = readCsv(path.join(out, 'predictions.csv'));
      expect(head).toEqual(['sample_id', 'key', 'truth', 'predicted']);
      expect(rows).toHaveLength(12);
      const r = regressionReport(
        rows.map((x) => Number(x[2])),
        rows.map((x) => Number(x[3])),
      );
      for (const k of ['rmse', 'mae', 'r2', 'bias', 'sep', 'rpd'] as const) expect(metrics.test[k]).toBeCloseTo(r[k], 10);
      const stored = (getRun(db, o.runId).metrics as { test: Record<string, number> }).test;
      for (const k of ['rmse', 'mae', 'r2']) expect(metrics.test[k]).toBeCloseTo(stored[k]!, 10);
      expect(metrics.recomputedPredictionsAgree).toBe(true);
      const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(html).toContain('Parity plot');
      expect(html).not.toContain('class="confusion"');
      if (model === 'cnn') {
        const cam = readCsv(path.join(out, 'cam.csv'));
        expect(cam[0]).toEqual(['axis_nm', 'fat']);
        expect(cam).toHaveLength(101);
        expect(Number(cam[1]![0])).toBe(1100);
      } else expect(result.files).not.toContain('cam.csv');
    }
    db.close();
  }, 120_000);
});
