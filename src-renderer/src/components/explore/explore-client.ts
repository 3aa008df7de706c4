/**
 * Runs `computeExplore` in a Web Worker. Explore only ever needs the latest result: a new
 * request stops the worker that is still busy with an older one (its promise resolves to
 * null). Where no worker can be started (an old runtime, a refused script), it computes inline.
 */
import { computeExplore, type ExploreRequest, type ExploreResponse } from './explore-compute';

export type Where = 'worker' | 'inline';

let worker: Worker | null = null;
let unavailable = false;
let pending: { id: number; resolve: (r: { res: ExploreResponse; where: Where } | null) => void; req: ExploreRequest } | null = null;

function start(): Worker | null {
  if (unavailable || typeof Worker === 'undefined') return null;
  try {
    const w = new Worker(new URL('./explore.worker.ts', import.meta.url), { type: 'module', name: 'explore' });
    w.onmessage = (e: MessageEvent<ExploreResponse>) => {
      if (pending && e.data.id === pending.id) {
        const p = pending;
        pending = null;
        p.resolve({ res: e.data, where: 'worker' });
      }
    };
    w.onerror = (e) => {
      // The worker script could not load or crashed: compute this request inline from now on.
      e.preventDefault();
      unavailable = true;
      worker?.terminate();
      worker = null;
      const p = pending;
      pending = null;
      if (p) p.resolve({ res: computeExplore(p.req), where: 'inline' });
    };
    return w;
  } catch {
    unavailable = true;
    return null;
  }
}

/** Resolves to the result, or null when a newer request replaced this one. */
export function runExplore(req: ExploreRequest): Promise<{ res: ExploreResponse; where: Where } | null> {
  if (pending) {
    // Still busy with an older request: stop it rather than queue behind it.
    pending.resolve(null);
    pending = null;
    worker?.terminate();
    worker = null;
  }
  worker ??= start();
  if (!worker) return Promise.resolve({ res: computeExplore(req), where: 'inline' });
  const w = worker;
  return new Promise((resolve) => {
    pending = { id: req.id, resolve, req };
    // A copy goes to the worker (the caller keeps its block), transferred without a second copy.
    const values = Float64Array.from(req.block.values);
    const axis = Float64Array.from(req.block.axis);
    w.postMessage({ ...req, block: { axis, values, rows: req.block.rows } }, [values.buffer, axis.buffer]);
  });
}
