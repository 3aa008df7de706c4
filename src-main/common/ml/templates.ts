/** Named model layouts. */
import type { LayerSpec } from './model';

/**
 * The benchmark's reference 1D CNN (the same network as ../shared/bench/torch_reference.py):
 * conv 16×7 → ReLU → max pool 2 → conv 32×5 → ReLU → max pool 2 → conv 64×3 → ReLU → global
 * average pooling → dense (the output layer, added by the trainer).
 */
export const REFERENCE_CNN: LayerSpec[] = [
  { type: 'conv1d', filters: 16, kernelSize: 7, strides: 1, dilation: 1, padding: 'same', useBias: true },
  { type: 'relu' },
  { type: 'maxPool1d', poolSize: 2 },
  { type: 'conv1d', filters: 32, kernelSize: 5, strides: 1, dilation: 1, padding: 'same', useBias: true },
  { type: 'relu' },
  { type: 'maxPool1d', poolSize: 2 },
  { type: 'conv1d', filters: 64, kernelSize: 3, strides: 1, dilation: 1, padding: 'same', useBias: true },
  { type: 'relu' },
  { type: 'globalAvgPool1d' },
];
