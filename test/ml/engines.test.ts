import { describe, expect, it } from 'vitest';
import { parseEngine, selectEngine } from '../../src-main/ml/engines';
import { expectedKernelSet } from '../helpers/kernel-set';

const missing = (pkg: string) => {
  const e = new Error(`Cannot find module '${pkg}'\nRequire stack:\n- x`);
  throw e;
};

describe('engine selection', () => {
  it('falls through GPU → native CPU → WebAssembly and says why', () => {
    const s = selectEngine('auto', { load: missing, threads: 2 });
    expect(s.info).toEqual({
      id: 'wasm',
      label: 'CPU · WebAssembly SIMD · 2 threads',
      threads: 2,
      fallbacks: [
        '@tensorflow/tfjs-node-gpu is not installed (its install needs internet to download libtensorflow)',
        '@tensorflow/tfjs-node is not installed (its install needs internet to download libtensorflow)',
      ],
      versions: { kernels: expectedKernelSet(), runtime: `node ${process.versions.node}` },
    });
    expect(s.tf).toBeNull();
  });

  it('a native package that is present but broken falls back with its error instead of crashing', () => {
    const load = (pkg: string) => {
      if (pkg === '@tensorflow/tfjs-node-gpu') throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');
      return missing(pkg);
    };
    const s = selectEngine('auto', { load, threads: 1 });
    expect(s.info.id).toBe('wasm');
    expect(s.info.label).toBe('CPU · WebAssembly SIMD · 1 thread');
    expect(s.info.fallbacks[0]).toBe('@tensorflow/tfjs-node-gpu is installed but failed to load: libcudart.so.11.0: cannot open shared object file: No such file or directory');
  });

  it('uses a native package that loads, and records its version', () => {
    const fakeTf = { version_core: '4.22.0', version: { 'tfjs-core': '4.22.0', 'tfjs-node': '4.22.0' } };
    const s = selectEngine('auto', { load: (pkg) => (pkg === '@tensorflow/tfjs-node' ? fakeTf : missing(pkg)), threads: 2 });
    expect(s.info.id).toBe('tfjs-node');
    expect(s.info.label).toBe('CPU · TensorFlow native (4.22.0)');
    // Stored with every run trained on it (runs.versions_json → engine).
    expect(s.info.versions).toEqual({ 'tfjs-core': '4.22.0', 'tfjs-node': '4.22.0' });
    expect(s.tf).toBe(fakeTf);
  });

  it('a forced engine is used or refused with the reason', () => {
    expect(selectEngine('js', { load: missing, threads: 2 }).info.label).toBe('CPU · plain JavaScript · 2 threads (slow)');
    expect(() => selectEngine('tfjs-node-gpu', { load: missing })).toThrow('The tfjs-node-gpu engine is not available: @tensorflow/tfjs-node-gpu is not installed (its install needs internet to download libtensorflow).');
  });

  it('SPECTRA_ENGINE names', () => {
    expect(parseEngine(undefined)).toBe('auto');
    expect(parseEngine('gpu')).toBe('tfjs-node-gpu');
    expect(parseEngine('CPU')).toBe('tfjs-node');
    expect(parseEngine('wasm')).toBe('wasm');
    expect(() => parseEngine('cuda')).toThrow('Unknown engine "cuda": use auto, gpu, cpu, wasm or js.');
  });
});
