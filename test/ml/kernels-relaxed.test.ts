/**
 * The relaxed SIMD build (out/ml/kernels-relaxed.wasm) held to the same references as the SIMD128
 * one. Where this node has relaxed SIMD by default (Node 22, Electron) kernels.test.ts and
 * engine.test.ts run its cases themselves; on Node 20, which has it only behind
 * --experimental-wasm-relaxed-simd, this runs those two files' relaxed cases in vitest workers
 * started with the flag (vitest.config.mts adds it when SPECTRA_WASM_RELAXED_TESTS is set), and
 * test/services/predict-kernels.test.ts, whose prediction must then report the relaxed build.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wasmRelaxedSimdSupported } from '../../src-main/ml/kernels/features';

const root = path.resolve(__dirname, '../..');

interface JsonReport {
  testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[];
}

describe('relaxed SIMD kernels in a node with the flag', () => {
  it.skipIf(wasmRelaxedSimdSupported())('every relaxed case of kernels.test.ts and engine.test.ts passes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaxed-tests-'));
    const report = path.join(dir, 'report.json');
    try {
      const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
      const args = [vitest, 'run', 'test/ml/kernels.test.ts', 'test/ml/engine.test.ts', '-t', 'relaxed', '--reporter=json', `--outputFile=${report}`];
      const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, SPECTRA_WASM_RELAXED_TESTS: '1' }, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      const results = (JSON.parse(fs.readFileSync(report, 'utf8')) as JsonReport).testResults.flatMap((f) => f.assertionResults.map((a) => ({ file: path.basename(f.name), ...a })));
      const ran = results.filter((a) => a.status !== 'skipped' && a.status !== 'pending');
      expect(ran.filter((a) => a.status !== 'passed')).toEqual([]);
      // Both files ran their relaxed cases: the kernels against float64, the networks against tfjs.
      expect(ran.filter((a) => a.file === 'kernels.test.ts' && a.fullName.startsWith('wasm-simd relaxed kernels ')).length).toBeGreaterThan(15);
      expect(ran.filter((a) => a.file === 'engine.test.ts' && a.fullName.includes('WebAssembly relaxed SIMD kernels')).length).toBeGreaterThan(10);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 320_000);

  it.skipIf(wasmRelaxedSimdSupported())('prediction runs on the relaxed build there (test/services/predict-kernels.test.ts)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relaxed-tests-'));
    const report = path.join(dir, 'report.json');
    try {
      const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
      const args = [vitest, 'run', 'test/services/predict-kernels.test.ts', '--reporter=json', `--outputFile=${report}`];
      const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, SPECTRA_WASM_RELAXED_TESTS: '1' }, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      const results = (JSON.parse(fs.readFileSync(report, 'utf8')) as JsonReport).testResults.flatMap((f) => f.assertionResults);
      expect(results.map((a) => [a.fullName, a.status])).toEqual([
        ['the kernels a prediction runs on are the build training chose on this runtime (spectra-desk wasm-relaxed-simd), and predict the stored test classes', 'passed'],
        ['the kernels a prediction runs on are the SIMD128 build with SPECTRA_KERNELS_BUILD=simd128, and plain JS for a run trained on it', 'passed'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 320_000);
});
