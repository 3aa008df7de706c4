/**
 * Engine selection: TensorFlow with CUDA (@tensorflow/tfjs-node-gpu) → TensorFlow on the CPU
 * (@tensorflow/tfjs-node) → our WebAssembly SIMD kernels → plain JavaScript. The two native
 * packages are optional dependencies (their install downloads libtensorflow, which fails
 * offline); a package that is present but broken (wrong CUDA, missing library) falls back with
 * the reason kept, never a crash. `SPECTRA_ENGINE` (gpu | cpu | wasm | js) or the `engine`
 * setting forces one.
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import type { EngineId, EngineInfo } from '../common/ml/protocol';
import { wasmSimdSupported } from './kernels/wasm';
import { chooseWasmBuild, wasmKernelSet } from './kernels/index';

const ALIASES: Record<string, EngineId> = { gpu: 'tfjs-node-gpu', cpu: 'tfjs-node', 'tfjs-node-gpu': 'tfjs-node-gpu', 'tfjs-node': 'tfjs-node', wasm: 'wasm', js: 'js' };

export function parseEngine(value: string | undefined): EngineId | 'auto' {
  if (!value || value === 'auto') return 'auto';
  const id = ALIASES[value.toLowerCase()];
  if (!id) throw new Error(`Unknown engine "${value}": use auto, gpu, cpu, wasm or js.`);
  return id;
}

/** A loaded TensorFlow.js module (the subset we use is typed where it is used). */
export type TfModule = typeof import('@tensorflow/tfjs-core') & { node?: unknown };

export interface EngineSelection {
  info: EngineInfo;
  /** The tfjs module for the native engines. */
  tf: TfModule | null;
}

export type Loader = (pkg: string) => unknown;

const defaultLoader: Loader = (pkg) => createRequire(typeof __filename === 'string' ? __filename : process.cwd() + '/')(pkg);

function describeLoadError(pkg: string, err: unknown): string {
  const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err);
  if (/Cannot find module/.test(msg) && msg.includes(pkg)) return `${pkg} is not installed (its install needs internet to download libtensorflow)`;
  return `${pkg} is installed but failed to load: ${msg}`;
}

/** The GPU's name from nvidia-smi (what TensorFlow's CUDA build runs on), or null. */
function gpuName(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 3000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n')[0]!.trim() || null;
  } catch {
    return null;
  }
}

export function defaultThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, 4));
}

/** Picks the engine to train on. `load` is injectable for tests (present-but-broken packages). */
export function selectEngine(prefer: EngineId | 'auto' = parseEngine(process.env.SPECTRA_ENGINE), opts: { load?: Loader; threads?: number } = {}): EngineSelection {
  const load = opts.load ?? defaultLoader;
  const threads = opts.threads ?? defaultThreads();
  const fallbacks: string[] = [];
  const order: EngineId[] = prefer === 'auto' ? ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'js'] : [prefer];
  for (const id of order) {
    if (id === 'tfjs-node-gpu' || id === 'tfjs-node') {
      const pkg = `@tensorflow/${id}`;
      try {
        const tf = load(pkg) as TfModule;
        const name = id === 'tfjs-node-gpu' ? gpuName() : null;
        const label = id === 'tfjs-node-gpu' ? `GPU · ${name ?? 'CUDA'} (TensorFlow ${tf.version_core ?? ''})`.replace(' )', ')') : `CPU · TensorFlow native (${tf.version_core ?? ''})`;
        const versions: Record<string, string> = { 'tfjs-core': String(tf.version_core ?? 'unknown') };
        const own = (tf as { version?: Record<string, string> }).version?.[id];
        if (own) versions[id] = own;
        return { info: { id, label, fallbacks, threads: 1, versions }, tf };
      } catch (err) {
        fallbacks.push(describeLoadError(pkg, err));
        continue;
      }
    }
    if (id === 'wasm') {
      if (!wasmSimdSupported()) {
        fallbacks.push('WebAssembly SIMD is not supported by this runtime');
        continue;
      }
      const build = chooseWasmBuild();
      if (!build) {
        fallbacks.push('the WebAssembly kernels (out/ml/kernels.wasm) were not built');
        continue;
      }
      return { info: { id, label: `CPU · WebAssembly SIMD · ${threads} thread${threads > 1 ? 's' : ''}`, fallbacks, threads, versions: { kernels: wasmKernelSet(build), runtime: `node ${process.versions.node}` } }, tf: null };
    }
    if (id === 'js') {
      return { info: { id, label: `CPU · plain JavaScript · ${threads} thread${threads > 1 ? 's' : ''} (slow)`, fallbacks, threads, versions: { kernels: 'spectra-desk js', runtime: `node ${process.versions.node}` } }, tf: null };
    }
  }
  throw new Error(`The ${prefer} engine is not available: ${fallbacks.join('; ')}.`);
}
