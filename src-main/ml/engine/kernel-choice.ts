/** Which kernel implementation a network runs on (the built files are found by ../built-files). */
export type KernelKind = 'wasm-simd' | 'js';
