import type { Db } from './connection';
import { UserError } from '../common/errors';
import type { ResolvedPipeline } from '../common/preprocessing/pipeline';

export type { SavedPipeline } from '../common/ipc/contract';
import type { SavedPipeline } from '../common/ipc/contract';

interface Row {
  id: number;
  name: string;
  spec_json: string;
  created_at: string;
}

const toSaved = (r: Row): SavedPipeline => ({ id: r.id, name: r.name, spec: JSON.parse(r.spec_json) as ResolvedPipeline, createdAt: r.created_at });

export function listPipelines(db: Db): SavedPipeline[] {
  return (db.prepare('SELECT id, name, spec_json, created_at FROM pipelines ORDER BY name COLLATE NOCASE').all() as Row[]).map(toSaved);
}

/** Saves a resolved recipe under a name; saving under an existing name replaces it. */
export function savePipeline(db: Db, name: string, spec: ResolvedPipeline): SavedPipeline {
  const trimmed = name.trim();
  if (!trimmed) throw new UserError('BAD_INPUT', 'A recipe needs a name.', { field: 'name' });
  db.prepare(
    `INSERT INTO pipelines (name, spec_json, spec_hash, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET spec_json = excluded.spec_json, spec_hash = excluded.spec_hash`,
  ).run(trimmed, JSON.stringify(spec), spec.hash, new Date().toISOString());
  return toSaved(db.prepare('SELECT id, name, spec_json, created_at FROM pipelines WHERE name = ?').get(trimmed) as Row);
}

export function deletePipeline(db: Db, id: number): void {
  if (db.prepare('DELETE FROM pipelines WHERE id = ?').run(id).changes === 0) throw new UserError('NOT_FOUND', `Recipe ${id} does not exist.`);
}
