/** `spectra-desk engine` and `spectra-desk bench --json` through the real trainer process. */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { wasmFeatures } from '../../src-main/ml/kernels/features';
import { runCaptured } from '../helpers/cli';
import { expectedKernelSet } from '../helpers/kernel-set';

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
    expect(t.machine).toEqual({
      cpuModel: os.cpus()[0]!.model.trim(),
      cpus: os.cpus().length,
      threads: Number(/(\d+) threads?/.exec(t.engineLabel)![1]),
      kernels: expectedKernelSet(),
      simd128: { available: true, used: true },
      relaxedSimd: { available: wasmFeatures().relaxedSimd, used: expectedKernelSet() === 'spectra-desk wasm-relaxed-simd' },
    });
    expect(t.runs).toEqual([{ spectraPerSecond: t.spectraPerSecond, epochSeconds: t.epochSeconds, referenceSpectraPerSecond: t.reference?.spectraPerSecond ?? null, ratio: t.ratio }]);
    const one = { min: t.spectraPerSecond, median: t.spectraPerSecond, max: t.spectraPerSecond };
    expect(t.summary.ours).toEqual(one);
  }, 120_000);

  it('bench --repeat N trains N times and prints the machine and the min / median / max', async () => {
    const r = await cli(['bench', '--n', '32', '--epochs', '1', '--repeat', '2']);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/^run \d of 2$/gm)).toEqual(['run 1 of 2', 'run 2 of 2']);
    const lines = r.stdout.split('\n');
    const threads = /^ {2}engine: CPU · WebAssembly SIMD · (\d+ threads?)$/m.exec(r.stdout)![1]!.replace(' ', ' training ');
    expect(lines).toContain(`  CPU: ${os.cpus()[0]!.model.trim()}, ${threads} of ${os.cpus().length} logical CPU${os.cpus().length === 1 ? '' : 's'}`);
    const relaxed = expectedKernelSet() === 'spectra-desk wasm-relaxed-simd' ? 'used' : wasmFeatures().relaxedSimd ? 'available, not used' : 'not available';
    expect(lines).toContain(`  SIMD: SIMD128 used; relaxed SIMD ${relaxed}`);
    expect(lines).toContain(`  kernels: ${expectedKernelSet()}`);
    expect(lines).toContain('  over 2 runs, min / median / max:');
    expect(r.stdout).toMatch(/\n {4}Spectra Desk: \d+ \/ \d+ \/ \d+ spectra\/s\n/);
  }, 120_000);

  it('--repeat takes a whole number from 1 to 100, checked before anything is trained', async () => {
    for (const [value, shown] of [['0', '0'], ['101', '101'], ['1.5', '1.5'], ['-2', '-2'], ['two', 'two']]) {
      const r = await cli(['bench', '--repeat', value!]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`spectra-desk: --repeat must be a whole number from 1 to 100 (got "${shown}"). (field repeat)\n`);
    }
  });
});
