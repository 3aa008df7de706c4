import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * The renderer: a static bundle served by the app's app:// scheme in Electron (relative base, so the
 * e2e harness can serve it from another origin).
 * It may import its own files and `src-main/common/**` (types and pure code) only.
 */
export default defineConfig({
  root: path.join(root, 'src-renderer'),
  base: './',
  plugins: [svelte()],
  resolve: {
    alias: { '@common': path.join(root, 'src-main/common') },
  },
  build: {
    outDir: path.join(root, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
    // One bundle is fine for a desktop app loaded from disk; chart.js is the bulk of it.
    chunkSizeWarningLimit: 1200,
  },
  server: { fs: { allow: [path.join(root, 'src-renderer'), path.join(root, 'src-main/common'), path.join(root, 'node_modules')] } },
});
