import { describe, expect, it } from 'vitest';
import { inferShapes, parseModelSpec, summarizeModel, convGeometry } from '../../src-main/common/ml/model';
import { REFERENCE_CNN } from '../../src-main/common/ml/templates';

describe('model shapes', () => {
  it('works out the reference CNN without a hand-computed size', () => {
    const s = summarizeModel({ schemaVersion: 1, name: 'ref', layers: REFERENCE_CNN }, [1000, 1], { units: 3 });
    expect(s.layers.map((l) => [l.path, l.type, l.output, l.params])).toEqual([
      ['1', 'conv1d', [1000, 16], 128],
      ['2', 'relu', [1000, 16], 0],
      ['3', 'maxPool1d', [500, 16], 0],
      ['4', 'conv1d', [500, 32], 2592],
      ['5', 'relu', [500, 32], 0],
      ['6', 'maxPool1d', [250, 32], 0],
      ['7', 'conv1d', [250, 64], 6208],
      ['8', 'relu', [250, 64], 0],
      ['9', 'globalAvgPool1d', [64], 0],
      ['10', 'dense', [3], 195],
    ]);
    expect(s.params).toBe(9123);
  });

  it("'same' and 'valid' geometry as Keras", () => {
    expect(convGeometry(10, 3, 1, 1, 'same')).toEqual({ lOut: 10, padLeft: 1 });
    expect(convGeometry(10, 4, 1, 1, 'same')).toEqual({ lOut: 10, padLeft: 1 });
    expect(convGeometry(10, 3, 2, 1, 'same')).toEqual({ lOut: 5, padLeft: 0 });
    expect(convGeometry(11, 3, 2, 2, 'same')).toEqual({ lOut: 6, padLeft: 2 });
    expect(convGeometry(10, 3, 2, 1, 'valid')).toEqual({ lOut: 4, padLeft: 0 });
  });

  it('names the layer that cannot fit, with the shapes', () => {
    expect(() => inferShapes([{ type: 'globalAvgPool1d' }, { type: 'conv1d', filters: 4, kernelSize: 3, strides: 1, dilation: 1, padding: 'same', useBias: true }], [100, 1])).toThrow(
      'Layer 2 (conv1d) cannot take input [1]: it needs a sequence [length, channels], but the data was already flattened or pooled to a vector. Move it before the global pooling / flatten / dense layers.',
    );
    expect(() => inferShapes([{ type: 'dense', units: 4, useBias: true }], [100, 1])).toThrow('Layer 1 (dense) cannot take input [100, 1]: a dense layer needs a vector. Add a flatten or global average pooling layer before it.');
    expect(() => inferShapes([{ type: 'maxPool1d', poolSize: 8 }, { type: 'maxPool1d', poolSize: 8 }, { type: 'conv1d', filters: 2, kernelSize: 5, strides: 1, dilation: 1, padding: 'valid', useBias: true }], [100, 1])).toThrow(
      "Layer 3 (conv1d) cannot take input [1, 1]: the kernel spans 5 points but only 1 are left. Use fewer pooling steps, a smaller kernel or 'same' padding.",
    );
  });

  it('flatten size and residual projection shortcut', () => {
    const r = inferShapes(parseModelSpec({ layers: [{ type: 'conv1d', filters: 4, kernelSize: 3 }, { type: 'residual', layers: [{ type: 'conv1d', filters: 8, kernelSize: 3, strides: 2 }] }, { type: 'flatten' }] }).layers, [33, 1]);
    expect(r.output).toEqual([17 * 8]);
    expect(r.summary.map((l) => l.path)).toEqual(['1', '2', '2.1', '2.s', '3']);
    expect(r.summary[3]!.detail).toBe('1×1 conv, stride 2, + batch norm');
  });

  it('a bad spec names the field', () => {
    expect(() => parseModelSpec({ layers: [{ type: 'conv1d', filters: 0, kernelSize: 3 }] })).toThrow(/^Model spec: layers\.0\.filters: /);
  });
});
