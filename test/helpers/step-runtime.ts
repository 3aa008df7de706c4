import type { Runtime } from '../../src-main/ml/runtime';

/** A runtime with no parameters whose optimiser steps are `step`: for tests of the fit loop itself. */
export function stepRuntime(description: string, step: Runtime['step']): Runtime {
  return {
    description,
    paramCount: 0,
    params: [],
    step,
    gradients: () => ({ loss: 0, grads: new Float32Array(0) }),
    predict: (_x, n) => new Float32Array(n * 2),
    snapshot: () => ({ weights: new Float32Array(0), state: new Float32Array(0) }),
    restore: () => {},
    tensors: () => null,
    dispose: async () => {},
  };
}
