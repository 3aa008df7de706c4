/**
 * Runs once before the `app` test files (vitest.config.mts): builds the renderer when its
 * sources are newer than out/renderer, so that the end-to-end files, which run two at a time,
 * never build it into the same folder at once, and none of them walks the sources again.
 */
import { ensureRenderer } from './harness';

export default async function setup(): Promise<void> {
  await ensureRenderer();
}
