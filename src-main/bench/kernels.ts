import fs from 'node:fs';
import { createJsKernels } from '../ml/kernels/js';
import type { Kernels } from '../ml/kernels/types';
import { createWasmKernels, wasmSimdSupported } from '../ml/kernels/wasm';
import { findBuilt } from '../ml/built-files';

/**
 * Training engine kernels, single-threaded: GFLOP/s of gemm in the shapes conv1d-as-im2col+gemm
 * takes for the reference model at batch 32 (forward, weight gradient colsᵀ·dY, input gradient
 * dY·Wᵀ, first layer), then GB/s of a few memory-bound kernels, for the WebAssembly SIMD and the
 * plain JS kernels. Best of several runs (the machine may be shared). Keys: `<engine>.<case>`.
 */

interface GemmCase {
  label: string;
  transA: 0 | 1;
  transB: 0 | 1;
  M: number;
  N: number;
  K: number;
}

const GEMMS: GemmCase[] = [
  { label: 'forward', transA: 0, transB: 0, M: 16000, N: 32, K: 80 },
  { label: 'forward', transA: 0, transB: 0, M: 8000, N: 64, K: 96 },
  { label: 'weight grad', transA: 1, transB: 0, M: 80, N: 32, K: 16000 },
  { label: 'weight grad', transA: 1, transB: 0, M: 96, N: 64, K: 8000 },
  { label: 'input grad', transA: 0, transB: 1, M: 16000, N: 80, K: 32 },
  { label: 'input grad', transA: 0, transB: 1, M: 8000, N: 96, K: 64 },
  { label: 'first layer', transA: 0, transB: 0, M: 32000, N: 16, K: 7 },
];

const gemmKey = (g: GemmCase): string => `gemm ${g.transA ? 'T' : 'N'}${g.transB ? 'T' : 'N'} ${g.M}x${g.N}x${g.K}`;

function fillRandom(k: Kernels, off: number, n: number, seed: number): void {
  const f = k.f32();
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    f[(off >> 2) + i] = s / 4294967296 - 0.5;
  }
}

/** Best time in ms of `fn`, repeated until `minMs` has passed and at least `minRuns` times. */
function bestMs(fn: () => void, minRuns: number, minMs: number): number {
  fn(); // warm-up (JIT, page faults)
  let best = Infinity;
  const start = performance.now();
  for (let r = 0; r < minRuns || performance.now() - start < minMs; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
    if (r > 200) break;
  }
  return best;
}

function benchEngine(k: Kernels, log: (line: string) => void, results: Record<string, number>, quick: boolean): void {
  const name = k.name;
  for (const g of GEMMS) {
    const mark = k.used();
    const a = k.alloc(g.M * g.K);
    const b = k.alloc(g.K * g.N);
    const c = k.alloc(g.M * g.N);
    fillRandom(k, a, g.M * g.K, 1);
    fillRandom(k, b, g.K * g.N, 2);
    const ms = bestMs(() => k.gemm(g.transA, g.transB, g.M, g.N, g.K, a, b, c, 0), quick ? 3 : 5, quick ? 300 : 400);
    const gflops = (2 * g.M * g.N * g.K) / (ms * 1e6);
    results[`${name}.${gemmKey(g)}`] = gflops;
    log(`  ${name.padEnd(9)} ${gemmKey(g).padEnd(26)} ${g.label.padEnd(12)} ${gflops.toFixed(2).padStart(7)} GFLOP/s  (${ms.toFixed(2)} ms)`);
    k.release(mark);
  }

  // Memory-bound kernels on a 32 × 500 × 64 activation (1,024,000 floats); GB/s counts the bytes
  // each kernel must read and write.
  const rows = 32 * 500;
  const C = 64;
  const n = rows * C;
  const mark = k.used();
  const x = k.alloc(n);
  const y = k.alloc(n);
  const z = k.alloc(n);
  const w = k.alloc(n);
  const pc = [k.alloc(C), k.alloc(C), k.alloc(C), k.alloc(C), k.alloc(C), k.alloc(C)];
  fillRandom(k, x, n, 3);
  fillRandom(k, y, n, 4);
  k.fill(pc[0], 1, C);
  const mem: [string, number, () => void][] = [
    ['relu 16000x64', 8 * n, () => k.relu(x, z, n)],
    ['axpy 16000x64', 12 * n, () => k.axpy(0.5, x, y, n)],
    ['adam 1024000', 28 * n, () => k.adam(x, y, z, w, n, 1e-3, 0.9, 0.999, 1e-7, 0.9, 0.999, 0.01)],
    ['batchNormTrain 16000x64', 20 * n, () => k.batchNormTrain(x, rows, C, pc[0], pc[1], 1e-3, pc[2], pc[3], z, w)],
    ['batchNormBackward 16000x64', 20 * n, () => k.batchNormBackward(y, z, pc[3], pc[0], rows, C, w, pc[4], pc[5])],
  ];
  // Conv lowering of the second layer: x [32, 500, 16], kernel 5, 'same' → cols [16000, 80].
  const cols = k.alloc(rows * 80);
  mem.push(
    ['im2col1d K=5 C=16', 8 * rows * 80, () => k.im2col1d(x, 32, 500, 16, 5, 1, 1, 2, 500, cols)],
    ['col2im1d K=5 C=16', 12 * rows * 80, () => k.col2im1d(cols, 32, 500, 16, 5, 1, 1, 2, 500, y)],
  );
  for (const [label, bytes, fn] of mem) {
    const ms = bestMs(fn, quick ? 2 : 5, quick ? 50 : 200);
    const gbs = bytes / (ms * 1e6);
    results[`${name}.${label} GB/s`] = gbs;
    log(`  ${name.padEnd(9)} ${label.padEnd(26)} ${''.padEnd(12)} ${gbs.toFixed(2).padStart(7)} GB/s     (${ms.toFixed(2)} ms)`);
  }
  k.release(mark);
}

export async function benchKernels(log: (line: string) => void): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  log('Training engine kernels, single thread (gemm: GFLOP/s; memory-bound kernels: GB/s moved; best of several runs)');
  const file = findBuilt('ml/kernels.wasm');
  if (!wasmSimdSupported()) log('  wasm-simd: skipped, this runtime has no WebAssembly SIMD');
  else if (!file) log('  wasm-simd: skipped, out/ml/kernels.wasm not found (run the build)');
  else benchEngine(createWasmKernels(new Uint8Array(fs.readFileSync(file))), log, results, false);
  benchEngine(createJsKernels(), log, results, true);
  return results;
}
