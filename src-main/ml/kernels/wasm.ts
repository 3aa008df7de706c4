/**
 * The WebAssembly SIMD kernels (assembly/kernels.ts, built by scripts/build-wasm.mjs into
 * out/ml/kernels.wasm, and with relaxed SIMD into out/ml/kernels-relaxed.wasm; either loads
 * here) behind the Kernels interface. The module exports its memory and one
 * function per kernel taking byte offsets; the bump allocator lives here, on top of that memory,
 * starting after the module's static data (`heapBase()`) and a scratch region the kernels own
 * (packed Bᵀ panels for gemm, float64 accumulators for the row reductions). Kernels never grow
 * the memory themselves, so views taken after the last `alloc` stay valid across kernel calls.
 */
import type { Kernels } from './types';

const PAGE = 65536;
/** Scratch owned by the kernels: a packed Bᵀ panel of 256 × 256 floats, or 16,384 channels of reductions. */
const SCRATCH_BYTES = 256 * 1024;

/** The members of Kernels that are kernels (the module's exports), not the heap. */
type KernelName = Exclude<keyof Kernels, 'name' | 'f32' | 'i32' | 'alloc' | 'used' | 'release'>;

/** One entry per kernel: the type check fails here when Kernels gains a kernel this list lacks. */
const KERNEL_NAMES: Record<KernelName, true> = {
  gemm: true,
  gemmBias: true,
  crossProducts64: true,
  transpose: true,
  im2col1d: true,
  col2im1d: true,
  conv1d: true,
  conv1dWeightGrad: true,
  conv1dInputGrad: true,
  addBias: true,
  sumRows: true,
  relu: true,
  reluBackward: true,
  maxPool1d: true,
  maxPool1dBackward: true,
  maxPool1dReluBackward: true,
  avgPool1d: true,
  avgPool1dBackward: true,
  globalAvgPool: true,
  globalAvgPoolBackward: true,
  batchNormTrain: true,
  batchNormBackward: true,
  scaleShift: true,
  mul: true,
  add: true,
  axpy: true,
  scale: true,
  sumSquares: true,
  copy: true,
  fill: true,
  softmaxCrossEntropy: true,
  regressionLoss: true,
  adam: true,
};

interface KernelExports extends Pick<Kernels, KernelName> {
  memory: WebAssembly.Memory;
  heapBase(): number;
  setScratch(ptr: number, bytes: number): void;
}

const align16 = (n: number): number => (n + 15) & ~15;

/** Instantiates the kernels module (synchronously) and wraps it as Kernels with its own heap. */
export function createWasmKernels(bytes: Uint8Array): Kernels {
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort() {
        throw new Error('WebAssembly kernels aborted');
      },
    },
  });
  const ex = instance.exports as unknown as KernelExports;
  const memory = ex.memory;

  let buffer = memory.buffer;
  let f32View = new Float32Array(buffer);
  let i32View = new Int32Array(buffer);
  const refresh = (): void => {
    if (memory.buffer !== buffer) {
      buffer = memory.buffer;
      f32View = new Float32Array(buffer);
      i32View = new Int32Array(buffer);
    }
  };
  const ensure = (end: number): void => {
    const have = memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least a quarter of the current size so that a run of small allocations does not
    // grow (and invalidate views) every time.
    const need = Math.ceil((end - have) / PAGE);
    const pages = Math.max(need, Math.ceil(have / PAGE / 4));
    try {
      memory.grow(pages);
    } catch {
      memory.grow(need);
    }
    refresh();
  };

  const scratch = align16(Math.max(ex.heapBase(), 16));
  const base = align16(scratch + SCRATCH_BYTES);
  ensure(base);
  ex.setScratch(scratch, SCRATCH_BYTES);
  let top = base;

  // The exported functions themselves: they take byte offsets and numbers as Kernels does.
  const names = Object.keys(KERNEL_NAMES) as KernelName[];
  const missing = names.filter((n) => typeof ex[n] !== 'function');
  if (missing.length) throw new Error(`The WebAssembly kernels module does not export ${missing.join(', ')}: rebuild it (node scripts/build.mjs).`);
  const kernels = Object.fromEntries(names.map((n) => [n, ex[n]])) as Pick<Kernels, KernelName>;

  const k: Kernels = {
    name: 'wasm-simd',
    f32() {
      refresh();
      return f32View;
    },
    i32() {
      refresh();
      return i32View;
    },
    alloc(count) {
      if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`alloc: bad element count ${count}`);
      const start = top;
      const bytes = align16(Math.ceil(count) * 4);
      ensure(start + bytes);
      if (bytes > 0) new Uint8Array(memory.buffer, start, bytes).fill(0);
      top = start + bytes;
      return start;
    },
    used: () => top,
    release(mark) {
      if (mark < base || mark > top || mark % 16 !== 0) throw new RangeError(`release: ${mark} is not a mark in [${base}, ${top}]`);
      top = mark;
    },

    ...kernels,
  };
  return k;
}

/** A one-function module returning v128 (i32.const 0; i8x16.splat; i8x16.popcnt): valid only where SIMD is. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether this runtime's WebAssembly supports fixed-width SIMD (v128). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

