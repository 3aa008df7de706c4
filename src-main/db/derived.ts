import type { Db } from './connection';
import type { DerivedFrom } from '../common/domain/project';
import type { AxisUnit, SplitTag } from '../common/domain/spectra';
import type { FittedPipeline } from '../common/preprocessing/pipeline';
import type { JsonValue } from '../common/preprocessing/types';
import { upsertAxis } from './axes';
import { insertDataset, sampleWriter } from './dataset-rows';

/** Everything recorded about how a derived dataset was made. */
export interface Provenance {
  sourceDatasetId: number | null;
  sourceDatasetName: string;
  recipeName: string | null;
  fitted: FittedPipeline;
  fittedOn: 'train' | 'all';
  fittedSamples: number;
  /** Channel of the source that was processed. */
  sourceChannel: number;
  appVersion: string;
  createdAt: string;
}

export interface DerivedDataset {
  name: string;
  sourceDatasetId: number;
  /** Output axis of the recipe and the source's axis unit. */
  axis: Float64Array;
  axisUnit: AxisUnit;
  /** Source sample ids, in the order of `spectra`. */
  sourceSampleIds: number[];
  /** One processed spectrum per source sample, on `axis`. */
  spectra: Float32Array[];
  provenance: Provenance;
}

/**
 * Writes a derived dataset: the processed spectra (channel 0) under the source's sample keys,
 * with copies of its columns, label values, split tags and map coordinates, and its provenance.
 * Call it inside a transaction: it writes many rows and checks nothing the caller has not.
 */
export function insertDerivedDataset(db: Db, d: DerivedDataset): number {
  const created = d.provenance.createdAt;
  const datasetId = insertDataset(db, d.name, created, null);
  db.prepare('INSERT INTO columns (dataset_id, name, kind, position, unit) SELECT ?, name, kind, position, unit FROM columns WHERE dataset_id = ? ORDER BY position').run(datasetId, d.sourceDatasetId);
  const axisId = upsertAxis(db, d.axis, d.axisUnit);
  const source = db.prepare('SELECT sample_key, split, map_x, map_y, source_index FROM samples WHERE id = ? AND dataset_id = ?');
  const write = sampleWriter(db);
  // Label values follow their column by name into the new dataset's copy of it.
  const copyValues = db.prepare(
    `INSERT INTO sample_values (sample_id, column_id, text_value, number_value)
       SELECT ?, nc.id, v.text_value, v.number_value FROM sample_values v
         JOIN columns oc ON oc.id = v.column_id
         JOIN columns nc ON nc.dataset_id = ? AND nc.name = oc.name
        WHERE v.sample_id = ?`,
  );
  d.sourceSampleIds.forEach((sourceId, i) => {
    const s = source.get(sourceId, d.sourceDatasetId) as { sample_key: string; split: SplitTag | null; map_x: number | null; map_y: number | null; source_index: number | null } | undefined;
    if (!s) throw new Error(`Sample ${sourceId} vanished from dataset ${d.sourceDatasetId} while the recipe was applied.`);
    const sampleId = write.sample({ datasetId, key: s.sample_key, axisId, split: s.split, mapX: s.map_x, mapY: s.map_y, sourceFileId: null, sourceIndex: s.source_index });
    write.channel(sampleId, 0, d.spectra[i]!);
    copyValues.run(sampleId, datasetId, sourceId);
  });
  const p = d.provenance;
  db.prepare(
    `INSERT INTO dataset_provenance (dataset_id, source_dataset_id, source_dataset_name, recipe_name, pipeline_json, pipeline_hash,
       fitted_state_json, fitted_on, fitted_samples, source_channel, app_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    datasetId,
    p.sourceDatasetId,
    p.sourceDatasetName,
    p.recipeName,
    JSON.stringify(p.fitted.spec),
    p.fitted.spec.hash,
    JSON.stringify(p.fitted.states),
    p.fittedOn,
    p.fittedSamples,
    p.sourceChannel,
    p.appVersion,
    created,
  );
  return datasetId;
}

interface ProvenanceRow {
  source_dataset_id: number | null;
  source_dataset_name: string;
  recipe_name: string | null;
  pipeline_json: string;
  pipeline_hash: string;
  fitted_state_json: string;
  fitted_on: 'train' | 'all';
  fitted_samples: number;
  source_channel: number;
  app_version: string;
  created_at: string;
}

function provenanceRow(db: Db, datasetId: number): ProvenanceRow | undefined {
  return db.prepare('SELECT * FROM dataset_provenance WHERE dataset_id = ?').get(datasetId) as ProvenanceRow | undefined;
}

/** The full provenance of a derived dataset (spec and fitted state), or null for an imported one. */
export function getProvenance(db: Db, datasetId: number): Provenance | null {
  const r = provenanceRow(db, datasetId);
  if (!r) return null;
  return {
    sourceDatasetId: r.source_dataset_id,
    sourceDatasetName: r.source_dataset_name,
    recipeName: r.recipe_name,
    fitted: { spec: JSON.parse(r.pipeline_json) as FittedPipeline['spec'], states: JSON.parse(r.fitted_state_json) as (JsonValue | null)[] },
    fittedOn: r.fitted_on,
    fittedSamples: r.fitted_samples,
    sourceChannel: r.source_channel,
    appVersion: r.app_version,
    createdAt: r.created_at,
  };
}

/** What the dataset list shows about a derived dataset (no fitted state: it can be large). */
export function derivedFrom(db: Db, datasetId: number): DerivedFrom | undefined {
  const r = db
    .prepare(
      `SELECT p.source_dataset_id, coalesce(d.name, p.source_dataset_name) AS source_dataset_name, p.recipe_name, p.pipeline_json, p.pipeline_hash,
              p.fitted_on, p.fitted_samples, p.created_at
         FROM dataset_provenance p LEFT JOIN datasets d ON d.id = p.source_dataset_id WHERE p.dataset_id = ?`,
    )
    .get(datasetId) as Omit<ProvenanceRow, 'fitted_state_json' | 'source_channel' | 'app_version'> | undefined;
  if (!r) return undefined;
  return {
    sourceDatasetId: r.source_dataset_id,
    sourceDataset: r.source_dataset_name,
    recipe: r.recipe_name,
    pipeline: JSON.parse(r.pipeline_json) as DerivedFrom['pipeline'],
    pipelineHash: r.pipeline_hash,
    fittedOn: r.fitted_on,
    fittedSamples: r.fitted_samples,
    createdAt: r.created_at,
  };
}
