/**
 * Picks the kernels of the CPU training engine: WebAssembly SIMD (out/ml/kernels.wasm) when it
 * is built and this runtime has SIMD, otherwise plain JavaScript with the reason why.
 */
import fs from 'node:fs';
import { createJsKernels } from './js';
import type { Kernels } from './types';
import { createWasmKernels, wasmSimdSupported } from './wasm';
import { findBuilt } from '../built-files';

export type { Kernels } from './types';
export { createJsKernels } from './js';
export { createWasmKernels, wasmSimdSupported } from './wasm';

export type KernelsKind = 'wasm-simd' | 'js';

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
  const file = findBuilt('ml/kernels.wasm');
  if (!file) return fallback('the WebAssembly kernels (out/ml/kernels.wasm) were not found; run the build');
  try {
    return { kernels: createWasmKernels(new Uint8Array(fs.readFileSync(file))), kind: 'wasm-simd' };
  } catch (err) {
    return fallback(`the WebAssembly kernels (${file}) could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  }
}
