// Explore's Web Worker: the recipe, PCA and correlations off the window's thread.
// First: zod must be jitless before any schema is created (no eval, as in the window).
import '../../lib/zod-jitless';
import { computeExplore, transferables, type ExploreRequest } from './explore-compute';

const scope = self as unknown as { onmessage: ((e: MessageEvent<ExploreRequest>) => void) | null; postMessage(message: unknown, transfer: Transferable[]): void };

scope.onmessage = (e) => {
  const res = computeExplore(e.data);
  scope.postMessage(res, transferables(res));
};
