/**
 * The heavy part of Explore — the recipe (fitted on the train-tagged spectra), PCA and the
 * band-to-band correlation matrix — as one pure function, run in a Web Worker
 * (explore.worker.ts) so the window stays responsive, or inline where a worker cannot start.
 */
import { applyPipeline, fitOnTraining, parsePipelineSpec, type ResolvedPipeline } from '@common/preprocessing/pipeline';
import { correlationMatrix, pca, type CorrelationMatrix, type PcaResult } from '@common/explore/pca';
import type { SpectraBlock } from '@common/preprocessing/types';

export interface ExploreRequest {
  id: number;
  block: SpectraBlock;
  /** Recipe to apply first (null: raw spectra). */
  spec: ResolvedPipeline | null;
  /** Rows tagged train: what fitted steps learn from (all rows when empty). */
  trainRows: number[];
  components: number;
  corrPoints: number;
}

export type ExploreResponse =
  | { id: number; ok: true; block: SpectraBlock; pca: PcaResult; corr: CorrelationMatrix; durationMs: number }
  | { id: number; ok: false; stage: 'recipe' | 'pca'; message: string };

export function computeExplore(req: ExploreRequest): ExploreResponse {
  const t0 = performance.now();
  let block = req.block;
  if (req.spec) {
    try {
      block = applyPipeline(fitOnTraining(parsePipelineSpec(req.spec), block, req.trainRows), block);
    } catch (e) {
      return { id: req.id, ok: false, stage: 'recipe', message: e instanceof Error ? e.message : String(e) };
    }
  }
  try {
    const model = pca(block.values, block.rows, block.axis.length, req.components);
    const corr = correlationMatrix(block.values, block.rows, block.axis.length, req.corrPoints);
    return { id: req.id, ok: true, block, pca: model, corr, durationMs: performance.now() - t0 };
  } catch (e) {
    return { id: req.id, ok: false, stage: 'pca', message: e instanceof Error ? e.message : String(e) };
  }
}

/** The typed arrays of a response, to transfer instead of copy. */
export function transferables(res: ExploreResponse): ArrayBuffer[] {
  if (!res.ok) return [];
  const arrays = [res.block.values, res.block.axis, res.pca.scores, res.pca.loadings, res.pca.mean, res.pca.explainedVariance, res.pca.explainedVarianceRatio, res.corr.values];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
