/**
 * The Kernels interface written as plainly as possible (triple loops, no blocking, no SIMD): a
 * reference for tests of the engine, independent of the fast implementations.
 */
import type { Kernels } from '../../src-main/ml/kernels/types';

export function createNaiveKernels(): Kernels {
  let buf = new ArrayBuffer(1 << 16);
  let f = new Float32Array(buf);
  let i32 = new Int32Array(buf);
  let top = 16;
  const F = (p: number) => p >> 2;
  const k: Kernels = {
    name: 'js',
    f32: () => f,
    i32: () => i32,
    alloc(count) {
      const start = (top + 15) & ~15;
      const end = start + count * 4;
      if (end > buf.byteLength) {
        let size = buf.byteLength;
        while (size < end) size *= 2;
        const nb = new ArrayBuffer(size);
        new Uint8Array(nb).set(new Uint8Array(buf));
        buf = nb;
        f = new Float32Array(buf);
        i32 = new Int32Array(buf);
      }
      f.fill(0, start >> 2, end >> 2);
      top = end;
      return start;
    },
    used: () => top,
    release(mark) {
      top = mark;
    },
    gemm(tA, tB, M, N, K, a, b, c, beta) {
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let p = 0; p < K; p++) s += f[F(a) + (tA ? p * M + i : i * K + p)]! * f[F(b) + (tB ? j * K + p : p * N + j)]!;
          f[F(c) + i * N + j] = s + (beta ? f[F(c) + i * N + j]! : 0);
        }
    },
    gemmBias(M, N, K, a, b, c, bias, relu) {
      k.gemm(0, 0, M, N, K, a, b, c, 0);
      if (bias) k.addBias(c, M, N, bias);
      if (relu) k.relu(c, c, M * N);
    },
    // The convolutions without im2col by their definition: the im2col matrix, then the products.
    conv1d(x, B, L, C, K, stride, dil, pad, lOut, w, F, bias, relu, y) {
      const mark = k.used();
      const cols = k.alloc(B * lOut * K * C);
      k.im2col1d(x, B, L, C, K, stride, dil, pad, lOut, cols);
      k.gemmBias(B * lOut, F, K * C, cols, w, y, bias, relu);
      k.release(mark);
    },
    conv1dWeightGrad(x, dy, B, L, C, K, stride, dil, pad, lOut, F, dw) {
      const mark = k.used();
      const cols = k.alloc(B * lOut * K * C);
      k.im2col1d(x, B, L, C, K, stride, dil, pad, lOut, cols);
      k.gemm(1, 0, K * C, F, B * lOut, cols, dy, dw, 0);
      k.release(mark);
    },
    conv1dInputGrad(dy, w, B, L, C, K, dil, pad, lOut, F, dx) {
      const mark = k.used();
      const dcols = k.alloc(B * lOut * K * C);
      k.gemm(0, 1, B * lOut, K * C, F, dy, w, dcols, 0);
      k.col2im1d(dcols, B, L, C, K, 1, dil, pad, lOut, dx);
      k.release(mark);
    },
    crossProducts64(x, rows, p, c) {
      const xv = new Float64Array(buf, x, rows * p);
      const cv = new Float64Array(buf, c, p * p);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) if (j >> 2 >= i >> 2) for (let r = 0; r < rows; r++) cv[i * p + j]! += xv[r * p + i]! * xv[r * p + j]!;
    },
    transpose(src, rows, cols, dst) {
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) f[F(dst) + c * rows + r] = f[F(src) + r * cols + c]!;
    },
    im2col1d(x, B, L, C, K, stride, dil, pad, lOut, cols) {
      for (let b = 0; b < B; b++)
        for (let o = 0; o < lOut; o++)
          for (let kk = 0; kk < K; kk++)
            for (let c = 0; c < C; c++) {
              const l = o * stride + kk * dil - pad;
              f[F(cols) + (b * lOut + o) * K * C + kk * C + c] = l >= 0 && l < L ? f[F(x) + (b * L + l) * C + c]! : 0;
            }
    },
    col2im1d(cols, B, L, C, K, stride, dil, pad, lOut, dx) {
      f.fill(0, F(dx), F(dx) + B * L * C);
      for (let b = 0; b < B; b++)
        for (let o = 0; o < lOut; o++)
          for (let kk = 0; kk < K; kk++)
            for (let c = 0; c < C; c++) {
              const l = o * stride + kk * dil - pad;
              if (l >= 0 && l < L) f[F(dx) + (b * L + l) * C + c] += f[F(cols) + (b * lOut + o) * K * C + kk * C + c]!;
            }
    },
    addBias(y, rows, N, bias) {
      for (let r = 0; r < rows; r++) for (let n = 0; n < N; n++) f[F(y) + r * N + n] += f[F(bias) + n]!;
    },
    sumRows(dy, rows, N, db, beta) {
      for (let n = 0; n < N; n++) {
        let s = beta ? f[F(db) + n]! : 0;
        for (let r = 0; r < rows; r++) s += f[F(dy) + r * N + n]!;
        f[F(db) + n] = s;
      }
    },
    relu(x, y, n) {
      for (let i = 0; i < n; i++) f[F(y) + i] = Math.max(f[F(x) + i]!, 0);
    },
    reluBackward(y, dy, dx, n) {
      for (let i = 0; i < n; i++) f[F(dx) + i] = f[F(y) + i]! > 0 ? f[F(dy) + i]! : 0;
    },
    maxPool1d(x, B, L, C, pool, stride, lOut, y, argmax) {
      for (let b = 0; b < B; b++)
        for (let o = 0; o < lOut; o++)
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let at = 0;
            for (let j = 0; j < pool; j++) {
              const l = o * stride + j;
              const v = f[F(x) + (b * L + l) * C + c]!;
              if (v > best) {
                best = v;
                at = l;
              }
            }
            f[F(y) + (b * lOut + o) * C + c] = best;
            i32[F(argmax) + (b * lOut + o) * C + c] = at;
          }
    },
    // By its definition: the ReLU's mask on dy, then the pool's routing.
    maxPool1dReluBackward(dy, argmax, y, B, L, C, _pool, _stride, lOut, dx) {
      const mark = k.used();
      const g = k.alloc(B * lOut * C);
      k.reluBackward(y, dy, g, B * lOut * C);
      k.maxPool1dBackward(g, argmax, B, L, C, lOut, dx);
      k.release(mark);
    },
    maxPool1dBackward(dy, argmax, B, L, C, lOut, dx) {
      f.fill(0, F(dx), F(dx) + B * L * C);
      for (let b = 0; b < B; b++)
        for (let o = 0; o < lOut; o++)
          for (let c = 0; c < C; c++) {
            const l = i32[F(argmax) + (b * lOut + o) * C + c]!;
            f[F(dx) + (b * L + l) * C + c] += f[F(dy) + (b * lOut + o) * C + c]!;
          }
    },
    avgPool1d(x, B, L, C, pool, stride, lOut, y) {
      for (let b = 0; b < B; b++)
        for (let o = 0; o < lOut; o++)
          for (let c = 0; c < C; c++) {
            let s = 0;
            for (let j = 0; j < pool; j++) s += f[F(x) + (b * L + o * stride + j) * C + c]!;
            f[F(y) + (b * lOut + o) * C + c] = s / pool;
          }
    },
    avgPool1dBackward(dy, B, L, C, pool, stride, lOut, dx) {
      f.fill(0, F(dx), F(dx) + B * L * C);
      for (let b = 0; b < B; b++)
        for (let o = 0; o < lOut; o++)
          for (let c = 0; c < C; c++) for (let j = 0; j < pool; j++) f[F(dx) + (b * L + o * stride + j) * C + c] += f[F(dy) + (b * lOut + o) * C + c]! / pool;
    },
    globalAvgPool(x, B, L, C, y) {
      for (let b = 0; b < B; b++)
        for (let c = 0; c < C; c++) {
          let s = 0;
          for (let l = 0; l < L; l++) s += f[F(x) + (b * L + l) * C + c]!;
          f[F(y) + b * C + c] = s / L;
        }
    },
    globalAvgPoolBackward(dy, B, L, C, dx) {
      for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) for (let c = 0; c < C; c++) f[F(dx) + (b * L + l) * C + c] = f[F(dy) + b * C + c]! / L;
    },
    batchNormTrain(x, rows, C, gamma, beta, eps, mean, invStd, xhat, y) {
      for (let c = 0; c < C; c++) {
        let m = 0;
        for (let r = 0; r < rows; r++) m += f[F(x) + r * C + c]!;
        m /= rows;
        let v = 0;
        for (let r = 0; r < rows; r++) v += (f[F(x) + r * C + c]! - m) ** 2;
        v /= rows;
        const inv = 1 / Math.sqrt(v + eps);
        f[F(mean) + c] = m;
        f[F(invStd) + c] = inv;
        for (let r = 0; r < rows; r++) {
          const h = (f[F(x) + r * C + c]! - m) * inv;
          f[F(xhat) + r * C + c] = h;
          f[F(y) + r * C + c] = f[F(gamma) + c]! * h + f[F(beta) + c]!;
        }
      }
    },
    batchNormBackward(dy, xhat, invStd, gamma, rows, C, dx, dgamma, dbeta) {
      for (let c = 0; c < C; c++) {
        let sdy = 0, sdyx = 0;
        for (let r = 0; r < rows; r++) {
          sdy += f[F(dy) + r * C + c]!;
          sdyx += f[F(dy) + r * C + c]! * f[F(xhat) + r * C + c]!;
        }
        f[F(dgamma) + c] = sdyx;
        f[F(dbeta) + c] = sdy;
        const g = f[F(gamma) + c]! * f[F(invStd) + c]!;
        for (let r = 0; r < rows; r++) f[F(dx) + r * C + c] = (g / rows) * (rows * f[F(dy) + r * C + c]! - sdy - f[F(xhat) + r * C + c]! * sdyx);
      }
    },
    scaleShift(x, rows, C, scale, shift, y) {
      for (let r = 0; r < rows; r++) for (let c = 0; c < C; c++) f[F(y) + r * C + c] = f[F(x) + r * C + c]! * f[F(scale) + c]! + f[F(shift) + c]!;
    },
    mul(a, b, y, n) {
      for (let i = 0; i < n; i++) f[F(y) + i] = f[F(a) + i]! * f[F(b) + i]!;
    },
    add(a, b, y, n) {
      for (let i = 0; i < n; i++) f[F(y) + i] = f[F(a) + i]! + f[F(b) + i]!;
    },
    axpy(alpha, x, y, n) {
      for (let i = 0; i < n; i++) f[F(y) + i] += alpha * f[F(x) + i]!;
    },
    scale(x, alpha, n) {
      for (let i = 0; i < n; i++) f[F(x) + i] *= alpha;
    },
    sumSquares(x, n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += f[F(x) + i]! ** 2;
      return s;
    },
    copy(src, dst, n) {
      f.copyWithin(F(dst), F(src), F(src) + n);
    },
    fill(x, value, n) {
      f.fill(value, F(x), F(x) + n);
    },
    softmaxCrossEntropy(logits, labels, cw, B, K, probs, dlogits) {
      let loss = 0, wsum = 0;
      for (let b = 0; b < B; b++) wsum += f[F(cw) + i32[F(labels) + b]!]!;
      for (let b = 0; b < B; b++) {
        let m = -Infinity;
        for (let j = 0; j < K; j++) m = Math.max(m, f[F(logits) + b * K + j]!);
        let s = 0;
        for (let j = 0; j < K; j++) s += Math.exp(f[F(logits) + b * K + j]! - m);
        const y = i32[F(labels) + b]!;
        const w = f[F(cw) + y]!;
        loss += w * (m + Math.log(s) - f[F(logits) + b * K + y]!);
        for (let j = 0; j < K; j++) {
          const p = Math.exp(f[F(logits) + b * K + j]! - m) / s;
          f[F(probs) + b * K + j] = p;
          f[F(dlogits) + b * K + j] = (w * (p - (j === y ? 1 : 0))) / wsum;
        }
      }
      return loss / wsum;
    },
    regressionLoss(kind, pred, target, n, delta, dpred) {
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const d = f[F(pred) + i]! - f[F(target) + i]!;
        if (kind === 0) {
          loss += d * d;
          f[F(dpred) + i] = (2 * d) / n;
        } else if (Math.abs(d) <= delta) {
          loss += 0.5 * d * d;
          f[F(dpred) + i] = d / n;
        } else {
          loss += delta * (Math.abs(d) - 0.5 * delta);
          f[F(dpred) + i] = (delta * Math.sign(d)) / n;
        }
      }
      return loss / n;
    },
    adam(p, g, m, v, n, lr, b1, b2, eps, b1t, b2t, wd) {
      for (let i = 0; i < n; i++) {
        const gi = f[F(g) + i]!;
        const mi = (f[F(m) + i] = b1 * f[F(m) + i]! + (1 - b1) * gi);
        const vi = (f[F(v) + i] = b2 * f[F(v) + i]! + (1 - b2) * gi * gi);
        f[F(p) + i] -= (lr * (mi / (1 - b1t))) / (Math.sqrt(vi / (1 - b2t)) + eps) + lr * wd * f[F(p) + i]!;
      }
    },
  };
  return k;
}
