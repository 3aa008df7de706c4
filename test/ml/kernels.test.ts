import path from 'node:path';
/**
 * The kernel implementations (WebAssembly SIMD, its relaxed SIMD build where this runtime has
 * relaxed SIMD, and plain JS) against straightforward float64 references written here, on seeded
 * random data with awkward sizes (SIMD tails, sizes of 1). Needs out/ml/kernels.wasm and
 * out/ml/kernels-relaxed.wasm: `node scripts/build-wasm.mjs` (npm test builds them first). On
 * Node 20, which has relaxed SIMD only behind a flag, kernels-relaxed.test.ts runs the relaxed
 * cases of this file in a node that has the flag.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createKernels } from '../../src-main/ml/kernels/index';
import { createJsKernels } from '../../src-main/ml/kernels/js';
import type { Kernels } from '../../src-main/ml/kernels/types';
import { createWasmKernels, wasmSimdSupported } from '../../src-main/ml/kernels/wasm';
import { wasmRelaxedSimdSupported } from '../../src-main/ml/kernels/features';
import { builtFile, findBuilt } from '../../src-main/ml/built-files';
import { mulberry32 } from '../../src-main/common/ml/random';

const REL = 1e-4;
const LOSS_REL = 1e-5;

/** n float32-representable values uniform in [lo, hi). */
function randomArray(rand: () => number, n: number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.fround(lo + (hi - lo) * rand());
  return a;
}

function put(k: Kernels, data: ArrayLike<number>): number {
  const off = k.alloc(data.length);
  k.f32().set(data, off >> 2);
  return off;
}

function putInt(k: Kernels, data: ArrayLike<number>): number {
  const off = k.alloc(data.length);
  k.i32().set(data, off >> 2);
  return off;
}

function get(k: Kernels, off: number, n: number): Float64Array {
  return Float64Array.from(k.f32().subarray(off >> 2, (off >> 2) + n));
}

/**
 * |a − e| ≤ rel·max(|e|, rms(e), floor) for every entry: the rms keeps cancellations near 0 fair,
 * `floor` is the size of the terms when the whole result is a cancellation.
 */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string, floor = 0): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let ss = 0;
  for (let i = 0; i < expected.length; i++) ss += expected[i] * expected[i];
  const rms = Math.sqrt(ss / Math.max(1, expected.length));
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const a = actual[i];
    const tol = rel * Math.max(Math.abs(e), rms, floor, 1e-30);
    if (!(Math.abs(a - e) <= tol)) throw new Error(`${what}: entry ${i} is ${a}, expected ${e} (tolerance ${tol.toExponential(2)})`);
  }
}

function expectScalar(actual: number, expected: number, rel: number, what: string): void {
  const tol = rel * Math.max(Math.abs(expected), 1e-30);
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${what}: ${actual}, expected ${expected}`);
}

/** Runs fn between a mark and a release, so every case starts from the same heap. */
function scoped<T>(k: Kernels, fn: () => T): T {
  const mark = k.used();
  try {
    return fn();
  } finally {
    k.release(mark);
  }
}

// ---------------------------------------------------------------------------------------------
// float64 references

function refGemm(tA: number, tB: number, M: number, N: number, K: number, A: Float64Array, B: Float64Array, C0: Float64Array | null): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = C0 ? C0[i * N + j] : 0;
      for (let k = 0; k < K; k++) s += (tA ? A[k * M + i] : A[i * K + k]) * (tB ? B[j * K + k] : B[k * N + j]);
      C[i * N + j] = s;
    }
  return C;
}

function refIm2col(x: Float64Array, batch: number, L: number, C: number, K: number, stride: number, dil: number, pad: number, lOut: number): Float64Array {
  const cols = new Float64Array(batch * lOut * K * C);
  for (let b = 0; b < batch; b++)
    for (let o = 0; o < lOut; o++)
      for (let k = 0; k < K; k++)
        for (let c = 0; c < C; c++) {
          const l = o * stride + k * dil - pad;
          cols[(b * lOut + o) * K * C + k * C + c] = l >= 0 && l < L ? x[(b * L + l) * C + c] : 0;
        }
  return cols;
}

function refCol2im(cols: Float64Array, batch: number, L: number, C: number, K: number, stride: number, dil: number, pad: number, lOut: number): Float64Array {
  const dx = new Float64Array(batch * L * C);
  for (let b = 0; b < batch; b++)
    for (let o = 0; o < lOut; o++)
      for (let k = 0; k < K; k++)
        for (let c = 0; c < C; c++) {
          const l = o * stride + k * dil - pad;
          if (l >= 0 && l < L) dx[(b * L + l) * C + c] += cols[(b * lOut + o) * K * C + k * C + c];
        }
  return dx;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

interface BnOut {
  mean: Float64Array;
  invStd: Float64Array;
  xhat: Float64Array;
  y: Float64Array;
}

function refBatchNorm(x: Float64Array, rows: number, C: number, gamma: Float64Array, beta: Float64Array, eps: number): BnOut {
  const mean = new Float64Array(C);
  const invStd = new Float64Array(C);
  const xhat = new Float64Array(rows * C);
  const y = new Float64Array(rows * C);
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += x[r * C + c];
    mean[c] = s / rows;
    let v = 0;
    for (let r = 0; r < rows; r++) v += (x[r * C + c] - mean[c]) ** 2;
    invStd[c] = 1 / Math.sqrt(v / rows + eps);
    for (let r = 0; r < rows; r++) {
      xhat[r * C + c] = (x[r * C + c] - mean[c]) * invStd[c];
      y[r * C + c] = gamma[c] * xhat[r * C + c] + beta[c];
    }
  }
  return { mean, invStd, xhat, y };
}

// ---------------------------------------------------------------------------------------------

const wasmFile = findBuilt('ml/kernels.wasm');
let wasmBytes: Uint8Array | null = null;
function wasmKernels(): Kernels {
  if (!wasmFile) throw new Error('out/ml/kernels.wasm is missing: run `node scripts/build-wasm.mjs` first');
  wasmBytes ??= new Uint8Array(fs.readFileSync(wasmFile));
  return createWasmKernels(wasmBytes);
}

/** The relaxed build, where this runtime validates relaxed SIMD (required when SPECTRA_WASM_RELAXED_TESTS is set). */
function relaxedKernels(): Kernels | null {
  const file = findBuilt('ml/kernels-relaxed.wasm');
  if (!file) throw new Error('out/ml/kernels-relaxed.wasm is missing: run `node scripts/build-wasm.mjs` first');
  if (!wasmRelaxedSimdSupported()) {
    if (process.env.SPECTRA_WASM_RELAXED_TESTS) throw new Error('SPECTRA_WASM_RELAXED_TESTS is set but this node has no relaxed SIMD');
    return null;
  }
  return createWasmKernels(new Uint8Array(fs.readFileSync(file)));
}
const RELAXED = wasmRelaxedSimdSupported();

describe('kernel selection', () => {
  it('finds the built kernels.wasm and this Node has WebAssembly SIMD', () => {
    expect(wasmFile, 'run `node scripts/build-wasm.mjs` first').not.toBeNull();
    expect(wasmSimdSupported()).toBe(true);
  });

  it("createKernels('auto') picks WebAssembly SIMD; 'js' gives the JS kernels", () => {
    const auto = createKernels('auto');
    expect(auto.kind).toBe('wasm-simd');
    expect(auto.kernels.name).toBe('wasm-simd');
    expect(auto.reason).toBeUndefined();
    const js = createKernels('js');
    expect(js.kind).toBe('js');
    expect(js.kernels.name).toBe('js');
  });

  it('built files are found from the sources; a missing one names the build command', () => {
    expect(findBuilt('ml/trainer.cjs')).toBe(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
    expect(builtFile('ml/kernels.wasm')).toBe(wasmFile);
    expect(findBuilt('ml/nothing.cjs')).toBeNull();
    expect(() => builtFile('ml/nothing.cjs')).toThrow(/^out\/ml\/nothing\.cjs was not found; run `npm run build` \(looked in /);
  });

  it('SPECTRA_KERNELS_WASM names the file when it exists', () => {
    const before = process.env.SPECTRA_KERNELS_WASM;
    try {
      process.env.SPECTRA_KERNELS_WASM = wasmFile ?? '';
      expect(findBuilt('ml/kernels.wasm')).toBe(wasmFile);
      process.env.SPECTRA_KERNELS_WASM = '/nonexistent/kernels.wasm';
      expect(findBuilt('ml/kernels.wasm')).toBe(wasmFile);
    } finally {
      if (before === undefined) delete process.env.SPECTRA_KERNELS_WASM;
      else process.env.SPECTRA_KERNELS_WASM = before;
    }
  });
});

describe.each([
  ['wasm-simd', 'wasm-simd', wasmKernels],
  ...(RELAXED ? [['wasm-simd relaxed', 'wasm-simd', () => relaxedKernels()!] as const] : []),
  ['js', 'js', createJsKernels],
] as const)('%s kernels', (_label, name, create) => {
  it('name', () => {
    expect(create().name).toBe(name);
  });

  it('allocator: 16-byte aligned, zero-filled, grows without losing data, release', () => {
    const k = create();
    const mark0 = k.used();
    expect(mark0 % 16).toBe(0);
    const offs = [1, 3, 4, 5, 0, 7, 1].map((n) => k.alloc(n));
    for (const o of offs) expect(o % 16).toBe(0);
    for (let i = 1; i < offs.length; i++) expect(offs[i]).toBeGreaterThanOrEqual(offs[i - 1]);
    // distinct, non-overlapping regions
    expect(offs[1] - offs[0]).toBeGreaterThanOrEqual(4);
    expect(offs[2] - offs[1]).toBeGreaterThanOrEqual(12);

    const a = k.alloc(1000);
    const pattern = randomArray(mulberry32(1), 1000);
    k.f32().set(pattern, a >> 2);
    const mark = k.used();
    const scribble = k.alloc(5000);
    k.f32().fill(123.5, scribble >> 2, (scribble >> 2) + 5000);
    k.release(mark);
    expect(k.used()).toBe(mark);
    const again = k.alloc(5000);
    expect(again).toBe(scribble);
    expect(get(k, again, 5000).every((v) => v === 0)).toBe(true);

    // grow well past the initial heap: earlier data survives, new region is zeroed
    const big = k.alloc(6_000_000);
    expect(big % 16).toBe(0);
    const f = k.f32();
    expect(f.length).toBeGreaterThanOrEqual((big >> 2) + 6_000_000);
    expectClose(get(k, a, 1000), pattern, 0, 'data after growth');
    let nonzero = 0;
    for (let i = 0; i < 6_000_000; i += 997) if (f[(big >> 2) + i] !== 0) nonzero++;
    expect(nonzero).toBe(0);
    k.i32()[(big >> 2) + 5] = -7;
    expect(k.i32()[(big >> 2) + 5]).toBe(-7);

    k.release(mark0);
    expect(k.used()).toBe(mark0);
    expect(k.alloc(3)).toBe(mark0);
    expect(() => k.release(k.used() + 16)).toThrow(RangeError);
  });

  it('gemm: all transpose combinations, beta 0 and 1, awkward sizes', () => {
    const k = create();
    const rand = mulberry32(2);
    const shapes: [number, number, number][] = [
      [1, 1, 1], [1, 5, 3], [3, 1, 2], [2, 3, 1], [3, 5, 7], [4, 8, 16], [5, 9, 4], [13, 17, 19], [7, 12, 33], [6, 21, 1],
      [33, 9, 300], [37, 70, 11], [130, 40, 520], [9, 300, 260],
    ];
    for (const [M, N, K] of shapes)
      for (const tA of [0, 1] as const)
        for (const tB of [0, 1] as const)
          for (const beta of [0, 1] as const)
            scoped(k, () => {
              const A = randomArray(rand, M * K);
              const B = randomArray(rand, K * N);
              const C0 = randomArray(rand, M * N);
              const a = put(k, A);
              const b = put(k, B);
              const c = put(k, beta ? C0 : C0.map(() => Number.NaN)); // beta 0 must not read C
              k.gemm(tA, tB, M, N, K, a, b, c, beta);
              expectClose(get(k, c, M * N), refGemm(tA, tB, M, N, K, A, B, beta ? C0 : null), REL, `gemm tA=${tA} tB=${tB} ${M}×${N}×${K} beta=${beta}`);
            });
  });

  it('gemm with K = 0 writes beta·C', () => {
    const k = create();
    const c = put(k, [1, 2, 3, 4, 5, 6]);
    k.gemm(0, 0, 2, 3, 0, c, c, c, 1);
    expect(Array.from(get(k, c, 6))).toEqual([1, 2, 3, 4, 5, 6]);
    k.gemm(1, 1, 2, 3, 0, c, c, c, 0);
    expect(Array.from(get(k, c, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('transpose', () => {
    const k = create();
    const rand = mulberry32(3);
    for (const [rows, cols] of [[1, 1], [1, 7], [5, 1], [5, 7], [4, 8], [67, 33], [130, 70]])
      scoped(k, () => {
        const X = randomArray(rand, rows * cols);
        const x = put(k, X);
        const y = k.alloc(rows * cols);
        k.transpose(x, rows, cols, y);
        const ref = new Float64Array(rows * cols);
        for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) ref[c * rows + r] = X[r * cols + c];
        expectClose(get(k, y, rows * cols), ref, 0, `transpose ${rows}×${cols}`);
      });
  });

  it('im2col1d / col2im1d: strides 1–3, dilations 1–2, every left padding, same padding; col2im is the adjoint', () => {
    const k = create();
    const rand = mulberry32(4);
    let cases = 0;
    for (const L of [1, 7, 10])
      for (const C of [1, 3, 5, 8])
        for (const K of [1, 2, 3, 4, 5])
          for (const stride of [1, 2, 3])
            for (const dil of [1, 2]) {
              const span = (K - 1) * dil + 1;
              const pads: [number, number][] = [];
              for (let p = 0; p < K; p++) pads.push([p, 0], [p, p]);
              // 'same' (TF): lOut = ceil(L / stride), total padding split with the extra on the right
              const lSame = Math.ceil(L / stride);
              const total = Math.max((lSame - 1) * stride + span - L, 0);
              pads.push([Math.floor(total / 2), total - Math.floor(total / 2)]);
              for (const [pl, pr] of pads) {
                const lOut = Math.floor((L + pl + pr - span) / stride) + 1;
                if (lOut < 1) continue;
                const batch = 2;
                cases++;
                scoped(k, () => {
                  const X = randomArray(rand, batch * L * C);
                  const x = put(k, X);
                  const cols = k.alloc(batch * lOut * K * C);
                  k.f32().fill(Number.NaN, cols >> 2, (cols >> 2) + batch * lOut * K * C);
                  k.im2col1d(x, batch, L, C, K, stride, dil, pl, lOut, cols);
                  const what = `L=${L} C=${C} K=${K} s=${stride} d=${dil} pad=${pl}/${pr}`;
                  const colsRef = refIm2col(X, batch, L, C, K, stride, dil, pl, lOut);
                  expectClose(get(k, cols, colsRef.length), colsRef, 0, `im2col1d ${what}`);

                  const G = randomArray(rand, colsRef.length);
                  const g = put(k, G);
                  const dx = put(k, new Float64Array(batch * L * C).fill(Number.NaN)); // overwritten, not accumulated
                  k.col2im1d(g, batch, L, C, K, stride, dil, pl, lOut, dx);
                  const dxK = get(k, dx, batch * L * C);
                  expectClose(dxK, refCol2im(G, batch, L, C, K, stride, dil, pl, lOut), REL, `col2im1d ${what}`);
                  // <im2col(x), g> == <x, col2im(g)>
                  const lhs = dot(get(k, cols, colsRef.length), G);
                  const rhs = dot(X, dxK);
                  expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(lhs)));
                });
              }
            }
    expect(cases).toBeGreaterThan(500);
  });

  it('gemmBias: with and without bias, with and without ReLU, awkward sizes', () => {
    const k = create();
    const rand = mulberry32(21);
    const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [4, 8, 16], [5, 9, 4], [13, 17, 19], [6, 21, 1], [33, 9, 300], [130, 40, 520], [9, 300, 260], [4, 3, 0]];
    for (const [M, N, K] of shapes)
      for (const withBias of [false, true])
        for (const relu of [0, 1] as const)
          scoped(k, () => {
            const A = randomArray(rand, M * K);
            const B = randomArray(rand, K * N);
            const Bias = randomArray(rand, N);
            const a = put(k, A);
            const b = put(k, B);
            const bias = withBias ? put(k, Bias) : 0;
            const c = put(k, new Float64Array(M * N).fill(Number.NaN)); // never read
            k.gemmBias(M, N, K, a, b, c, bias, relu);
            const ref = refGemm(0, 0, M, N, K, A, B, null).map((v, i) => {
              const z = v + (withBias ? Bias[i % N] : 0);
              return relu ? Math.max(z, 0) : z;
            });
            expectClose(get(k, c, M * N), ref, REL, `gemmBias ${M}×${N}×${K} bias=${withBias} relu=${relu}`);
          });
  });

  it('conv1d, conv1dWeightGrad and conv1dInputGrad against im2col, col2im and the float64 products: 1–5 channels, strides 1–3, dilations 1–2, paddings, 1–20 filters', () => {
    const k = create();
    const rand = mulberry32(22);
    let cases = 0;
    for (const L of [1, 6, 40, 301])
      for (const C of [1, 3, 5])
        for (const K of [1, 3, 7])
          for (const stride of [1, 2, 3])
            for (const dil of [1, 2])
              for (const F of [1, 5, 8, 20]) {
                const span = (K - 1) * dil + 1;
                const lSame = Math.ceil(L / stride);
                const total = Math.max((lSame - 1) * stride + span - L, 0);
                for (const [pl, pr] of [[0, 0], [Math.floor(total / 2), total - Math.floor(total / 2)], [K, 1]] as [number, number][]) {
                  const lOut = Math.floor((L + pl + pr - span) / stride) + 1;
                  if (lOut < 1) continue;
                  const batch = 2;
                  const relu = (cases % 2) as 0 | 1;
                  const withBias = cases % 3 !== 0;
                  cases++;
                  scoped(k, () => {
                    const X = randomArray(rand, batch * L * C);
                    const W = randomArray(rand, K * C * F);
                    const Bias = randomArray(rand, F);
                    const G = randomArray(rand, batch * lOut * F);
                    const x = put(k, X);
                    const w = put(k, W);
                    const bias = withBias ? put(k, Bias) : 0;
                    const g = put(k, G);
                    const what = `L=${L} C=${C} K=${K} s=${stride} d=${dil} pad=${pl}/${pr} F=${F} bias=${withBias} relu=${relu}`;
                    const cols = refIm2col(X, batch, L, C, K, stride, dil, pl, lOut);
                    // With a single output entry its own size is no scale: that of a sum of n products of U(−1, 1) values is √(n/9).
                    const sumScale = (n: number) => Math.sqrt(n / 9);
                    if (C === 1 || dil === 1) {
                      const y = put(k, new Float64Array(batch * lOut * F).fill(Number.NaN));
                      const dw = put(k, new Float64Array(K * C * F).fill(Number.NaN)); // overwritten, not accumulated
                      k.conv1d(x, batch, L, C, K, stride, dil, pl, lOut, w, F, bias, relu, y);
                      const ref = refGemm(0, 0, batch * lOut, F, K * C, cols, W, null).map((v, i) => {
                        const z = v + (withBias ? Bias[i % F] : 0);
                        return relu ? Math.max(z, 0) : z;
                      });
                      expectClose(get(k, y, ref.length), ref, REL, `conv1d ${what}`, sumScale(K * C));
                      k.conv1dWeightGrad(x, g, batch, L, C, K, stride, dil, pl, lOut, F, dw);
                      expectClose(get(k, dw, K * C * F), refGemm(1, 0, K * C, F, batch * lOut, cols, G, null), REL, `conv1dWeightGrad ${what}`, sumScale(batch * lOut));
                    }
                    if (stride === 1) {
                      const dx = put(k, new Float64Array(batch * L * C).fill(Number.NaN));
                      k.conv1dInputGrad(g, w, batch, L, C, K, dil, pl, lOut, F, dx);
                      const dcols = refGemm(0, 1, batch * lOut, K * C, F, G, W, null);
                      expectClose(get(k, dx, batch * L * C), refCol2im(dcols, batch, L, C, K, 1, dil, pl, lOut), REL, `conv1dInputGrad ${what}`, sumScale(K * F));
                    }
                  });
                }
              }
    expect(cases).toBeGreaterThan(1000);
  });

  it('addBias and sumRows (beta 0 and 1)', () => {
    const k = create();
    const rand = mulberry32(5);
    for (const [rows, N] of [[1, 1], [3, 5], [7, 4], [9, 17], [300, 33], [2, 70], [130, 16]])
      scoped(k, () => {
        const Y = randomArray(rand, rows * N);
        const Bias = randomArray(rand, N);
        const y = put(k, Y);
        k.addBias(y, rows, N, put(k, Bias));
        expectClose(get(k, y, rows * N), Y.map((v, i) => v + Bias[i % N]), REL, `addBias ${rows}×${N}`);

        const D0 = randomArray(rand, N);
        for (const beta of [0, 1] as const) {
          const db = put(k, D0);
          k.sumRows(y, rows, N, db, beta);
          const ref = new Float64Array(N);
          const Yb = get(k, y, rows * N);
          for (let r = 0; r < rows; r++) for (let j = 0; j < N; j++) ref[j] += Yb[r * N + j];
          if (beta) for (let j = 0; j < N; j++) ref[j] += D0[j];
          expectClose(get(k, db, N), ref, REL, `sumRows ${rows}×${N} beta=${beta}`);
        }
      });
  });

  it('crossProducts64: C += XᵀX in float64 on the blocks on and above the diagonal, the others untouched', () => {
    const k = create();
    const rand = mulberry32(12);
    for (const [rows, p] of [
      [1, 4],
      [3, 8],
      [64, 20],
    ] as const)
      scoped(k, () => {
        const X = Float64Array.from({ length: rows * p }, () => rand() - 0.5);
        const C0 = Float64Array.from({ length: p * p }, () => rand());
        const x = k.alloc(2 * rows * p);
        const c = k.alloc(2 * p * p);
        new Float64Array(k.f32().buffer, x, rows * p).set(X);
        new Float64Array(k.f32().buffer, c, p * p).set(C0);
        k.crossProducts64(x, rows, p, c);
        const got = new Float64Array(k.f32().buffer, c, p * p);
        for (let i = 0; i < p; i++)
          for (let j = 0; j < p; j++) {
            let s = C0[i * p + j]!;
            let size = Math.abs(s);
            if (j >> 2 >= i >> 2)
              for (let r = 0; r < rows; r++) {
                s += X[r * p + i]! * X[r * p + j]!;
                size += Math.abs(X[r * p + i]! * X[r * p + j]!);
              }
            // Float64 rounding in another order: within rows · 2⁻⁵³ of the sum of the terms' sizes.
            expect(Math.abs(got[i * p + j]! - s), `rows=${rows} p=${p} C[${i},${j}]`).toBeLessThanOrEqual(1e-13 * size);
          }
      });
  });

  it('elementwise: relu, reluBackward, mul, add, axpy, scale, sumSquares, copy, fill (in place too)', () => {
    const k = create();
    const rand = mulberry32(6);
    for (const n of [1, 2, 3, 4, 5, 8, 17, 1003])
      scoped(k, () => {
        const X = randomArray(rand, n);
        const Z = randomArray(rand, n);
        const x = put(k, X);
        const z = put(k, Z);
        const y = k.alloc(n);
        const w = `n=${n}`;

        k.relu(x, y, n);
        expectClose(get(k, y, n), X.map((v) => Math.max(v, 0)), 0, `relu ${w}`);
        k.reluBackward(y, z, y, n);
        expectClose(get(k, y, n), X.map((v, i) => (v > 0 ? Z[i] : 0)), 0, `reluBackward in place ${w}`);
        const t = put(k, X);
        k.relu(t, t, n);
        expectClose(get(k, t, n), X.map((v) => Math.max(v, 0)), 0, `relu in place ${w}`);
        const dx = k.alloc(n);
        k.reluBackward(t, z, dx, n);
        expectClose(get(k, dx, n), X.map((v, i) => (v > 0 ? Z[i] : 0)), 0, `reluBackward ${w}`);

        k.mul(x, z, y, n);
        expectClose(get(k, y, n), X.map((v, i) => v * Z[i]), REL, `mul ${w}`);
        k.add(x, z, y, n);
        expectClose(get(k, y, n), X.map((v, i) => v + Z[i]), REL, `add ${w}`);
        const t2 = put(k, X);
        k.mul(t2, z, t2, n);
        expectClose(get(k, t2, n), X.map((v, i) => v * Z[i]), REL, `mul in place ${w}`);
        const t3 = put(k, X);
        k.add(t3, z, t3, n);
        expectClose(get(k, t3, n), X.map((v, i) => v + Z[i]), REL, `add in place ${w}`);

        const t4 = put(k, Z);
        k.axpy(-0.75, x, t4, n);
        expectClose(get(k, t4, n), Z.map((v, i) => v - 0.75 * X[i]), REL, `axpy ${w}`);
        const t5 = put(k, X);
        k.scale(t5, 2.5, n);
        expectClose(get(k, t5, n), X.map((v) => 2.5 * v), REL, `scale ${w}`);
        expectScalar(k.sumSquares(x, n), dot(X, X), 1e-6, `sumSquares ${w}`);

        const t6 = k.alloc(n);
        k.copy(x, t6, n);
        expectClose(get(k, t6, n), X, 0, `copy ${w}`);
        const guard = k.alloc(4);
        k.fill(guard, 9, 4);
        k.fill(t6, -3.25, n);
        expectClose(get(k, t6, n), new Float64Array(n).fill(-3.25), 0, `fill ${w}`);
        expectClose(get(k, guard, 4), [9, 9, 9, 9], 0, `fill stays in bounds ${w}`);
      });
  });

  it('maxPool1d (overlapping windows too) and its backward', () => {
    const k = create();
    const rand = mulberry32(7);
    for (const [batch, L, C, pool, stride] of [
      [1, 1, 1, 1, 1], [2, 11, 5, 3, 2], [2, 10, 8, 2, 2], [3, 9, 9, 4, 1], [1, 7, 1, 3, 1], [2, 13, 4, 5, 3], [2, 12, 17, 2, 1], [2, 11, 6, 2, 2], [2, 14, 5, 3, 3],
    ])
      scoped(k, () => {
        const lOut = Math.floor((L - pool) / stride) + 1;
        const X = randomArray(rand, batch * L * C);
        const x = put(k, X);
        const y = k.alloc(batch * lOut * C);
        const am = k.alloc(batch * lOut * C);
        k.maxPool1d(x, batch, L, C, pool, stride, lOut, y, am);
        const yRef = new Float64Array(batch * lOut * C);
        const aRef = new Int32Array(batch * lOut * C);
        for (let b = 0; b < batch; b++)
          for (let o = 0; o < lOut; o++)
            for (let c = 0; c < C; c++) {
              let m = -Infinity;
              let at = -1;
              for (let j = 0; j < pool; j++) {
                const l = o * stride + j;
                const v = X[(b * L + l) * C + c];
                if (v > m) {
                  m = v;
                  at = l;
                }
              }
              yRef[(b * lOut + o) * C + c] = m;
              aRef[(b * lOut + o) * C + c] = at;
            }
        const what = `b=${batch} L=${L} C=${C} pool=${pool} stride=${stride}`;
        expectClose(get(k, y, yRef.length), yRef, 0, `maxPool1d ${what}`);
        expect(Array.from(k.i32().subarray(am >> 2, (am >> 2) + aRef.length)), `argmax ${what}`).toEqual(Array.from(aRef));

        const G = randomArray(rand, yRef.length);
        const dx = put(k, new Float64Array(batch * L * C).fill(Number.NaN));
        k.maxPool1dBackward(put(k, G), am, batch, L, C, lOut, dx);
        const dxRef = new Float64Array(batch * L * C);
        for (let b = 0; b < batch; b++) for (let o = 0; o < lOut; o++) for (let c = 0; c < C; c++) dxRef[(b * L + aRef[(b * lOut + o) * C + c]) * C + c] += G[(b * lOut + o) * C + c];
        expectClose(get(k, dx, dxRef.length), dxRef, REL, `maxPool1dBackward ${what}`);

        // The pool of a ReLU's output: dy only where the pooled value is > 0 (a third of them set to 0 here).
        const Y = yRef.map((v, i) => (i % 3 === 0 ? 0 : v));
        const dxR = put(k, new Float64Array(batch * L * C).fill(Number.NaN));
        k.maxPool1dReluBackward(put(k, G), am, put(k, Y), batch, L, C, pool, stride, lOut, dxR);
        const dxReluRef = new Float64Array(batch * L * C);
        for (let b = 0; b < batch; b++)
          for (let o = 0; o < lOut; o++)
            for (let c = 0; c < C; c++) {
              const i = (b * lOut + o) * C + c;
              if (Y[i] > 0) dxReluRef[(b * L + aRef[i]) * C + c] += G[i];
            }
        expectClose(get(k, dxR, dxReluRef.length), dxReluRef, REL, `maxPool1dReluBackward ${what}`);
      });
  });

  it('avgPool1d and its backward; globalAvgPool and its backward', () => {
    const k = create();
    const rand = mulberry32(8);
    for (const [batch, L, C, pool, stride] of [
      [1, 1, 1, 1, 1], [2, 11, 5, 3, 2], [2, 10, 8, 2, 2], [3, 9, 9, 4, 1], [1, 7, 1, 3, 1], [2, 13, 4, 5, 3],
    ])
      scoped(k, () => {
        const lOut = Math.floor((L - pool) / stride) + 1;
        const X = randomArray(rand, batch * L * C);
        const x = put(k, X);
        const y = k.alloc(batch * lOut * C);
        k.avgPool1d(x, batch, L, C, pool, stride, lOut, y);
        const yRef = new Float64Array(batch * lOut * C);
        for (let b = 0; b < batch; b++)
          for (let o = 0; o < lOut; o++)
            for (let c = 0; c < C; c++) {
              let s = 0;
              for (let j = 0; j < pool; j++) s += X[(b * L + o * stride + j) * C + c];
              yRef[(b * lOut + o) * C + c] = s / pool;
            }
        const what = `b=${batch} L=${L} C=${C} pool=${pool} stride=${stride}`;
        expectClose(get(k, y, yRef.length), yRef, REL, `avgPool1d ${what}`);

        const G = randomArray(rand, yRef.length);
        const dx = put(k, new Float64Array(batch * L * C).fill(Number.NaN));
        k.avgPool1dBackward(put(k, G), batch, L, C, pool, stride, lOut, dx);
        const dxRef = new Float64Array(batch * L * C);
        for (let b = 0; b < batch; b++)
          for (let o = 0; o < lOut; o++)
            for (let j = 0; j < pool; j++) for (let c = 0; c < C; c++) dxRef[(b * L + o * stride + j) * C + c] += G[(b * lOut + o) * C + c] / pool;
        expectClose(get(k, dx, dxRef.length), dxRef, REL, `avgPool1dBackward ${what}`);

        const gy = k.alloc(batch * C);
        k.globalAvgPool(x, batch, L, C, gy);
        const gRef = new Float64Array(batch * C);
        for (let b = 0; b < batch; b++) for (let l = 0; l < L; l++) for (let c = 0; c < C; c++) gRef[b * C + c] += X[(b * L + l) * C + c] / L;
        expectClose(get(k, gy, batch * C), gRef, REL, `globalAvgPool ${what}`);
        const GG = randomArray(rand, batch * C);
        const gdx = put(k, new Float64Array(batch * L * C).fill(Number.NaN));
        k.globalAvgPoolBackward(put(k, GG), batch, L, C, gdx);
        const gdxRef = new Float64Array(batch * L * C);
        for (let b = 0; b < batch; b++) for (let l = 0; l < L; l++) for (let c = 0; c < C; c++) gdxRef[(b * L + l) * C + c] = GG[b * C + c] / L;
        expectClose(get(k, gdx, gdxRef.length), gdxRef, REL, `globalAvgPoolBackward ${what}`);
      });
  });

  it('batchNormTrain against the float64 forward; scaleShift', () => {
    const k = create();
    const rand = mulberry32(9);
    for (const [rows, C] of [[1, 1], [2, 3], [7, 4], [50, 9], [333, 17], [5, 70]])
      scoped(k, () => {
        const X = randomArray(rand, rows * C, -2, 3);
        const Gm = randomArray(rand, C, 0.5, 1.5);
        const Bt = randomArray(rand, C);
        const eps = 1e-3;
        const mean = k.alloc(C);
        const invStd = k.alloc(C);
        const xhat = k.alloc(rows * C);
        const y = k.alloc(rows * C);
        k.batchNormTrain(put(k, X), rows, C, put(k, Gm), put(k, Bt), eps, mean, invStd, xhat, y);
        const ref = refBatchNorm(X, rows, C, Gm, Bt, eps);
        const what = `${rows}×${C}`;
        expectClose(get(k, mean, C), ref.mean, REL, `mean ${what}`);
        expectClose(get(k, invStd, C), ref.invStd, REL, `invStd ${what}`);
        expectClose(get(k, xhat, rows * C), ref.xhat, REL, `xhat ${what}`);
        expectClose(get(k, y, rows * C), ref.y, REL, `y ${what}`);

        const Sc = randomArray(rand, C);
        const Sh = randomArray(rand, C);
        const x = put(k, X);
        const out = k.alloc(rows * C);
        k.scaleShift(x, rows, C, put(k, Sc), put(k, Sh), out);
        const ssRef = X.map((v, i) => v * Sc[i % C] + Sh[i % C]);
        expectClose(get(k, out, rows * C), ssRef, REL, `scaleShift ${what}`);
        k.scaleShift(x, rows, C, put(k, Sc), put(k, Sh), x);
        expectClose(get(k, x, rows * C), ssRef, REL, `scaleShift in place ${what}`);
      });
  });

  it('batchNormBackward against finite differences of the float64 forward (dx aliasing dy too)', () => {
    const k = create();
    const rand = mulberry32(10);
    for (const [rows, C] of [[2, 1], [3, 5], [8, 4], [21, 9], [40, 3]])
      for (const alias of [false, true])
        scoped(k, () => {
          const X = randomArray(rand, rows * C, -2, 3);
          const Gm = randomArray(rand, C, 0.5, 1.5);
          const Bt = randomArray(rand, C);
          const W = randomArray(rand, rows * C); // loss = Σ W ⊙ y, so dy = W
          const eps = 1e-3;
          const mean = k.alloc(C);
          const invStd = k.alloc(C);
          const xhat = k.alloc(rows * C);
          const y = k.alloc(rows * C);
          const gamma = put(k, Gm);
          k.batchNormTrain(put(k, X), rows, C, gamma, put(k, Bt), eps, mean, invStd, xhat, y);
          const dy = put(k, W);
          const dx = alias ? dy : put(k, new Float64Array(rows * C).fill(Number.NaN));
          const dgamma = put(k, new Float64Array(C).fill(Number.NaN));
          const dbeta = put(k, new Float64Array(C).fill(Number.NaN));
          k.batchNormBackward(dy, xhat, invStd, gamma, rows, C, dx, dgamma, dbeta);

          const ref = refBatchNorm(X, rows, C, Gm, Bt, eps);
          const loss = (x: Float64Array, g: Float64Array, b: Float64Array): number => dot(refBatchNorm(x, rows, C, g, b, eps).y, W);
          const h = 1e-5;
          const numeric = (v: Float64Array, f: () => number): Float64Array => {
            const d = new Float64Array(v.length);
            for (let i = 0; i < v.length; i++) {
              const keep = v[i];
              v[i] = keep + h;
              const up = f();
              v[i] = keep - h;
              const down = f();
              v[i] = keep;
              d[i] = (up - down) / (2 * h);
            }
            return d;
          };
          const Xc = Float64Array.from(X);
          const Gc = Float64Array.from(Gm);
          const Bc = Float64Array.from(Bt);
          const what = `${rows}×${C}${alias ? ' (dx = dy)' : ''}`;
          // With few rows dx is mostly a cancellation (for rows = 2 only eps keeps it off 0): judge
          // it against the size of its terms, γ·invStd·dy.
          let termScale = 0;
          for (let i = 0; i < rows * C; i++) termScale = Math.max(termScale, Math.abs(Gm[i % C] * ref.invStd[i % C] * W[i]));
          expectClose(get(k, dx, rows * C), numeric(Xc, () => loss(Xc, Gc, Bc)), REL, `dx ${what}`, termScale);
          expectClose(get(k, dgamma, C), numeric(Gc, () => loss(Xc, Gc, Bc)), REL, `dgamma ${what}`);
          expectClose(get(k, dbeta, C), numeric(Bc, () => loss(Xc, Gc, Bc)), REL, `dbeta ${what}`);
        });
  });

  it('softmaxCrossEntropy with class weights (stable for large logits, label −1 ignored)', () => {
    const k = create();
    const rand = mulberry32(11);
    for (const [batch, K, spread] of [[1, 1, 1], [1, 2, 1], [5, 3, 2], [9, 7, 5], [16, 5, 200], [4, 10, 1000]])
      scoped(k, () => {
        const Lg = randomArray(rand, batch * K, -spread, spread);
        const labels = Array.from({ length: batch }, () => Math.floor(rand() * K));
        if (batch >= 5) labels[2] = -1;
        const Wc = randomArray(rand, K, 0.2, 3);
        const probs = k.alloc(batch * K);
        const dl = k.alloc(batch * K);
        const loss = k.softmaxCrossEntropy(put(k, Lg), putInt(k, labels), put(k, Wc), batch, K, probs, dl);

        const P = new Float64Array(batch * K);
        let total = 0;
        let wsum = 0;
        for (let b = 0; b < batch; b++) {
          let m = -Infinity;
          for (let j = 0; j < K; j++) m = Math.max(m, Lg[b * K + j]);
          let s = 0;
          for (let j = 0; j < K; j++) s += Math.exp(Lg[b * K + j] - m);
          for (let j = 0; j < K; j++) P[b * K + j] = Math.exp(Lg[b * K + j] - m) / s;
          const yb = labels[b];
          if (yb < 0) continue;
          total += Wc[yb] * -(Lg[b * K + yb] - m - Math.log(s));
          wsum += Wc[yb];
        }
        const D = new Float64Array(batch * K);
        for (let b = 0; b < batch; b++) {
          const yb = labels[b];
          if (yb < 0) continue;
          for (let j = 0; j < K; j++) D[b * K + j] = (Wc[yb] * (P[b * K + j] - (j === yb ? 1 : 0))) / wsum;
        }
        const what = `batch=${batch} K=${K} spread=${spread}`;
        expect(Number.isFinite(loss)).toBe(true);
        if (total === 0) expect(Math.abs(loss)).toBeLessThan(1e-7);
        else expectScalar(loss, total / wsum, LOSS_REL, `loss ${what}`);
        expectClose(get(k, probs, batch * K), P, REL, `probs ${what}`);
        expectClose(get(k, dl, batch * K), D, REL, `dlogits ${what}`);
      });
  });

  it('regressionLoss: MSE, and Huber in both regions', () => {
    const k = create();
    const rand = mulberry32(12);
    for (const n of [1, 2, 7, 33, 100])
      for (const kind of [0, 1] as const)
        scoped(k, () => {
          const Pr = randomArray(rand, n, -3, 3);
          const Tg = randomArray(rand, n, -3, 3);
          const delta = 1.25;
          const dp = k.alloc(n);
          const loss = k.regressionLoss(kind, put(k, Pr), put(k, Tg), n, delta, dp);
          let ref = 0;
          const G = new Float64Array(n);
          let inside = 0;
          for (let i = 0; i < n; i++) {
            const d = Pr[i] - Tg[i];
            if (kind === 0) {
              ref += d * d;
              G[i] = (2 * d) / n;
            } else if (Math.abs(d) <= delta) {
              inside++;
              ref += 0.5 * d * d;
              G[i] = d / n;
            } else {
              ref += delta * (Math.abs(d) - 0.5 * delta);
              G[i] = (Math.sign(d) * delta) / n;
            }
          }
          if (kind === 1 && n >= 33) {
            expect(inside).toBeGreaterThan(0);
            expect(inside).toBeLessThan(n);
          }
          expectScalar(loss, ref / n, LOSS_REL, `loss kind=${kind} n=${n}`);
          expectClose(get(k, dp, n), G, REL, `dpred kind=${kind} n=${n}`);
        });
  });

  it('adam over several steps, with and without weight decay', () => {
    const k = create();
    const rand = mulberry32(13);
    for (const n of [1, 3, 4, 9, 130])
      for (const wd of [0, 0.01])
        scoped(k, () => {
          const P = randomArray(rand, n);
          const M = new Float64Array(n);
          const V = new Float64Array(n);
          const p = put(k, P);
          const m = k.alloc(n);
          const v = k.alloc(n);
          const g = k.alloc(n);
          const lr = 0.01;
          const b1 = 0.9;
          const b2 = 0.999;
          const eps = 1e-7;
          for (let t = 1; t <= 6; t++) {
            const G = randomArray(rand, n, -2, 2);
            k.f32().set(G, g >> 2);
            const b1t = b1 ** t;
            const b2t = b2 ** t;
            k.adam(p, g, m, v, n, lr, b1, b2, eps, b1t, b2t, wd);
            for (let i = 0; i < n; i++) {
              M[i] = b1 * M[i] + (1 - b1) * G[i];
              V[i] = b2 * V[i] + (1 - b2) * G[i] * G[i];
              P[i] = P[i] - (lr * (M[i] / (1 - b1t))) / (Math.sqrt(V[i] / (1 - b2t)) + eps) - lr * wd * P[i];
            }
          }
          const what = `n=${n} wd=${wd}`;
          expectClose(get(k, m, n), M, REL, `m ${what}`);
          expectClose(get(k, v, n), V, REL, `v ${what}`);
          expectClose(get(k, p, n), P, REL, `p ${what}`);
        });
  });
});
