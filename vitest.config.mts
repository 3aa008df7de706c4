import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  // As vite.config.ts: renderer modules under test import shared code as @common/….
  resolve: { alias: { '@common': path.join(root, 'src-main/common') } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // test/ml/kernels-relaxed.test.ts sets this to run the relaxed SIMD kernels' tests on Node 20,
    // which has relaxed SIMD only behind this flag.
    execArgv: process.env.SPECTRA_WASM_RELAXED_TESTS ? ['--experimental-wasm-relaxed-simd'] : [],
    reporters: ['default'],
  },
});
