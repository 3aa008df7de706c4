/**
 * The decoder's length changes, as JS loops over a Kernels heap (`f` is its float32 view, every
 * pointer a float index): nearest-neighbour upsampling (each point repeated) and cropping, with
 * their input gradients. Channels-last [batch, length, channels], as every other kernel. They copy
 * values only, one pass each, small beside the convolutions around them.
 */

/** y[b, i·size + r, c] = x[b, i, c] for r < size. */
export function upsample1d(f: Float32Array, x: number, batch: number, L: number, C: number, size: number, y: number): void {
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < L; i++) {
      const src = x + (b * L + i) * C;
      for (let r = 0; r < size; r++) f.copyWithin(y + ((b * L + i) * size + r) * C, src, src + C);
    }
  }
}

/** dx[b, i, c] = Σ_r dy[b, i·size + r, c]. */
export function upsample1dBackward(f: Float32Array, dy: number, batch: number, L: number, C: number, size: number, dx: number): void {
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < L; i++) {
      const out = dx + (b * L + i) * C;
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (let r = 0; r < size; r++) s += f[dy + ((b * L + i) * size + r) * C + c]!;
        f[out + c] = s;
      }
    }
  }
}

/** y[b, i, c] = x[b, i + start, c] for i < lOut (x has L points per sample). */
export function crop1d(f: Float32Array, x: number, batch: number, L: number, C: number, start: number, lOut: number, y: number): void {
  for (let b = 0; b < batch; b++) {
    const src = x + (b * L + start) * C;
    f.copyWithin(y + b * lOut * C, src, src + lOut * C);
  }
}

/** dx is dy at the kept points and zero at the cropped ones. */
export function crop1dBackward(f: Float32Array, dy: number, batch: number, L: number, C: number, start: number, lOut: number, dx: number): void {
  f.fill(0, dx, dx + batch * L * C);
  for (let b = 0; b < batch; b++) {
    const src = dy + b * lOut * C;
    f.copyWithin(dx + (b * L + start) * C, src, src + lOut * C);
  }
}
