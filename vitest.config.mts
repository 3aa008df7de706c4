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
// the views worker. Those files wait on Chromium, child processes and workers for about half
// their time (one at a time on 2 cores: 1,150 s of CPU in 1,030 s), so they run two at a time
// too, and half as many files as cores on larger machines: 655 s on 2 cores, every file
// passing, and the timed checks (the longest timer gap on a thread, under 250 ms; a cancel,
// under 1 s) measured at 17–43 ms and 360 ms there. The renderer is built once, before any of
// them (test/e2e/global-setup.ts), so that no two files build it into out/renderer at once.
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
      { extends: true, test: { name: 'app', include: ['test/**/*.test.ts'], exclude: UNIT, maxWorkers: Math.max(2, Math.floor(cores / 2)), globalSetup: ['test/e2e/global-setup.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
