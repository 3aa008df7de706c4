/**
 * Files the build writes under out/ — the trainer (`ml/trainer.cjs`), the replica worker
 * (`ml/replica-worker.cjs`), the WebAssembly kernels (`ml/kernels.wasm`): one way to find them
 * from any bundle and from the TypeScript sources under vitest.
 */
import fs from 'node:fs';
import path from 'node:path';

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Where `out/<rel>` would be, in the order they are tried. */
function candidates(rel: string): string[] {
  const out: string[] = [];
  // $SPECTRA_KERNELS_WASM names another kernels.wasm (tests, a build elsewhere).
  const env = rel === 'ml/kernels.wasm' ? process.env.SPECTRA_KERNELS_WASM : undefined;
  if (env) out.push(path.resolve(env));
  const here = typeof __dirname === 'string' ? __dirname : null;
  // A bundle lives in out/<sub> (out/cli, out/main, out/bench, out/ml): its sibling folder.
  if (here) out.push(path.resolve(here, '..', rel));
  // TypeScript sources (tests): the repository's out/, above this module or the working directory.
  for (const start of [here, process.cwd()]) {
    let dir = start;
    for (let i = 0; dir && i < 8; i++) {
      out.push(path.join(dir, 'out', rel));
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return out;
}

/** The built file `out/<rel>`, or null when this checkout has not built it. */
export function findBuilt(rel: string): string | null {
  return candidates(rel).find(isFile) ?? null;
}

/** The built file `out/<rel>`; throws, naming the build command, when it is missing. */
export function builtFile(rel: string): string {
  const found = findBuilt(rel);
  if (!found) throw new Error(`out/${rel} was not found; run \`npm run build\` (looked in ${candidates(rel).slice(0, 2).join(', ')}).`);
  return found;
}
