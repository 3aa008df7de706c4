/** `spectra-desk engine` and `spectra-desk bench --json` through the real trainer process. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { runCaptured } from '../helpers/cli';

const cli = (args: string[]) => runCaptured(runCli, args);

describe('spectra-desk engine / bench', () => {
  it('names the engine and why the native ones are not used', async () => {
    const r = await cli(['engine']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Training engine: CPU · WebAssembly SIMD · \d threads?\n/);
    expect(r.stdout).toContain('  not used: @tensorflow/tfjs-node-gpu is not installed (its install needs internet to download libtensorflow)\n');
    const forced = await cli(['engine', '--engine', 'js', '--json']);
    expect(JSON.parse(forced.stdout).engine).toMatchObject({ id: 'js', fallbacks: [] });
    const bad = await cli(['engine', '--engine', 'cuda']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--engine cuda: use auto, gpu, cpu, wasm or js.');
  }, 30_000);

  it('bench --json reports the backend, throughput and the PyTorch comparison (or why there is none)', async () => {
    const r = await cli(['bench', '--json', '--n', '64', '--epochs', '1']);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.stdout).training;
    expect(t.backend).toBe('wasm');
    expect(t.spectraPerSecond).toBeGreaterThan(0);
    expect(t.epochSeconds).toHaveLength(1);
    expect(t.peakMemoryBytes).toBeGreaterThan(0);
    if (t.reference === null) {
      expect(t.ratio).toBeNull();
      expect(typeof t.referenceNote).toBe('string');
    } else {
      expect(t.reference.framework).toBe('pytorch');
      expect(t.ratio).toBeCloseTo(t.spectraPerSecond / t.reference.spectraPerSecond, 2);
    }
    expect(r.stderr).toContain('training engine: CPU · WebAssembly SIMD');
  }, 120_000);
});
