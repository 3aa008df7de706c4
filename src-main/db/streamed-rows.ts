/**
 * The trainer's reader of a streamed run's spectra: a read-only connection to the project file
 * and channel 0 of the samples asked for, from the row store (one BLOB per spectrum, read by
 * sample id; the map's band-major copy serves whole bands, not rows).
 */
import { UserError } from '../common/errors';
import { openProject } from './connection';
import { loadSpectra } from './datasets';

/** Sample ids per query (a window is read in a few of these). */
const QUERY_ROWS = 1024;

export interface StreamedRows {
  read(sampleIds: ArrayLike<number>): { keys: string[]; values: Float64Array };
  close(): void;
}

export function openStreamedRows(s: { project: string; nativeBinding?: string; datasetId: number; axis: Float64Array }): StreamedRows {
  const db = openProject(s.project, { readonly: true, ...(s.nativeBinding ? { nativeBinding: s.nativeBinding } : {}) });
  const points = s.axis.length;
  return {
    read(sampleIds) {
      const ids = Array.from(sampleIds);
      const values = new Float64Array(ids.length * points);
      const keys: string[] = new Array(ids.length);
      const at = new Map(ids.map((id, i) => [id, i]));
      let found = 0;
      for (let first = 0; first < ids.length; first += QUERY_ROWS) {
        for (const sp of loadSpectra(db, s.datasetId, ids.slice(first, first + QUERY_ROWS))) {
          const i = at.get(sp.sampleId)!;
          const v = sp.channels[0];
          if (!v || v.length !== points) throw new UserError('BAD_INPUT', `Sample "${sp.key}" has ${v ? v.length : 'no'} points in its spectrum; the run's axis has ${points}. The dataset changed while it was being trained on.`);
          values.set(v, i * points);
          keys[i] = sp.key;
          found++;
        }
      }
      if (found !== ids.length) throw new UserError('NOT_FOUND', `${ids.length - found} of the run's spectra are no longer in dataset ${s.datasetId} of ${s.project}; it changed while it was being trained on.`);
      return { keys, values };
    },
    close: () => db.close(),
  };
}
