/**
 * Picks the kernels of the CPU training engine: WebAssembly SIMD when it is built and this
 * runtime has SIMD — the relaxed SIMD build (out/ml/kernels-relaxed.wasm, fused multiply-add)
 * where WebAssembly.validate accepts relaxed SIMD, the SIMD128 build (out/ml/kernels.wasm)
 * elsewhere — otherwise plain JavaScript with the reason why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createJsKernels } from './js';
import type { Kernels } from './types';
import { createWasmKernels, wasmSimdSupported } from './wasm';
import { findBuilt } from '../built-files';
import { wasmRelaxedSimdSupported } from './features';

export type { Kernels } from './types';
export { createJsKernels } from './js';
export { createWasmKernels, wasmSimdSupported } from './wasm';

export type KernelsKind = 'wasm-simd' | 'js';

export interface WasmBuild {
  file: string;
  /** Built with relaxed SIMD (kernels-relaxed.wasm). */
  relaxed: boolean;
}

/**
 * The kernels build to load, null when none is built. The relaxed one where this runtime
 * validates relaxed SIMD and SPECTRA_KERNELS_BUILD is not 'simd128' (which keeps the SIMD128
 * build, to compare the two); $SPECTRA_KERNELS_WASM names a file to use instead of either.
 */
export function chooseWasmBuild(): WasmBuild | null {
  const plain = findBuilt('ml/kernels.wasm');
  const named = process.env.SPECTRA_KERNELS_WASM;
  if (plain && named && plain === path.resolve(named)) return { file: plain, relaxed: path.basename(plain).includes('relaxed') };
  const relaxed = process.env.SPECTRA_KERNELS_BUILD !== 'simd128' && wasmRelaxedSimdSupported() ? findBuilt('ml/kernels-relaxed.wasm') : null;
  if (relaxed) return { file: relaxed, relaxed: true };
  return plain ? { file: plain, relaxed: false } : null;
}

/** The kernel set a build is recorded as, with each run and each prediction: "spectra-desk wasm-relaxed-simd" or "spectra-desk wasm-simd". */
export function wasmKernelSet(build: WasmBuild): string {
  return build.relaxed ? 'spectra-desk wasm-relaxed-simd' : 'spectra-desk wasm-simd';
}

export interface CreatedKernels {
  kernels: Kernels;
  kind: KernelsKind;
  /** Why the JS kernels run although WebAssembly SIMD was asked for (or 'auto' could not have it). */
  reason?: string;
}

/** Creates kernels of the asked kind; 'wasm-simd' and 'auto' fall back to JS with a reason. */
export function createKernels(kind: KernelsKind | 'auto' = 'auto'): CreatedKernels {
  if (kind === 'js') return { kernels: createJsKernels(), kind: 'js' };
  const fallback = (reason: string): CreatedKernels => ({ kernels: createJsKernels(), kind: 'js', reason });
  if (!wasmSimdSupported()) return fallback('this runtime has no WebAssembly SIMD');
  const file = chooseWasmBuild()?.file;
  if (!file) return fallback('the WebAssembly kernels (out/ml/kernels.wasm) were not found; run the build');
  try {
    return { kernels: createWasmKernels(new Uint8Array(fs.readFileSync(file))), kind: 'wasm-simd' };
  } catch (err) {
    return fallback(`the WebAssembly kernels (${file}) could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
}
