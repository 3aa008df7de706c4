/**
 * The compute kernels the fallback training engine runs on. Two implementations share this
 * interface: WebAssembly SIMD (AssemblyScript, compiled at build time) and plain JS. Both work on
 * one linear heap: every tensor is a float32 (or int32) region addressed by its BYTE offset,
 * 16-byte aligned, handed out by `alloc`. Layouts are row-major and channels-last:
 * activations [batch, length, channels], conv kernels [k, cIn, cOut], dense weights [in, out].
 * Regions passed to one call never overlap unless the doc says in-place is allowed.
 */
export interface Kernels {
  readonly name: 'wasm-simd' | 'js';
  /**
   * Float32 view over the whole heap. Re-read after `alloc` (the heap may have grown); kernels
   * themselves never grow the heap, so a view stays valid across kernel calls.
   */
  f32(): Float32Array;
  /** Int32 view over the whole heap. Re-read after `alloc`. */
  i32(): Int32Array;
  /** Reserves `count` 4-byte elements, 16-byte aligned, zero-filled; returns the byte offset. */
  alloc(count: number): number;
  /** Heap bytes in use (the bump pointer). */
  used(): number;
  /** Frees everything allocated after `mark` (a value returned by `used()`). */
  release(mark: number): void;

  /**
   * C[M,N] = op(A)·op(B) + beta·C, beta 0 or 1 (beta 0 never reads C; K = 0 gives beta·C).
   * op(A) is [M,K]: A is [M,K], or [K,M] when transA. op(B) is [K,N]: B is [K,N], or [N,K] when transB.
   */
  gemm(transA: 0 | 1, transB: 0 | 1, M: number, N: number, K: number, a: number, b: number, c: number, beta: 0 | 1): void;
  /**
   * C[M,N] = act(A·B + bias) with A [M,K] and B [K,N] as given, bias [N] (byte offset 0: none),
   * act ReLU when relu = 1 and the identity otherwise: the forward product of a conv or dense
   * layer with its bias and activation applied as C is stored, not in passes of their own.
   */
  gemmBias(M: number, N: number, K: number, a: number, b: number, c: number, bias: number, relu: 0 | 1): void;
  /**
   * C[p,p] += XᵀX in float64: X [rows, p] and C are float64 regions (8 bytes an element, so
   * `alloc(2·n)` holds n of them), p a multiple of 4. Only C's 4 × 4 blocks on or above the
   * diagonal are written (those blocks whole); the others keep what they held.
   */
  crossProducts64(x: number, rows: number, p: number, c: number): void;
  /** out[cols,rows] = in[rows,cols]ᵀ */
  transpose(src: number, rows: number, cols: number, dst: number): void;

  /** cols[(b·lOut + o), (k·C + c)] = x[b, o·stride + k·dilation − padLeft, c], 0 outside [0, L). */
  im2col1d(x: number, batch: number, L: number, C: number, K: number, stride: number, dilation: number, padLeft: number, lOut: number, cols: number): void;
  /** dx[b,l,c] = Σ of cols entries that im2col1d read from x[b,l,c] (dx is overwritten). */
  col2im1d(cols: number, batch: number, L: number, C: number, K: number, stride: number, dilation: number, padLeft: number, lOut: number, dx: number): void;

  /**
   * Convolution of x [batch, L, C] with kernel w [K, C, F] into y [batch, lOut, F], for C = 1 or
   * dilation = 1: what im2col1d and gemmBias give, bias [F] (0: none) and ReLU (relu = 1)
   * included, without the im2col matrix.
   */
  conv1d(x: number, batch: number, L: number, C: number, K: number, stride: number, dilation: number, padLeft: number, lOut: number, w: number, F: number, bias: number, relu: 0 | 1, y: number): void;
  /** dw [K, C, F] (overwritten) = colsᵀ·dy for that convolution, dy [batch, lOut, F], without the im2col matrix (C = 1 or dilation = 1). */
  conv1dWeightGrad(x: number, dy: number, batch: number, L: number, C: number, K: number, stride: number, dilation: number, padLeft: number, lOut: number, F: number, dw: number): void;
  /** dx [batch, L, C] (overwritten) = col2im1d(dy·Wᵀ) for a stride-1 convolution, without the im2col-shaped gradient. */
  conv1dInputGrad(dy: number, w: number, batch: number, L: number, C: number, K: number, dilation: number, padLeft: number, lOut: number, F: number, dx: number): void;

  /** y[r,n] += bias[n] for r < rows */
  addBias(y: number, rows: number, N: number, bias: number): void;
  /** db[n] = Σ_r dy[r,n] (+ db[n] when beta = 1) */
  sumRows(dy: number, rows: number, N: number, db: number, beta: 0 | 1): void;

  /** y = max(x, 0); in place allowed */
  relu(x: number, y: number, n: number): void;
  /** dx = dy where y > 0 else 0; in place (dx = dy) allowed */
  reluBackward(y: number, dy: number, dx: number, n: number): void;

  /** y[b,o,c] = max over x[b, o·stride + j, c], j < pool ('valid'); argmax (int32) holds the winning l (the first on ties). */
  maxPool1d(x: number, batch: number, L: number, C: number, pool: number, stride: number, lOut: number, y: number, argmax: number): void;
  /** dx (overwritten, [batch,L,C]) gets dy routed to the argmax positions (summed where windows overlap). */
  maxPool1dBackward(dy: number, argmax: number, batch: number, L: number, C: number, lOut: number, dx: number): void;
  /**
   * maxPool1dBackward of a pool whose input is a ReLU's output, the ReLU's backward included:
   * dy goes only where the pooled output y [batch, lOut, C] is > 0 (ReLU and max commute).
   */
  maxPool1dReluBackward(dy: number, argmax: number, y: number, batch: number, L: number, C: number, pool: number, stride: number, lOut: number, dx: number): void;
  /** y[b,o,c] = mean of x[b, o·stride + j, c], j < pool ('valid'). */
  avgPool1d(x: number, batch: number, L: number, C: number, pool: number, stride: number, lOut: number, y: number): void;
  avgPool1dBackward(dy: number, batch: number, L: number, C: number, pool: number, stride: number, lOut: number, dx: number): void;
  /** y[b,c] = mean over l of x[b,l,c] */
  globalAvgPool(x: number, batch: number, L: number, C: number, y: number): void;
  /** dx[b,l,c] = dy[b,c] / L (dx overwritten) */
  globalAvgPoolBackward(dy: number, batch: number, L: number, C: number, dx: number): void;

  /**
   * Batch norm over rows (x is [rows, C]; rows = batch·length) in training mode: writes the batch
   * mean[C] and invStd[C] = 1/sqrt(var + eps) (biased variance), xhat[rows,C] and
   * y = gamma·xhat + beta.
   */
  batchNormTrain(x: number, rows: number, C: number, gamma: number, beta: number, eps: number, mean: number, invStd: number, xhat: number, y: number): void;
  /** Backward of batchNormTrain: dx (overwritten), dgamma, dbeta (overwritten). dx may alias dy. */
  batchNormBackward(dy: number, xhat: number, invStd: number, gamma: number, rows: number, C: number, dx: number, dgamma: number, dbeta: number): void;
  /** y[r,c] = x[r,c]·scale[c] + shift[c]; in place allowed (inference batch norm, folded). */
  scaleShift(x: number, rows: number, C: number, scale: number, shift: number, y: number): void;

  /** y = a ⊙ b; in place allowed */
  mul(a: number, b: number, y: number, n: number): void;
  /** y = a + b; in place allowed */
  add(a: number, b: number, y: number, n: number): void;
  /** y = alpha·x + y */
  axpy(alpha: number, x: number, y: number, n: number): void;
  /** x = alpha·x */
  scale(x: number, alpha: number, n: number): void;
  /** Σ x² in float64 */
  sumSquares(x: number, n: number): number;
  /** copy n floats */
  copy(src: number, dst: number, n: number): void;
  /** fill n floats with value */
  fill(x: number, value: number, n: number): void;

  /**
   * Softmax cross-entropy from logits [batch, K] with int32 labels [batch] and per-class weights
   * [K]: loss = Σ_b w[y_b]·(−log softmax(logits_b)[y_b]) / Σ_b w[y_b]. Writes probs [batch,K] and
   * dlogits [batch,K] = w[y_b]·(probs − onehot) / Σ_b w[y_b]. Returns the loss (float64,
   * log-sum-exp stabilised). A label outside [0, K) (e.g. −1) masks its row: no loss, zero
   * dlogits (probs are still written); with Σ w = 0 the loss and dlogits are 0.
   */
  softmaxCrossEntropy(logits: number, labels: number, classWeights: number, batch: number, K: number, probs: number, dlogits: number): number;
  /**
   * Regression loss over pred/target [n]: kind 0 = MSE mean((p−t)²), 1 = Huber(delta) mean.
   * Writes dpred = d loss / d pred. Returns the loss (float64).
   */
  regressionLoss(kind: 0 | 1, pred: number, target: number, n: number, delta: number, dpred: number): number;
  /**
   * Adam (decoupled weight decay when wd > 0, as AdamW) on n parameters:
   * m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²; p −= lr·(m/(1−b1^t)) / (sqrt(v/(1−b2^t)) + eps) + lr·wd·p.
   * b1t = b1^t and b2t = b2^t are passed in.
   */
  adam(p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, b1t: number, b2t: number, wd: number): void;
}
