/** The min / median / max of `spectra-desk bench --repeat N`, and the lines that print them. */
import { describe, expect, it } from 'vitest';
import { median, spread, summariseRepeats } from '../../src-main/services/bench-repeat';
import { benchMachineLines, repeatLines, type BenchMachine } from '../../src-main/services/bench-training';

describe('repeat summary', () => {
  it('median of odd and even counts, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow('median of no values');
    expect(spread([900, 1000, 800, 950])).toEqual({ min: 800, median: 925, max: 1000 });
  });

  it('the ratio is taken run by run against the reference of the same run, not of the medians', () => {
    const s = summariseRepeats([
      { ours: 1000, reference: 800 },
      { ours: 900, reference: 1200 },
      { ours: 600, reference: 400 },
    ]);
    expect(s).toEqual({
      ours: { min: 600, median: 900, max: 1000 },
      reference: { min: 400, median: 800, max: 1200 },
      ratio: { min: 0.75, median: 1.25, max: 1.5 },
    });
  });

  it('without a reference in every run there is no reference spread and no ratio', () => {
    expect(summariseRepeats([{ ours: 10, reference: 20 }, { ours: 30, reference: null }])).toEqual({ ours: { min: 10, median: 20, max: 30 }, reference: null, ratio: null });
  });
});

describe('bench lines', () => {
  const machine: BenchMachine = {
    cpuModel: 'Intel(R) Xeon(R) CPU @ 2.20GHz',
    cpus: 2,
    threads: 2,
    kernels: 'spectra-desk wasm-simd',
    simd128: { available: true, used: true },
    relaxedSimd: { available: true, used: false },
  };

  it('say the CPU, the threads of the CPUs, the SIMD features and the kernels', () => {
    expect(benchMachineLines(machine)).toEqual([
      'CPU: Intel(R) Xeon(R) CPU @ 2.20GHz, 2 training threads of 2 logical CPUs',
      'SIMD: SIMD128 used; relaxed SIMD available, not used',
      'kernels: spectra-desk wasm-simd',
    ]);
    expect(benchMachineLines({ ...machine, cpus: 1, threads: 1, kernels: 'spectra-desk js', simd128: { available: true, used: false }, relaxedSimd: { available: false, used: false } })).toEqual([
      'CPU: Intel(R) Xeon(R) CPU @ 2.20GHz, 1 training thread of 1 logical CPU',
      'SIMD: SIMD128 available, not used; relaxed SIMD not available',
      'kernels: spectra-desk js',
    ]);
  });

  it('print min / median / max only for more than one run', () => {
    const run = { spectraPerSecond: 1, epochSeconds: [1], referenceSpectraPerSecond: 1, ratio: 1 };
    const summary = summariseRepeats([
      { ours: 1000, reference: 800 },
      { ours: 900, reference: 1200 },
      { ours: 600, reference: 400 },
    ]);
    expect(repeatLines({ runs: [run, run, run], summary })).toEqual([
      'over 3 runs, min / median / max:',
      '  Spectra Desk: 600 / 900 / 1000 spectra/s',
      '  PyTorch: 400 / 800 / 1200 spectra/s',
      '  ratio (ours / PyTorch, each run against its own reference): 0.75 / 1.25 / 1.50',
    ]);
    expect(repeatLines({ runs: [run, run], summary: { ...summary, reference: null, ratio: null } })).toEqual(['over 2 runs, min / median / max:', '  Spectra Desk: 600 / 900 / 1000 spectra/s']);
    expect(repeatLines({ runs: [run], summary })).toEqual([]);
  });
});
