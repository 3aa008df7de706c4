import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerParser } from '../../src-main/services/worker-parser';
import { parseFile } from '../../src-main/io';
import { UserError } from '../../src-main/common/errors';
import { fixture } from '../helpers/datasets';

// The worker runs the bundled script that the app ships (`npm test` builds it first).
const script = path.resolve(__dirname, '../../out/main/parse-worker.cjs');

describe('workerParser', () => {
  beforeAll(() => {
    expect(fs.existsSync(script)).toBe(true);
  });

  it('gives the same batch as parsing in this thread, with progress', async () => {
    const file = fixture('ucr_spectro/Strawberry/Strawberry_TRAIN.tsv');
    const bytes = fs.readFileSync(file);
    const progress: number[] = [];
    const batch = await workerParser(script)(new Uint8Array(bytes), 'Strawberry_TRAIN.tsv', { splitTag: 'train', onProgress: (f) => progress.push(f) });
    const inline = parseFile(bytes, 'Strawberry_TRAIN.tsv', { splitTag: 'train' });
    expect(batch.samples.length).toBe(613);
    expect(batch.samples.map((s) => s.id)).toEqual(inline.samples.map((s) => s.id));
    expect(batch.samples[612]!.channels[0]).toEqual(inline.samples[612]!.channels[0]);
    expect(batch.axes[0]!.values).toEqual(inline.axes[0]!.values);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('returns parse errors as UserErrors naming the file and line', async () => {
    const bytes = new TextEncoder().encode('id,1000,1001\na,1,2\nb,1\n');
    await expect(workerParser(script)(bytes, 'ragged.csv', {})).rejects.toMatchObject({ code: 'BAD_INPUT', file: 'ragged.csv', line: 3 });
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    const pending = workerParser(script)(new Uint8Array(fs.readFileSync(fixture('orange_collagen/collagen.csv'))), 'collagen.csv', { signal: controller.signal });
    controller.abort();
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe('CANCELLED');
  });
});
