import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

// Test files run in two groups, one after the other. The unit tests (parsers, shared numerical
// code, the database, renderer helpers, layering, main-process modules) compute in their own
// process only: they run at least two files at a time, even on a 2-core machine, where vitest's
// default (cores - 1) runs one.
// Everything else trains in trainer processes of two threads, starts Chromium, times cancels or
// the views worker: those keep vitest's default, one file at a time on 2 cores, so that no file
// shares the machine with another file's training.
const UNIT = ['io', 'common', 'db', 'renderer', 'lint', 'main'].map((d) => `test/${d}/**/*.test.ts`);
const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;

export default defineConfig({
  // As vite.config.ts: renderer modules under test import shared code as @common/….
  resolve: { alias: { '@common': path.join(root, 'src-main/common') } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // test/ml/kernels-relaxed.test.ts sets this to run the relaxed SIMD kernels' tests on Node 20,
    // which has relaxed SIMD only behind this flag.
    execArgv: process.env.SPECTRA_WASM_RELAXED_TESTS ? ['--experimental-wasm-relaxed-simd'] : [],
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, maxWorkers: Math.max(2, cores - 1), sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'app', include: ['test/**/*.test.ts'], exclude: UNIT, maxWorkers: Math.max(1, cores - 1), sequence: { groupOrder: 1 } } },
    ],
  },
});
