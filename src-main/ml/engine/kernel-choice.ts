/** Which kernel implementation a network runs on, and where the built files live. */
import fs from 'node:fs';
import path from 'node:path';

export type KernelKind = 'wasm-simd' | 'js';

/**
 * Finds a file the build writes under out/ml (the wasm kernels, the replica worker, the trainer):
 * next to a bundled script (out/cli, out/main, out/bench, out/ml), or in the repository's out/ml
 * when running from TypeScript sources (tests).
 */
export function locateBuilt(file: string): string | null {
  const candidates: string[] = [];
  if (typeof __dirname === 'string') {
    candidates.push(path.join(__dirname, file), path.join(__dirname, '..', 'ml', file));
  }
  let dir = process.cwd();
  for (let i = 0; i < 6; i++) {
    candidates.push(path.join(dir, 'out', 'ml', file));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (typeof __dirname === 'string') {
    let d = __dirname;
    for (let i = 0; i < 6; i++) {
      candidates.push(path.join(d, 'out', 'ml', file));
      d = path.dirname(d);
    }
  }
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}
