/**
 * The paged PCA's covariance sums (common/maps/pca-pages.ts) on the WebAssembly SIMD kernels:
 * at 1,000 points a 500 × 500 map is 1.25e11 multiply-adds, which plain JS takes minutes over.
 * Each call gets kernels of its own (compiling the module takes milliseconds), so their heap is
 * let go with the PCA and nothing is shared with training.
 */
import type { CrossProducts, CrossProductsOf } from '../../common/maps/pca-pages';
import { createKernels } from './index';
import type { Kernels } from './types';

/** Cross products on the WebAssembly kernels, or null where they cannot be loaded (the JS sums are used then). */
export function wasmCrossProducts(): CrossProductsOf | null {
  const { kernels, kind } = createKernels('auto');
  return kind === 'wasm-simd' ? (p) => onKernels(kernels, p) : null;
}

/** The kernel takes a row length that is a multiple of 4: rows and sums are laid out padded with zeros to p4 columns. */
function onKernels(k: Kernels, p: number): CrossProducts {
  const p4 = Math.ceil(p / 4) * 4;
  const sums = k.alloc(2 * p4 * p4);
  let rows = 0;
  let capacity = 0;
  return {
    add(values, count) {
      if (count > capacity) {
        rows = k.alloc(2 * count * p4);
        capacity = count;
      }
      const heap = new Float64Array(k.f32().buffer);
      if (p4 === p) heap.set(values.subarray(0, count * p), rows >> 3);
      else for (let r = 0; r < count; r++) heap.set(values.subarray(r * p, (r + 1) * p), (rows >> 3) + r * p4);
      k.crossProducts64(rows, count, p4, sums);
    },
    upper() {
      const heap = new Float64Array(k.f32().buffer, sums, p4 * p4);
      const out = new Float64Array(p * p);
      for (let i = 0; i < p; i++) out.set(heap.subarray(i * p4, i * p4 + p), i * p);
      return out;
    },
  };
}
