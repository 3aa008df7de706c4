import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Session, type Host } from '../../src-main/services/session';
import { CHANNELS, contract } from '../../src-main/common/ipc/contract';
import { fixture } from '../helpers/datasets';
import { tmpDir } from '../helpers/tmp';

function host(dir: string, answers: Partial<Record<keyof Host['dialogs'], unknown>> = {}): Host & { events: [string, unknown][] } {
  const events: [string, unknown][] = [];
  return {
    events,
    dialogs: {
      saveProject: async () => (answers.saveProject as string | null) ?? null,
      openProject: async () => (answers.openProject as string | null) ?? null,
      importFiles: async () => (answers.importFiles as string[] | null) ?? null,
      labelsFile: async () => (answers.labelsFile as string | null) ?? null,
    },
    emit: (event, payload) => events.push([event, payload]),
    userDataDir: path.join(dir, 'userdata'),
    demoDir: path.resolve(__dirname, '../../assets/demo'),
    version: '0.0.0-test',
    engine: 'test engine',
  };
}

describe('Session.invoke', () => {
  it('has a handler for every contract channel', () => {
    const s = new Session(host(tmpDir()));
    expect(Object.keys(s.handlers).sort()).toEqual([...CHANNELS].sort());
    expect(CHANNELS).toEqual(Object.keys(contract));
  });

  it('returns errors as data: unknown channel, bad input, no project', async () => {
    const s = new Session(host(tmpDir()));
    expect(await s.invoke('fs:readFile', {})).toEqual({ ok: false, error: { code: 'BAD_INPUT', message: 'Unknown channel fs:readFile.' } });
    const bad = await s.invoke('datasets:get', { datasetId: 'one' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', field: 'datasetId' } });
    expect(await s.invoke('datasets:get', { datasetId: 1, extra: true })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await s.invoke('datasets:list', {})).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No project is open. Create or open a project first.' } });
  });

  it('creates a project, imports through the dialog with progress events, and reopens it from the recent list', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'lab.spectra');
    const h = host(dir, { saveProject: file, importFiles: [fixture('ucr_spectro/Meat/Meat_TRAIN.tsv')] });
    const s = new Session(h);
    expect(await s.invoke('project:create', {})).toMatchObject({ ok: true, value: { path: file, name: 'lab' } });
    const imported = await s.invoke('datasets:import', { jobId: 'j1', splitTag: 'train' });
    expect(imported).toMatchObject({ ok: true, value: { dataset: 'Meat', samples: 60 } });
    const progress = h.events.filter(([e]) => e === 'imports:progress').map(([, p]) => p as { stage: string; fraction: number });
    expect(progress.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });
    const preview = await s.invoke('datasets:spectra', { datasetId: 1, maxSpectra: 10, colorBy: 'class' });
    expect(preview.ok).toBe(true);
    if (preview.ok) {
      const v = preview.value as { sampleIds: number[]; intensities: Float32Array; axis: Float64Array; groups: unknown[]; total: number };
      expect(v.sampleIds.length).toBe(10);
      expect(v.total).toBe(60);
      expect(v.intensities.length).toBe(10 * 448);
      expect(v.axis.length).toBe(448);
      expect(new Set(v.groups)).toEqual(new Set(['1', '2', '3']));
      expect((preview.value as { splits: unknown[] }).splits).toEqual(Array(10).fill('train'));
    }
    const stats = await s.invoke('datasets:classStats', { datasetId: 1, column: 'class' });
    expect(stats.ok && (stats.value as { classes: { value: string; count: number }[] }).classes.map((c) => [c.value, c.count])).toEqual([
      ['1', 20],
      ['2', 20],
      ['3', 20],
    ]);
    await s.invoke('project:close', {});

    const again = new Session(host(dir));
    const recent = await again.invoke('project:recent', {});
    expect(recent).toMatchObject({ ok: true, value: [{ path: file, name: 'lab', exists: true }] });
    expect(await again.invoke('project:openRecent', { path: path.join(dir, 'elsewhere.spectra') })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await again.invoke('project:openRecent', { path: file })).toMatchObject({ ok: true });
    const list = await again.invoke('datasets:list', {});
    expect(list.ok && (list.value as { name: string; samples: number }[]).map((d) => [d.name, d.samples])).toEqual([['Meat', 60]]);
    again.close();
  });

  it('refuses to create a project over an existing file', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'exists.spectra');
    fs.writeFileSync(file, 'precious');
    const s = new Session(host(dir, { saveProject: file }));
    expect(await s.invoke('project:create', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(fs.readFileSync(file, 'utf8')).toBe('precious');
  });

  it('opens the demo project with the coffee and Tecator datasets', async () => {
    const dir = tmpDir();
    const s = new Session(host(dir));
    expect(await s.invoke('project:openDemo', {})).toMatchObject({ ok: true, value: { name: 'Demo project' } });
    const list = await s.invoke('datasets:list', {});
    expect(list.ok).toBe(true);
    const datasets = (list as { value: { name: string; samples: number; points: number; splits: object; columns: Record<string, { kind: string; distinct: number }> }[] }).value;
    expect(datasets.map((d) => [d.name, d.samples, d.points])).toEqual([
      ['Coffee ATR-FTIR (3 origins)', 60, 1841],
      ['Tecator meat NIR', 215, 100],
    ]);
    expect(datasets[0]!.columns.origin).toMatchObject({ kind: 'class', distinct: 3 });
    expect(datasets[1]!.splits).toEqual({ train: 172, test: 43, none: 0 });
    expect(datasets[1]!.columns.fat).toMatchObject({ kind: 'number' });
    s.close();
  });

  it('saves recipes resolved with defaults, replaces by name, and refuses bad params with the field', async () => {
    const dir = tmpDir();
    const s = new Session(host(dir, { saveProject: path.join(dir, 'r.spectra') }));
    await s.invoke('project:create', {});
    const saved = await s.invoke('pipelines:save', { name: 'SG + SNV', spec: { schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { derivative: 1 } }, { kind: 'snv' }] } });
    expect(saved).toMatchObject({ ok: true, value: { id: 1, name: 'SG + SNV', spec: { schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', enabled: true, params: { windowSize: 11, polynomial: 2, derivative: 1 } }, { kind: 'snv' }] } } });
    await s.invoke('pipelines:save', { name: 'SG + SNV', spec: { schemaVersion: 1, steps: [{ kind: 'snv' }] } });
    const list = await s.invoke('pipelines:list', {});
    expect(list.ok && (list.value as { name: string; spec: { steps: { kind: string }[] } }[]).map((p) => [p.name, p.spec.steps.map((x) => x.kind)])).toEqual([['SG + SNV', ['snv']]]);
    const bad = await s.invoke('pipelines:save', { name: 'bad', spec: { schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 'big' } }] } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(bad.ok === false && bad.error.message).toMatch(/windowSize/);
    expect(await s.invoke('pipelines:delete', { id: 1 })).toEqual({ ok: true, value: null });
    expect(await s.invoke('pipelines:list', {})).toEqual({ ok: true, value: [] });
    s.close();
  });
  it('applies a recipe to a dataset as a job: progress events, a new dataset, and a cancel that stores nothing', async () => {
    const dir = tmpDir();
    const h = host(dir, { saveProject: path.join(dir, 'a.spectra'), importFiles: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')] });
    const s = new Session(h);
    await s.invoke('project:create', {});
    await s.invoke('datasets:import', { jobId: 'imp', splitTag: 'train' });
    const spec = { schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { derivative: 1 } }, { kind: 'snv' }] };

    // Cancelled right after it starts: the job is registered before the first await.
    const cancelled = s.invoke('datasets:applyRecipe', { datasetId: 1, spec, recipeName: 'SG1 + SNV', jobId: 'apply-1' });
    expect(await s.invoke('jobs:cancel', { jobId: 'apply-1' })).toEqual({ ok: true, value: true });
    expect(await cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await s.invoke('jobs:cancel', { jobId: 'apply-1' })).toEqual({ ok: true, value: false });
    const names = async () => ((await s.invoke('datasets:list', {})) as { value: { name: string }[] }).value.map((d) => d.name);
    expect(await names()).toEqual(['Coffee']);

    const done = await s.invoke('datasets:applyRecipe', { datasetId: 1, spec, recipeName: 'SG1 + SNV', jobId: 'apply-2' });
    expect(done).toMatchObject({ ok: true, value: { datasetId: 2, dataset: 'Coffee · SG1 + SNV', samples: 28, points: 286, fittedOn: 'train', fittedSamples: 28 } });
    expect(await names()).toEqual(['Coffee', 'Coffee · SG1 + SNV']);
    const progress = h.events.filter(([e, p]) => e === 'recipes:progress' && (p as { jobId: string }).jobId === 'apply-2').map(([, p]) => p as { stage: string; fraction: number });
    expect(progress[0]).toMatchObject({ stage: 'loading', fraction: 0 });
    expect(progress.at(-1)).toMatchObject({ stage: 'done', fraction: 1 });
    const got = await s.invoke('datasets:get', { datasetId: 2 });
    expect(got).toMatchObject({ ok: true, value: { derivedFrom: { sourceDatasetId: 1, sourceDataset: 'Coffee', recipe: 'SG1 + SNV', fittedOn: 'train' } } });

    const bad = await s.invoke('datasets:applyRecipe', { datasetId: 1, spec: { schemaVersion: 1, steps: [{ kind: 'nope' }] }, jobId: 'apply-3' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(bad.ok === false && bad.error.message).toMatch(/unknown kind "nope"/);
    s.close();
  });
});

