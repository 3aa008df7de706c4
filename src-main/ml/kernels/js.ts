/**
 * The kernels in plain JavaScript over an ArrayBuffer heap: the last-resort engine where
 * WebAssembly SIMD is missing. Same contract as the WebAssembly kernels (./types.ts); arithmetic
 * runs in float64 and rounds on every store, reductions accumulate in float64. The heap grows by
 * reallocating (views taken before an `alloc` may then be stale: re-read `f32()`/`i32()`).
 * gemm works on 4×4 register tiles over K blocks of 256, with op(B) transposed into a side buffer
 * when B is given transposed.
 */
import type { Kernels } from './types';

const BASE = 16;
const KC = 256;
const align16 = (n: number): number => (n + 15) & ~15;

export function createJsKernels(): Kernels {
  let buf = new ArrayBuffer(1 << 20);
  let f = new Float32Array(buf);
  let iv = new Int32Array(buf);
  let top = BASE;

  let side = new Float32Array(1024);
  const sideF32 = (n: number): Float32Array => {
    if (side.length < n) side = new Float32Array(Math.max(n, side.length * 2));
    return side;
  };
  let acc1 = new Float64Array(64);
  let acc2 = new Float64Array(64);
  let acc3 = new Float64Array(64);
  /** Zeroes (and grows) the per-channel float64 accumulators acc1 and acc2; acc3 is a spare. */
  const accs = (n: number): void => {
    if (acc1.length < n) {
      acc1 = new Float64Array(Math.max(n, acc1.length * 2));
      acc2 = new Float64Array(acc1.length);
      acc3 = new Float64Array(acc1.length);
    }
    acc1.fill(0, 0, n);
    acc2.fill(0, 0, n);
  };

  /** dst[c·rows + r] = src[r·cols + c] (float indices). */
  const transposeInto = (src: Float32Array, s: number, rows: number, cols: number, dst: Float32Array, d: number): void => {
    const TB = 32;
    for (let r0 = 0; r0 < rows; r0 += TB) {
      const r1 = Math.min(rows, r0 + TB);
      for (let c0 = 0; c0 < cols; c0 += TB) {
        const c1 = Math.min(cols, c0 + TB);
        for (let r = r0; r < r1; r++) {
          const sr = s + r * cols;
          for (let c = c0; c < c1; c++) dst[d + c * rows + r] = src[sr + c];
        }
      }
    }
  };

  /**
   * C[M,N] (+)= op(A)·B where B is row-major [K,N] in `bv` at float index `bo`, and op(A)(i,k) is
   * at ao + i·sAi + k·sAk.
   */
  const gemmCore = (M: number, N: number, K: number, ao: number, sAi: number, sAk: number, bv: Float32Array, bo: number, co: number, beta: number): void => {
    const F = f;
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      const add = k0 > 0 || beta !== 0;
      let i0 = 0;
      for (; i0 + 4 <= M; i0 += 4) {
        const pa0 = ao + i0 * sAi + k0 * sAk;
        const pa1 = pa0 + sAi;
        const pa2 = pa1 + sAi;
        const pa3 = pa2 + sAi;
        const c0 = co + i0 * N;
        const c1 = c0 + N;
        const c2 = c1 + N;
        const c3 = c2 + N;
        let j0 = 0;
        for (; j0 + 4 <= N; j0 += 4) {
          let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
          let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
          let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
          let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
          let pb = bo + k0 * N + j0;
          let q0 = pa0, q1 = pa1, q2 = pa2, q3 = pa3;
          for (let k = 0; k < kc; k++) {
            const b0 = bv[pb], b1 = bv[pb + 1], b2 = bv[pb + 2], b3 = bv[pb + 3];
            const a0 = F[q0], a1 = F[q1], a2 = F[q2], a3 = F[q3];
            s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
            s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
            s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
            s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
            pb += N;
            q0 += sAk; q1 += sAk; q2 += sAk; q3 += sAk;
          }
          if (add) {
            F[c0 + j0] += s00; F[c0 + j0 + 1] += s01; F[c0 + j0 + 2] += s02; F[c0 + j0 + 3] += s03;
            F[c1 + j0] += s10; F[c1 + j0 + 1] += s11; F[c1 + j0 + 2] += s12; F[c1 + j0 + 3] += s13;
            F[c2 + j0] += s20; F[c2 + j0 + 1] += s21; F[c2 + j0 + 2] += s22; F[c2 + j0 + 3] += s23;
            F[c3 + j0] += s30; F[c3 + j0 + 1] += s31; F[c3 + j0 + 2] += s32; F[c3 + j0 + 3] += s33;
          } else {
            F[c0 + j0] = s00; F[c0 + j0 + 1] = s01; F[c0 + j0 + 2] = s02; F[c0 + j0 + 3] = s03;
            F[c1 + j0] = s10; F[c1 + j0 + 1] = s11; F[c1 + j0 + 2] = s12; F[c1 + j0 + 3] = s13;
            F[c2 + j0] = s20; F[c2 + j0 + 1] = s21; F[c2 + j0 + 2] = s22; F[c2 + j0 + 3] = s23;
            F[c3 + j0] = s30; F[c3 + j0 + 1] = s31; F[c3 + j0 + 2] = s32; F[c3 + j0 + 3] = s33;
          }
        }
        for (; j0 < N; j0++) {
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          let pb = bo + k0 * N + j0;
          let q0 = pa0, q1 = pa1, q2 = pa2, q3 = pa3;
          for (let k = 0; k < kc; k++) {
            const b = bv[pb];
            s0 += F[q0] * b; s1 += F[q1] * b; s2 += F[q2] * b; s3 += F[q3] * b;
            pb += N;
            q0 += sAk; q1 += sAk; q2 += sAk; q3 += sAk;
          }
          if (add) {
            F[c0 + j0] += s0; F[c1 + j0] += s1; F[c2 + j0] += s2; F[c3 + j0] += s3;
          } else {
            F[c0 + j0] = s0; F[c1 + j0] = s1; F[c2 + j0] = s2; F[c3 + j0] = s3;
          }
        }
      }
      for (; i0 < M; i0++) {
        const pa = ao + i0 * sAi + k0 * sAk;
        const cr = co + i0 * N;
        for (let j = 0; j < N; j++) {
          let s = 0;
          let pb = bo + k0 * N + j;
          let q = pa;
          for (let k = 0; k < kc; k++) {
            s += F[q] * bv[pb];
            pb += N;
            q += sAk;
          }
          if (add) F[cr + j] += s;
          else F[cr + j] = s;
        }
      }
    }
  };

  const k: Kernels = {
    name: 'js',
    f32: () => f,
    i32: () => iv,
    alloc(count) {
      if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`alloc: bad element count ${count}`);
      const start = top;
      const end = start + align16(Math.ceil(count) * 4);
      if (end > buf.byteLength) {
        let size = buf.byteLength;
        while (size < end) size *= 2;
        const nb = new ArrayBuffer(size);
        new Uint8Array(nb).set(new Uint8Array(buf, 0, top));
        buf = nb;
        f = new Float32Array(buf);
        iv = new Int32Array(buf);
      }
      f.fill(0, start >> 2, end >> 2);
      top = end;
      return start;
    },
    used: () => top,
    release(mark) {
      if (mark < BASE || mark > top || mark % 16 !== 0) throw new RangeError(`release: ${mark} is not a mark in [${BASE}, ${top}]`);
      top = mark;
    },

    gemm(transA, transB, M, N, K, a, b, c, beta) {
      if (M <= 0 || N <= 0) return;
      const co = c >> 2;
      if (K <= 0) {
        if (!beta) f.fill(0, co, co + M * N);
        return;
      }
      let bv: Float32Array = f;
      let bo = b >> 2;
      if (transB) {
        bv = sideF32(K * N);
        transposeInto(f, bo, N, K, bv, 0);
        bo = 0;
      }
      gemmCore(M, N, K, a >> 2, transA ? 1 : K, transA ? M : 1, bv, bo, co, beta);
    },
    crossProducts64(x, rows, p, c) {
      const xv = new Float64Array(buf, x, rows * p);
      const cv = new Float64Array(buf, c, p * p);
      for (let r = 0; r < rows; r++)
        for (let i = 0, o = r * p; i < p; i++) {
          const a = xv[o + i]!;
          for (let j = i & ~3; j < p; j++) cv[i * p + j]! += a * xv[o + j]!;
        }
    },
    transpose(src, rows, cols, dst) {
      transposeInto(f, src >> 2, rows, cols, f, dst >> 2);
    },

    im2col1d(x, batch, L, C, K, stride, dilation, padLeft, lOut, cols) {
      const F = f;
      let d = cols >> 2;
      for (let b = 0; b < batch; b++) {
        const xb = (x >> 2) + b * L * C;
        for (let o = 0; o < lOut; o++) {
          let l = o * stride - padLeft;
          for (let kk = 0; kk < K; kk++) {
            if (l >= 0 && l < L) {
              const s = xb + l * C;
              for (let ch = 0; ch < C; ch++) F[d + ch] = F[s + ch];
            } else {
              for (let ch = 0; ch < C; ch++) F[d + ch] = 0;
            }
            d += C;
            l += dilation;
          }
        }
      }
    },
    col2im1d(cols, batch, L, C, K, stride, dilation, padLeft, lOut, dx) {
      const F = f;
      F.fill(0, dx >> 2, (dx >> 2) + batch * L * C);
      let s = cols >> 2;
      for (let b = 0; b < batch; b++) {
        const xb = (dx >> 2) + b * L * C;
        for (let o = 0; o < lOut; o++) {
          let l = o * stride - padLeft;
          for (let kk = 0; kk < K; kk++) {
            if (l >= 0 && l < L) {
              const d = xb + l * C;
              for (let ch = 0; ch < C; ch++) F[d + ch] += F[s + ch];
            }
            s += C;
            l += dilation;
          }
        }
      }
    },

    gemmBias(M, N, K, a, b, c, bias, relu) {
      k.gemm(0, 0, M, N, K, a, b, c, 0);
      if (bias) k.addBias(c, M, N, bias);
      if (relu) k.relu(c, c, M * N);
    },
    conv1d(x, batch, L, C, K, stride, dilation, padLeft, lOut, w, F, bias, relu, y) {
      const X = f;
      const acc = new Float64Array(F);
      const wo = w >> 2;
      let yo = y >> 2;
      for (let b = 0; b < batch; b++) {
        const xo = (x >> 2) + b * L * C;
        for (let o = 0; o < lOut; o++, yo += F) {
          if (bias) for (let j = 0; j < F; j++) acc[j] = X[(bias >> 2) + j];
          else acc.fill(0);
          for (let t = 0; t < K; t++) {
            const l = o * stride + t * dilation - padLeft;
            if (l < 0 || l >= L) continue;
            for (let c = 0; c < C; c++) {
              const v = X[xo + l * C + c];
              const wt = wo + (t * C + c) * F;
              for (let j = 0; j < F; j++) acc[j] += v * X[wt + j];
            }
          }
          for (let j = 0; j < F; j++) X[yo + j] = relu && acc[j] < 0 ? 0 : acc[j];
        }
      }
    },
    conv1dWeightGrad(x, dy, batch, L, C, K, stride, dilation, padLeft, lOut, F, dw) {
      const X = f;
      const acc = new Float64Array(K * C * F);
      let go = dy >> 2;
      for (let b = 0; b < batch; b++) {
        const xo = (x >> 2) + b * L * C;
        for (let o = 0; o < lOut; o++, go += F) {
          for (let t = 0; t < K; t++) {
            const l = o * stride + t * dilation - padLeft;
            if (l < 0 || l >= L) continue;
            for (let c = 0; c < C; c++) {
              const v = X[xo + l * C + c];
              const a0 = (t * C + c) * F;
              for (let j = 0; j < F; j++) acc[a0 + j] += v * X[go + j];
            }
          }
        }
      }
      X.set(acc, dw >> 2);
    },
    conv1dInputGrad(dy, w, batch, L, C, K, dilation, padLeft, lOut, F, dx) {
      const X = f;
      const acc = new Float64Array(L * C);
      for (let b = 0; b < batch; b++) {
        acc.fill(0);
        const go = (dy >> 2) + b * lOut * F;
        for (let o = 0; o < lOut; o++)
          for (let t = 0; t < K; t++) {
            const l = o + t * dilation - padLeft;
            if (l < 0 || l >= L) continue;
            for (let c = 0; c < C; c++) {
              const wt = (w >> 2) + (t * C + c) * F;
              let s = 0;
              for (let j = 0; j < F; j++) s += X[go + o * F + j] * X[wt + j];
              acc[l * C + c] += s;
            }
          }
        X.set(acc, (dx >> 2) + b * L * C);
      }
    },
    addBias(y, rows, N, bias) {
      const F = f;
      const bo = bias >> 2;
      let p = y >> 2;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < N; j++) F[p + j] += F[bo + j];
        p += N;
      }
    },
    sumRows(dy, rows, N, db, beta) {
      const F = f;
      accs(N);
      const s = acc1;
      let p = dy >> 2;
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < N; j++) s[j] += F[p + j];
        p += N;
      }
      const d = db >> 2;
      for (let j = 0; j < N; j++) F[d + j] = beta ? F[d + j] + s[j] : s[j];
    },

    relu(x, y, n) {
      const F = f;
      const xo = x >> 2;
      const yo = y >> 2;
      // (v + |v|)/2 is exact, keeps NaN, and has no data-dependent branch (4–5× faster than v < 0 ? 0 : v).
      for (let i = 0; i < n; i++) {
        const v = F[xo + i];
        F[yo + i] = (v + Math.abs(v)) * 0.5;
      }
    },
    reluBackward(y, dy, dx, n) {
      const F = f;
      const yo = y >> 2;
      const go = dy >> 2;
      const xo = dx >> 2;
      // Branch-free mask (a non-finite dy where y ≤ 0 gives NaN here, 0 in wasm; both are lost causes).
      for (let i = 0; i < n; i++) F[xo + i] = F[go + i] * +(F[yo + i] > 0);
    },

    maxPool1d(x, batch, L, C, pool, stride, lOut, y, argmax) {
      const F = f;
      const I = iv;
      for (let b = 0; b < batch; b++) {
        const xb = (x >> 2) + b * L * C;
        const yb = (y >> 2) + b * lOut * C;
        const ab = (argmax >> 2) + b * lOut * C;
        for (let o = 0; o < lOut; o++) {
          const l0 = o * stride;
          const src = xb + l0 * C;
          for (let ch = 0; ch < C; ch++) {
            let m = F[src + ch];
            let idx = l0;
            for (let j = 1; j < pool; j++) {
              const v = F[src + j * C + ch];
              if (v > m) {
                m = v;
                idx = l0 + j;
              }
            }
            F[yb + o * C + ch] = m;
            I[ab + o * C + ch] = idx;
          }
        }
      }
    },
    maxPool1dReluBackward(dy, argmax, y, batch, L, C, _pool, _stride, lOut, dx) {
      const F = f;
      const I = iv;
      F.fill(0, dx >> 2, (dx >> 2) + batch * L * C);
      for (let b = 0; b < batch; b++) {
        const xb = (dx >> 2) + b * L * C;
        const o0 = b * lOut * C;
        for (let i = 0; i < lOut * C; i++) if (F[(y >> 2) + o0 + i] > 0) F[xb + I[(argmax >> 2) + o0 + i] * C + (i % C)] += F[(dy >> 2) + o0 + i];
      }
    },
    maxPool1dBackward(dy, argmax, batch, L, C, lOut, dx) {
      const F = f;
      const I = iv;
      F.fill(0, dx >> 2, (dx >> 2) + batch * L * C);
      for (let b = 0; b < batch; b++) {
        const xb = (dx >> 2) + b * L * C;
        let g = (dy >> 2) + b * lOut * C;
        let a = (argmax >> 2) + b * lOut * C;
        for (let o = 0; o < lOut; o++) {
          for (let ch = 0; ch < C; ch++) F[xb + I[a + ch] * C + ch] += F[g + ch];
          g += C;
          a += C;
        }
      }
    },
    avgPool1d(x, batch, L, C, pool, stride, lOut, y) {
      const F = f;
      const inv = 1 / pool;
      for (let b = 0; b < batch; b++) {
        const xb = (x >> 2) + b * L * C;
        const yb = (y >> 2) + b * lOut * C;
        for (let o = 0; o < lOut; o++) {
          const src = xb + o * stride * C;
          for (let ch = 0; ch < C; ch++) {
            let s = 0;
            for (let j = 0; j < pool; j++) s += F[src + j * C + ch];
            F[yb + o * C + ch] = s * inv;
          }
        }
      }
    },
    avgPool1dBackward(dy, batch, L, C, pool, stride, lOut, dx) {
      const F = f;
      const inv = 1 / pool;
      F.fill(0, dx >> 2, (dx >> 2) + batch * L * C);
      for (let b = 0; b < batch; b++) {
        const xb = (dx >> 2) + b * L * C;
        const gb = (dy >> 2) + b * lOut * C;
        for (let o = 0; o < lOut; o++) {
          const g = gb + o * C;
          let d = xb + o * stride * C;
          for (let j = 0; j < pool; j++) {
            for (let ch = 0; ch < C; ch++) F[d + ch] += F[g + ch] * inv;
            d += C;
          }
        }
      }
    },
    globalAvgPool(x, batch, L, C, y) {
      const F = f;
      accs(C);
      const s = acc1;
      for (let b = 0; b < batch; b++) {
        s.fill(0, 0, C);
        let p = (x >> 2) + b * L * C;
        for (let l = 0; l < L; l++) {
          for (let ch = 0; ch < C; ch++) s[ch] += F[p + ch];
          p += C;
        }
        const yo = (y >> 2) + b * C;
        for (let ch = 0; ch < C; ch++) F[yo + ch] = s[ch] / L;
      }
    },
    globalAvgPoolBackward(dy, batch, L, C, dx) {
      const F = f;
      const inv = 1 / L;
      for (let b = 0; b < batch; b++) {
        const g = (dy >> 2) + b * C;
        let d = (dx >> 2) + b * L * C;
        for (let l = 0; l < L; l++) {
          for (let ch = 0; ch < C; ch++) F[d + ch] = F[g + ch] * inv;
          d += C;
        }
      }
    },

    batchNormTrain(x, rows, C, gamma, beta, eps, mean, invStd, xhat, y) {
      const F = f;
      accs(C);
      const s = acc1;
      const q = acc2;
      const xo = x >> 2;
      for (let r = 0; r < rows; r++) {
        const p = xo + r * C;
        for (let ch = 0; ch < C; ch++) s[ch] += F[p + ch];
      }
      const mo = mean >> 2;
      const io = invStd >> 2;
      const inv = rows > 0 ? 1 / rows : 0;
      for (let ch = 0; ch < C; ch++) F[mo + ch] = s[ch] * inv;
      for (let r = 0; r < rows; r++) {
        const p = xo + r * C;
        for (let ch = 0; ch < C; ch++) {
          const d = F[p + ch] - F[mo + ch];
          q[ch] += d * d;
        }
      }
      for (let ch = 0; ch < C; ch++) F[io + ch] = 1 / Math.sqrt(q[ch] * inv + eps);
      const go = gamma >> 2;
      const bo = beta >> 2;
      const ho = xhat >> 2;
      const yo = y >> 2;
      for (let r = 0; r < rows; r++) {
        const p = r * C;
        for (let ch = 0; ch < C; ch++) {
          const h = (F[xo + p + ch] - F[mo + ch]) * F[io + ch];
          F[ho + p + ch] = h;
          F[yo + p + ch] = F[go + ch] * h + F[bo + ch];
        }
      }
    },
    batchNormBackward(dy, xhat, invStd, gamma, rows, C, dx, dgamma, dbeta) {
      const F = f;
      accs(C);
      const s1 = acc1;
      const s2 = acc2;
      const go = dy >> 2;
      const ho = xhat >> 2;
      for (let r = 0; r < rows; r++) {
        const p = r * C;
        for (let ch = 0; ch < C; ch++) {
          const g = F[go + p + ch];
          s1[ch] += g;
          s2[ch] += g * F[ho + p + ch];
        }
      }
      const dbo = dbeta >> 2;
      const dgo = dgamma >> 2;
      for (let ch = 0; ch < C; ch++) {
        F[dbo + ch] = s1[ch];
        F[dgo + ch] = s2[ch];
      }
      const inv = rows > 0 ? 1 / rows : 0;
      const gm = gamma >> 2;
      const io = invStd >> 2;
      const k1 = acc3;
      for (let ch = 0; ch < C; ch++) {
        k1[ch] = F[gm + ch] * F[io + ch];
        s1[ch] *= inv;
        s2[ch] *= inv;
      }
      const xo = dx >> 2;
      for (let r = 0; r < rows; r++) {
        const p = r * C;
        for (let ch = 0; ch < C; ch++) F[xo + p + ch] = k1[ch] * (F[go + p + ch] - s1[ch] - F[ho + p + ch] * s2[ch]);
      }
    },
    scaleShift(x, rows, C, scl, shift, y) {
      const F = f;
      const so = scl >> 2;
      const to = shift >> 2;
      let xp = x >> 2;
      let yp = y >> 2;
      for (let r = 0; r < rows; r++) {
        for (let ch = 0; ch < C; ch++) F[yp + ch] = F[xp + ch] * F[so + ch] + F[to + ch];
        xp += C;
        yp += C;
      }
    },

    mul(a, b, y, n) {
      const F = f;
      const ao = a >> 2;
      const bo = b >> 2;
      const yo = y >> 2;
      for (let i = 0; i < n; i++) F[yo + i] = F[ao + i] * F[bo + i];
    },
    add(a, b, y, n) {
      const F = f;
      const ao = a >> 2;
      const bo = b >> 2;
      const yo = y >> 2;
      for (let i = 0; i < n; i++) F[yo + i] = F[ao + i] + F[bo + i];
    },
    axpy(alpha, x, y, n) {
      const F = f;
      const xo = x >> 2;
      const yo = y >> 2;
      for (let i = 0; i < n; i++) F[yo + i] += alpha * F[xo + i];
    },
    scale(x, alpha, n) {
      const F = f;
      const xo = x >> 2;
      for (let i = 0; i < n; i++) F[xo + i] *= alpha;
    },
    sumSquares(x, n) {
      const F = f;
      const xo = x >> 2;
      let s0 = 0, s1 = 0;
      let i = 0;
      for (; i + 2 <= n; i += 2) {
        const a = F[xo + i];
        const b = F[xo + i + 1];
        s0 += a * a;
        s1 += b * b;
      }
      if (i < n) s0 += F[xo + i] * F[xo + i];
      return s0 + s1;
    },
    copy(src, dst, n) {
      f.copyWithin(dst >> 2, src >> 2, (src >> 2) + n);
    },
    fill(x, value, n) {
      f.fill(value, x >> 2, (x >> 2) + n);
    },

    softmaxCrossEntropy(logits, labels, classWeights, batch, K, probs, dlogits) {
      const F = f;
      const I = iv;
      const lo = logits >> 2;
      const po = probs >> 2;
      const wo = classWeights >> 2;
      let total = 0;
      let wsum = 0;
      for (let b = 0; b < batch; b++) {
        const row = lo + b * K;
        let m = -Infinity;
        for (let j = 0; j < K; j++) if (F[row + j] > m) m = F[row + j];
        let s = 0;
        for (let j = 0; j < K; j++) s += Math.exp(F[row + j] - m);
        const inv = 1 / s;
        for (let j = 0; j < K; j++) F[po + b * K + j] = Math.exp(F[row + j] - m) * inv;
        const y = I[(labels >> 2) + b];
        if (y >= 0 && y < K) {
          const w = F[wo + y];
          total += w * (Math.log(s) - (F[row + y] - m));
          wsum += w;
        }
      }
      const invW = wsum !== 0 ? 1 / wsum : 0;
      const d = dlogits >> 2;
      for (let b = 0; b < batch; b++) {
        const y = I[(labels >> 2) + b];
        const w = y >= 0 && y < K ? F[wo + y] * invW : 0;
        for (let j = 0; j < K; j++) {
          const p = F[po + b * K + j];
          F[d + b * K + j] = w * (j === y ? p - 1 : p);
        }
      }
      return total * invW;
    },
    regressionLoss(kind, pred, target, n, delta, dpred) {
      if (n <= 0) return 0;
      const F = f;
      const po = pred >> 2;
      const to = target >> 2;
      const go = dpred >> 2;
      const invN = 1 / n;
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const d = F[po + i] - F[to + i];
        let g: number;
        if (kind === 0) {
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
        F[go + i] = g * invN;
      }
      return loss * invN;
    },
    adam(p, g, m, v, n, lr, b1, b2, eps, b1t, b2t, wd) {
      const F = f;
      const c1 = 1 / (1 - b1t);
      const c2 = 1 / (1 - b2t);
      const decay = 1 - lr * wd;
      const po = p >> 2;
      const go = g >> 2;
      const mo = m >> 2;
      const vo = v >> 2;
      for (let i = 0; i < n; i++) {
        const gi = F[go + i];
        const mi = b1 * F[mo + i] + (1 - b1) * gi;
        const vi = b2 * F[vo + i] + (1 - b2) * gi * gi;
        F[mo + i] = mi;
        F[vo + i] = vi;
        F[po + i] = F[po + i] * decay - (lr * mi * c1) / (Math.sqrt(vi * c2) + eps);
      }
    },
  };
  return k;
}
