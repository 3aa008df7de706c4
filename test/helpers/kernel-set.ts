/**
 * The kernel set our WebAssembly engine records on this runtime, worked out the way the runtime
 * decides it rather than written into tests: the relaxed SIMD build where WebAssembly.validate
 * accepts its bytes (Node 22 and Electron by default, Node 20 only with
 * --experimental-wasm-relaxed-simd), else the SIMD128 one. SPECTRA_KERNELS_BUILD=simd128 keeps
 * the latter, as it does for the engine.
 */
import fs from 'node:fs';
import { findBuilt } from '../../src-main/ml/built-files';

export function expectedKernelSet(): 'spectra-desk wasm-relaxed-simd' | 'spectra-desk wasm-simd' {
  const relaxed = findBuilt('ml/kernels-relaxed.wasm');
  const validates = relaxed !== null && WebAssembly.validate(fs.readFileSync(relaxed));
  return validates && process.env.SPECTRA_KERNELS_BUILD !== 'simd128' ? 'spectra-desk wasm-relaxed-simd' : 'spectra-desk wasm-simd';
}
