import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openProject, schemaVersion } from '../../src-main/db/connection';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src-main/db/migrations';
import { tmpDir } from '../helpers/tmp';

/** A project at `version` with a dataset and one run of `status` with an epoch: the rows a runs migration must keep. */
function projectWithRun(version: number, status: string, config: string) {
  const db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true, targetVersion: version });
  const dataset = Number(db.prepare('INSERT INTO datasets (name, created_at) VALUES (?, ?)').run('raw', '2026-01-01T00:00:00Z').lastInsertRowid);
  const addRun = db.prepare(
    `INSERT INTO runs (dataset_id, status, model, task, target_column, config_json, seed, created_at)
       VALUES (?, ?, 'plsda', 'classification', 'class', ?, 7, '2026-01-02T00:00:00Z')`,
  );
  const add = () => Number(addRun.run(dataset, status, config).lastInsertRowid);
  const run = add();
  db.prepare("INSERT INTO run_epochs (run_id, fold, epoch, metrics_json) VALUES (?, 0, 1, '{\"loss\":0.5}')").run(run);
  return { db, dataset, run, add };
}

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('migration 1 creates the schema from an empty file and records the creation time', () => {
    const db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true, targetVersion: 0 });
    expect(schemaVersion(db)).toBe(0);
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    const created = db.prepare("SELECT value FROM project_info WHERE key = 'created_at'").get() as { value: string };
    expect(Number.isNaN(Date.parse(created.value))).toBe(false);
    db.close();
  });

  it('each migration keeps the rows seeded at the version before it', () => {
    for (const m of MIGRATIONS) {
      const db = openProject(path.join(tmpDir(), `m${m.version}.spectra`), { create: true, targetVersion: m.version - 1 });
      if (m.version > 1) {
        db.prepare('INSERT INTO datasets (name, created_at) VALUES (?, ?)').run('seeded', '2026-01-01T00:00:00Z');
      }
      migrate(db, m.version);
      expect(schemaVersion(db)).toBe(m.version);
      if (m.version > 1) {
        expect(db.prepare('SELECT name, created_at FROM datasets').all()).toEqual([{ name: 'seeded', created_at: '2026-01-01T00:00:00Z' }]);
      }
      db.close();
    }
  });

  it('migration 2 adds dataset provenance that follows its dataset and outlives its source', () => {
    const db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true, targetVersion: 1 });
    const add = db.prepare('INSERT INTO datasets (name, created_at) VALUES (?, ?)');
    const source = Number(add.run('raw', '2026-01-01T00:00:00Z').lastInsertRowid);
    migrate(db, 2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT id, name FROM datasets').all()).toEqual([{ id: source, name: 'raw' }]);
    const derived = Number(add.run('raw · snv', '2026-01-02T00:00:00Z').lastInsertRowid);
    const insert = db.prepare(
      `INSERT INTO dataset_provenance (dataset_id, source_dataset_id, source_dataset_name, recipe_name, pipeline_json, pipeline_hash, fitted_state_json,
         fitted_on, fitted_samples, app_version, created_at) VALUES (?, ?, 'raw', 'snv', '{}', 'fnv1a64:0', '[null]', ?, 3, '0.1.0', '2026-01-02T00:00:00Z')`,
    );
    insert.run(derived, source, 'train');
    expect(() => insert.run(source, null, 'some')).toThrow(/CHECK constraint/);
    db.prepare('DELETE FROM datasets WHERE id = ?').run(source);
    expect(db.prepare('SELECT dataset_id, source_dataset_id, source_dataset_name, source_channel FROM dataset_provenance').all()).toEqual([
      { dataset_id: derived, source_dataset_id: null, source_dataset_name: 'raw', source_channel: 0 },
    ]);
    db.prepare('DELETE FROM datasets WHERE id = ?').run(derived);
    expect(db.prepare('SELECT count(*) AS n FROM dataset_provenance').get()).toEqual({ n: 0 });
    db.close();
  });

  it('migration 3 keeps the runs and their rows, and adds fold children that go with their parent', () => {
    const { db, dataset, run: parent, add } = projectWithRun(2, 'done', '{"folds":5}');
    db.prepare("INSERT INTO run_artifacts (run_id, name, media_type, data) VALUES (?, 'model.json', 'application/json', x'7b7d')").run(parent);
    migrate(db, 3);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT id, dataset_id, status, model, config_json, seed, parent_run_id, fold_index, fold_label FROM runs').all()).toEqual([
      { id: parent, dataset_id: dataset, status: 'done', model: 'plsda', config_json: '{"folds":5}', seed: 7, parent_run_id: null, fold_index: null, fold_label: null },
    ]);
    expect(db.prepare('SELECT run_id, fold, epoch, metrics_json FROM run_epochs').all()).toEqual([{ run_id: parent, fold: 0, epoch: 1, metrics_json: '{"loss":0.5}' }]);
    expect(db.prepare('SELECT run_id, name, hex(data) AS data FROM run_artifacts').all()).toEqual([{ run_id: parent, name: 'model.json', data: '7B7D' }]);
    expect((db.prepare("SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('runs') WHERE cid >= 17").all())).toEqual([
      { name: 'parent_run_id', type: 'INTEGER', notnull: 0, dflt_value: null },
      { name: 'fold_index', type: 'INTEGER', notnull: 0, dflt_value: null },
      { name: 'fold_label', type: 'TEXT', notnull: 0, dflt_value: null },
    ]);
    expect(db.prepare("SELECT name FROM pragma_index_list('runs')").all()).toEqual([{ name: 'runs_by_parent' }]);

    const child = add();
    db.prepare("UPDATE runs SET parent_run_id = ?, fold_index = 0, fold_label = 'fold 1 of 5' WHERE id = ?").run(parent, child);
    expect(() => db.prepare('UPDATE runs SET parent_run_id = ? WHERE id = ?').run(child + 100, child)).toThrow(/FOREIGN KEY constraint/);
    db.prepare('DELETE FROM runs WHERE id = ?').run(parent);
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
    db.close();
  });

  it('migration 4 keeps the runs, with no trainer on the rows from before, and records who trains a run', () => {
    const { db, dataset, run: old, add } = projectWithRun(3, 'running', '{}');
    migrate(db, 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT id, dataset_id, status, model, seed, parent_run_id, trainer_pid, trainer_host, heartbeat_at FROM runs').all()).toEqual([
      { id: old, dataset_id: dataset, status: 'running', model: 'plsda', seed: 7, parent_run_id: null, trainer_pid: null, trainer_host: null, heartbeat_at: null },
    ]);
    expect(db.prepare('SELECT run_id, fold, epoch, metrics_json FROM run_epochs').all()).toEqual([{ run_id: old, fold: 0, epoch: 1, metrics_json: '{"loss":0.5}' }]);
    expect(db.prepare("SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('runs') WHERE cid >= 20").all()).toEqual([
      { name: 'trainer_pid', type: 'INTEGER', notnull: 0, dflt_value: null },
      { name: 'trainer_host', type: 'TEXT', notnull: 0, dflt_value: null },
      { name: 'heartbeat_at', type: 'TEXT', notnull: 0, dflt_value: null },
    ]);
    const added = add();
    db.prepare("UPDATE runs SET trainer_pid = 1234, trainer_host = 'lab-pc', heartbeat_at = '2026-01-02T00:00:02Z' WHERE id = ?").run(added);
    expect(db.prepare('SELECT trainer_pid, trainer_host, heartbeat_at FROM runs WHERE id = ?').get(added)).toEqual({ trainer_pid: 1234, trainer_host: 'lab-pc', heartbeat_at: '2026-01-02T00:00:02Z' });
    db.close();
  });

  it('migration 5 keeps every row and gives the summary queries their indexes', () => {
    const { db, dataset } = projectWithRun(4, 'done', '{}');
    const axis = Number(db.prepare("INSERT INTO axes (unit, points, first_value, last_value, values_f64, hash) VALUES ('cm-1', 2, 1, 2, x'', 'h')").run().lastInsertRowid);
    const addSample = db.prepare("INSERT INTO samples (dataset_id, sample_key, axis_id, split) VALUES (?, ?, ?, 'train')");
    const column = Number(db.prepare("INSERT INTO columns (dataset_id, name, kind, position) VALUES (?, 'class', 'class', 0)").run(dataset).lastInsertRowid);
    for (const [key, channels] of [['a', 1], ['b', 2]] as const) {
      const id = Number(addSample.run(dataset, key, axis).lastInsertRowid);
      for (let c = 0; c < channels; c++) db.prepare("INSERT INTO channels (sample_id, channel, intensities_f32) VALUES (?, ?, x'0000803f')").run(id, c);
      db.prepare('INSERT INTO sample_values (sample_id, column_id, text_value) VALUES (?, ?, ?)').run(id, column, key.toUpperCase());
    }
    const rows = () => ({
      samples: db.prepare('SELECT dataset_id, sample_key, split FROM samples ORDER BY id').all(),
      channels: db.prepare('SELECT sample_id, channel FROM channels ORDER BY sample_id, channel').all(),
      values: db.prepare('SELECT sample_id, text_value FROM sample_values ORDER BY sample_id').all(),
    });
    const before = rows();
    migrate(db, 5);
    expect(schemaVersion(db)).toBe(5);
    expect(rows()).toEqual(before);
    const indexes = (table: string) => (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name").all(table) as { name: string }[]).map((r) => r.name);
    expect(indexes('samples')).toEqual(['samples_by_dataset_split']);
    expect(indexes('sample_values')).toEqual(['sample_values_by_column_value']);
    expect(indexes('channels')).toEqual(['channels_beyond_first']);
    // The partial index holds only the channels after the first.
    expect(db.prepare('SELECT sample_id, channel FROM channels INDEXED BY channels_beyond_first WHERE channel > 0').all()).toEqual([{ sample_id: 2, channel: 1 }]);
    db.close();
  });

  it('migration 6 keeps every row and stores a name and an axis per channel that go with their dataset', () => {
    const { db, dataset } = projectWithRun(5, 'done', '{}');
    const addAxis = db.prepare("INSERT INTO axes (unit, points, first_value, last_value, values_f64, hash) VALUES ('nm', 2, ?, ?, x'', ?)");
    const axis0 = Number(addAxis.run(600, 602, 'a0').lastInsertRowid);
    const axis1 = Number(addAxis.run(700, 702, 'a1').lastInsertRowid);
    const sample = Number(db.prepare("INSERT INTO samples (dataset_id, sample_key, axis_id, split) VALUES (?, 'a', ?, 'train')").run(dataset, axis0).lastInsertRowid);
    const before = db.prepare('SELECT id, dataset_id, sample_key, axis_id, split FROM samples').all();
    migrate(db, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT id, dataset_id, sample_key, axis_id, split FROM samples').all()).toEqual(before);
    const add = db.prepare('INSERT INTO channel_axes (dataset_id, channel, axis_id, name) VALUES (?, ?, ?, ?)');
    add.run(dataset, 0, axis0, 'Instrument 1');
    add.run(dataset, 1, axis1, 'Instrument 2');
    expect(() => add.run(dataset, 1, axis1, 'again')).toThrow(/UNIQUE constraint/);
    expect(() => add.run(dataset, -1, axis1, 'negative')).toThrow(/CHECK constraint/);
    expect(() => add.run(dataset, 2, axis1 + 100, 'no axis')).toThrow(/FOREIGN KEY constraint/);
    expect(db.prepare('SELECT channel, axis_id, name FROM channel_axes ORDER BY channel').all()).toEqual([
      { channel: 0, axis_id: axis0, name: 'Instrument 1' },
      { channel: 1, axis_id: axis1, name: 'Instrument 2' },
    ]);
    db.prepare('DELETE FROM samples WHERE id = ?').run(sample);
    db.prepare('DELETE FROM datasets WHERE id = ?').run(dataset);
    expect(db.prepare('SELECT count(*) AS n FROM channel_axes').get()).toEqual({ n: 0 });
    db.close();
  });

  it('is idempotent when reopened', () => {
    const file = path.join(tmpDir(), 'p.spectra');
    openProject(file, { create: true }).close();
    const db = openProject(file);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect((db.prepare("SELECT count(*) AS n FROM project_info WHERE key = 'created_at'").get() as { n: number }).n).toBe(1);
    db.close();
  });
});
