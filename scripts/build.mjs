#!/usr/bin/env node
// Builds everything into out/: main, preload, trainer-free CLI and bench with esbuild (CommonJS,
// native and Electron modules left external), and the Svelte renderer with Vite.
// `--node-only` skips the renderer (postinstall, CLI and bench need only the Node bundles).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeOnly = process.argv.includes('--node-only');

const external = ['electron', 'better-sqlite3', '@tensorflow/*', 'playwright-core', 'vite', 'esbuild'];
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
};

const entries = [
  { in: 'src-main/cli/index.ts', out: 'out/cli/index.cjs' },
  { in: 'src-main/bench/index.ts', out: 'out/bench/index.cjs' },
  { in: 'src-main/main/index.ts', out: 'out/main/index.cjs' },
  { in: 'src-main/services/parse-worker.ts', out: 'out/main/parse-worker.cjs' },
  { in: 'src-main/services/views-worker.ts', out: 'out/main/views-worker.cjs' },
  { in: 'src-main/preload/index.ts', out: 'out/preload/index.cjs' },
  { in: 'src-main/services/trainer-entry.ts', out: 'out/ml/trainer.cjs' },
  { in: 'src-main/ml/engine/replica-worker.ts', out: 'out/ml/replica-worker.cjs' },
  { in: 'src-main/ml/engine/predict-worker.ts', out: 'out/ml/predict-worker.cjs' },
].filter((e) => fs.existsSync(path.join(root, e.in)));

await Promise.all(entries.map((e) => build({ ...common, entryPoints: [path.join(root, e.in)], outfile: path.join(root, e.out) })));
await (await import('./build-wasm.mjs')).buildKernelsWasm(); // out/ml/kernels.wasm (training engine kernels)

if (!nodeOnly) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}
