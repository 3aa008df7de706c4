/**
 * Our own 1D network on the `Kernels` heap: layers with explicit forward and backward passes,
 * every buffer planned once for a maximum batch, all trainable parameters in one contiguous
 * block (so the optimiser, gradient clipping and the data-parallel gradient exchange are single
 * calls over one region). Layouts follow tfjs (channels-last activations, conv kernels
 * [k, cIn, cOut], dense [in, out]) so weights move between this engine and tfjs unchanged.
 */
import type { Kernels } from '../kernels/types';
import { convGeometry, poolGeometry, poolWindowCounts, shortcutStride, type ConvPadding, type KernelInitializer, type LayerSpec, type Shape } from '../../common/ml/model';
import { mulberry32 } from '../../common/ml/random';
import { crop1d, crop1dBackward, upsample1d, upsample1dBackward } from '../kernels/resize';
import { copyRuns } from '../kernels/concat';

/** 'reconstruction': an autoencoder, no output layer added, its loss the MSE of its output against its own input. */
export type Task = { kind: 'classification'; classes: number } | { kind: 'regression'; loss: 'mse' | 'huber'; huberDelta?: number; outputs?: number } | { kind: 'reconstruction' };

interface ParamDecl {
  name: string;
  shape: number[];
  init: KernelInitializer | 'zeros' | 'ones';
  fanIn: number;
  fanOut: number;
  /** Byte offsets into the weights / grads blocks, set by the planner. */
  ptr: number;
  grad: number;
}
interface StateDecl {
  name: string;
  size: number;
  init: 'zeros' | 'ones';
  ptr: number;
}

/** Standard deviation of a standard normal truncated to ±2 (Keras divides by it so the truncated draw keeps the nominal variance). */
const TRUNCATED_NORMAL_SD = 0.8796256610342398;

/** A standard normal draw (Box–Muller) redrawn until it falls within ±2. */
function truncatedNormal(rand: () => number): number {
  for (;;) {
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    if (Math.abs(z) <= 2) return z;
  }
}

const sizeOf = (s: Shape) => (s.length === 2 ? s[0] * s[1] : s[0]);

/** Collects parameter and state declarations while the layers are built, then places them. */
class Planner {
  params: ParamDecl[] = [];
  states: StateDecl[] = [];
  param(name: string, shape: number[], init: ParamDecl['init'], fanIn = 0, fanOut = 0): ParamDecl {
    const p: ParamDecl = { name, shape, init, fanIn, fanOut, ptr: -1, grad: -1 };
    this.params.push(p);
    return p;
  }
  state(name: string, size: number, init: StateDecl['init']): StateDecl {
    const s: StateDecl = { name, size, init, ptr: -1 };
    this.states.push(s);
    return s;
  }
}

interface Ctx {
  k: Kernels;
  maxBatch: number;
  /** Shared scratch for conv input gradients (im2col layout), grown to the largest need. */
  scratch: { dcols: number; dcolsSize: number };
  rand: () => number;
  /** Set on a data-parallel replica: batch norm in training passes takes whole-batch statistics through it. */
  bnSync: BatchNormSync | null;
}

/**
 * The exchange synchronised batch norm runs through (engine/replicas.ts): each chunk of the batch
 * hands in its partial sums and gets back every chunk's, in chunk order, once all have handed
 * theirs in; every replica then reduces them in that order, so all get the same figures.
 */
export interface BatchNormSync {
  /** `part` is at most `Net.batchNormSyncWidth` long; the views returned are valid until the next exchange but one. */
  exchange(part: Float64Array): Float64Array[];
}

abstract class Node {
  constructor(
    readonly name: string,
    readonly inShape: Shape,
    readonly outShape: Shape,
  ) {}
  /** Output pointer [maxBatch, ...outShape] (may alias the input for pass-through layers). */
  out = -1;
  /** Input gradient pointer [maxBatch, ...inShape]. */
  dx = -1;
  abstract allocate(ctx: Ctx): void;
  abstract forward(ctx: Ctx, x: number, batch: number, training: boolean): number;
  abstract backward(ctx: Ctx, dy: number, batch: number, needDx: boolean): number;
  /** Called before inference so batch norm can fold its running statistics. */
  prepareInference(_ctx: Ctx): void {}
}

class Conv1d extends Node {
  w: ParamDecl;
  b: ParamDecl | null;
  lOut: number;
  padLeft: number;
  cols = -1;
  x = -1;
  direct: boolean;
  /** Runs the kernels that read the input with strides instead of an im2col matrix (1 channel or dilation 1). */
  readonly strided: boolean;
  /** A stride-1 convolution's input gradient comes without the im2col-shaped gradient and col2im. */
  readonly stridedDx: boolean;
  /** Set when the next layer is a ReLU that this layer applies as it stores its output (training passes). */
  fuseRelu = false;
  constructor(
    name: string,
    inShape: [number, number],
    readonly filters: number,
    readonly kernelSize: number,
    readonly strides: number,
    readonly dilation: number,
    padding: ConvPadding,
    useBias: boolean,
    plan: Planner,
    init: KernelInitializer = 'glorotUniform',
  ) {
    const g = convGeometry(inShape[0], kernelSize, strides, dilation, padding);
    super(name, inShape, [g.lOut, filters]);
    this.lOut = g.lOut;
    this.padLeft = g.padLeft;
    const cIn = inShape[1];
    this.w = plan.param(`${name}/kernel`, [kernelSize, cIn, filters], init, kernelSize * cIn, kernelSize * filters);
    this.b = useBias ? plan.param(`${name}/bias`, [filters], 'zeros') : null;
    // A 1×1 stride-1 convolution reads its input as the im2col matrix directly.
    this.direct = kernelSize === 1 && strides === 1 && this.padLeft === 0;
    this.strided = !this.direct && (cIn === 1 || dilation === 1);
    this.stridedDx = !this.direct && strides === 1;
  }
  get colWidth() {
    return this.kernelSize * this.inShape[1]!;
  }
  allocate(ctx: Ctx) {
    const rows = ctx.maxBatch * this.lOut;
    if (!this.direct && !this.strided) this.cols = ctx.k.alloc(rows * this.colWidth);
    this.out = ctx.k.alloc(rows * this.filters);
    this.dx = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
    const need = rows * this.colWidth;
    if (!this.direct && !this.stridedDx && need > ctx.scratch.dcolsSize) ctx.scratch.dcolsSize = need;
  }
  forward(ctx: Ctx, x: number, batch: number, training: boolean) {
    const { k } = ctx;
    const [L, C] = this.inShape as [number, number];
    this.x = x;
    const bias = this.b ? this.b.ptr : 0;
    const relu = training && this.fuseRelu ? 1 : 0;
    if (this.strided) {
      k.conv1d(x, batch, L, C, this.kernelSize, this.strides, this.dilation, this.padLeft, this.lOut, this.w.ptr, this.filters, bias, relu, this.out);
      return this.out;
    }
    const cols = this.direct ? x : this.cols;
    if (!this.direct) k.im2col1d(x, batch, L, C, this.kernelSize, this.strides, this.dilation, this.padLeft, this.lOut, cols);
    k.gemmBias(batch * this.lOut, this.filters, this.colWidth, cols, this.w.ptr, this.out, bias, relu);
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    const { k } = ctx;
    const [L, C] = this.inShape as [number, number];
    const rows = batch * this.lOut;
    if (this.strided) k.conv1dWeightGrad(this.x, dy, batch, L, C, this.kernelSize, this.strides, this.dilation, this.padLeft, this.lOut, this.filters, this.w.grad);
    else k.gemm(1, 0, this.colWidth, this.filters, rows, this.direct ? this.x : this.cols, dy, this.w.grad, 0);
    if (this.b) k.sumRows(dy, rows, this.filters, this.b.grad, 0);
    if (!needDx) return -1;
    if (this.direct) {
      k.gemm(0, 1, rows, C, this.filters, dy, this.w.ptr, this.dx, 0);
    } else if (this.stridedDx) {
      k.conv1dInputGrad(dy, this.w.ptr, batch, L, C, this.kernelSize, this.dilation, this.padLeft, this.lOut, this.filters, this.dx);
    } else {
      k.gemm(0, 1, rows, this.colWidth, this.filters, dy, this.w.ptr, ctx.scratch.dcols, 0);
      k.col2im1d(ctx.scratch.dcols, batch, L, C, this.kernelSize, this.strides, this.dilation, this.padLeft, this.lOut, this.dx);
    }
    return this.dx;
  }
}

class Dense extends Node {
  w: ParamDecl;
  b: ParamDecl | null;
  x = -1;
  /** As Conv1d's. */
  fuseRelu = false;
  constructor(name: string, inShape: [number], readonly units: number, useBias: boolean, plan: Planner, init: KernelInitializer = 'glorotUniform') {
    super(name, inShape, [units]);
    this.w = plan.param(`${name}/kernel`, [inShape[0], units], init, inShape[0], units);
    this.b = useBias ? plan.param(`${name}/bias`, [units], 'zeros') : null;
  }
  allocate(ctx: Ctx) {
    this.out = ctx.k.alloc(ctx.maxBatch * this.units);
    this.dx = ctx.k.alloc(ctx.maxBatch * this.inShape[0]!);
  }
  forward(ctx: Ctx, x: number, batch: number, training: boolean) {
    this.x = x;
    ctx.k.gemmBias(batch, this.units, this.inShape[0]!, x, this.w.ptr, this.out, this.b ? this.b.ptr : 0, training && this.fuseRelu ? 1 : 0);
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    const n = this.inShape[0]!;
    ctx.k.gemm(1, 0, n, this.units, batch, this.x, dy, this.w.grad, 0);
    if (this.b) ctx.k.sumRows(dy, batch, this.units, this.b.grad, 0);
    if (!needDx) return -1;
    ctx.k.gemm(0, 1, batch, n, this.units, dy, this.w.ptr, this.dx, 0);
    return this.dx;
  }
}

class Relu extends Node {
  /** Set when the conv or dense layer before this one applies the ReLU itself in training passes. */
  fused = false;
  /** The activated output the backward pass reads: this layer's own, or the fused layer's. */
  private y = -1;
  /** Set when the max pool after this layer applies this layer's backward mask in its own backward pass (training passes). */
  maskedByPool = false;
  /** Whether the last forward pass was one where the pool masks. */
  private poolMasks = false;
  constructor(name: string, shape: Shape) {
    super(name, shape, shape);
  }
  allocate(ctx: Ctx) {
    this.out = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
    this.dx = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
  }
  forward(ctx: Ctx, x: number, batch: number, training: boolean) {
    this.poolMasks = training && this.maskedByPool;
    if (training && this.fused) {
      this.y = x;
      return x;
    }
    ctx.k.relu(x, this.out, batch * sizeOf(this.inShape));
    this.y = this.out;
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    if (!needDx) return -1;
    if (this.poolMasks) return dy;
    ctx.k.reluBackward(this.y, dy, this.dx, batch * sizeOf(this.inShape));
    return this.dx;
  }
}

/**
 * Marks each conv or dense layer followed by a ReLU to apply it as its product is stored, and
 * each max pool after a ReLU to apply the ReLU's backward mask as it routes the gradient (a pass
 * over the activations fewer each). Training passes only: in inference every layer keeps its own
 * output and gradient, which forwardCapture and outputGradient hand out layer by layer.
 */
function fuseRelus(nodes: Node[]): void {
  nodes.forEach((n, i) => {
    const next = nodes[i + 1];
    if ((n instanceof Conv1d || n instanceof Dense) && next instanceof Relu) {
      n.fuseRelu = true;
      next.fused = true;
    }
    // A max pool after a ReLU masks its gradient with its own output (ReLU and max commute).
    if (n instanceof Relu && next instanceof Pool && next.kind === 'max') {
      n.maskedByPool = true;
      next.afterRelu = true;
    }
    if (n instanceof Residual) fuseRelus(n.body);
    if (n instanceof Branches) n.bodies.forEach(fuseRelus);
  });
}

type ActivationKind = 'leakyRelu' | 'elu' | 'tanh' | 'sigmoid';

/**
 * Element-wise activations other than ReLU, as JS loops over the heap: they cost one pass over
 * the activations, small beside the convolutions' matrix products. Each derivative is read from
 * the output (as tfjs's: leaky ReLU's slope where x ≤ 0, ELU's y + 1 where x < 0).
 */
class Activation extends Node {
  constructor(
    name: string,
    shape: Shape,
    readonly kind: ActivationKind,
    readonly alpha = 0,
  ) {
    super(name, shape, shape);
  }
  allocate(ctx: Ctx) {
    this.out = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
    this.dx = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
  }
  forward(ctx: Ctx, x: number, batch: number) {
    const f = ctx.k.f32();
    const n = batch * sizeOf(this.inShape);
    const xi = x >> 2, yi = this.out >> 2, a = this.alpha;
    switch (this.kind) {
      case 'leakyRelu':
        for (let i = 0; i < n; i++) {
          const v = f[xi + i]!;
          f[yi + i] = v > 0 ? v : a * v;
        }
        break;
      case 'elu':
        for (let i = 0; i < n; i++) {
          const v = f[xi + i]!;
          f[yi + i] = v >= 0 ? v : Math.exp(v) - 1;
        }
        break;
      case 'tanh':
        for (let i = 0; i < n; i++) f[yi + i] = Math.tanh(f[xi + i]!);
        break;
      case 'sigmoid':
        for (let i = 0; i < n; i++) f[yi + i] = 1 / (1 + Math.exp(-f[xi + i]!));
        break;
    }
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    if (!needDx) return -1;
    const f = ctx.k.f32();
    const n = batch * sizeOf(this.inShape);
    const yi = this.out >> 2, gi = dy >> 2, di = this.dx >> 2, a = this.alpha;
    switch (this.kind) {
      case 'leakyRelu':
        for (let i = 0; i < n; i++) f[di + i] = f[yi + i]! > 0 ? f[gi + i]! : a * f[gi + i]!;
        break;
      case 'elu':
        for (let i = 0; i < n; i++) {
          const y = f[yi + i]!;
          f[di + i] = y >= 0 ? f[gi + i]! : f[gi + i]! * (y + 1);
        }
        break;
      case 'tanh':
        for (let i = 0; i < n; i++) {
          const y = f[yi + i]!;
          f[di + i] = f[gi + i]! * (1 - y * y);
        }
        break;
      case 'sigmoid':
        for (let i = 0; i < n; i++) {
          const y = f[yi + i]!;
          f[di + i] = f[gi + i]! * y * (1 - y);
        }
        break;
    }
    return this.dx;
  }
}

/**
 * Max and average pooling. The kernels pool whole windows ('valid'); 'same' padding runs them
 * over a padded copy of the input — −∞ around it for max, zeros for the average, whose edge
 * windows are then rescaled from the pool size to the points they cover — and takes the input
 * gradient back out of the padded copy's.
 */
class Pool extends Node {
  argmax = -1;
  lOut: number;
  readonly padLeft: number;
  /** Padded length (the input length when nothing is padded). */
  readonly lPad: number;
  /** Average pooling with padding: (output position, pool size ÷ points covered) of the edge windows. */
  readonly edges: [number, number][];
  xp = -1;
  dxp = -1;
  dyScaled = -1;
  /** Its input is a ReLU's output whose backward it applies in training passes (see fuseRelus). */
  afterRelu = false;
  private masks = false;
  constructor(
    name: string,
    inShape: [number, number],
    readonly kind: 'max' | 'avg',
    readonly poolSize: number,
    readonly strides: number,
    padding: 'same' | 'valid',
  ) {
    const g = poolGeometry(inShape[0], poolSize, strides, padding);
    super(name, inShape, [g.lOut, inShape[1]]);
    this.lOut = g.lOut;
    this.padLeft = g.padLeft;
    this.lPad = inShape[0] + g.padTotal;
    const counts = kind === 'avg' && g.padTotal ? poolWindowCounts(inShape[0], poolSize, strides, g.padLeft, g.lOut) : [];
    this.edges = counts.flatMap((c, o): [number, number][] => (c < poolSize ? [[o, poolSize / c]] : []));
  }
  get padded() {
    return this.lPad !== this.inShape[0];
  }
  allocate(ctx: Ctx) {
    const C = this.inShape[1]!;
    const n = ctx.maxBatch * this.lOut * C;
    this.out = ctx.k.alloc(n);
    if (this.kind === 'max') this.argmax = ctx.k.alloc(n);
    this.dx = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
    if (!this.padded) return;
    this.xp = ctx.k.alloc(ctx.maxBatch * this.lPad * C);
    this.dxp = ctx.k.alloc(ctx.maxBatch * this.lPad * C);
    if (this.kind === 'avg') this.dyScaled = ctx.k.alloc(n);
    // Forward passes overwrite only the inner part, so the padding is written once.
    if (this.kind === 'max') ctx.k.fill(this.xp, -Infinity, ctx.maxBatch * this.lPad * C);
  }
  /** Copies each sample between the unpadded [batch, L, C] and the padded [batch, lPad, C] layouts. */
  private copyInner(f: Float32Array, from: number, to: number, batch: number, toPadded: boolean) {
    const [L, C] = this.inShape as [number, number];
    const row = L * C;
    for (let b = 0; b < batch; b++) {
      const plain = b * row;
      const pad = (b * this.lPad + this.padLeft) * C;
      if (toPadded) f.set(f.subarray((from >> 2) + plain, (from >> 2) + plain + row), (to >> 2) + pad);
      else f.set(f.subarray((from >> 2) + pad, (from >> 2) + pad + row), (to >> 2) + plain);
    }
  }
  /** Multiplies the edge windows of an [batch, lOut, C] block by their rescaling factor. */
  private rescaleEdges(f: Float32Array, y: number, batch: number) {
    const C = this.inShape[1]!;
    for (let b = 0; b < batch; b++) {
      for (const [o, factor] of this.edges) {
        const base = (y >> 2) + (b * this.lOut + o) * C;
        for (let c = 0; c < C; c++) f[base + c] = f[base + c]! * factor;
      }
    }
  }
  forward(ctx: Ctx, x: number, batch: number, training: boolean) {
    const C = this.inShape[1]!;
    this.masks = training && this.afterRelu;
    let src = x;
    if (this.padded) {
      this.copyInner(ctx.k.f32(), x, this.xp, batch, true);
      src = this.xp;
    }
    if (this.kind === 'max') ctx.k.maxPool1d(src, batch, this.lPad, C, this.poolSize, this.strides, this.lOut, this.out, this.argmax);
    else ctx.k.avgPool1d(src, batch, this.lPad, C, this.poolSize, this.strides, this.lOut, this.out);
    if (this.edges.length) this.rescaleEdges(ctx.k.f32(), this.out, batch);
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    if (!needDx) return -1;
    const C = this.inShape[1]!;
    const dst = this.padded ? this.dxp : this.dx;
    let g = dy;
    if (this.edges.length) {
      ctx.k.copy(dy, this.dyScaled, batch * this.lOut * C);
      this.rescaleEdges(ctx.k.f32(), this.dyScaled, batch);
      g = this.dyScaled;
    }
    if (this.kind === 'max' && this.masks) ctx.k.maxPool1dReluBackward(g, this.argmax, this.out, batch, this.lPad, C, this.poolSize, this.strides, this.lOut, dst);
    else if (this.kind === 'max') ctx.k.maxPool1dBackward(g, this.argmax, batch, this.lPad, C, this.lOut, dst);
    else ctx.k.avgPool1dBackward(g, batch, this.lPad, C, this.poolSize, this.strides, this.lOut, dst);
    if (this.padded) this.copyInner(ctx.k.f32(), this.dxp, this.dx, batch, false);
    return this.dx;
  }
}

class GlobalAvgPool extends Node {
  constructor(name: string, inShape: [number, number]) {
    super(name, inShape, [inShape[1]]);
  }
  allocate(ctx: Ctx) {
    this.out = ctx.k.alloc(ctx.maxBatch * this.inShape[1]!);
    this.dx = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
  }
  forward(ctx: Ctx, x: number, batch: number) {
    const [L, C] = this.inShape as [number, number];
    ctx.k.globalAvgPool(x, batch, L, C, this.out);
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    if (!needDx) return -1;
    const [L, C] = this.inShape as [number, number];
    ctx.k.globalAvgPoolBackward(dy, batch, L, C, this.dx);
    return this.dx;
  }
}

/**
 * Flatten, and a reshape of a vector into [length, channels]: channels-last memory is the same
 * in either shape ([batch, length·channels]), so pointers pass through.
 */
class Flatten extends Node {
  constructor(name: string, inShape: Shape, outShape: Shape = [sizeOf(inShape)]) {
    super(name, inShape, outShape);
  }
  allocate() {}
  forward(_ctx: Ctx, x: number) {
    this.out = x;
    return x;
  }
  backward(_ctx: Ctx, dy: number, _batch: number, needDx: boolean) {
    return needDx ? dy : -1;
  }
}

/** Nearest-neighbour upsampling and cropping along the axis (kernels/resize.ts). */
class Resize extends Node {
  constructor(
    name: string,
    inShape: [number, number],
    readonly kind: 'upsample' | 'crop',
    /** The repeat (upsample) or the points dropped at the start (crop). */
    readonly amount: number,
    lOut: number,
  ) {
    super(name, inShape, [lOut, inShape[1]]);
  }
  allocate(ctx: Ctx) {
    this.out = ctx.k.alloc(ctx.maxBatch * sizeOf(this.outShape));
    this.dx = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
  }
  forward(ctx: Ctx, x: number, batch: number) {
    const [L, C] = this.inShape as [number, number];
    const f = ctx.k.f32();
    if (this.kind === 'upsample') upsample1d(f, x >> 2, batch, L, C, this.amount, this.out >> 2);
    else crop1d(f, x >> 2, batch, L, C, this.amount, this.outShape[0], this.out >> 2);
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    if (!needDx) return -1;
    const [L, C] = this.inShape as [number, number];
    const f = ctx.k.f32();
    if (this.kind === 'upsample') upsample1dBackward(f, dy >> 2, batch, L, C, this.amount, this.dx >> 2);
    else crop1dBackward(f, dy >> 2, batch, L, C, this.amount, this.outShape[0], this.dx >> 2);
    return this.dx;
  }
}

class Dropout extends Node {
  mask = -1;
  active = false;
  constructor(name: string, shape: Shape, public rate: number) {
    super(name, shape, shape);
  }
  allocate(ctx: Ctx) {
    const n = ctx.maxBatch * sizeOf(this.inShape);
    this.mask = ctx.k.alloc(n);
    this.out = ctx.k.alloc(n);
    this.dx = ctx.k.alloc(n);
  }
  forward(ctx: Ctx, x: number, batch: number, training: boolean) {
    this.active = training && this.rate > 0;
    if (!this.active) return x;
    const n = batch * sizeOf(this.inShape);
    const keep = 1 - this.rate;
    const m = ctx.k.f32();
    const base = this.mask >> 2;
    for (let i = 0; i < n; i++) m[base + i] = ctx.rand() < keep ? 1 / keep : 0;
    ctx.k.mul(x, this.mask, this.out, n);
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    if (!needDx) return -1;
    if (!this.active) return dy;
    ctx.k.mul(dy, this.mask, this.dx, batch * sizeOf(this.inShape));
    return this.dx;
  }
}

class BatchNorm extends Node {
  gamma: ParamDecl;
  beta: ParamDecl;
  runMean: StateDecl;
  runVar: StateDecl;
  mean = -1;
  invStd = -1;
  xhat = -1;
  foldScale = -1;
  foldShift = -1;
  readonly C: number;
  /** While set, training-mode passes accumulate population statistics instead of the running average. */
  accum: { mean: Float64Array; sq: Float64Array; rows: number } | null = null;
  /** Rows of the whole batch in the last synchronised training pass (its backward averages over them). */
  private syncRows = 0;
  /** Per-channel scale and shift of the synchronised passes. */
  syncA = -1;
  syncB = -1;
  constructor(name: string, shape: Shape, readonly momentum: number, readonly epsilon: number, plan: Planner) {
    super(name, shape, shape);
    this.C = shape[shape.length - 1]!;
    this.gamma = plan.param(`${name}/gamma`, [this.C], 'ones');
    this.beta = plan.param(`${name}/beta`, [this.C], 'zeros');
    this.runMean = plan.state(`${name}/moving_mean`, this.C, 'zeros');
    this.runVar = plan.state(`${name}/moving_variance`, this.C, 'ones');
  }
  rowsPerSample() {
    return sizeOf(this.inShape) / this.C;
  }
  allocate(ctx: Ctx) {
    const n = ctx.maxBatch * sizeOf(this.inShape);
    this.mean = ctx.k.alloc(this.C);
    this.invStd = ctx.k.alloc(this.C);
    this.foldScale = ctx.k.alloc(this.C);
    this.foldShift = ctx.k.alloc(this.C);
    this.syncA = ctx.k.alloc(this.C);
    this.syncB = ctx.k.alloc(this.C);
    this.xhat = ctx.k.alloc(n);
    this.out = ctx.k.alloc(n);
    this.dx = ctx.k.alloc(n);
  }
  forward(ctx: Ctx, x: number, batch: number, training: boolean) {
    const { k } = ctx;
    const rows = batch * this.rowsPerSample();
    if (!training) {
      k.scaleShift(x, rows, this.C, this.foldScale, this.foldShift, this.out);
      return this.out;
    }
    if (ctx.bnSync && !this.accum) return this.forwardSync(ctx, ctx.bnSync, x, rows);
    k.batchNormTrain(x, rows, this.C, this.gamma.ptr, this.beta.ptr, this.epsilon, this.mean, this.invStd, this.xhat, this.out);
    const f = k.f32();
    const m = this.momentum;
    const mb = this.mean >> 2, ib = this.invStd >> 2, rm = this.runMean.ptr >> 2, rv = this.runVar.ptr >> 2;
    if (this.accum) {
      const a = this.accum;
      for (let c = 0; c < this.C; c++) {
        const inv = f[ib + c]!;
        const mean = f[mb + c]!;
        a.mean[c] += mean * rows;
        a.sq[c] += (1 / (inv * inv) - this.epsilon + mean * mean) * rows;
      }
      a.rows += rows;
      return this.out;
    }
    const unbias = rows > 1 ? rows / (rows - 1) : 1;
    for (let c = 0; c < this.C; c++) {
      const inv = f[ib + c]!;
      const variance = (1 / (inv * inv) - this.epsilon) * unbias;
      f[rm + c] = m * f[rm + c]! + (1 - m) * f[mb + c]!;
      f[rv + c] = m * f[rv + c]! + (1 - m) * variance;
    }
    return this.out;
  }
  /**
   * Training forward over the whole batch. The kernel normalises this chunk over itself; its
   * count, mean and sum of squared deviations (float64) go through the exchange, the chunks' are
   * merged in chunk order (Chan, Golub & LeVeque's pairwise update), and x̂ is moved from the
   * chunk's statistics to the whole batch's with one per-channel scale and shift
   * (x̂ = x̂_chunk·σ_chunk/σ + (μ_chunk − μ)/σ), so the passes over the activations stay in the kernels.
   */
  private forwardSync(ctx: Ctx, sync: BatchNormSync, x: number, rows: number) {
    const { k } = ctx;
    const C = this.C;
    k.batchNormTrain(x, rows, C, this.gamma.ptr, this.beta.ptr, this.epsilon, this.mean, this.invStd, this.xhat, this.out);
    const f = k.f32();
    const mb = this.mean >> 2, ib = this.invStd >> 2;
    const part = new Float64Array(1 + 2 * C);
    part[0] = rows;
    for (let c = 0; c < C; c++) {
      const inv = f[ib + c]!;
      part[1 + c] = f[mb + c]!;
      part[1 + C + c] = Math.max(1 / (inv * inv) - this.epsilon, 0) * rows;
    }
    const mean = new Float64Array(C);
    const m2 = new Float64Array(C);
    let n = 0;
    for (const p of sync.exchange(part)) {
      const nb = p[0]!;
      if (!nb) continue;
      if (n === 0) {
        for (let c = 0; c < C; c++) {
          mean[c] = p[1 + c]!;
          m2[c] = p[1 + C + c]!;
        }
        n = nb;
        continue;
      }
      const total = n + nb;
      for (let c = 0; c < C; c++) {
        const delta = p[1 + c]! - mean[c]!;
        mean[c] += (delta * nb) / total;
        m2[c] += p[1 + C + c]! + (delta * delta * n * nb) / total;
      }
      n = total;
    }
    this.syncRows = n;
    const rm = this.runMean.ptr >> 2, rv = this.runVar.ptr >> 2, sa = this.syncA >> 2, sb = this.syncB >> 2;
    const m = this.momentum;
    const unbias = n > 1 ? n / (n - 1) : 1;
    for (let c = 0; c < C; c++) {
      const variance = m2[c]! / n;
      const inv = 1 / Math.sqrt(variance + this.epsilon);
      f[sa + c] = inv / f[ib + c]!;
      f[sb + c] = (part[1 + c]! - mean[c]!) * inv;
      f[mb + c] = mean[c]!;
      f[ib + c] = inv;
      f[rm + c] = m * f[rm + c]! + (1 - m) * mean[c]!;
      f[rv + c] = m * f[rv + c]! + (1 - m) * variance * unbias;
    }
    k.scaleShift(this.xhat, rows, C, this.syncA, this.syncB, this.xhat);
    k.scaleShift(this.xhat, rows, C, this.gamma.ptr, this.beta.ptr, this.out);
    return this.out;
  }
  /**
   * Backward over the whole batch. The kernel gives this chunk's sums of dy and dy·x̂ (as beta's
   * and gamma's gradients, which stay this chunk's share: the coordinator adds up the slots) and
   * the input gradient as if the chunk were the batch; the sums over every chunk, exchanged like
   * the forward's statistics, correct it per channel to the whole batch's:
   * dx = dx_chunk + γσ⁻¹·((s₁/n − S₁/N) + x̂·(s₂/n − S₂/N)).
   */
  private backwardSync(ctx: Ctx, sync: BatchNormSync, dy: number, rows: number, needDx: boolean) {
    const { k } = ctx;
    const C = this.C;
    k.batchNormBackward(dy, this.xhat, this.invStd, this.gamma.ptr, rows, C, this.dx, this.gamma.grad, this.beta.grad);
    const f = k.f32();
    const db = this.beta.grad >> 2, dg = this.gamma.grad >> 2;
    const part = new Float64Array(2 * C);
    for (let c = 0; c < C; c++) {
      part[c] = f[db + c]!;
      part[C + c] = f[dg + c]!;
    }
    const sums = new Float64Array(2 * C);
    for (const p of sync.exchange(part)) for (let i = 0; i < 2 * C; i++) sums[i] += p[i]!;
    if (!needDx) return -1;
    const n = this.syncRows;
    const gm = this.gamma.ptr >> 2, ib = this.invStd >> 2, sa = this.syncA >> 2, sb = this.syncB >> 2;
    for (let c = 0; c < C; c++) {
      const k1 = f[gm + c]! * f[ib + c]!;
      f[sa + c] = k1 * (part[C + c]! / rows - sums[C + c]! / n);
      f[sb + c] = k1 * (part[c]! / rows - sums[c]! / n);
    }
    // The output is not read again in this step: it holds the correction before it is added.
    k.scaleShift(this.xhat, rows, C, this.syncA, this.syncB, this.out);
    k.add(this.dx, this.out, this.dx, rows * C);
    return this.dx;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    const rows = batch * this.rowsPerSample();
    if (ctx.bnSync) return this.backwardSync(ctx, ctx.bnSync, dy, rows, needDx);
    ctx.k.batchNormBackward(dy, this.xhat, this.invStd, this.gamma.ptr, rows, this.C, this.dx, this.gamma.grad, this.beta.grad);
    return needDx ? this.dx : -1;
  }
  /** Starts accumulating population statistics (see Net.calibrateBatchNorm). */
  beginAccumulate() {
    this.accum = { mean: new Float64Array(this.C), sq: new Float64Array(this.C), rows: 0 };
  }
  /** Writes the accumulated population mean and variance as the running statistics. */
  endAccumulate(ctx: Ctx) {
    const a = this.accum;
    this.accum = null;
    if (!a || !a.rows) return;
    const f = ctx.k.f32();
    const rm = this.runMean.ptr >> 2, rv = this.runVar.ptr >> 2;
    for (let c = 0; c < this.C; c++) {
      const mean = a.mean[c]! / a.rows;
      f[rm + c] = mean;
      f[rv + c] = Math.max(a.sq[c]! / a.rows - mean * mean, 0);
    }
  }
  override prepareInference(ctx: Ctx) {
    const f = ctx.k.f32();
    const g = this.gamma.ptr >> 2, b = this.beta.ptr >> 2, rm = this.runMean.ptr >> 2, rv = this.runVar.ptr >> 2;
    const s = this.foldScale >> 2, t = this.foldShift >> 2;
    for (let c = 0; c < this.C; c++) {
      const scale = f[g + c]! / Math.sqrt(f[rv + c]! + this.epsilon);
      f[s + c] = scale;
      f[t + c] = f[b + c]! - f[rm + c]! * scale;
    }
  }
}

class Residual extends Node {
  shortcut: Node[] = [];
  constructor(
    name: string,
    inShape: Shape,
    readonly body: Node[],
    plan: Planner,
  ) {
    const outShape = body.length ? body[body.length - 1]!.outShape : inShape;
    super(name, inShape, outShape);
    const same = inShape.length === outShape.length && inShape.every((v, i) => v === outShape[i]);
    if (!same) {
      const [L, C] = inShape as [number, number];
      const [lOut, cOut] = outShape as [number, number];
      const stride = shortcutStride(L, lOut);
      const conv = new Conv1d(`${name}/shortcut_conv`, [L, C], cOut, 1, stride, 1, 'same', false, plan);
      const bn = new BatchNorm(`${name}/shortcut_bn`, [lOut, cOut], 0.9, 1e-3, plan);
      this.shortcut = [conv, bn];
    }
  }
  allocate(ctx: Ctx) {
    for (const n of [...this.body, ...this.shortcut]) n.allocate(ctx);
    this.out = ctx.k.alloc(ctx.maxBatch * sizeOf(this.outShape));
    this.dx = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
  }
  forward(ctx: Ctx, x: number, batch: number, training: boolean) {
    let y = x;
    for (const n of this.body) y = n.forward(ctx, y, batch, training);
    let s = x;
    for (const n of this.shortcut) s = n.forward(ctx, s, batch, training);
    ctx.k.add(y, s, this.out, batch * sizeOf(this.outShape));
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    let g = dy;
    for (let i = this.body.length - 1; i >= 0; i--) g = this.body[i]!.backward(ctx, g, batch, true);
    let s = dy;
    for (let i = this.shortcut.length - 1; i >= 0; i--) s = this.shortcut[i]!.backward(ctx, s, batch, true);
    if (!needDx) return -1;
    ctx.k.add(g, s, this.dx, batch * sizeOf(this.inShape));
    return this.dx;
  }
  override prepareInference(ctx: Ctx) {
    for (const n of [...this.body, ...this.shortcut]) n.prepareInference(ctx);
  }
}

/**
 * Channels on different axes, one branch each (model.ts, `branches`): branch k copies its run of
 * each input row into an input of its own, goes through its nodes, and the concatenate layer
 * copies each branch's output (flattened: channels-last memory is already flat) into its place in
 * the joined row. The gradient takes the same copies the other way.
 */
class Branches extends Node {
  /** Per branch: where its run starts in the input row, and where its output starts in the joined row. */
  readonly at: { input: number; output: number; size: number }[];
  ins: number[] = [];
  dys: number[] = [];
  constructor(
    name: string,
    inShape: Shape,
    readonly points: number[],
    readonly bodies: Node[][],
  ) {
    let input = 0;
    let output = 0;
    const at = bodies.map((body, k) => {
      const size = sizeOf(body[body.length - 1]!.outShape);
      const a = { input, output, size };
      input += points[k]!;
      output += size;
      return a;
    });
    super(name, inShape, [output]);
    this.at = at;
  }
  allocate(ctx: Ctx) {
    for (const body of this.bodies) for (const n of body) n.allocate(ctx);
    this.ins = this.points.map((p) => ctx.k.alloc(ctx.maxBatch * p));
    this.dys = this.at.map((a) => ctx.k.alloc(ctx.maxBatch * a.size));
    this.out = ctx.k.alloc(ctx.maxBatch * this.outShape[0]);
    this.dx = ctx.k.alloc(ctx.maxBatch * sizeOf(this.inShape));
  }
  forward(ctx: Ctx, x: number, batch: number, training: boolean) {
    const width = sizeOf(this.inShape);
    const joined = this.outShape[0];
    this.bodies.forEach((body, k) => {
      const { input, output, size } = this.at[k]!;
      const p = this.points[k]!;
      copyRuns(ctx.k.f32(), x >> 2, width, input, this.ins[k]! >> 2, p, 0, p, batch);
      let y = this.ins[k]!;
      for (const n of body) y = n.forward(ctx, y, batch, training);
      copyRuns(ctx.k.f32(), y >> 2, size, 0, this.out >> 2, joined, output, size, batch);
    });
    return this.out;
  }
  backward(ctx: Ctx, dy: number, batch: number, needDx: boolean) {
    const width = sizeOf(this.inShape);
    const joined = this.outShape[0];
    this.bodies.forEach((body, k) => {
      const { input, output, size } = this.at[k]!;
      copyRuns(ctx.k.f32(), dy >> 2, joined, output, this.dys[k]! >> 2, size, 0, size, batch);
      let g = this.dys[k]!;
      for (let i = body.length - 1; i >= 0; i--) g = body[i]!.backward(ctx, g, batch, needDx || i > 0);
      const p = this.points[k]!;
      if (needDx) copyRuns(ctx.k.f32(), g >> 2, p, 0, this.dx >> 2, width, input, p, batch);
    });
    return needDx ? this.dx : -1;
  }
  override prepareInference(ctx: Ctx) {
    for (const body of this.bodies) for (const n of body) n.prepareInference(ctx);
  }
}

function batchNorms(nodes: Node[]): BatchNorm[] {
  const out: BatchNorm[] = [];
  for (const n of nodes) {
    if (n instanceof BatchNorm) out.push(n);
    else if (n instanceof Residual) out.push(...batchNorms(n.body), ...batchNorms(n.shortcut));
    else if (n instanceof Branches) for (const body of n.bodies) out.push(...batchNorms(body));
  }
  return out;
}

function buildNodes(layers: LayerSpec[], input: Shape, plan: Planner, prefix: string): Node[] {
  const nodes: Node[] = [];
  let shape = input;
  layers.forEach((l, i) => {
    const name = `${prefix}${i + 1}_${l.type}`;
    let node: Node;
    switch (l.type) {
      case 'conv1d':
        node = new Conv1d(name, shape as [number, number], l.filters, l.kernelSize, l.strides, l.dilation, l.padding, l.useBias, plan, l.kernelInitializer);
        break;
      case 'dense':
        node = new Dense(name, shape as [number], l.units, l.useBias, plan, l.kernelInitializer);
        break;
      case 'relu':
        node = new Relu(name, shape);
        break;
      case 'leakyRelu':
        node = new Activation(name, shape, 'leakyRelu', l.alpha);
        break;
      case 'elu':
      case 'tanh':
      case 'sigmoid':
        node = new Activation(name, shape, l.type);
        break;
      case 'maxPool1d':
        node = new Pool(name, shape as [number, number], 'max', l.poolSize, l.strides ?? l.poolSize, l.padding ?? 'valid');
        break;
      case 'avgPool1d':
        node = new Pool(name, shape as [number, number], 'avg', l.poolSize, l.strides ?? l.poolSize, l.padding ?? 'valid');
        break;
      case 'globalAvgPool1d':
        node = new GlobalAvgPool(name, shape as [number, number]);
        break;
      case 'flatten':
        node = new Flatten(name, shape);
        break;
      case 'dropout':
        node = new Dropout(name, shape, l.rate);
        break;
      case 'batchNorm':
        node = new BatchNorm(name, shape, l.momentum, l.epsilon, plan);
        break;
      case 'residual':
        node = new Residual(name, shape, buildNodes(l.layers, shape, plan, `${name}/`), plan);
        break;
      case 'upsample1d':
        node = new Resize(name, shape as [number, number], 'upsample', l.size, shape[0] * l.size);
        break;
      case 'crop1d':
        node = new Resize(name, shape as [number, number], 'crop', l.cropping[0], shape[0] - l.cropping[0] - l.cropping[1]);
        break;
      case 'reshape':
        node = new Flatten(name, shape, l.targetShape);
        break;
      case 'branches':
        node = new Branches(name, shape, l.branches.map((b) => b.points), l.branches.map((b, k) => buildNodes(b.layers, [b.points, 1], plan, `${name}/b${k + 1}_`)));
        break;
    }
    nodes.push(node);
    shape = node.outShape;
  });
  return nodes;
}

export interface NetOptions {
  /** Hidden layers (the output dense layer is added from the task). */
  layers: LayerSpec[];
  /** Per-sample input [length, channels]. */
  input: [number, number];
  task: Task;
  maxBatch: number;
  seed: number;
}

/** A trained network for inference: its layers, input, task, weights and batch-norm state on `k` (the prediction paths all build theirs here). */
export function trainedNet(k: Kernels, m: { layers: LayerSpec[]; input: [number, number]; task: Task; weights: Float32Array; state: Float32Array }, maxBatch: number): Net {
  const net = new Net(k, { layers: m.layers, input: m.input, task: m.task, maxBatch, seed: 0 });
  net.setWeights(m.weights);
  if (net.stateCount) net.setState(m.state);
  return net;
}

export interface ParamInfo {
  name: string;
  shape: number[];
  /** Offset in floats within the weights block. */
  offset: number;
  size: number;
}

/**
 * A network on one Kernels heap. Typical step: `setBatch` → `forward(true)` → `loss` →
 * `backward` → (optimiser over `weights`/`grads`).
 */
export class Net {
  readonly k: Kernels;
  readonly nodes: Node[];
  readonly task: Task;
  readonly input: [number, number];
  /** The hidden layers this network was built from (without the output layer). */
  readonly layers: LayerSpec[];
  readonly maxBatch: number;
  readonly outputs: number;
  /** Byte offsets of the contiguous parameter, gradient and state blocks and their lengths in floats. */
  readonly weights: number;
  readonly grads: number;
  readonly paramCount: number;
  readonly state: number;
  readonly stateCount: number;
  readonly params: ParamInfo[];
  readonly stateInfo: ParamInfo[];
  private readonly ctx: Ctx;
  private readonly x: number;
  private readonly labels: number;
  private readonly targets: number;
  private readonly classWeights: number;
  private readonly probs: number;
  private readonly dOut: number;
  private logits = -1;
  private inferenceReady = false;

  constructor(k: Kernels, opts: NetOptions) {
    this.k = k;
    this.task = opts.task;
    this.input = opts.input;
    this.layers = opts.layers;
    this.maxBatch = opts.maxBatch;
    const reconstruction = opts.task.kind === 'reconstruction';
    this.outputs = opts.task.kind === 'classification' ? opts.task.classes : opts.task.kind === 'reconstruction' ? opts.input[0] * opts.input[1] : (opts.task.outputs ?? 1);
    const plan = new Planner();
    const layers: LayerSpec[] = reconstruction ? opts.layers : [...opts.layers, { type: 'dense', units: this.outputs, useBias: true }];
    this.nodes = buildNodes(layers, opts.input, plan, '');
    fuseRelus(this.nodes);
    const last = this.nodes[this.nodes.length - 1]!;
    if (reconstruction ? last.outShape[0] !== opts.input[0] || last.outShape[1] !== opts.input[1] : last.outShape.length !== 1) throw new Error(reconstruction ? 'An autoencoder must give back its input shape.' : 'The output layer must produce a vector.');

    // One block each for weights, grads and state, so optimisers and exchanges are single calls.
    this.paramCount = plan.params.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
    this.stateCount = plan.states.reduce((a, s) => a + s.size, 0);
    this.weights = k.alloc(Math.max(this.paramCount, 1));
    this.grads = k.alloc(Math.max(this.paramCount, 1));
    this.state = k.alloc(Math.max(this.stateCount, 1));
    this.params = [];
    let off = 0;
    for (const p of plan.params) {
      const size = p.shape.reduce((x, y) => x * y, 1);
      p.ptr = this.weights + off * 4;
      p.grad = this.grads + off * 4;
      this.params.push({ name: p.name, shape: p.shape, offset: off, size });
      off += size;
    }
    this.stateInfo = [];
    off = 0;
    for (const s of plan.states) {
      s.ptr = this.state + off * 4;
      this.stateInfo.push({ name: s.name, shape: [s.size], offset: off, size: s.size });
      off += s.size;
    }
    const rand = mulberry32(opts.seed);
    this.ctx = { k, maxBatch: opts.maxBatch, scratch: { dcols: -1, dcolsSize: 0 }, rand, bnSync: null };
    this.x = k.alloc(opts.maxBatch * opts.input[0] * opts.input[1]);
    for (const n of this.nodes) n.allocate(this.ctx);
    if (this.ctx.scratch.dcolsSize) this.ctx.scratch.dcols = k.alloc(this.ctx.scratch.dcolsSize);
    this.labels = k.alloc(opts.maxBatch);
    this.targets = k.alloc(opts.maxBatch * this.outputs);
    this.classWeights = k.alloc(this.outputs);
    this.probs = k.alloc(opts.maxBatch * this.outputs);
    this.dOut = k.alloc(opts.maxBatch * this.outputs);
    this.setClassWeights(new Float32Array(this.outputs).fill(1));
    this.initialize(plan, mulberry32(opts.seed ^ 0x9e3779b9));
  }

  private initialize(plan: Planner, rand: () => number) {
    const f = this.k.f32();
    for (const p of plan.params) {
      const size = p.shape.reduce((x, y) => x * y, 1);
      const base = p.ptr >> 2;
      if (p.init === 'zeros' || p.init === 'ones') {
        f.fill(p.init === 'ones' ? 1 : 0, base, base + size);
        continue;
      }
      // Variance 2/fan with fan = fanIn + fanOut (Glorot) or fanIn (He); a uniform on ±√(6/fan) has it.
      const fan = p.init.startsWith('glorot') ? p.fanIn + p.fanOut : p.fanIn;
      if (p.init.endsWith('Uniform')) {
        const limit = Math.sqrt(6 / fan);
        for (let i = 0; i < size; i++) f[base + i] = (rand() * 2 - 1) * limit;
      } else {
        const sd = Math.sqrt(2 / fan) / TRUNCATED_NORMAL_SD;
        for (let i = 0; i < size; i++) f[base + i] = truncatedNormal(rand) * sd;
      }
    }
    for (const s of plan.states) f.fill(s.init === 'ones' ? 1 : 0, s.ptr >> 2, (s.ptr >> 2) + s.size);
  }

  get inputSize() {
    return this.input[0] * this.input[1];
  }

  /** Copies a batch of inputs ([batch, length, channels] flattened) into the heap. */
  setInput(x: Float32Array, batch: number) {
    if (batch > this.maxBatch) throw new Error(`Batch ${batch} exceeds the planned ${this.maxBatch}.`);
    this.k.f32().set(x.subarray(0, batch * this.inputSize), this.x >> 2);
  }
  /** Copies rows `index[i]` of `source` ([n, length·channels]) into the heap input. */
  gatherInput(source: Float32Array, index: ArrayLike<number>, from: number, batch: number) {
    const f = this.k.f32();
    const n = this.inputSize;
    let dst = this.x >> 2;
    for (let i = 0; i < batch; i++, dst += n) {
      const r = index[from + i]!;
      f.set(source.subarray(r * n, r * n + n), dst);
    }
  }
  /** Restarts the random stream dropout draws from (a data-parallel chunk draws from its own, whichever thread runs it). */
  reseed(seed: number) {
    this.ctx.rand = mulberry32(seed);
  }
  setClassWeights(w: Float32Array) {
    this.k.f32().set(w, this.classWeights >> 2);
  }
  /** Class indices (classification) or standardised values (regression, `outputs` per row) for the current batch. */
  setTargets(y: ArrayLike<number>, index: ArrayLike<number> | null, from: number, batch: number) {
    // An autoencoder's target is its input, already on the heap.
    if (this.task.kind === 'reconstruction') return;
    if (this.task.kind === 'classification') {
      const t = this.k.i32();
      const base = this.labels >> 2;
      for (let i = 0; i < batch; i++) t[base + i] = y[index ? index[from + i]! : from + i]!;
    } else {
      const t = this.k.f32();
      const base = this.targets >> 2;
      const k = this.outputs;
      for (let i = 0; i < batch; i++) {
        const r = (index ? index[from + i]! : from + i) * k;
        for (let j = 0; j < k; j++) t[base + i * k + j] = y[r + j]!;
      }
    }
  }

  forward(batch: number, training: boolean): number {
    if (!training && !this.inferenceReady) {
      for (const n of this.nodes) n.prepareInference(this.ctx);
      this.inferenceReady = true;
    }
    if (training) this.inferenceReady = false;
    let y = this.x;
    for (const n of this.nodes) y = n.forward(this.ctx, y, batch, training);
    this.logits = y;
    return y;
  }

  /**
   * Loss of the last forward pass (mean over the batch, class-weighted for classification) and
   * its gradient for `backward`. For classification, also the sum of the batch's class weights
   * (data-parallel replicas combine their gradients in proportion to it).
   */
  loss(batch: number): { loss: number; weight: number } {
    const k = this.k;
    if (this.task.kind === 'classification') {
      const loss = k.softmaxCrossEntropy(this.logits, this.labels, this.classWeights, batch, this.outputs, this.probs, this.dOut);
      const f = k.f32();
      const t = k.i32();
      let w = 0;
      for (let i = 0; i < batch; i++) w += f[(this.classWeights >> 2) + t[(this.labels >> 2) + i]!]!;
      return { loss, weight: w };
    }
    if (this.task.kind === 'reconstruction') return { loss: k.regressionLoss(0, this.logits, this.x, batch * this.outputs, 1, this.dOut), weight: batch };
    // Several targets: the mean over every target of every row, all standardised alike.
    const loss = k.regressionLoss(this.task.loss === 'huber' ? 1 : 0, this.logits, this.targets, batch * this.outputs, this.task.huberDelta ?? 1, this.dOut);
    return { loss, weight: batch };
  }

  backward(batch: number) {
    let g = this.dOut;
    for (let i = this.nodes.length - 1; i >= 0; i--) g = this.nodes[i]!.backward(this.ctx, g, batch, i > 0);
  }

  /** Outputs of the last forward pass: logits [batch, classes] or values [batch]. */
  readOutputs(batch: number): Float32Array {
    const base = this.logits >> 2;
    return this.k.f32().slice(base, base + batch * this.outputs);
  }
  /** Softmax probabilities of the last `loss` call. */
  readProbs(batch: number): Float32Array {
    const base = this.probs >> 2;
    return this.k.f32().slice(base, base + batch * this.outputs);
  }

  getWeights(): Float32Array {
    return this.k.f32().slice(this.weights >> 2, (this.weights >> 2) + this.paramCount);
  }
  setWeights(w: Float32Array) {
    if (w.length !== this.paramCount) throw new Error(`Expected ${this.paramCount} weights, got ${w.length}.`);
    this.k.f32().set(w, this.weights >> 2);
    this.inferenceReady = false;
  }
  getGrads(): Float32Array {
    return this.k.f32().slice(this.grads >> 2, (this.grads >> 2) + this.paramCount);
  }
  getState(): Float32Array {
    return this.k.f32().slice(this.state >> 2, (this.state >> 2) + this.stateCount);
  }
  setState(s: Float32Array) {
    if (s.length !== this.stateCount) throw new Error(`Expected ${this.stateCount} state values, got ${s.length}.`);
    this.k.f32().set(s, this.state >> 2);
    this.inferenceReady = false;
  }

  get hasBatchNorm(): boolean {
    return batchNorms(this.nodes).length > 0;
  }

  /** The longest part a synchronised batch norm hands to `BatchNormSync.exchange` (1 + 2 × its channels), at least 1. */
  get batchNormSyncWidth(): number {
    return batchNorms(this.nodes).reduce((w, b) => Math.max(w, 1 + 2 * b.C), 1);
  }

  /** Makes batch norm in training passes normalise over the whole batch through `sync` (null: over this network's batch). */
  setBatchNormSync(sync: BatchNormSync | null) {
    this.ctx.bnSync = sync;
  }

  /** Multiplies the loss gradient of the last `loss` call by `factor` (a chunk's share of the whole batch's loss). */
  scaleLossGradient(factor: number, batch: number) {
    const f = this.k.f32();
    const d = this.dOut >> 2;
    for (let i = 0; i < batch * this.outputs; i++) f[d + i] = f[d + i]! * factor;
  }

  /**
   * "Precise batch norm": replaces the running statistics (an exponential average over batches
   * seen while the weights were still moving) by the population statistics of `x` under the
   * current weights, from training-mode passes in chunks of maxBatch. On small spectroscopy sets
   * the class signal can sit in differences smaller than the running average's lag; this makes
   * inference match what training saw. Weights are untouched; dropout is not applied.
   */
  calibrateBatchNorm(x: Float32Array, n: number): void {
    const bns = batchNorms(this.nodes);
    if (!bns.length || n === 0) return;
    for (const b of bns) b.beginAccumulate();
    const size = this.inputSize;
    const dropouts = this.nodes.filter((d): d is Dropout => d instanceof Dropout);
    const rates = dropouts.map((d) => d.rate);
    dropouts.forEach((d) => (d.rate = 0));
    try {
      for (let from = 0; from < n; from += this.maxBatch) {
        const b = Math.min(this.maxBatch, n - from);
        this.setInput(x.subarray(from * size, (from + b) * size), b);
        let y = this.x;
        for (const node of this.nodes) y = node.forward(this.ctx, y, b, true);
      }
    } finally {
      dropouts.forEach((d, i) => (d.rate = rates[i]!));
      for (const b of bns) b.endAccumulate(this.ctx);
    }
    this.inferenceReady = false;
  }

  /**
   * Interpretation (class activation maps): inference on the `batch` inputs set with `setInput`,
   * returning a copy of the output of top-level layer `index` (0-based over `nodes`,
   * [batch, ...nodes[index].outShape]); the outputs are then readable with `readOutputs`.
   */
  forwardCapture(batch: number, index: number): Float32Array {
    if (index < 0 || index >= this.nodes.length) throw new Error(`Layer ${index} does not exist; the network has ${this.nodes.length}.`);
    if (!this.inferenceReady) {
      for (const n of this.nodes) n.prepareInference(this.ctx);
      this.inferenceReady = true;
    }
    let y = this.x;
    let captured = new Float32Array(0);
    this.nodes.forEach((n, i) => {
      y = n.forward(this.ctx, y, batch, false);
      if (i === index) captured = this.k.f32().slice(y >> 2, (y >> 2) + batch * sizeOf(n.outShape));
    });
    this.logits = y;
    return captured;
  }

  /**
   * Gradient of output `unit` of each sample (its class logit) with respect to the output of
   * top-level layer `index`, after `forwardCapture` (inference mode): [batch, ...nodes[index].outShape].
   * For Grad-CAM. Batch norm after that layer acts as its folded per-channel scale; residual
   * blocks after it are not supported. Overwrites the gradient block (not for use mid-training).
   */
  outputGradient(batch: number, unit: number, index: number): Float32Array {
    const f = this.k.f32();
    const d = this.dOut >> 2;
    f.fill(0, d, d + batch * this.outputs);
    for (let b = 0; b < batch; b++) f[d + b * this.outputs + unit] = 1;
    let g = this.dOut;
    for (let i = this.nodes.length - 1; i > index; i--) {
      const n = this.nodes[i]!;
      if (n instanceof Residual || n instanceof Branches) throw new Error(`Gradients through a ${n instanceof Residual ? 'residual block' : 'multi-branch layer'} in inference mode are not supported.`);
      if (n instanceof BatchNorm) {
        const rows = batch * n.rowsPerSample();
        const s = n.foldScale >> 2, gi = g >> 2, o = n.dx >> 2;
        for (let r = 0; r < rows; r++) for (let c = 0; c < n.C; c++) f[o + r * n.C + c] = f[gi + r * n.C + c]! * f[s + c]!;
        g = n.dx;
      } else g = n.backward(this.ctx, g, batch, true);
    }
    const size = batch * sizeOf(this.nodes[index]!.outShape);
    return f.slice(g >> 2, (g >> 2) + size);
  }

  /** Length of the vector the output layer reads (the penultimate features). */
  get featureSize(): number {
    return this.nodes[this.nodes.length - 1]!.inShape[0]!;
  }

  /**
   * Inference over many samples, returning the input of the output dense layer [n, featureSize]
   * instead of its output: the features the out-of-model check models.
   */
  features(x: Float32Array, n: number): Float32Array {
    return this.predictWithFeatures(x, n).features;
  }

  /**
   * {@link predict} and {@link features} from one forward pass per chunk (the same numbers as
   * calling both, at half the cost): what a prediction with the out-of-model check needs.
   */
  predictWithFeatures(x: Float32Array, n: number): { outputs: Float32Array; features: Float32Array } {
    const last = this.nodes[this.nodes.length - 1] as Dense;
    const width = this.featureSize;
    const outputs = new Float32Array(n * this.outputs);
    const features = new Float32Array(n * width);
    const size = this.inputSize;
    for (let from = 0; from < n; from += this.maxBatch) {
      const b = Math.min(this.maxBatch, n - from);
      this.setInput(x.subarray(from * size, (from + b) * size), b);
      this.forward(b, false);
      const base = last.x >> 2;
      features.set(this.k.f32().subarray(base, base + b * width), from * width);
      outputs.set(this.readOutputs(b), from * this.outputs);
    }
    return { outputs, features };
  }

  /** Inference over many samples in chunks of maxBatch: logits/values [n, outputs]. */
  predict(x: Float32Array, n: number): Float32Array {
    const out = new Float32Array(n * this.outputs);
    const size = this.inputSize;
    for (let from = 0; from < n; from += this.maxBatch) {
      const b = Math.min(this.maxBatch, n - from);
      this.setInput(x.subarray(from * size, (from + b) * size), b);
      this.forward(b, false);
      out.set(this.readOutputs(b), from * this.outputs);
    }
    return out;
  }
}
