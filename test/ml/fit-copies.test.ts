/** The fit loop over augmented copies: every row once per epoch, in one of its copies, seeded. */
import { describe, expect, it } from 'vitest';
import { fit } from '../../src-main/ml/fit';
import type { Runtime } from '../../src-main/ml/runtime';
import { stepRuntime } from '../helpers/step-runtime';

function recorder(): { runtime: Runtime; seen: number[][] } {
  const seen: number[][] = [];
  const runtime = stepRuntime('recorder', (index, from, batch) => {
    seen.push(Array.from(index.subarray(from, from + batch)));
    return { loss: 1, gradNorm: 1, applied: true };
  });
  return { runtime, seen };
}

describe('fit with copies', () => {
  const train = { x: new Float32Array(10), y: new Int32Array(10), n: 10 };
  const run = async (copies: number, seed = 3) => {
    const r = recorder();
    await fit(r.runtime, { task: { kind: 'classification', classes: 2 }, train, epochs: 4, batchSize: 4, seed, copies });
    return r.seen;
  };

  it('takes every row once per epoch, from copies 0 … copies − 1, the same for the same seed', async () => {
    const seen = await run(8);
    expect(seen).toHaveLength(4 * 3);
    for (let e = 0; e < 4; e++) {
      const epoch = seen.slice(e * 3, e * 3 + 3).flat();
      expect(epoch.map((i) => i % 10).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(epoch.every((i) => i >= 0 && i < 80)).toBe(true);
    }
    expect(new Set(seen.flat().map((i) => Math.floor(i / 10))).size).toBeGreaterThan(4);
    expect(await run(8)).toEqual(seen);
    expect(await run(8, 4)).not.toEqual(seen);
  });

  it('without copies it indexes the rows themselves', async () => {
    const seen = await run(1);
    expect(seen.flat().every((i) => i < 10)).toBe(true);
  });
});
