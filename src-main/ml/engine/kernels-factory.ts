/** Creates a Kernels instance of the given kind (a thin layer over src-main/ml/kernels). */
import fs from 'node:fs';
import type { Kernels } from '../kernels/types';
import { createJsKernels } from '../kernels/js';
import { createWasmKernels } from '../kernels/wasm';
import type { KernelKind } from './kernel-choice';

const wasmBytes = new Map<string, Uint8Array>();

export function createKernelsOf(kind: KernelKind, wasmPath: string | null): Kernels {
  if (kind === 'js') return createJsKernels();
  if (!wasmPath) throw new Error('The WebAssembly kernels (out/ml/kernels.wasm) were not found; run the build.');
  let bytes = wasmBytes.get(wasmPath);
  if (!bytes) {
    bytes = new Uint8Array(fs.readFileSync(wasmPath));
    wasmBytes.set(wasmPath, bytes);
  }
  return createWasmKernels(bytes);
}
