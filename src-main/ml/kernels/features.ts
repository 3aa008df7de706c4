/**
 * Which WebAssembly SIMD features this runtime has, for the bench to say what it ran on and for
 * a kernel build that needs more than SIMD128 to be chosen only where it validates.
 */
import { wasmSimdSupported } from './wasm';

/**
 * A one-function module returning v128: three i32x4.splat of 0, then f32x4.relaxed_madd
 * (0xfd 0x105, LEB128 0x85 0x02). Valid only where relaxed SIMD is: Node 22 by default, Node 20
 * behind --experimental-wasm-relaxed-simd.
 */
export const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0, 65, 0, 253, 17, 65, 0, 253, 17, 65, 0, 253, 17, 253, 133, 2, 11,
]);

export interface WasmFeatures {
  simd128: boolean;
  relaxedSimd: boolean;
}

/** Whether this runtime's WebAssembly has relaxed SIMD (fused multiply-add among others). */
export function wasmRelaxedSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

export function wasmFeatures(): WasmFeatures {
  return { simd128: wasmSimdSupported(), relaxedSimd: wasmRelaxedSimdSupported() };
}
