/**
 * The WebAssembly SIMD kernels (assembly/kernels.ts, built by scripts/build-wasm.mjs into
 * out/ml/kernels.wasm) behind the Kernels interface. The module exports its memory and one
 * function per kernel taking byte offsets; the bump allocator lives here, on top of that memory,
 * starting after the module's static data (`heapBase()`) and a scratch region the kernels own
 * (packed Bᵀ panels for gemm, float64 accumulators for the row reductions). Kernels never grow
 * the memory themselves, so views taken after the last `alloc` stay valid across kernel calls.
 */
import type { Kernels } from './types';

const PAGE = 65536;
/** Scratch owned by the kernels: a packed Bᵀ panel of 256 × 256 floats, or 16,384 channels of reductions. */
const SCRATCH_BYTES = 256 * 1024;

interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  setScratch(ptr: number, bytes: number): void;
  gemm(transA: number, transB: number, M: number, N: number, K: number, a: number, b: number, c: number, beta: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  im2col1d(x: number, batch: number, L: number, C: number, K: number, stride: number, dilation: number, padLeft: number, lOut: number, cols: number): void;
  col2im1d(cols: number, batch: number, L: number, C: number, K: number, stride: number, dilation: number, padLeft: number, lOut: number, dx: number): void;
  addBias(y: number, rows: number, N: number, bias: number): void;
  sumRows(dy: number, rows: number, N: number, db: number, beta: number): void;
  relu(x: number, y: number, n: number): void;
  reluBackward(y: number, dy: number, dx: number, n: number): void;
  maxPool1d(x: number, batch: number, L: number, C: number, pool: number, stride: number, lOut: number, y: number, argmax: number): void;
  maxPool1dBackward(dy: number, argmax: number, batch: number, L: number, C: number, lOut: number, dx: number): void;
  avgPool1d(x: number, batch: number, L: number, C: number, pool: number, stride: number, lOut: number, y: number): void;
  avgPool1dBackward(dy: number, batch: number, L: number, C: number, pool: number, stride: number, lOut: number, dx: number): void;
  globalAvgPool(x: number, batch: number, L: number, C: number, y: number): void;
  globalAvgPoolBackward(dy: number, batch: number, L: number, C: number, dx: number): void;
  batchNormTrain(x: number, rows: number, C: number, gamma: number, beta: number, eps: number, mean: number, invStd: number, xhat: number, y: number): void;
  batchNormBackward(dy: number, xhat: number, invStd: number, gamma: number, rows: number, C: number, dx: number, dgamma: number, dbeta: number): void;
  scaleShift(x: number, rows: number, C: number, scale: number, shift: number, y: number): void;
  mul(a: number, b: number, y: number, n: number): void;
  add(a: number, b: number, y: number, n: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  scale(x: number, alpha: number, n: number): void;
  sumSquares(x: number, n: number): number;
  copy(src: number, dst: number, n: number): void;
  fill(x: number, value: number, n: number): void;
  softmaxCrossEntropy(logits: number, labels: number, classWeights: number, batch: number, K: number, probs: number, dlogits: number): number;
  regressionLoss(kind: number, pred: number, target: number, n: number, delta: number, dpred: number): number;
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, b1t: number, b2t: number, wd: number): void;
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

    gemm: (transA, transB, M, N, K, a, b, c, beta) => ex.gemm(transA, transB, M, N, K, a, b, c, beta),
    transpose: (src, rows, cols, dst) => ex.transpose(src, rows, cols, dst),
    im2col1d: (x, batch, L, C, K, stride, dilation, padLeft, lOut, cols) => ex.im2col1d(x, batch, L, C, K, stride, dilation, padLeft, lOut, cols),
    col2im1d: (cols, batch, L, C, K, stride, dilation, padLeft, lOut, dx) => ex.col2im1d(cols, batch, L, C, K, stride, dilation, padLeft, lOut, dx),
    addBias: (y, rows, N, bias) => ex.addBias(y, rows, N, bias),
    sumRows: (dy, rows, N, db, beta) => ex.sumRows(dy, rows, N, db, beta),
    relu: (x, y, n) => ex.relu(x, y, n),
    reluBackward: (y, dy, dx, n) => ex.reluBackward(y, dy, dx, n),
    maxPool1d: (x, batch, L, C, pool, stride, lOut, y, argmax) => ex.maxPool1d(x, batch, L, C, pool, stride, lOut, y, argmax),
    maxPool1dBackward: (dy, argmax, batch, L, C, lOut, dx) => ex.maxPool1dBackward(dy, argmax, batch, L, C, lOut, dx),
    avgPool1d: (x, batch, L, C, pool, stride, lOut, y) => ex.avgPool1d(x, batch, L, C, pool, stride, lOut, y),
    avgPool1dBackward: (dy, batch, L, C, pool, stride, lOut, dx) => ex.avgPool1dBackward(dy, batch, L, C, pool, stride, lOut, dx),
    globalAvgPool: (x, batch, L, C, y) => ex.globalAvgPool(x, batch, L, C, y),
    globalAvgPoolBackward: (dy, batch, L, C, dx) => ex.globalAvgPoolBackward(dy, batch, L, C, dx),
    batchNormTrain: (x, rows, C, gamma, beta, eps, mean, invStd, xhat, y) => ex.batchNormTrain(x, rows, C, gamma, beta, eps, mean, invStd, xhat, y),
    batchNormBackward: (dy, xhat, invStd, gamma, rows, C, dx, dgamma, dbeta) => ex.batchNormBackward(dy, xhat, invStd, gamma, rows, C, dx, dgamma, dbeta),
    scaleShift: (x, rows, C, scale, shift, y) => ex.scaleShift(x, rows, C, scale, shift, y),
    mul: (a, b, y, n) => ex.mul(a, b, y, n),
    add: (a, b, y, n) => ex.add(a, b, y, n),
    axpy: (alpha, x, y, n) => ex.axpy(alpha, x, y, n),
    scale: (x, alpha, n) => ex.scale(x, alpha, n),
    sumSquares: (x, n) => ex.sumSquares(x, n),
    copy: (src, dst, n) => ex.copy(src, dst, n),
    fill: (x, value, n) => ex.fill(x, value, n),
    softmaxCrossEntropy: (logits, labels, classWeights, batch, K, probs, dlogits) => ex.softmaxCrossEntropy(logits, labels, classWeights, batch, K, probs, dlogits),
    regressionLoss: (kind, pred, target, n, delta, dpred) => ex.regressionLoss(kind, pred, target, n, delta, dpred),
    adam: (p, g, m, v, n, lr, b1, b2, eps, b1t, b2t, wd) => ex.adam(p, g, m, v, n, lr, b1, b2, eps, b1t, b2t, wd),
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

