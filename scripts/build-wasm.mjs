#!/usr/bin/env node
// Compiles the training engine's compute kernels (assembly/kernels.ts, AssemblyScript) twice with
// the assemblyscript package's programmatic API: out/ml/kernels.wasm (SIMD128, runs everywhere
// with WebAssembly SIMD) and out/ml/kernels-relaxed.wasm (SIMD128 + relaxed SIMD: fused
// multiply-add; the loader takes it where WebAssembly.validate accepts it). Called by
// scripts/build.mjs; runnable on its own: `node scripts/build-wasm.mjs`.
import asc from 'assemblyscript/asc';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The two builds: output file and the features it is compiled with. */
const BUILDS = [
  { file: 'kernels.wasm', features: 'simd' },
  { file: 'kernels-relaxed.wasm', features: 'simd,relaxed-simd' },
];

/** Builds out/ml/kernels.wasm and out/ml/kernels-relaxed.wasm (each skipped when newer than its source); returns the plain one's path. */
export async function buildKernelsWasm({ force = false } = {}) {
  let plain = '';
  for (const b of BUILDS) {
    const file = await buildOne(b.file, b.features, force);
    plain ||= file;
  }
  return plain;
}

async function buildOne(name, features, force) {
  const source = path.join(root, 'assembly', 'kernels.ts');
  const outFile = path.join(root, 'out', 'ml', name);
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
      '--enable', features,
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
  await buildKernelsWasm({ force: process.argv.includes('--force') });
  if (process.argv.includes('--verbose')) for (const b of BUILDS) console.log(`out/ml/${b.file}: ${fs.statSync(path.join(root, 'out', 'ml', b.file)).size} bytes`);
}
