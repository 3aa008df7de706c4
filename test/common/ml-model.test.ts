import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferShapes, parseModelSpec, summarizeModel, convGeometry, poolGeometry, poolWindowCounts } from '../../src-main/common/ml/model';
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

  it('explicit conv padding as PyTorch, pooling padding as tfjs', () => {
    expect(convGeometry(235, 5, 2, 1, 2)).toEqual({ lOut: 118, padLeft: 2 });
    expect(convGeometry(10, 3, 1, 2, 1)).toEqual({ lOut: 8, padLeft: 1 });
    expect(convGeometry(10, 3, 1, 1, 0)).toEqual(convGeometry(10, 3, 1, 1, 'valid'));
    expect(poolGeometry(10, 3, 2)).toEqual({ lOut: 4, padLeft: 0, padTotal: 0 });
    expect(poolGeometry(118, 2, 2, 'same')).toEqual({ lOut: 59, padLeft: 0, padTotal: 0 });
    expect(poolGeometry(59, 2, 2, 'same')).toEqual({ lOut: 30, padLeft: 0, padTotal: 1 });
    expect(poolGeometry(31, 3, 1, 'same')).toEqual({ lOut: 31, padLeft: 1, padTotal: 2 });
    expect(poolGeometry(3, 8, 8, 'same')).toEqual({ lOut: 1, padLeft: 2, padTotal: 5 });
    expect(poolWindowCounts(7, 3, 1, 1, 7)).toEqual([2, 3, 3, 3, 3, 3, 2]);
    expect(poolWindowCounts(3, 8, 8, 2, 1)).toEqual([3]);
  });

  it('activations keep the shape; the table names slopes, padding and non-default initialisers', () => {
    const spec = parseModelSpec({
      layers: [{ type: 'conv1d', filters: 4, kernelSize: 5, strides: 2, padding: 2, kernelInitializer: 'heNormal' }, { type: 'leakyRelu' }, { type: 'elu' }, { type: 'tanh' }, { type: 'maxPool1d', poolSize: 2, padding: 'same' }, { type: 'sigmoid' }, { type: 'flatten' }, { type: 'dense', units: 3, kernelInitializer: 'glorotUniform' }],
    });
    expect(spec.layers[1]).toEqual({ type: 'leakyRelu', alpha: 0.3 });
    expect(inferShapes(spec.layers, [21, 1]).summary.map((l) => [l.type, l.output, l.detail])).toEqual([
      ['conv1d', [11, 4], '4 filters × 5, stride 2, padding 2, heNormal'],
      ['leakyRelu', [11, 4], 'slope 0.3 below 0'],
      ['elu', [11, 4], ''],
      ['tanh', [11, 4], ''],
      ['maxPool1d', [6, 4], 'pool 2, stride 2, same'],
      ['sigmoid', [6, 4], ''],
      ['flatten', [24], '6 × 4 = 24'],
      ['dense', [3], '24 → 3'],
    ]);
    expect(() => parseModelSpec({ layers: [{ type: 'conv1d', filters: 4, kernelSize: 5, padding: -1 }] })).toThrow(/^Model spec: layers\.0\.padding: /);
    expect(() => parseModelSpec({ layers: [{ type: 'dense', units: 4, kernelInitializer: 'lecunNormal' }] })).toThrow(/^Model spec: layers\.0\.kernelInitializer: /);
  });

  it("a short sequence fits a 'same' pool and an explicitly padded kernel, and says so when it does not", () => {
    expect(inferShapes([{ type: 'maxPool1d', poolSize: 8, padding: 'same' }], [3, 2]).output).toEqual([1, 2]);
    expect(inferShapes([{ type: 'conv1d', filters: 2, kernelSize: 5, strides: 1, dilation: 1, padding: 1, useBias: true }], [3, 1]).output).toEqual([1, 2]);
    expect(() => inferShapes([{ type: 'conv1d', filters: 2, kernelSize: 5, strides: 1, dilation: 1, padding: 1, useBias: true }], [2, 1])).toThrow(
      "Layer 1 (conv1d) cannot take input [2, 1]: the kernel spans 5 points but only 4 are left with the padding. Use fewer pooling steps, a smaller kernel or 'same' padding.",
    );
  });

  it('the two published Raman CNNs under scripts/architectures: their layer tables on Strawberry (235 points, 2 classes)', () => {
    const table = (file: string) => {
      const spec = parseModelSpec(JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../scripts/architectures', file), 'utf8')));
      const s = summarizeModel(spec, [235, 1], { units: 2 });
      return { rows: s.layers.map((l) => [l.path, l.type, l.output, l.params, l.detail]), params: s.params };
    };
    expect(table('A.json')).toEqual({
      rows: [
        ['1', 'conv1d', [118, 32], 192, '32 filters × 5, stride 2, padding 2'],
        ['2', 'leakyRelu', [118, 32], 0, 'slope 0.01 below 0'],
        ['3', 'maxPool1d', [59, 32], 0, 'pool 2, stride 2, same'],
        ['4', 'dropout', [59, 32], 0, 'rate 0.5'],
        ['5', 'conv1d', [30, 64], 10304, '64 filters × 5, stride 2, padding 2'],
        ['6', 'leakyRelu', [30, 64], 0, 'slope 0.01 below 0'],
        ['7', 'maxPool1d', [15, 64], 0, 'pool 2, stride 2, same'],
        ['8', 'dropout', [15, 64], 0, 'rate 0.5'],
        ['9', 'flatten', [960], 0, '15 × 64 = 960'],
        ['10', 'dense', [1024], 984064, '960 → 1024'],
        ['11', 'dense', [2], 2050, '1024 → 2'],
      ],
      params: 996610,
    });
    expect(table('B.json')).toEqual({
      rows: [
        ['1', 'conv1d', [113, 5], 55, '5 filters × 10, stride 2, valid'],
        ['2', 'batchNorm', [113, 5], 20, '5 channels (2·5 trained, 2·5 running statistics)'],
        ['3', 'leakyRelu', [113, 5], 0, 'slope 0.01 below 0'],
        ['4', 'maxPool1d', [56, 5], 0, 'pool 2, stride 2'],
        ['5', 'flatten', [280], 0, '56 × 5 = 280'],
        ['6', 'dense', [5], 1405, '280 → 5'],
        ['7', 'batchNorm', [5], 20, '5 channels (2·5 trained, 2·5 running statistics)'],
        ['8', 'leakyRelu', [5], 0, 'slope 0.01 below 0'],
        ['9', 'dropout', [5], 0, 'rate 0.5'],
        ['10', 'dense', [2], 12, '5 → 2'],
      ],
      params: 1512,
    });
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
