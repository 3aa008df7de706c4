/** The WebAssembly feature probes the bench reports: SIMD128 and relaxed SIMD. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RELAXED_SIMD_PROBE, wasmFeatures } from '../../src-main/ml/kernels/features';

/** What WebAssembly.validate says of the relaxed SIMD probe in a fresh node with these flags. */
function validatesIn(flags: string[]): boolean {
  const script = `process.stdout.write(String(WebAssembly.validate(new Uint8Array(${JSON.stringify([...RELAXED_SIMD_PROBE])}))))`;
  return execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }) === 'true';
}

describe('wasmFeatures', () => {
  it('answers in booleans; this runtime has SIMD128', () => {
    const f = wasmFeatures();
    expect(f.simd128).toBe(true);
    expect(typeof f.relaxedSimd).toBe('boolean');
    expect(Object.keys(f).sort()).toEqual(['relaxedSimd', 'simd128']);
  });

  it('relaxed SIMD is what this node says of the probe: absent on Node 20 by default', () => {
    expect(wasmFeatures().relaxedSimd).toBe(validatesIn([]));
    if (process.versions.node.startsWith('20.')) expect(wasmFeatures().relaxedSimd).toBe(false);
  });

  it('the probe is a valid module where relaxed SIMD is switched on, so a false answer is the runtime, not the probe', () => {
    const flags = process.versions.node.startsWith('20.') ? ['--experimental-wasm-relaxed-simd'] : [];
    expect(validatesIn(flags)).toBe(true);
  });
});
