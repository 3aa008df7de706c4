// Compute kernels of the CPU training engine, WebAssembly SIMD (AssemblyScript).
// Built by scripts/build-wasm.mjs twice from this one source: out/ml/kernels.wasm (SIMD128) and
// out/ml/kernels-relaxed.wasm (SIMD128 + relaxed SIMD, whose fused multiply-add the inner loops
// use through `madd`); the loader picks the relaxed build where the runtime validates it.
// Every tensor is addressed by its BYTE offset in the exported memory; see
// src-main/ml/kernels/types.ts for the contract of each kernel. No allocation happens here: the
// bump allocator lives in JS (src-main/ml/kernels/wasm.ts), which also reserves, right after
// `heapBase()`, a scratch region that it hands over with `setScratch` (gemm packs Bᵀ panels into
// it, the row reductions keep float64 accumulators there).

/** Scratch region owned by the kernels (set once by the JS side, never grown during a call). */
let scratchPtr: usize = 0;
let scratchCap: usize = 0;

/** First byte after the module's static data: the JS allocator starts here. */
export function heapBase(): usize {
  return __heap_base;
}

export function setScratch(ptr: usize, bytes: usize): void {
  scratchPtr = ptr;
  scratchCap = bytes;
}

/**
 * a·b + c. The relaxed build emits f32x4.relaxed_madd (one FMA instruction where the CPU has
 * one, rounding once); the plain build a multiply and an add. ASC_FEATURE_RELAXED_SIMD is a
 * compile-time constant, so each build keeps one branch.
 */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// ---------------------------------------------------------------------------------------------
// Small vector helpers (f32 runs of n elements; pointers need not be 16-byte aligned).

@inline function copyF(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const s = src + (<usize>i << 2);
    const d = dst + (<usize>i << 2);
    v128.store(d, v128.load(s));
    v128.store(d, v128.load(s, 16), 16);
    v128.store(d, v128.load(s, 32), 32);
    v128.store(d, v128.load(s, 48), 48);
  }
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline function fillF(dst: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const d = dst + (<usize>i << 2);
    v128.store(d, v);
    v128.store(d, v, 16);
    v128.store(d, v, 32);
    v128.store(d, v, 48);
  }
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), value);
}

/** dst += src */
@inline function addToF(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const s = src + (<usize>i << 2);
    const d = dst + (<usize>i << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(s)));
    v128.store(d, f32x4.add(v128.load(d, 16), v128.load(s, 16)), 16);
  }
  for (; i + 4 <= n; i += 4) {
    const d = dst + (<usize>i << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const d = dst + (<usize>i << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>i << 2)));
  }
}

/** dst += alpha·src */
@inline function axpyF(dst: usize, src: usize, alpha: f32, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const s = src + (<usize>i << 2);
    const d = dst + (<usize>i << 2);
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(va, v128.load(s))));
    v128.store(d, f32x4.add(v128.load(d, 16), f32x4.mul(va, v128.load(s, 16))), 16);
  }
  for (; i + 4 <= n; i += 4) {
    const d = dst + (<usize>i << 2);
    v128.store(d, f32x4.add(v128.load(d), f32x4.mul(va, v128.load(src + (<usize>i << 2)))));
  }
  for (; i < n; i++) {
    const d = dst + (<usize>i << 2);
    store<f32>(d, load<f32>(d) + alpha * load<f32>(src + (<usize>i << 2)));
  }
}

/** dst = alpha·src */
@inline function scaleToF(dst: usize, src: usize, alpha: f32, n: i32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.mul(va, v128.load(src + (<usize>i << 2))));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), alpha * load<f32>(src + (<usize>i << 2)));
}

@inline function zeroF64(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 3);
}

/** acc[i] (f64) += src[i] (f32) */
@inline function acc64(acc: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    const p = acc + (<usize>i << 3);
    v128.store(p, f64x2.add(v128.load(p), f64x2.promote_low_f32x4(v)));
    v128.store(p, f64x2.add(v128.load(p, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))), 16);
  }
  for (; i < n; i++) {
    const p = acc + (<usize>i << 3);
    store<f64>(p, load<f64>(p) + <f64>load<f32>(src + (<usize>i << 2)));
  }
}

/** acc[i] (f64) += (src[i] − center[i])² */
@inline function accSqDev64(acc: usize, src: usize, center: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = f32x4.sub(v128.load(src + (<usize>i << 2)), v128.load(center + (<usize>i << 2)));
    const lo = f64x2.promote_low_f32x4(d);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 2, 3));
    const p = acc + (<usize>i << 3);
    v128.store(p, f64x2.add(v128.load(p), f64x2.mul(lo, lo)));
    v128.store(p, f64x2.add(v128.load(p, 16), f64x2.mul(hi, hi)), 16);
  }
  for (; i < n; i++) {
    const p = acc + (<usize>i << 3);
    const d = <f64>(load<f32>(src + (<usize>i << 2)) - load<f32>(center + (<usize>i << 2)));
    store<f64>(p, load<f64>(p) + d * d);
  }
}

/** s1[i] += dy[i]; s2[i] += dy[i]·xh[i] (f64 accumulators) */
@inline function accDot64(s1: usize, s2: usize, dy: usize, xh: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const g = v128.load(dy + (<usize>i << 2));
    const x = v128.load(xh + (<usize>i << 2));
    const glo = f64x2.promote_low_f32x4(g);
    const ghi = f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 2, 3));
    const xlo = f64x2.promote_low_f32x4(x);
    const xhi = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3));
    const p = s1 + (<usize>i << 3);
    const q = s2 + (<usize>i << 3);
    v128.store(p, f64x2.add(v128.load(p), glo));
    v128.store(p, f64x2.add(v128.load(p, 16), ghi), 16);
    v128.store(q, f64x2.add(v128.load(q), f64x2.mul(glo, xlo)));
    v128.store(q, f64x2.add(v128.load(q, 16), f64x2.mul(ghi, xhi)), 16);
  }
  for (; i < n; i++) {
    const g = <f64>load<f32>(dy + (<usize>i << 2));
    const x = <f64>load<f32>(xh + (<usize>i << 2));
    const p = s1 + (<usize>i << 3);
    const q = s2 + (<usize>i << 3);
    store<f64>(p, load<f64>(p) + g);
    store<f64>(q, load<f64>(q) + g * x);
  }
}

/** Channels per chunk for the reductions that keep two float64 accumulators per channel. */
@inline function reduceChunk(C: i32): i32 {
  const cap = <i32>min<usize>(scratchCap >> 4, 1 << 24) & ~3;
  return min(C, max(4, cap));
}

// ---------------------------------------------------------------------------------------------
// GEMM. C[M,N] = op(A)·op(B) + beta·C. op(A)(i,k) lives at a + i·sAi + k·sAk (bytes), so A and
// Aᵀ run through the same micro-kernels with different strides; op(B) must be row-major [K,N]
// (ldb bytes per row): B as given, or a Bᵀ panel packed into the scratch.

const KC: i32 = 256;

/**
 * The epilogue of a register tile row: with beta, adds what C holds (C = A·B + C); on the last
 * K block, adds the bias (pbias ≠ 0: the bias of the row's first column) and applies ReLU.
 */
@inline function epilogue(c: v128, pr: usize, off: usize, beta: i32, pbias: usize, relu: i32): v128 {
  if (beta) c = f32x4.add(c, v128.load(pr + off));
  if (pbias) c = f32x4.add(c, v128.load(pbias + off));
  if (relu) c = f32x4.max(c, f32x4.splat(0));
  return c;
}

/** Stores one 8-float row of a register tile at pr through the epilogue. */
@inline function storeRow8(pr: usize, c0: v128, c1: v128, beta: i32, pbias: usize, relu: i32): void {
  v128.store(pr, epilogue(c0, pr, 0, beta, pbias, relu));
  v128.store(pr, epilogue(c1, pr, 16, beta, pbias, relu), 16);
}

/** Stores one 4-float row of a register tile at pr through the epilogue. */
@inline function storeRow4(pr: usize, c: v128, beta: i32, pbias: usize, relu: i32): void {
  v128.store(pr, epilogue(c, pr, 0, beta, pbias, relu));
}

/**
 * 4×8 register tile (mr ≤ 4 rows valid), kc steps of rank-1 updates. Eight accumulators, two B
 * vectors and four broadcast A values: V8 keeps 15 SIMD registers on x86-64 and hoists the four
 * broadcasts, so a taller tile (6×8) spills accumulators to the stack on every step.
 */
@inline function kern4x8(pa: usize, sAi: usize, sAk: usize, pb: usize, ldb: usize, pc: usize, ldc: usize, kc: i32, mr: i32, beta: i32, pbias: usize, relu: i32): void {
  // Rows past mr re-read the last valid row, so the loop has no branches; their sums are dropped.
  const p0 = pa;
  const p1 = mr > 1 ? p0 + sAi : p0;
  const p2 = mr > 2 ? p1 + sAi : p1;
  const p3 = mr > 3 ? p2 + sAi : p2;
  let q0 = p0, q1 = p1, q2 = p2, q3 = p3, q = pb;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(q);
    const b1 = v128.load(q, 16);
    let a = v128.load32_splat(q0);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(q1);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(q2);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(q3);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    q0 += sAk;
    q1 += sAk;
    q2 += sAk;
    q3 += sAk;
    q += ldb;
  }
  storeRow8(pc, c00, c01, beta, pbias, relu);
  if (mr > 1) storeRow8(pc + ldc, c10, c11, beta, pbias, relu);
  if (mr > 2) storeRow8(pc + 2 * ldc, c20, c21, beta, pbias, relu);
  if (mr > 3) storeRow8(pc + 3 * ldc, c30, c31, beta, pbias, relu);
}

/** 4×4 register tile. */
@inline function kern4x4(pa: usize, sAi: usize, sAk: usize, pb: usize, ldb: usize, pc: usize, ldc: usize, kc: i32, mr: i32, beta: i32, pbias: usize, relu: i32): void {
  const p0 = pa;
  const p1 = mr > 1 ? p0 + sAi : p0;
  const p2 = mr > 2 ? p1 + sAi : p1;
  const p3 = mr > 3 ? p2 + sAi : p2;
  let q0 = p0, q1 = p1, q2 = p2, q3 = p3, q = pb;
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(q);
    c0 = madd(v128.load32_splat(q0), b0, c0);
    c1 = madd(v128.load32_splat(q1), b0, c1);
    c2 = madd(v128.load32_splat(q2), b0, c2);
    c3 = madd(v128.load32_splat(q3), b0, c3);
    q0 += sAk;
    q1 += sAk;
    q2 += sAk;
    q3 += sAk;
    q += ldb;
  }
  storeRow4(pc, c0, beta, pbias, relu);
  if (mr > 1) storeRow4(pc + ldc, c1, beta, pbias, relu);
  if (mr > 2) storeRow4(pc + 2 * ldc, c2, beta, pbias, relu);
  if (mr > 3) storeRow4(pc + 3 * ldc, c3, beta, pbias, relu);
}

/** mr × nr tile (nr < 4), scalar, with the same epilogue. */
function kernTail(pa: usize, sAi: usize, sAk: usize, pb: usize, ldb: usize, pc: usize, ldc: usize, kc: i32, mr: i32, nr: i32, beta: i32, pbias: usize, relu: i32): void {
  for (let r = 0; r < mr; r++) {
    const par = pa + <usize>r * sAi;
    const pcr = pc + <usize>r * ldc;
    for (let j = 0; j < nr; j++) {
      let s: f32 = 0;
      let p = par;
      let q = pb + (<usize>j << 2);
      for (let k = 0; k < kc; k++) {
        s += load<f32>(p) * load<f32>(q);
        p += sAk;
        q += ldb;
      }
      const d = pcr + (<usize>j << 2);
      if (beta) s += load<f32>(d);
      if (pbias) s += load<f32>(pbias + (<usize>j << 2));
      if (relu) s = max<f32>(s, 0);
      store<f32>(d, s);
    }
  }
}

/** dst[c·ldd + r] = src[r·lds + c] for r < rows, c < cols (strides in bytes), 4×4 SIMD blocks. */
function transposeStrided(src: usize, rows: i32, cols: i32, lds: usize, dst: usize, ldd: usize): void {
  const TB = 64;
  for (let r0 = 0; r0 < rows; r0 += TB) {
    const r1 = min(rows, r0 + TB);
    for (let c0 = 0; c0 < cols; c0 += TB) {
      const c1 = min(cols, c0 + TB);
      let r = r0;
      for (; r + 4 <= r1; r += 4) {
        const s = src + <usize>r * lds;
        let c = c0;
        for (; c + 4 <= c1; c += 4) {
          const p = s + (<usize>c << 2);
          const x0 = v128.load(p);
          const x1 = v128.load(p + lds);
          const x2 = v128.load(p + 2 * lds);
          const x3 = v128.load(p + 3 * lds);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const d = dst + <usize>c * ldd + (<usize>r << 2);
          v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(d + ldd, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
          v128.store(d + 2 * ldd, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
          v128.store(d + 3 * ldd, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
        }
        for (; c < c1; c++) {
          const p = s + (<usize>c << 2);
          const d = dst + <usize>c * ldd + (<usize>r << 2);
          store<f32>(d, load<f32>(p));
          store<f32>(d, load<f32>(p + lds), 4);
          store<f32>(d, load<f32>(p + 2 * lds), 8);
          store<f32>(d, load<f32>(p + 3 * lds), 12);
        }
      }
      for (; r < r1; r++) {
        const s = src + <usize>r * lds;
        for (let c = c0; c < c1; c++) store<f32>(dst + <usize>c * ldd + (<usize>r << 2), load<f32>(s + (<usize>c << 2)));
      }
    }
  }
}

export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  transposeStrided(src, rows, cols, <usize>cols << 2, dst, <usize>rows << 2);
}

/**
 * One K block of C[M,N] (ldc bytes per row) = A·B (+ C with beta) through the register tiles, the
 * epilogue's bias and ReLU included. op(A)(i,k) is at pa + i·sAi + k·sAk, B row-major [kc, N]
 * with ldb bytes per row: gemm passes its operands, the 1-channel convolution its input read
 * through strides (the im2col matrix without writing it).
 */
function panel(M: i32, N: i32, kc: i32, pa: usize, sAi: usize, sAk: usize, pb: usize, ldb: usize, pc: usize, ldc: usize, beta: i32, pbias: usize, relu: i32): void {
  for (let i0 = 0; i0 < M; i0 += 4) {
    const mr = min(4, M - i0);
    const a = pa + <usize>i0 * sAi;
    const c = pc + <usize>i0 * ldc;
    let j = 0;
    for (; j + 8 <= N; j += 8) kern4x8(a, sAi, sAk, pb + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc, kc, mr, beta, pbias ? pbias + (<usize>j << 2) : 0, relu);
    if (j + 4 <= N) {
      kern4x4(a, sAi, sAk, pb + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc, kc, mr, beta, pbias ? pbias + (<usize>j << 2) : 0, relu);
      j += 4;
    }
    if (j < N) kernTail(a, sAi, sAk, pb + (<usize>j << 2), ldb, c + (<usize>j << 2), ldc, kc, mr, N - j, beta, pbias ? pbias + (<usize>j << 2) : 0, relu);
  }
}

/** C = op(A)·op(B) (+ C with beta); bias (0 for none) and ReLU applied once, on the last K block. */
function gemmCore(transA: i32, transB: i32, M: i32, N: i32, K: i32, a: usize, b: usize, c: usize, beta: i32, bias: usize, relu: i32): void {
  if (M <= 0 || N <= 0) return;
  const ldc: usize = <usize>N << 2;
  if (K <= 0) {
    if (!beta) memory.fill(c, 0, <usize>M * ldc);
    if (bias || relu) {
      for (let i = 0; i < M; i++) kernTail(a, 0, 0, b, 0, c + <usize>i * ldc, ldc, 0, 1, N, 1, bias, relu);
    }
    return;
  }
  const sAi: usize = transA ? 4 : <usize>K << 2;
  const sAk: usize = transA ? <usize>M << 2 : 4;
  // Column panels: all of N, unless a packed Bᵀ panel [KC, NC] would not fit the scratch.
  let NC = N;
  if (transB) {
    const capF = <i32>min<usize>(scratchCap >> 2, 1 << 28);
    if (N * KC > capF) NC = max(8, (capF / KC) & ~7);
  }
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = min(KC, K - k0);
      const be = k0 > 0 ? 1 : beta;
      const last = k0 + kc >= K;
      const pbias: usize = last && bias ? bias + (<usize>jc << 2) : 0;
      const re = last ? relu : 0;
      let pb: usize;
      let ldb: usize;
      if (transB) {
        // B is [N,K]: rows jc..jc+nc, columns k0..k0+kc, transposed into [kc, nc].
        transposeStrided(b + ((<usize>jc * K + k0) << 2), nc, kc, <usize>K << 2, scratchPtr, <usize>nc << 2);
        pb = scratchPtr;
        ldb = <usize>nc << 2;
      } else {
        pb = b + ((<usize>k0 * N + jc) << 2);
        ldb = <usize>N << 2;
      }
      panel(M, nc, kc, a + <usize>k0 * sAk, sAi, sAk, pb, ldb, c + (<usize>jc << 2), ldc, be, pbias, re);
    }
  }
}

export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32, a: usize, b: usize, c: usize, beta: i32): void {
  gemmCore(transA, transB, M, N, K, a, b, c, beta, 0, 0);
}

export function gemmBias(M: i32, N: i32, K: i32, a: usize, b: usize, c: usize, bias: usize, relu: i32): void {
  gemmCore(0, 0, M, N, K, a, b, c, 0, bias, relu);
}

// ---------------------------------------------------------------------------------------------
// Convolution lowering.

export function im2col1d(x: usize, batch: i32, L: i32, C: i32, K: i32, stride: i32, dilation: i32, padLeft: i32, lOut: i32, cols: usize): void {
  const cBytes = <usize>C << 2;
  let dst = cols;
  for (let b = 0; b < batch; b++) {
    const xb = x + <usize>b * <usize>L * cBytes;
    for (let o = 0; o < lOut; o++) {
      let l = o * stride - padLeft;
      if (C == 1) {
        for (let k = 0; k < K; k++) {
          store<f32>(dst, <u32>l < <u32>L ? load<f32>(xb + (<usize>l << 2)) : 0);
          dst += 4;
          l += dilation;
        }
      } else {
        for (let k = 0; k < K; k++) {
          if (<u32>l < <u32>L) copyF(xb + <usize>l * cBytes, dst, C);
          else fillF(dst, 0, C);
          dst += cBytes;
          l += dilation;
        }
      }
    }
  }
}

export function col2im1d(cols: usize, batch: i32, L: i32, C: i32, K: i32, stride: i32, dilation: i32, padLeft: i32, lOut: i32, dx: usize): void {
  const cBytes = <usize>C << 2;
  memory.fill(dx, 0, <usize>batch * <usize>L * cBytes);
  let src = cols;
  for (let b = 0; b < batch; b++) {
    const xb = dx + <usize>b * <usize>L * cBytes;
    for (let o = 0; o < lOut; o++) {
      let l = o * stride - padLeft;
      if (C == 1) {
        for (let k = 0; k < K; k++) {
          if (<u32>l < <u32>L) {
            const d = xb + (<usize>l << 2);
            store<f32>(d, load<f32>(d) + load<f32>(src));
          }
          src += 4;
          l += dilation;
        }
      } else {
        for (let k = 0; k < K; k++) {
          if (<u32>l < <u32>L) addToF(xb + <usize>l * cBytes, src, C);
          src += cBytes;
          l += dilation;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Convolution without an im2col matrix. Where C = 1 or dilation = 1, row o of the im2col matrix
// is the input read from point o·stride − padLeft with one fixed step (C = 1: `dilation` points;
// dilation 1: the K·C floats of K consecutive points are consecutive), so the register tiles read
// it from the input itself with strides, and writing and re-reading a K-times larger copy of the
// input is saved. Only output positions whose taps all fall inside [0, L) go this way; the few at
// the edges are summed directly.

/** Output positions whose taps all fall inside [0, L) are [lo, hi); the others need bounds checks. */
@inline function innerLo(stride: i32, padLeft: i32, lOut: i32): i32 {
  return min(lOut, (padLeft + stride - 1) / stride);
}
@inline function innerHi(L: i32, K: i32, stride: i32, dilation: i32, padLeft: i32, lOut: i32, lo: i32): i32 {
  const last = L - 1 - (K - 1) * dilation + padLeft;
  return last < 0 ? lo : max(lo, min(lOut, last / stride + 1));
}

/** Output position o (all F filters), scalar, taps outside [0, L) read as 0. */
function conv1dPoint(xb: usize, L: i32, C: i32, K: i32, stride: i32, dilation: i32, padLeft: i32, o: i32, w: usize, F: i32, bias: usize, relu: i32, yo: usize): void {
  for (let f = 0; f < F; f++) {
    let s: f32 = bias ? load<f32>(bias + (<usize>f << 2)) : 0;
    let l = o * stride - padLeft;
    for (let k = 0; k < K; k++) {
      if (<u32>l < <u32>L) {
        for (let c = 0; c < C; c++) s += load<f32>(xb + ((<usize>l * C + c) << 2)) * load<f32>(w + (((<usize>k * C + c) * F + f) << 2));
      }
      l += dilation;
    }
    if (relu) s = max<f32>(s, 0);
    store<f32>(yo + (<usize>f << 2), s);
  }
}

export function conv1d(x: usize, batch: i32, L: i32, C: i32, K: i32, stride: i32, dilation: i32, padLeft: i32, lOut: i32, w: usize, F: i32, bias: usize, relu: i32, y: usize): void {
  const fb = <usize>F << 2;
  const lo = innerLo(stride, padLeft, lOut);
  const hi = innerHi(L, K, stride, dilation, padLeft, lOut, lo);
  const KC_ = K * C;
  // Bytes from one im2col entry of a row to the next, and from one row to the next.
  const step: usize = C == 1 ? <usize>dilation << 2 : 4;
  const rowStep: usize = (<usize>stride * C) << 2;
  for (let b = 0; b < batch; b++) {
    const xb = x + ((<usize>b * L * C) << 2);
    const yb = y + <usize>b * <usize>lOut * fb;
    for (let o = 0; o < lo; o++) conv1dPoint(xb, L, C, K, stride, dilation, padLeft, o, w, F, bias, relu, yb + <usize>o * fb);
    for (let o = hi; o < lOut; o++) conv1dPoint(xb, L, C, K, stride, dilation, padLeft, o, w, F, bias, relu, yb + <usize>o * fb);
    if (hi <= lo) continue;
    const pa = xb + ((<usize>(lo * stride - padLeft) * C) << 2);
    for (let k0 = 0; k0 < KC_; k0 += KC) {
      const kc = min(KC, KC_ - k0);
      const last = k0 + kc >= KC_;
      panel(hi - lo, F, kc, pa + <usize>k0 * step, rowStep, step, w + <usize>k0 * fb, fb, yb + <usize>lo * fb, fb, k0 > 0 ? 1 : 0, last ? bias : 0, last ? relu : 0);
    }
  }
}

export function conv1dWeightGrad(x: usize, dy: usize, batch: i32, L: i32, C: i32, K: i32, stride: i32, dilation: i32, padLeft: i32, lOut: i32, F: i32, dw: usize): void {
  const fb = <usize>F << 2;
  memory.fill(dw, 0, <usize>K * C * fb);
  const lo = innerLo(stride, padLeft, lOut);
  const hi = innerHi(L, K, stride, dilation, padLeft, lOut, lo);
  const step: usize = C == 1 ? <usize>dilation << 2 : 4;
  const rowStep: usize = (<usize>stride * C) << 2;
  for (let b = 0; b < batch; b++) {
    const xb = x + ((<usize>b * L * C) << 2);
    const gb = dy + <usize>b * <usize>lOut * fb;
    // Edge positions (taps outside the input read as 0).
    for (let o = 0; o < lOut; o++) {
      if (o == lo) o = hi;
      if (o >= lOut) break;
      let l = o * stride - padLeft;
      for (let k = 0; k < K; k++) {
        if (<u32>l < <u32>L) {
          for (let c = 0; c < C; c++) axpyF(dw + (<usize>k * C + c) * fb, gb + <usize>o * fb, load<f32>(xb + ((<usize>l * C + c) << 2)), F);
        }
        l += dilation;
      }
    }
    // Inner positions: dw = colsᵀ·dy, the same strided reading with the two strides swapped.
    for (let o0 = lo; o0 < hi; o0 += KC) {
      const kc = min(KC, hi - o0);
      panel(K * C, F, kc, xb + ((<usize>(o0 * stride - padLeft) * C) << 2), step, rowStep, gb + <usize>o0 * fb, fb, dw, fb, 1, 0, 0);
    }
  }
}

/**
 * Input gradient of a stride-1 convolution without the im2col-shaped gradient and col2im:
 * dx[l] = Σ_k dy[l + padLeft − k·dilation]·W_kᵀ, for each tap one product over the rows where
 * that tap falls inside the output, accumulated into dx. W_kᵀ panels are packed into the scratch.
 */
export function conv1dInputGrad(dy: usize, w: usize, batch: i32, L: i32, C: i32, K: i32, dilation: i32, padLeft: i32, lOut: i32, F: i32, dx: usize): void {
  const fb = <usize>F << 2;
  const cb = <usize>C << 2;
  memory.fill(dx, 0, <usize>batch * <usize>L * cb);
  // Channels per packed panel [F, cw]: all of them unless the scratch is too small.
  const CW = min(C, max(8, <i32>(scratchCap / fb) & ~7));
  for (let k = 0; k < K; k++) {
    const shift = padLeft - k * dilation; // o = l + shift
    const l0 = max(0, -shift);
    const l1 = min(L, lOut - shift);
    if (l1 <= l0) continue;
    for (let c0 = 0; c0 < C; c0 += CW) {
      const cw = min(CW, C - c0);
      transposeStrided(w + ((<usize>k * C + c0) * fb), cw, F, fb, scratchPtr, <usize>cw << 2);
      for (let b = 0; b < batch; b++) {
        const g = dy + (<usize>b * lOut + <usize>(l0 + shift)) * fb;
        const d = dx + (<usize>b * L + <usize>l0) * cb + (<usize>c0 << 2);
        for (let f0 = 0; f0 < F; f0 += KC) {
          const kc = min(KC, F - f0);
          panel(l1 - l0, cw, kc, g + (<usize>f0 << 2), fb, 4, scratchPtr + <usize>f0 * (<usize>cw << 2), <usize>cw << 2, d, cb, 1, 0, 0);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bias.

export function addBias(y: usize, rows: i32, N: i32, bias: usize): void {
  const rb = <usize>N << 2;
  for (let r = 0; r < rows; r++) addToF(y + <usize>r * rb, bias, N);
}

export function sumRows(dy: usize, rows: i32, N: i32, db: usize, beta: i32): void {
  const rb = <usize>N << 2;
  const N8 = N & ~7;
  // Eight columns at a time: float32 sums over blocks of 64 rows, added into float64 sums, all in
  // registers (the columns' stride through memory is one row).
  for (let c0 = 0; c0 < N8; c0 += 8) {
    let d0 = f64x2.splat(0), d1 = f64x2.splat(0), d2 = f64x2.splat(0), d3 = f64x2.splat(0);
    for (let r0 = 0; r0 < rows; r0 += 64) {
      const r1 = min(rows, r0 + 64);
      let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
      let p = dy + <usize>r0 * rb + (<usize>c0 << 2);
      for (let r = r0; r < r1; r++) {
        s0 = f32x4.add(s0, v128.load(p));
        s1 = f32x4.add(s1, v128.load(p, 16));
        p += rb;
      }
      d0 = f64x2.add(d0, f64x2.promote_low_f32x4(s0));
      d1 = f64x2.add(d1, f64x2.promote_low_f32x4(v128.shuffle<f32>(s0, s0, 2, 3, 2, 3)));
      d2 = f64x2.add(d2, f64x2.promote_low_f32x4(s1));
      d3 = f64x2.add(d3, f64x2.promote_low_f32x4(v128.shuffle<f32>(s1, s1, 2, 3, 2, 3)));
    }
    const d = db + (<usize>c0 << 2);
    if (beta) {
      d0 = f64x2.add(d0, f64x2.promote_low_f32x4(v128.load(d)));
      d1 = f64x2.add(d1, f64x2.promote_low_f32x4(v128.load64_zero(d + 8)));
      d2 = f64x2.add(d2, f64x2.promote_low_f32x4(v128.load(d + 16)));
      d3 = f64x2.add(d3, f64x2.promote_low_f32x4(v128.load64_zero(d + 24)));
    }
    v128.store64_lane(d, f32x4.demote_f64x2_zero(d0), 0);
    v128.store64_lane(d + 8, f32x4.demote_f64x2_zero(d1), 0);
    v128.store64_lane(d + 16, f32x4.demote_f64x2_zero(d2), 0);
    v128.store64_lane(d + 24, f32x4.demote_f64x2_zero(d3), 0);
  }
  if (N8 == N) return;
  // The last N mod 8 columns through float64 accumulators in the scratch.
  const cw = N - N8;
  const acc = scratchPtr;
  zeroF64(acc, cw);
  const base = dy + (<usize>N8 << 2);
  for (let r = 0; r < rows; r++) acc64(acc, base + <usize>r * rb, cw);
  for (let j = 0; j < cw; j++) {
    const d = db + (<usize>(N8 + j) << 2);
    let s = load<f64>(acc + (<usize>j << 3));
    if (beta) s += <f64>load<f32>(d);
    store<f32>(d, <f32>s);
  }
}

// ---------------------------------------------------------------------------------------------
// Activations and elementwise.

export function relu(x: usize, y: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.max(v128.load(x + o), z));
    v128.store(y + o, f32x4.max(v128.load(x + o, 16), z), 16);
  }
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), f32x4.max(v128.load(x + (<usize>i << 2)), z));
  for (; i < n; i++) store<f32>(y + (<usize>i << 2), max<f32>(load<f32>(x + (<usize>i << 2)), 0));
}

export function reluBackward(y: usize, dy: usize, dx: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), z)));
    v128.store(dx + o, v128.and(v128.load(dy + o, 16), f32x4.gt(v128.load(y + o, 16), z)), 16);
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), z)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}

export function mul(a: usize, b: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

export function add(a: usize, b: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  axpyF(y, x, alpha, n);
}

export function scale(x: usize, alpha: f32, n: i32): void {
  scaleToF(x, x, alpha, n);
}

export function sumSquares(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const s = f64x2.add(s0, s1);
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    total += v * v;
  }
  return total;
}

@inline function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

/**
 * C (float64, p × p) += XᵀX for X (float64, rows × p), p a multiple of 4: the covariance sums
 * of a paged PCA, in float64 because float32 sums over a map's rows lose the small components.
 * One 4 × 4 block of C stays in eight f64x2 accumulators while every row of X passes, so each
 * row costs two vector loads and four splats for sixteen multiply-adds. Blocks on or above the
 * diagonal only.
 */
export function crossProducts64(x: usize, rows: i32, p: i32, c: usize): void {
  const stride = <usize>p << 3;
  for (let i0 = 0; i0 < p; i0 += 4) {
    for (let j0 = i0; j0 < p; j0 += 4) {
      let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
      let xa = x + (<usize>i0 << 3);
      let xb = x + (<usize>j0 << 3);
      for (let r = 0; r < rows; r++) {
        const b0 = v128.load(xb);
        const b1 = v128.load(xb, 16);
        const a0 = v128.load64_splat(xa);
        const a1 = v128.load64_splat(xa, 8);
        const a2 = v128.load64_splat(xa, 16);
        const a3 = v128.load64_splat(xa, 24);
        c00 = madd64(a0, b0, c00);
        c01 = madd64(a0, b1, c01);
        c10 = madd64(a1, b0, c10);
        c11 = madd64(a1, b1, c11);
        c20 = madd64(a2, b0, c20);
        c21 = madd64(a2, b1, c21);
        c30 = madd64(a3, b0, c30);
        c31 = madd64(a3, b1, c31);
        xa += stride;
        xb += stride;
      }
      const o = c + <usize>i0 * stride + (<usize>j0 << 3);
      v128.store(o, f64x2.add(v128.load(o), c00));
      v128.store(o, f64x2.add(v128.load(o, 16), c01), 16);
      v128.store(o + stride, f64x2.add(v128.load(o + stride), c10));
      v128.store(o + stride, f64x2.add(v128.load(o + stride, 16), c11), 16);
      v128.store(o + 2 * stride, f64x2.add(v128.load(o + 2 * stride), c20));
      v128.store(o + 2 * stride, f64x2.add(v128.load(o + 2 * stride, 16), c21), 16);
      v128.store(o + 3 * stride, f64x2.add(v128.load(o + 3 * stride), c30));
      v128.store(o + 3 * stride, f64x2.add(v128.load(o + 3 * stride, 16), c31), 16);
    }
  }
}

export function copy(src: usize, dst: usize, n: i32): void {
  memory.copy(dst, src, <usize>n << 2);
}

export function fill(x: usize, value: f32, n: i32): void {
  fillF(x, value, n);
}

// ---------------------------------------------------------------------------------------------
// Pooling.

export function maxPool1d(x: usize, batch: i32, L: i32, C: i32, pool: i32, stride: i32, lOut: i32, y: usize, argmax: usize): void {
  const cBytes = <usize>C << 2;
  for (let b = 0; b < batch; b++) {
    const xb = x + <usize>b * <usize>L * cBytes;
    const yb = y + <usize>b * <usize>lOut * cBytes;
    const ab = argmax + <usize>b * <usize>lOut * cBytes;
    for (let o = 0; o < lOut; o++) {
      const l0 = o * stride;
      const src = xb + <usize>l0 * cBytes;
      const yo = yb + <usize>o * cBytes;
      const ao = ab + <usize>o * cBytes;
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        const off = <usize>c << 2;
        let m = v128.load(src + off);
        let idx = i32x4.splat(l0);
        let p = src + off;
        for (let j = 1; j < pool; j++) {
          p += cBytes;
          const v = v128.load(p);
          const gt = f32x4.gt(v, m);
          m = v128.bitselect(v, m, gt);
          idx = v128.bitselect(i32x4.splat(l0 + j), idx, gt);
        }
        v128.store(yo + off, m);
        v128.store(ao + off, idx);
      }
      for (; c < C; c++) {
        const off = <usize>c << 2;
        let m = load<f32>(src + off);
        let idx = l0;
        let p = src + off;
        for (let j = 1; j < pool; j++) {
          p += cBytes;
          const v = load<f32>(p);
          if (v > m) {
            m = v;
            idx = l0 + j;
          }
        }
        store<f32>(yo + off, m);
        store<i32>(ao + off, idx);
      }
    }
  }
}

export function maxPool1dBackward(dy: usize, argmax: usize, batch: i32, L: i32, C: i32, lOut: i32, dx: usize): void {
  const cBytes = <usize>C << 2;
  memory.fill(dx, 0, <usize>batch * <usize>L * cBytes);
  for (let b = 0; b < batch; b++) {
    const xb = dx + <usize>b * <usize>L * cBytes;
    let g = dy + <usize>b * <usize>lOut * cBytes;
    let a = argmax + <usize>b * <usize>lOut * cBytes;
    for (let o = 0; o < lOut; o++) {
      for (let c = 0; c < C; c++) {
        const d = xb + <usize>load<i32>(a) * cBytes + (<usize>c << 2);
        store<f32>(d, load<f32>(d) + load<f32>(g));
        a += 4;
        g += 4;
      }
    }
  }
}

/**
 * The backward of a ReLU followed by max pooling, in one pass: dy [batch, lOut, C] goes to the
 * argmax positions where the pooled output y is > 0 (the ReLU's mask, as ReLU and max commute).
 * Windows that do not overlap (pool = stride) write dx directly, 4 channels per step, with no
 * zero fill and no scatter.
 */
export function maxPool1dReluBackward(dy: usize, argmax: usize, y: usize, batch: i32, L: i32, C: i32, pool: i32, stride: i32, lOut: i32, dx: usize): void {
  const cBytes = <usize>C << 2;
  const z = f32x4.splat(0);
  if (pool != stride) {
    memory.fill(dx, 0, <usize>batch * <usize>L * cBytes);
    for (let b = 0; b < batch; b++) {
      const xb = dx + <usize>b * <usize>L * cBytes;
      const o0 = <usize>b * <usize>lOut * cBytes;
      for (let i = 0; i < lOut * C; i++) {
        const q = o0 + (<usize>i << 2);
        if (!(load<f32>(y + q) > 0)) continue;
        const d = xb + <usize>load<i32>(argmax + q) * cBytes + (<usize>(i % C) << 2);
        store<f32>(d, load<f32>(d) + load<f32>(dy + q));
      }
    }
    return;
  }
  for (let b = 0; b < batch; b++) {
    const xb = dx + <usize>b * <usize>L * cBytes;
    for (let o = 0; o < lOut; o++) {
      const q = (<usize>b * <usize>lOut + <usize>o) * cBytes;
      for (let j = 0; j < pool; j++) {
        const l = o * pool + j;
        const d = xb + <usize>l * cBytes;
        const vl = i32x4.splat(l);
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          const off = q + (<usize>c << 2);
          const keep = v128.and(i32x4.eq(v128.load(argmax + off), vl), f32x4.gt(v128.load(y + off), z));
          v128.store(d + (<usize>c << 2), v128.and(v128.load(dy + off), keep));
        }
        for (; c < C; c++) {
          const off = q + (<usize>c << 2);
          store<f32>(d + (<usize>c << 2), load<i32>(argmax + off) == l && load<f32>(y + off) > 0 ? load<f32>(dy + off) : 0);
        }
      }
    }
    // Points past the last window get no gradient.
    const tail = lOut * pool;
    if (tail < L) memory.fill(xb + <usize>tail * cBytes, 0, <usize>(L - tail) * cBytes);
  }
}

export function avgPool1d(x: usize, batch: i32, L: i32, C: i32, pool: i32, stride: i32, lOut: i32, y: usize): void {
  const cBytes = <usize>C << 2;
  const inv = <f32>(1.0 / <f64>pool);
  const vinv = f32x4.splat(inv);
  for (let b = 0; b < batch; b++) {
    const xb = x + <usize>b * <usize>L * cBytes;
    const yb = y + <usize>b * <usize>lOut * cBytes;
    for (let o = 0; o < lOut; o++) {
      const src = xb + <usize>(o * stride) * cBytes;
      const yo = yb + <usize>o * cBytes;
      let c = 0;
      for (; c + 4 <= C; c += 4) {
        let p = src + (<usize>c << 2);
        let s = v128.load(p);
        for (let j = 1; j < pool; j++) {
          p += cBytes;
          s = f32x4.add(s, v128.load(p));
        }
        v128.store(yo + (<usize>c << 2), f32x4.mul(s, vinv));
      }
      for (; c < C; c++) {
        let p = src + (<usize>c << 2);
        let s = load<f32>(p);
        for (let j = 1; j < pool; j++) {
          p += cBytes;
          s += load<f32>(p);
        }
        store<f32>(yo + (<usize>c << 2), s * inv);
      }
    }
  }
}

export function avgPool1dBackward(dy: usize, batch: i32, L: i32, C: i32, pool: i32, stride: i32, lOut: i32, dx: usize): void {
  const cBytes = <usize>C << 2;
  const inv = <f32>(1.0 / <f64>pool);
  memory.fill(dx, 0, <usize>batch * <usize>L * cBytes);
  for (let b = 0; b < batch; b++) {
    const xb = dx + <usize>b * <usize>L * cBytes;
    const gb = dy + <usize>b * <usize>lOut * cBytes;
    for (let o = 0; o < lOut; o++) {
      const g = gb + <usize>o * cBytes;
      let d = xb + <usize>(o * stride) * cBytes;
      for (let j = 0; j < pool; j++) {
        axpyF(d, g, inv, C);
        d += cBytes;
      }
    }
  }
}

export function globalAvgPool(x: usize, batch: i32, L: i32, C: i32, y: usize): void {
  const cBytes = <usize>C << 2;
  const inv = <f32>(1.0 / <f64>L);
  for (let b = 0; b < batch; b++) {
    const yb = y + <usize>b * cBytes;
    let p = x + <usize>b * <usize>L * cBytes;
    fillF(yb, 0, C);
    for (let l = 0; l < L; l++) {
      addToF(yb, p, C);
      p += cBytes;
    }
    scaleToF(yb, yb, inv, C);
  }
}

export function globalAvgPoolBackward(dy: usize, batch: i32, L: i32, C: i32, dx: usize): void {
  const cBytes = <usize>C << 2;
  const inv = <f32>(1.0 / <f64>L);
  for (let b = 0; b < batch; b++) {
    const g = dy + <usize>b * cBytes;
    let d = dx + <usize>b * <usize>L * cBytes;
    for (let l = 0; l < L; l++) {
      scaleToF(d, g, inv, C);
      d += cBytes;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Batch norm.

export function batchNormTrain(x: usize, rows: i32, C: i32, gamma: usize, beta: usize, eps: f32, mean: usize, invStd: usize, xhat: usize, y: usize): void {
  const rb = <usize>C << 2;
  const CW = reduceChunk(C);
  const acc = scratchPtr;
  const invRows: f64 = rows > 0 ? 1.0 / <f64>rows : 0;
  for (let c0 = 0; c0 < C; c0 += CW) {
    const cw = min(CW, C - c0);
    const off = <usize>c0 << 2;
    zeroF64(acc, cw);
    for (let r = 0; r < rows; r++) acc64(acc, x + <usize>r * rb + off, cw);
    for (let j = 0; j < cw; j++) store<f32>(mean + off + (<usize>j << 2), <f32>(load<f64>(acc + (<usize>j << 3)) * invRows));
    zeroF64(acc, cw);
    for (let r = 0; r < rows; r++) accSqDev64(acc, x + <usize>r * rb + off, mean + off, cw);
    for (let j = 0; j < cw; j++) {
      const v = load<f64>(acc + (<usize>j << 3)) * invRows;
      store<f32>(invStd + off + (<usize>j << 2), <f32>(1.0 / Math.sqrt(v + <f64>eps)));
    }
  }
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rb;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const q = <usize>c << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(x + o + q), v128.load(mean + q)), v128.load(invStd + q));
      v128.store(xhat + o + q, xh);
      v128.store(y + o + q, f32x4.add(f32x4.mul(v128.load(gamma + q), xh), v128.load(beta + q)));
    }
    for (; c < C; c++) {
      const q = <usize>c << 2;
      const xh = (load<f32>(x + o + q) - load<f32>(mean + q)) * load<f32>(invStd + q);
      store<f32>(xhat + o + q, xh);
      store<f32>(y + o + q, load<f32>(gamma + q) * xh + load<f32>(beta + q));
    }
  }
}

export function batchNormBackward(dy: usize, xhat: usize, invStd: usize, gamma: usize, rows: i32, C: i32, dx: usize, dgamma: usize, dbeta: usize): void {
  const rb = <usize>C << 2;
  const CW = reduceChunk(C);
  const s1 = scratchPtr;
  const s2 = scratchPtr + (<usize>CW << 3);
  for (let c0 = 0; c0 < C; c0 += CW) {
    const cw = min(CW, C - c0);
    const off = <usize>c0 << 2;
    zeroF64(s1, cw);
    zeroF64(s2, cw);
    for (let r = 0; r < rows; r++) {
      const o = <usize>r * rb + off;
      accDot64(s1, s2, dy + o, xhat + o, cw);
    }
    for (let j = 0; j < cw; j++) {
      store<f32>(dbeta + off + (<usize>j << 2), <f32>load<f64>(s1 + (<usize>j << 3)));
      store<f32>(dgamma + off + (<usize>j << 2), <f32>load<f64>(s2 + (<usize>j << 3)));
    }
  }
  const invRows = <f32>(rows > 0 ? 1.0 / <f64>rows : 0);
  const vir = f32x4.splat(invRows);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rb;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const q = <usize>c << 2;
      const k = f32x4.mul(v128.load(gamma + q), v128.load(invStd + q));
      const mb = f32x4.mul(v128.load(dbeta + q), vir);
      const mg = f32x4.mul(v128.load(dgamma + q), vir);
      const t = f32x4.sub(f32x4.sub(v128.load(dy + o + q), mb), f32x4.mul(v128.load(xhat + o + q), mg));
      v128.store(dx + o + q, f32x4.mul(k, t));
    }
    for (; c < C; c++) {
      const q = <usize>c << 2;
      const k = load<f32>(gamma + q) * load<f32>(invStd + q);
      const t = load<f32>(dy + o + q) - load<f32>(dbeta + q) * invRows - load<f32>(xhat + o + q) * load<f32>(dgamma + q) * invRows;
      store<f32>(dx + o + q, k * t);
    }
  }
}

export function scaleShift(x: usize, rows: i32, C: i32, scl: usize, shift: usize, y: usize): void {
  const rb = <usize>C << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * rb;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const q = <usize>c << 2;
      v128.store(y + o + q, f32x4.add(f32x4.mul(v128.load(x + o + q), v128.load(scl + q)), v128.load(shift + q)));
    }
    for (; c < C; c++) {
      const q = <usize>c << 2;
      store<f32>(y + o + q, load<f32>(x + o + q) * load<f32>(scl + q) + load<f32>(shift + q));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Losses and optimiser.

export function softmaxCrossEntropy(logits: usize, labels: usize, classWeights: usize, batch: i32, K: i32, probs: usize, dlogits: usize): f64 {
  const rb = <usize>K << 2;
  let total: f64 = 0;
  let wsum: f64 = 0;
  for (let b = 0; b < batch; b++) {
    const row = logits + <usize>b * rb;
    const pr = probs + <usize>b * rb;
    let m: f64 = -Infinity;
    for (let k = 0; k < K; k++) m = max(m, <f64>load<f32>(row + (<usize>k << 2)));
    let s: f64 = 0;
    for (let k = 0; k < K; k++) s += Math.exp(<f64>load<f32>(row + (<usize>k << 2)) - m);
    const inv = 1.0 / s;
    for (let k = 0; k < K; k++) store<f32>(pr + (<usize>k << 2), <f32>(Math.exp(<f64>load<f32>(row + (<usize>k << 2)) - m) * inv));
    const y = load<i32>(labels + (<usize>b << 2));
    if (<u32>y < <u32>K) {
      const w = <f64>load<f32>(classWeights + (<usize>y << 2));
      total += w * (Math.log(s) - (<f64>load<f32>(row + (<usize>y << 2)) - m));
      wsum += w;
    }
  }
  const invW: f64 = wsum != 0 ? 1.0 / wsum : 0;
  for (let b = 0; b < batch; b++) {
    const pr = probs + <usize>b * rb;
    const dr = dlogits + <usize>b * rb;
    const y = load<i32>(labels + (<usize>b << 2));
    const valid = <u32>y < <u32>K;
    const w: f64 = valid ? <f64>load<f32>(classWeights + (<usize>y << 2)) * invW : 0;
    for (let k = 0; k < K; k++) {
      const p = <f64>load<f32>(pr + (<usize>k << 2));
      store<f32>(dr + (<usize>k << 2), <f32>(w * (k == y ? p - 1.0 : p)));
    }
  }
  return total * invW;
}

export function regressionLoss(kind: i32, pred: usize, target: usize, n: i32, delta: f64, dpred: usize): f64 {
  if (n <= 0) return 0;
  const invN = 1.0 / <f64>n;
  let loss: f64 = 0;
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const d = <f64>load<f32>(pred + o) - <f64>load<f32>(target + o);
    let g: f64;
    if (kind == 0) {
      loss += d * d;
      g = 2 * d;
    } else {
      const ad = Math.abs(d);
      if (ad <= delta) {
        loss += 0.5 * d * d;
        g = d;
      } else {
        loss += delta * (ad - 0.5 * delta);
        g = d > 0 ? delta : -delta;
      }
    }
    store<f32>(dpred + o, <f32>(g * invN));
  }
  return loss * invN;
}

export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, b1: f64, b2: f64, eps: f64, b1t: f64, b2t: f64, wd: f64): void {
  const c1 = <f32>(1.0 / (1.0 - b1t));
  const c2 = <f32>(1.0 / (1.0 - b2t));
  const fb1 = <f32>b1;
  const fb2 = <f32>b2;
  const ob1 = <f32>(1.0 - b1);
  const ob2 = <f32>(1.0 - b2);
  const flr = <f32>lr;
  const feps = <f32>eps;
  const decay = <f32>(1.0 - lr * wd);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const vb1 = f32x4.splat(fb1);
  const vb2 = f32x4.splat(fb2);
  const vob1 = f32x4.splat(ob1);
  const vob2 = f32x4.splat(ob2);
  const vlr = f32x4.splat(flr);
  const veps = f32x4.splat(feps);
  const vdecay = f32x4.splat(decay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vob1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vob2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const step = f32x4.div(f32x4.mul(vlr, f32x4.mul(mi, vc1)), f32x4.add(f32x4.sqrt(f32x4.mul(vi, vc2)), veps));
    v128.store(p + o, f32x4.sub(f32x4.mul(v128.load(p + o), vdecay), step));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = fb1 * load<f32>(m + o) + ob1 * gi;
    const vi = fb2 * load<f32>(v + o) + ob2 * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const step = (flr * (mi * c1)) / (Mathf.sqrt(vi * c2) + feps);
    store<f32>(p + o, load<f32>(p + o) * decay - step);
  }
}
