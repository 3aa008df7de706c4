/**
 * The multi-branch network's joins, as a JS loop over a Kernels heap (`f` is its float32 view,
 * every pointer a float index): each row's run of `width` values is copied from one row layout to
 * another. A concatenate layer copies each branch's output into its place in the joined row, and
 * its gradient back out; a branch's input is its channel's run of the input row, and its gradient
 * goes back into that run. Values are copied only, one pass each.
 */

/** dst[b, dstFrom + j] = src[b, srcFrom + j] for j < width, rows of srcWidth and dstWidth values. */
export function copyRuns(f: Float32Array, src: number, srcWidth: number, srcFrom: number, dst: number, dstWidth: number, dstFrom: number, width: number, batch: number): void {
  for (let b = 0; b < batch; b++) {
    const from = src + b * srcWidth + srcFrom;
    f.copyWithin(dst + b * dstWidth + dstFrom, from, from + width);
  }
}
