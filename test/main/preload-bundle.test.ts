import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { NODE_BUNDLE } from './helpers/bundle';

// A sandboxed preload can require only 'electron' and a few built-ins: the bundle (built as
// scripts/build.mjs does) must not need anything else at run time.
describe('preload bundle', () => {
  it('requires nothing but electron', async () => {
    const result = await build({
      ...NODE_BUNDLE,
      entryPoints: [path.resolve(__dirname, '../../src-main/preload/index.ts')],
      write: false,
    });
    const code = result.outputFiles[0]!.text;
    expect([...new Set([...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]))]).toEqual(['electron']);
    expect(code).not.toMatch(/__dirname|__filename|\bBuffer\b/);
  });
});
