#!/usr/bin/env node
// Compiles the training engine's compute kernels (assembly/kernels.ts, AssemblyScript) into
// out/ml/kernels.wasm with the assemblyscript package's programmatic API. Called by
// scripts/build.mjs; runnable on its own: `node scripts/build-wasm.mjs`.
import asc from 'assemblyscript/asc';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds out/ml/kernels.wasm (skipped when it is newer than its source); returns its path. */
export async function buildKernelsWasm({ force = false } = {}) {
  const source = path.join(root, 'assembly', 'kernels.ts');
  const outFile = path.join(root, 'out', 'ml', 'kernels.wasm');
  const newest = Math.max(fs.statSync(source).mtimeMs, fs.statSync(fileURLToPath(import.meta.url)).mtimeMs);
  if (!force && fs.existsSync(outFile) && fs.statSync(outFile).mtimeMs >= newest) return outFile;
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const stderr = [];
  const stdout = [];
  const { error } = await asc.main(
    [
      path.relative(root, source),
      '--outFile', path.relative(root, outFile),
      '-O3',
      '--enable', 'simd',
      '--runtime', 'stub',
      '--noAssert',
      // No host imports: nothing aborts, traces or seeds Math.random in these kernels.
      '--use', 'abort=',
      '--initialMemory', '1',
      '--baseDir', root,
    ],
    {
      stdout: { write: (s) => stdout.push(String(s)) },
      stderr: { write: (s) => stderr.push(String(s)) },
    },
  );
  if (error) throw new Error(`AssemblyScript build of ${path.relative(root, source)} failed: ${error.message}\n${stderr.join('')}`);
  return outFile;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = await buildKernelsWasm({ force: process.argv.includes('--force') });
  if (process.argv.includes('--verbose')) console.log(`${path.relative(root, file)}: ${fs.statSync(file).size} bytes`);
}
