#!/usr/bin/env node
// The autoencoder's figures for the closing note of issue 13 (scripts/autoencoder/figures.ts
// says what it computes): bundles that file with esbuild and runs it. Needs out/ml built
// (node scripts/build.mjs --node-only) for the WebAssembly kernels and the worker threads.
// Usage: node scripts/autoencoder-figures.mjs [--epochs 300] [--seed 1] [--threads 1]
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-ae-'));
const outfile = path.join(dir, 'figures.cjs');
await build({ entryPoints: [path.join(root, 'scripts', 'autoencoder', 'figures.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'warning' });
process.chdir(root);
createRequire(import.meta.url)(outfile);
