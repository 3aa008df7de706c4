import type { BuildOptions } from 'esbuild';

/** esbuild options for a Node bundle as scripts/build.mjs makes it: CommonJS, native and Electron modules left external. */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron', 'better-sqlite3', '@tensorflow/*'],
  logLevel: 'silent',
} satisfies BuildOptions;
